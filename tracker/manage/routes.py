"""工作台 (/manage), the liaison's blueprint: the home page, creating, editing and
managing tasks, the review queue (待审核) and stale tasks.

Every route needs a liaison or an admin; a record outside the actor's communities
answers 404, as if it did not exist, and nothing changes.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..paging import page_number
from ..backfill_requests.queries import load_request
from ..formatting import hours
from ..menu import menu_counts_with
from ..models import AssignmentStatus, Role, TaskStatus
from ..permissions import manages_community, manages_task, staff_required
from ..security import is_safe_next, record_id
from ..rollups.home import home_figures
from ..services import ServiceError, attach_error
from ..services.backfill import add_forgotten_participant, record_past_activity
from ..services.backfill_requests import adopt_through_backfill
from ..services.claims import assign_member, correct_minutes, task_span_minutes, withdraw
from ..services.reviews import approve_report, reopen_report, return_report
from ..services.summary_notes import closed_to
from ..services.voiding import has_recorded_work, void_activity, void_event, void_refusal
from ..services.task_needs import needs_of
from ..services.waitlist import leave_waitlist, promote_by_hand
from ..services.needs import create_task_from_need
from ..needs import queries as need_queries
from ..services.tasks import (
    cancel_task,
    change_leader,
    close_task,
    confirmed_hours_refusal,
    create_tasks,
    off_checklist_note,
    update_task,
)
from ..timeutil import to_local, utcnow
from ..view_support import confirmed, run_service, state_refusal
from . import queries as q
from .forms import (
    AddParticipantForm,
    AssignForm,
    BackfillForm,
    BackfillPicks,
    CancelForm,
    CorrectHoursForm,
    LeaderForm,
    ReopenForm,
    ReturnForm,
    VoidForm,
    TaskEditForm,
    TaskFilterForm,
    TaskForm,
    member_label,
)

bp = Blueprint("manage", __name__)

HOME_LIST = 5  # rows of each short list on the home page
UPCOMING_DAYS = 7


def _actor():
    return current_user._get_current_object()


def _per_page() -> int:
    return current_app.config["PAGE_SIZE"]


def _stale_days() -> int:
    return current_app.config["STALE_REVIEW_DAYS"]


def _next_or(default: str) -> str:
    """Back to the list an inline action was taken from (工作台, 待审核)."""
    target = request.args.get("next")
    return target if is_safe_next(target) else default


def _managed_task(task_id: int):
    task = q.load_task(task_id)
    if task is None or not manages_task(current_user, task):
        abort(404)
    return task


def _managed_report(report_id: int):
    report = q.load_report(report_id)
    if report is None or not manages_task(current_user, report.task):
        abort(404)
    return report


# --- 工作台 ------------------------------------------------------------------------------

@bp.get("/")
@staff_required
def home():
    """Action first — 待审核, 已退回待修改, 已结束未提交, 等待审核超过N天 — then the
    statistics. Every count on the page, the menu's too, is one statement; the four
    short lists another (``q.home_lists``)."""
    actor, now = _actor(), utcnow()
    counts, totals = menu_counts_with(actor, now, q.home_count_columns(actor))
    lists = q.home_lists(actor, now, days=UPCOMING_DAYS, limit=HOME_LIST)
    return render_template(
        "manage/home.html",
        counts=counts,
        pending=lists.pending,
        taking_part=lists.taking_part,
        unconfirmed=lists.unconfirmed,
        uncorrected=lists.uncorrected,
        uncorrected_total=totals["uncorrected"],
        unreported=lists.unreported,
        unreported_total=totals["unreported"],
        upcoming=lists.upcoming,
        upcoming_days=UPCOMING_DAYS,
        stale_days=_stale_days(),
        overdue_before=now - timedelta(days=_stale_days()),
        return_form=ReturnForm(formdata=None),
        home_figures=home_figures(q.scope_for(actor).community_ids, now=now, queues=False,
                                  open_findings=totals["open_findings"]),
        backfill_requests=totals["backfill_requests"],
    )


# --- tasks -------------------------------------------------------------------------------

@bp.get("/tasks")
@staff_required
def tasks():
    actor = _actor()
    form = TaskFilterForm(request.args)
    form.set_choices(q.managed_communities(actor), q.categories())
    form.validate()  # bad values are shown and left out of the filter
    flt = q.TaskFilter(
        community_id=form.community.data,
        status=form.status_value(),
        category_id=form.category.data,
        date_from=None if form.date_from.errors else form.date_from.data,
        date_to=None if form.date_to.errors else form.date_to.data,
        keyword=form.q.data,
    )
    page = q.tasks_page(actor, flt, utcnow(), page_number(), _per_page())
    return render_template("manage/tasks.html", form=form, page=page)


def _task_form_choices(form: TaskForm, actor, items) -> None:
    """Leaders are picked among the members of the chosen item's unit."""
    chosen = form.resource_item.data
    units = {item.unit_id for item in items if chosen is None or item.id == chosen}
    form.set_choices(items, q.member_candidates(units))


