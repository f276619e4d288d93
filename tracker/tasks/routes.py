"""Member pages: open tasks, claiming, 我的任务, confirming hours, the leader's report.

Who sees what (404 otherwise): any open task; a task one is on or leads; any task
of a community one manages. Acting on something visible but not one's own to act
on (a participant opening the leader's report form) is 403.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..formatting import beneficiary_label
from ..formatting import hours as fmt_hours
from .. import owed
from ..calendar import ics
from ..db_setup import reads_first
from ..downloads import offer_download
from ..lists import Lists, current_lists, latest_lists
from ..menu import keep_counts, menu_counts, menu_counts_with, riding_counts
from ..models import HOLDING, Assignment, AssignmentStatus, Task, TaskStatus, WaitStatus
from ..paging import page_number
from ..permissions import may_report, may_see_task
from ..rollups.member_status import member_totals_columns
from ..security import public_host, public_url_for, safe_next
from ..services.claims import (
    claim_refusal,
    claimed_alongside,
    claim_slot,
    confirm_participation,
    confirm_refusal,
    held_alongside,
    task_span_minutes,
    withdraw,
    withdraw_refusal,
)
from ..services.backfill_requests import requestable, works_in
from ..services.request_window import askable_day
from ..services.reviews import (
    ReportData,
    put_back_words,
    report_refusal,
    report_shown_key,
    reviewable_from,
    submit_report,
)
from ..services.task_needs import needs_named
from ..services.voiding import void_event
from ..services.waitlist import join_waitlist, leave_refusal, leave_waitlist, waits_on
from ..templating import task_phase
from ..timeutil import local_today, utcnow
from ..view_support import confirmed, run_service, stale_aware, stale_page
from . import queries as q
from .forms import ConfirmForm, ReportForm, TaskFilterForm

bp = Blueprint("tasks", __name__)

WITHDRAWABLE = (AssignmentStatus.claimed, AssignmentStatus.assigned)
TABS = ("upcoming", "confirm", "returned", "history", "lead")


def _per_page() -> int:
    return current_app.config["PAGE_SIZE"]


def _next_or(default: str) -> str:
    """Where to go after the form: worked out before the service commits anything."""
    return safe_next(request.args.get("next") or request.form.get("next"), default)


def _posted():
    """The submitted fields on POST, even when empty (Flask-WTF would then fall back
    to the defaults and accept a request that typed nothing)."""
    return request.form if request.method == "POST" else None


def _visible_task(task_id: int, *, for_page: bool = False,
                  calendar: bool = False) -> tuple[Task, Assignment | None]:
    """The task and my participation row in it (any status), or 404."""
    task = q.load_task(task_id, for_page=for_page, calendar=calendar) or abort(404)
    mine = q.my_assignment(task.id, current_user.id)
    # a cancelled task to one on its line: a stale 退出候补 is refused on its page
    if not may_see_task(current_user, task, mine.status if mine is not None else None,
                        lambda: waits_on(task.id, current_user.id)):
        abort(404)
    return task, mine


# ---------------------------------------------------------------- open tasks


def _open_filter(choices: Lists) -> tuple[TaskFilterForm, q.OpenFilter]:
    """The filter as typed, checked against ``choices`` (a community no longer listed
    is no filter)."""
    form = TaskFilterForm(formdata=request.args)
    form.set_choices(choices.communities, choices.categories)
    form.validate()
    return form, q.OpenFilter(
        community_id=form.community.data,
        category_id=form.category.data,
        day=None if form.day.errors else form.day.data,
        keyword=form.q.data,
    )


def _open_page(flt: q.OpenFilter, now):
    # the page's cards with "already claimed by me" and "my place in line" on each, the
    # menu's counts and the lists' version
    return q.open_tasks_page(flt, current_user.id, now, page_number(), _per_page(),
                             counts=riding_counts(current_user, now),
                             unit_id=current_user.unit_id)


@bp.get("/")
@login_required
def open_tasks():
    now = utcnow()
    choices = latest_lists()
    form, flt = _open_filter(choices)
    page, carried = _open_page(flt, now)
    if carried is None or carried.lists_token != choices.token:
        # the lists changed since this worker read them (or no row said which are current)
        fresh = current_lists(carried.lists_token if carried is not None else None)
        if fresh != choices:
            choices = fresh
            form, again = _open_filter(choices)
            if again != flt:  # a community typed in is listed now, or no longer
                flt = again
                page, carried = _open_page(flt, now)
    if carried is not None:
        keep_counts(carried.counts)
    # the unit's communities came with the page's rows (a statement of their own when
    # it has none)
    ours = (carried.unit_communities if carried is not None
            else q.unit_community_ids(current_user.unit_id, now))
    form.offer_communities(ours)
    filtered = any(f.data is not None for f in (form.q, form.community, form.category, form.day))
    next_url = request.full_path.rstrip("?")
    # each card's arguments, which are also the key it is kept under
    cards = [(row.card, row.mine, next_url, row.place) for row in page.items]
    return render_template("tasks/open.html", form=form, choices=choices, page=page,
                           cards=cards, filtered=filtered, next_url=next_url,
                           offered=tuple(sorted(ours)), more_url=_choose_community_url())


# The open list's filters a community picked on tasks.communities keeps.
KEPT_FILTERS = ("q", "category", "day")


def _kept_filters() -> dict[str, str]:
    return {name: request.args[name] for name in KEPT_FILTERS if request.args.get(name)}


def _choose_community_url() -> str:
    return url_for("tasks.communities", **_kept_filters())


@bp.get("/communities")
@login_required
def communities():
    """The open list's community filter, every community: the list's own select offers
    only those of the member's unit (and the one chosen). Links, so it works without
    JavaScript; the other filters typed so far are kept."""
    ours = q.unit_community_ids(current_user.unit_id, utcnow())
    listed = current_lists().communities
    return render_template("tasks/communities.html", kept=_kept_filters(),
                           ours=[c for c in listed if c[0] in ours],
                           others=[c for c in listed if c[0] not in ours])


# ---------------------------------------------------------------- one task


@bp.get("/<int:task_id>")
@login_required
def detail(task_id: int):
    now = utcnow()
    task = q.load_task(task_id, for_page=True, photos=True, needs=True) or abort(404)
    # one not counted on an approved task: where her time counts (why she was not
    # counted) and where she holds a place at those hours (whether 补录申请 is
    # offered), read with her own row (review40b #3)
    approved = (task.report_approved and task.status != TaskStatus.cancelled
                and task.ends_at <= now)
    # ended, not cancelled: whether 补录's rule names her on its day is read with her
    # row (what 我参加了但没有记录 and the repair the page names hang on)
    settled = task.ends_at <= now and task.status != TaskStatus.cancelled
    # open and not begun: its 候补 line (how many wait, my place) is read with my row too
    lined = task.status == TaskStatus.open and task.starts_at > now
    # ended, not cancelled: where my hours count at the same hours (what 确认 would refuse
    # for), read with my row; cancelled: whether I wait on its line as it stood when it
    # was called off, which shows me the task (cancelled50)
    (mine, counted_on, held_on, alongside, nameable, pending, waiting, place,
     waits) = q.my_assignment_and_places(task, current_user.id, elsewhere=approved,
                                         counted=settled, backfill=settled, queue=lined,
                                         waits=task.status == TaskStatus.cancelled)
    if not may_see_task(current_user, task, mine.status if mine is not None else None, waits):
        abort(404)
    people = q.participants(task)
    holding = mine is not None and mine.status in HOLDING
    future = task.starts_at > now
    is_open = task.status == TaskStatus.open
    # ``counted_on`` and ``held_on`` are what confirm_refusal's approved branch asks (the
    # same ``approved``): the place that hides 我参加了但没有记录 is the one it names
    # (and on any ended task not cancelled, where her hours count: the same question
    # its 确认 asks, ``settled``; on another task confirm_refusal asks nothing of it)
    refusal = (confirm_refusal(mine, counted_on=counted_on, held_on=held_on,
                               nameable=nameable) if holding
               else None)
    # 作废 (the reminder links here): who voided it, when and why, in place of 已取消
    voided = void_event(task)
    was_voided = voided is not None
    state = {
        "holding": holding,
        "started": not future,
        "ended": task.ends_at <= now,
        "can_claim": is_open and future and not holding and task.slots_left > 0,
        "full": is_open and future and not holding and task.slots_left <= 0,
        "waiting": waiting,
        "place": place,  # my place in line (1 = next), or None
        # on the line of a task called off: the page says why her line is gone
        "waited": waits and not holding,
        "can_withdraw": (holding and future and mine.status in WITHDRAWABLE
                         and task.status != TaskStatus.cancelled),
        "can_confirm": holding and refusal is None,
        "confirm_refusal": (refusal if holding and task.ends_at <= now and not was_voided
                            else None),
        # a place held at the same hours on another activity, said while both stand
        "alongside": held_alongside(
            mine.status, task.report_approved or task.status == TaskStatus.cancelled,
            alongside.title, alongside.starts_at) if holding and alongside is not None else None,
        # her confirmed (or adopted) hours count once the activity's result is approved
        # (official = approved): said while it is not, so an adoption's hours missing
        # from her 服务记录 read as waiting, not lost (walk44 #2)
        "awaits_review": (holding and mine.status == AssignmentStatus.done
                          and task.ends_at <= now and not was_voided
                          and task.status != TaskStatus.cancelled
                          and not task.report_approved),
        "may_report": may_report(current_user, task),
        "can_report": may_report(current_user, task) and report_refusal(task) is None,
        # 我参加了但没有记录: a recent ended task the form would take — the member's
        # unit that day works in its community and she is not on it, or, once approved,
        # on but not counted (``backfill_requests.requestable``: 缺席 after 通过,
        # walk12 #2; the unit rule, walk47 #1) — unless a place at the same hours
        # refuses the request, or her request for it is pending (the form refuses a
        # second): the page says it is waiting, and links to it (notice47b #3)
        "backfill_pending": pending,
        "can_ask_backfill": (
            pending is None and settled and askable_day(task.service_date)
            and requestable(mine.status if mine is not None else None, approved, nameable)
            and (mine is None or mine.status == AssignmentStatus.withdrawn
                 or held_on is None)),
    }
    return render_template("tasks/detail.html", task=task, people=people, mine=mine,
                           needs=needs_named(task), voided=voided, is_voided=was_voided,
                           state=state, next_url=request.full_path.rstrip("?"),
                           share_url=public_url_for("tasks.detail", task_id=task.id),
                           # whom 现场照片 is linked to, from her row read above
                           onsite_holding=holding)


@bp.get("/<int:task_id>/calendar.ics")
@login_required
def calendar(task_id: int):
    """加入日历: this one task as an .ics file."""
    task, _mine = _visible_task(task_id, for_page=True, calendar=True)
    filename = f"task-{task.id}.ics"

    def ics_file():
        body = ics([(task, public_url_for("tasks.detail", task_id=task.id))],
                   public_host(), utcnow(), task.title)
        response = make_response(body)
        response.headers["Content-Type"] = "text/calendar; charset=utf-8"
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    return offer_download(ics_file, filename=filename, preview="tasks/_calendar_preview.html",
                          task=task)


@bp.post("/<int:task_id>/claim")
@reads_first
@login_required
def claim(task_id: int):
    # refused from one row of plain values (nearly every tap of a storm); the task is
    # loaded as an entity only for a claim that may succeed
    state = q.claim_state(task_id, current_user.id)
    if state is None or not may_see_task(current_user, state, state.mine,
                                         lambda: waits_on(task_id, current_user.id)):
        abort(404)
    target = _next_or(url_for("tasks.detail", task_id=task_id))
    refusal = claim_refusal(state, state.mine)
    if refusal is not None:
        flash(str(refusal), "error")
        return redirect(target)
    task = q.load_task(task_id) or abort(404)
    # read before the service commits (and expires the task)
    title, starts_at, ends_at, me = task.title, task.starts_at, task.ends_at, current_user.id
    if run_service(None, claim_slot, task, current_user):
        flash(_("认领成功：%(title)s。", title=title), "success")
        # not refused (design.md: check-in and claims do not refuse overlapping
        # activities), but she is told only one of the two will count (walk12 #6) —
        # once: the task's own page says it itself (``held_alongside``), so only a
        # claim returning elsewhere (the open list) says it here (smallopen41)
        also = (None if _lands_on_task(target, task_id)
                else claimed_alongside(task_id, me, starts_at, ends_at))
        if also is not None:
            flash(str(also), "warning")
    return redirect(target)


def _lands_on_task(target: str, task_id: int) -> bool:
    """Whether ``target`` (a safe local path, ``safe_next``) is the task's own page,
    whatever its query (the page's language)."""
    return urlsplit(target).path == url_for("tasks.detail", task_id=task_id)


@bp.route("/<int:task_id>/withdraw", methods=["GET", "POST"], endpoint="withdraw")
@login_required
def withdraw_claim(task_id: int):
    """取消认领 (退出任务 of an assigned place), asked once: GET (or an unconfirmed POST)
    shows what will happen."""
    task, mine = _visible_task(task_id)
    title = task.title
    back = _next_or(url_for("tasks.detail", task_id=task_id))
    # a place the liaison put her in (指派) is left, not un-claimed: the words say which
    # (walk47 #4, ``Assignment.assigned_place``: withdraw47); the service is the same,
    # and she may leave it as a claim
    assigned = mine is not None and mine.assigned_place
    if mine is None or mine.status not in HOLDING:
        # an assignment she left (or was 移出 of) was never a claim of hers
        flash(_("您已不在该任务中。") if assigned else _("您没有认领该任务。"), "error")
        return redirect(back)
    # started, or cancelled since the page was read: said now, not asked first and then
    # refused (the service asks it again under the task's lock)
    if (refusal := withdraw_refusal(mine, current_user)) is not None:
        flash(str(refusal), "error")
        return redirect(back)
    if request.method == "GET":
        return render_template(
            "confirm.html", task=task, back=back,
            action=url_for("tasks.withdraw", task_id=task_id, next=request.args.get("next")),
            **(dict(title=_("退出任务"), submit=_("确认退出任务"),
                    explain=_("这个任务是联络员指派给您的。退出后名额会留给其他党员；"
                              "任务开始前可以重新认领。")) if assigned else
               dict(title=_("取消认领"), submit=_("确认取消认领"),
                    explain=_("取消后名额会留给其他党员；任务开始前可以重新认领。"))))
    if not confirmed():
        return redirect(url_for("tasks.withdraw", task_id=task_id,
                                next=request.args.get("next")), 303)
    if run_service(None, withdraw, mine, current_user):
        flash(_("已退出任务：%(title)s。", title=title) if assigned
              else _("已取消认领：%(title)s。", title=title), "success")
    return redirect(back)


@bp.post("/<int:task_id>/waitlist")
@login_required
def waitlist_join(task_id: int):
    task, _mine = _visible_task(task_id)
    title, target = task.title, _next_or(url_for("tasks.detail", task_id=task_id))
    if run_service(None, join_waitlist, task, current_user):
        flash(_("已加入候补：%(title)s。有人取消认领时，名额按候补顺序自动转给您。", title=title),
              "success")
    return redirect(target)


@bp.post("/<int:task_id>/waitlist/leave")
@login_required
def waitlist_leave(task_id: int):
    task, _mine = _visible_task(task_id)
    title, target = task.title, _next_or(url_for("tasks.detail", task_id=task_id))
    entry = q.my_wait_entry(task.id, current_user.id)
    if entry is None or entry.status != WaitStatus.waiting:
        flash(_("您不在该任务的候补名单中。"), "error")
        return redirect(target)
    if (refusal := leave_refusal(entry, current_user)) is not None:  # cancelled since
        flash(str(refusal), "error")
        return redirect(target)
    if not confirmed():  # asked once (walk12 #3): the place in line is not given back
        return render_template(
            "confirm.html", title=_("退出候补"), task=task, submit=_("确认退出候补"),
            action=request.full_path.rstrip("?"), back=target,
            explain=_("退出后您在候补名单中的位置不再保留；再次候补时将排在最后。"))
    if run_service(None, leave_waitlist, entry, current_user):
        flash(_("已退出候补：%(title)s。", title=title), "success")
    return redirect(target)


# ---------------------------------------------------------------- 我的任务


@dataclass(frozen=True)
class MineRow:
    """A card of 我的任务, and with its tab and list URL the key it is kept under."""

    task: q.MineTask
    assignment: q.MineAssignment | None = None
    can_withdraw: bool = False
    can_confirm: bool = False
    can_report: bool = False
    phase: str = ""  # 未开始 / 进行中 on the 未结束 tab (``templating.task_phase``)
    # on the 待确认 tab, why a card offers no 确认 (the overlap rule's refusal): the
    # card stays there, though the tab's count (what is owed) leaves it out
    why_not: str = ""
    # a place held at the same hours on another activity: only one can count
    # (``claims.held_alongside``), said while both stand
    alongside: str = ""


def _rows(tab: str, items, now) -> list[MineRow]:
    rows = []
    for item in items:
        if isinstance(item, q.MineAssignment):
            task = item.task
            refusal = confirm_refusal(item, why=False, elsewhere=item.counted_elsewhere)
            rows.append(MineRow(
                task=task,
                assignment=item,
                can_withdraw=(item.status in WITHDRAWABLE and task.starts_at > now
                              and task.status != TaskStatus.cancelled),
                can_confirm=refusal is None,
                phase=task_phase(task, now) if tab == "upcoming" else "",
                why_not=str(refusal) if tab == "confirm" and refusal is not None else "",
                alongside=str(held_alongside(
                    item.status, task.report_approved or task.status == TaskStatus.cancelled,
                    item.alongside_title, item.alongside_starts_at) or ""),
            ))
        else:
            rows.append(MineRow(task=item, can_report=report_refusal(item) is None))
    return rows


@bp.get("/mine")
@login_required
def mine():
    me, now = current_user.id, utcnow()
    year = local_today().year
    # the tabs' counts (the menu's) and my year's totals in one statement
    owes, totals = menu_counts_with(current_user, now, member_totals_columns(),
                                    {"date_from": date(year, 1, 1), "date_to": date(year + 1, 1, 1)})
    activities, minutes = totals["activities"], totals["minutes"]
    tab = request.args.get("tab")
    if tab not in TABS:  # open on what asks for action, if anything does
        tab = ("confirm" if owes.confirm else "returned" if owes.returned
               else "lead" if owes.report else "upcoming")
    counts = {"confirm": owes.confirm, "returned": owes.returned,
              "lead": owes.report + owes.returned}
    page = q.mine_page(tab, me, now, page_number(), _per_page())
    waiting = q.my_waiting(me, now) if tab == "upcoming" else []
    here = url_for("tasks.mine", tab=tab)
    # each card's arguments, which are also the key it is kept under
    cards = [(row, tab, here) for row in _rows(tab, page.items, now)]
    waiting_cards = [(task, place, here) for task, place in waiting]
    return render_template(
        "tasks/mine.html", tab=tab, page=page, cards=cards, waiting_cards=waiting_cards,
        year=year, activities=activities, minutes=minutes, counts=counts,
    )


# ---------------------------------------------------------------- 我的待办


@bp.get("/todo")
@login_required
def todo():
    """What I owe, each one tap from its action; the home page while I owe anything."""
    now = utcnow()
    items = owed.member_todo(current_user.id, now)
    return render_template("tasks/todo.html", items=items, counts=menu_counts(), now=now)


# ---------------------------------------------------------------- 确认参与


@bp.route("/assignments/<int:assignment_id>/confirm", methods=["GET", "POST"])
@login_required
def confirm(assignment_id: int):
    assignment = q.load_assignment(assignment_id)
    if assignment is None or assignment.member_id != current_user.id:
        abort(404)
    task = assignment.task

    def nameable() -> bool:
        # not counted on an approved task: the repair named is one 补录's rule lets her
        # ask for (her unit that day works in its community), as on the task page (walk47
        # #1); asked only then — here, and by the service when 通过 came since this
        # page was read (walkfix47's race bullet: it cannot import the rule itself)
        return works_in(current_user, task.community_id, task.service_date)

    refusal = confirm_refusal(assignment, nameable=nameable)
    suggested = (Decimal(assignment.minutes) if assignment.minutes
                 else Decimal(task_span_minutes(task))) / 60
    form = ConfirmForm(formdata=_posted(), hours=suggested)
    form.activity_minutes = task_span_minutes(task)
    if request.method == "POST" and refusal is not None:
        form.form_errors.append(refusal)  # refused as the page says (as 提交完成 is)
    elif form.validate_on_submit():
        minutes, target = form.hours.minutes, _next_or(url_for("tasks.mine", tab="history"))
        if done := run_service(form, confirm_participation, assignment, current_user,
                               minutes, nameable=nameable):
            flash(_confirmed_words(task.title, done.value, minutes), "success")
            return redirect(target)
    return render_template("tasks/confirm.html", form=form, assignment=assignment, task=task,
                           refusal=refusal, span=task_span_minutes(task))


def _confirmed_words(title: str, was: int | None, minutes: int) -> str:
    """The flash after 确认参与, or after 修改服务时长 of hours confirmed already
    (``was``, the hours replaced): the change said as one, old and new (walk44fix
    Open), not as a first confirmation."""
    if was is None:
        return _("已确认参与：%(title)s，服务时长%(hours)s小时。",
                 title=title, hours=fmt_hours(minutes))
    if was == minutes:
        return _("服务时长未改变：%(title)s，仍为%(hours)s小时。",
                 title=title, hours=fmt_hours(minutes))
    return _("已修改服务时长：%(title)s，由%(old)s小时改为%(new)s小时。",
             title=title, old=fmt_hours(was), new=fmt_hours(minutes))


# ---------------------------------------------------------------- 提交完成


@bp.route("/<int:task_id>/report", methods=["GET", "POST"])
@login_required
def report(task_id: int):
    task = q.load_task(task_id, for_page=True) or abort(404)
    if not may_report(current_user, task):
        # 403 where she sees the task, 404 where not (``_visible_task``); the 组长 and
        # its staff see it whatever their own place on it: not read for them (count48)
        _visible_task(task_id)
        abort(403)
    people = q.participants(task)
    existing = task.report
    refusal = report_refusal(task)
    # the fields as the page shows them (``report_shown_key``): the leader and the
    # liaison may both report, and a page read before the other's save keeps their change
    # — 缺席 as the participants just read hold it
    shown = report_shown_key(task, holders=people)
    if existing is not None:
        form = ReportForm(formdata=_posted(), data={
            "quantity": existing.quantity,
            "people_served": existing.people_served,
            "note": existing.note,
            "absent": [a.member_id for a in people if a.status == AssignmentStatus.absent],
            "shown": shown,
        })
    else:
        form = ReportForm(formdata=_posted(), data={"shown": shown})
    category = task.category
    # the figures as posted, offered or not: one the category does not count (a crafted
    # post) is refused by the service in its words, never dropped here (import56)
    typed = {"quantity": form.quantity.data, "people_served": form.people_served.data}
    # Only the figures the category counts, each labelled with its unit; a survey's
    # 完成数量 is the findings recorded on it (see services.reviews).
    if category.quantity_unit and not category.is_survey:
        form.quantity.label.text = _("完成数量（%(unit)s）", unit=category.quantity_unit)
    else:
        del form.quantity
    if category.beneficiary_unit:
        # the label names the unit already (受益人次, "Households helped"): adding the
        # unit again read 「受益人次（人次）」, "People served (person-times) (人次)"
        form.people_served.label.text = beneficiary_label(category.beneficiary_unit)
    else:
        del form.people_served
    # namesakes told apart as on the task page: ticking the wrong 陈艳 costs her the hours
    names = q.participant_names(task.unit_id, people)
    form.absent.choices = [(a.member_id, names[a.member_id]) for a in people]

    refused: list = []
    if request.method == "POST" and refusal is not None:
        form.form_errors.append(refusal)
    elif form.validate_on_submit():
        data = ReportData(
            quantity=typed["quantity"], people_served=typed["people_served"],
            note=form.note.data,
            absent_ids=set(form.absent.data or []),
        )
        resubmit = existing is not None
        target = _next_or(url_for("tasks.report", task_id=task_id))
        left_out: list = []
        if run_service(form, stale_aware(refused, submit_report), task, current_user, data,
                       shown=form.shown.data, left_out=left_out):
            until = reviewable_from(task)
            if until is not None:  # sent while it runs: say when it can be approved
                flash(_("已提交完成情况。活动进行中，%(time)s 结束后联络员才能审核通过。",
                        time=until), "success")
            else:
                flash(_("已重新提交完成情况，等待联络员审核。") if resubmit
                      else _("已提交完成情况，等待联络员审核。"), "success")
            for assignment, other in left_out:
                flash(str(put_back_words(names[assignment.member_id], other)), "warning")
            return redirect(target)
    return render_template("tasks/report.html", form=form, task=task, people=people, names=names,
                           report=task.report, refusal=refusal, until=reviewable_from(task),
                           findings=q.finding_count(task) if category.is_survey else None,
                           stale=stale_page(form, refused))
