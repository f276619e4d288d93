"""DATABASE_URL as an admin writes it from PostgreSQL's own documentation works: the
app ships one PostgreSQL driver (psycopg 3), and `postgresql://…`, `postgres://…` and
psycopg2's `postgresql+psycopg2://…` mean it, as `postgresql+psycopg://…` does; a scheme the app cannot serve stops every
command with one message naming DATABASE_URL (walk13 #2: `tracker-flask db upgrade`
on `postgresql://` answered "No such command 'db'" after an ImportError's traceback)."""
from __future__ import annotations

import pytest

from tests.flask_cli import run_flask_forked
from tests.scratch_db import PG_URL, fresh_database


@pytest.mark.skipif(not PG_URL, reason="needs a PostgreSQL server (scripts/pg.sh)")
def test_the_usual_postgresql_url_forms_migrate_and_serve(tmp_path):
    with fresh_database("postgresql", tmp_path, "plain_url") as url:
        assert url.startswith("postgresql+psycopg://")
        rest = url.removeprefix("postgresql+psycopg://")
        done = run_flask_forked(f"postgresql://{rest}", "db", "upgrade")
        assert done.returncode == 0, done.stderr[-3000:]
        for form in ("postgres", "postgresql+psycopg2"):
            done = run_flask_forked(f"{form}://{rest}", "db", "current")
            assert done.returncode == 0, done.stderr[-3000:]
            assert "(head)" in done.stdout


@pytest.mark.parametrize("url", ["postgresql+asyncpg://tracker:pw-secret@db/tracker",
                                 "mysql://tracker:pw-secret@db/tracker",
                                 "tracker:pw-secret@db/tracker"])
def test_a_database_url_the_app_cannot_serve_stops_a_command_naming_it(url):
    done = run_flask_forked(url, "db", "upgrade")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tracker: DATABASE_URL must be"), lines
    assert "postgresql+psycopg://" in lines[0]  # the form to write
    assert "pw-secret" not in done.stderr + done.stdout
