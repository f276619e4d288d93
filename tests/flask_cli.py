"""Running ``flask --app wsgi …`` as a separate process, as an operator would: production
settings, the database given by DATABASE_URL, nothing of the test run's environment.

``run_flask`` starts a new interpreter, as the operator's shell does: for the command a
test is about. ``prepare_with_flask`` runs the same command line (the same ``flask`` CLI,
environment and folder) in a process forked from a server that has already imported the
app's modules: for a command that only prepares what a test starts from (a downgrade
before the migration under test, the schema of an older release, the archive a restore
test reads), whose own start-up the test does not examine. Each new interpreter costs about 0.8 s of CPU before the
command begins (importing the app, docs/testing.md); a forked one about 0.1 s.

``run_flask_forked`` runs a command a test *is* about (tests/test_migrations.py) as
``run_flask`` does, but forked from a "zygote" that has imported only third-party
libraries (see its docstring)."""
from __future__ import annotations

import atexit
import json
import locale
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.deadlines import HUNG_SECONDS

ROOT = Path(__file__).resolve().parent.parent


def _environment(url: str, env: dict | None) -> dict:
    full_env = {
        **os.environ,
        "TRACKER_ENV": "production",
        "SECRET_KEY": "flask-cli-test-secret-of-32-characters-or-more",
        "DATABASE_URL": url,
        "PUBLIC_URL": "https://gongjian.county.gov.cn",  # required in production, not an example host
        **(env or {}),
    }
    full_env.pop("TEST_DATABASE_URL", None)
    return full_env


def run_flask(url: str, *args: str, env: dict | None = None, input: str | None = None,
              timeout: int = HUNG_SECONDS) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT, env=_environment(url, env), capture_output=True, text=True,
        timeout=timeout, input=input,
    )


def _flask_main(environment: dict, args: tuple, stdout: str, stderr: str) -> None:
    """In the forked process: what ``python -m flask --app wsgi *args`` runs, with that
    environment, in the app's folder, its output in the two files; its exit status is
    the process's."""
    os.environ.clear()
    os.environ.update(environment)
    os.chdir(ROOT)
    for fd, path in ((1, stdout), (2, stderr)):
        out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, fd)
        os.close(out)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.argv = ["flask", "--app", "wsgi", *args]
    from flask.cli import main

    main()  # exits


def prepare_with_flask(url: str, *args: str, env: dict | None = None,
                       timeout: int = HUNG_SECONDS) -> subprocess.CompletedProcess:
    """``flask --app wsgi *args`` on ``url`` as ``run_flask`` runs it, in a forked
    process (see the module's docstring): only to prepare a test's database."""
    import tempfile

    from tests.races import process_context

    ctx = process_context()
    with tempfile.TemporaryDirectory(prefix="flask-") as folder:
        stdout, stderr = os.path.join(folder, "stdout"), os.path.join(folder, "stderr")
        process = ctx.Process(target=_flask_main,
                              args=(_environment(url, env), args, stdout, stderr))
        process.start()
        process.join(timeout)
        if process.exitcode is None:
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired(["flask", *args], timeout)
        with open(stdout, encoding="utf-8") as out, open(stderr, encoding="utf-8") as err:
            return subprocess.CompletedProcess(["flask", *args], process.exitcode,
                                               out.read(), err.read())


# Set to 1 to run every command of run_flask_forked in a new interpreter, as run_flask does.
NEW_INTERPRETER_SWITCH = "TESTS_FLASK_NEW_INTERPRETER"

# The app's own settings that the tests give a command (tracker/config.py reads them when
# the app is created, in the command's child): none of the zygote's libraries reads one
# while it is imported (tests/test_flask_zygote.py asks each of them), so a command that
# differs from another only in these runs from the same zygote. Any other variable of
# ``env=`` gets a zygote of its own, started in that environment.
APP_SETTINGS = ("DATABASE_URL", "UPLOAD_FOLDER", "SECRET_KEY", "PUBLIC_URL")
# pytest's name of the running test, in os.environ and so in every command's environment:
# different in each test, read by no library on import (the same test asks).
NOT_READ_ON_IMPORT = (*APP_SETTINGS, "PYTEST_CURRENT_TEST")


