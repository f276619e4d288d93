"""停用 racing the member's own claim, in separate processes on PostgreSQL (SQLite's
writers take turns anyway).

The rule: a member switched off keeps no place on a task that has not started, and the
first 候补 behind a place given back moves up. 停用 locks the tasks whose places it gives
back before the member's row (``directory._lock_with_places``); a claim locks its task
and then shares the member's row (``claims.hold_member``). A claim first: 停用 waits for
the member's row, finds the new place, takes the locks again in order and gives it back
too. 停用 first: the claim waits for the member's row, reads them switched off and is
refused. Neither deadlocks.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
SWITCHED_OFF = "该党员账号已停用。"


def _world(url):
    """张三 holds the one place of 包饺子, 李四 waits for it; 义诊 has free places."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Role
    from tracker.services.claims import claim_slot
    from tracker.services.waitlist import join_waitlist

    with race_world(url) as (app, unit, item, liaison):
        admin = f.member(unit, Role.admin, name="管理员甲")
        member, waiting = f.member(unit, name="张三"), f.member(unit, name="李四")
        full = f.task(item, liaison, slots=1, title="包饺子")
        free = f.task(item, liaison, slots=3, title="义诊")
        db.session.commit()
        claim_slot(full, member)
        db.session.commit()
        join_waitlist(full, waiting)
        db.session.commit()
        ids = dict(admin=admin.id, member=member.id, waiting=waiting.id, full=full.id,
                   free=free.id)
        db.session.rollback()
        return app, ids


def _switch_off(ids):
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.services.directory import set_active

    set_active(db.session.get(Member, ids["member"]), db.session.get(Member, ids["admin"]),
               False)


def _claim(ids):
    from tracker.extensions import db
    from tracker.models import Member, Task
    from tracker.services.claims import claim_slot

    claim_slot(db.session.get(Task, ids["free"]), db.session.get(Member, ids["member"]))


def _after(app, ids) -> dict:
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, Member, Task

    with app.app_context():
        held = db.session.execute(select(Assignment.task_id, Assignment.member_id).where(
            Assignment.status.in_([AssignmentStatus.claimed, AssignmentStatus.assigned]))
        ).all()
        found = dict(held=sorted(held), full_taken=db.session.get(Task, ids["full"]).taken,
                     free_taken=db.session.get(Task, ids["free"]).taken,
                     active=db.session.get(Member, ids["member"]).active)
        db.session.remove()
        db.engine.dispose()
        return found


def test_a_claim_before_the_switch_off_is_given_back_with_the_rest(tmp_path):
    with race_database("postgresql", tmp_path, "offclaim") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_claim", "_switch_off")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_claim"]["ok"] is True and got["_switch_off"]["ok"] is True
        assert _after(app, ids) == dict(held=[(ids["full"], ids["waiting"])], full_taken=1,
                                        free_taken=0, active=False)


def test_a_claim_after_the_switch_off_waits_and_is_refused(tmp_path):
    with race_database("postgresql", tmp_path, "offclaim") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_switch_off", "_claim")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_switch_off"]["ok"] is True
        assert got["_claim"]["refused"] == SWITCHED_OFF
        assert _after(app, ids) == dict(held=[(ids["full"], ids["waiting"])], full_taken=1,
                                        free_taken=0, active=False)