def _refuse_foreign_item(actor, item_id, items) -> None:
    """An item of a community the actor does not manage answers 404, like any record."""
    if item_id is None or any(item.id == item_id for item in items):
        return
    item = q.load_item(item_id)
    if item is not None and not manages_community(actor, item.community_id):
        abort(404)


@bp.route("/tasks/new", methods=["GET", "POST"])
@staff_required
def new_task():
    actor = _actor()
    items = q.active_items(actor)
    need = _need_to_convert()
    if need is not None:  # 转为任务: the need's community only, the form filled from it
        items = [i for i in items if i.community_id == need.community_id]
    form = TaskForm()
    if request.method == "GET":
        form.resource_item.data = request.args.get("item", type=record_id)
        if need is not None:
            form.resource_item.data = need_queries.task_item_for(need, items)
            form.title.data, form.description.data = need.title, need.description
            form.slots.data = need.people
    _task_form_choices(form, actor, items)
    if request.method == "POST":
        _refuse_foreign_item(actor, form.resource_item.data, items)
    if form.validate_on_submit():
        item = next(i for i in items if i.id == form.resource_item.data)
        leader = q.active_member(form.leader.data)
        if need is None:
            done = run_service(form, create_tasks, actor, item, form.task_data(leader),
                               denied=404)
        else:
            done = run_service(form, create_task_from_need, actor, need, item,
                               form.task_data(leader), denied=404)
        if done:
            created = done.value
            if len(created) == 1:
                flash(_("任务已创建。"), "success")
            else:
                flash(_("已创建每周重复的 %(n)d 个任务。", n=len(created)), "success")
                if (note := off_checklist_note(created)) is not None:
                    flash(str(note), "warning")  # the task page speaks of its own task only
            return redirect(url_for("manage.task", task_id=created[0].id))
    return render_template("manage/task_form.html", form=form, task=None, items=items,
                           need=need)


def _need_to_convert():
    """The need of ``?need=`` (转为任务), or None; one outside the actor's reach is a 404."""
    need_id = request.args.get("need", type=record_id)
    if need_id is None:
        return None
    need = need_queries.load_need(need_id)
    if need is None or not manages_community(current_user, need.community_id):
        abort(404)
    return need


# --- 补录 ----------------------------------------------------------------------------------

def _request_to_record():
    """The 补录申请 a 补录 adopts (``?request=`` on the way in, ``from_request`` in the
    form), or None; one outside the actor's reach is a 404."""
    request_id = (request.form.get("from_request", type=record_id) if request.method == "POST"
                  else request.args.get("request", type=record_id))
    if request_id is None:
        return None
    source = load_request(request_id)
    if source is None or not manages_community(current_user, source.community_id):
        abort(404)
    return source


