"""Members of one task confirm their hours at the same moment while its report waits
for review: every confirmation succeeds and the derived rows end up complete.

Each confirmation rewrites the task's counted rows (DELETE, then INSERT … SELECT).
Without the row lock ``tracker.participation.refresh`` takes on the task first, two
PostgreSQL transactions could both insert the rows of the same (task, member) and
one would fail on the primary key. Separate processes, as separate gunicorn workers
would be; SQLite on a real file, PostgreSQL too when TEST_DATABASE_URL is set.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.races import act_in_turn, race_database, race_world, run_racers
from tests.scratch_db import BACKENDS

PROCESSES = 6
MEMBERS_PER_PROCESS = 5
MINUTES = 90

pytestmark = pytest.mark.slow


def _confirm(assignment_id: int) -> None:
    from tracker.extensions import db
    from tracker.models import Assignment
    from tracker.services.claims import confirm_participation

    assignment = db.session.get(Assignment, assignment_id)
    confirm_participation(assignment, assignment.member, MINUTES)


def _confirmer(url: str, assignment_ids: list[int], barrier, results) -> None:
    """Child process: each member of ``assignment_ids`` confirms their hours."""
    results.put(act_in_turn(url, barrier, assignment_ids, _confirm))


def _build_world(url: str):
    """A task that has ended, its members on it, its report submitted (待审核)."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus
    from tracker.services import unit_of_work
    from tracker.services.reviews import ReportData, submit_report

    with race_world(url) as (app, unit, item, liaison):
        members = [f.member(unit) for _ in range(PROCESSES * MEMBERS_PER_PROCESS)]
        task = f.task(item, liaison, starts_in=-timedelta(days=1), leader=members[0],
                      slots=len(members), title="同时确认")
        for member in members:
            db.session.add(Assignment(task_id=task.id, member_id=member.id,
                                      status=AssignmentStatus.claimed))
        task.taken = len(members)
        db.session.commit()
        with unit_of_work():
            submit_report(task, members[0], ReportData(quantity=None, people_served=None, note=""))
        ids = list(db.session.scalars(select(Assignment.id).where(Assignment.task_id == task.id)
                                      .order_by(Assignment.id)))
        task_id = task.id
    batches = [ids[i::PROCESSES] for i in range(PROCESSES)]
    return app, task_id, batches


@pytest.mark.parametrize("backend", BACKENDS)
def test_simultaneous_confirmations_all_land_in_the_counted_rows(backend, tmp_path):
    from tests.rollups.counted import assert_in_sync
    from tracker.extensions import db
    from tracker.models import CountedParticipation, CountedTask

    with race_database(backend, tmp_path, "counted_race") as url:
        app, task_id, batches = _build_world(url)
        outcomes = run_racers(_confirmer, [(url, ids) for ids in batches])

        assert [e for o in outcomes for e in o["errors"]] == []
        everyone = PROCESSES * MEMBERS_PER_PROCESS
        assert sum(o["ok"] for o in outcomes) == everyone
        with app.test_request_context("/"):
            row = db.session.get(CountedTask, task_id)
            assert (row.person_times, row.minutes) == (everyone, everyone * MINUTES)
            assert db.session.scalar(select(func.count()).select_from(CountedParticipation)) \
                == everyone
            assert_in_sync()
            db.session.remove()
            db.engine.dispose()
