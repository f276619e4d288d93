"""deploy/envfile.py reads an env file by the rules systemd.exec(5) documents for
EnvironmentFile= (the services' reading), not as a shell would."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("envfile", ROOT / "deploy" / "envfile.py")
envfile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(envfile)


def parsed(text: str) -> dict[str, str]:
    return dict(envfile.parse(text))


def test_comments_blank_lines_and_lines_without_equals_are_ignored():
    assert parsed("# a comment\n\n; another\njust words\nA=1\n") == {"A": "1"}


def test_an_unquoted_value_keeps_inner_spaces_and_quotes_and_loses_outer_blanks():
    assert parsed("  LIMIT =  60 per 15 minutes  \n") == {"LIMIT": "60 per 15 minutes"}
    assert parsed('JSON={"phone": "{phone}"}\n') == {"JSON": '{"phone": "{phone}"}'}
    assert parsed("URL=a?b=1&c=2\n") == {"URL": "a?b=1&c=2"}
    assert parsed("X=$HOME `id`\n") == {"X": "$HOME `id`"}  # nothing is expanded or run


def test_backslashes_outside_quotes():
    assert parsed("A=one\\ \nB=x\\\\y\nC=first \\\nsecond\n") == {
        "A": "one ", "B": "x\\y", "C": "first second"}


def test_single_quotes_are_verbatim_and_may_span_lines():
    assert parsed("A='it is $x \\n'\nB='two\nlines'\n") == {"A": "it is $x \\n",
                                                            "B": "two\nlines"}


def test_double_quotes_know_only_a_few_escapes():
    text = 'A="say \\"hi\\" \\\\ \\$x \\`y\\` \\n"\nB="one\\\ntwo"\n'
    assert parsed(text) == {"A": 'say "hi" \\ $x `y` \\n', "B": "onetwo"}


def test_an_empty_value_and_a_last_line_without_newline():
    assert parsed("EMPTY=\nLAST=value") == {"EMPTY": "", "LAST": "value"}


def test_invalid_names_are_skipped_like_systemd_does(tmp_path, capsys):
    path = tmp_path / "env"
    path.write_text("1BAD=x\nBAD NAME=y\nGOOD=z\n", encoding="utf-8")
    assert envfile.load(str(path)) == {"GOOD": "z"}
    assert "1BAD" in capsys.readouterr().err
