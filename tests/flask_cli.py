"""Running ``flask --app wsgi …`` as a separate process, as an operator would: production
settings, the database given by DATABASE_URL, nothing of the test run's environment.

``run_flask`` starts a new interpreter, as the operator's shell does: for the command a
test is about. ``prepare_with_flask`` runs the same command line (the same ``flask`` CLI,
environment and folder) in a process forked from a server that has already imported the
app's modules: for a command that only prepares what a test starts from (a downgrade
before the migration under test, the schema of an older release, the archive a restore
test reads), whose own start-up the test does not examine. Each new interpreter costs about 0.8 s of CPU before the
command begins (importing the app, docs/testing.md); a forked one about 0.1 s."""
from __future__ import annotations

import os
import subprocess
import sys
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
