"""A task's page (/manage/tasks/<id>) and what is done from it: assigning, the
leader, 候补, removing someone, 改正服务时长, 添加遗漏的参加人员, 撤销审核, 作废,
关闭 and 取消."""
from __future__ import annotations

from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..admin.told import signed_names
from ..formatting import hours
from ..i18n import lazy_gettext as _l
from ..models import AssignmentStatus, Role, TaskStatus
from ..permissions import manages_task, staff_required
from ..privacy import mask_phones
from ..security import record_id_or_none
from ..services.assigning import assign_member
from ..services.backfill import (ERASED, OFF_ROLL, UNIT_ELSEWHERE, add_forgotten_participant,
                                 forgotten_closed_words, forgotten_problems)
from ..services import ServiceError
from ..services.claims import (
    check_minutes,
    correct_minutes,
    minutes_shown_key,
    task_span_minutes,
    withdraw,
    withdraw_refusal,
)
from ..services.reviews import reopen_effects, reopen_report, reopen_state_refusal
from ..services.roll import NamedSince, keep_named, named_key, said_since, same_named
from ..services.shown import StaleEdit
from ..services.summary_notes import (closed_task_to, fold_people,
                                      may_change_final, units_closed_words)
from ..services.task_needs import need_move_signed, needs_named
from ..services.tasks import (
    cancel_refusal,
    cancel_task,
    change_leader,
    close_task,
    confirmed_among,
    has_recorded_work,
    leader_closed_words,
    leader_shown_key,
    missing_item,
    off_checklist_note,
)
from ..services.voiding import (uncount_signed, void_activity, void_event, void_refusal,
                                void_signed)
from ..services.waitlist import leave_refusal, leave_waitlist, promote_by_hand
from ..named_page import NamedFirst, ask_first
from ..services.named_first import day_signed, work_signed
from ..services.then_pages import THEN_LEADER, THEN_PARTICIPANT, THEN_REOPEN, THEN_VOID
from ..timeutil import to_local, utcnow
from ..view_support import (confirmed, named_aware, returning, run_service, stale_aware,
                            stale_page, state_refusal)
from . import queries as q
from .common import _actor, _managed_task, bp
from .forms import (
    AddParticipantForm,
    AssignForm,
    CancelForm,
    CorrectHoursForm,
    LeaderForm,
    ReopenForm,
    VoidForm,
    member_label,
)