@bp.route("/backfill", methods=["GET", "POST"])
@staff_required
def backfill():
    """补录一次活动. 查找 re-shows the form with more members to pick (keeping what was
    typed and picked); only 保存 writes. From a 补录申请 the form comes filled in and
    saving it marks the request 已采纳."""
    actor = _actor()
    items = q.active_items(actor)
    source = _request_to_record()
    picks = BackfillPicks(request.form if request.method == "POST" else request.args)
    picked = picks.participants.data or []
    if request.method == "GET" and source is not None:
        picked = [source.member_id]
    candidates = q.backfill_candidates(actor, picks.q.data, picked)
    form = BackfillForm.for_members(candidates)()
    if request.method == "GET":
        form.resource_item.data = request.args.get("item", type=record_id)
        if source is not None:
            form.fill_from_request(source, items)
    form.set_choices(items, candidates)
    if request.method == "POST":
        _refuse_foreign_item(actor, form.resource_item.data, items)
    data = None
    if form.is_submitted() and not form.find.data and form.validate():
        item = next(i for i in items if i.id == form.resource_item.data)
        try:
            data = form.backfill_data(item, candidates)
        except ServiceError as error:  # a 摸排问题 line that cannot be read
            attach_error(form, error)
    if data is not None:
        done = (run_service(form, record_past_activity, actor, item, data, denied=404)
                if source is None else
                run_service(form, adopt_through_backfill, actor, item, data, source, denied=404))
        if done:
            flash(_("已补录活动，已计入统计。"), "success")
            if source is not None:
                flash(_("已采纳 %(name)s 的补录申请。", name=source.member.name), "success")
            return redirect(url_for("manage.task", task_id=done.value.id))
    return render_template("manage/backfill.html", form=form, items=items,
                           candidates=candidates, source=source)


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_task(task_id: int):
    task = _managed_task(task_id)
    saved_start = to_local(task.starts_at).replace(tzinfo=None, second=0, microsecond=0)
    form = TaskEditForm(data={
        "title": task.title, "beneficiary": task.beneficiary, "place": task.place,
        "description": task.description, "slots": task.slots, "starts_at": saved_start,
        "ends_at": to_local(task.ends_at).replace(tzinfo=None, second=0, microsecond=0),
    })
    form.saved_start = saved_start
    if form.validate_on_submit():
        done = run_service(form, update_task, task, _actor(), form.details(), denied=404)
        if done:
            flash(_("任务已修改。") if done.value else _("没有需要保存的修改。"), "success")
            return redirect(url_for("manage.task", task_id=task.id))
    return render_template("manage/task_form.html", form=form, task=task,
                           off_checklist=off_checklist_note([task]))


def _task_page(task, *, assign=None, leader=None, cancel=None, add=None, reopen=None,
               void=None) -> dict:
    """The manage-task page's context; a submitted form is passed in to keep its input.

    An approved task is not edited or assigned (approval is final): instead its page
    offers 添加遗漏的参加人员 (the liaison of the community, or an admin — in a 已定稿
    month an admin only) and, to an admin, 撤销审核. An activity on record (a report, or
    confirmed hours: 取消任务 no longer applies) offers 作废 to whoever may
    (``voiding.void_refusal``), and a voided one says who voided it, when and why."""
    actor = _actor()
    search = (request.args.get("q") or "").strip()[:40]
    holders = q.participants_by_task([task.id])[task.id]
    on_task = {a.member_id for a in holders}
    candidates = [m for m in q.member_candidates([task.unit_id], search)
                  if m.id not in on_task]
    assign = assign or AssignForm(formdata=None)
    assign.member.choices = [("", _("请选择"))] + [(m.id, member_label(m)) for m in candidates]
    leader = leader or LeaderForm(formdata=None, data={"leader": task.leader_id})
    leader.leader.choices = _leader_choices(task, holders, candidates)
    cancel = cancel or CancelForm(formdata=None)
    approved = task.report_approved
    add = add or AddParticipantForm(formdata=None)
    # those marked 缺席 first: the leader may have marked them wrongly
    absent = [a.member for a in holders
              if a.status == AssignmentStatus.absent and a.member.active]
    add.member.choices = [("", _("请选择"))] + [(m.id, member_label(m))
                                                 for m in absent + candidates]
    cancel_refusal = confirmed_hours_refusal(task)  # None: no member's hours confirmed
    # on record: 取消任务 no longer applies, 作废 does
    on_record = task.status != TaskStatus.cancelled and has_recorded_work(task)
    return dict(task=task, participants=holders, search=search, assign_form=assign,
                leader_form=leader, cancel_form=cancel, waitlist=q.waitlist(task.id),
                approved=approved, add_form=add,
                add_closed=approved and closed_to(actor, task.unit_id, task.community_id,
                                                  task.service_date),
                reopen_form=(reopen or ReopenForm(formdata=None))
                if approved and actor.role == Role.admin else None,
                cancel_refusal=cancel_refusal,
                void_form=(void or VoidForm(formdata=None)) if on_record else None,
                void_refusal=void_refusal(task, actor) if on_record else None,
                voided=void_event(task),
                off_checklist=off_checklist_note([task]))


