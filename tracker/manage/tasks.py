"""The task list, a new task (also 转为任务 from a need) and editing one."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..lists import active_categories
from ..needs import queries as need_queries
from ..paging import page_number
from ..reach import managed_communities
from ..permissions import manages_community, staff_required
from ..security import record_id
from ..services import name_problems
from ..services.needs import create_task_from_need
from ..services.tasks import (
    create_tasks,
    edit_problems,
    missing_item,
    off_checklist_note,
    task_shown_key,
    update_task,
)
from ..timeutil import to_local, utcnow
from ..view_support import plain_text, run_service, stale_aware, stale_page
from . import queries as q
from .common import _actor, _managed_task, _per_page, _refuse_foreign_item, bp
from .forms import TaskEditForm, TaskFilterForm, TaskForm, hint_personal_data


@bp.get("/tasks")
@staff_required
def tasks():
    actor = _actor()
    form = TaskFilterForm(request.args)
    form.set_choices(managed_communities(actor), active_categories())
    form.validate()  # bad values are shown and left out of the filter
    flt = q.TaskFilter(
        community_id=form.community.data,
        status=form.status_value(),
        category_id=form.category.data,
        date_from=None if form.date_from.errors else form.date_from.data,
        date_to=None if form.date_to.errors else form.date_to.data,
        keyword=form.q.data,
    )
    # one reading of the clock for the 状态 filter and every card's badge: a task ending
    # between two readings would be listed under 进行中 and badged 已结束
    now = utcnow()
    page = q.tasks_page(actor, flt, now, page_number(), _per_page())
    # each card's 组长 told apart from namesakes, read with the page's rows (docwords42)
    return render_template("manage/tasks.html", form=form, page=page, now=now,
                           names=q.card_names_read(tasks=page.items))


def _task_form_choices(form: TaskForm, actor, items) -> None:
    """Leaders are picked among the members of the chosen item's unit, or found by
    name or phone (查找); a list cut short says so. Each is marked by the roll of the
    task's day as typed (a 查找 or a refused post shows it again), today's before one
    is."""
    chosen = form.resource_item.data
    units = ({item.unit_id for item in items if item.id == chosen}
             # none chosen, or one not offered: every unit's members, not an empty list
             or {item.unit_id for item in items})
    typed = form.starts_at.data
    leaders = q.leader_candidates(units, form.leader_q.data,
                                  typed.date() if typed is not None else None)
    form.set_choices(items, leaders.members, leaders.on_roll)
    if leaders.cut is not None:
        form.leader.description = _(
            "仅列出前%(n)s人（已激活的在前），请在下面输入姓名或手机号查找。可不填，也可以以后在任务页面指定。",
            n=leaders.cut)


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
    if not form.find.data and form.validate_on_submit():  # 查找 only lists leaders
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
                flash(ngettext("已创建每周重复的 %(n)d 个任务。",
                               "已创建每周重复的 %(n)d 个任务。",
                               len(created), n=len(created)), "success")
                if (note := off_checklist_note(created, actor)) is not None:
                    flash(str(note), "warning")  # the task page speaks of its own task only
            return redirect(url_for("manage.task", task_id=created[0].id))
    return render_template("manage/task_form.html", form=form, task=None, items=items,
                           need=need, need_item=need and need_queries.item_without_tasks(
                               need, items))


def _need_to_convert():
    """The need of ``?need=`` (转为任务), or None; one outside the actor's reach is a 404."""
    need_id = request.args.get("need", type=record_id)
    if need_id is None:
        return None
    need = need_queries.load_need(need_id)
    if need is None or not manages_community(current_user, need.community_id):
        abort(404)
    return need


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_task(task_id: int):
    task = _managed_task(task_id)
    saved_start = to_local(task.starts_at).replace(tzinfo=None, second=0, microsecond=0)
    form = TaskEditForm(data={
        "title": task.title, "beneficiary": task.beneficiary, "place": task.place,
        "description": task.description, "slots": task.slots, "starts_at": saved_start,
        "ends_at": to_local(task.ends_at).replace(tzinfo=None, second=0, microsecond=0),
        "shown": task_shown_key(task),
    })
    form.saved_start = saved_start
    hint_personal_data(form, [task.resource_item])
    refused: list = []
    if form.validate_on_submit():
        done = run_service(form, stale_aware(refused, update_task), task, _actor(),
                           form.details(), shown=form.shown.data, denied=404)
        if done:
            flash(_("任务已修改。") if done.value else _("没有需要保存的修改。"), "success")
            return redirect(url_for("manage.task", task_id=task.id))
    elif request.method == "POST":  # and what the service would refuse of the rest
        name_problems(form, edit_problems(task, form.details()))
    return render_template("manage/task_form.html", form=form, task=task,
                           off_checklist=off_checklist_note([task], _actor()),
                           off_checklist_line=missing_item([task]),
                           stale=stale_page(form, refused, text=_time_text))


def _time_text(name: str, value) -> str:
    """A task field's stored value on a refused page: times as the form writes them."""
    text = plain_text(value)
    return text.replace("T", " ") if name in ("starts_at", "ends_at") else text

