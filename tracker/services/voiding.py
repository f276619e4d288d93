"""作废: taking a whole recorded activity that did not happen off every figure.

A 补录 typed by mistake, a ledger file imported twice under another title, an activity
approved by mistake: its members' hours are confirmed (a 补录 confirms them all), so
取消任务 is refused, and 撤销审核 only takes it back to 退回 — it would stay, counting
nowhere and removable by nobody. 作废 ends it: the task is cancelled and its report
(any: approved, 待审核 or 退回) is 已作废 (``ReportStatus.voided``), so the counted rows
drop it in the same flush (``tracker/participation.py``) and no figure — 月报, 社区共建进展,
"双创", 参与情况, a member's hours and 服务记录 — counts it any more. Nothing is deleted: the
task, its participations (still with the hours they had), its report and its findings
stay, shown as 已作废 with who, when and why (the ``void`` AuditEvent); a survey's
findings are taken off the register (deactivated), and a need the task was to do, or
that its approval fulfilled, is given back. Each member whose confirmed hours stopped
counting is told (reminder kind ``voided``); a 补录申请 采纳 into it is 待处理 again in
the liaison's queue (``backfill_requests.reopen_requests_of``).

Who: the community's liaison or an admin — the same people who record a 补录 and add a
forgotten participant — and in a month whose 月报 is 已定稿 an admin only
(``summary_notes.closed_to``): the activity's own month, and for an approved one the
months its findings were handed over or fixed in and its needs fulfilled in, and the
months of its participants' units of the day, whose figures count their hours
(``summary_notes.closed_member_units``), and of the units its fulfilled needs count
for — claimed for a unit or by another unit's member — in the months they leave and the
months they move to: another approved week of the series taking one over, its 完成 in the
month of that week's approval; whose it is changing, its 本月发布 between two units
(``task_needs.void_need_places``, asked by ``summary_notes.closed_need_units``). An admin
is told first which 已定稿 月报 and 年度总结 it changes (``void_signed``). A reason is
required. Voiding is final; a second one is refused, and a decision racing it (通过,
撤销审核, 添加遗漏的参加人员, another 作废) takes turns on the task's row lock
(``activity_lock.lock_activity``).
"""
from __future__ import annotations

from ..i18n import lazy_gettext as _l
from ..i18n import lazy_month_name
from sqlalchemy import Boolean, and_, false, func, literal, select, union_all

from ..extensions import db
from ..models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    Finding,
    Member,
    Need,
    NeedStatus,
    ReportStatus,
    Task,
    TaskStatus,
)
from ..permissions import manages_task
from ..rollups.batch import plan, run_together
from . import PermissionDenied, ServiceError, required_reason
from .roll import keep_named
from .then_pages import THEN_VOID
from .activity_lock import lock_activity
from .audit import record
from .backfill_requests import reopen_requests_of
from .reviews import approval_places, closed_steps_refusal, step_days_plan
from .summary_notes import (closed_member_units, closed_member_units_plan, closed_task_to,
                            day_signed, final_naming_places, may_change_final,
                            signed_places, units_closed_words, TaskParticipants)
from .task_needs import need_move_plan, need_move_refusal, undo_needs_of, void_need_places
from .tasks import has_recorded_work

VOID_REASON_MAX = 500


VOID = "void"  # the AuditEvent action 作废 writes
REOPEN = "reopen"  # uncount_signed's key of 撤销审核


# 作废 has one definition: the task is cancelled and has a ``void`` AuditEvent. Not the
# report's 已作废: a task voided when only its members' hours were confirmed has no
# report. ``void_of_task`` is that rule in SQL, the others read it.

def void_of_task():
    """SQL: the AuditEvent row is the ``void`` event of the Task row, which is cancelled
    (for a join of the two, as the 活动已作废 reminder reads who voided it)."""
    return and_(AuditEvent.entity_type == Task.__tablename__, AuditEvent.entity_id == Task.id,
                AuditEvent.action == VOID, Task.status == TaskStatus.cancelled)


def voided():
    """SQL: the Task row is a voided activity (for a WHERE or a column: 我的任务's cards,
    the ledger import's look-up)."""
    return and_(Task.status == TaskStatus.cancelled,
                select(AuditEvent.id).where(void_of_task()).exists())


def void_event(task: Task) -> AuditEvent | None:
    """The ``void`` event of a voided activity (who, when, why), or None when it is not
    voided."""
    if task.status != TaskStatus.cancelled:  # not voided, without asking the database
        return None
    return db.session.scalar(
        select(AuditEvent).join(Task, void_of_task()).where(Task.id == task.id)
        .order_by(AuditEvent.id.desc()).limit(1))