def _task_page(task, *, assign=None, leader=None, cancel=None, add=None, reopen=None,
               void=None) -> dict:
    """The manage-task page's context; a submitted form is passed in to keep its input.

    An approved task is not edited or assigned (approval is final): instead its page
    offers 添加遗漏的参加人员 (the liaison of the community, or an admin — in a 已定稿
    month or year an admin only: ``add_closed``, the service's refusal said instead of
    the form, as is the 组长's, ``leader_closed``) and, to an
    admin, 撤销审核. An activity on record (a report, or confirmed hours: 取消任务 no
    longer applies) offers 作废 to whoever may
    (``voiding.void_refusal``), and a voided one says who voided it, when and why."""
    actor = _actor()
    search = _search()
    approved = task.report_approved
    # of an approved activity's participants not counted, those 添加遗漏的参加人员 would
    # refuse — 补录's rule not naming them on its day, or a place held elsewhere at
    # those hours: read with the participants
    refused = (q.participants_held_elsewhere(task, actor) if approved
               else q.HeldElsewhere(q.participants_by_task([task.id])[task.id], {}, {}, {}))
    holders, held_elsewhere, unnameable = refused.holders, refused.elsewhere, refused.unnameable
    # to one not an admin, those whose unit of the day (another unit) signed its month
    # (or year): the service's first refusal (review44b #3)
    closed_units = refused.closed
    closed_found: dict = {}  # those found by a search (not on it), likewise (review44c #3)
    assign_held: dict = {}  # 指派's: {member id: the other activity}, below
    on_task = {a.member_id for a in holders}
    # the offered's namesakes read with them, and its people's with the task (every view
    # showing this page reads it ``page=True``, a refused post as the GET: post52): the
    # page's names ask no statement of their own
    offered_named: dict = {}
    # who is on the roll on the task's day, which the people lists mark and order by
    # (``queries.roll_then``, the figures' rule): its people's read with the task, the
    # offered's with the list — no statement of its own (rollday57)
    on_roll = q.page_on_roll(task)
    # an approved activity takes only a forgotten participant: whom 补录's rule names,
    # each with where they hold a place at its hours (添加遗漏的参加人员 refuses them for
    # it: not offered, named instead)
    if approved:
        found = q.forgotten_candidates_held(task, search, actor=actor, closed=closed_found,
                                            named=offered_named, rolled=on_roll)
        offered = [m for m, _other in found]
        held_elsewhere = {**{m.id: other for m, other in found
                             if other is not None and m.id not in on_task}, **held_elsewhere}
    else:
        # 指派 after the end refuses one holding a place elsewhere at those hours: not
        # offered, named or counted instead, as 添加遗漏的参加人员's list (assignheld43)
        found = q.assign_candidates_held(task, search, named=offered_named, rolled=on_roll)
        offered = [m for m, _other in found]
        assign_held = {m.id: other for m, other in found
                       if other is not None and m.id not in on_task}
    candidates = [m for m in offered if m.id not in on_task]
    closed_units = {**{m: u for m, u in closed_found.items() if m not in on_task},
                    **closed_units}
    assign = assign or AssignForm(formdata=None)
    assign.member.choices = [("", _("请选择"))] + [
        (m.id, member_label(m, on_roll[m.id])) for m in candidates if m.id not in assign_held]
    leader = leader or LeaderForm(formdata=None, data={"leader": task.leader_id,
                                                       "shown": leader_shown_key(task)})
    leader.leader.choices = _leader_choices(task, holders, candidates, on_roll)
    cancel = cancel or CancelForm(formdata=None)
    add = add or AddParticipantForm(formdata=None)
    # those on it and not counted first: marked 缺席 (the leader may have marked them
    # wrongly), or checked in or claimed and not confirmed when it was approved — but
    # not one the addition would refuse: whom 补录's rule does not name on its day
    # (``backfill.nameable``, which names an account switched off since on work done
    # while on a roll: forgotlist44), or who holds a place elsewhere at those hours, or,
    # to one not an admin, whose unit of the day signed its month (review44b #3) —
    # the page says why instead (``add_unnameable``, ``add_held_elsewhere``)
    not_counted = [a for a in holders if a.status != AssignmentStatus.done]
    absent = [a.member for a in not_counted
              if a.member_id not in held_elsewhere and a.member_id not in unnameable
              and a.member_id not in closed_units]
    add.member.choices = [("", _("请选择"))] + [
        (m.id, member_label(m, on_roll[m.id])) for m in absent + candidates
        if m.id not in held_elsewhere and m.id not in closed_units]
    # named on the page: those on it not counted, and — when a name was searched, else
    # only how many — the others the list leaves out for it (addlist42)
    not_offered = [m for m in candidates if m.id in held_elsewhere]
    add_held = [(a.member, held_elsewhere[a.member_id])
                for a in not_counted if a.member_id in held_elsewhere]
    if search:
        add_held += [(m, held_elsewhere[m.id]) for m in not_offered]
    # the confirmed among those holding a place, counted from them: 取消任务's refusal,
    # 作废's and whether the activity is on record ask no COUNT of their own (count48 #2)
    confirmed = confirmed_among(holders)
    # None: not on record (the page says nothing of a report: it shows the report)
    refusal = cancel_refusal(task, actor, lock=False, confirmed=confirmed)
    # on record: 取消任务 no longer applies, 作废 does
    on_record = (task.status != TaskStatus.cancelled
                 and has_recorded_work(task, confirmed=confirmed))
    # for an admin, the signed documents 取消任务 changes (a need's 本月发布), named first
    cancelled = task.status == TaskStatus.cancelled
    cancel_signed = signed_names(need_move_signed(actor, task)) \
        if not (cancelled or on_record) else {}
    uncounted = uncount_signed(actor, task) if on_record else (None, None)
    if approved and actor.role == Role.admin:
        reopen = reopen or ReopenForm(formdata=None)
        # what this page names of 撤销审核's signed documents, posted back with it
        reopen.named.data = named_key(uncounted[1])
    if on_record:
        void = void or VoidForm(formdata=None)
        void.named.data = named_key(uncounted[0])  # 作废's, as 撤销审核's
    waiting = q.waiting_of(task)  # read with the task on its page (``waiting_load``)
    # the 组长 and the report's submitter told apart as the participants are; the
    # members offered too, whom the page's sentences and confirmations name (main42)
    names = q.page_names(task, {m.id: offered_named[m.id] for m in candidates})
    closed = approved and closed_task_to(actor, task, lock=False)
    return dict(task=task, participants=holders, search=search, assign_form=assign,
                participant_names=names,
                leader_form=leader, cancel_form=cancel, waitlist=waiting,
                approved=approved, add_form=add,
                add_held_elsewhere=[held_elsewhere_words(names.get(m.id, m.name), other)
                                    for m, other in add_held],
                add_held_unlisted=0 if search else len(not_offered),
                add_held_ids=held_elsewhere,
                # each named as the page lists her, namesakes told apart (forgotnames45)
                add_unnameable=[*closed_unit_words(closed_units, names, task.service_date),
                                *unnameable_words(unnameable, names)],
                add_unnameable_ids=unnameable, add_closed_unit_ids=closed_units,
                assign_held_elsewhere=[
                    held_elsewhere_words(names.get(m.id, m.name), assign_held[m.id], assign=True)
                    for m in candidates if m.id in assign_held]
                if search else [],
                assign_held_unlisted=0 if search else len(assign_held),
                assign_held_ids=assign_held,
                # the services' own refusals, their remedy (what to re-open) with them
                add_closed=closed and forgotten_closed_words(closed),
                leader_closed=closed and leader_closed_words(closed),
                reopen_form=reopen if approved and actor.role == Role.admin else None,
                cancel_refusal=refusal, cancel_signed=cancel_signed,
                void_form=void if on_record else None,
                void_refusal=(void_refusal(task, actor, lock=False, confirmed=confirmed)
                              if on_record else None),
                # for an admin, the signed documents 作废 (and 撤销审核) will change, named
                # before it
                void_signed=signed_names(uncounted[0]), reopen_signed=signed_names(uncounted[1]),
                voided=void_event(task),
                off_checklist=off_checklist_note([task], actor),
                off_checklist_line=missing_item([task]))


def _search() -> str:
    """The task page's search (``?q=``, kept in its forms' addresses), as read."""
    return (request.args.get("q") or "").strip()[:40]


def _render_task(context: dict):
    task = context["task"]
    return render_template(
        "manage/task.html", **context, report_url=url_for("tasks.report", task_id=task.id),
        cancel_reason=q.cancel_reason(task), now=utcnow(), needs=needs_named(task),
    )


def _leader_choices(task, holders, candidates, on_roll: dict):
    """Participants first, then the current leader, then other candidates, each marked
    by ``on_roll`` ({member id: on the roll on the task's day})."""
    people = [a.member for a in holders]
    if task.leader is not None:
        people.append(task.leader)
    people += candidates
    seen, choices = set(), [("", _("不设组长"))]
    for member in people:
        if member.id not in seen and (member.active or member.id == task.leader_id):
            seen.add(member.id)
            choices.append((member.id, member_label(member, on_roll[member.id])))
    return choices


