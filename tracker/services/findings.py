"""Findings (摸排问题): recorded from a survey task, moved found → 已移交 → 已整改.

The findings recorded on a survey are its 完成数量, and they count as official
figures once its report is approved (``rollups.findings``): so they are recorded
until then, and a finding recorded by mistake is taken off the register
(deactivated, audited), never deleted.

A step (已移交, 已整改) counts in the 月报 of the month it is dated in (its 「本月移交N处、
整改N处」, and the statuses of the month's findings on its last day): a step dated in a
已定稿 month is an admin's to record (``summary_notes.closed_to``), as 补录 and
approvals of that month are; the survey's approval, if it comes later, is refused too
(``reviews.approval_refusal``).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ..i18n import lazy_gettext as _l
from ..i18n import lazy_month_name
from sqlalchemy import func, select

from ..extensions import db
from ..models import (
    SURVEY_CODE,
    Finding,
    FindingKind,
    FindingStatus,
    Member,
    ReportStatus,
    Task,
    TaskStatus,
)
from ..permissions import manages_community, may_report
from ..timeutil import local_today, utcnow
from . import PermissionDenied, ServiceError, refuse_all
from .activity_lock import lock_activity
from .audit import record
from .summary_notes import closed_to

MAX_PLACE = 120
MAX_DESCRIPTION = 2000
MAX_HANDED_TO = 120


@dataclass
class FindingData:
    kind: FindingKind
    place: str
    description: str | None = None


def may_record_finding(member: Member, task: Task) -> bool:
    """The survey's leader (组长) or a liaison/admin of its community."""
    return may_report(member, task)


def finding_refusal(task: Task):
    """Why no finding can be recorded on ``task`` now, or None when one can (the page
    shows the reason instead of a form that would be refused)."""
    if task.category.code != SURVEY_CODE:
        return _l("只有摸排任务可以登记摸排问题。")
    if task.status == TaskStatus.cancelled:
        return _l("该任务已取消。")
    if task.starts_at > utcnow():
        return _l("任务开始后才能登记摸排问题。")
    if task.report_approved:
        # the findings are the approved survey's 完成数量: approval is final
        return _l("该摸排任务的完成情况已审核通过，不能再登记问题。")
    return None


def record_finding(task: Task, actor: Member, data: FindingData) -> Finding:
    """The leader (or liaison) records one defect found by a facility survey."""
    if not may_record_finding(actor, task):
        raise PermissionDenied(_l("只有组长或联络员可以登记摸排问题。"))
    refusal = finding_refusal(task)
    if refusal is not None:
        raise ServiceError(refusal)
    place = (data.place or "").strip()
    if not place:
        raise ServiceError(_l("请填写问题位置。"), field="place")
    if len(place) > MAX_PLACE:
        raise ServiceError(_l("位置不能超过%(n)s个字。", n=MAX_PLACE), field="place")
    description = (data.description or "").strip() or None
    if description and len(description) > MAX_DESCRIPTION:
        raise ServiceError(_l("问题描述不能超过%(n)s个字。", n=MAX_DESCRIPTION), field="description")
    finding = Finding(
        task_id=task.id,
        unit_id=task.unit_id,
        community_id=task.community_id,
        zone_id=task.zone_id,
        found_on=task.service_date,
        kind=FindingKind(data.kind),
        place=place,
        description=description,
        status=FindingStatus.found,
        created_by_id=actor.id,
        active=True,
    )
    db.session.add(finding)
    db.session.flush()
    _report_follows_findings(task)
    # not the place: a 位置 may name a household (「张德发家门口」), and the trail only grows
    record(actor, "record_finding", finding, task_id=task.id, kind=finding.kind)
    return finding


def _report_follows_findings(task: Task) -> None:
    """A survey's 完成数量 is the number of its active findings (docs/design.md): a
    report sent before a finding was added or taken off shows the count as it is now,
    so the liaison approves the figure that will count."""
    report = task.report
    if report is None or report.status == ReportStatus.approved:
        return
    report.quantity = db.session.scalar(select(func.count(Finding.id)).where(
        Finding.task_id == task.id, Finding.active.is_(True)))


DELETED = _l("该摸排问题已删除。")
# a step's refusal of a finding in another state, by the state the step starts from
_STEP_FROM = {FindingStatus.found: _l("只有“已发现”的问题可以移交。"),
              FindingStatus.handed_over: _l("只有“已移交”的问题可以登记整改。")}


