"""deploy/tracker-flask, run for real against a settings file and a stand-in app folder
whose `flask` reports what it was given: the command gets what tracker.service gives
gunicorn — the settings as systemd's EnvironmentFile= reads them (spaces, `&`, JSON,
quotes — nothing run by a shell), an environment that starts empty (nothing of root's
shell), the app's folder, umask 0027 — and the folder the admin started it in, against
which the app reads relative paths; then once with the real app, whose backup and
restore given relative paths use the admin's folder."""
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

from tests.deadlines import HUNG_SECONDS

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


def run(app: Path, env_file: Path, *args: str, cwd: Path, user: str | None = None,
        caller_env: dict | None = None):
    environment = {key: value for key, value in os.environ.items()
                   if key not in EXPECTED and not key.startswith("TRACKER_FLASK_")}
    environment.update(caller_env or {})
    environment.update(TRACKER_FLASK_ENV_FILE=str(env_file), TRACKER_FLASK_APP_DIR=str(app),
                       TRACKER_FLASK_USER=user or getpass.getuser())
    # the real app's `backup` is Python started and the app imported (about 1.7 s of
    # CPU): over a minute on a saturated machine, which the old 60 s did not allow for
    done = subprocess.run(["sh", str(SCRIPT), *args], cwd=cwd, env=environment,
                          capture_output=True, timeout=HUNG_SECONDS)
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


def test_the_command_runs_in_the_apps_folder_and_is_told_where_the_admin_started_it(place):
    """As tracker.service runs gunicorn (WorkingDirectory=, UMask=0027); the admin's
    folder goes along, for the app to read "-o report.docx" there."""
    base, app, env_file = place
    here = base / "reports"
    here.mkdir()
    _world_readable(here)
    seen = report(run(app, env_file, "monthly-report", "-o", "report.docx", cwd=here))
    assert seen["cwd"] == str(app)
    assert seen["env"]["TRACKER_CALLER_DIR"] == str(here)
    assert seen["args"][-2:] == ["-o", "report.docx"]  # read against it by the app
    assert seen["umask"] == "0027"


# What systemd 252 (Debian 12) gives a service with User= before its EnvironmentFile=,
# besides the locale; then TERM (the admin's terminal), the admin's folder, and the
# PWD the stand-in's own sh sets.
SERVICE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
OURS = {"PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "TRACKER_CALLER_DIR", "PWD"}
LOCALE = {"LANG", "LANGUAGE"} | {name for name in (
    "CTYPE NUMERIC TIME COLLATE MONETARY MESSAGES PAPER NAME ADDRESS TELEPHONE "
    "MEASUREMENT IDENTIFICATION").split() for name in [f"LC_{name}"]}

# Root's shell as an admin may have it: none of this reaches the service.
ROOTS_SHELL = {"PYTHONPATH": "/root/lib", "PGHOST": "db-for-a-test.example",
               "PGPASSWORD": "root-only", "https_proxy": "http://proxy.example:3128",
               "FLASK_DEBUG": "1", "REQUESTS_CA_BUNDLE": "/root/ca.pem",
               "PATH": "/root/.local/bin:/usr/bin:/bin", "LC_ALL": "de_DE.UTF-8",
               "TRACKER_ENV": "development"}


def test_the_command_gets_the_services_environment_not_the_callers(place):
    base, app, env_file = place
    seen = report(run(app, env_file, "db", "current", cwd=base, caller_env=ROOTS_SHELL))
    env = seen["env"]
    assert set(env) <= set(EXPECTED) | OURS | LOCALE, set(env) - set(EXPECTED) - OURS - LOCALE
    assert env["PATH"] == SERVICE_PATH
    assert env["TRACKER_ENV"] == "production"  # the file's, not the shell's
    for name in ROOTS_SHELL.keys() - EXPECTED.keys() - {"PATH"}:
        assert name not in env, name
    account = pwd.getpwnam(getpass.getuser())
    assert (env["HOME"], env["USER"], env["LOGNAME"], env["SHELL"]) == (
        account.pw_dir, account.pw_name, account.pw_name, account.pw_shell)
    assert env.get("LANG") or any(name.startswith("LC_") for name in env)  # the system's


def test_the_files_values_win_over_what_systemd_sets(place):
    base, app, env_file = place
    env_file.write_text(ENV_FILE + "PATH=/opt/tracker/bin:/usr/bin:/bin\nLANG=zh_CN.UTF-8\n",
                        encoding="utf-8")
    env = report(run(app, env_file, "db", "current", cwd=base))["env"]
    assert env["PATH"] == "/opt/tracker/bin:/usr/bin:/bin" and env["LANG"] == "zh_CN.UTF-8"


def test_the_system_locale_is_read_as_systemd_reads_it(tmp_path):
    """/etc/locale.conf, else Debian's /etc/default/locale, else C.UTF-8."""
    from tests.ops.test_envfile import envfile

    first, second = tmp_path / "locale.conf", tmp_path / "locale"
    files = (str(first), str(second))
    assert envfile.system_locale(files) == {"LANG": "C.UTF-8"}
    second.write_text("#  File generated by update-locale\nLANG=zh_CN.UTF-8\n", encoding="utf-8")
    assert envfile.system_locale(files) == {"LANG": "zh_CN.UTF-8"}
    first.write_text('LANG="en_US.UTF-8"\nLC_TIME=C.UTF-8\nOTHER=x\n', encoding="utf-8")
    assert envfile.system_locale(files) == {"LANG": "en_US.UTF-8", "LC_TIME": "C.UTF-8"}
    second.write_text("#  File generated by update-locale\n", encoding="utf-8")
    first.unlink()
    assert envfile.system_locale(files) == {"LANG": "C.UTF-8"}  # Debian's empty file


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
def test_as_root_it_runs_as_the_app_user_with_that_users_environment(place):
    """Also from a folder the app's user may not enter (root's home): the command runs
    in the app's folder anyway, and is told where the admin is."""
    base, app, env_file = place
    closed = base / "root-home"
    closed.mkdir(mode=0o700)
    account = pwd.getpwnam("nobody")
    seen = report(run(app, env_file, "backup", "-o", "b.tar.gz", cwd=closed, user="nobody",
                      caller_env={"HOME": "/root", "USER": "root", "LOGNAME": "root"}))
    assert seen["user"] == "nobody" and seen["cwd"] == str(app)
    assert seen["env"]["TRACKER_CALLER_DIR"] == str(closed)
    assert (seen["env"]["HOME"], seen["env"]["USER"], seen["env"]["LOGNAME"]) == (
        account.pw_dir, "nobody", "nobody")
    assert seen["env"]["LOGIN_LIMIT_PER_ADDRESS"] == "60 per 15 minutes"
    assert seen["umask"] == "0027"


@pytest.mark.sqlite_file
@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "flask").exists(),
                    reason="needs the app's own .venv, as on the server")