@bp.get("/tasks/<int:task_id>")
@staff_required
def task(task_id: int):
    # its day's 定稿 read with the task: 作废's refusal and 添加遗漏的参加人员's ask no
    # statement of their own for it; nor do the needs it names (``needs_named``)
    return _render_task(_task_page(_managed_task(task_id, page=True)))


def _run_on_task(task, form, context: dict, service, *args, since=None,
                 since_off: bool = False):
    """Run the service of a task-page form (``run_service``). Out of reach: 404.
    Refused: a refusal about what was typed goes under the field, one about the task's
    state (full, cancelled, already reported …) is flashed on the task page, and that
    response comes back. None: it went through. ``since()``: refused for what its page
    named (``roll.NamedSince``), the response naming it afresh, else None.
    ``since_off``: that refusal's words kept off the form (``run_service``'s), for a
    ``since`` that says on it what it answers with instead (``NamedFirst.since``'s
    ``problems``)."""
    if run_service(form, service, *args, denied=404, since_off=since_off):
        return None
    if since is not None and (asked := since()) is not None:
        return asked
    if (refusal := state_refusal(form)) is not None:
        return _back_to_task(task, refusal, "error")
    return _render_task(context)


def _back_to_task(task, message=None, category="success", *, at=None):
    """Back to the task page, flashing ``message`` if given (``run_service`` flashes
    a refusal itself). ``at``: the section (its id) the page opens at, the message shown
    there (``placed_flashes``) rather than at the page's top, out of view."""
    if message is not None:
        # str(): a lazy message would reach the session as Markup and skip escaping,
        # and refusals can carry names people typed.
        flash(str(message), f"{category}@{at}" if at else category)
    return redirect(url_for("manage.task", task_id=task.id, _anchor=at))


@bp.post("/tasks/<int:task_id>/assign")
@staff_required
def assign(task_id: int):
    task = _managed_task(task_id, page=True)
    # The search text travels in the form's URL, so the same members are offered.
    form = AssignForm()
    context = _task_page(task, assign=form)  # the choices the form is checked against
    if not form.validate():
        _say_held_elsewhere(form, context, "assign_held_ids")
        return _render_task(context)
    member = q.active_member(form.member.data)
    refused = _run_on_task(task, form, context, assign_member, task, member, _actor())
    if refused is not None:
        return refused
    # Back at the 指派 form, the next member picked without scrolling down past the
    # details, the QR code and the participants again (walk10 D14).
    # named as the page listed her, a namesake told apart (review43b #3)
    return _back_to_task(task, _("已指派 %(name)s。", name=_listed(context, member)),
                         at="assign")


@bp.post("/tasks/<int:task_id>/add-participant")
@staff_required
def add_participant(task_id: int):
    """添加遗漏的参加人员 of an approved activity (``backfill.add_forgotten_participant``)."""
    task = _managed_task(task_id, page=True)
    form = AddParticipantForm()
    form.activity_minutes = task_span_minutes(task)
    # an admin's in a 已定稿 month or year — the activity's, or the member's unit's of
    # the day: the documents it changes, named before it is done (figures42 #1); read
    # once a request (the naming page, or the addition going on when nothing is signed)
    naming = _unlocked_once(lambda lock: work_signed(
        _actor(), task.unit_id, task.community_id, task.service_date, [form.member.data],
        lock=lock))
    if (asked := _addition_asked(task, form, naming)) is not None:
        return asked
    form = AddParticipantForm()  # afresh: checked against the whole page's list
    form.activity_minutes = task_span_minutes(task)
    context = _task_page(task, add=form)
    if returning():  # the confirmation page's 返回: the form as typed, nothing done
        return _render_task(context)
    if not form.validate():
        _say_held_elsewhere(form, context)
        _say_unnameable(form, context)
        return _render_task(context)
    member = q.load_member(form.member.data)

    def problems() -> list:  # read only: no 定稿 waits for it
        return forgotten_problems(_actor(), task, member, form.hours.minutes, lock=False)

    # what the service would refuse is said on the form first, never asked
    # (checkfirst43): no page
    first = NamedFirst(naming, lambda named, since: None if problems()
                       else _ask_addition(task, named, since, _listed(context, member)),
                       then=THEN_PARTICIPANT)
    if (asked := first.answer()) is not None:
        return asked
    # compared by the service after its refusals (``compare``): a post the pre-check
    # refused, held to naming nothing, is named afresh if that refusal is gone by the
    # service's locks, and a refusal is said in its own words (samehold44); refused for a
    # month signed since, the naming page again or, the pre-check refusing by then
    # (another's change since: she was added meanwhile), that refusal (``since_off``)
    refused = _run_on_task(task, form, context, first.comparing(add_forgotten_participant),
                           _actor(), task, member, form.hours.minutes,
                           since=partial(first.since, form, problems), since_off=True)
    if refused is not None:
        return refused
    return _back_to_task(task, _("已将 %(name)s 添加为该活动的参加人员，已计入统计。",
                                 name=_listed(context, member)))


def _ask_addition(task, named, since, name: str):
    """添加遗漏的参加人员's naming page (``ask_first``), the member ``name``d as the
    task page lists her."""
    return ask_first(named, task=task, title=_("添加遗漏的参加人员"), submit=_("确认添加"),
                     action=_("添加遗漏的参加人员"),
                     explain=_("将%(name)s添加为该活动的参加人员，其服务时长计入统计。", name=name),
                     back=url_for("manage.task", task_id=task.id), since=since)


def _unlocked_once(naming):
    """``naming(lock=)`` with its unlocked answer read once a request: the lean naming
    page's read serves ``NamedFirst.answer`` when the view goes on to the whole page."""
    read: list = []

    def once(*, lock: bool):
        if lock:
            return naming(lock=True)
        if not read:
            read.append(naming(lock=False))
        return read[0]
    return once