def step_refusal(finding: Finding, status: FindingStatus) -> ServiceError | None:
    """Why ``finding`` no longer takes the step that starts from ``status`` (移交 from
    已发现, 整改 from 已移交) — deleted, or moved on (another's step) —, in the words
    ``hand_over`` and ``mark_fixed`` refuse it with; None while it does. Read from
    ``finding`` as loaded: the finding's page asks it of the finding it read (a form posted
    from a page older than the state goes to the service), and again once the service
    rolled back, when it reads the finding afresh (``_finding_action``'s ``since``)."""
    if not finding.active:
        return ServiceError(DELETED)
    if finding.status != status:
        return ServiceError(_STEP_FROM[status])
    return None


def _require_manager(finding: Finding, actor: Member) -> None:
    if not manages_community(actor, finding.community_id):
        raise PermissionDenied(_l("无权处理该社区的摸排问题。"))
    if not finding.active:
        raise ServiceError(DELETED)


def _hold_step(finding: Finding, actor: Member) -> None:
    """A 移交's, 整改's or 删除's locks, taken before it reads what it decides on: its survey's
    activity (``lock_activity``: the activity before anything of it — an edit of the
    survey's date moves its findings' 发现日期 under that lock, and reads their 移交 dates
    there), then the finding's row (a 删除, or another step of it, in flight), and the
    finding re-read under them. The view read the finding before any lock; a step
    decided on that copy wrote over another's change, and a refusal read there (a 移交
    dated before the 发现日期, the survey's date moved since) could be gone by now — its
    post then named nothing (``named``, findingnamed45)."""
    if not manages_community(actor, finding.community_id):
        raise PermissionDenied(_l("无权处理该社区的摸排问题。"))
    lock_activity(finding.task)
    # its id only, then re-read: the refresh's eager joins take no lock (lock_activity's)
    db.session.execute(select(Finding.id).where(Finding.id == finding.id)
                       .with_for_update(key_share=True))
    db.session.refresh(finding)
    if not finding.active:
        raise ServiceError(DELETED)


def _check_date(value: date | None, field: str) -> date:
    if value is None:
        raise ServiceError(_l("请填写日期。"), field=field)
    if value > local_today():
        raise ServiceError(_l("日期不能晚于今天。"), field=field)
    return value


def _check_month_open(finding: Finding, actor: Member, on: date, field: str, message,
                      year_message, *, lock: bool = True) -> None:
    """A step dated in a 已定稿 month (or year) changes that month's figures: an admin's
    to record. ``message`` names the month, ``year_message`` the year (``Closed.say``)."""
    closed = closed_to(actor, finding.unit_id, finding.community_id, on, lock=lock)
    if closed:
        raise ServiceError(closed.say(message, year_message), field=field)


def hand_over_problems(finding: Finding, actor: Member, handed_to: str | None,
                       on: date | None, *, lock: bool = True) -> list[tuple[str, object]]:
    """Every field of a 移交 the rules refuse, as (form field, message): an empty 移交给
    is named with a 移交日期 in the future, not on the next submit. The date's own
    rules in order (a date in the future is not also checked against its month).
    ``lock=False``: the read-only check of a form its own validators refused, which
    must not make a 定稿 wait (``closed_to``'s); the service checks again, locked."""
    found: list[tuple[str, object]] = []
    handed_to = (handed_to or "").strip()
    if not handed_to:
        found.append(("handed_to", _l("请填写移交给哪个部门或单位。")))
    elif len(handed_to) > MAX_HANDED_TO:
        found.append(("handed_to", _l("移交对象不能超过%(n)s个字。", n=MAX_HANDED_TO)))
    try:
        on = _check_date(on, "handed_over_on")
        if on < finding.found_on:
            raise ServiceError(_l("移交日期不能早于发现日期（%(d)s）。",
                                  d=finding.found_on.isoformat()), field="handed_over_on")
        _check_month_open(finding, actor, on, "handed_over_on", _l(
            "%(month)s的月报已定稿，登记该月的移交须由单位管理员操作",
            month=lazy_month_name(on.year, on.month)), _l(
            "%(year)s年度总结已定稿，登记该年的移交须由单位管理员操作", year=on.year), lock=lock)
    except ServiceError as refused:
        found.append((refused.field, refused.message))
    return found