def _render_task(context: dict):
    task = context["task"]
    return render_template(
        "manage/task.html", **context, report_url=url_for("tasks.report", task_id=task.id),
        cancel_reason=q.cancel_reason(task), now=utcnow(), needs=needs_of(task),
    )


def _leader_choices(task, holders, candidates):
    """Participants first, then the current leader, then other candidates."""
    people = [a.member for a in holders]
    if task.leader is not None:
        people.append(task.leader)
    people += candidates
    seen, choices = set(), [("", _("不设组长"))]
    for member in people:
        if member.id not in seen and (member.active or member.id == task.leader_id):
            seen.add(member.id)
            choices.append((member.id, member_label(member)))
    return choices


@bp.get("/tasks/<int:task_id>")
@staff_required
def task(task_id: int):
    return _render_task(_task_page(_managed_task(task_id)))


def _run_on_task(task, form, context: dict, service, *args):
    """Run the service of a task-page form (``run_service``). Out of reach: 404.
    Refused: a refusal about what was typed goes under the field, one about the task's
    state (full, cancelled, already reported …) is flashed on the task page, and that
    response comes back. None: it went through."""
    if run_service(form, service, *args, denied=404):
        return None
    if (refusal := state_refusal(form)) is not None:
        return _back_to_task(task, refusal, "error")
    return _render_task(context)


def _back_to_task(task, message=None, category="success"):
    """Back to the task page, flashing ``message`` if given (``run_service`` flashes
    a refusal itself)."""
    if message is not None:
        # str(): a lazy message would reach the session as Markup and skip escaping,
        # and refusals can carry names people typed.
        flash(str(message), category)
    return redirect(url_for("manage.task", task_id=task.id))


@bp.post("/tasks/<int:task_id>/assign")
@staff_required
def assign(task_id: int):
    task = _managed_task(task_id)
    # The search text travels in the form's URL, so the same members are offered.
    form = AssignForm()
    context = _task_page(task, assign=form)  # the choices the form is checked against
    if not form.validate():
        return _render_task(context)
    member = q.active_member(form.member.data)
    refused = _run_on_task(task, form, context, assign_member, task, member, _actor())
    if refused is not None:
        return refused
    return _back_to_task(task, _("已指派 %(name)s。", name=member.name))


@bp.post("/tasks/<int:task_id>/add-participant")
@staff_required
def add_participant(task_id: int):
    """添加遗漏的参加人员 of an approved activity (``backfill.add_forgotten_participant``)."""
    task = _managed_task(task_id)
    form = AddParticipantForm()
    context = _task_page(task, add=form)
    if not form.validate():
        return _render_task(context)
    member = q.load_member(form.member.data)
    refused = _run_on_task(task, form, context, add_forgotten_participant, _actor(), task,
                           member, form.hours.minutes)
    if refused is not None:
        return refused
    return _back_to_task(task, _("已将 %(name)s 添加为该活动的参加人员，已计入统计。",
                                 name=member.name))


@bp.post("/tasks/<int:task_id>/reopen")
@staff_required
def reopen(task_id: int):
    """撤销审核 (an admin): the approved report goes back to 退回 with a reason."""
    task = _managed_task(task_id)
    if task.report is None:
        return _back_to_task(task, _("只有已审核通过的完成情况可以撤销审核。"), "error")
    form = ReopenForm()
    context = _task_page(task, reopen=form)
    if not form.validate() and context["reopen_form"] is not None:
        return _render_task(context)  # else the service says who may
    refused = _run_on_task(task, form, context, reopen_report, task.report, _actor(),
                           form.reason.data)
    if refused is not None:
        return refused
    return _back_to_task(task, _("已撤销审核：完成情况已退回，在重新审核通过前不计入统计。"))


