"""The operator's commands, run as a separate process as on the server: a file the
operating system refuses is named, with the OS's reason and who ran the command where,
in Chinese, never a traceback; restore tells a missing archive from an unreadable one;
seed-demo keeps its demo1234 accounts out of production."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, func, select, text

from tests.flask_cli import prepare_with_flask, run_flask_forked
from tests.scratch_db import fresh_database

pytestmark = pytest.mark.sqlite_file  # files and the mode, not the database


def _no_traceback(result) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr[-2000:]


def test_a_backup_into_a_folder_that_cannot_be_made_names_it(tmp_path, migrated_database):
    blocker = tmp_path / "blocker"  # a file where the archive's folder should be
    blocker.write_bytes(b"")
    with migrated_database("sqlite", "src") as url:
        result = run_flask_forked(url, "backup", "-o", str(blocker / "b.tar.gz"),
                                  env={"UPLOAD_FOLDER": str(tmp_path / "uploads")})
    _no_traceback(result)
    assert "无法写入" in result.stderr and str(blocker) in result.stderr
    assert "命令以用户" in result.stderr and "中运行" in result.stderr


def test_restore_says_an_archive_is_missing(tmp_path):
    with fresh_database("sqlite", tmp_path, "dst") as url:
        result = run_flask_forked(url, "restore", str(tmp_path / "gone.tar.gz"),
                                  env={"UPLOAD_FOLDER": str(tmp_path / "uploads")})
    _no_traceback(result)
    assert "找不到" in result.stderr and "gone.tar.gz" in result.stderr
    assert "does not exist" not in result.stderr


def test_restore_says_an_archive_cannot_be_read_not_that_it_is_missing(tmp_path):
    """As root a mode does not stop reading, so a folder stands for the unreadable file
    there; otherwise (run as another user) also a file of mode 0000."""
    unreadable = [tmp_path / "a-folder.tar.gz"]
    unreadable[0].mkdir()
    if os.geteuid() != 0:
        locked = tmp_path / "locked.tar.gz"
        locked.write_bytes(b"x")
        locked.chmod(0)
        unreadable.append(locked)
    with fresh_database("sqlite", tmp_path, "dst") as url:
        for archive in unreadable:
            result = run_flask_forked(url, "restore", str(archive),
                                      env={"UPLOAD_FOLDER": str(tmp_path / "uploads")})
            _no_traceback(result)
            assert "无法读取" in result.stderr and archive.name in result.stderr
            assert "找不到" not in result.stderr


def test_seed_demo_refuses_production_and_writes_nothing(tmp_path, migrated_database):
    with migrated_database("sqlite", "prod") as url:
        result = run_flask_forked(url, "seed-demo")
        _no_traceback(result)
        assert "TRACKER_ENV=production" in result.stderr
        assert "--i-know-this-is-production" in result.stderr
        assert _members(url) == 0


def test_seed_demo_says_when_the_demo_unit_is_already_there(tmp_path, migrated_database):
    """After the documented create-admin --unit 县商务局, even on a demo server (the
    override given), the demo is refused in Chinese and nothing is changed."""
    with migrated_database("sqlite", "taken") as url:
        admin = prepare_with_flask(url, "create-admin", "--phone", "13900001111", "--name", "王管理",
                          "--unit", "县商务局", "--invite")
        assert admin.returncode == 0, admin.stderr[-2000:]
        result = run_flask_forked(url, "seed-demo", "--i-know-this-is-production")
        _no_traceback(result)
        assert "已有“县商务局”" in result.stderr and "IntegrityError" not in result.stderr
        assert _members(url) == 1


def _members(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(text("member")))
    finally:
        engine.dispose()
