"""补录 under concurrency: liaisons in separate processes (as separate gunicorn workers)
record, at the same moment, activities that put the same member on the same two hours.
The rule — the same member on two overlapping activities is refused — holds: exactly
one is recorded, every other is refused naming the member, and nothing fails.

SQLite runs on a real file (WAL + BEGIN IMMEDIATE); PostgreSQL runs too when
TEST_DATABASE_URL is set — there the overlap check is a read, and only the lock on the
members' rows (``backfill.refuse_overlap``) keeps two such 补录 from both passing it.
"""
from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import func, select

from tests.races import act_in_turn, race_database, race_world, run_racers
from tests.scratch_db import BACKENDS

RECORDERS = 4

pytestmark = pytest.mark.slow


def _record(liaison_id: int, item_id: int, member_ids: list[int], number: int) -> None:
    from datetime import datetime, timedelta

    from tracker.extensions import db
    from tracker.models import Member, ResourceItem
    from tracker.services.backfill import BackfillData, Participant, record_past_activity
    from tracker.timeutil import local_today

    day = local_today() - timedelta(days=2)
    people = [db.session.get(Member, i) for i in member_ids]
    record_past_activity(
        db.session.get(Member, liaison_id), db.session.get(ResourceItem, item_id),
        BackfillData(title=f"补录{number}", place="社区广场",
                     starts_local=datetime(day.year, day.month, day.day, 9),
                     ends_local=datetime(day.year, day.month, day.day, 11),
                     participants=[Participant(p) for p in people], leader=people[0],
                     note="清理楼道杂物。"))


def _racer(url: str, liaison_id: int, item_id: int, member_ids: list[int], number: int,
           barrier, results) -> None:
    results.put(act_in_turn(url, barrier, [number],
                            partial(_record, liaison_id, item_id, member_ids)))


@pytest.mark.parametrize("backend", BACKENDS)
def test_one_member_is_recorded_on_only_one_of_two_overlapping_activities(backend, tmp_path):
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Assignment, Role, Task

    with race_database(backend, tmp_path, "backfillrace") as url:
        with race_world(url) as (app, unit, item, _member):
            liaison = f.member(unit, Role.liaison, name="林联络", communities=[item.community])
            shared = f.member(unit, name="共同的党员")
            # each recorder also brings a member of its own: only the shared one clashes
            own = [f.member(unit, name=f"党员{i}") for i in range(RECORDERS)]
            db.session.commit()
            jobs = [(url, liaison.id, item.id, [shared.id, own[i].id], i)
                    for i in range(RECORDERS)]
            shared_id = shared.id

        outcomes = run_racers(_racer, jobs)

        refusals = [e for o in outcomes for e in o["errors"]]
        assert sum(o["ok"] for o in outcomes) == 1, refusals
        assert len(refusals) == RECORDERS - 1
        assert all("共同的党员 在同一时间已参加" in e for e in refusals), refusals
        with app.app_context():
            assert db.session.scalar(select(func.count(Task.id))) == 1
            assert db.session.scalar(select(func.count(Assignment.id)).where(
                Assignment.member_id == shared_id)) == 1
            db.session.remove()
            db.engine.dispose()