def is_voided(task: Task) -> bool:
    """The activity was voided (作废), whether or not it had a report."""
    return void_event(task) is not None


def void_refusal(task: Task, actor: Member, *, lock: bool = True,
                 confirmed: int | None = None):
    """Why ``actor`` cannot void the task now, or None when they can (the page offers the
    form only then, asking with ``lock=False``: it never waits for a 定稿 of the month;
    the service asks again under the lock). ``confirmed``: as ``has_recorded_work``'s,
    the page's count of the confirmed among the participants it read."""
    if task.status == TaskStatus.cancelled:
        return _l("该活动已作废。") if is_voided(task) else _l("该任务已取消。")
    if not has_recorded_work(task, confirmed=confirmed):
        return _l("该任务还没有完成情况或已确认的服务时长，不需要作废；活动不再进行请取消任务。")
    if may_change_final(actor):
        return None  # no 定稿 refuses an admin (``void_signed`` names what it changes)
    day = task.service_date
    # an approved activity's participants' hours count for their units of the day too:
    # a 作废 takes them out of those units' months (asked first: every unit's lock in
    # order, ``summary_notes.closed_member_units``)
    done = TaskParticipants(task.id, (AssignmentStatus.done,))
    # a page (unlocked) reads what the rules below ask in one statement (pages51): read
    # only, nothing waits for a lock, so none need come before another
    read = dict(zip(("units", "fulfilled", "days", "needs"), run_together(
        closed_member_units_plan(actor, task.unit_id, task.community_id, day, done,
                                 other_than=(task.id,)),
        plan(_fulfilled(task).add_columns(
            *day_signed(task.unit_id, Need.community_id, Need.fulfilled_on)),
            shape=lambda rows: [tuple(row) for row in rows]),
        step_days_plan(task), need_move_plan(task, actor)))) \
        if task.report_approved and not lock else {}
    # the locked ask's statements are built once for every activity (``TaskParticipants``:
    # ≈ 1 ms a call against ≈ 9 ms for a select built anew, bound53)
    units = read["units"] if read else closed_member_units(
        actor, task.unit_id, task.community_id, day, done, lock=lock,
        other_than=(task.id,)) if task.report_approved else []
    closed = closed_task_to(actor, task, lock=lock)  # a page's task holds the answer
    if closed:
        return closed.say(_l("%(month)s的月报已定稿，作废该月的活动须由单位管理员操作",
                             month=lazy_month_name(day.year, day.month)),
                          _l("%(year)s年度总结已定稿，作废该年的活动须由单位管理员操作",
                             year=day.year))
    if task.report_approved:
        if units:
            return units_closed_words(units, _l("作废这次活动"))
        # an approved survey's findings' steps count in their own months, and the needs
        # its approval fulfilled in the month of the approval: a void takes them out of
        # those months' figures too
        fulfilled = [row[:2] for row in read["fulfilled"]] if read else [
            tuple(row) for row in db.session.execute(_fulfilled(task))]
        # the page read whether each month is signed with its days: no statement a
        # month (surveys51)
        days, signed = read["days"] if read else (None, {})
        steps = closed_steps_refusal(
            task, actor, _l("作废"), fulfilled, lock=lock, days=days,
            signed={**signed, **signed_places(read.get("fulfilled", ()))})
        if steps is not None:
            return steps
    # and where its needs go (``task_needs.void_need_places``): a need it fulfilled
    # counts for the unit it is claimed for, or its claimer's of the day, not always the
    # activity's (review40 #1); another approved week of the series takes it over in the
    # month of its approval (review40fix #1a); whose it is may change, and its 本月发布
    # with it (review40fix #1b); a need it was still to do is given back, and may leave
    # its unit's posted month (needseries41 Open) — each that unit's month, signed or
    # not, the activity's too
    return need_move_refusal(task, actor, _l("作废这次活动"), lock=lock,
                             needs=read.get("needs"))


def _fulfilled(task: Task):
    """The (community, day) of each need ``task``'s approval fulfilled: a 作废 takes
    its 完成 out of that month."""
    return select(Need.community_id, Need.fulfilled_on).where(
        Need.task_id == task.id, Need.status == NeedStatus.fulfilled)