class _Zygote:
    """A ``python tests/flask_zygote.py`` of this test process, started in the commands'
    environment (all but NOT_READ_ON_IMPORT), that forks one child per command."""

    def __init__(self, environment: dict):
        self.environment = environment
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "flask_zygote.py"), str(theirs.fileno())],
            pass_fds=(theirs.fileno(),), cwd=ROOT, env=environment, stdout=subprocess.DEVNULL)
        theirs.close()
        self.socket = ours
        self.received = b""

    def _answer(self, deadline: float | None) -> dict | None:
        """The zygote's next answer, or None if ``deadline`` (time.monotonic) passes."""
        while b"\n" not in self.received:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([self.socket], [], [], wait)[0]:
                return None
            chunk = self.socket.recv(65536)
            if not chunk:
                raise RuntimeError(f"the flask zygote ended ({self.process.wait()})")
            self.received += chunk
        line, self.received = self.received.split(b"\n", 1)
        return json.loads(line)

    def run(self, environment: dict, args: list, input: str | None,
            timeout: float) -> subprocess.CompletedProcess:
        encoding = "utf-8" if sys.flags.utf8_mode else locale.getencoding()  # as subprocess
        command = [sys.executable, "-m", "flask", *args]
        with tempfile.TemporaryDirectory(prefix="flask-") as folder:
            paths = {name: os.path.join(folder, name) for name in ("stdin", "stdout", "stderr")}
            if input is not None:
                with open(paths["stdin"], "w", encoding=encoding) as stdin:
                    stdin.write(input)
            request = {"args": args, "env": environment, "cwd": str(ROOT),
                       "stdin": paths["stdin"] if input is not None else None,
                       "stdout": paths["stdout"], "stderr": paths["stderr"]}
            deadline = time.monotonic() + timeout
            self.socket.sendall(json.dumps(request).encode() + b"\n")
            pid = self._answer(None)["pid"]
            ended = self._answer(deadline)
            if ended is None:  # hung: killed, as subprocess.run kills it
                os.kill(pid, signal.SIGKILL)
                self._answer(None)
                raise subprocess.TimeoutExpired(command, timeout)
            with open(paths["stdout"], encoding=encoding) as out, \
                    open(paths["stderr"], encoding=encoding) as err:
                return subprocess.CompletedProcess(command, ended["status"], out.read(),
                                                   err.read())

    def close(self) -> None:
        self.socket.close()  # the zygote ends when its socket closes
        try:
            self.process.wait(timeout=HUNG_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_zygote: _Zygote | None = None  # one at a time: a worker's environment seldom changes


def close_zygote() -> None:
    """End this process's zygote (started again by the next command)."""
    global _zygote
    if _zygote is not None:
        _zygote.close()
        _zygote = None


atexit.register(close_zygote)


def run_flask_forked(url: str, *args: str, env: dict | None = None, input: str | None = None,
                     timeout: int = HUNG_SECONDS) -> subprocess.CompletedProcess:
    """``python -m flask --app wsgi *args`` on ``url``, for a command a test is about, with
    ``run_flask``'s environment, folder, input and captured output, and its exit status —
    run in a process forked from this test process's zygote (tests/flask_zygote.py) instead
    of a new interpreter. The switch NEW_INTERPRETER_SWITCH=1 runs ``run_flask`` instead.

    Why that is the operator's command: the child is a new process that starts from a
    Python that has imported nothing of the project. It sets the command's argv,
    environment and working folder and runs flask's CLI as ``python -m flask`` does
    (``runpy``). So ``wsgi`` and the app, ``migrations/env.py`` and every version script
    are imported from scratch, ``create_app`` reads the command's settings, and its exit
    status and output come back as before; a failing command fails the test
    (tests/test_migrations.py::test_a_checked_command_that_fails_fails_with_its_status_and_its_error).
    What it is not: a fresh interpreter's start and its import of the third-party
    libraries (Flask, SQLAlchemy, Alembic, …) — those are the zygote's, imported once in the
    commands' environment (NOT_READ_ON_IMPORT aside, which no library reads on import). A
    different environment gets a zygote of its own. That start-up, about half of the
    1.2 s of CPU each new interpreter took, is what is saved (docs/testing.md)."""
    global _zygote
    environment = _environment(url, env)
    if os.environ.get(NEW_INTERPRETER_SWITCH) == "1":
        return run_flask(url, *args, env=env, input=input, timeout=timeout)
    libraries_environment = {k: v for k, v in environment.items()
                             if k not in NOT_READ_ON_IMPORT}
    if _zygote is None or _zygote.environment != libraries_environment:
        close_zygote()
        _zygote = _Zygote(libraries_environment)
    return _zygote.run(environment, ["--app", "wsgi", *args], input, timeout)
