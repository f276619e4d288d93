"""A claim or an assignment naming the account being merged away (B), racing the merge
(合并账号), in separate processes on PostgreSQL (SQLite's writers take turns anyway).

The rule: no participation is left on an account merged away. A write that gives B work
on a task share-locks B's row after the task's (``claims.hold_member``), which waits for
the merge's lock on the member rows and then reads B switched off; a merge after such a
write waits for it and moves what it wrote to A. Before, the write's foreign-key check
took only a key-share lock on B, which the merge's NO KEY UPDATE let through: the
participation committed onto B, switched off, and the person's hours split again.

And no deadlock: the merge takes the tasks it rewrites (B leads them, or holds a place
in them) before the member rows, so a write holding such a task first (adding a
forgotten participant to an activity B leads) and then asking for a member's share lock
never waits for a merge that waits for it.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.pg_locks import ServiceThread, other_transaction
from tests.races import race_database, race_in_order, race_world
from tests.services.test_lock_order import _waiting_for_a_lock
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
SWITCHED_OFF = "该党员账号已停用。"


def _world(url):
    """赵六's two accounts A and B; B took part in one approved activity (1.5 hours), and
    an open task starts in two days with free slots, no one on it. ``shown``: the
    confirmation page read before the race; ``shown_after``: the page as it reads once
    B holds a place on the open task (the claim made and undone, to read the key)."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import (
        Assignment,
        AssignmentStatus,
        Member,
        ReportStatus,
        Role,
        Task,
        TaskReport,
    )
    from tracker.services import merge
    from tracker.services.claims import claim_slot

    with race_world(url) as (app, unit, item, liaison):
        liaison.role = Role.liaison
        liaison.communities.append(item.community)
        admin = f.member(unit, Role.admin, name="管理员甲")
        keep, drop = f.member(unit, name="赵六"), f.member(unit, name="赵六")
        done = f.task(item, liaison, starts_in=-timedelta(days=3))
        db.session.add(Assignment(task_id=done.id, member_id=drop.id,
                                  status=AssignmentStatus.done, minutes=90))
        done.taken = 1
        db.session.add(TaskReport(task_id=done.id, quantity=1, people_served=0, note="",
                                  status=ReportStatus.approved, submitted_by_id=liaison.id))
        open_task = f.task(item, liaison, starts_in=timedelta(days=2))
        db.session.commit()
        keep, drop = db.session.get(Member, keep.id), db.session.get(Member, drop.id)
        ids = dict(admin=admin.id, liaison=liaison.id, keep=keep.id, drop=drop.id,
                   task=open_task.id, shown=merge.preview(keep, drop).key())
        savepoint = db.session.begin_nested()
        claim_slot(db.session.get(Task, open_task.id), drop)
        ids["shown_after"] = merge.preview(keep, drop).key()
        savepoint.rollback()
        db.session.rollback()
        return app, ids


def _merge(ids, shown="shown"):
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.services import merge

    merge.merge_members(db.session.get(Member, ids["keep"]), db.session.get(Member, ids["drop"]),
                        db.session.get(Member, ids["admin"]), shown=ids[shown])


def _merge_after(ids):
    """The admin confirms on a page read once B's claim (or assignment) was there."""
    _merge(ids, "shown_after")


def _claim(ids):
    from tracker.extensions import db
    from tracker.models import Member, Task
    from tracker.services.claims import claim_slot

    claim_slot(db.session.get(Task, ids["task"]), db.session.get(Member, ids["drop"]))


def _assign(ids):
    from tracker.extensions import db
    from tracker.models import Member, Task
    from tracker.services.assigning import assign_member

    assign_member(db.session.get(Task, ids["task"]), db.session.get(Member, ids["drop"]),
                  db.session.get(Member, ids["liaison"]))


def _after(app, ids) -> dict:
    from tracker.extensions import db
    from tracker.models import Assignment, Member, Task

    with app.app_context():
        found = dict(
            on_drop=db.session.scalar(select(func.count()).select_from(Assignment).where(
                Assignment.member_id == ids["drop"])),
            on_keep_in_task=db.session.scalar(select(func.count()).select_from(Assignment).where(
                Assignment.member_id == ids["keep"], Assignment.task_id == ids["task"])),
            taken=db.session.get(Task, ids["task"]).taken,
            drop_active=db.session.get(Member, ids["drop"]).active)
        db.session.remove()
        db.engine.dispose()
        return found


