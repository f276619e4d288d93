"""`flask --app wsgi db upgrade` builds the whole schema from nothing — on SQLite and, when
TEST_DATABASE_URL is set, on a fresh PostgreSQL database — and the migrated schema is
exactly what the models describe (Alembic's autogenerate finds nothing to add).
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select

from tests import factories as f
from tests.flask_cli import ROOT, run_flask
from tests.scratch_db import BACKENDS, fresh_database
from tracker import create_app
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    Category,
    CountedParticipation,
    CountedTask,
    ReportStatus,
    Role,
    TaskReport,
)
from tracker.reference import CATEGORIES


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_from_nothing_matches_the_models(backend, tmp_path):
    assert (ROOT / "migrations" / "env.py").exists(), "no Alembic migrations yet (migrations/)"
    with fresh_database(backend, tmp_path, "migrations") as url:
        upgrade = run_flask(url, "db", "upgrade")
        assert upgrade.returncode == 0, upgrade.stderr[-3000:]

        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                rows = conn.execute(select(Category.code, Category.name)).all()
        finally:
            engine.dispose()
        assert sorted(rows) == sorted((code, name) for code, name, *_ in CATEGORIES)

        # Nothing left for autogenerate to add or change: migrations == models.
        check = run_flask(url, "db", "check")
        output = check.stdout + check.stderr
        detected = [line for line in output.splitlines() if "Detected" in line]
        assert check.returncode == 0, (
            "the models differ from the migrations (regenerate them):\n"
            + "\n".join(detected or [output[-3000:]])
        )

        # A second upgrade is a no-op, not an error.
        again = run_flask(url, "db", "upgrade")
        assert again.returncode == 0, again.stderr[-3000:]


def _counted_rows(url: str) -> tuple[list, list]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tasks = conn.execute(select(CountedTask.__table__).order_by(CountedTask.task_id)).all()
            people = conn.execute(select(CountedParticipation.__table__).order_by(
                CountedParticipation.task_id, CountedParticipation.member_id)).all()
    finally:
        engine.dispose()
    return [tuple(r) for r in tasks], [tuple(r) for r in people]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_counted_rows_migration_derives_them_from_existing_work(backend, tmp_path):
    """0003 creates the derived tables on a database that already holds work: what it
    fills in must be exactly what the application keeps up to date afterwards."""
    with fresh_database(backend, tmp_path, "counted") as url:
        assert run_flask(url, "db", "upgrade").returncode == 0
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            unit = f.unit("县商务局")
            com = f.community("解放路社区")
            item = f.item(unit, com, "environment_cleanup")
            liaison = f.member(unit, Role.liaison, "联络员", communities=[com])
            people = [f.member(unit, name=f"党员{i}") for i in range(4)]
            statuses = (ReportStatus.approved, ReportStatus.submitted, ReportStatus.returned, None)
            for days, status in enumerate(statuses, 1):
                task = f.task(item, liaison, starts_in=-timedelta(days=days))
                for i, person in enumerate(people):
                    done = i != 3
                    db.session.add(Assignment(
                        task_id=task.id, member_id=person.id,
                        status=AssignmentStatus.done if done else AssignmentStatus.absent,
                        minutes=60 * (i + 1) if done else None))
                if status is not None:
                    db.session.add(TaskReport(task_id=task.id, quantity=days, people_served=10,
                                              note="", status=status,
                                              submitted_by_id=liaison.id))
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        kept = _counted_rows(url)
        assert len(kept[0]) == 2 and len(kept[1]) == 6  # approved + submitted, 3 done each

        assert run_flask(url, "db", "downgrade", "0002_seed_categories").returncode == 0
        upgrade = run_flask(url, "db", "upgrade")
        assert upgrade.returncode == 0, upgrade.stderr[-3000:]
        assert _counted_rows(url) == kept
