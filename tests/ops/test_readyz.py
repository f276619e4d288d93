"""GET /readyz: ready (200) only when the database answers, its schema is at the
migrations' head ("degraded", still 200, when photos cannot be stored); otherwise 503, in JSON, on both databases. /healthz (liveness) is
untouched by the schema's state."""
from __future__ import annotations

import pytest

from tests.flask_cli import prepare_with_flask, run_flask
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

        upgrade = run_flask(url, "db", "upgrade")
        assert upgrade.returncode == 0, upgrade.stderr[-2000:]
        ready = _get(url, "/readyz")
        assert ready.status_code == 200, ready.get_json()
        assert ready.get_json()["status"] == "ready"
        assert ready.get_json()["revision"] == sorted(head_revisions())
        assert "Set-Cookie" not in ready.headers


def test_not_ready_when_the_database_does_not_answer(tmp_path):
    missing = tmp_path / "no-such-dir" / "tracker.sqlite3"
    response = _get(f"sqlite:///{missing}", "/readyz")
    assert response.status_code == 503 and response.is_json
    assert response.get_json()["database"] == "unreachable"


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
