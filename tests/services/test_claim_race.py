"""Many processes race for the last slots of one task: exactly that many claims succeed,
nobody over-books, and the losers get the polite "名额已满" refusal — never
"database is locked" or any other error.

Each process has its own app, engine and connections (spawned, not forked), as
separate gunicorn workers would. SQLite runs on a real file (WAL + BEGIN IMMEDIATE);
PostgreSQL runs too when TEST_DATABASE_URL is set.
"""
from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import func, select

from tests.races import act_in_turn, race_database, race_world, run_racers
from tests.scratch_db import BACKENDS

PROCESSES = 8
MEMBERS_PER_PROCESS = 12
SLOTS = 8
ALREADY_TAKEN = 3  # so the race is for the last SLOTS - ALREADY_TAKEN = 5 slots
FULL = "名额已满。"

pytestmark = pytest.mark.slow


def _claim(task_id: int, member_id: int) -> None:
    from tracker.extensions import db
    from tracker.models import Member, Task
    from tracker.services.claims import claim_slot

    claim_slot(db.session.get(Task, task_id), db.session.get(Member, member_id))


def _claimer(url: str, task_id: int, member_ids: list[int], barrier, results) -> None:
    """Child process: claim the task once for each member, as fast as possible."""
    results.put(act_in_turn(url, barrier, member_ids, partial(_claim, task_id), refusal=FULL))


def _build_world(url: str):
    """A task with SLOTS slots, ALREADY_TAKEN of them claimed, and the racing members."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.services import unit_of_work
    from tracker.services.claims import claim_slot

    with race_world(url) as (app, unit, item, liaison):
        task = f.task(item, liaison, slots=SLOTS, title="抢名额")
        early = [f.member(unit) for _ in range(ALREADY_TAKEN)]
        racers = [[f.member(unit).id for _ in range(MEMBERS_PER_PROCESS)]
                  for _ in range(PROCESSES)]
        db.session.commit()
        for member in early:
            with unit_of_work():
                claim_slot(task, member)
        task_id = task.id
    return app, task_id, racers


@pytest.mark.parametrize("backend", BACKENDS)
def test_racing_claims_fill_exactly_the_free_slots(backend, tmp_path):
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, AuditEvent, Task

    with race_database(backend, tmp_path, "race") as url:
        app, task_id, racers = _build_world(url)

        outcomes = run_racers(_claimer, [(url, task_id, ids) for ids in racers])

        errors = [e for o in outcomes for e in o["errors"]]
        ok = sum(o["ok"] for o in outcomes)
        full = sum(o["refused"] for o in outcomes)
        free = SLOTS - ALREADY_TAKEN

        assert errors == []
        assert ok == free
        assert full == PROCESSES * MEMBERS_PER_PROCESS - free

        with app.app_context():
            task = db.session.get(Task, task_id)
            holding = db.session.scalar(
                select(func.count()).select_from(Assignment).where(
                    Assignment.task_id == task_id,
                    Assignment.status == AssignmentStatus.claimed,
                )
            )
            claims_audited = db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "claim")
            )
            assert task.taken == SLOTS
            assert holding == SLOTS
            assert claims_audited == SLOTS
            db.session.remove()
            db.engine.dispose()