def _asks_lean(task) -> bool:
    """An unconfirmed post (not the naming page's 返回) of an admin on an approved
    activity: the one that may be answered by a naming page — read lean, what that page
    shows and no more, not the whole task page's context (stmts45, as 撤销审核's: its
    budget, tests/web/test_asked_first_budget.py). Anything else the page's lists,
    refusals and flashes need goes the whole page's way."""
    return (task.report_approved and not returning() and not confirmed()
            and may_change_final(_actor()))


def _addition_asked(task, form, naming):
    """添加遗漏的参加人员's naming page read lean (``_asks_lean``): the member chosen
    (``queries.chosen_on_page``: in the page's list, and so refused by none of the
    rules ``forgotten_problems`` asks of an admin's addition; named as the page lists
    her), the hours within the activity's (``claims.check_minutes``), then the naming.
    None: anything else — refused (the whole page says why, in the form's words or the
    service's), or nothing signed (the addition goes on)."""
    if not _asks_lean(task) or form.member.data is None:
        return None
    chosen = q.chosen_on_page(task, form.member.data, _search())
    if chosen is None or not chosen.addable:
        return None
    form.member.choices = [("", ""), (form.member.data, chosen.name)]
    if not form.validate():
        return None
    try:
        check_minutes(task_span_minutes(task) if form.hours.minutes is None
                      else form.hours.minutes, task)
    except ServiceError:
        return None
    named = naming(lock=False)
    return _ask_addition(task, named, False, chosen.name) if named else None


def _say_held_elsewhere(form, context, held_ids: str = "add_held_ids") -> None:
    """A member posted from a page read before she took a place elsewhere at the
    activity's hours is no longer in the list (添加遗漏的参加人员's, or an ended task's
    指派's: ``held_ids`` names which): the list's own refusal (「请从列表中选择…」) is
    replaced by why — the place and its activity, as the page now names them
    (``backfill.refuse_overlap``'s rule, ``assigning.assign_member``'s)."""
    posted = record_id_or_none(form.member.raw_data[0] if form.member.raw_data else None)
    other = context[held_ids].get(posted)
    if other is None:
        return
    form.member.errors = [held_elsewhere_words(
        context["participant_names"].get(posted) or q.load_member(posted).name, other,
        assign=held_ids == "assign_held_ids")]


def held_elsewhere_words(name: str, other, *, assign: bool = False) -> str:
    """Why 添加遗漏的参加人员 (or, ``assign``, 指派 to an ended task) does not take the member
    ``name`` (as the page lists her): she holds a place on ``other`` at the activity's
    hours — the page's sentence before the form and the form's refusal of a post naming
    her, one wording each."""
    when = to_local(other.starts_at).strftime("%Y-%m-%d %H:%M")
    if assign:
        return _("%(name)s 在同一时间已参加“%(task)s”（%(when)s），同一时间只计一次，不能指派到本活动；"
                 "如其当时参加的是本活动，请先更正“%(task)s”的记录。", name=name, task=other.title,
                 when=when)
    return _("%(name)s 在同一时间已参加“%(task)s”（%(when)s），同一时间只计一次，"
             "不能添加为本活动的参加人员；如其当时参加的是本活动，请先更正“%(task)s”的记录。",
             name=name, task=other.title, when=when)


def _say_unnameable(form, context) -> None:
    """A participant not counted whom 补录's rule does not name on the activity's day is
    not in 添加遗漏的参加人员's list (a post naming her is one from an older page, or
    made by hand): the list's own refusal is replaced by why, the page's sentence."""
    posted = record_id_or_none(form.member.raw_data[0] if form.member.raw_data else None)
    if (unit := context["add_closed_unit_ids"].get(posted)) is not None:
        form.member.errors = closed_unit_words({posted: unit}, context["participant_names"],
                                               context["task"].service_date)
    elif (why := context["add_unnameable_ids"].get(posted)) is not None:
        form.member.errors = unnameable_words({posted: why}, context["participant_names"])


def closed_unit_words(closed: dict, names: dict, day) -> list:
    """Why 添加遗漏的参加人员 does not take, from one not an admin, the participants
    ``closed`` ({member id: ((unit id, unit name, by the month, by the year, the unit's
    sort key), ...)}):
    their unit of the day, or the unit whose roll of the month's (year's) end holds them
    (naming50), has signed its month (or year) — the service's own refusal
    (``summary_notes.units_closed_words``, one sentence a unit), its participants named
    as the page lists them (``names``, namesakes told apart, as ``unnameable_words``:
    forgotnames45) — before the form and as the form's refusal of a post naming one of
    them."""
    if not closed:
        return []
    # a participant once a unit: her unit of the day and the rolls of the month's and
    # the year's end may name one unit twice, each its own period (``fold_people``); the
    # units in the save's order (``closed_member_units``: ``Unit.sort_key``, naming51)
    rows = sorted(((unit[4], unit[0], m, day, names[m], m, *unit[:4])
                   for m in closed for unit in closed[m]), key=lambda row: row[:3])
    found = fold_people(row[3:] for row in rows)
    return [units_closed_words(found, _l("向该活动添加参加人员"))]


