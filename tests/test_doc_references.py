"""What the design and the comments point a newcomer to exists (review "maintain" #4):
every table of tracker/models is in docs/design.md's "shape of the data", and every
`module.function` a comment in tracker/ names can be found where it says. What an
admin installs from is the code's own: every setting read from the environment is in
the README's Configuration (and nothing else is), every `make` target and `flask`
command the docs name exists, and every repository path they cite is there."""
from __future__ import annotations

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = re.compile(r"^class ([A-Za-z]+)\(db\.Model", re.M)
# A comment's dotted reference into the app's own modules, e.g. "(sources.source_label)".
REFERENCE = re.compile(
    r"#.*?\b((?:services|reports|rollups|reminders|residents|sources|privacy|participation"
    r"|report_owed)\.[a-z_]+(?:\.[a-z_]+)?)\b")
# A docstring's, in double backticks: ``rollups.findings.moves_by_community_plan``.
PACKAGES = r"(?:services|reports|rollups|reminders|residents|sources|privacy|participation|report_owed)"
DOCSTRING_REFERENCE = re.compile(r"``(" + PACKAGES + r"\.[a-z_]+(?:\.[A-Za-z_]+)?)``")


def _shape_of_the_data() -> str:
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    start = design.index("## The shape of the data")
    return design[start:design.index("\n## ", start + 1)]


def test_every_table_is_in_the_designs_shape_of_the_data():
    shape = _shape_of_the_data()
    tables = {name for path in (ROOT / "tracker" / "models").glob("*.py")
              for name in MODEL.findall(path.read_text(encoding="utf-8"))}
    assert {"LoginSession", "ThrottleHit", "SubmissionToken", "ReminderNewsStart"} <= tables
    assert sorted(t for t in tables if not re.search(rf"\b{t}\b", shape)) == []


def test_every_association_table_is_in_the_designs_shape_of_the_data():
    shape = _shape_of_the_data()
    tables = {name for path in (ROOT / "tracker" / "models").glob("*.py")
              for name in re.findall(r"= Table\(\s*\"(\w+)\"", path.read_text(encoding="utf-8"))}
    assert {"liaison_community", "task_resident"} <= tables
    assert sorted(t for t in tables if not re.search(rf"\b{t}\b", shape)) == []


