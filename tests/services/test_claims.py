"""The participation state machine without HTTP: claim, withdraw, assign, confirm."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    ReportStatus,
    TaskReport,
    TaskStatus,
)
from tracker.services import PermissionDenied, ServiceError, unit_of_work
from tracker.services.assigning import assign_member
from tracker.services.claims import (
    check_minutes,
    claim_refusal,
    claim_slot,
    confirm_participation,
    confirm_refusal,
    task_span_minutes,
    withdraw,
)
from tracker.timeutil import utcnow


def audits(action: str, entity) -> list[AuditEvent]:
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action,
                                 AuditEvent.entity_type == entity.__tablename__,
                                 AuditEvent.entity_id == entity.id)
    ))


def assignment_count(task) -> int:
    return db.session.scalar(select(func.count(Assignment.id)).where(Assignment.task_id == task.id))


def refused(call, *args, message: str | None = None, error=ServiceError):
    """Run a service call in a unit of work; it must be refused (and roll back)."""
    with pytest.raises(error) as info:
        with unit_of_work():
            call(*args)
    if message:
        assert message in str(info.value)
    return info.value


def assignment_of(task, member) -> Assignment:
    return db.session.scalar(
        select(Assignment).where(Assignment.task_id == task.id, Assignment.member_id == member.id)
    )


# ------------------------------------------------------------------ claim


def test_claim_takes_a_slot_and_writes_an_audit_event(world):
    with unit_of_work():
        assignment = claim_slot(world.task, world.member)
    db.session.expire_all()
    assert assignment.status == AssignmentStatus.claimed
    assert assignment.member_id == world.member.id
    assert world.task.taken == 1
    assert world.task.slots_left == world.task.slots - 1
    [event] = audits("claim", assignment)
    assert event.actor_id == world.member.id
    assert event.detail == {"task_id": world.task.id}


def test_claim_of_a_full_task_is_refused_and_changes_nothing(world):
    task = f.task(world.item, world.liaison, slots=1)
    db.session.commit()
    with unit_of_work():
        claim_slot(task, world.member)
    refused(claim_slot, task, world.other_member, message="名额已满")
    db.session.expire_all()
    assert task.taken == 1
    assert assignment_count(task) == 1
    assert assignment_of(task, world.other_member) is None


def test_claiming_twice_is_refused(world):
    with unit_of_work():
        claim_slot(world.task, world.member)
    refused(claim_slot, world.task, world.member, message="您已认领该任务")
    db.session.expire_all()
    assert world.task.taken == 1
    assert assignment_count(world.task) == 1
    assert len(audits("claim", assignment_of(world.task, world.member))) == 1


def test_claim_of_a_started_task_is_refused(world):
    started = f.task(world.item, world.liaison, starts_in=-timedelta(minutes=10))
    db.session.commit()
    refused(claim_slot, started, world.member, message="已开始")
    db.session.expire_all()
    assert started.taken == 0
    assert assignment_count(started) == 0


@pytest.mark.parametrize("status,message", [
    (TaskStatus.cancelled, "已取消"),
    (TaskStatus.closed, "已结束"),
])
def test_claim_of_a_cancelled_or_closed_task_is_refused(world, status, message):
    task = f.task(world.item, world.liaison, status=status)
    db.session.commit()
    refused(claim_slot, task, world.member, message=message)
    db.session.expire_all()
    assert task.taken == 0 and assignment_count(task) == 0


def test_claims_fill_exactly_the_slots(world):
    task = f.task(world.item, world.liaison, slots=3)
    people = [f.member(world.unit) for _ in range(5)]
    db.session.commit()
    outcomes = []
    for person in people:
        try:
            with unit_of_work():
                claim_slot(task, person)
            outcomes.append("ok")
        except ServiceError:
            outcomes.append("full")
    db.session.expire_all()
    assert outcomes == ["ok", "ok", "ok", "full", "full"]
    assert task.taken == 3 == assignment_count(task)


def test_claim_refusal_says_what_the_claim_itself_would_say(world):
    """The claim button's question asked from the rows already read (the last-slot
    storm's losers): the same answer ``claim_slot`` gives, and None when it may be tried."""
    free = f.task(world.item, world.liaison, slots=2)
    full = f.task(world.item, world.liaison, slots=1)
    started = f.task(world.item, world.liaison, starts_in=-timedelta(minutes=10))
    cancelled = f.task(world.item, world.liaison, status=TaskStatus.cancelled)
    closed = f.task(world.item, world.liaison, status=TaskStatus.closed)
    db.session.commit()
    with unit_of_work():
        claim_slot(full, world.other_member)
    with unit_of_work():
        mine = claim_slot(free, world.member)
    expected = {free: "您已认领该任务。", full: "名额已满。", started: "该任务已开始，不能再认领。",
                cancelled: "该任务已取消。", closed: "该任务已结束，不能再认领。"}
    for task, message in expected.items():
        status = mine.status if task is free else None
        assert str(claim_refusal(task, status)) == message
        if task is not free:
            refused(claim_slot, task, world.member, message=message)
    with unit_of_work():
        withdraw(mine, world.member)
    assert claim_refusal(free, mine.status) is None  # a withdrawn row does not hold the slot
    with unit_of_work():
        claim_slot(free, world.member)