def unnameable_words(refused: dict[int, tuple[str, str]], names: dict[int, str]) -> list[str]:
    """Why 添加遗漏的参加人员 does not take the participants ``refused`` ({member id: (why,
    the name of their unit of the day)}, ``manage.queries.participants_held_elsewhere``):
    one sentence for each reason, in the service's order, and for ``UNIT_ELSEWHERE`` one
    for each unit of the day, named as 补录's own refusal names it
    (``backfill.why_not_nameable``: forgotnames45), naming those it refuses as the page
    lists them (``names``, namesakes told apart) — before the form, and as the form's
    refusal of a post naming one of them."""
    said = []
    for reason in (ERASED, OFF_ROLL):
        who = _("、").join(names[m] for m, (why, _unit) in refused.items() if why == reason)
        if not who:
            continue
        if reason == ERASED:
            said.append(_("%(names)s 的账号已停用且已过保存期限，不能再记录其参加的活动，"
                          "不能添加为本活动的参加人员。", names=who))
        else:
            said.append(_("%(names)s 的账号已停用，该活动当日不在册，不能添加为本活动的参加人员。",
                          names=who))
    by_unit: dict[str, list[str]] = {}  # in the order the page lists them
    for m, (why, unit) in refused.items():
        if why == UNIT_ELSEWHERE:
            by_unit.setdefault(unit, []).append(names[m])
    for unit, who in by_unit.items():
        said.append(_("%(names)s 在该活动当日所在的单位（%(unit)s）不在该社区开展共建，"
                      "不能添加为本活动的参加人员。", names=_("、").join(who), unit=unit))
    return said


def _listed(context, member) -> str:
    """``member``'s name as the task page lists it, namesakes told apart (main42): the
    confirmation pages of 添加遗漏的参加人员 and 更换组长 name her so, and so do the
    flashes that report them and 指派 (review43b #3)."""
    return context["participant_names"].get(member.id, member.name)


@bp.post("/tasks/<int:task_id>/reopen")
@staff_required
def reopen(task_id: int):
    """撤销审核 (an admin): the approved report goes back to 退回 with a reason, asked
    once as 作废 is. A POST without ``confirmed=1`` is answered with the confirmation
    page, which names what it takes off the figures and the 已定稿 documents it changes
    (``voiding.uncount_signed``, already read for the task page) and carries the reason
    typed; its 返回 posts the reason back (``returning``). The task page asks no in-page
    question (confirm.js): its confirmation page names more than one could — the hours,
    the needs, a survey's findings (review42b #2) — and, with a signed document changed,
    the confirmation page alone names it, as for 冲销 (review41 #1). A month signed since
    the page that posted was read is said first, whichever page it was."""
    task = _managed_task(task_id, page=True)
    if task.report is None:
        return _back_to_task(task, _("只有已审核通过的完成情况可以撤销审核。"), "error")
    form = ReopenForm()
    # what the page the admin read named (None: a post from no page of ours asks nothing)
    promised = form.named.data
    actor = _actor()
    # offered as the task page offers it (``_task_page``'s ``reopen_form``); else the
    # service says who may
    offered = task.report_approved and actor.role == Role.admin
    # the confirmation page's 返回 (the reason as typed), or a reason refused: the task page
    if offered and (returning() or not form.validate()):
        return _render_task(_task_page(task, reopen=form))
    if offered and not confirmed():
        # the confirmation page reads what 撤销审核 changes of what was signed, not the
        # whole task page's context (its budget: tests/web/test_asked_first_budget.py)
        signed = uncount_signed(actor, task)[1]
        form.named.data = named_key(signed)
        _say_named_since(form, promised, signed, actor, THEN_REOPEN)
        return _confirm_reopen(task, form, signed_names(signed))
    context = _task_page(task, reopen=form)
    # the comparison with what the page named, under the activity's lock
    return _run_named(task, form, context, _confirm_reopen, reopen_report,
                      task.report, actor, form.reason.data,
                      refusal=lambda: reopen_state_refusal(task.report),
                      signed_now=lambda: uncount_signed(actor, task)[1], shown_key=promised,
                      then=THEN_REOPEN, named=lambda: keep_named(promised if offered else None,
                                               lambda: uncount_signed(actor, task, lock=True)[1],
                                               actor=actor, then=THEN_REOPEN)) \
        or _back_to_task(task, _("已撤销审核：完成情况已退回，在重新审核通过前不计入统计。"))


def _say_named_since(form, promised: str | None, signed, actor, then) -> None:
    """A confirmation page about to be shown for ``form``, posted from a page that named
    other signed documents (``promised``) than ``form.named`` holds now (``signed``: a
    month signed or re-opened since it was read): said first (``roll.said_since``) in
    ``then``'s words, each naming the page's button (``then_pages``: 确认作废,
    确认撤销审核) — only more signed now, ``then.more``, as every 「确认…」 page says it
    (small57: these two had a sentence of their own, 「…后再确认作废。」)."""
    if promised is not None and not same_named(promised, form.named.data):
        form.form_errors.append(said_since(promised, signed, actor=actor, then=then))


def _run_named(task, form, context, confirm, service, *args, refusal, signed_now,
               shown_key, then, **kwargs):
    """``_run_on_task`` of 撤销审核 or 作废 confirmed: ``service`` compares, under the
    activity's lock, the signed documents the confirming page named with those it
    changes now (``roll.keep_named``). Others — a month signed or re-opened since
    the page was read — and the post is answered by ``confirm(task, form, signed)``
    naming them, ``roll.said_since`` first (``then.more``, naming the page's button, or
    what was re-opened), nothing done — unless
    ``refusal()`` (the service's refusal of the task's state, read only) refuses it by
    then: another admin's 撤销审核 or 作废 committed after the service's rollback is
    said in its own words on the task page, not asked again for a 确认 the service
    would only refuse (since49's Open). The page names what the change names now,
    ``signed_now()`` read afresh — the service's locked read was rolled back with it,
    and another's change since (a month re-opened) may have changed it —, said against
    ``shown_key``, what the confirming page named. None: it went through (else the
    response). ``then``: the words as ``confirm``'s button says them (``then_pages``)."""
    found: list[NamedSince] = []

    def named_afresh():
        if not found:
            return None
        if (refused := refusal()) is not None:
            return _back_to_task(task, refused, "error")
        signed = signed_now()
        form.named.data = named_key(signed)
        # said against what names now, as every page named afresh says it — the same
        # documents again (one re-opened under the locks, signed again since the
        # rollback) is 「…有了变化…」 over the block naming them, never the locked read's
        # 「…已撤销定稿…」 (afresh51); nothing named then or now: ``then.none``
        form.form_errors[:] = [said_since(shown_key, signed, actor=_actor(), then=then)]
        return confirm(task, form, signed_names(signed))

    return _run_on_task(task, form, context, named_aware(found, partial(service, **kwargs)),
                        *args, since=named_afresh, since_off=True)


