"""A fresh clone has no instance/ folder (it is not in git): `flask --app wsgi db
upgrade` in development, on the default SQLite file, makes it instead of failing with
"unable to open database file" (walk13 #3, README "Quick start": an empty installation)."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from tests.deadlines import HUNG_SECONDS

ROOT = Path(__file__).resolve().parents[2]


def _fresh_clone(folder: Path) -> Path:
    """The app's files as a clone has them, without instance/: tracker/ copied (the app
    finds its folder from tracker/config.py's own path), the rest linked."""
    clone = folder / "clone"
    shutil.copytree(ROOT / "tracker", clone / "tracker",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("migrations", "templates", "static"):
        (clone / name).symlink_to(ROOT / name)
    shutil.copy(ROOT / "wsgi.py", clone / "wsgi.py")
    return clone


@pytest.mark.sqlite_file
def test_db_upgrade_in_a_fresh_clone_makes_the_instance_folder(tmp_path):
    clone = _fresh_clone(tmp_path)
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "TEST_DATABASE_URL", "SECRET_KEY", "PUBLIC_URL")}
    env["TRACKER_ENV"] = "development"
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
                          cwd=clone, env=env, capture_output=True, text=True,
                          timeout=HUNG_SECONDS)
    assert done.returncode == 0, done.stderr[-3000:]
    database = clone / "instance" / "tracker.sqlite3"
    with closing(sqlite3.connect(database)) as conn:
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