def hand_over(finding: Finding, actor: Member, handed_to: str, on: date | None, *,
              named: Callable[[], None] | None = None) -> None:
    """已移交: the liaison hands the finding to the department that will fix it.

    ``named``: the page's comparison of the signed documents it named with those the
    step changes now (``named_page.NamedFirst.compare``, ``roll.keep_named``), called
    under the locks once every refusal has passed: a refusal is said in its own words
    (review44 #2), and a post that named nothing because the view read a refusal (no
    page shown) is named afresh, not written, when that refusal is gone by now — the
    survey's date moved before the 移交's in between (findingnamed45)."""
    _hold_step(finding, actor)
    if (moved := step_refusal(finding, FindingStatus.found)) is not None:
        raise moved
    refuse_all(hand_over_problems(finding, actor, handed_to, on))
    if named is not None:
        named()
    handed_to = handed_to.strip()
    finding.status = FindingStatus.handed_over
    finding.handed_to = handed_to
    finding.handed_over_on = on
    record(actor, "hand_over_finding", finding, handed_to=handed_to, on=on)


def fix_problems(finding: Finding, actor: Member, on: date | None, *,
                 lock: bool = True) -> list[tuple[str, object]]:
    """What the rules refuse of a 整改's date, as (form field, message) — the first of
    its rules in order (a date in the future is not also checked against the 移交's or
    its month) —, as ``hand_over_problems`` is for a 移交: ``mark_fixed`` refuses by it,
    and the finding's page asks it before naming a signed month (a 整改 dated before
    its 移交 is said on the form, never asked first and refused after 确认:
    namefirst42's Open). ``lock=False``: the read-only check, which must not make a
    定稿 wait (``closed_to``'s); the service checks again, locked."""
    try:
        on = _check_date(on, "fixed_on")
        # (a hand-over of an older release may lack its date: nothing to be after)
        if finding.handed_over_on is not None and on < finding.handed_over_on:
            raise ServiceError(
                _l("整改日期不能早于移交日期（%(d)s）。", d=finding.handed_over_on.isoformat()),
                field="fixed_on",
            )
        _check_month_open(finding, actor, on, "fixed_on", _l(
            "%(month)s的月报已定稿，登记该月的整改须由单位管理员操作",
            month=lazy_month_name(on.year, on.month)), _l(
            "%(year)s年度总结已定稿，登记该年的整改须由单位管理员操作", year=on.year), lock=lock)
    except ServiceError as refused:
        return [(refused.field, refused.message)]
    return []


def mark_fixed(finding: Finding, actor: Member, on: date | None, *,
               named: Callable[[], None] | None = None) -> None:
    """已整改: the department has fixed it. ``named`` as ``hand_over``'s."""
    _hold_step(finding, actor)
    if (moved := step_refusal(finding, FindingStatus.handed_over)) is not None:
        raise moved
    refuse_all(fix_problems(finding, actor, on))
    if named is not None:
        named()
    finding.status = FindingStatus.fixed
    finding.fixed_on = on
    record(actor, "fix_finding", finding, on=on)


def deactivate_refusal(finding: Finding):
    """Why the finding cannot be deleted, or None: one rule for the finding's page
    (which says it instead of offering 删除) and ``deactivate``."""
    if finding.task.report_approved:
        # an approved survey's count is official: final, as it is for recording
        return _l("该摸排任务的完成情况已审核通过，不能再删除问题。")
    return None


def deactivate(finding: Finding, actor: Member, reason: str = "",
               personal: bool = False) -> None:
    """Take a finding recorded by mistake off the register (kept, not deleted).
    ``personal`` (「涉及个人信息」): its text goes too (``forget_text``)."""
    _require_manager(finding, actor)
    # a 移交's or 整改's locks, in their order, before the write: 删除 writing the
    # finding first and locking its activity at the flush closed a circle with a step
    # holding the activity and waiting for the finding (review45b #1); and a second
    # 删除, or a 通过, in flight is read as it is now
    _hold_step(finding, actor)
    task = finding.task
    refusal = deactivate_refusal(finding)
    if refusal:
        raise ServiceError(refusal)
    finding.active = False
    if personal:
        forget_text(finding)
    db.session.flush()
    _report_follows_findings(task)
    record(actor, "deactivate_finding", finding, reason=(reason or "").strip()[:200])


def forget_text(finding: Finding) -> None:
    """A finding deleted because it names a person keeps no words of it: the
    description goes and the 位置 becomes its 责任区 (or community). Kind, dates and
    the survey it was found on stay."""
    finding.description = None
    finding.place = (finding.zone.name if finding.zone is not None
                     else finding.community.name)[:120]
