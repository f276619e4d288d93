"""`flask --app wsgi db upgrade` builds the whole schema from nothing — on SQLite and, when
TEST_DATABASE_URL is set, on a fresh PostgreSQL database — and the migrated schema is
exactly what the models describe (Alembic's autogenerate finds nothing to add).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from tests.scratch_db import BACKENDS, fresh_database
from tracker.models import Category
from tracker.reference import CATEGORIES

ROOT = Path(__file__).resolve().parent.parent


def _flask(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "TRACKER_ENV": "production",
        "SECRET_KEY": "migration-test-secret",
        "DATABASE_URL": url,
    }
    env.pop("TEST_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_from_nothing_matches_the_models(backend, tmp_path):
    assert (ROOT / "migrations" / "env.py").exists(), "no Alembic migrations yet (migrations/)"
    with fresh_database(backend, tmp_path, "migrations") as url:
        upgrade = _flask(url, "db", "upgrade")
        assert upgrade.returncode == 0, upgrade.stderr[-3000:]

        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                rows = conn.execute(select(Category.code, Category.name)).all()
        finally:
            engine.dispose()
        assert sorted(rows) == sorted((code, name) for code, name, *_ in CATEGORIES)

        # Nothing left for autogenerate to add or change: migrations == models.
        check = _flask(url, "db", "check")
        output = check.stdout + check.stderr
        detected = [line for line in output.splitlines() if "Detected" in line]
        assert check.returncode == 0, (
            "the models differ from the migrations (regenerate them):\n"
            + "\n".join(detected or [output[-3000:]])
        )

        # A second upgrade is a no-op, not an error.
        again = _flask(url, "db", "upgrade")
        assert again.returncode == 0, again.stderr[-3000:]