# ------------------------------------------------------------------ withdraw


def test_withdraw_before_start_gives_the_slot_back(world):
    with unit_of_work():
        assignment = claim_slot(world.task, world.member)
    with unit_of_work():
        withdraw(assignment, world.member)
    db.session.expire_all()
    assert assignment.status == AssignmentStatus.withdrawn
    assert world.task.taken == 0
    [event] = audits("withdraw", assignment)
    assert event.actor_id == world.member.id


def test_withdraw_after_start_is_refused(world):
    task = f.task(world.item, world.liaison, starts_in=timedelta(days=1))
    db.session.commit()
    with unit_of_work():
        assignment = claim_slot(task, world.member)
    task.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    refused(withdraw, assignment, world.member, message="已开始")
    db.session.expire_all()
    assert assignment.status == AssignmentStatus.claimed
    assert task.taken == 1
    assert audits("withdraw", assignment) == []


def test_withdraw_of_a_past_participation_is_refused(world):
    assignment = assignment_of(world.past_task, world.member)
    refused(withdraw, assignment, world.member)
    db.session.expire_all()
    assert assignment.status == AssignmentStatus.claimed
    assert world.past_task.taken == 2


def test_another_member_cannot_withdraw_my_claim(world):
    with unit_of_work():
        assignment = claim_slot(world.task, world.member)
    refused(withdraw, assignment, world.other_member, error=PermissionDenied)
    refused(withdraw, assignment, world.other_liaison, error=PermissionDenied)
    db.session.expire_all()
    assert assignment.status == AssignmentStatus.claimed
    assert world.task.taken == 1


def test_the_liaison_may_take_a_member_off_a_task(world):
    with unit_of_work():
        assignment = claim_slot(world.task, world.member)
    with unit_of_work():
        withdraw(assignment, world.liaison)
    db.session.expire_all()
    assert assignment.status == AssignmentStatus.withdrawn
    assert world.task.taken == 0
    assert audits("withdraw", assignment)[0].actor_id == world.liaison.id


def test_withdrawing_twice_is_refused(world):
    with unit_of_work():
        assignment = claim_slot(world.task, world.member)
    with unit_of_work():
        withdraw(assignment, world.member)
    refused(withdraw, assignment, world.member, message="当前状态不能取消认领")
    db.session.expire_all()
    assert world.task.taken == 0


def test_reclaim_after_withdraw_reuses_the_row(world):
    with unit_of_work():
        first = claim_slot(world.task, world.member)
    with unit_of_work():
        withdraw(first, world.member)
    with unit_of_work():
        again = claim_slot(world.task, world.member)
    db.session.expire_all()
    assert again.id == first.id
    assert again.status == AssignmentStatus.claimed
    assert world.task.taken == 1
    assert assignment_count(world.task) == 1
    assert len(audits("claim", again)) == 2


# ------------------------------------------------------------------ assign


def test_liaison_assigns_a_member(world):
    with unit_of_work():
        assignment = assign_member(world.task, world.member, world.liaison)
    db.session.expire_all()
    assert assignment.status == AssignmentStatus.assigned
    assert assignment.assigned_by_id == world.liaison.id
    assert world.task.taken == 1
    [event] = audits("assign", assignment)
    assert event.actor_id == world.liaison.id
    assert event.detail["member_id"] == world.member.id


def test_assign_respects_slots(world):
    task = f.task(world.item, world.liaison, slots=1)
    db.session.commit()
    with unit_of_work():
        assign_member(task, world.member, world.liaison)
    refused(assign_member, task, world.other_member, world.liaison, message="名额已满")
    db.session.expire_all()
    assert task.taken == 1 and assignment_count(task) == 1


def test_assign_twice_is_refused(world):
    with unit_of_work():
        claim_slot(world.task, world.member)
    refused(assign_member, world.task, world.member, world.liaison, message="已在该任务中")
    db.session.expire_all()
    assert world.task.taken == 1


@pytest.mark.parametrize("actor", ["other_liaison", "member", "leader"])
def test_only_staff_of_the_community_may_assign(world, actor):
    refused(assign_member, world.task, world.other_member, getattr(world, actor),
            error=PermissionDenied)
    db.session.expire_all()
    assert world.task.taken == 0 and assignment_count(world.task) == 0