def _confirm_reopen(task, form, signed: dict):
    """撤销审核's confirmation page: what it does (``reviews.reopen_effects``), the signed
    documents it changes (``signed``: the task page's ``reopen_signed``), the reason."""
    effects = reopen_effects(task)
    lines = [ngettext(
        "撤销审核后完成情况退回组长改正，退回原因即您填写的原因；在重新审核通过前该活动不计入任何统计"
        "（月报、进展、参与情况），%(n)d名党员共%(h)s小时的服务时长暂不计入。",
        "撤销审核后完成情况退回组长改正，退回原因即您填写的原因；在重新审核通过前该活动不计入任何统计"
        "（月报、进展、参与情况），%(n)d名党员共%(h)s小时的服务时长暂不计入。",
        effects.people, n=effects.people, h=hours(effects.minutes))]
    if effects.taken_over is not None:
        lines.append(ngettext(
            "该活动完成的%(n)d项需求改由同一系列已审核通过的“%(title)s”（%(day)s）完成。",
            "该活动完成的%(n)d项需求改由同一系列已审核通过的“%(title)s”（%(day)s）完成。",
            effects.needs, n=effects.needs, title=mask_phones(effects.taken_over.title),
            day=to_local(effects.taken_over.starts_at).date().isoformat()))
    elif effects.needs:
        lines.append(ngettext(
            "该活动完成的%(n)d项需求恢复为未完成，重新审核通过后再计为完成。",
            "该活动完成的%(n)d项需求恢复为未完成，重新审核通过后再计为完成。",
            effects.needs, n=effects.needs))
    if effects.findings:
        lines.append(ngettext(
            "登记的%(n)d处摸排问题及其移交、整改在重新审核通过前不计入统计，问题记录保留。",
            "登记的%(n)d处摸排问题及其移交、整改在重新审核通过前不计入统计，问题记录保留。",
            effects.findings, n=effects.findings))
    return render_template(
        "confirm.html", title=_("撤销审核"), task=task, submit=_("确认撤销审核"),
        action=url_for("manage.reopen", task_id=task.id), form=form, keeps=True,
        explain=lines[0], details=lines[1:], back=url_for("manage.task", task_id=task.id),
        signed=signed, signed_action=_("撤销审核"))


def _asked_once(task, form, page, refusal, confirm):
    """作废's and 取消任务's question before the view does anything: their confirmation
    page's 返回 (``returning``) brings the task page (``page()``: ``_task_page``'s
    context with ``form``) with the reason as typed; a post without ``confirmed=1`` is
    refused as the task page says (``refusal()``, the service's refusal read without
    locks: back to the task page), or its reason refused on the task page, or answered
    with the confirmation page itself (``confirm()``) — never a redirect that puts the
    reason in a URL (walk45 #3). None: confirmed, for the view to run."""
    if returning():
        return _render_task(page())
    if confirmed():
        return None
    if (refused := refusal()) is not None:
        return _back_to_task(task, refused, "error")
    if not form.validate():
        return _render_task(page())
    return confirm()


@bp.post("/tasks/<int:task_id>/void")
@staff_required
def void(task_id: int):
    """作废 a recorded activity that did not happen, with a reason, asked once as
    撤销审核 is (``voiding.void_activity``). A POST without ``confirmed=1`` is answered
    with the confirmation page, which names what it takes off the figures and the 已定稿
    documents it changes (``voiding.void_signed``) and carries the reason typed; its 返回
    posts the reason back (``returning``): never a link that drops it where no script
    keeps a draft, nor a redirect that puts it in a URL (walk45 #3)."""
    task = _managed_task(task_id, page=True)
    form = VoidForm()
    # what the page the admin read named (None: a post from no page of ours asks nothing)
    promised = form.named.data
    actor = _actor()

    def confirm():
        # the confirmation page reads what 作废 changes of what was signed, not the whole
        # task page's context (its budget: tests/web/test_asked_first_budget.py)
        signed = void_signed(actor, task)
        form.named.data = named_key(signed)
        _say_named_since(form, promised, signed, actor, THEN_VOID)
        return _confirm_void(task, form, signed_names(signed))

    asked = _asked_once(task, form, partial(_task_page, task, void=form),
                        partial(void_refusal, task, actor, lock=False), confirm)
    if asked is not None:
        return asked
    context = _task_page(task, void=form)  # ``form.named``: what is signed now
    if not form.validate() and context["void_form"] is not None:
        return _render_task(context)  # else the service says why not
    # the comparison with what the page named, under the activity's lock
    return _run_named(task, form, context, _confirm_void, void_activity, task,
                      actor, form.reason.data,
                      refusal=partial(void_refusal, task, actor, lock=False),
                      signed_now=lambda: void_signed(actor, task), shown_key=promised,
                      then=THEN_VOID, promised=promised if context["void_form"] is not None else None) \
        or _back_to_task(task, _("该活动已作废，不再计入统计；参加的党员会收到通知。"))


