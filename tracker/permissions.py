"""Who may see and change what. Views call these; services call them again."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort
from flask_login import current_user, login_required

from .models import HOLDING, AssignmentStatus, Member, Role, Task, TaskStatus


def manages_every_community(member: Member) -> bool:
    """``managed_community_ids(member) is None``, asked of the role alone, without a
    liaison's communities (``summary_notes.may_see_in_part`` asks it first)."""
    return member.role == Role.admin


def managed_community_ids(member: Member) -> set[int] | None:
    """Communities a member manages: None means all (admin), empty means none."""
    if manages_every_community(member):
        return None
    if member.role == Role.liaison:
        return {c.id for c in member.communities}
    return set()


def manages_community(member: Member, community_id: int) -> bool:
    ids = managed_community_ids(member)
    return ids is None or community_id in ids


def seen_unit_ids(member: Member) -> set[int] | None:
    """Units whose own figures a member may see — a unit's 参与情况 (不漏一人) and its
    月报, and the 月报's words: None means all (admin), a liaison their own unit, a
    member none."""
    if member.role == Role.admin:
        return None
    if member.role == Role.liaison and member.unit_id is not None:
        return {member.unit_id}
    return set()


def may_see_unit(member: Member, unit_id: int) -> bool:
    ids = seen_unit_ids(member)
    return ids is None or unit_id in ids


def manages_task(member: Member, task: Task) -> bool:
    return manages_community(member, task.community_id)


def may_see_task(member: Member, task, mine: AssignmentStatus | None,
                 waits: bool | Callable[[], bool] = False) -> bool:
    """Whether ``member`` may see ``task`` (an entity or a row with its status, leader
    and community), given the status of their participation in it (None: none): an
    open task, one they hold a slot in or lead, one of a community they manage, or a
    cancelled one on whose 候补名单 they wait — ``waits``, or a function asking it
    (``WaitlistEntry.member_waiting``), asked only when nothing else shows the task. That
    line is the record of who waited when the task was called off and stays as it stood
    (cancelled49): she was told 任务已取消 with a link to the task, and its page says
    why her line is gone (cancelled50). Another task answers 404 to them; what hangs on
    a task they see but is not theirs (its report photos) answers 403."""
    if (task.status == TaskStatus.open or mine in HOLDING
            or task.leader_id == member.id or manages_task(member, task)):
        return True
    return task.status == TaskStatus.cancelled and bool(waits() if callable(waits) else waits)


def may_report(member: Member, task: Task) -> bool:
    """The leader (组长) or whoever manages the task's community."""
    return task.leader_id == member.id or manages_task(member, task)


def may_call_leader(member: Member, task: Task, *, participant: bool = False) -> bool:
    """Who sees the leader's phone (a ``tel:`` link): the liaison of the task's
    community, and the task's own participants (``participant``) — nobody else,
    not even an admin, who has no reason to ring a volunteer."""
    if participant:
        return True
    return member.role == Role.liaison and task.community_id in {c.id for c in member.communities}


def roles_required(*roles: Role):
    """Login required, and the current member holds one of ``roles`` (else 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = roles_required(Role.liaison, Role.admin)
admin_required = roles_required(Role.admin)