def test_assigning_an_inactive_member_is_refused(world):
    gone = f.member(world.unit, active=False)
    db.session.commit()
    refused(assign_member, world.task, gone, world.liaison, message="已停用")
    assert assignment_count(world.task) == 0


def test_assign_after_the_fact_is_allowed_on_a_past_task(world):
    with unit_of_work():
        assignment = assign_member(world.past_task, world.other_member, world.admin)
    db.session.expire_all()
    assert assignment.status == AssignmentStatus.assigned
    assert world.past_task.taken == 3


def test_assign_to_a_cancelled_task_is_refused(world):
    task = f.task(world.item, world.liaison, status=TaskStatus.cancelled)
    db.session.commit()
    refused(assign_member, task, world.member, world.liaison, message="已取消")
    assert assignment_count(task) == 0


# ------------------------------------------------------------------ confirm hours


def test_confirm_after_the_end_records_minutes(world):
    assignment = assignment_of(world.past_task, world.member)
    with unit_of_work():
        confirm_participation(assignment, world.member, 90)
    db.session.expire_all()
    assert assignment.status == AssignmentStatus.done
    assert assignment.minutes == 90
    assert assignment.confirmed_at is not None
    [event] = audits("confirm", assignment)
    assert event.detail == {"minutes": 90}


def test_confirm_before_the_end_is_refused(world):
    with unit_of_work():
        assignment = claim_slot(world.task, world.member)
    assert confirm_refusal(assignment) is not None
    refused(confirm_participation, assignment, world.member, 60, message="任务结束后")
    db.session.expire_all()
    assert assignment.status == AssignmentStatus.claimed and assignment.minutes is None
    assert audits("confirm", assignment) == []


@pytest.mark.parametrize("minutes", [0, -30, 20, 45, 150, 24 * 60 + 30])
def test_confirm_with_bad_minutes_is_refused(world, minutes):
    # past_task lasts two hours: 120 minutes is the most one can serve.
    assignment = assignment_of(world.past_task, world.member)
    error = refused(confirm_participation, assignment, world.member, minutes)
    assert error.field == "hours"
    db.session.expire_all()
    assert assignment.minutes is None
    assert assignment.status == AssignmentStatus.claimed


def test_span_is_rounded_up_to_the_half_hour(world):
    task = f.task(world.item, world.liaison, duration=timedelta(minutes=100))
    assert task_span_minutes(task) == 120
    check_minutes(120, task)
    with pytest.raises(ServiceError):
        check_minutes(150, task)


def test_confirm_of_someone_elses_assignment_is_refused(world):
    assignment = assignment_of(world.past_task, world.member)
    refused(confirm_participation, assignment, world.other_member, 60, error=PermissionDenied)
    refused(confirm_participation, assignment, world.liaison, 60, error=PermissionDenied)
    db.session.expire_all()
    assert assignment.minutes is None


def test_confirm_when_marked_absent_is_refused(world):
    assignment = assignment_of(world.past_task, world.member)
    assignment.status = AssignmentStatus.absent
    db.session.commit()
    refused(confirm_participation, assignment, world.member, 60, message="缺席")
    db.session.expire_all()
    assert assignment.status == AssignmentStatus.absent and assignment.minutes is None


def test_confirm_after_approval_is_refused(world):
    assignment = assignment_of(world.past_task, world.member)
    db.session.add(TaskReport(task_id=world.past_task.id, quantity=1, people_served=1,
                              note="ok", status=ReportStatus.approved,
                              submitted_by_id=world.leader.id))
    db.session.commit()
    refused(confirm_participation, assignment, world.member, 60, message="审核通过")
    db.session.expire_all()
    assert assignment.minutes is None


def test_confirm_on_a_cancelled_task_is_refused(world):
    assignment = assignment_of(world.past_task, world.member)
    world.past_task.status = TaskStatus.cancelled
    db.session.commit()
    refused(confirm_participation, assignment, world.member, 60, message="已取消")
    db.session.expire_all()
    assert assignment.minutes is None


def test_confirm_of_a_withdrawn_participation_is_refused(world):
    assignment = assignment_of(world.past_task, world.member)
    assignment.status = AssignmentStatus.withdrawn
    db.session.commit()
    refused(confirm_participation, assignment, world.member, 60, message="取消认领")


def test_hours_may_be_corrected_until_approval(world):
    assignment = assignment_of(world.past_task, world.member)
    with unit_of_work():
        confirm_participation(assignment, world.member, 60)
    with unit_of_work():
        confirm_participation(assignment, world.member, 120)
    db.session.expire_all()
    assert assignment.minutes == 120
    assert len(audits("confirm", assignment)) == 2