def _resolves(reference: str) -> bool:
    parts = reference.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module("tracker." + ".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for name in parts[cut:]:
                found = getattr(found, name)
        except AttributeError:
            return False
        return True
    return False


def test_the_resolver_refuses_a_name_that_is_not_there():
    assert _resolves("sources.source_label")
    assert not _resolves("services.backfill.source_label")


def test_every_module_function_a_comment_names_exists():
    wrong = []
    for path in sorted((ROOT / "tracker").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for found in REFERENCE.finditer(line):
                if not found.group(1).endswith(".py") and not _resolves(found.group(1)):
                    wrong.append(f"{path.relative_to(ROOT)}:{number}: {found.group(1)}")
    assert wrong == []


def test_every_module_function_a_docstring_names_exists():
    """A rename leaves no docstring naming what is gone (review40 #5: a model's
    docstring named ``rollups.kept.double_move_rows``, never written)."""
    wrong, checked = [], 0
    for path in sorted((ROOT / "tracker").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for found in DOCSTRING_REFERENCE.finditer(line):
                checked += 1
                if not found.group(1).endswith(".py") and not _resolves(found.group(1)):
                    wrong.append(f"{path.relative_to(ROOT)}:{number}: {found.group(1)}")
    assert checked > 50  # the scan finds them
    assert wrong == []


# What an admin installs and runs the app from: the settings, commands, make targets and
# files these name must be the code's own (docs/reviews.md and the session notes are
# history and may name what is gone).
INSTALL_DOCS = ("README.md", "docs/deploy.md", "docs/design.md", "docs/scaling.md")
COMMAND_DOCS = INSTALL_DOCS + ("docs/testing.md", "docs/performance.md")
# Where the environment is read: the app's settings, gunicorn's, and create_app's own check.
SETTING_READERS = ("tracker/config.py", "tracker/__init__.py", "deploy/gunicorn.conf.py")
READ = re.compile(r"""(?:\benv(?:iron)?\.get\(|\b(?:_whole|_limit|_seconds|_secret|_flag|text_setting)"""
                  r"""\((?:os\.environ|env),\s*)["']([A-Z][A-Z0-9_]*)["']""")
TABLE_NAMES = re.compile(r"^\| ((?:`[A-Z][A-Z0-9_]*`(?:, | / )?)+) \|", re.M)


def _text(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def _settings_read() -> set[str]:
    return {name for path in SETTING_READERS for name in READ.findall(_text(path))}


def _readme_settings() -> set[str]:
    readme = _text("README.md")
    section = readme[readme.index("## Configuration"):readme.index("\n## ", readme.index("## Configuration") + 1)]
    return {name for row in TABLE_NAMES.findall(section) for name in re.findall(r"`(\w+)`", row)}


def test_the_settings_scan_finds_each_way_a_setting_is_read():
    assert READ.findall('env.get("A_B", "x") _whole(env, "C", "1") os.environ.get("D") '
                        '_whole(os.environ, "E", "5") _limit(env, "F", "1 per hour") '
                        'overrides.get("G") text_setting(env, "H", "x") _secret(env, "I") '
                        '_seconds(env, "J", 1.0) text_setting(os.environ, "K") '
                        '_flag(os.environ, "L", True)') == [
        "A_B", "C", "D", "E", "F", "H", "I", "J", "K", "L"]


def test_every_setting_the_code_reads_is_in_the_readmes_configuration_and_only_those():
    read, documented = _settings_read(), _readme_settings()
    assert {"SECRET_KEY", "DB_CONNECT_TIMEOUT", "LOGIN_DELAY_MAX_SECONDS", "SMTP_HOST",
            "GUNICORN_WORKERS", "WEB_CONCURRENCY"} <= read
    assert sorted(read - documented) == []
    assert sorted(documented - read) == []


def test_every_setting_of_the_example_env_file_is_read():
    example = re.findall(r"^#?([A-Z][A-Z0-9_]*)=", _text("deploy/tracker.env.example"), re.M)
    assert "SECRET_KEY" in example and "SMTP_HOST" in example
    assert sorted(set(example) - _settings_read()) == []


def test_every_make_target_the_docs_name_is_in_the_makefile():
    targets = set(re.findall(r"^([a-z][\w-]*):", _text("Makefile"), re.M))
    named = {(doc, target) for doc in COMMAND_DOCS
             for target in re.findall(r"(?:`|^)make ([a-z][\w-]*)", _text(doc), re.M)}
    assert {"run", "test", "static", "clean"} <= {target for _, target in named}
    assert sorted(pair for pair in named if pair[1] not in targets) == []


def test_every_flask_command_the_docs_name_exists(app):
    commands = {**app.cli.commands, "run": None, "shell": None, "routes": None}
    named = set()
    for doc in COMMAND_DOCS:
        named |= {(doc, *found) for found in re.findall(
            r"(?:`|^|/)(?:tracker-)?flask(?: --app wsgi)? ([a-z][\w-]*)(?: ([a-z][\w-]*))?",
            _text(doc), re.M)}
    readme = _text("README.md")
    table = readme[readme.index("## Commands"):readme.index("### Make targets")]
    named |= {("README.md", *found) for found in re.findall(r"^\| `([a-z][\w-]*)(?: ([a-z][\w-]*))?", table, re.M)}
    assert {"create-admin", "purge-members", "sweep-uploads", "db"} <= {c for _, c, _ in named}
    wrong = []
    for doc, command, sub in sorted(named):
        if command not in commands:
            wrong.append(f"{doc}: flask {command}")
        elif sub and hasattr(commands[command], "commands") and sub not in commands[command].commands:
            wrong.append(f"{doc}: flask {command} {sub}")
    assert wrong == []


def test_every_repo_path_the_install_docs_cite_exists():
    path = re.compile(r"(?<![\w/.~-])((?:tracker|tests|deploy|scripts|bench|migrations|assets"
                      r"|static|templates|docs)/(?:[\w./*-]*[\w/*])?)")
    cited = {(doc, found) for doc in INSTALL_DOCS for found in path.findall(_text(doc))}
    assert ("README.md", "deploy/gunicorn.conf.py") in cited
    assert ("docs/deploy.md", "deploy/tracker-*.timer") in cited  # a glob: one file matching
    missing = [f"{doc}: {found}" for doc, found in sorted(cited)
               if not found.startswith("bench/out/")  # written by bench/run.py, not committed
               and not next(ROOT.glob(found), None)]
    assert missing == []


def test_every_pinned_package_has_its_why_in_the_readme_and_only_those():
    def pinned(name):
        return {re.split(r"[\[=<>~ ]", line.strip())[0].lower()
                for line in _text(name).splitlines()
                if line.strip() and not line.startswith(("#", "-r"))}

    runtime, dev = pinned("requirements.txt"), pinned("requirements-dev.txt")
    readme = _text("README.md")
    section = readme[readme.index("## Dependencies"):]
    listed, listed_dev = set(), set()
    for cell in re.findall(r"^\| ([^|]+) \| [^|]+ \|$", section, re.M)[1:]:  # past the header
        names = {re.split(r"\[", n.strip())[0].lower() for n in cell.replace(" (dev)", "").split(",")}
        (listed_dev if cell.endswith("(dev)") else listed).update(names)
    assert {"flask", "psycopg", "ruff"} <= runtime | dev
    assert sorted(runtime ^ listed) == []
    assert sorted(dev ^ listed_dev) == []


def test_every_reminder_kind_has_its_row_in_the_readmes_reminders(app):
    from tracker.reminders.kinds import KINDS

    readme = _text("README.md")
    section = readme[readme.index("## Reminders"):readme.index("\n## ", readme.index("## Reminders") + 1)]
    rows = set(re.findall(r"^\| `([a-z_]+)` ", section, re.M))
    assert "tomorrow" in rows
    assert sorted({kind.code for kind in KINDS} ^ rows) == []
