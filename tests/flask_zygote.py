"""The "zygote" of ``tests.flask_cli.run_flask_forked``: a Python process that has imported
only third-party libraries (the ones ``python -m flask --app wsgi`` imports before it
runs a command) and forks one child per ``flask`` command it is asked to run.

Run as a script (``python tests/flask_zygote.py FD``), never imported by the test process:
it must not hold a module of the project (``tracker``, ``wsgi``, ``migrations/``, ``tests``),
so that each child imports them from scratch, as a new interpreter would. It speaks over
the socket FD, one JSON line each way:

    request:  {"args": [...], "env": {...}, "cwd": "...", "stdin": path or null,
               "stdout": path, "stderr": path}
    answers:  {"pid": N}  when the child is forked (so that a hung one can be killed),
              {"status": N}  when it has ended: its exit status as ``subprocess`` gives it
              (-signal if a signal ended it).

It ends when the socket closes (the test process is done or gone).
"""
from __future__ import annotations

import atexit
import importlib
import json
import os
import runpy
import socket
import sys
import traceback

# What ``python -m flask --app wsgi db …`` imports from the virtualenv before and while it
# runs the app's code (listed from sys.modules after `flask db current`): the libraries,
# never the app. A library left off is only imported by the child, as it was before.
THIRD_PARTY = [
    "click", "werkzeug", "jinja2", "markupsafe", "itsdangerous", "blinker",
    "flask", "flask.cli", "flask_sqlalchemy", "flask_migrate", "flask_migrate.cli",
    "flask_login", "flask_wtf", "flask_wtf.csrf", "flask_babel", "wtforms", "wtforms.fields",
    "babel", "babel.dates", "babel.numbers", "babel.support", "pytz",
    "sqlalchemy", "sqlalchemy.orm", "sqlalchemy.ext.hybrid", "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.postgresql", "sqlalchemy.dialects.postgresql.psycopg", "psycopg",
    "alembic", "alembic.command", "alembic.config", "alembic.op", "alembic.context",
    "alembic.autogenerate", "alembic.runtime.migration", "alembic.script",
    "alembic.operations", "mako.template", "pygments",
    "PIL.Image", "PIL.ExifTags", "cryptography.fernet", "defusedxml.ElementTree",
]

# The project's own modules, which only a child may import.
PROJECT = ("tracker", "wsgi", "migrations", "tests")


def _exit_status(code) -> int:
    """The status Python's own exit gives ``SystemExit(code)``."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _child(request: dict) -> None:
    """In the forked child: ``python -m flask *args`` as a new interpreter runs it — its
    environment, working folder and standard streams — then exit with its status."""
    status = 1
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        files = [(1, request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                 (2, request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)]
        if request["stdin"] is not None:
            files.append((0, request["stdin"], os.O_RDONLY))
        for fd, path, flags in files:
            opened = os.open(path, flags, 0o600)
            os.dup2(opened, fd)
            os.close(opened)
        # `python -m` puts the working folder first on sys.path; runpy sets argv[0] to the
        # module's file, as the interpreter does.
        sys.path.insert(0, os.getcwd())
        sys.argv = ["-m", *request["args"]]
        runpy.run_module("flask", run_name="__main__", alter_sys=True)
        status = 0
    except SystemExit as leaving:
        status = _exit_status(leaving.code)
    except BaseException:  # noqa: BLE001 — reported as the interpreter reports it
        traceback.print_exc()
        status = 1
    finally:
        try:
            atexit._run_exitfuncs()  # what a leaving interpreter runs (logging's flush…)
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
        finally:
            os._exit(status)


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    del sys.path[0]  # this script's folder (tests/): nothing is imported from there
    for name in THIRD_PARTY:
        importlib.import_module(name)
    held = sorted(name for name in sys.modules if name.split(".")[0] in PROJECT)
    if held:
        raise SystemExit(f"the zygote imported the project's own modules: {held}")
    answers = control.makefile("wb", buffering=0)
    for line in control.makefile("rb"):
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request)  # never returns
        answers.write(json.dumps({"pid": pid}).encode() + b"\n")
        _, wait_status = os.waitpid(pid, 0)
        answers.write(json.dumps({"status": os.waitstatus_to_exitcode(wait_status)}).encode()
                      + b"\n")


if __name__ == "__main__":
    main()
