"""One member posting the same 补录申请 twice at once — two taps, two workers — in
separate processes on PostgreSQL (review walk7, D4). SQLite's writers take turns
anyway, so these run only with TEST_DATABASE_URL.

The rule (test_one_request_per_day.py's and the task's): one pending request per task,
and per community and day for one naming no task. ``ask_backfill`` locks the member's
row (FOR NO KEY UPDATE) before it checks, so the second post waits for the first to
commit and then reads its request: one is written, the other refused. Each order is
forced (``tests.races.race_in_order``).
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__


def _world(url):
    """A member of a unit working in the community, and an ended task there."""
    from datetime import timedelta

    from tests import factories as f
    from tracker.extensions import db
    from tracker.timeutil import local_today

    with race_world(url) as (app, unit, item, creator):
        member = f.member(unit, name="张伟")
        task = f.task(item, creator, starts_in=-timedelta(days=2))
        db.session.commit()
        return app, dict(member=member.id, community=item.community_id, task=task.id,
                         day=(local_today() - timedelta(days=1)).isoformat())


def _ask(ids, task: bool):
    from datetime import date

    from tracker.extensions import db
    from tracker.models import Community, Member, Task
    from tracker.services.backfill_requests import RequestData, ask_backfill

    named = db.session.get(Task, ids["task"]) if task else None
    ask_backfill(db.session.get(Member, ids["member"]), db.session.get(Community, ids["community"]),
                 RequestData(service_date=None if task else date.fromisoformat(ids["day"]),
                             minutes=60, task=named,
                             description=None if task else "帮助整理图书室"))


def free_text_first(ids):
    _ask(ids, task=False)


def free_text_second(ids):
    _ask(ids, task=False)


def for_task_first(ids):
    _ask(ids, task=True)


def for_task_second(ids):
    _ask(ids, task=True)


def _requests(app) -> int:
    from tracker.extensions import db
    from tracker.models import BackfillRequest

    with app.app_context():
        count = db.session.scalar(select(func.count(BackfillRequest.id)))
        db.session.remove()
        db.engine.dispose()
        return count


@pytest.mark.parametrize("first, second, said", [
    ("free_text_first", "free_text_second", "您已为该日期提交过补录申请，正在等待处理。"),
    ("for_task_first", "for_task_second", "您已为该任务提交过补录申请，正在等待处理。"),
])
def test_the_same_request_posted_twice_at_once_is_written_once(tmp_path, first, second, said):
    with race_database("postgresql", tmp_path, "asktwice") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, first, second)
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got[first]["ok"] is True and got[second]["waited"] is True
        assert got[second]["refused"] == said
        assert _requests(app) == 1