def void_signed(actor: Member, task: Task, *, lock: bool = False):
    """For an admin, whom no 定稿 refuses (``void_refusal`` refuses the others): the
    已定稿 月报 and 年度总结 a 作废 of ``task`` will change — of the months
    ``void_refusal`` asks: the activity's own, and for an approved one its participants'
    units' of the day, its findings' steps' and the needs' (``void_need_places``: the
    month a 完成 leaves and the one it arrives in, a 本月发布 moved between units, each
    of the unit it counts for) — as a ``summary_notes.Naming``, named before it
    (``summary_notes.final_naming_places``), as 通过 and 冲销 name theirs
    (``reviews.approval_signed``, ``funds.reversal_signed``); None for anyone else."""
    return uncount_signed(actor, task, lock=lock)[0]


def uncount_signed(actor: Member, task: Task, *, lock: bool = False) -> tuple:
    """``void_signed`` and, for an approved activity, what its 撤销审核 (an admin's
    only) will change — the same months, but its needs stay with the task
    (``void_need_places(kept=True)``) — in one statement, for the task page that offers
    both (its statement budget; where a week of a series hands its needs is asked
    inside it, no statement more): (作废's Naming, 撤销审核's Naming), each None when it
    names nothing; (None, None) for anyone but an admin. ``lock``: asked by the 作废 or
    撤销审核 itself, under the activity's lock, to compare with what its page named
    (``final_naming_places``' lock: a 定稿 of one of them takes turns with it)."""
    if not may_change_final(actor):
        return None, None
    keys = [VOID] + ([REOPEN] if task.report_approved else [])
    if task.report_approved:
        # the places its approval counts in: the rows 通过 names, of the participations
        # it counts now (confirmed)
        places = approval_places([task.id], (AssignmentStatus.done,)).subquery()
        counted = select(func.coalesce(places.c.unit_id, task.unit_id).label("unit_id"),
                         places.c.day, places.c.year_only, places.c.month_only,
                         places.c.part_only)
    else:  # not approved: its own month only
        counted = select(literal(task.unit_id).label("unit_id"),
                         literal(task.service_date).label("day"), false().label("year_only"),
                         false().label("month_only"), false().label("part_only"))
    unit, day, year_only, month_only, part_only = counted.subquery().c
    parts = []
    for key in keys:
        parts.append(select(literal(key).label("key"), unit.label("unit_id"),
                            literal(task.community_id).label("community_id"),
                            day.label("day"), literal(True, Boolean()).label("own"),
                            year_only.label("year_only"), month_only.label("month_only"),
                            part_only.label("part_only")))
        # the needs it fulfilled, or was still to do (approved or not: void_need_places)
        needs = void_need_places(task, kept=key == REOPEN).subquery()
        parts.append(select(literal(key), needs.c.unit_id, needs.c.community_id,
                            needs.c.day, needs.c.own, false(), false(), false()))
    found = final_naming_places(union_all(*parts).subquery(), lock=lock)
    return found.get(VOID), found.get(REOPEN)


def void_activity(task: Task, actor: Member, reason: str, *,
                  promised: str | None = None) -> None:
    """作废 the activity (see the module's docstring), with ``reason``; audited.
    ``promised``: the signed documents the confirming page named (``roll.named_key`` of
    ``void_signed``), compared under the activity's lock with those the 作废 changes now
    (``roll.keep_named``: a month signed since is named afresh, nothing done);
    None (no page) asks nothing."""
    if not manages_task(actor, task):
        raise PermissionDenied(_l("无权操作。"))
    lock_activity(task)
    refusal = void_refusal(task, actor)
    if refusal is not None:
        raise ServiceError(refusal)
    reason = required_reason(reason, _l("请填写作废的原因。"), VOID_REASON_MAX)
    keep_named(promised, lambda: void_signed(actor, task, lock=True), actor=actor,
               then=THEN_VOID)
    report = task.report
    done = {str(member_id): minutes for member_id, minutes in db.session.execute(
        select(Assignment.member_id, Assignment.minutes).where(
            Assignment.task_id == task.id, Assignment.status == AssignmentStatus.done)
        .order_by(Assignment.id))}
    findings = list(db.session.scalars(select(Finding).where(
        Finding.task_id == task.id, Finding.active.is_(True)).order_by(Finding.id)))
    detail = dict(reason=reason, backfilled=task.backfilled, task_status=task.status,
                  report_status=report.status if report else None,
                  reviewed_by_id=report.reviewed_by_id if report else None,
                  participants=done, findings=[f.id for f in findings],
                  service_date=task.service_date, community_id=task.community_id)
    if report is not None:
        report.status = ReportStatus.voided
    task.status = TaskStatus.cancelled
    for finding in findings:
        finding.active = False
        record(actor, "deactivate_finding", finding, reason=reason[:200], voided=True)
    record(actor, VOID, task, **detail)
    undo_needs_of(task, actor)
    reopen_requests_of(task, actor)  # the members who asked are back in the queue
