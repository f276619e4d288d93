"""Jinja filters and globals: local times, hours, money, labels."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .formatting import (
    amount,
    beneficiary_label,
    hours,
    pending_sentence,
    per_unit,
    percent,
    target_pace,
    yuan,
)
from .models import AssignmentStatus, ReportStatus, Role, TaskStatus
from .menu import menu_counts
from .permissions import may_call_leader
from .timeutil import to_local

TASK_STATUS = {
    TaskStatus.open: _l("进行中"),
    TaskStatus.closed: _l("已结束"),
    TaskStatus.cancelled: _l("已取消"),
}
ASSIGNMENT_STATUS = {
    AssignmentStatus.claimed: _l("已认领"),
    AssignmentStatus.assigned: _l("已指派"),
    AssignmentStatus.checked_in: _l("已签到"),
    AssignmentStatus.done: _l("已确认参与"),
    AssignmentStatus.absent: _l("缺席"),
    AssignmentStatus.withdrawn: _l("已取消认领"),
}
REPORT_STATUS = {
    ReportStatus.submitted: _l("待审核"),
    ReportStatus.approved: _l("已通过"),
    ReportStatus.returned: _l("已退回"),
}
ROLE = {Role.member: _l("党员干部"), Role.liaison: _l("社区联络员"), Role.admin: _l("单位管理员")}
WEEKDAYS = [_l("周一"), _l("周二"), _l("周三"), _l("周四"), _l("周五"), _l("周六"), _l("周日")]


def local_dt(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    local = to_local(value)
    return "" if local is None else local.strftime(fmt)


def time_range(task) -> str:
    """'2026-11-28 周六 09:00–11:30' in Asia/Shanghai."""
    start, end = to_local(task.starts_at), to_local(task.ends_at)
    day = f"{start:%Y-%m-%d} {WEEKDAYS[start.weekday()]}"
    if start.date() == end.date():
        return f"{day} {start:%H:%M}–{end:%H:%M}"
    return f"{day} {start:%H:%M} – {end:%Y-%m-%d %H:%M}"


def url_with(**changes) -> str:
    """The current URL with some query arguments replaced (for paging and filters)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        args.pop(key, None)
    if request.endpoint is None:  # error page for a URL no route matched (404, 405)
        from urllib.parse import urlencode

        return request.path + (f"?{urlencode(args)}" if args else "")
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def may_call_leader_now(task, participant: bool = False) -> bool:
    """May the signed-in person see the leader's phone (permissions.may_call_leader)?"""
    return may_call_leader(current_user, task, participant=participant)


def register(app) -> None:
    app.jinja_env.filters.update(local_dt=local_dt, time_range=time_range, hours=hours, yuan=yuan,
                                 percent=percent, amount=amount, per_unit=per_unit)
    app.jinja_env.globals.update(
        TASK_STATUS=TASK_STATUS,
        ASSIGNMENT_STATUS=ASSIGNMENT_STATUS,
        REPORT_STATUS=REPORT_STATUS,
        ROLE=ROLE,
        url_with=url_with,
        pending_sentence=pending_sentence,
        target_pace=target_pace,
        beneficiary_label=beneficiary_label,
        get_locale=get_locale,
        menu_counts=menu_counts,
        may_call_leader=may_call_leader_now,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
