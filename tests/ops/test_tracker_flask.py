"""deploy/tracker-flask, run for real against a settings file and a stand-in app folder
whose `flask` reports what it was given: the settings reach the command as systemd's
EnvironmentFile= gives them to the services (spaces, `&`, JSON, quotes — nothing run
by a shell), the command runs where the admin started it, and what it writes is not
readable by other users (umask 0027)."""
from __future__ import annotations

import getpass
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "tracker-flask"

# What the README and tracker.env.example write, and what broke when the file was
# sourced by /bin/sh: a value with spaces ("per: not found"), a URL with two query
# parameters (`&` sent the assignment to the background: DATABASE_URL unset), JSON.
ENV_FILE = """\
# /etc/tracker/tracker.env
TRACKER_ENV=production
SECRET_KEY=k3y-with-$dollar-and-`backticks`
DATABASE_URL=postgresql+psycopg://tracker@/tracker?host=/var/run/postgresql&port=5182
LOGIN_LIMIT_PER_ADDRESS=60 per 15 minutes
SMS_BODY_TEMPLATE={"phone": "{phone}", "text": "{text}"}
SMTP_FROM="社区共建 <noreply@example.gov.cn>"
; a comment systemd also allows
PUBLIC_URL = https://gongjian.example.gov.cn   
"""

EXPECTED = {
    "TRACKER_ENV": "production",
    "SECRET_KEY": "k3y-with-$dollar-and-`backticks`",
    "DATABASE_URL": "postgresql+psycopg://tracker@/tracker?host=/var/run/postgresql&port=5182",
    "LOGIN_LIMIT_PER_ADDRESS": "60 per 15 minutes",
    "SMS_BODY_TEMPLATE": '{"phone": "{phone}", "text": "{text}"}',
    "SMTP_FROM": "社区共建 <noreply@example.gov.cn>",
    "PUBLIC_URL": "https://gongjian.example.gov.cn",
}

# A stand-in for .venv/bin/flask (plain sh, so any user can run it): NUL-separated,
# the directory it runs in, its umask, its user, its arguments, then its environment.
FAKE_FLASK = """#!/bin/sh
printf '%s\\0' "$PWD" "$(umask)" "$(id -un)" "$#" "$@"
env -0
"""


def _world_readable(path: Path) -> None:
    path.chmod(path.stat().st_mode | stat.S_IRUSR | stat.S_IXUSR | stat.S_IROTH
               | stat.S_IXOTH)


@pytest.fixture
def place():
    """An app folder (deploy/envfile.py, a venv whose python is this one and whose flask
    is the stand-in) and a settings file, in a folder any user may enter."""
    base = Path(tempfile.mkdtemp(prefix="tracker-flask-"))
    try:
        _world_readable(base)
        app = base / "app"
        (app / "deploy").mkdir(parents=True)
        (app / ".venv" / "bin").mkdir(parents=True)
        shutil.copy(ROOT / "deploy" / "envfile.py", app / "deploy" / "envfile.py")
        (app / ".venv" / "bin" / "python").symlink_to(sys.executable)
        flask = app / ".venv" / "bin" / "flask"
        flask.write_text(FAKE_FLASK)
        flask.chmod(0o755)
        for folder in (app, app / "deploy", app / ".venv", app / ".venv" / "bin"):
            _world_readable(folder)
        (app / "deploy" / "envfile.py").chmod(0o644)
        env_file = base / "tracker.env"
        env_file.write_text(ENV_FILE, encoding="utf-8")
        yield base, app, env_file
    finally:
        shutil.rmtree(base, ignore_errors=True)


def run(app: Path, env_file: Path, *args: str, cwd: Path, user: str | None = None):
    environment = {key: value for key, value in os.environ.items()
                   if key not in EXPECTED and not key.startswith("TRACKER_FLASK_")}
    environment.update(TRACKER_FLASK_ENV_FILE=str(env_file), TRACKER_FLASK_APP_DIR=str(app),
                       TRACKER_FLASK_USER=user or getpass.getuser())
    done = subprocess.run(["sh", str(SCRIPT), *args], cwd=cwd, env=environment,
                          capture_output=True, timeout=60)
    return done


def report(done) -> dict:
    assert done.returncode == 0, done.stderr.decode()
    fields = done.stdout.decode().split("\0")
    count = int(fields[3])
    env = dict(item.split("=", 1) for item in fields[4 + count:] if "=" in item)
    return {"cwd": fields[0], "umask": fields[1], "user": fields[2],
            "args": fields[4:4 + count], "env": env}


def test_settings_reach_the_command_as_systemd_gives_them_to_the_services(place):
    base, app, env_file = place
    seen = report(run(app, env_file, "db", "current", cwd=base))
    for name, value in EXPECTED.items():
        assert seen["env"].get(name) == value, name
    assert seen["args"] == ["--app", str(app / "wsgi.py"), "db", "current"]


def test_the_command_runs_where_the_admin_started_it_with_umask_0027(place):
    base, app, env_file = place
    here = base / "reports"
    here.mkdir()
    _world_readable(here)
    seen = report(run(app, env_file, "monthly-report", "-o", "report.docx", cwd=here))
    assert seen["cwd"] == str(here)  # "-o report.docx" lands where the admin is
    assert seen["args"][-2:] == ["-o", "report.docx"]
    assert seen["umask"] == "0027"


def test_an_unreadable_settings_file_is_a_clear_error(place):
    base, app, env_file = place
    done = run(app, env_file.with_name("missing.env"), "db", "current", cwd=base)
    assert done.returncode == 1
    assert "无法读取设置文件" in done.stderr.decode() and "missing.env" in done.stderr.decode()
    assert not done.stdout  # the command did not run


def _nobody() -> str | None:
    try:
        return pwd.getpwnam("nobody").pw_name
    except KeyError:
        return None


@pytest.mark.skipif(os.geteuid() != 0 or not _nobody() or not shutil.which("runuser"),
                    reason="switching users needs root and runuser")
def test_as_root_it_runs_as_the_app_user_and_says_where_when_the_directory_is_closed(place):
    base, app, env_file = place
    closed = base / "root-home"
    closed.mkdir(mode=0o700)
    seen = report(run(app, env_file, "db", "current", cwd=base, user="nobody"))
    assert seen["user"] == "nobody" and seen["cwd"] == str(base)
    assert seen["env"]["LOGIN_LIMIT_PER_ADDRESS"] == "60 per 15 minutes"

    done = run(app, env_file, "backup", "-o", "b.tar.gz", cwd=closed, user="nobody")
    seen = report(done)
    assert seen["cwd"] == str(app)
    message = done.stderr.decode()
    assert str(closed) in message and "绝对路径" in message
