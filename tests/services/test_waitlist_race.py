"""候补 under concurrency: while holders of a full task withdraw, other members join
its waitlist, each in its own process (as separate gunicorn workers). At the end
exactly the task's slots are filled — by those who held on and the first in line, in
waitlist order — every join went through, and nothing failed: no over-booking, no
"database is locked", no promoted member skipped or promoted twice.

SQLite runs on a real file (WAL + BEGIN IMMEDIATE); PostgreSQL runs too when
TEST_DATABASE_URL is set.
"""
from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import func, select

from tests.races import act_in_turn, race_database, race_world, run_racers
from tests.scratch_db import BACKENDS

SLOTS = 5
WITHDRAWING = 4  # holders who give their slot back, one process each
WAITING_BEFORE = 6  # in line before the race: more than the slots given back
JOINERS = 4  # processes joining the line during the race …
JOINS_EACH = 3  # … with this many members each

pytestmark = pytest.mark.slow


def _withdraw(task_id: int, member_id: int) -> None:
    from tracker.extensions import db
    from tracker.models import Assignment, Member
    from tracker.services.claims import withdraw

    withdraw(db.session.scalar(select(Assignment).where(
        Assignment.task_id == task_id, Assignment.member_id == member_id)),
        db.session.get(Member, member_id))


def _join(task_id: int, member_id: int) -> None:
    from tracker.extensions import db
    from tracker.models import Member, Task
    from tracker.services.waitlist import join_waitlist

    join_waitlist(db.session.get(Task, task_id), db.session.get(Member, member_id))


def _racer(url: str, task_id: int, job: str, member_ids: list[int], barrier, results) -> None:
    act = _withdraw if job == "withdraw" else _join
    results.put(act_in_turn(url, barrier, member_ids, partial(act, task_id)))


def _build_world(url: str):
    """A full task with WAITING_BEFORE members in line, and the members who will join."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.services import unit_of_work
    from tracker.services.claims import claim_slot
    from tracker.services.waitlist import join_waitlist

    with race_world(url) as (app, unit, item, liaison):
        task = f.task(item, liaison, slots=SLOTS, title="候补抢名额")
        holders = [f.member(unit) for _ in range(SLOTS)]
        waiting = [f.member(unit) for _ in range(WAITING_BEFORE)]
        joiners = [[f.member(unit).id for _ in range(JOINS_EACH)] for _ in range(JOINERS)]
        db.session.commit()
        for member in holders:
            with unit_of_work():
                claim_slot(task, member)
        for member in waiting:
            with unit_of_work():
                join_waitlist(task, member)
        ids = (task.id, [m.id for m in holders], [m.id for m in waiting], joiners)
    return app, ids


@pytest.mark.parametrize("backend", BACKENDS)
def test_withdrawals_and_joins_fill_exactly_the_slots_in_line_order(backend, tmp_path):
    from tracker.extensions import db
    from tracker.models import (
        HOLDING,
        Assignment,
        AuditEvent,
        Task,
        WaitlistEntry,
        WaitStatus,
    )

    with race_database(backend, tmp_path, "waitrace") as url:
        app, (task_id, holders, waiting, joiners) = _build_world(url)
        leaving = holders[:WITHDRAWING]
        jobs = ([(url, task_id, "withdraw", [member_id]) for member_id in leaving]
                + [(url, task_id, "join", ids) for ids in joiners])

        outcomes = run_racers(_racer, jobs)

        assert [e for o in outcomes for e in o["errors"]] == []
        assert sum(o["ok"] for o in outcomes) == WITHDRAWING + JOINERS * JOINS_EACH
        with app.app_context():
            task = db.session.get(Task, task_id)
            on_task = set(db.session.scalars(select(Assignment.member_id).where(
                Assignment.task_id == task_id, Assignment.status.in_(HOLDING))))
            # The slots went to the first WITHDRAWING in line, who joined before the race.
            assert task.taken == SLOTS
            assert on_task == set(holders[WITHDRAWING:]) | set(waiting[:WITHDRAWING])
            line = list(db.session.scalars(
                select(WaitlistEntry.member_id).where(WaitlistEntry.task_id == task_id,
                                                      WaitlistEntry.status == WaitStatus.waiting)
                .order_by(WaitlistEntry.joined_at, WaitlistEntry.id)))
            # Still waiting: the rest of the earlier line first, then every joiner.
            assert line[:WAITING_BEFORE - WITHDRAWING] == waiting[WITHDRAWING:]
            assert sorted(line[WAITING_BEFORE - WITHDRAWING:]) == sorted(
                m for ids in joiners for m in ids)
            promoted = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "waitlist_promote"))
            assert promoted == WITHDRAWING
            db.session.remove()
            db.engine.dispose()
