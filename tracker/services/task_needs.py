"""What a task's end does to the need it was made from (需求 → 转为任务).

A need the liaison turned into a task is the task's to do (``NeedStatus.tasked``, or
still claimed by whoever claimed it first). When the task's report is approved the
need is fulfilled, on the local date of the approval (what the 月报's 本月完成 and
完成微心愿 count). When the task is cancelled the need is given back: it loses the
task (so it can be turned into a task again) and a tasked one is 待认领 again.

Kept apart from ``needs`` so that ``tasks`` and ``reviews`` can call it: ``needs``
imports ``tasks`` to create the task.
"""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import LIVE_NEEDS, Member, Need, NeedStatus, Task
from ..timeutil import local_date, utcnow
from .audit import record


def _live_needs_of(task: Task) -> list[Need]:
    return list(db.session.scalars(
        select(Need).where(Need.task_id == task.id, Need.status.in_(LIVE_NEEDS))
        .order_by(Need.id)))


def fulfil_needs_of(task: Task, actor: Member) -> None:
    """The task's report is approved: the needs it was made from are done."""
    now = utcnow()
    for need in _live_needs_of(task):
        need.status = NeedStatus.fulfilled
        need.fulfilled_at, need.fulfilled_on = now, local_date(now)
        need.fulfilled_by_id = actor.id
        record(actor, "need_fulfil", need, task_id=task.id, member_id=need.claimed_by_id,
               unit_id=need.claimed_unit_id, photo=False)


def give_back_needs_of(task: Task, actor: Member) -> None:
    """The task is cancelled: its needs lose it, and one nobody claimed is 待认领 again."""
    for need in _live_needs_of(task):
        need.task_id = None
        if need.status == NeedStatus.tasked:
            need.status = NeedStatus.open
        record(actor, "need_task_cancelled", need, task_id=task.id)


def undo_needs_of(task: Task, actor: Member) -> None:
    """The task is voided (作废: the activity did not happen): a need it was to do is given
    back as for a cancellation, and one its approval fulfilled was not fulfilled after
    all — it loses the task and is 已认领 again by its claimer, else 待认领."""
    give_back_needs_of(task, actor)
    for need in db.session.scalars(
            select(Need).where(Need.task_id == task.id, Need.status == NeedStatus.fulfilled)
            .order_by(Need.id)):
        need.task_id = None
        need.status = NeedStatus.claimed if need.claimed_by_id else NeedStatus.open
        need.fulfilled_at = need.fulfilled_on = need.fulfilled_by_id = None
        record(actor, "need_fulfil_voided", need, task_id=task.id)