def _confirm_void(task, form, signed: dict):
    """作废's confirmation page: what it does, the signed documents it changes
    (``signed``: ``told.signed_names`` of ``voiding.void_signed``), the reason."""
    people = [a for a in q.participants_by_task([task.id])[task.id]
              if a.status == AssignmentStatus.done]
    return render_template(
        "confirm.html", title=_("作废该活动"), task=task, submit=_("确认作废"),
        action=url_for("manage.void", task_id=task.id), form=form, keeps=True,
        explain=ngettext("作废后该活动不再计入任何统计（月报、进展、参与情况），%(n)d名党员共%(h)s小时的服务时长"
                         "不再计入，他们会收到通知；记录保留并标为已作废，不能恢复。",
                         "作废后该活动不再计入任何统计（月报、进展、参与情况），%(n)d名党员共%(h)s小时的服务时长"
                         "不再计入，他们会收到通知；记录保留并标为已作废，不能恢复。", len(people),
                  n=len(people), h=hours(sum(a.minutes or 0 for a in people))),
        back=url_for("manage.task", task_id=task.id),
        signed=signed, signed_action=_("作废该活动"))


@bp.route("/assignments/<int:assignment_id>/hours", methods=["GET", "POST"])
@staff_required
def correct_hours(assignment_id: int):
    """改正服务时长 of one participant (``claims.correct_minutes``)."""
    assignment = q.load_assignment(assignment_id)
    if assignment is None or not manages_task(current_user, assignment.task):
        abort(404)
    task = assignment.task
    # the hours the page names as 现在的 (``minutes_shown_key``): a correction typed
    # against them is refused when another corrected them since
    form = CorrectHoursForm(data={"shown": minutes_shown_key(assignment)})
    form.activity_minutes = task_span_minutes(task)
    refused: list = []
    if form.validate_on_submit() and run_service(
            form, stale_aware(refused, correct_minutes), assignment, _actor(),
            form.hours.minutes, form.reason.data, shown=form.shown.data, denied=404):
        return _back_to_task(task, _("已将 %(name)s 的服务时长改为 %(hours)s 小时。",
                                     name=assignment.member.name,
                                     hours=hours(assignment.minutes)))
    return render_template("manage/hours.html", task=task, assignment=assignment, form=form,
                           span=task_span_minutes(task),
                           stale=stale_page(form, refused, text=_hours_text))


def _hours_text(_name: str, minutes) -> str:
    """Hours on a refused 改正服务时长 page, as the page names them."""
    return _("%(h)s 小时", h=hours(minutes or 0))


def _act_on_person(row, service, done, ask=None, refuse=None):
    """One of the liaison's actions on a person of a task — an assignment or a 候补 entry
    — then back to the task; ``done(name)`` is what is said when it worked. ``ask(name)``:
    the action is asked once (title, button, what happens), as 关闭任务 — in the page by
    static/js/confirm.js, else by the confirmation page this renders for an unconfirmed
    POST (walk10 D9). ``refuse(row, actor)``: why the action cannot be done now, said
    instead of asking (the service asks it again under its lock)."""
    if row is None or not manages_task(current_user, row.task):
        abort(404)
    task, name = row.task, row.member.name
    if ask is not None and not confirmed():
        if refuse is not None and (refusal := refuse(row, current_user)) is not None:
            return _back_to_task(task, refusal, "error")
        title, submit, explain = ask(name)
        return render_template("confirm.html", title=title, task=task, submit=submit,
                               action=request.path, explain=explain,
                               back=url_for("manage.task", task_id=task.id))
    if run_service(None, service, row, _actor(), denied=404):
        return _back_to_task(task, done(name))
    return _back_to_task(task)


@bp.post("/assignments/<int:assignment_id>/remove")
@staff_required
def remove_assignment(assignment_id: int):
    return _act_on_person(q.load_assignment(assignment_id), withdraw,
                          lambda name: _("已将 %(name)s 移出该任务。", name=name),
                          ask=lambda name: (
                              _("移出参与党员"), _("确认移出"),
                              _("移出后%(name)s不再参加该任务，名额空出：如有候补，候补名单上的第一位"
                                "自动转正并收到通知。再把%(name)s加回来需要有空余名额。", name=name)),
                          refuse=withdraw_refusal)


@bp.post("/waitlist/<int:entry_id>/promote")
@staff_required
def promote_waiting(entry_id: int):
    """候补转正 by hand: a free slot to the waiting member the liaison picks."""
    return _act_on_person(q.load_wait_entry(entry_id), promote_by_hand,
                          lambda name: _("已将 %(name)s 从候补转为正式参与。", name=name))


@bp.post("/waitlist/<int:entry_id>/remove")
@staff_required
def remove_waiting(entry_id: int):
    """移出候补: the liaison takes a member off the task's 候补名单."""
    return _act_on_person(q.load_wait_entry(entry_id), leave_waitlist,
                          lambda name: _("已将 %(name)s 移出候补名单。", name=name),
                          ask=lambda name: (
                              _("移出候补"), _("确认移出候补"),
                              _("移出后%(name)s不再排在候补名单上，有人取消认领时名额不会转给他；"
                                "再排候补须本人重新加入，排在最后。", name=name)),
                          refuse=leave_refusal)


