"""候补 without HTTP: joining a full task's waitlist, leaving it, the first in line
getting a slot given back (in the same transaction), promotion by hand, the close
at the start, and the 候补转正 reminder."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    Outbox,
    Task,
    WaitlistEntry,
    WaitStatus,
)
from tracker.services import PermissionDenied, ServiceError, unit_of_work
from tracker.services.assigning import assign_member
from tracker.services.claims import claim_slot, withdraw
from tracker.services.tasks import update_task
from tracker.services.waitlist import join_waitlist, leave_waitlist, promote_by_hand
from tracker.tasks import queries as tq
from tracker.timeutil import utcnow


def run(call, *args):
    with unit_of_work():
        return call(*args)


def refused(call, *args, message: str, error=ServiceError):
    with pytest.raises(error) as info:
        run(call, *args)
    assert message in str(info.value)


def holding(task) -> list[int]:
    return list(db.session.scalars(
        select(Assignment.member_id).where(
            Assignment.task_id == task.id,
            Assignment.status.in_([AssignmentStatus.claimed, AssignmentStatus.assigned]))
        .order_by(Assignment.member_id)))


def actions(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


@pytest.fixture
def full(world):
    """A task of two slots taken by 张三 and 李四, and three more members."""
    task = f.task(world.item, world.liaison, slots=2, title="敬老院包饺子")
    others = [f.member(world.unit, name=name) for name in ("赵一", "钱二", "孙三")]
    db.session.commit()
    run(claim_slot, task, world.member)
    run(claim_slot, task, world.other_member)
    return task, others


def test_a_full_task_takes_waitlist_places_in_joining_order(world, full):
    task, (a, b, c) = full
    for member in (b, a, c):
        run(join_waitlist, task, member)
    assert [e.member_id for e in tq.waitlist(task.id)] == [b.id, a.id, c.id]
    assert [place for _e, place in tq.my_waiting(c.id, utcnow())] == [3]
    [event, *_rest] = actions("waitlist_join")
    assert event.actor_id == b.id and event.detail == {"task_id": task.id}


def test_joining_a_task_with_a_free_slot_is_refused(world):
    refused(join_waitlist, world.task, world.member, message="还有空余名额，请直接认领")
    assert tq.waitlist(world.task.id) == []


def test_joining_twice_or_while_holding_a_slot_is_refused(world, full):
    task, (a, _b, _c) = full
    run(join_waitlist, task, a)
    refused(join_waitlist, task, a, message="您已在候补名单中")
    refused(join_waitlist, task, world.member, message="您已认领该任务")
    assert [e.member_id for e in tq.waitlist(task.id)] == [a.id]


def test_withdrawal_gives_the_slot_to_the_first_in_line_at_once(world, full):
    task, (a, b, _c) = full
    run(join_waitlist, task, a)
    run(join_waitlist, task, b)
    run(withdraw, tq.my_assignment(task.id, world.member.id), world.member)
    db.session.expire_all()
    assert task.taken == task.slots == 2
    assert holding(task) == sorted([world.other_member.id, a.id])
    assert [e.member_id for e in tq.waitlist(task.id)] == [b.id]
    entry = tq.my_wait_entry(task.id, a.id)
    assert entry.status == WaitStatus.promoted and entry.promoted_by_id is None
    [event] = actions("waitlist_promote")
    assert event.actor_id == world.member.id
    assert event.detail == {"task_id": task.id, "member_id": a.id, "by_hand": False}


def test_a_liaison_removing_someone_promotes_the_next_too(world, full):
    task, (a, _b, _c) = full
    run(join_waitlist, task, a)
    run(withdraw, tq.my_assignment(task.id, world.other_member.id), world.liaison)
    db.session.expire_all()
    assert a.id in holding(task) and task.taken == 2


def test_leaving_the_waitlist_moves_the_others_up(world, full):
    task, (a, b, _c) = full
    run(join_waitlist, task, a)
    run(join_waitlist, task, b)
    run(leave_waitlist, tq.my_wait_entry(task.id, a.id), a)
    assert [place for _e, place in tq.my_waiting(b.id, utcnow())] == [1]
    run(withdraw, tq.my_assignment(task.id, world.member.id), world.member)
    db.session.expire_all()
    assert b.id in holding(task) and a.id not in holding(task)
    assert len(actions("waitlist_leave")) == 1


def test_someone_else_cannot_take_a_member_off_the_waitlist(world, full):
    task, (a, b, _c) = full
    run(join_waitlist, task, a)
    refused(leave_waitlist, tq.my_wait_entry(task.id, a.id), b, message="无权",
            error=PermissionDenied)


def test_rejoining_goes_to_the_end_of_the_line(world, full):
    task, (a, b, _c) = full
    run(join_waitlist, task, a)
    run(join_waitlist, task, b)
    run(leave_waitlist, tq.my_wait_entry(task.id, a.id), a)
    run(join_waitlist, task, a)
    assert [e.member_id for e in tq.waitlist(task.id)] == [b.id, a.id]


def test_a_member_who_gets_a_slot_otherwise_leaves_the_line(world, full):
    task, (a, b, _c) = full
    run(join_waitlist, task, a)
    run(join_waitlist, task, b)
    update_slots(task, world.liaison, 3)  # the new slot goes to the first in line: a
    db.session.expire_all()
    assert a.id in holding(task)
    run(withdraw, tq.my_assignment(task.id, a.id), a)  # and back to b
    db.session.expire_all()
    assert b.id in holding(task) and tq.waitlist(task.id) == []


def update_slots(task, actor, slots):
    from tracker.services.tasks import TaskDetails
    from tracker.timeutil import to_local

    data = TaskDetails(title=task.title, beneficiary=task.beneficiary, place=task.place,
                       description=task.description,
                       starts_local=to_local(task.starts_at).replace(tzinfo=None),
                       ends_local=to_local(task.ends_at).replace(tzinfo=None), slots=slots)
    run(update_task, task, actor, data)


def test_an_assigned_member_is_taken_off_the_line(world, full):
    task, (a, b, _c) = full
    run(join_waitlist, task, a)
    run(join_waitlist, task, b)
    task.slots = 3  # a free slot the queue has not filled (as after a raw data fix)
    db.session.commit()
    run(assign_member, task, b, world.liaison)
    assert [e.member_id for e in tq.waitlist(task.id)] == [a.id]
    assert tq.my_wait_entry(task.id, b.id).status == WaitStatus.left


def test_promotion_by_hand_picks_any_waiting_member_for_a_free_slot(world, full):
    task, (a, b, _c) = full
    run(join_waitlist, task, a)
    run(join_waitlist, task, b)
    refused(promote_by_hand, tq.my_wait_entry(task.id, b.id), world.liaison, message="名额已满")
    task.slots = 3  # a free slot the queue has not filled: the liaison picks b
    db.session.commit()
    run(promote_by_hand, tq.my_wait_entry(task.id, b.id), world.liaison)
    db.session.expire_all()
    assert b.id in holding(task) and task.taken == 3
    entry = tq.my_wait_entry(task.id, b.id)
    assert entry.status == WaitStatus.promoted and entry.promoted_by_id == world.liaison.id
    [event] = actions("waitlist_promote")
    assert event.actor_id == world.liaison.id and event.detail["by_hand"] is True


def test_only_a_liaison_of_the_community_promotes_by_hand(world, full):
    task, (a, _b, _c) = full
    run(join_waitlist, task, a)
    refused(promote_by_hand, tq.my_wait_entry(task.id, a.id), world.other_liaison,
            message="无权", error=PermissionDenied)
    refused(promote_by_hand, tq.my_wait_entry(task.id, a.id), world.member,
            message="无权", error=PermissionDenied)


def test_the_waitlist_closes_at_the_start(world, full):
    task, (a, _b, c) = full
    run(join_waitlist, task, a)
    task.starts_at = utcnow() - timedelta(minutes=1)
    task.ends_at = utcnow() + timedelta(hours=1)
    db.session.commit()
    refused(join_waitlist, task, c, message="候补已截止")
    task.slots = 3
    db.session.commit()
    refused(promote_by_hand, tq.my_wait_entry(task.id, a.id), world.liaison,
            message="候补已截止")
    assert tq.my_waiting(a.id, utcnow()) == []


def test_a_deactivated_member_is_skipped(world, full):
    task, (a, b, _c) = full
    run(join_waitlist, task, a)
    run(join_waitlist, task, b)
    a.active = False
    db.session.commit()
    run(withdraw, tq.my_assignment(task.id, world.member.id), world.member)
    db.session.expire_all()
    assert b.id in holding(task) and a.id not in holding(task)
    assert tq.my_wait_entry(task.id, a.id).status == WaitStatus.left


def test_the_promoted_member_is_told_by_the_reminder_job(app, world, full):
    from tracker.reminders.job import write_due

    task, (a, _b, _c) = full
    run(join_waitlist, task, a)
    run(withdraw, tq.my_assignment(task.id, world.member.id), world.member)
    write_due(utcnow(), app.config)
    db.session.commit()
    rows = list(db.session.scalars(select(Outbox).where(Outbox.kind == "waitlist_promoted")))
    assert {row.member_id for row in rows} == {a.id}
    assert all("敬老院包饺子" in row.subject for row in rows)
    assert all(row.link == f"/tasks/{task.id}" for row in rows)
    # the job running again writes nothing new
    write_due(utcnow(), app.config)
    db.session.commit()
    assert len(list(db.session.scalars(
        select(Outbox).where(Outbox.kind == "waitlist_promoted")))) == len(rows)


def test_the_demo_world_has_a_full_task_with_a_waitlist(seeded_demo):
    """The demo member waits first in line on a full task whose line already moved on."""
    from tracker.timeutil import local_today

    world = seeded_demo(local_today())
    [(card, place)] = tq.my_waiting(world.members[0].id, utcnow())
    task = db.session.get(Task, card.id)
    assert place == 1 and task.taken == task.slots
    assert len(tq.waitlist(task.id)) == 2
    promoted = db.session.scalar(select(WaitlistEntry).where(
        WaitlistEntry.task_id == task.id, WaitlistEntry.status == WaitStatus.promoted))
    assert promoted.member_id == world.members[13].id


# --- 停用: the member's places go back, as by their own 取消认领 -------------------------

def test_switching_a_member_off_frees_their_place_for_the_first_in_line(app, world, full):
    """停用 of a member holding a place on a full task that has not started: the place
    goes to the first 候补 at once, as a withdrawal gives it (audited ``withdraw`` by the
    admin, the promotion by the queue), and the one promoted is told by the reminder
    job. The member switched off leaves the other waitlists they were on; what they did
    on a task already past stays theirs, and 重新启用 claims nothing back."""
    from tracker.reminders.job import write_due
    from tracker.services.directory import set_active

    task, (a, b, _c) = full
    other = f.task(world.item, world.liaison, slots=1, title="义诊")
    db.session.commit()
    run(claim_slot, other, a)
    run(join_waitlist, task, a)
    run(join_waitlist, task, b)
    run(join_waitlist, other, world.member)  # 张三 waits elsewhere too
    past_before = {(x.member_id, x.status) for x in world.past_task.assignments}

    released = run(set_active, world.member, world.admin, False)
    db.session.expire_all()
    assert released == 1
    assert task.taken == task.slots == 2
    assert holding(task) == sorted([world.other_member.id, a.id])
    assert [e.member_id for e in tq.waitlist(task.id)] == [b.id]
    assert tq.my_wait_entry(other.id, world.member.id).status == WaitStatus.left
    [withdrawal] = actions("withdraw")
    assert withdrawal.actor_id == world.admin.id
    [promotion] = actions("waitlist_promote")
    assert promotion.detail == {"task_id": task.id, "member_id": a.id, "by_hand": False}
    assert {(x.member_id, x.status) for x in world.past_task.assignments} == past_before

    write_due(utcnow(), app.config)
    db.session.commit()
    rows = list(db.session.scalars(select(Outbox).where(Outbox.kind == "waitlist_promoted")))
    assert {row.member_id for row in rows} == {a.id}

    assert run(set_active, world.member, world.admin, True) == 0
    db.session.expire_all()
    assert world.member.id not in holding(task)


def test_a_refused_switch_off_releases_nothing(world, full, monkeypatch):
    """All in one transaction: a failure after the places went back leaves the member
    on, on the task, and the line as it was."""
    from tracker.services import directory

    task, (a, _b, _c) = full
    run(join_waitlist, task, a)

    release = directory.release_places

    def release_then_fail(member, actor):
        assert release(member, actor) == 1
        raise ServiceError("boom")

    monkeypatch.setattr(directory, "release_places", release_then_fail)
    with pytest.raises(ServiceError):
        run(directory.set_active, world.member, world.admin, False)
    db.session.expire_all()
    assert world.member.active
    assert holding(task) == sorted([world.member.id, world.other_member.id])
    assert [e.member_id for e in tq.waitlist(task.id)] == [a.id]


def test_switching_off_leaves_a_started_tasks_line_as_it_stood(world, full):
    """停用 takes the member off the lines of the tasks not started, but a started task's
    line closed at its start (no join, no promotion: above): who waited then is its
    record, as a cancelled task's line is (cancelled49), so it stays as it stood — not
    named by the confirmation, not written, no ``waitlist_leave`` for it."""
    from tracker.services.claims import deactivate_ends
    from tracker.services.directory import set_active

    task, (a, _b, _c) = full
    later = f.task(world.item, world.liaison, slots=1, title="义诊")
    db.session.commit()
    run(claim_slot, later, world.member)
    run(join_waitlist, task, a)
    run(join_waitlist, later, a)
    task.starts_at = utcnow() - timedelta(minutes=1)
    task.ends_at = utcnow() + timedelta(hours=1)
    db.session.commit()
    assert deactivate_ends(a) == (0, ["义诊"])

    assert run(set_active, a, world.admin, False) == 0
    db.session.expire_all()
    assert tq.my_wait_entry(task.id, a.id).status == WaitStatus.waiting
    assert tq.my_wait_entry(later.id, a.id).status == WaitStatus.left
    assert [e.detail["task_id"] for e in actions("waitlist_leave")] == [later.id]
