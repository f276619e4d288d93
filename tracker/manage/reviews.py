"""待审核: the review queue, a report's page, 通过 and 退回; and the stale work
(tasks ended without a report, reports waiting too long)."""
from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..admin.told import signed_names
from ..models import AssignmentStatus, ReportStatus
from ..paging import page_number
from ..permissions import staff_required
from ..services.claims import task_span_minutes
from ..services.reviews import (
    approval_refusals,
    approval_signed,
    APPROVAL_NAMED_SINCE,
    approval_state_refusal,
    approve_report,
    cannot_confirm_words,
    checked_in_unconfirmed,
    checkins_changed_words,
    checkins_promise,
    not_counted_words,
    report_version,
    return_report,
)
from ..timeutil import utcnow
from ..services.reopened import THEN_REVIEW
from ..services.roll import named_key, said_since
from ..view_support import named_aware, run_service, state_refusal
from . import queries as q
from .common import _actor, _managed, _managed_report, _next_or, _per_page, _stale_days, bp
from .forms import ReturnForm


@bp.get("/reviews")
@staff_required
def queue():
    actor = _actor()
    page = q.pending_reports(actor, page_number(), _per_page())
    # who holds a slot, and whose check-in 通过 would leave out: one statement
    people, elsewhere = q.participants_for_review([r.task_id for r in page.items])
    names = q.participant_names_by_task([r.task for r in page.items], people)
    # a 已定稿 month the approval would change: said instead of offering 通过, as on the
    # report's page (one statement for the page)
    closed = approval_refusals([r.task for r in page.items], actor)
    # an admin's 通过 in a 已定稿 month or year: the signed documents it changes, named
    naming = approval_signed([r.task for r in page.items], actor)
    signed = {task_id: signed_names(named) for task_id, named in naming.items()}
    # the queue's 通过 counts check-ins not confirmed (``approve_report``): named — and
    # those it will not count, their time already counted at the same hours, named apart
    # in the report page's words
    checked_in, not_counted, promised = {}, {}, {}
    for report in page.items:
        task_id = report.task_id
        checked_in[task_id], not_counted[task_id], promised[task_id] = _check_ins(
            people.get(task_id, []), names.get(task_id, {}), elsewhere.get(task_id, {}))
    return render_template("manage/queue.html", page=page, people=people, names=names,
                           closed=closed, signed=signed, checked_in=checked_in,
                           # … their keys, posted back with 通过 (``approve_report``'s ``named``)
                           named={task_id: named_key(named) for task_id, named in naming.items()},
                           not_counted=not_counted, promised=promised,
                           stale_days=_stale_days(),
                           overdue_before=utcnow() - timedelta(days=_stale_days()))


def _check_ins(held, names: dict, elsewhere: dict) -> tuple[list, list, str]:
    """Of a task's participants ``held`` (``names`` as listed), the names of those
    checked in whom 通过 counts at the activity's length, the words for each it
    leaves out: her time already counts on another activity at the same hours
    (``elsewhere``, from ``queries.participants_for_review``: ``overlap``'s rule, which
    ``count_checked_in_members`` applies at 通过) — 待审核 and the report's page say
    them alike, before 通过 as it says them after —, and the promise their 通过 posts
    (``checkins_promise``): what it does otherwise is refused back to the page."""
    checked_in = [a.member_id for a in checked_in_unconfirmed(held)]
    counted = [member_id for member_id in checked_in if member_id not in elsewhere]
    # ``elsewhere`` names the unconfirmed not checked in too: not the check-ins' concern
    left_out = {member_id: elsewhere[member_id] for member_id in checked_in
                if member_id in elsewhere}
    return ([names[member_id] for member_id in counted],
            [not_counted_words(names[member_id], other) for member_id, other in left_out.items()],
            checkins_promise(counted, left_out))


# ``_render_report``'s ``naming`` not read by its caller
_UNREAD = object()


def _render_report(report, form=None, photos=None, count_checked_in=True, naming=_UNREAD):
    people, elsewhere = q.participants_for_review([report.task_id])
    people, elsewhere = people[report.task_id], elsewhere.get(report.task_id, {})
    # Approval is final: whoever has not confirmed by then never counts for this task.
    # namesakes told apart, the 提交人 and 审核人 lines too (as on the task's page)
    names = q.participant_names(report.task.unit_id, people,
                                also=(report.submitted_by, report.reviewed_by))
    # a check-in is evidence of taking part: 通过 counts those at the activity's
    # length unless the reviewer unticks it (``approve_report``); the others are named.
    # Not one whose time already counts on another activity at the same hours
    # (``count_checked_in_members``): named apart, before 通过 as after it, and not
    # among those the choice 按签到计入 speaks of (walk9 #6)
    checked_in, not_counted, promised = _check_ins(people, names, elsewhere)
    submitted = report.status == ReportStatus.submitted
    not_checked_in = [a for a in people
                      if a.status not in (AssignmentStatus.done, AssignmentStatus.absent,
                                          AssignmentStatus.checked_in)]
    # one whose hours count elsewhere at the same hours cannot confirm (nor be added
    # after 通过): named apart with why, not as one to remind (review40b #2)
    unconfirmed = [names[a.member_id] for a in not_checked_in if a.member_id not in elsewhere]
    cannot_confirm = [cannot_confirm_words(names[a.member_id], elsewhere[a.member_id])
                      for a in not_checked_in if a.member_id in elsewhere]
    # a 已定稿 month the approval would change: said instead of offering 通过 (no lock:
    # the page never waits for a 定稿; 通过 asks again under it) — its own month and its
    # findings' steps in one statement, as 待审核 asks them
    closed = approval_refusals([report.task], _actor()).get(report.task_id) if submitted else None
    # … and for an admin, the signed documents it will change, named before 通过
    # (``naming``: read already by 通过 refused for a month signed since)
    if naming is _UNREAD:
        naming = approval_signed([report.task], _actor()).get(report.task_id) if submitted else None
    signed = signed_names(naming) if submitted else {}
    form = form or ReturnForm(formdata=None)
    # the submission this page shows (a refused 退回 shown again: the report as it is
    # now, what was typed kept) — 退回 and 通过 from it act on what was seen
    form.shown.data = report_version(report)
    return render_template("manage/report.html", report=report, task=report.task,
                           participants=people, names=names, unconfirmed=unconfirmed,
                           cannot_confirm=cannot_confirm,
                           checked_in=checked_in, not_counted=not_counted,
                           promised=promised, span=task_span_minutes(report.task),
                           closed=closed, signed=signed, form=form, report_photos=photos,
                           # the key of what it names, posted back with 通过
                           named=named_key(naming), count_checked_in=count_checked_in)