@bp.route("/tasks/<int:task_id>/void", methods=["GET", "POST"])
@staff_required
def void(task_id: int):
    """作废 a recorded activity that did not happen, with a reason, asked once like
    取消任务 (``voiding.void_activity``)."""
    task = _managed_task(task_id)
    if request.method == "GET":
        if (refusal := void_refusal(task, _actor())) is not None:
            return _back_to_task(task, refusal, "error")
        form = VoidForm(formdata=None, data={"reason": request.args.get("reason", "")[:500]})
        people = [a for a in q.participants_by_task([task.id])[task.id]
                  if a.status == AssignmentStatus.done]
        return render_template(
            "confirm.html", title=_("作废该活动"), task=task, submit=_("确认作废"),
            action=url_for("manage.void", task_id=task.id), form=form,
            explain=_("作废后该活动不再计入任何统计（月报、进展、参与情况），%(n)d名党员共%(h)s小时的服务时长"
                      "不再计入，他们会收到通知；记录保留并标为已作废，不能恢复。",
                      n=len(people), h=hours(sum(a.minutes or 0 for a in people))),
            back=url_for("manage.task", task_id=task.id))
    form = VoidForm()
    context = _task_page(task, void=form)
    if not form.validate() and context["void_form"] is not None:
        return _render_task(context)  # else the service says why not
    if not confirmed():
        return redirect(url_for("manage.void", task_id=task.id, reason=form.reason.data), 303)
    refused = _run_on_task(task, form, context, void_activity, task, _actor(),
                           form.reason.data)
    if refused is not None:
        return refused
    return _back_to_task(task, _("该活动已作废，不再计入统计；参加的党员会收到通知。"))


@bp.route("/assignments/<int:assignment_id>/hours", methods=["GET", "POST"])
@staff_required
def correct_hours(assignment_id: int):
    """改正服务时长 of one participant (``claims.correct_minutes``)."""
    assignment = q.load_assignment(assignment_id)
    if assignment is None or not manages_task(current_user, assignment.task):
        abort(404)
    task = assignment.task
    form = CorrectHoursForm()
    if form.validate_on_submit() and run_service(form, correct_minutes, assignment, _actor(),
                                                 form.hours.minutes, form.reason.data,
                                                 denied=404):
        return _back_to_task(task, _("已将 %(name)s 的服务时长改为 %(hours)s 小时。",
                                     name=assignment.member.name,
                                     hours=hours(assignment.minutes)))
    return render_template("manage/hours.html", task=task, assignment=assignment, form=form,
                           span=task_span_minutes(task))


def _act_on_person(row, service, done):
    """One of the liaison's actions on a person of a task — an assignment or a 候补 entry
    — then back to the task; ``done(name)`` is what is said when it worked."""
    if row is None or not manages_task(current_user, row.task):
        abort(404)
    task, name = row.task, row.member.name
    if run_service(None, service, row, _actor(), denied=404):
        return _back_to_task(task, done(name))
    return _back_to_task(task)


@bp.post("/assignments/<int:assignment_id>/remove")
@staff_required
def remove_assignment(assignment_id: int):
    return _act_on_person(q.load_assignment(assignment_id), withdraw,
                          lambda name: _("已将 %(name)s 移出该任务。", name=name))


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
                          lambda name: _("已将 %(name)s 移出候补名单。", name=name))


@bp.post("/tasks/<int:task_id>/leader")
@staff_required
def leader(task_id: int):
    task = _managed_task(task_id)
    form = LeaderForm()
    context = _task_page(task, leader=form)
    if not form.validate():
        return _render_task(context)
    # Any chosen member: the service refuses an inactive one with a message.
    new_leader = q.load_member(form.leader.data)
    refused = _run_on_task(task, form, context, change_leader, task, new_leader, _actor())
    if refused is not None:
        return refused
    if new_leader is None:
        return _back_to_task(task, _("已取消组长。"))
    return _back_to_task(task, _("组长已改为 %(name)s。", name=new_leader.name))


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


