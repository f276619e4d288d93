"""A member's own 确认参与 at the moment the liaison voids (作废) the activity, in separate
processes (two gunicorn workers, two connections), on a real SQLite file and on
PostgreSQL when TEST_DATABASE_URL is set (session 22's open item).

Both orders are legitimate, but each must end as it says:

- the void first: the member's confirmation, posted from a page read before the void,
  is refused 「该任务已取消或作废，服务时长不再计入，不能确认参与。」 and writes nothing;
- the confirmation first: the void takes the member's new hours off with the others and
  names them in its ``void`` event, as it names the others'.

Never a confirmation accepted (「已确认参与」) on an activity already voided, nor a done
participation on the voided activity that the void did not see and does not record.
Each order is forced, not hoped for: the first process acts and keeps its transaction
open until the second waits for its lock — on PostgreSQL seen so by the server, else
``race_in_order`` reports an error (``tests.races.race_in_order``) — then commits. On
PostgreSQL, before the confirmation took the activity's row lock, the second process did
not wait and both orders failed; SQLite's writers take turns anyway.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import BACKENDS

pytestmark = pytest.mark.slow

MODULE = "tests.services.test_confirm_void_race"
REFUSED = "该任务已取消或作废，服务时长不再计入，不能确认参与。"
ORDERS = {"void": ("_void", "_confirm"), "confirm": ("_confirm", "_void")}


def _void(ids):
    from tracker.extensions import db
    from tracker.models import Member, Task
    from tracker.services.voiding import void_activity

    void_activity(db.session.get(Task, ids["task"]), db.session.get(Member, ids["liaison"]),
                  "误录：当天并未开展")


def _confirm(ids):
    """What the 确认参与 view does: read the participation and its task (on PostgreSQL,
    while the void is not committed: the task still open), then call the service."""
    from tracker.extensions import db
    from tracker.models import Assignment, Member
    from tracker.services.claims import confirm_participation

    assignment = db.session.get(Assignment, ids["assignment"])
    assignment.task.status  # noqa: B018 — loaded, as the view's page does
    confirm_participation(assignment, db.session.get(Member, ids["member"]), 60)


def _activity(url):
    """An activity that ended yesterday: the leader's hours confirmed (so it is on record
    and may be voided), the member on it, not yet confirmed."""
    from datetime import timedelta

    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, Role

    with race_world(url) as (app, unit, item, _liaison):
        liaison = f.member(unit, Role.liaison, name="林联络", communities=[item.community])
        leader, member = f.member(unit, name="王组长"), f.member(unit, name="张三")
        task = f.task(item, liaison, starts_in=-timedelta(days=1), title="楼道清理",
                      leader=leader)
        db.session.add(Assignment(task_id=task.id, member_id=leader.id,
                                  status=AssignmentStatus.done, minutes=120))
        mine = Assignment(task_id=task.id, member_id=member.id,
                          status=AssignmentStatus.claimed)
        db.session.add(mine)
        task.taken = 2
        db.session.commit()
        ids = dict(task=task.id, liaison=liaison.id, member=member.id, leader=leader.id,
                   assignment=mine.id)
        return app, ids


@pytest.mark.parametrize("first", ["void", "confirm"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_confirmation_racing_a_void_is_refused_or_voided_with_the_others(backend, first,
                                                                          tmp_path):
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, AuditEvent, Task, TaskStatus

    with race_database(backend, tmp_path, f"confirmvoid{first}") as url:
        app, ids = _activity(url)
        got = race_in_order(MODULE, url, ids, *ORDERS[first])
        assert [e for o in got.values() for e in o["errors"]] == []
        by_role = {"void": got["_void"], "confirm": got["_confirm"]}
        assert (by_role["void"]["ok"], by_role["void"]["refused"]) == (True, None)
        with app.app_context():
            task = db.session.get(Task, ids["task"])
            assert task.status == TaskStatus.cancelled
            [void] = db.session.scalars(select(AuditEvent).where(
                AuditEvent.action == "void", AuditEvent.entity_id == task.id))
            mine = db.session.get(Assignment, ids["assignment"])
            confirmations = list(db.session.scalars(select(AuditEvent).where(
                AuditEvent.action == "confirm")))
            if first == "void":
                assert by_role["confirm"] == {**by_role["confirm"], "ok": False,
                                              "refused": REFUSED}
                assert (mine.status, mine.minutes) == (AssignmentStatus.claimed, None)
                assert confirmations == []
                assert void.detail["participants"] == {str(ids["leader"]): 120}
            else:
                assert by_role["confirm"]["ok"] is True
                assert (mine.status, mine.minutes) == (AssignmentStatus.done, 60)
                # the void saw the member's hours: they are among those it took off
                # and told of
                assert void.detail["participants"] == {str(ids["leader"]): 120,
                                                       str(ids["member"]): 60}
            db.session.remove()
            db.engine.dispose()