@pytest.mark.parametrize("write", ["_claim", "_assign"])
def test_a_write_naming_b_after_the_merge_waits_and_is_refused(tmp_path, write):
    """The merge first: B's claim (or the liaison's assignment of B) waits for the
    merge's lock on B's row, then reads B switched off and is refused; the slot it took
    goes back with its rollback. B's approved activity is on A; nothing is on B."""
    with race_database("postgresql", tmp_path, "mergeclaim") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_merge", write)
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_merge"]["ok"] is True
        assert got[write]["refused"] == SWITCHED_OFF
        assert _after(app, ids) == dict(on_drop=0, on_keep_in_task=0, taken=0,
                                        drop_active=False)


@pytest.mark.parametrize("write", ["_claim", "_assign"])
def test_a_merge_after_a_write_naming_b_waits_and_moves_it_to_a(tmp_path, write):
    """The write first, the merge confirmed on a page that showed it: the merge waits for
    the write's share lock on B's row, then reads the new place and moves it to A with
    the rest. Nothing is on B; A holds the task's one slot taken."""
    with race_database("postgresql", tmp_path, "mergeclaim") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, write, "_merge_after")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got[write]["ok"] is True
        assert got["_merge_after"]["ok"] is True
        assert _after(app, ids) == dict(on_drop=0, on_keep_in_task=1, taken=1,
                                        drop_active=False)


def test_a_merge_waits_for_a_task_b_leads_before_taking_the_member_rows(tmp_path):
    """添加遗漏的参加人员 on an approved activity B leads holds the activity
    (``lock_activity``) and then share-locks the participant's row — B's, here. The merge
    rewrites the activity's 组长: it must wait for the activity holding no member row,
    else the two wait for each other. Here a second connection holds the activity as the
    path does, the merge runs (in a thread) until it waits; the path's next lock, B's
    row shared, must not wait (3 s lock timeout), and the merge goes through once the
    path is gone, B's leadership on A."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import (
        Assignment,
        AssignmentStatus,
        Member,
        ReportStatus,
        Role,
        Task,
        TaskReport,
    )
    from tracker.services import merge

    with race_database("postgresql", tmp_path, "mergelead") as url:
        with race_world(url) as (app, unit, item, liaison):
            admin = f.member(unit, Role.admin, name="管理员甲")
            keep, drop = f.member(unit, name="赵六"), f.member(unit, name="赵六")
            led = f.task(item, liaison, starts_in=-timedelta(days=3), leader=drop)
            db.session.add(Assignment(task_id=led.id, member_id=drop.id,
                                      status=AssignmentStatus.done, minutes=120))
            led.taken = 1
            db.session.add(TaskReport(task_id=led.id, quantity=1, people_served=0, note="",
                                      status=ReportStatus.approved, submitted_by_id=liaison.id))
            db.session.commit()
            ids = dict(admin=admin.id, keep=keep.id, drop=drop.id, task=led.id,
                       shown=merge.preview(db.session.get(Member, keep.id),
                                           db.session.get(Member, drop.id)).key())
        with app.test_request_context("/"):
            merging = ServiceThread(app, lambda: _merge(ids))
            with other_transaction() as adding:
                adding.execute(select(Task.id).where(Task.id == ids["task"])
                               .with_for_update(key_share=True))  # lock_activity
                merging.start()
                try:
                    _waiting_for_a_lock()  # the merge waits for the activity
                    # the path goes on: the participant's row shared (hold_member)
                    adding.execute(select(Member.id).where(Member.id == ids["drop"])
                                   .with_for_update(read=True))
                finally:
                    adding.rollback()
                    merging.join()
            assert merging.outcome == "ok"
            assert db.session.get(Task, ids["task"]).leader_id == ids["keep"]
            db.session.remove()
            db.engine.dispose()
