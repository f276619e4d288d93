"""Run a command with the settings of an env file read the way systemd's
``EnvironmentFile=`` reads it (systemd.exec(5)), so that ``tracker-flask`` and the
services see the same values. Standard library only; run as

    python3 -I envfile.py [--user NAME --directory DIR] FILE COMMAND [ARG...]

With ``--user`` and ``--directory`` (deploy/tracker-flask gives both) the command gets
what a unit with ``User=NAME``, ``WorkingDirectory=DIR``, ``EnvironmentFile=FILE`` and
``UMask=0027`` gives its ``ExecStart=``, not the caller's environment:

- the environment starts empty, as systemd's does: then the ``PATH`` systemd (252,
  Debian 12) gives services, the system locale (``LANG``, ``LC_*`` of /etc/locale.conf,
  else Debian's /etc/default/locale, else ``LANG=C.UTF-8``), ``HOME``, ``USER``,
  ``LOGNAME`` and ``SHELL`` of NAME, and the file's settings over all of these (as in
  systemd). Nothing of root's shell (``PYTHONPATH``, ``PGHOST``, a ``DATABASE_URL``
  exported for a test, proxies) reaches the command. Two more: ``TERM``, the terminal
  the admin types in, and ``TRACKER_CALLER_DIR``, the folder the command was started
  from: the app reads relative file arguments (``-o report.docx``) against it
  (tracker/ops/files.py), since the command itself runs in DIR;
- it runs as NAME (its group and supplementary groups) when started as root, in DIR,
  with umask 0027.

Without them, the file's settings are laid over the current environment.

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


# What systemd 252 (Debian 12) gives every service before its own settings: its
# default PATH, and the locale PID 1 read at boot (system.conf's DefaultEnvironment=
# aside, which Debian leaves empty).
SERVICE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
LOCALE_FILES = ("/etc/locale.conf", "/etc/default/locale")
LOCALE_NAMES = ("LANG", "LANGUAGE", "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE",
                "LC_MONETARY", "LC_MESSAGES", "LC_PAPER", "LC_NAME", "LC_ADDRESS",
                "LC_TELEPHONE", "LC_MEASUREMENT", "LC_IDENTIFICATION")
CALLER_DIR = "TRACKER_CALLER_DIR"


def system_locale(files: tuple[str, ...] = LOCALE_FILES) -> dict[str, str]:
    """The locale systemd hands to services: the first of ``files`` that exists, its
    LANG and LC_* settings; C.UTF-8 when it sets none."""
    for path in files:
        try:
            settings = load(path)
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError):
            break
        found = {name: value for name, value in settings.items()
                 if name in LOCALE_NAMES and value}
        if found:
            return found
        break
    return {"LANG": "C.UTF-8"}


def service_environment(account, settings: dict[str, str], *, caller_dir: str,
                        term: str | None) -> dict[str, str]:
    """The environment a unit with ``User=`` ``account`` (a pwd entry) and this
    ``EnvironmentFile=`` gives its command; plus TERM and TRACKER_CALLER_DIR."""
    environment = {"PATH": SERVICE_PATH, **system_locale(),
                   "HOME": account.pw_dir, "USER": account.pw_name,
                   "LOGNAME": account.pw_name, "SHELL": account.pw_shell}
    if term:
        environment["TERM"] = term
    environment[CALLER_DIR] = caller_dir
    environment.update(settings)  # the file's values win, as in systemd
    return environment


def become(account) -> None:
    """Switch to ``account``'s user, group and supplementary groups (as User= does);
    nothing to do when already that user."""
    if os.geteuid() == account.pw_uid:
        return
    os.initgroups(account.pw_name, account.pw_gid)
    os.setgid(account.pw_gid)
    os.setuid(account.pw_uid)


def _options(argv: list[str]) -> tuple[dict[str, str], list[str]]:
    options: dict[str, str] = {}
    while argv and argv[0] in ("--user", "--directory") and len(argv) > 1:
        options[argv[0][2:]] = argv[1]
        argv = argv[2:]
    return options, argv


def main(argv: list[str]) -> int:
    options, rest = _options(argv[1:])
    if len(rest) < 2 or len(options) == 1:
        print("usage: envfile.py [--user NAME --directory DIR] FILE COMMAND [ARG...]",
              file=sys.stderr)
        return 2
    path, command = rest[0], rest[1:]
    try:
        settings = load(path)
    except (OSError, UnicodeDecodeError) as error:
        print(f"tracker-flask: 无法读取设置文件 {path}：{error}", file=sys.stderr)
        return 1
    if options:
        import pwd

        try:
            account = pwd.getpwnam(options["user"])
        except KeyError:
            print(f"tracker-flask: 没有用户 {options['user']}", file=sys.stderr)
            return 1
        try:
            environment = service_environment(account, settings, caller_dir=os.getcwd(),
                                              term=os.environ.get("TERM"))
            become(account)
            os.chdir(options["directory"])
        except OSError as error:
            print(f"tracker-flask: 无法以用户 {account.pw_name} 在 {options['directory']} "
                  f"中运行：{error}", file=sys.stderr)
            return 1
        os.umask(0o027)
    else:
        environment = {**os.environ, **settings}
    try:
        os.execvpe(command[0], command, environment)
    except OSError as error:
        print(f"tracker-flask: 无法运行 {command[0]}：{error}", file=sys.stderr)
        return 127


if __name__ == "__main__":
    sys.exit(main(sys.argv))