@bp.post("/tasks/<int:task_id>/leader")
@staff_required
def leader(task_id: int):
    task = _managed_task(task_id, page=True)
    form = LeaderForm()
    # the 台账 of a 已定稿 month prints the approved activity's 组长: an admin's change
    # of it is named first, as the liaison's is refused (figures42 #1)
    naming = _unlocked_once(lambda lock: day_signed(
        _actor(), task.unit_id, task.community_id, task.service_date, lock=lock))
    if (asked := _leader_asked(task, form, naming)) is not None:
        return asked
    form = LeaderForm()  # afresh: checked against the whole page's list
    context = _task_page(task, leader=form)
    if returning():  # the confirmation page's 返回: the form as typed, nothing done
        return _render_task(context)
    if not form.validate():
        return _render_task(context)
    # Any chosen member: the service refuses an inactive one with a message.
    new_leader = q.load_member(form.leader.data)
    # a page that showed another leader than now (another changed it since): the service
    # refuses it on the form, before any naming of a change that would not be the one
    # asked (confirm43 #4); an approved activity's is refused even where kept as shown
    stale = form.shown.data not in (None, leader_shown_key(task))
    first = NamedFirst(naming, lambda named, since: _ask_leader(
        task, named, since, None if new_leader is None else _listed(context, new_leader)),
        then=THEN_LEADER)
    changes = not stale and getattr(new_leader, "id", None) != task.leader_id
    # asked when the report read here is approved; else held to naming nothing — and the
    # service compares under the activity's lock, where a 通过 committed since this read
    # is seen: a signed month's 组长 then named afresh, not changed (review44 #1)
    if changes and (asked := first.answer(asks=task.report_approved)) is not None:
        return asked

    # compared by the service under the activity's lock (``comparing``: the one way)
    change = first.comparing(change_leader)

    def noting_stale(*args):
        try:
            return change(*args, shown=form.shown.data, refuse_stale=task.report_approved)
        except StaleEdit as refusal:
            # the form shown again names the leader now: saved again, knowingly
            form.shown.data = refusal.merge.resolved_key()
            raise

    refused = _run_on_task(task, form, context, noting_stale,
                           task, new_leader, _actor(), since=first.since)
    if refused is not None:
        return refused
    if task.leader is None:
        return _back_to_task(task, _("已取消组长。"))
    return _back_to_task(task, _("组长已改为 %(name)s。", name=_listed(context, task.leader)))


def _ask_leader(task, named, since, name: str | None):
    """更换组长's naming page (``ask_first``): the new 组长 ``name``d as the task page
    lists her (None: the 组长 taken off)."""
    return ask_first(named, task=task, title=_("更换组长"), submit=_("确认更换"),
                     action=_("更换组长"),
                     explain=_("该活动的组长改为%(name)s。", name=name)
                     if name is not None else _("取消该活动的组长。"),
                     back=url_for("manage.task", task_id=task.id), since=since)


def _leader_asked(task, form, naming):
    """更换组长's naming page read lean (``_asks_lean``): the 组长 chosen in the page's
    list (``queries.chosen_on_page``, named as the page lists her) or none, the page
    showing the 组长 now (else the service's stale refusal, before any naming), a
    change, then the naming. None: anything else — refused, unchanged, or nothing
    signed: the whole page's way."""
    if not _asks_lean(task):
        return None
    chosen = None
    if (chosen_id := form.leader.data) is not None:
        chosen = q.chosen_on_page(task, chosen_id, _search())
        if chosen is None or not chosen.leadable:
            return None
    form.leader.choices = [("", "")] + ([(chosen_id, chosen.name)] if chosen else [])
    if (not form.validate() or form.shown.data not in (None, leader_shown_key(task))
            or chosen_id == task.leader_id):
        return None
    named = naming(lock=False)
    return _ask_leader(task, named, False, chosen and chosen.name) if named else None


@bp.route("/tasks/<int:task_id>/close", methods=["GET", "POST"])
@staff_required
def close(task_id: int):
    """关闭任务, asked once: GET (or an unconfirmed POST) shows what will happen."""
    task = _managed_task(task_id)
    if request.method == "GET":
        return render_template(
            "confirm.html", title=_("关闭任务"), task=task, submit=_("确认关闭"),
            action=url_for("manage.close", task_id=task.id),
            explain=_("关闭后不能再认领，已参与的党员和完成情况不受影响。"),
            back=url_for("manage.task", task_id=task.id))
    if not confirmed():
        return redirect(url_for("manage.close", task_id=task.id), 303)
    if run_service(None, close_task, task, _actor(), denied=404):
        return _back_to_task(task, _("任务已关闭，不能再认领。"))
    return _back_to_task(task)


@bp.post("/tasks/<int:task_id>/cancel")
@staff_required
def cancel(task_id: int):
    """取消任务 with a reason, asked once: in the page (confirm.js), else a POST without
    ``confirmed=1`` is answered with the confirmation page itself, as 作废's — it names
    what will happen and the 已定稿 documents a need's move changes, and carries the
    reason typed; its 返回 posts the reason back (``returning``): never a link that drops
    it where no script keeps a draft, nor a redirect that puts it in a URL (walk45 #3)."""
    task = _managed_task(task_id, page=True)
    form = CancelForm()
    actor = _actor()
    asked = _asked_once(task, form, partial(_task_page, task, cancel=form),
                        partial(cancel_refusal, task, actor, lock=False),
                        partial(_confirm_cancel, task, form, actor))
    if asked is not None:
        return asked
    context = _task_page(task, cancel=form)
    if not form.validate():
        return _render_task(context)
    refused = _run_on_task(task, form, context, cancel_task, task, actor, form.reason.data)
    if refused is not None:
        return refused
    return _back_to_task(task, _("任务已取消，参与的党员会在“我的任务”中看到。"))


def _confirm_cancel(task, form, actor):
    """取消任务's confirmation page: what it does, the 已定稿 documents an admin's
    取消任务 changes by moving a need (``need_move_signed``), the reason as typed."""
    return render_template(
        "confirm.html", title=_("取消任务"), task=task, submit=_("确认取消任务"),
        action=url_for("manage.cancel", task_id=task.id), form=form, keeps=True,
        explain=ngettext("取消后不能恢复；已参与的%(n)d名党员会在“我的任务”中看到取消原因。",
                         "取消后不能恢复；已参与的%(n)d名党员会在“我的任务”中看到取消原因。",
                         task.taken, n=task.taken),
        back=url_for("manage.task", task_id=task.id),
        signed=signed_names(need_move_signed(actor, task)), signed_action=_("取消任务"))
