"""A member's own 确认参与 at the moment the liaison voids (作废) the activity, in separate
processes (two gunicorn workers, two connections), on a real SQLite file and on
PostgreSQL when TEST_DATABASE_URL is set (session 22's open item).

Both orders are legitimate, but each must end as it says:

- the void first: the member's confirmation, posted from a page read before the void,
  is refused 「该任务已取消或作废，服务时长不再计入，不能确认参与。」 and writes nothing;
- the confirmation first: the void takes the member's new hours off with the others and
  names them in its ``void`` event, as it names the others'.

Never a confirmation accepted (「已确认参与」) on an activity already voided, nor a done
participation on the voided activity that the void did not see and does not record. Each order is forced, not hoped for: the
first process acts, keeps its transaction open until the second has started, then
commits. On PostgreSQL, before the confirmation took the activity's row lock, the
second process did not wait and both orders failed; SQLite's writers take turns anyway.
"""
from __future__ import annotations

import time
import traceback

import pytest
from sqlalchemy import select

from tests.races import connect_then_wait, race_app, race_world, run_racers, shared_event
from tests.scratch_db import BACKENDS, fresh_database

pytestmark = pytest.mark.slow

REFUSED = "该任务已取消或作废，服务时长不再计入，不能确认参与。"
HOLD_SECONDS = 1.5  # the first one's open transaction, once the second has started


def _void(ids, _loaded):
    from tracker.extensions import db
    from tracker.models import Member, Task
    from tracker.services.voiding import void_activity

    void_activity(db.session.get(Task, ids["task"]), db.session.get(Member, ids["liaison"]),
                  "误录：当天并未开展")


def _load_assignment(ids):
    """What the 确认参与 view reads before it calls the service: the participation and
    its task (on PostgreSQL, while the void is not committed: the task still open)."""
    from tracker.extensions import db
    from tracker.models import Assignment

    assignment = db.session.get(Assignment, ids["assignment"])
    assignment.task.status  # noqa: B018 — loaded, as the view's page does
    return assignment


def _confirm(ids, assignment):
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.services.claims import confirm_participation

    confirm_participation(assignment, db.session.get(Member, ids["member"]), 60)


def _actor(role, first, url, ids, acted, started, barrier, results) -> None:
    """Child: ``role`` ("void" or "confirm") in a unit of work. The ``first`` one acts,
    tells the other (``acted``), waits until it has started (``started``) and a moment
    more, then commits; the other starts once the first has acted."""
    outcome = {"role": role, "errors": [], "ok": False, "refused": None}
    try:
        from tracker.extensions import db
        from tracker.services import ServiceError, unit_of_work

        app = race_app(url)
        with app.test_request_context("/"):
            connect_then_wait(barrier)
            act = _void if role == "void" else _confirm
            try:
                if role != first:
                    acted.wait(timeout=60)
                    started.set()
                with unit_of_work():
                    act(ids, _load_assignment(ids) if role == "confirm" else None)
                    if role == first:
                        acted.set()
                        started.wait(timeout=60)
                        time.sleep(HOLD_SECONDS)
                outcome["ok"] = True
            except ServiceError as error:
                outcome["refused"] = str(error.message)
            finally:
                acted.set()
                started.set()
            db.session.remove()
            db.engine.dispose()
    except Exception:  # noqa: BLE001 — reported to the test
        outcome["errors"].append(traceback.format_exc())
    results.put(outcome)


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

    with fresh_database(backend, tmp_path, f"confirmvoid{first}") as url:
        app, ids = _activity(url)
        acted, started = shared_event(), shared_event()
        outcomes = run_racers(_actor, [(role, first, url, ids, acted, started)
                                       for role in ("void", "confirm")], timeout=120)
        assert [e for o in outcomes for e in o["errors"]] == []
        by_role = {o["role"]: o for o in outcomes}
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