@bp.get("/reports/<int:report_id>")
@staff_required
def report(report_id: int):
    # the photos read on the report's row: the page keeps its budget (docs/design.md)
    report, photos = q.load_report_page(report_id)
    return _render_report(_managed(report), photos=photos)


@bp.post("/reports/<int:report_id>/approve")
@staff_required
def approve(report_id: int):
    report = _managed_report(report_id)
    # which submission the page showed (``report_version``): none unseen is approved
    # 按签到计入 is the default: the report page posts its checkbox (``checkins``
    # says it was offered); the queue's 通过 offers no choice and counts them
    offered = "checkins" in request.form
    count = request.form.get("count_checked_in") == "1" if offered else True
    # whom the page said 通过 counts by check-in and whom it leaves out: done otherwise
    # (the other activity's count gone since), refused back to the report's page
    # what the page named of the signed documents 通过 changes (None: a post from no
    # page of ours): others now, a month signed since, and the report's page names them
    # afresh, the choice of 按签到计入 as posted (confirm43 #1)
    named_since: list = []
    done = run_service(None, named_aware(named_since, approve_report), report, _actor(),
                       denied=404, shown=request.form.get("shown"), count_checked_in=count,
                       promised=request.form.get("promised"), named=request.form.get("named"),
                       since_off=True)
    if not done and named_since:
        # read after the service's rollback: another's decision since (the report
        # approved or returned meanwhile) is said in its own words, back on the report's
        # page as any refusal — not 「…请查看现在的说明后再审核。」 over a page with
        # nothing to review (since49's Open)
        refused = approval_state_refusal(report, _actor(), shown=request.form.get("shown"),
                                         count_checked_in=count)
        if refused is not None:
            flash(str(refused), "error")
            return redirect(url_for("manage.report", report_id=report.id))
        # what 通过 names now, read afresh (the service's locked read was rolled back
        # with it), said against what the page named and shown below; and whom it counts
        # by check-in, changed since too, in its own words (since49b's Open)
        naming = approval_signed([report.task], _actor()).get(report.task_id)
        # the re-opened words end as the page's own: 「…再审核」, above 通过 and 退回
        flash(str(said_since(request.form.get("named"), naming, APPROVAL_NAMED_SINCE,
                             actor=_actor(), then=THEN_REVIEW)), "error")
        if (changed := checkins_changed_words(report, request.form.get("promised"),
                                              count_checked_in=count)) is not None:
            flash(str(changed), "error")
        return _render_report(report, count_checked_in=count, naming=naming)
    if not done:
        return redirect(url_for("manage.report", report_id=report.id))
    flash(_("已通过：%(title)s。", title=report.task.title), "success")
    # the same person's time counts once: a check-in at hours already counted elsewhere
    # was not counted, and the reviewer is told whose
    for assignment, other in done.value:
        flash(str(not_counted_words(assignment.member.name, other)), "warning")
    return redirect(_next_or(url_for("manage.queue")))


@bp.post("/reports/<int:report_id>/return", endpoint="return_report")
@staff_required
def return_view(report_id: int):
    report = _managed_report(report_id)
    form = ReturnForm()
    if form.validate():
        if run_service(form, return_report, report, _actor(), form.reason.data, denied=404,
                       shown=request.form.get("shown")):
            flash(_("已退回：%(title)s，组长会看到退回原因。", title=report.task.title), "success")
            return redirect(_next_or(url_for("manage.queue")))
        if (refusal := state_refusal(form)) is not None:  # the report's state, not the reason
            flash(str(refusal), "error")
            return redirect(url_for("manage.report", report_id=report.id))
    return _render_report(report, form)


@bp.get("/stale")
@staff_required
def stale():
    actor, now = _actor(), utcnow()
    tasks = q.stale_tasks(actor, now, page_number(), _per_page())
    overdue = q.overdue_reports(actor, now, _stale_days(), 1, _per_page())
    return render_template(
        "manage/stale.html",
        tasks=tasks,
        overdue=overdue,
        stale_days=_stale_days(),
        now=now,  # the cards' badges read the instant the lists were chosen at
        # the submitters and 组长 named, namesakes told apart as on the 工作台: read
        # with the lists' rows, no statement more (docwords42)
        names=q.card_names_read(overdue.items, tasks.items),
    )

