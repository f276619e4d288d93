"""cancelled49: a 取消认领 (or a 退出候补) at the moment the liaison cancels the task
(取消任务), in separate processes, on a real SQLite file and on PostgreSQL when
TEST_DATABASE_URL is set.

A cancelled task is closed: who was on it, and who waited, when it was called off is
its record (tests/services/test_leave_cancelled.py). So:

- the cancel first: the member's withdrawal (or leaving the line), posted from a page
  read while the task was open, is refused 「该任务已取消，不能取消认领。」 (「…不能退出候补。」)
  and writes nothing — her place stays held, its slot taken; her entry waiting;
- the withdrawal first: the cancel finds her gone, and the task is cancelled without her.

Each order is forced (``tests.races.race_in_order``): the first process acts and keeps
its transaction open until the second waits for its lock. Before the withdrawal read
the task under its row lock, the cancel-first order on PostgreSQL withdrew her from the
task just cancelled (the release's UPDATE waited, then went ahead on what it had read).
"""
from __future__ import annotations

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import BACKENDS

pytestmark = pytest.mark.slow

MODULE = "tests.services.test_leave_cancel_race"


def _cancel(ids):
    from tracker.extensions import db
    from tracker.models import Member, Task
    from tracker.services.tasks import cancel_task

    cancel_task(db.session.get(Task, ids["task"]), db.session.get(Member, ids["liaison"]),
                "天气原因")


def _withdraw(ids):
    """What the 取消认领 view does: read her place and its task (on PostgreSQL, while the
    cancel is not committed: the task still open), then call the service."""
    from tracker.extensions import db
    from tracker.models import Assignment, Member
    from tracker.services.claims import withdraw

    mine = db.session.get(Assignment, ids["assignment"])
    mine.task.status  # noqa: B018 — loaded, as the view's page does
    withdraw(mine, db.session.get(Member, ids["member"]))


def _leave(ids):
    """What the 退出候补 view does: read the entry and its task, then the service."""
    from tracker.extensions import db
    from tracker.models import Member, WaitlistEntry
    from tracker.services.waitlist import leave_waitlist

    entry = db.session.get(WaitlistEntry, ids["entry"])
    entry.task.status  # noqa: B018 — loaded, as the view's page does
    leave_waitlist(entry, db.session.get(Member, ids["waiting"]))


def _task(url):
    """A full task (one slot) tomorrow: 张三 holds the slot, 李四 waits for it."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, Role, WaitlistEntry

    with race_world(url) as (app, unit, item, _liaison):
        liaison = f.member(unit, Role.liaison, name="林联络", communities=[item.community])
        member, waiting = f.member(unit, name="张三"), f.member(unit, name="李四")
        task = f.task(item, liaison, slots=1, title="门前清扫")
        mine = Assignment(task_id=task.id, member_id=member.id, status=AssignmentStatus.claimed)
        entry = WaitlistEntry(task_id=task.id, member_id=waiting.id)
        db.session.add_all([mine, entry])
        task.taken = 1
        db.session.commit()
        return app, dict(task=task.id, liaison=liaison.id, member=member.id,
                         waiting=waiting.id, assignment=mine.id, entry=entry.id)


@pytest.mark.parametrize("first", ["cancel", "withdraw"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_withdrawal_racing_a_cancel_never_leaves_a_cancelled_task(backend, first,
                                                                   tmp_path):
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, Task, TaskStatus

    order = ("_cancel", "_withdraw") if first == "cancel" else ("_withdraw", "_cancel")
    with race_database(backend, tmp_path, f"leavecancel{first}") as url:
        app, ids = _task(url)
        got = race_in_order(MODULE, url, ids, *order)
        assert [e for o in got.values() for e in o["errors"]] == []
        assert (got["_cancel"]["ok"], got["_cancel"]["refused"]) == (True, None)
        with app.app_context():
            task = db.session.get(Task, ids["task"])
            mine = db.session.get(Assignment, ids["assignment"])
            assert task.status == TaskStatus.cancelled
            if first == "cancel":
                assert (got["_withdraw"]["ok"], got["_withdraw"]["refused"]) == (
                    False, "该任务已取消，不能取消认领。")
                assert (mine.status, task.taken) == (AssignmentStatus.claimed, 1)
            else:
                assert got["_withdraw"]["ok"] is True
                assert mine.status == AssignmentStatus.withdrawn
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_leaving_the_line_after_a_cancel_is_refused(backend, tmp_path):
    from tracker.extensions import db
    from tracker.models import WaitlistEntry, WaitStatus

    with race_database(backend, tmp_path, "leavelinecancel") as url:
        app, ids = _task(url)
        got = race_in_order(MODULE, url, ids, "_cancel", "_leave")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert (got["_leave"]["ok"], got["_leave"]["refused"]) == (
            False, "该任务已取消，不能退出候补。")
        with app.app_context():
            assert db.session.get(WaitlistEntry, ids["entry"]).status == WaitStatus.waiting
            db.session.remove()
            db.engine.dispose()
