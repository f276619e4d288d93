"""候补: joining the waitlist of a full task, leaving it, and a liaison's promotion
by hand. The automatic promotion (a released slot goes to the first waiting) lives
with the slot rule in claims.py, since every withdrawal runs it.

Joining locks the task row with a conditional UPDATE that changes nothing
(``taken >= slots``), as a claim's does: a join and a withdrawal on the same task
queue behind each other, so nobody is put on the waitlist of a task that has just
freed a slot, and the queue order is the order the joins committed in.
"""
from __future__ import annotations

from ..i18n import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import HOLDING, Assignment, Member, Task, TaskStatus, WaitlistEntry, WaitStatus
from ..permissions import manages_task
from ..timeutil import utcnow
from . import PermissionDenied, ServiceError
from .audit import record
from .claims import hold_member, hold_task, promote

ALREADY_WAITING = _l("您已在候补名单中。")


def join_waitlist(task: Task, member: Member) -> WaitlistEntry:
    """候补: a member queues for a slot of a full task that has not started."""
    holding = db.session.scalar(select(Assignment.status).where(
        Assignment.task_id == task.id, Assignment.member_id == member.id))
    if holding in HOLDING:
        raise ServiceError(_l("您已认领该任务。"))
    result = db.session.execute(
        update(Task)
        .where(Task.id == task.id, Task.status == TaskStatus.open, Task.starts_at > utcnow(),
               Task.taken >= Task.slots)
        .values(taken=Task.taken),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        db.session.refresh(task)
        if task.status == TaskStatus.cancelled:
            raise ServiceError(_l("该任务已取消。"))
        if task.status == TaskStatus.closed or task.starts_at <= utcnow():
            raise ServiceError(_l("任务已开始，候补已截止。"))
        raise ServiceError(_l("还有空余名额，请直接认领。"))
    hold_member(member)  # after the task's lock, as a claim: not merged meanwhile
    entry = db.session.scalar(select(WaitlistEntry).where(
        WaitlistEntry.task_id == task.id, WaitlistEntry.member_id == member.id))
    if entry is not None and entry.status == WaitStatus.waiting:
        raise ServiceError(ALREADY_WAITING)
    if entry is None:
        entry = WaitlistEntry(task_id=task.id, member_id=member.id)
        db.session.add(entry)
    entry.status = WaitStatus.waiting
    entry.joined_at = utcnow()
    entry.promoted_at = entry.promoted_by_id = entry.left_at = None
    try:
        db.session.flush()
    except IntegrityError:
        # The same member's concurrent request won the unique key.
        db.session.rollback()
        raise ServiceError(ALREADY_WAITING) from None
    record(member, "waitlist_join", entry, task_id=task.id)
    return entry


def leave_waitlist(entry: WaitlistEntry, actor: Member) -> None:
    """The member leaves the queue (or a liaison takes them off it)."""
    if actor.id != entry.member_id and not manages_task(actor, entry.task):
        raise PermissionDenied(_l("无权操作。"))
    # the task's row first (as a join's): a 取消任务 committed since the page was read
    # is seen here, and its line left as it stood
    hold_task(entry.task)
    db.session.refresh(entry, ["status"])
    if entry.status != WaitStatus.waiting:
        if actor.id == entry.member_id:
            raise ServiceError(_l("您已不在候补名单中。"))
        raise ServiceError(_l("%(name)s 已不在候补名单中。", name=entry.member.name))
    if (refusal := leave_refusal(entry, actor)) is not None:
        raise ServiceError(refusal)
    entry.status, entry.left_at = WaitStatus.left, utcnow()
    record(actor, "waitlist_leave", entry, task_id=entry.task_id, member_id=entry.member_id)


def waits_on(task_id: int, member_id: int) -> bool:
    """Whether the member waits on the task's 候补名单 (``WaitlistEntry.member_waiting``):
    what shows her a cancelled task (``permissions.may_see_task``)."""
    return bool(db.session.scalar(select(WaitlistEntry.member_waiting(task_id, member_id)
                                         .exists())))


def leave_refusal(entry: WaitlistEntry, actor: Member):
    """Why ``actor`` cannot take ``entry`` off its task's 候补名单 now, or None: a
    cancelled task (取消任务, or 作废) is closed, its line the record of who waited when
    it was called off, as its roster is (``claims.withdraw_refusal``)."""
    if entry.task.status != TaskStatus.cancelled:
        return None
    if actor.id == entry.member_id:
        return _l("该任务已取消，不能退出候补。")
    return _l("该任务已取消，不能移出候补。")


def promote_by_hand(entry: WaitlistEntry, actor: Member) -> Assignment:
    """The liaison gives a free slot to a waiting member of their choice (any place in
    line: the queue fills slots on its own, so this is for the liaison's judgement
    after adding slots or when someone must go first)."""
    task = entry.task
    if not manages_task(actor, task):
        raise PermissionDenied(_l("无权操作。"))
    if entry.status != WaitStatus.waiting:
        raise ServiceError(_l("%(name)s 已不在候补名单中。", name=entry.member.name))
    if not entry.member.active:
        raise ServiceError(_l("该党员账号已停用。"))
    if task.status != TaskStatus.open or task.starts_at <= utcnow():
        raise ServiceError(_l("任务已开始，候补已截止。"))
    if task.taken >= task.slots:
        raise ServiceError(_l("名额已满：请先增加名额，或等有人取消认领。"))
    return promote(entry, actor, by_hand=True)

