"""cancelled49 (leave49's Open): a cancelled task is closed. Who was on it, and who
waited on its 候补名单, when it was called off is its record: nothing changes it — not
the member's 取消认领 (nor 退出任务 of a place a liaison gave her), not the liaison's 移出,
not leaving the line or being taken off it. Each is refused in the words of what the
one refused did, and nothing is written: the place stays held, the slot taken, the
entry waiting, no audit event."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    Task,
    TaskStatus,
    WaitlistEntry,
    WaitStatus,
)
from tracker.services import ServiceError, unit_of_work
from tracker.services.claims import assign_member, claim_slot, withdraw
from tracker.services.tasks import cancel_task
from tracker.services.waitlist import join_waitlist, leave_waitlist


def _cancelled(world, *, slots: int = 5) -> Task:
    task = f.task(world.item, world.liaison, slots=slots, title="门前清扫")
    db.session.commit()
    return task


def _call_off(task, world) -> None:
    with unit_of_work():
        cancel_task(task, world.liaison, "天气原因")


def _refused(call, *args, message: str) -> None:
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(ServiceError) as info:
        with unit_of_work():
            call(*args)
    assert str(info.value) == message
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


@pytest.mark.parametrize("who, message", [
    ("member", "该任务已取消，不能取消认领。"),
    ("liaison", "该任务已取消，不能移出。"),
])
def test_a_claim_on_a_cancelled_task_stays(world, who, message):
    task = _cancelled(world)
    with unit_of_work():
        mine = claim_slot(task, world.member)
    _call_off(task, world)
    _refused(withdraw, mine, getattr(world, who), message=message)
    db.session.expire_all()
    assert db.session.get(Assignment, mine.id).status == AssignmentStatus.claimed
    assert db.session.get(Task, task.id).taken == 1


def test_an_assigned_place_on_a_cancelled_task_is_not_left(world):
    task = _cancelled(world)
    with unit_of_work():
        mine = assign_member(task, world.member, world.liaison)
    _call_off(task, world)
    _refused(withdraw, mine, world.member, message="该任务已取消，不能退出任务。")
    db.session.expire_all()
    assert db.session.get(Assignment, mine.id).status == AssignmentStatus.assigned


@pytest.mark.parametrize("who, message", [
    ("other_member", "该任务已取消，不能退出候补。"),
    ("liaison", "该任务已取消，不能移出候补。"),
])
def test_a_cancelled_tasks_waitlist_stays_as_it_stood(world, who, message):
    task = _cancelled(world, slots=1)
    with unit_of_work():
        claim_slot(task, world.member)
    with unit_of_work():
        entry = join_waitlist(task, world.other_member)
    _call_off(task, world)
    _refused(leave_waitlist, entry, getattr(world, who), message=message)
    db.session.expire_all()
    assert db.session.get(WaitlistEntry, entry.id).status == WaitStatus.waiting
    assert db.session.get(Task, task.id).status == TaskStatus.cancelled
