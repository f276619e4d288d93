"""A need made into a weekly series is given back (待认领) only when every task of it is
cancelled — also when the last two are cancelled at the same moment, by two liaisons
in separate processes (as separate gunicorn workers). Neither may see the other's task
as still to come and leave the need 已转任务 on a cancelled task.

SQLite runs on a real file (WAL + BEGIN IMMEDIATE); PostgreSQL runs too when
TEST_DATABASE_URL is set.
"""
from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import select

from tests.races import act_in_turn, race_database, race_world, run_racers
from tests.scratch_db import BACKENDS, PG_URL

NEEDS = 20

pytestmark = pytest.mark.slow


def _cancel(liaison_id: int, task_id: int) -> None:
    from tracker.extensions import db
    from tracker.models import Member, Task
    from tracker.services.tasks import cancel_task

    cancel_task(db.session.get(Task, task_id), db.session.get(Member, liaison_id), "改期")


def _racer(url: str, liaison_id: int, task_ids: list[int], barrier, results) -> None:
    results.put(act_in_turn(url, barrier, task_ids, partial(_cancel, liaison_id)))


def _build_world(url: str):
    from datetime import timedelta

    from tests import factories as f
    from tests.needs.support import need
    from tracker.extensions import db
    from tracker.models import NeedStatus

    with race_world(url) as (app, unit, item, liaison):
        from tracker.models import Role

        other = f.member(unit, Role.liaison, "联络员乙", communities=[item.community])
        liaison.role = Role.liaison
        liaison.communities.append(item.community)
        firsts, seconds = [], []
        for i in range(NEEDS):
            first = f.task(item, liaison, starts_in=timedelta(days=3))
            second = f.task(item, liaison, starts_in=timedelta(days=10))
            first.series_id = second.series_id = f"series{i}"
            need(item.community, liaison, title=f"每周代购{i}", status=NeedStatus.tasked,
                 task_id=first.id)
            firsts.append(first.id)
            seconds.append(second.id)
        db.session.commit()
        ids = (liaison.id, other.id, firsts, seconds)
    return app, ids


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_last_two_tasks_cancelled_at_once_give_the_need_back(backend, tmp_path):
    from tracker.extensions import db
    from tracker.models import AuditEvent, Need, NeedStatus

    with race_database(backend, tmp_path, "needseries") as url:
        app, (liaison, other, firsts, seconds) = _build_world(url)
        # one cancels the first weeks, the other the second weeks, need by need in the
        # same order: the two tasks of a need are cancelled at about the same moment
        outcomes = run_racers(_racer, [(url, liaison, firsts), (url, other, seconds)])

        assert [e for o in outcomes for e in o["errors"]] == []
        assert sum(o["ok"] for o in outcomes) == 2 * NEEDS
        with app.app_context():
            needs = list(db.session.scalars(select(Need).order_by(Need.id)))
            assert [(n.status, n.task_id) for n in needs] == [(NeedStatus.open, None)] * NEEDS
            given_back = [e.entity_id for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "need_task_cancelled"))]
            assert sorted(given_back) == [n.id for n in needs]  # once each
            db.session.remove()
            db.engine.dispose()


@pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")
def test_a_need_can_be_handed_to_a_week_whose_own_cancel_holds_its_task(tmp_path):
    """The interleaving that deadlocked, step by step: the second week's cancel holds its
    task (the activity lock) and is about to lock the need; the first week's cancel,
    holding the need, hands it on to the second week. That write must not wait for the
    second week's transaction — it would wait for a need the writer holds."""
    from sqlalchemy import update

    from tests.pg_locks import other_transaction
    from tracker.extensions import db
    from tracker.models import Need, Task
    from tracker.services.activity_lock import lock_activity

    with race_database("postgresql", tmp_path, "needhandon") as url:
        app, (_liaison, _other, firsts, seconds) = _build_world(url)
        with app.test_request_context("/"):
            lock_activity(db.session.get(Task, seconds[0]))
            with other_transaction() as first_week:
                moved = first_week.execute(update(Need).where(Need.task_id == firsts[0])
                                           .values(task_id=seconds[0]))
                assert moved.rowcount == 1
            db.session.rollback()
            db.session.remove()
            db.engine.dispose()
