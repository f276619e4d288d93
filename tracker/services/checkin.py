"""签到: checking in on site by scanning the task's QR code — a convenience, never required.

The QR code holds ``/c/<token>``. Scanning it inside the window (from an hour before
the start to the end) marks the member's participation ``checked_in``; a member not
on the task yet takes a free slot first, through the same atomic slot-taking as a
claim. Rotating the token makes every printed or photographed old code useless.
Confirming participation (确认参与) never depends on having checked in.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..i18n import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import Assignment, AssignmentStatus, Member, Task, TaskStatus
from ..permissions import may_report, may_see_task
from ..timeutil import utcnow
from . import PermissionDenied, ServiceError
from .audit import record
from .claims import _existing, _join
from .tasks import new_checkin_token
from .waitlist import waits_on

OPENS_BEFORE_START = timedelta(hours=1)


@dataclass
class CheckinState:
    """What scanning would do now: ``reason`` says why not, ``joins`` that a slot is taken."""

    allowed: bool
    reason: str | None = None
    assignment: Assignment | None = None
    joins: bool = False
    opens_at: datetime | None = None


def task_for_token(token: str) -> Task | None:
    """The task whose current check-in token this is (old tokens find nothing)."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Task).where(Task.checkin_token == token))


def window_opens(task: Task) -> datetime:
    return task.starts_at - OPENS_BEFORE_START


def checkin_state(task: Task, member: Member, now: datetime | None = None) -> CheckinState:
    """Whether ``member`` may check in to ``task`` now, and if not, why (in Chinese)."""
    now = now or utcnow()
    opens = window_opens(task)
    assignment = _existing(task, member)
    if assignment is not None and assignment.status == AssignmentStatus.withdrawn:
        assignment = None

    def no(reason) -> CheckinState:
        return CheckinState(False, reason, assignment, opens_at=opens)

    if task.status == TaskStatus.cancelled:
        return no(_l("该任务已取消，无需签到。"))
    if assignment is not None:
        if assignment.status == AssignmentStatus.checked_in:
            return no(_l("您已签到，无需重复签到。"))
        if assignment.status == AssignmentStatus.done:
            return no(_l("您已确认参与，无需签到。"))
        if assignment.status == AssignmentStatus.absent:
            return no(_l("组长已登记您缺席；如有误，请联系组长修改。"))
    if task.status == TaskStatus.closed:
        return no(_l("该任务已结束，不能再签到。"))
    if now < opens:
        return no(_l("还没到签到时间：活动开始前1小时起可以签到。"))
    if now > task.ends_at:
        return no(_l("活动已结束，不能再签到。签到不是必需的，您仍可在“我的任务”中确认参与。"))
    if assignment is None and task.taken >= task.slots:
        return no(_l("名额已满，未能签到。请联系组长或联络员。"))
    return CheckinState(True, None, assignment, joins=assignment is None, opens_at=opens)


def check_in(task: Task, member: Member, token: str) -> Assignment:
    """Check ``member`` in to ``task`` with the token from its QR code."""
    if not token or not hmac.compare_digest(token.encode(), task.checkin_token.encode()):
        raise ServiceError(_l("签到码无效或已更换，请扫描组长手机上最新的签到码。"))
    state = checkin_state(task, member)
    if not state.allowed:
        raise ServiceError(state.reason)
    assignment = state.assignment
    joined = assignment is None
    if joined:
        # Same conditional slot UPDATE as a claim, without the "not started" rule.
        assignment = _join(task, member, AssignmentStatus.checked_in, member,
                           require_future=False)
    assignment.status = AssignmentStatus.checked_in
    assignment.checked_in_at = utcnow()
    db.session.flush()
    record(member, "check_in", assignment, task_id=task.id, joined=joined)
    return assignment


def may_show_code(member: Member, task: Task) -> bool:
    """The leader (组长) or the community's liaison/admin shows the QR code."""
    return may_report(member, task)


def sees_task(member: Member, task: Task) -> bool:
    """Whether ``member`` sees ``task`` (its page, ``permissions.may_see_task``), given
    their participation in it (and, of a cancelled one, whether they wait on its line):
    a check-in code refused to them answers 403 if so, 404 if not."""
    mine = _existing(task, member)
    return may_see_task(member, task, mine.status if mine is not None else None,
                        lambda: waits_on(task.id, member.id))


def rotate_token(task: Task, actor: Member) -> str:
    """Give the task a new check-in token; the old QR code stops working at once."""
    if not may_show_code(actor, task):
        raise PermissionDenied(_l("无权操作。"))
    task.checkin_token = new_checkin_token()
    db.session.flush()
    record(actor, "rotate_checkin_token", task)
    return task.checkin_token


def checked_in_count(task: Task) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Assignment).where(
            Assignment.task_id == task.id, Assignment.checked_in_at.is_not(None),
            Assignment.status != AssignmentStatus.withdrawn,
        )
    ) or 0
