"""Run a command with the settings of an env file read the way systemd's
``EnvironmentFile=`` reads it (systemd.exec(5)), so that ``tracker-flask`` and the
services see the same values. Standard library only; run as
``python3 -I envfile.py FILE COMMAND [ARG...]`` (deploy/tracker-flask does).

The file is never run by a shell: ``LOGIN_LIMIT_PER_ADDRESS=60 per 15 minutes`` is one
value, an ``&`` in ``DATABASE_URL`` is a character, ``$`` and backticks are kept as they
are. The rules, as systemd documents them:

- Empty lines, lines without ``=``, and lines whose first non-blank character is ``#``
  or ``;`` are ignored. Blanks around the name and around the value are dropped.
- Unquoted value: interior blanks and quotes (after the first character) are kept;
  ``\\x`` gives ``x``; a backslash at the end of a line continues the value on the next.
- ``'…'``: everything verbatim up to the next ``'``, newlines included; no escapes.
- ``"…"``: verbatim up to the next ``"``, newlines included; only ``\\"``, ``\\\\``,
  ``\\```, ``\\$`` and backslash-newline are escapes, any other backslash is kept.
- A name that is not a valid variable name (letters, digits, ``_``; not starting with a
  digit) is skipped with a warning, as systemd skips it.
"""
from __future__ import annotations

import os
import re
import sys

_BLANK = " \t\n\r"
_NEWLINE = "\n\r"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def parse(text: str) -> list[tuple[str, str]]:
    """The (name, value) assignments of an env file's text, in order."""
    out: list[tuple[str, str]] = []
    state = "line"  # line | comment | name | before_value | value | single | double
    name: list[str] = []
    value: list[str] = []
    keep = 0  # in an unquoted value: its length without the trailing blanks
    i, n = 0, len(text)

    def finish() -> None:
        out.append(("".join(name).rstrip(" \t"), "".join(value)))

    while i < n:
        c = text[i]
        i += 1
        if state == "line":
            if c in "#;":
                state = "comment"
            elif c not in _BLANK:
                name, state = [c], "name"
        elif state == "comment":
            if c in _NEWLINE:
                state = "line"
        elif state == "name":
            if c in _NEWLINE:
                state = "line"  # no "=": ignored
            elif c == "=":
                value, state = [], "before_value"
            else:
                name.append(c)
        elif state == "before_value":  # after "=", or after a closing quote
            if c in _NEWLINE:
                finish()
                state = "line"
            elif c == "'":
                state = "single"
            elif c == '"':
                state = "double"
            elif c == "\\":
                state = "value"
                i = _escaped(text, i, value)
                keep = len(value)
            elif c not in _BLANK:
                value.append(c)
                keep, state = len(value), "value"
        elif state == "value":  # unquoted: quotes are characters here
            if c in _NEWLINE:
                del value[keep:]
                finish()
                state = "line"
            elif c == "\\":
                i = _escaped(text, i, value)
                keep = len(value)
            else:
                value.append(c)
                if c not in _BLANK:
                    keep = len(value)
        elif state == "single":
            if c == "'":
                state = "before_value"
            else:
                value.append(c)
        elif state == "double":
            if c == '"':
                state = "before_value"
            elif c == "\\" and i < n:
                following = text[i]
                i += 1
                if following in '"\\`$':
                    value.append(following)
                elif following != "\n":  # backslash-newline: the line continues
                    value += ["\\", following]
            else:
                value.append(c)
    if state == "value":
        del value[keep:]
    if state in ("before_value", "value", "single", "double"):
        finish()
    return out


def _escaped(text: str, i: int, value: list[str]) -> int:
    """After a backslash outside quotes: the next character as it is, except a newline,
    which only continues the line."""
    if i < len(text):
        if text[i] not in _NEWLINE:
            value.append(text[i])
        return i + 1
    return i


def load(path: str) -> dict[str, str]:
    """The file's settings; a later line wins over an earlier one with the same name."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    settings: dict[str, str] = {}
    for name, value in parse(text):
        if not _NAME.match(name):
            print(f"{path}: 忽略无效的变量名 {name!r}（systemd 同样忽略）", file=sys.stderr)
            continue
        settings[name] = value
    return settings


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print("usage: envfile.py FILE COMMAND [ARG...]", file=sys.stderr)
        return 2
    path, command = argv[1], argv[2:]
    try:
        settings = load(path)
    except (OSError, UnicodeDecodeError) as error:
        print(f"tracker-flask: 无法读取设置文件 {path}：{error}", file=sys.stderr)
        return 1
    os.environ.update(settings)
    try:
        os.execvp(command[0], command)
    except OSError as error:
        print(f"tracker-flask: 无法运行 {command[0]}：{error}", file=sys.stderr)
        return 127


if __name__ == "__main__":
    sys.exit(main(sys.argv))