def test_with_the_real_app_relative_paths_are_the_admins_folder(tmp_path, migrated_database):
    """`cd /root/b; tracker-flask backup -o b.tar.gz`, then `restore b.tar.gz` into an
    empty database: the archive is written and read in the admin's folder, not in the
    app's, where the command runs."""
    admins = tmp_path / "admin"
    admins.mkdir()

    def settings(name: str, url: str) -> Path:
        path = tmp_path / f"{name}.env"
        path.write_text(f"TRACKER_ENV=production\nSECRET_KEY=tracker-flask-test-secret-of-40-characters\nDATABASE_URL={url}\n"
                        "PUBLIC_URL=https://gongjian.county.gov.cn\n"
                        f"UPLOAD_FOLDER={tmp_path / name / 'uploads'}\n", encoding="utf-8")
        (tmp_path / name / "uploads").mkdir(parents=True)
        return path

    with migrated_database("sqlite", "src") as source:
        done = run(ROOT, settings("src", source), "backup", "-o", "b.tar.gz", cwd=admins)
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        assert (admins / "b.tar.gz").is_file() and not (ROOT / "b.tar.gz").exists()
    target = tmp_path / "dst.sqlite3"
    done = run(ROOT, settings("dst", f"sqlite:///{target}"), "restore", "b.tar.gz", cwd=admins)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert "已恢复" in done.stdout.decode()


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "flask").exists(),
                    reason="needs the app's own .venv, as on the server")
def test_with_the_real_app_a_refused_setting_is_one_message(tmp_path):
    """Step 6 of docs/deploy.md after a step 5 that left SECRET_KEY empty: the one
    message naming it, as gunicorn gives, not a traceback (walk13 #1)."""
    env_file = tmp_path / "tracker.env"
    env_file.write_text("TRACKER_ENV=production\nSECRET_KEY=\n"
                        f"DATABASE_URL=sqlite:///{tmp_path / 'p.sqlite3'}\n"
                        "PUBLIC_URL=https://gongjian.county.gov.cn\n", encoding="utf-8")
    done = run(ROOT, env_file, "db", "upgrade", cwd=tmp_path)
    assert done.returncode == 1
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tracker: SECRET_KEY is not set."), lines
    assert not (tmp_path / "p.sqlite3").exists()
