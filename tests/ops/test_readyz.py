"""GET /readyz: ready (200) only when the database answers, its schema is at the
migrations' head ("degraded", still 200, when photos cannot be stored: a folder the app
may not write, a disk nearly full); otherwise 503, in JSON, on both databases, with a
WARNING in the log saying why. /healthz (liveness) is untouched by the schema's state."""
from __future__ import annotations

import logging

import pytest

from tests.flask_cli import prepare_with_flask, run_flask_forked
from tests.scratch_db import BACKENDS, fresh_database
from tracker import create_app
from tracker.ops.schema import head_revisions

OLDER = "0002_seed_categories"  # any migration before the head


def _get(url: str, path: str, **config):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, **config})
    response = app.test_client().get(path)
    with app.app_context():
        from tracker.extensions import db

        db.engine.dispose()
    return response


@pytest.mark.parametrize("backend", BACKENDS)
def test_ready_only_at_the_head_of_the_migrations(backend, tmp_path):
    with fresh_database(backend, tmp_path, "readyz") as url:
        empty = _get(url, "/readyz")
        assert empty.status_code == 503 and empty.is_json
        assert empty.get_json()["database"] == "ok"
        assert empty.get_json()["schema"] == "missing"

        assert prepare_with_flask(url, "db", "upgrade", OLDER).returncode == 0
        behind = _get(url, "/readyz")
        assert behind.status_code == 503
        assert behind.get_json()["revision"] == [OLDER]
        assert behind.get_json()["head"] == sorted(head_revisions())
        assert _get(url, "/healthz").status_code == 200  # alive, only not ready

        upgrade = run_flask_forked(url, "db", "upgrade")
        assert upgrade.returncode == 0, upgrade.stderr[-2000:]
        ready = _get(url, "/readyz")
        assert ready.status_code == 200, ready.get_json()
        assert ready.get_json()["status"] == "ready"
        assert ready.get_json()["revision"] == sorted(head_revisions())
        assert "Set-Cookie" not in ready.headers


def test_not_ready_when_the_database_does_not_answer(tmp_path, caplog):
    missing = tmp_path / "no-such-dir" / "tracker.sqlite3"
    with caplog.at_level(logging.WARNING, logger="tracker.main.routes"):
        response = _get(f"sqlite:///{missing}", "/readyz")
    assert response.status_code == 503 and response.is_json
    assert response.get_json()["database"] == "unreachable"
    [warning] = [r for r in caplog.records if r.name == "tracker.main.routes"]
    assert warning.levelno == logging.WARNING
    assert "database is unreachable (OperationalError)" in warning.getMessage()


def test_not_ready_says_why_in_the_log_when_the_schema_is_behind(tmp_path, caplog):
    with fresh_database("sqlite", tmp_path, "readyz") as url:
        with caplog.at_level(logging.WARNING, logger="tracker.main.routes"):
            assert _get(url, "/readyz").status_code == 503
    assert any("schema is missing" in r.getMessage() for r in caplog.records
               if r.name == "tracker.main.routes" and r.levelno == logging.WARNING)


def test_not_ready_when_postgres_does_not_answer():
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {"connect_timeout": 3}},
    })
    response = app.test_client().get("/readyz", headers={"Accept": "text/html"})
    assert response.status_code == 503 and response.is_json
    assert response.get_json()["status"] == "not ready"


@pytest.mark.sqlite_file  # the upload folder does not depend on the database
def test_degraded_when_photos_cannot_be_stored(tmp_path, migrated_database):
    """Every photo upload would fail: a monitor must see it, but the server still
    serves everything else, so it stays in service (200, status "degraded"). (A file
    stands where the folder should be: refused even to root, like a read-only mount.)"""
    blocker = tmp_path / "blocker"
    blocker.write_bytes(b"")
    with migrated_database("sqlite", "uploads") as url:
        fine = _get(url, "/readyz", UPLOAD_FOLDER=str(tmp_path / "not-made-yet" / "uploads"))
        assert fine.status_code == 200, fine.get_json()
        assert fine.get_json()["uploads"] == "ok"  # made at the first upload
        blocked = _get(url, "/readyz", UPLOAD_FOLDER=str(blocker / "uploads"))
    assert blocked.status_code == 200 and blocked.is_json
    assert blocked.get_json()["status"] == "degraded"
    assert blocked.get_json()["uploads"] == "not writable"
    assert blocked.get_json()["schema"] == "current"


@pytest.mark.sqlite_file
def test_degraded_when_the_upload_disk_is_nearly_full(tmp_path, migrated_database,
                                                      monkeypatch):
    """Less room than two of the largest uploads: every photo would fail to be saved
    (「照片暂时无法保存」), so the monitor sees "full"; the rest still serves (200)."""
    import os
    from types import SimpleNamespace

    uploads = tmp_path / "uploads"
    uploads.mkdir()
    real = os.statvfs
    room = {"bytes": 1 << 40}

    def statvfs(path):
        if str(path).startswith(str(uploads)):
            return SimpleNamespace(f_bavail=room["bytes"] // 4096, f_frsize=4096)
        return real(path)

    monkeypatch.setattr("tracker.services.photos.os.statvfs", statvfs)
    with migrated_database("sqlite", "uploads") as url:
        roomy = _get(url, "/readyz", UPLOAD_FOLDER=str(uploads), MAX_CONTENT_LENGTH=10 << 20)
        room["bytes"] = 15 << 20  # less than two 10 MB uploads
        full = _get(url, "/readyz", UPLOAD_FOLDER=str(uploads), MAX_CONTENT_LENGTH=10 << 20)
    assert roomy.status_code == 200 and roomy.get_json()["uploads"] == "ok"
    assert full.status_code == 200 and full.get_json()["status"] == "degraded"
    assert full.get_json()["uploads"] == "full"
