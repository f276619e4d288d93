"""A backup stopped half-way leaves no copy of the database behind: SIGTERM (systemctl
stop, a shutdown, systemd's TimeoutStartSec) ends `flask backup` with its work folder
removed, and each backup removes the work folders older than a day that a killed one
(SIGKILL, a power cut) left — each is a full dump, with residents' names and phones."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.deadlines import HUNG_SECONDS
from tests.flask_cli import ROOT, _environment, prepare_with_flask

pytestmark = pytest.mark.sqlite_file

# `flask backup`, in a process of its own, stopping once the database's copy is written
# (before the uploads and the archive) until a signal comes: ``dumped`` is then created.
_PAUSED_BACKUP = """
import sys, time
from pathlib import Path
import tracker.ops.backup as backup

real, dumped, output = backup._upload_files, Path(sys.argv[1]), sys.argv[2]
pause = float(sys.argv[3])  # until the signal comes: longer than the test waits for it

def paused(folder, names):
    dumped.touch()
    time.sleep(pause)
    return real(folder, names)

backup._upload_files = paused
from flask.cli import main
sys.argv = ["flask", "--app", "wsgi", "backup", "-o", output]
main()
"""


def _work_folders(folder: Path) -> list[Path]:
    return sorted(folder.glob(".backup-*"))


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_a_backup_stopped_by_a_signal_leaves_no_dump(tmp_path, migrated_database, signum):
    backups, dumped = tmp_path / "backups", tmp_path / "dumped"
    backups.mkdir()
    with migrated_database("sqlite", "src") as url:
        process = subprocess.Popen(
            [sys.executable, "-c", _PAUSED_BACKUP, str(dumped), str(backups / "t.tar.gz"),
             str(HUNG_SECONDS)],
            cwd=ROOT, env=_environment(url, {"UPLOAD_FOLDER": str(tmp_path / "uploads")}),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + HUNG_SECONDS  # only stops a hung test
            while not dumped.exists() and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert dumped.exists(), process.communicate()[1][-2000:]
            [work] = _work_folders(backups)
            assert [p.name for p in work.iterdir()] == ["database.sqlite3"]  # the dump is there
            process.send_signal(signum)
            _, stderr = process.communicate(timeout=HUNG_SECONDS)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 128 + signum, stderr[-2000:]
    assert list(backups.iterdir()) == []  # no dump, no partial archive


def test_each_backup_removes_the_work_folders_a_killed_one_left_after_a_day(
        tmp_path, migrated_database):
    backups = tmp_path / "backups"
    stale, recent = backups / ".backup-killed", backups / ".backup-running"
    for folder in (stale, recent):
        folder.mkdir(parents=True)
        (folder / "database.sqlite3").write_bytes(b"a whole database")
    a_day_ago = time.time() - 25 * 3600
    os.utime(stale, (a_day_ago, a_day_ago))
    with migrated_database("sqlite", "src") as url:
        done = prepare_with_flask(url, "backup", "-o", str(backups / "t.tar.gz"),
                                  env={"UPLOAD_FOLDER": str(tmp_path / "uploads")})
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(p.name for p in backups.iterdir()) == [".backup-running", "t.tar.gz"]
