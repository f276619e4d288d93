"""指派: a liaison puts a member on a task (``claims.assign_member``). On a task that
has ended it is past work — the member then confirms their own hours (确认参与) — so
补录's rule of who may be named on past work is asked (``backfill.nameable``: their unit
on the activity's day works in its community), as 补录, 采纳 and 添加遗漏的参加人员 ask it:
a member who joined the unit since is not put on its earlier work; and, as they refuse
it, one who holds a place on another activity at those hours. Its own module
because ``backfill`` imports ``claims``."""
from __future__ import annotations

from ..i18n import lazy_gettext as _l
from ..models import Assignment, Member, Task
from ..permissions import manages_task
from ..timeutil import utcnow
from . import PermissionDenied, ServiceError, claims
from .activity_lock import lock_activity
from .backfill import refuse_overlap, refuse_unnameable


def assign_member(task: Task, member: Member, actor: Member) -> Assignment:
    """指派 ``member`` to ``task``; on a task that has ended, only a member 补录's rule
    names on its day. The house order: the activity's row (``lock_activity``: not
    approved or voided meanwhile), then the member's, the rule read under it — one
    switched off (or merged) meanwhile is refused, never put on the account merged
    away (``claims.hold_member``)."""
    if task.ends_at > utcnow():
        return claims.assign_member(task, member, actor)
    if not manages_task(actor, task):
        raise PermissionDenied(_l("无权操作。"))
    lock_activity(task)
    if member.id not in claims.held_active([member.id], no_key=True):
        raise ServiceError(_l("该党员账号已停用。"))
    refuse_unnameable(task.community_id, task.service_date, [member], hold=False)
    # and the same person's time once, as 补录 and 添加遗漏的参加人员 refuse it: one whose
    # place at those hours is elsewhere would hold a 确认 she could never make (walk11 #8)
    refuse_overlap([member.id], task.starts_at, task.ends_at, other_than=task.id,
                   lock=False)  # the member's row is held above
    return claims.assign_member(task, member, actor, held=True)
