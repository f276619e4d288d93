"""Creating and managing tasks."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import HOLDING, Assignment, Member, ResourceItem, Task, TaskStatus
from ..permissions import manages_community, manages_task
from ..timeutil import local_date, local_to_utc
from . import PermissionDenied, ServiceError
from .audit import record

MAX_SERIES = 52  # one year of weekly tasks


@dataclass
class TaskData:
    """What a liaison types in; times are local wall-clock (Asia/Shanghai)."""

    title: str
    place: str
    starts_local: datetime
    ends_local: datetime
    slots: int
    beneficiary: str | None = None
    description: str | None = None
    leader: Member | None = None
    repeat_until: date | None = None


def new_checkin_token() -> str:
    return secrets.token_urlsafe(24)


def weekly_starts(first: datetime, until: date | None) -> list[datetime]:
    """The first start and one a week later while on or before ``until``."""
    starts = [first]
    if until is None:
        return starts
    if until < first.date():
        raise ServiceError(_l("重复截止日期不能早于首次活动日期。"))
    while len(starts) < MAX_SERIES:
        nxt = starts[-1] + timedelta(weeks=1)
        if nxt.date() > until:
            break
        starts.append(nxt)
    return starts


def create_tasks(actor: Member, item: ResourceItem, data: TaskData) -> list[Task]:
    """Create a task (or a weekly series) from a resource checklist item."""
    if not manages_community(actor, item.community_id):
        raise PermissionDenied(_l("无权在该社区创建任务。"))
    if not item.active:
        raise ServiceError(_l("该资源清单项目已停用。"))
    if data.ends_local <= data.starts_local:
        raise ServiceError(_l("结束时间必须晚于开始时间。"))
    duration = data.ends_local - data.starts_local
    series_id = secrets.token_hex(8) if data.repeat_until else None
    tasks = []
    for start_local in weekly_starts(data.starts_local, data.repeat_until):
        starts_at = local_to_utc(start_local)
        task = Task(
            resource_item_id=item.id,
            unit_id=item.unit_id,
            community_id=item.community_id,
            zone_id=item.zone_id,
            category_id=item.category_id,
            title=data.title,
            beneficiary=data.beneficiary or None,
            place=data.place,
            description=data.description or None,
            starts_at=starts_at,
            ends_at=local_to_utc(start_local + duration),
            service_date=local_date(starts_at),
            slots=data.slots,
            taken=0,
            leader_id=data.leader.id if data.leader else None,
            status=TaskStatus.open,
            checkin_token=new_checkin_token(),
            series_id=series_id,
            created_by_id=actor.id,
        )
        db.session.add(task)
        tasks.append(task)
    db.session.flush()
    for task in tasks:
        record(actor, "create", task, series_id=series_id)
    return tasks


def _require_manager(actor: Member, task: Task) -> None:
    if not manages_task(actor, task):
        raise PermissionDenied(_l("无权操作。"))


def change_leader(task: Task, leader: Member | None, actor: Member) -> None:
    _require_manager(actor, task)
    if leader is not None and not leader.active:
        raise ServiceError(_l("该党员账号已停用。"))
    task.leader_id = leader.id if leader else None
    record(actor, "change_leader", task, leader_id=task.leader_id)


def close_task(task: Task, actor: Member) -> None:
    """No more claims; participants and the report stay as they are."""
    _require_manager(actor, task)
    if task.status != TaskStatus.open:
        raise ServiceError(_l("只有进行中的任务可以关闭。"))
    task.status = TaskStatus.closed
    record(actor, "close", task)


def cancel_task(task: Task, actor: Member, reason: str) -> None:
    """Call the task off; members on it see it as 已取消 in 我的任务."""
    _require_manager(actor, task)
    if task.status == TaskStatus.cancelled:
        raise ServiceError(_l("该任务已取消。"))
    if task.report is not None:
        raise ServiceError(_l("该任务已提交完成情况，不能取消。"))
    task.status = TaskStatus.cancelled
    record(actor, "cancel", task, reason=reason)


def participants(task: Task) -> list[Assignment]:
    """Members holding a slot, in the order they joined."""
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.task_id == task.id, Assignment.status.in_(HOLDING))
            .order_by(Assignment.claimed_at, Assignment.id)
        )
    )
