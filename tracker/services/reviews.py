"""Reporting a task's result and reviewing it."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from ..i18n import lazy, lazy_month_name
from ..i18n import lazy_gettext as _l

from sqlalchemy import (Integer, String, and_, cast, false, func, not_, null, or_, select, true,
                        union_all)

from ..extensions import db
from ..fields import MAX_COUNT
from ..formatting import beneficiary_label
from ..models import (
    Assignment,
    AssignmentStatus,
    Finding,
    HoursOrigin,
    Member,
    Need,
    NeedStatus,
    ReportStatus,
    Role,
    Task,
    TaskReport,
    TaskStatus,
    Unit,
)
from ..names import names_told_apart
from ..rollups.batch import Plan, plan, run_together
from ..permissions import manages_task, may_report
from ..security import key_ids
from ..timeutil import to_local, utcnow
from . import PermissionDenied, ServiceError, refuse_all, required_reason
from . import shown as shown_module
from .activity_lock import lock_activity
from .audit import record
from .claims import held_active, task_span_minutes
from .reopened import THEN_REVIEW
from .roll import keep_named
from .overlap import counted_elsewhere
from .summary_notes import (
    Closed,
    TaskParticipants,
    closed_day_plan,
    closed_member_units,
    closed_member_units_plan,
    closed_to,
    day_signed,
    final_day,
    final_naming_places,
    final_year_day,
    first_closed,
    fold_people,
    may_change_final,
    participants_on_roll,
    participants_then,
    signed_places,
    units_closed_words,
)
from .task_needs import fulfil_needs_of, lock_needs_of, reopen_needs_of, taken_over_of
from .tasks import participants


@dataclass
class ReportData:
    """The result as typed. ``quantity`` (完成数量) and ``people_served`` (受益) are
    asked only where the task's category has a unit for them (None otherwise: one
    given there is refused, ``uncounted_figures``); a survey's 完成数量 is the findings
    recorded on it, never typed."""

    quantity: int | None
    people_served: int | None
    note: str
    absent_ids: set[int] = field(default_factory=set)


def report_figures(task: Task, data: ReportData) -> tuple[int, int]:
    """完成数量 and 受益 as the task's category counts them; 0 where it has no unit. Every
    way a report is written comes through here — 提交完成, 补录 (before there is a
    task too, ``backfill.backfill_problems``) and the ledger import through it —, so
    each refuses what this refuses: a figure the category does not count
    (``uncounted_figures``: the report form never offers one, a crafted post gets the
    补录 form's words), a counted one missing, negative or too big. Every figure refused
    at once, each under its box (``ServiceErrors``)."""
    category = task.category
    found = uncounted_figures(category, data.quantity, data.people_served)
    if category.is_survey:
        quantity = db.session.scalar(select(func.count(Finding.id)).where(
            Finding.task_id == task.id, Finding.active.is_(True)))
    elif category.quantity_unit:
        quantity = data.quantity
        if quantity is None:
            found.append(("quantity", _l("请填写完成数量。")))
    else:
        quantity = 0
    people = data.people_served if category.beneficiary_unit else 0
    if people is None:
        found.append(("people_served", _l("请填写%(what)s。", what=beneficiary_label(
            category.beneficiary_unit))))
    # a phone number pasted into 受益 must not become an official figure
    for value, name in ((quantity, "quantity"), (people, "people_served")):
        if value is not None and value < 0:  # named under the box it was typed in
            found.append((name, _l("数量不能为负数。")))
        elif value is not None and value > MAX_COUNT:
            found.append((name, _l("请输入%(low)s到%(high)s之间的整数。", low=0,
                                   high=MAX_COUNT)))
    refuse_all(found)
    return int(quantity), int(people)


def uncounted_figures(category, quantity: int | None,
                      people_served: int | None) -> list[tuple[str, object]]:
    """A 受益 or 完成数量 given for a category that does not count it, as (form field,
    message): refused, never recorded as 0 without a word (walk55 #1: 「受益 20」 typed
    for an 环境整治 was gone from the 台账). Empty and 0 are no figure: the 台账 writes
    such a column empty, and it must import again. A survey's 完成数量 is its 摸排问题,
    never typed. The one rule of 提交完成, 补录 and the ledger import
    (``report_figures``; the import says it on the row's cell first, import56)."""
    found: list[tuple[str, object]] = []
    if people_served and not category.beneficiary_unit:
        found.append(("people_served", _l("“%(category)s”不统计受益，请清空此项。",
                                          category=category.name)))
    if quantity and category.is_survey:
        found.append(("quantity", _l("摸排类活动的完成数量就是登记的问题处数，请清空此项，"
                                     "在“摸排问题”中每行填写一处。")))
    elif quantity and not category.quantity_unit:
        found.append(("quantity", _l("“%(category)s”不统计完成数量，请清空此项。",
                                     category=category.name)))
    return found


REPORT_STALE = _l("该任务的完成情况已被他人修改，请核对后重新提交。")


def report_form_fields(task: Task) -> tuple[str, ...]:
    """The report form's fields for ``task``: 完成数量 and 受益 only where its category
    counts them (a survey's 完成数量 is its findings, never typed)."""
    category = task.category
    return (*(("quantity",) if category.quantity_unit and not category.is_survey else ()),
            *(("people_served",) if category.beneficiary_unit else ()), "note", "absent")


def report_shown_values(task: Task, holders: list[Assignment] | None = None) -> dict:
    """The report form's fields as stored, in plain values: what its page showed
    (``report_shown_key``) and what a post is merged with. 缺席人员 read from the rows
    themselves (a column query: never the session's copies read before the lock) —
    or, for the page, from ``holders``: the task's participants (every status holding
    a place, 缺席 among them) as the page read them, no statement of its own (count48)."""
    report = task.report
    if holders is not None:
        absent = sorted(a.member_id for a in holders if a.status == AssignmentStatus.absent)
    else:
        absent = list(db.session.scalars(
            select(Assignment.member_id).where(
                Assignment.task_id == task.id,
                Assignment.status == AssignmentStatus.absent)
            .order_by(Assignment.member_id)))
    values = {"quantity": report.quantity if report else None,
              "people_served": report.people_served if report else None,
              "note": report.note if report else None,
              "absent": absent}
    return {name: values[name] for name in report_form_fields(task)}


def report_shown_key(task: Task, holders: list[Assignment] | None = None) -> str:
    """The report page's hidden ``shown``: its form's fields as it showed them
    (``holders``: the participants the page read, ``report_shown_values``)."""
    return shown_module.shown_key(report_shown_values(task, holders))


def _merge_report(task: Task, data: ReportData, shown: str | None) -> ReportData:
    """The post ``data`` merged with the report as stored now (``shown.check``, under
    the activity's lock): a field the post left as its page showed it keeps another's
    change made since — the liaison's corrected 完成数量, a member another took off the
    缺席 list —; one both changed otherwise refuses the post (``REPORT_STALE``)."""
    posted = {"quantity": data.quantity, "people_served": data.people_served,
              "note": (data.note or "").strip() or None,
              "absent": sorted(data.absent_ids)}
    fields = report_form_fields(task)
    keep = shown_module.check(REPORT_STALE, shown, report_shown_values(task),
                              {name: posted[name] for name in fields}).keep
    changes = {name: value for name, value in keep.items() if name != "absent"}
    if "absent" in keep:
        changes["absent_ids"] = set(keep["absent"])
    return dataclasses.replace(data, **changes)


def submit_report(task: Task, actor: Member, data: ReportData, *,
                  shown: str | None = None, left_out: list | None = None) -> TaskReport:
    """The leader (or liaison) reports the result; a returned report is corrected here too.

    Both may: posted from the report page (``shown``: its ``report_shown_key``), the
    post is merged with the report as the other left it (``_merge_report``), never
    putting back what they changed since the page was read. A member taken off the
    缺席 list whose confirmed hours now overlap hours counted elsewhere is not counted
    here (``_mark_absences``): she is appended to ``left_out`` with that activity, for
    the page to say so."""
    if not may_report(actor, task):
        raise PermissionDenied(_l("只有组长或联络员可以提交完成情况。"))
    # a 作废 or a decision at the same moment: wait for it and read what it left (a
    # resubmission must not put a 待审核 report back on a voided activity)
    lock_activity(task)
    refusal = report_refusal(task)
    if refusal is not None:
        raise ServiceError(refusal)
    data = _merge_report(task, data, shown)
    report = task.report
    holders = {a.member_id: a for a in participants(task)}
    unknown = data.absent_ids - holders.keys()
    if unknown:
        raise ServiceError(_l("缺席名单中有不在该任务中的党员。"))
    quantity, people_served = report_figures(task, data)
    uncounted = _mark_absences(task, holders, data.absent_ids)
    if left_out is not None:
        left_out.extend(uncounted)

    action = "submit" if report is None else "resubmit"
    if report is None:
        report = TaskReport(task_id=task.id)
        db.session.add(report)
    report.quantity = quantity
    report.people_served = people_served
    report.note = data.note
    report.status = ReportStatus.submitted
    report.submitted_by_id = actor.id
    report.submitted_at = utcnow()
    report.reviewed_by_id = None
    report.reviewed_at = None
    db.session.flush()
    task.report = report
    record(actor, action, report, task_id=task.id, quantity=quantity,
           people_served=people_served, absent=sorted(data.absent_ids))
    return report


def report_refusal(task: Task):
    """Why the task's result cannot be (re)submitted now, or None when it can."""
    if task.status == TaskStatus.cancelled:
        return _l("该任务已取消。")
    if task.starts_at > utcnow():
        return _l("任务开始后才能提交完成情况。")
    if task.report_approved:
        return _l("该任务已审核通过，不能再修改。")
    return None


def _mark_absences(task: Task, holders, absent_ids: set[int]) -> list[tuple[Assignment, Task]]:
    """Mark the 缺席 list; one taken off it goes back to what she had reached — her
    confirmed hours done again, but the same person's time is counted once
    (``overlap.counted_elsewhere``, as 通过 decides): hours now overlapping hours that
    count on another activity (counted there while she was marked 缺席 here) are not
    put back; she stays checked in (or claimed) and is returned with that activity.
    Her row is taken ``FOR NO KEY UPDATE`` after the activity's, as 通过 takes it — and
    so is the row of one marked 缺席 whose hours counted here: that ends her count,
    which a 通过 of another activity at the same hours reads under her row's lock
    (``counted_elsewhere``), so the two take turns and the later reads what the earlier
    left (approverace). One statement, every row in id order (``held_active``)."""
    restored = [a for member_id, a in holders.items()
                if member_id not in absent_ids and a.status == AssignmentStatus.absent]
    confirmed = [a.member_id for a in restored if a.minutes]
    no_longer_counted = [member_id for member_id in absent_ids
                         if holders[member_id].status == AssignmentStatus.done]
    held_active(confirmed + no_longer_counted, no_key=True)
    elsewhere = counted_elsewhere(task, confirmed)
    for member_id, assignment in holders.items():
        if member_id in absent_ids:
            assignment.status = AssignmentStatus.absent
    for assignment in restored:
        if assignment.minutes and assignment.member_id in elsewhere:
            assignment.minutes = None  # not counted here: nothing confirmed stays
            assignment.hours_origin = None
            assignment.confirmed_at = None
        if assignment.minutes:
            assignment.status = AssignmentStatus.done
        elif assignment.checked_in_at:
            assignment.status = AssignmentStatus.checked_in
        elif assignment.assigned_by_id:
            assignment.status = AssignmentStatus.assigned
        else:
            assignment.status = AssignmentStatus.claimed
    return [(a, elsewhere[a.member_id]) for a in restored if a.member_id in elsewhere]


def _require_reviewer(report: TaskReport, actor: Member) -> None:
    if not manages_task(actor, report.task):
        raise PermissionDenied(_l("无权审核该社区的任务。"))
    lock_activity(report.task)
    if (refusal := _review_state_refusal(report)) is not None:
        raise ServiceError(refusal)


def _review_state_refusal(report: TaskReport):
    """Why the report is not to be reviewed now, by its state as loaded, or None: not
    待审核 (approved or returned already), or its task cancelled."""
    if report.status != ReportStatus.submitted:
        return _l("该完成情况不在待审核状态。")
    if report.task.status == TaskStatus.cancelled:  # a report left 待审核 on one before
        return _l("该任务已取消。")
    return None


def approval_state_refusal(report: TaskReport, actor: Member, *, shown: str | None = None,
                           count_checked_in: bool = False):
    """What ``approve_report`` would refuse first, read only, no lock, in its order: the
    report's state (``_review_state_refusal``), a submission the page did not show
    (``shown``), the activity still running or — for one not an admin — a 已定稿 month
    (``approval_refusal``); None. For 通过 refused for a month signed since its page
    (``roll.NamedSince``): another's decision since the service's rollback (the report
    approved or returned meanwhile) is said in its own words, not as the page named
    afresh (since49's Open)."""
    refusal = _review_state_refusal(report)
    if refusal is None:
        try:
            _resubmitted_since(report, shown)
        except ServiceError as resubmitted:
            refusal = resubmitted.message
    return refusal or approval_refusal(report.task, actor, lock=False,
                                       counting=_counting(count_checked_in))


def report_version(report: TaskReport) -> str:
    """The 通过 button's hidden ``shown``: which submission of the report its page
    showed (every (re)submission stamps ``submitted_at``)."""
    at = report.submitted_at
    return shown_module.shown_key({"submitted_at": at.isoformat() if at else None})


def approve_report(report: TaskReport, actor: Member, *, shown: str | None = None,
                   count_checked_in: bool = False, promised: str | None = None,
                   named: str | None = None) -> list[tuple[Assignment, Task]]:
    """通过: the report's figures become official; the task is closed.

    Posted from a page (``shown``: its ``report_version``), under the activity's lock:
    a report (re)submitted since that page was read — other figures, another 缺席 list
    the reviewer has not seen — is not approved unseen; the refusal names who
    resubmitted it, and the report's page shows it as it is now.

    Approval is final: a participation not confirmed by then never counts. A check-in
    is evidence of taking part, so with ``count_checked_in`` (the review pages' default,
    a choice on the report's page) every member checked in and not yet confirmed is
    counted first at the activity's length (``count_checked_in_members``) — but for one
    whose hours already count on another activity at the same hours: those are returned
    (with that activity), for the reviewer to be told.

    Posted from a page that said whom 通过 counts so and whom it leaves out
    (``promised``: its ``checkins_promise``), the same two sets are found again under
    the locks, or nothing is written: the other activity's count gone since (its
    撤销审核, a resubmission marking her 缺席 there) would count at the activity's
    length one the page said it would not, with no choice offered (review39b #5) —
    ``CheckinsChanged`` says whose treatment changed, for the page shown again.

    ``named``: the ``roll.named_key`` of the signed documents the page named before
    通过 (``approval_signed``, "" for none): others now — a month signed since the page
    was read — and nothing is written (``roll.NamedSince``), the page naming
    them afresh (confirm43 #1)."""
    _require_reviewer(report, actor)
    _resubmitted_since(report, shown)
    task = report.task
    refusal = approval_refusal(task, actor, counting=_counting(count_checked_in))
    if refusal is not None:
        raise ServiceError(refusal)
    # under the months' share locks too (a liaison's refusal above takes the same rows,
    # in the same order, after the activity's): a 定稿 either committed before the
    # comparison, and is named, or waits for this 通过 and signs it
    keep_named(named, lambda: approval_signed([task], actor, lock=True).get(task.id),
               APPROVAL_NAMED_SINCE, actor=actor, then=THEN_REVIEW)
    checked_in = checked_in_unconfirmed(participants(task)) if count_checked_in else []
    # their rows locked as ``backfill.refuse_overlap`` locks them, and before the needs'
    # (a need claimed takes its member's row first): two 通过 of two activities at the
    # same hours take turns, and the second reads what the first counted
    held_active([a.member_id for a in checked_in], no_key=True)
    elsewhere = counted_elsewhere(task, [a.member_id for a in checked_in]) if checked_in else {}
    if count_checked_in and promised is not None:
        _keep_checkins_promise(checked_in, elsewhere, promised, task=task)
    lock_needs_of(task)  # before any write: see task_needs
    left_out = count_checked_in_members(task, actor, checked_in, elsewhere)
    report.status = ReportStatus.approved
    report.return_reason = None
    report.reviewed_by_id = actor.id
    report.reviewed_at = utcnow()
    if report.task.status == TaskStatus.open:
        report.task.status = TaskStatus.closed
    record(actor, "approve", report, task_id=report.task_id)
    fulfil_needs_of(report.task, actor)  # the need the task was made from is done
    return left_out


def checked_in_unconfirmed(participants) -> list:
    """Of a task's ``participants``, those checked in on site whose hours are not
    confirmed: what 通过 may count at the activity's length (``approve_report``)."""
    return [a for a in participants if a.status == AssignmentStatus.checked_in]


def checkins_promise(counted, not_counted) -> str:
    """What a review page posts with 通过 (``approve_report``'s ``promised``): the ids
    of the members checked in and unconfirmed it said 通过 counts at the activity's
    length (``counted``) and of those it named 「本活动不按签到计入」 (``not_counted``:
    their time counts elsewhere). Their sets, not the page's order; a plain token, so a
    refusal can say whose treatment changed."""
    return shown_module.shown_key({"counted": sorted(set(counted)),
                                   "not_counted": sorted(set(not_counted))})


class CheckinsChanged(ServiceError):
    """通过 refused: whom it would count by check-in, or leave out, is not what its
    page said (``approve_report``'s ``promised``); nothing written."""


# ``NamedSince``'s words for 通过 (``approve_report``'s ``named``)
APPROVAL_NAMED_SINCE = _l("打开页面之后，通过会改变的已定稿月报或年度总结有了变化，未作任何更改。"
                          "请查看现在的说明后再审核。")

# ``CheckinsChanged``'s words when the page's promise names nobody to speak of
PROMISE_UNREADABLE = _l("您打开的页面已不是最新的，本次未作任何更改，请查看现在的情况后再审核。")


def _keep_checkins_promise(checked_in: list[Assignment], elsewhere: dict, promised: str, *,
                           task: Task) -> None:
    """Refuse 通过 (``CheckinsChanged``) unless what it is about to do to ``checked_in``
    — those in ``elsewhere`` left out, the others counted — is what its page promised
    (an unreadable key promised nobody: refused, it names nobody but says the page was
    out of date)."""
    said = shown_module.shown_then(promised)
    # a key this app did not write (cut short, tampered with) is no promise to tell
    # anyone's change by
    readable = _member_ids_list(said.get("counted")) and _member_ids_list(said.get("not_counted"))
    then_counted, then_left = _member_ids(said.get("counted")), _member_ids(said.get("not_counted"))
    now_left = set(elsewhere)
    now_counted = {a.member_id for a in checked_in} - now_left
    if (then_counted, then_left) == (now_counted, now_left):
        return
    names = _listed_names(task)
    # named on the page, no longer checked in and unconfirmed (she confirmed since)
    gone = sorted((then_counted | then_left) - {a.member_id for a in checked_in})
    order = [a.member_id for a in checked_in] + gone

    def who(ids) -> list[str]:
        return [names[i] for i in order if i in ids and i in names]

    changed = (who(now_counted & then_left), who(now_left & then_counted),
               who((then_counted | then_left) ^ (now_counted | now_left)))
    if not readable or not any(changed):  # … nor one naming only ids of nobody
        raise CheckinsChanged(PROMISE_UNREADABLE)
    raise CheckinsChanged(lazy(_say_checkins_changed, *changed))


def checkins_changed_words(report: TaskReport, promised: str | None, *,
                           count_checked_in: bool):
    """``CheckinsChanged``'s words, read only, no lock — whom 通过 would count by check-in,
    or leave out, not what its page said (``promised``) —, else None. For 通过 refused
    for a month signed since its page (``roll.NamedSince``, compared before the promise):
    another's change since the service's rollback that alters whom it counts (her hours
    counted on another activity at the same hours) is said too, in its own words, above
    the page shown again — not left to a page that merely shows it (since49b's Open)."""
    if not count_checked_in or promised is None:
        return None
    task = report.task
    checked_in = checked_in_unconfirmed(participants(task))
    elsewhere = counted_elsewhere(task, [a.member_id for a in checked_in]) if checked_in else {}
    try:
        _keep_checkins_promise(checked_in, elsewhere, promised, task=task)
    except CheckinsChanged as changed:
        return changed.message
    return None


def _member_ids_list(value) -> bool:
    """A promise's list as ``checkins_promise`` writes it: a list of ids (compared in
    memory only: no bound on its length)."""
    return key_ids(value, None) is not None


def _listed_names(task: Task) -> dict[int, str]:
    """{member id: name} of ``task``'s participants as its review pages list them —
    namesakes told apart (``names.names_told_apart`` on the task's unit, as
    ``tasks.queries.participant_names``) —, so that a refusal names the 张三 the page
    named (review41 #5). Read only when refusing: 通过 itself names nobody."""
    return names_told_apart(
        {0: (task.unit_id, [a.member for a in participants(task)])}).get(0, {})


def _member_ids(value) -> set[int]:
    """The member ids of a promise's list (``checkins_promise``); none if not one."""
    return set(key_ids(value, None) or ())


def _say_checkins_changed(counting: list[str], leaving: list[str], other: list[str]) -> str:
    """``CheckinsChanged``'s words, made when shown (the reader's language)."""
    join = str(_l("、")).join
    parts = []
    if counting:
        parts.append(_l("%(names)s 在同一时间的其他活动上的服务时长现已不再计入，"
                        "现在通过将按签到计入其服务时长", names=join(counting)))
    if leaving:
        parts.append(_l("%(names)s 现在在同一时间已计入其他活动，本活动将不按签到计入",
                        names=join(leaving)))
    if other:
        parts.append(_l("%(names)s 的签到或确认情况有变化", names=join(other)))
    return str(_l("您打开页面之后，%(what)s。本次未作任何更改，请查看现在的情况后再审核。",
                  what=str(_l("；")).join(str(part) for part in parts)))


def count_checked_in_members(task: Task, actor: Member, checked_in: list[Assignment],
                             elsewhere: dict[int, Task]) -> list[tuple[Assignment, Task]]:
    """按签到计入: each member checked in on ``task`` and not yet confirmed
    (``checked_in``, their rows locked by the caller: ``approve_report``) is counted
    done at the activity's length (``claims.task_span_minutes``, what 添加遗漏的参加人员
    gives by default), confirmed by ``actor``, each audited ``count_checked_in``. The
    member may not confirm after approval, so this is the reviewer's to do at 通过;
    claimed members who never checked in are left to confirm (they are named apart).

    The same person's time is counted once (``overlap.overlapping``, the rule 补录 and
    添加遗漏的参加人员 refuse by): a member whose hours already count on another activity
    at overlapping hours (``elsewhere``: ``overlap.counted_elsewhere``, read by the
    caller under those locks) is not counted here. Returns those left out, each with the
    activity she is counted on, for the reviewer to be told."""
    if not checked_in:
        return []
    minutes = task_span_minutes(task)
    for assignment in checked_in:
        if assignment.member_id in elsewhere:
            continue
        assignment.status = AssignmentStatus.done
        assignment.minutes = minutes
        assignment.hours_origin = HoursOrigin.checkin  # never confirmed by her
        assignment.confirmed_at = utcnow()
        record(actor, "count_checked_in", assignment, task_id=task.id,
               member_id=assignment.member_id, minutes=minutes)
    # no flush here: the hours counted and the approval that follows are flushed
    # together, so the activity's counted rows are rewritten once (bench39)
    return [(a, elsewhere[a.member_id]) for a in checked_in if a.member_id in elsewhere]


def not_counted_words(name: str, other: Task):
    """What the report's page and 通过 say of a check-in ``count_checked_in_members``
    leaves out: whose (``name``), and on which activity her time already counts."""
    return _l("%(name)s 在同一时间已计入“%(task)s”（%(when)s），本活动不按签到计入。",
              name=name, task=other.title,
              when=to_local(other.starts_at).strftime("%Y-%m-%d %H:%M"))


def cannot_confirm_words(name: str, other: Task):
    """What the report's page says, instead of advising a reminder, of a participant
    neither checked in nor confirmed whose hours already count on another activity at
    the same hours: her own 确认 is refused (``claims.confirm_participation``), and so
    is 添加遗漏的参加人员 (review40b #2)."""
    return _l("%(name)s 尚未确认服务时长，但其在同一时间已计入“%(task)s”（%(when)s），"
              "不能再确认本活动的服务时长，本次参与不计入统计。",
              name=name, task=other.title,
              when=to_local(other.starts_at).strftime("%Y-%m-%d %H:%M"))


def put_back_words(name: str, other: Task):
    """What a resubmitted report says of one taken off the 缺席 list whose hours were
    not put back (``_mark_absences``): whose, and where her time already counts."""
    return _l("%(name)s 已移出缺席名单，但其在同一时间已计入“%(task)s”（%(when)s），"
              "本活动不重复计入。",
              name=name, task=other.title,
              when=to_local(other.starts_at).strftime("%Y-%m-%d %H:%M"))


def steps_of(task_ids):
    """The findings recorded on these tasks (surveys) that count, with the days of their
    steps (移交, 整改; either may be None)."""
    return select(Finding.task_id, Finding.handed_over_on, Finding.fixed_on).where(
        Finding.task_id.in_(task_ids), Finding.active.is_(True))


def step_days(task: Task) -> list[date]:
    """The days of the steps (移交, 整改) of the findings recorded on ``task`` (a survey),
    earliest first: each counts in the 月报 of its own month once the survey is
    approved (``rollups.findings.moves_plan``), and stops counting when it is voided."""
    return _days(db.session.execute(steps_of([task.id])))


def step_days_plan(task: Task) -> Plan:
    """``step_days`` as a ``rollups.batch`` plan, read with a page's other reads
    (``voiding.void_refusal``, pages51), with whether each step's month is 已定稿 for
    the task (``summary_notes.day_signed``): (the days, ``first_closed``'s ``signed``)
    — the page asks no statement a month (surveys51)."""
    days = (Finding.handed_over_on, Finding.fixed_on)
    return plan(steps_of([task.id]).add_columns(*(
        column for day in days for column in day_signed(task.unit_id, task.community_id, day))),
        shape=lambda rows: (_days([row[:3] for row in rows]), signed_places(
            (task.community_id, row[1 + i], *row[3 + 2 * i:5 + 2 * i])
            for row in rows for i in range(2))))


def _days(rows) -> list[date]:
    return sorted({day for row in rows for day in row[1:] if day is not None})


def _first_closed_step(task: Task, actor: Member, extra=(), *,
                       lock: bool = True, days=None, signed=None) -> Closed | None:
    days = step_days(task) if days is None else days
    return first_closed(actor, task.unit_id,
                        [(task.community_id, d) for d in days] + list(extra),
                        lock=lock, signed=signed)


def _steps_words(step: Closed, action):
    return step.say(
        _l("该活动的数据也计入%(month)s的月报（摸排问题在该月移交或整改，或需求在该月完成），"
           "该月的月报已定稿，%(action)s须由单位管理员操作",
           month=lazy_month_name(step.year, step.month), action=action),
        _l("该活动的数据也计入%(year)s年度总结（摸排问题在该年移交或整改，或需求在该年完成），"
           "%(year)s年度总结已定稿，%(action)s须由单位管理员操作", year=step.year, action=action))


def closed_steps_refusal(task: Task, actor: Member, action, extra=(), *, lock: bool = True,
                         days=None, signed=None):
    """Why ``actor`` may not make the activity count, or stop counting (``action``:
    审核通过, 作废), for the months of its findings' steps (移交, 整改) — or of
    ``extra``, (community id, day) pairs it also changes — or None. A finalised month's
    figures are changed by an admin only (``summary_notes.closed_to``); the activity's
    own month is the caller's to ask, in its own words. ``lock`` as ``closed_to``'s: a
    page that only shows what is offered passes False. ``days``: the steps' days as
    read already (``step_days_plan``), else read here; ``signed``: whether their months
    (and ``extra``'s) are 已定稿, read with them (``summary_notes.first_closed``'s)."""
    if may_change_final(actor):
        return None
    step = _first_closed_step(task, actor, extra, lock=lock, days=days, signed=signed)
    return None if step is None else _steps_words(step, action)


def _approval_words(own: Closed | None, first_step: Closed | None):
    """The rule of ``approval_refusal`` once the months are known: the activity's own
    month first (``own``: closed), in its own words, else the earliest step dated in a
    closed month."""
    if own is not None:
        # what is approved becomes the month's figures: a finalised 月报 (or 年度总结)
        # changes only by an admin, as for 补录 and the funds
        return own_closed_words(own)
    return None if first_step is None else _steps_words(first_step, _l("审核通过"))


def own_closed_words(closed: Closed):
    """The refusal of 通过 (or of 撤销审核) of an activity on a day ``closed_to`` the
    reviewer."""
    return closed.say(
        _l("%(month)s的月报已定稿，审核通过该月的完成情况须由单位管理员操作",
           month=lazy_month_name(closed.year, closed.month)),
        _l("%(year)s年度总结已定稿，审核通过该年的完成情况须由单位管理员操作",
           year=closed.year))


def reviewable_from(task: Task, now=None) -> str | None:
    """While the activity runs, when its report becomes reviewable — its end, local
    time: 「15:30」, or 「2026-12-06 15:30」 when that is another day —; None once it
    has ended. The one rule of 通过's wait (``running_refusal``), also told to the
    member who reports it early (the 提交完成 page): members confirm their hours once
    it has ended, and approval is final — approved while it runs, nobody's hours could
    ever count. 退回 needs no wait."""
    now = now or utcnow()
    if task.ends_at <= now:
        return None
    end = to_local(task.ends_at)
    return f"{end:%H:%M}" if end.date() == to_local(now).date() else f"{end:%Y-%m-%d %H:%M}"


def running_refusal(task: Task, now=None):
    """Why 通过 must wait (the activity is running, ``reviewable_from``), or None."""
    until = reviewable_from(task, now)
    return None if until is None else _l("活动进行中，%(time)s 结束后可审核通过。", time=until)


def approval_refusal(task: Task, actor: Member, *, lock: bool = True,
                     counting: tuple | None = None):
    """Why ``actor`` may not approve the task's report now, or None (the report page
    shows it instead of 通过): the activity still runs (``running_refusal``), or a 月报
    it changes is 已定稿 (its own month's, or one its findings were handed over or
    fixed in, or a participant's unit's: ``closed_member_units``, of the participations
    it counts, ``counting``, by default ``_counting()``). 通过 asks under ``closed_to``'s
    lock, held to its commit; a page that only shows what is offered passes
    ``lock=False`` (a GET never waits for a 定稿 of the month) — or asks
    ``approval_refusals``, as 待审核 and the report's page do: the same answer in one
    statement."""
    running = running_refusal(task)
    if running is not None:
        return running
    if may_change_final(actor):
        return None
    counted = _counted_ids(task, counting or _counting())
    if lock:
        # the participants' units count their hours too (asked first: every unit's
        # lock in order, ``closed_member_units``); 通过 asks each step month under its
        # lock below
        units = closed_member_units(actor, task.unit_id, task.community_id,
                                    task.service_date, counted, other_than=(task.id,))
        own = closed_to(actor, task.unit_id, task.community_id, task.service_date)
        days = signed = None
    else:
        # a page's ask (unlocked: 通过 refused for a month signed since its page, asked
        # again after the rollback) reads the same three questions — the participants'
        # units, the own month, the steps' days with whether each month is 已定稿
        # (``step_days_plan``: none a month, post52) — in one statement: read only,
        # nothing waits for a lock, so none need come before another (post53, as
        # ``voiding.void_refusal``)
        units, own, (days, signed) = run_together(
            closed_member_units_plan(actor, task.unit_id, task.community_id,
                                     task.service_date, counted, other_than=(task.id,)),
            closed_day_plan(task.unit_id, task.community_id, task.service_date),
            step_days_plan(task))
    if own is not None:
        return _approval_words(own, None)
    if units:
        return units_closed_words(units, _l("审核通过该活动"))
    return _approval_words(None, _first_closed_step(task, actor, lock=lock, days=days,
                                                    signed=signed))


def _counting(count_checked_in: bool = True) -> tuple[AssignmentStatus, ...]:
    """The participations 通过 counts: those confirmed (done), and those checked in
    when it counts them (``count_checked_in``, the review pages' default)."""
    return ((AssignmentStatus.done, AssignmentStatus.checked_in) if count_checked_in
            else (AssignmentStatus.done,))


def _counted_ids(task: Task, statuses) -> TaskParticipants:
    """The members of ``task`` whose participation is in ``statuses``, asked in
    ``closed_member_units``' statement (built once: issue 13)."""
    return TaskParticipants(task.id, tuple(statuses))


def approval_refusals(tasks, actor: Member) -> dict:
    """``approval_refusal`` of each of ``tasks`` (by task id; those ``actor`` may
    approve left out), for a page that lists many (待审核): one statement for them all,
    which reads the days each would change — its own and its findings' steps — that fall
    in a 已定稿 month (``summary_notes.final_day``), and takes no lock (the approval
    asks again under it). None for an admin: no statement. A task still running is
    refused by ``running_refusal`` first, as ``approval_refusal`` does."""
    running = {task.id: refusal for task in tasks
               if (refusal := running_refusal(task)) is not None}
    tasks = [task for task in tasks if task.id not in running]
    if may_change_final(actor) or not tasks:
        return running
    return running | admin_only_approvals(tasks)


def approval_signed(tasks, actor: Member, *, lock: bool = False) -> dict:
    """For an admin, whom no 定稿 refuses (``approval_refusals`` is the others'): the
    已定稿 月报 and 年度总结 that 通过 of each of ``tasks`` would change — those of the
    places ``approval_places`` gives, the set ``approval_refusal`` refuses anyone else
    by: the activity's unit on its own day and its findings' steps', and each
    participant's unit of the day on its own (partnames41) — by task id
    (``summary_notes.final_naming_places``, one statement: the participants are rows of
    it, not a question each): named before 通过 on the report's page, 待审核 and the
    工作台, as the member form and the import name theirs (review docread40 #5).
    Nothing for anyone else: they are refused instead. ``lock``: asked by 通过 itself,
    after the activity's lock, to compare with what its page named
    (``final_naming_places``' share locks: a 定稿 of one of them takes turns with it)."""
    if not tasks or not may_change_final(actor):
        return {}
    places = approval_places([task.id for task in tasks]).subquery()
    return final_naming_places(
        select(places.c.task_id.label("key"),
               func.coalesce(places.c.unit_id, Task.unit_id).label("unit_id"),
               Task.community_id.label("community_id"), places.c.day.label("day"),
               places.c.year_only, places.c.month_only, places.c.part_only)
        .join(Task, Task.id == places.c.task_id).subquery(), lock=lock)


def approval_places(task_ids, statuses=None):
    """A select — (task id, day, unit id, name, member id, year only, month only, part
    only) — of every place whose
    月报 and 年度总结 通过 of these activities changes: the activity's own day and its
    findings' steps (移交, 整改; unit id, name and member id None: the activity's unit),
    and each participation it counts (``statuses``; by default ``_counting()``:
    confirmed, and checked in as the review pages count them by default) of a
    participant whose unit of the day is another (``summary_notes.participants_then``:
    that unit, her name and id, on the activity's day) — in the activity's community —,
    and each such participant's unit on the roll of the month's end and of the year's
    end when it is another again and its 参与情况 changes (``summary_notes.
    participants_on_roll``: the month's 月报 alone, the year's 年度总结 alone, maybe the
    unit's part alone; naming50). The one set both the refusal of anyone but an admin (``admin_only_approvals``) and
    the naming before an admin's 通过 (``approval_signed``) read, each in its own one
    statement for a page; and, with ``statuses`` the confirmed only (what an approved
    activity counts), the places its 作废 and 撤销审核 take it out of
    (``voiding.uncount_signed``)."""
    ids = sorted(set(task_ids))
    steps = steps_of(ids).subquery()
    nothing, no_name = cast(null(), Integer), cast(null(), String)
    statuses = _counting() if statuses is None else statuses
    no = (false(), false(), false())  # a place of both the month and the year, all of it
    return union_all(
        select(Task.id.label("task_id"), Task.service_date.label("day"),
               nothing.label("unit_id"), no_name.label("name"), nothing.label("member_id"),
               false().label("year_only"), false().label("month_only"),
               false().label("part_only"))
        .where(Task.id.in_(ids)),
        select(steps.c.task_id, steps.c.handed_over_on, nothing, no_name, nothing, *no),
        select(steps.c.task_id, steps.c.fixed_on, nothing, no_name, nothing, *no),
        participants_then(ids, statuses), *participants_on_roll(ids, statuses))


def admin_only_approvals(tasks) -> dict:
    """Of ``tasks`` (ended), those whose approval only an admin may make, by task id:
    the refusal anyone else is given (``approval_refusal``'s closed months — its own,
    its findings' steps', its participants' units' — in one statement). The 待审核 page
    asks it through ``approval_refusals``; the reminder job asks it to tell the admin,
    not the liaison (``reminders.kinds``: 待单位管理员处理, ``admin_only_units``)."""
    return {task_id: refusal for task_id, (refusal, _units) in _admin_only(tasks).items()}


def admin_only_units(tasks) -> dict[int, set[int]]:
    """Of ``tasks`` (ended), those whose approval only an admin may make
    (``admin_only_approvals``), each with the units whose admins are told
    (``reminders.kinds``: 待单位管理员处理): the activity's, and each participant's unit
    whose 已定稿 month the approval would change."""
    return {task_id: units for task_id, (_refusal, units) in _admin_only(tasks).items()}


def _admin_only(tasks) -> dict:
    """{task id: (refusal, unit ids)} of ``admin_only_approvals`` and
    ``admin_only_units``, in one statement: the days each approval would change — its
    own and its findings' steps, for the activity's unit, and its own for each
    participant's unit of the day (``summary_notes.participants_then``) — that fall in
    a 已定稿 month (or year)."""
    if not tasks:
        return {}
    places = approval_places([task.id for task in tasks]).subquery()
    unit = func.coalesce(places.c.unit_id, Task.unit_id)  # the activity's, or theirs
    # a participant's unit by its own documents alone (``unit_of_day_closed``, the rule of
    # ``closed_member_units``): the community's own is the activity's place's, and its
    # admins are told — her unit's, whose own month is open, were told too (digest48)
    own = places.c.name.is_(None)
    month_final = and_(not_(places.c.year_only), final_day(
        unit, Task.community_id, places.c.day, own, places.c.part_only))
    closed: dict[int, list[Closed]] = {}
    people: dict[int, list] = {}
    year_final = and_(not_(places.c.month_only), final_year_day(
        unit, Task.community_id, places.c.day, own, places.c.part_only))
    for task_id, day, name, member_id, unit_id, unit_name, by_month, by_year in \
            db.session.execute(
            select(places.c.task_id, places.c.day, places.c.name, places.c.member_id,
                   places.c.unit_id, Unit.name, month_final, year_final)
            .join(Task, Task.id == places.c.task_id)
            .outerjoin(Unit, Unit.id == places.c.unit_id)
            .where(places.c.day.is_not(None), or_(month_final, year_final))
            .order_by(places.c.task_id, Unit.sort_key, places.c.unit_id,
                      places.c.member_id)):
        if name is None:
            # the month's own 定稿 named first, as ``closed_to`` does
            closed.setdefault(task_id, []).append(
                Closed(day, by_year=not by_month, and_year=bool(by_month and by_year)))
        else:
            people.setdefault(task_id, []).append(
                (day, name, member_id, unit_id, unit_name, by_month, by_year))
    found = {}
    for task in tasks:
        days, own = closed.get(task.id, []), task.service_date
        own_closed = next((c for c in days if (c.year, c.month) == (own.year, own.month)),
                          None)
        units = fold_people(people.get(task.id, ()))
        if own_closed is None and units:  # as ``approval_refusal`` words it
            refusal = units_closed_words(units, _l("审核通过该活动"))
        else:
            refusal = _approval_words(own_closed, min(days, key=lambda c: c.day, default=None))
        if refusal is not None:
            found[task.id] = (refusal, {task.unit_id, *(u.unit_id for u in units)})
    return found


def _resubmitted_since(report: TaskReport, shown: str | None, field: str | None = None) -> None:
    """Refuse a review posted from a page (``shown``: its ``report_version``) that
    showed another submission than the one stored now: the leader (re)submitted since,
    and the reviewer has not seen what they would decide on."""
    if shown is not None and shown_module.shown_then(shown) != \
            shown_module.shown_then(report_version(report)):
        raise ServiceError(_l("您打开页面之后，%(name)s重新提交了该完成情况，请查看现在的内容后再审核。",
                              name=report.submitted_by.name if report.submitted_by else ""),
                           field=field)


def return_report(report: TaskReport, actor: Member, reason: str, *,
                  shown: str | None = None) -> None:
    """退回 with a reason; the report keeps its content for correction. Posted from a
    page (``shown``), a report resubmitted since is refused under the reason, which is
    kept (``_resubmitted_since``)."""
    _require_reviewer(report, actor)
    _resubmitted_since(report, shown, "reason")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("请填写退回原因。"))
    report.status = ReportStatus.returned
    report.return_reason = reason
    report.reviewed_by_id = actor.id
    report.reviewed_at = utcnow()
    record(actor, "return", report, task_id=report.task_id, reason=reason)


REOPEN_REASON_MAX = 500


@dataclass(frozen=True)
class WeekTakingOver:
    """The week of a series that does the needs a 撤销审核 takes back (as its page
    names it)."""

    title: str
    starts_at: datetime


@dataclass(frozen=True)
class ReopenEffects:
    """What 撤销审核 of an approved activity takes off the figures until it is approved
    again, named on its confirmation page before it is made (docs/design.md, the
    actions that ask first): the members whose confirmed hours stop counting and their
    hours, the needs its approval fulfilled — done instead by another approved week of
    the series (``taken_over``, its ``title`` and ``starts_at``:
    ``task_needs.taken_over_by``, the rule ``reopen_needs_of`` moves them by), else to
    do again —, and a survey's findings, which stay on the register but count (and
    their 移交/整改 with them) only once approved."""

    people: int
    minutes: int
    needs: int
    taken_over: WeekTakingOver | None
    findings: int


def reopen_effects(task: Task) -> ReopenEffects:
    """``ReopenEffects`` of ``task``, read as the page is shown (nothing locked: the
    page changes nothing; ``reopen_report`` moves the needs by the same rule under the
    activity's lock). One statement, the week taking the needs over outer-joined to the
    counts: the confirmation page's budget (``tests/web/test_asked_first_budget.py``)."""
    done = (select(func.count(Assignment.id).label("people"),
                   func.coalesce(func.sum(Assignment.minutes), 0).label("minutes"))
            .where(Assignment.task_id == task.id, Assignment.status == AssignmentStatus.done)
            .subquery())
    needs = select(func.count(Need.id)).where(
        Need.task_id == task.id, Need.status == NeedStatus.fulfilled).scalar_subquery()
    findings = select(func.count(Finding.id)).where(
        Finding.task_id == task.id, Finding.active.is_(True)).scalar_subquery()
    query = select(done.c.people, done.c.minutes, needs, findings)
    week = taken_over_of(task)
    if week is not None:  # a week of a series: the earliest other approved one, if any
        query = query.add_columns(week.c.title, week.c.starts_at) \
            .select_from(done.outerjoin(week, true()))
    people, minutes, needs, findings, *over = db.session.execute(query).one()
    title, starts_at = over or (None, None)
    return ReopenEffects(people=people, minutes=minutes, needs=needs,
                         taken_over=WeekTakingOver(title, starts_at)
                         if needs and title is not None else None,
                         findings=findings)


def reopen_state_refusal(report: TaskReport):
    """Why the report cannot be taken back by 撤销审核, by its state as loaded (not
    approved: returned already, by another's 撤销审核), or None — ``reopen_report``'s
    refusal, read only for its page after a refusal for a month signed since. A report
    voided with its activity is said in 作废's words (since49b's Open): another admin's
    作废 after the rollback is no mere 退回."""
    if report.status == ReportStatus.voided:
        return _l("该活动已作废。")
    if report.status != ReportStatus.approved:
        return _l("只有已审核通过的完成情况可以撤销审核。")
    return None


def reopen_report(report: TaskReport, actor: Member, reason: str, *,
                  named: Callable[[], None] | None = None) -> None:
    """撤销审核: an admin takes an approved report back to 退回 (returned), with a reason,
    so a mistake in an approved activity — a 补录 or an import typed wrong included —
    can be corrected by the usual path: edit the task, assign, report again, approve.
    Until it is approved again the activity counts nowhere (the counted rows follow
    the report's status in the flush hook); the task, closed by the approval, is open
    again (it has ended: nobody can claim it), and a need its approval fulfilled is to
    do again until it is approved anew (``task_needs.reopen_needs_of``). A 已定稿 month
    changes only by an admin (``closed_to``), and only an admin may do this at all.
    ``named``: called under the activity's lock before anything is written — the
    confirming page's comparison of the signed documents it named with those the
    撤销审核 changes now (``voiding.uncount_signed``, which imports this module:
    ``roll.keep_named``), raising to refuse."""
    if not manages_task(actor, report.task):
        raise PermissionDenied(_l("无权操作。"))
    if actor.role != Role.admin:
        raise ServiceError(_l("只有单位管理员可以撤销审核。"))
    lock_activity(report.task)
    if (refusal := reopen_state_refusal(report)) is not None:
        raise ServiceError(refusal)
    reason = required_reason(reason, _l("请填写撤销审核的原因。"), REOPEN_REASON_MAX)
    task, day = report.task, report.task.service_date
    closed = closed_to(actor, task.unit_id, task.community_id, day)
    if closed:
        raise ServiceError(own_closed_words(closed))
    if named is not None:
        named()
    approved_by = report.reviewed_by_id
    # before any write (see task_needs): a need the approval fulfilled is to do again
    reopen_needs_of(task, actor)
    report.status = ReportStatus.returned
    report.return_reason = reason
    report.reviewed_by_id = actor.id
    report.reviewed_at = utcnow()
    if task.status == TaskStatus.closed:
        task.status = TaskStatus.open
    record(actor, "reopen_report", report, task_id=task.id, reason=reason,
           approved_by_id=approved_by, backfilled=task.backfilled)