@bp.route("/tasks/<int:task_id>/cancel", methods=["GET", "POST"])
@staff_required
def cancel(task_id: int):
    """取消任务 with a reason, asked once like 关闭任务."""
    task = _managed_task(task_id)
    if request.method == "GET":
        if (refusal := confirmed_hours_refusal(task)) is not None:
            return _back_to_task(task, refusal, "error")
        form = CancelForm(formdata=None, data={"reason": request.args.get("reason", "")[:500]})
        return render_template(
            "confirm.html", title=_("取消任务"), task=task, submit=_("确认取消任务"),
            action=url_for("manage.cancel", task_id=task.id), form=form,
            explain=_("取消后不能恢复；已参与的%(n)d名党员会在“我的任务”中看到取消原因。",
                      n=task.taken),
            back=url_for("manage.task", task_id=task.id))
    form = CancelForm()
    context = _task_page(task, cancel=form)
    if not form.validate():
        return _render_task(context)
    if not confirmed():
        return redirect(url_for("manage.cancel", task_id=task.id, reason=form.reason.data), 303)
    refused = _run_on_task(task, form, context, cancel_task, task, _actor(),
                           form.reason.data)
    if refused is not None:
        return refused
    return _back_to_task(task, _("任务已取消，参与的党员会在“我的任务”中看到。"))


# --- 待审核 ------------------------------------------------------------------------------

@bp.get("/reviews")
@staff_required
def queue():
    page = q.pending_reports(_actor(), page_number(), _per_page())
    people = q.participants_by_task([r.task_id for r in page.items])
    return render_template("manage/queue.html", page=page, people=people,
                           stale_days=_stale_days(),
                           overdue_before=utcnow() - timedelta(days=_stale_days()))


def _render_report(report, form=None):
    people = q.participants_by_task([report.task_id])[report.task_id]
    # Approval is final: whoever has not confirmed by then never counts for this task.
    unconfirmed = [a.member.name for a in people
                   if a.status not in (AssignmentStatus.done, AssignmentStatus.absent)]
    return render_template("manage/report.html", report=report, task=report.task,
                           participants=people, unconfirmed=unconfirmed,
                           form=form or ReturnForm(formdata=None))


@bp.get("/reports/<int:report_id>")
@staff_required
def report(report_id: int):
    return _render_report(_managed_report(report_id))


@bp.post("/reports/<int:report_id>/approve")
@staff_required
def approve(report_id: int):
    report = _managed_report(report_id)
    if not run_service(None, approve_report, report, _actor(), denied=404):
        return redirect(url_for("manage.report", report_id=report.id))
    flash(_("已通过：%(title)s。", title=report.task.title), "success")
    return redirect(_next_or(url_for("manage.queue")))


@bp.post("/reports/<int:report_id>/return", endpoint="return_report")
@staff_required
def return_view(report_id: int):
    report = _managed_report(report_id)
    form = ReturnForm()
    if form.validate():
        if run_service(form, return_report, report, _actor(), form.reason.data, denied=404):
            flash(_("已退回：%(title)s，组长会看到退回原因。", title=report.task.title), "success")
            return redirect(_next_or(url_for("manage.queue")))
        if (refusal := state_refusal(form)) is not None:  # the report's state, not the reason
            flash(str(refusal), "error")
            return redirect(url_for("manage.report", report_id=report.id))
    return _render_report(report, form)


# --- stale ---------------------------------------------------------------------------------

@bp.get("/stale")
@staff_required
def stale():
    actor, now = _actor(), utcnow()
    return render_template(
        "manage/stale.html",
        tasks=q.stale_tasks(actor, now, page_number(), _per_page()),
        overdue=q.overdue_reports(actor, now, _stale_days(), 1, _per_page()),
        stale_days=_stale_days(),
    )
