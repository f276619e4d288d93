"""补录申请 (/backfill-requests): a member's 「我参加了但没有记录」, their list of
requests, and the liaison's queue (采纳 / 拒绝).

A request of a community outside the liaison's reach answers 404, as if it did not
exist; a member sees only their own.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..fields import EmptyForm
from ..named_page import NamedFirst, ask_first
from ..services.then_pages import THEN_ADOPT
from ..names import labels_with_unit, listed_among, with_unit
from ..permissions import manages_community, staff_required
from ..rollups.batch import run_together
from ..security import record_id
from ..timeutil import local_today
from ..services.backfill_requests import (
    REQUEST_DAYS_BACK,
    adopt_notices,
    adopt_into_task,
    adopt_signed_months,
    adoption_refused,
    adoption_refusals,
    applicant_refusals_plan,
    adoption_signed,
    ask_backfill,
    decline_request,
    gone_task,
    needs_backfill_form,
    withdraw_request,
)
from ..view_support import confirmed, returning, run_service
from . import queries as q
from .forms import DeclineForm, FindTasksForm, RequestForm

bp = Blueprint("backfill_requests", __name__)


def _actor():
    return current_user._get_current_object()


def _finder() -> FindTasksForm:
    """The search by day, as typed, checked against the request window: the request form's
    own 活动日期 box, posted with it (查找, or a send), or ``?day=`` of a GET (a link, a
    page sent before the box was part of the form)."""
    posted = request.method == "POST" and "day" in request.form
    finder = FindTasksForm(formdata=request.form if posted else request.args)
    finder.validate()
    finder.check_window(local_today(), REQUEST_DAYS_BACK)
    return finder


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """我参加了但没有记录; ``?task=`` (from a task page) picks the task, a day (the
    form's 查找, or ``?day=``) lists the tasks of that day instead of the most recent ones.
    查找 is a post of the request form itself, as 补录's is (walk44 #1): what was typed
    stays typed, nothing is checked or sent; the day travels with the form, so a refused
    page lists the same. The form posts to /new (with its ?task=, never its ?day=), the
    one address the device's draft is kept under (static/js/drafts.js), so the send that
    carries a draft ends it, whichever day was looked up."""
    actor = _actor()
    communities = q.working_communities(actor)
    finder = _finder()
    day = None if finder.day.errors else finder.day.data
    source = request.args if request.method == "GET" else request.form
    wanted = source.get("task", type=record_id)  # asked for by its page, or posted
    tasks = q.requestable_tasks(actor, [c.id for c in communities], day=day, include=wanted)
    form = RequestForm(member=actor)
    searching = request.method == "POST" and bool(form.find.data)
    if searching and finder.day.data is None and not finder.day.errors:
        finder.day.errors = [_("请填写活动日期。")]  # a 查找 with no day says so
    chosen = next((t for t in tasks if t.id == wanted), None)
    # the task asked for (or posted from a page read before) left out because its hours
    # are taken by another activity of theirs: said, naming it
    elsewhere = (q.left_out_for_overlap(actor, [c.id for c in communities], wanted)
                 if chosen is None and wanted is not None else None)
    if request.method == "GET":
        if chosen is not None:
            form.task.data, form.community.data = chosen.id, chosen.community_id
            form.service_date.data = chosen.service_date
        elif day is not None:
            form.service_date.data = day
    elif searching and day is not None and not form.service_date.data:
        form.service_date.data, form.service_date.raw_data = day, None  # the day looked up
    form.set_choices(communities, tasks)
    if not searching and form.validate_on_submit():
        if run_service(form, ask_backfill, actor, form.chosen_community(), form.request_data()):
            flash(_("补录申请已提交，等待社区联络员处理。"), "success")
            return redirect(url_for(".mine"))
    return render_template("backfill_requests/new.html", form=form, finder=finder, day=day,
                           searching=searching,
                           action=url_for(".new", task=request.args.get("task", type=record_id)),
                           day_tasks=day is not None and bool(tasks), elsewhere=elsewhere,
                           no_community=not communities, days_back=REQUEST_DAYS_BACK)


@bp.get("/mine")
@login_required
def mine():
    return render_template("backfill_requests/mine.html",
                           requests=q.my_requests(current_user.id))


@bp.post("/<int:request_id>/withdraw")
@login_required
def withdraw(request_id: int):
    row = q.load_request(request_id)
    if row is None or row.member_id != current_user.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for(".mine"))
    if row.is_pending and not confirmed():  # asked once (walk12 #5): typed again from scratch
        return render_template(
            "confirm.html", title=_("撤回补录申请"),
            subject=row.task.title if row.task else _("补录申请"), submit=_("确认撤回"),
            action=request.path, back=url_for(".mine"),
            explain=_("撤回后该申请不再处理；如还需要补录，须重新填写提交。"))
    if run_service(None, withdraw_request, row, _actor(), denied=404):
        flash(_("已撤回补录申请。"), "success")
    return redirect(url_for(".mine"))


@bp.get("/")
@staff_required
def queue():
    actor = _actor()
    queued = q.pending_queue(actor)
    rows = [row for row, _unit in queued]
    gone = {row.id: gone_task(row) for row in rows}
    # two requests by 陈艳 of one unit: which one is adopted or refused must show; each
    # named with the unit of its day, which 采纳 counts the work for (a member moved since
    # is named by the unit left)
    names = labels_with_unit((row.id, row.member, unit) for row, unit in queued)
    # one statement for the queue: refused a liaison (each signed unit named as 保存
    # would, review46b), or, for an admin, named before it is done (each asks
    # ``signed_adoptions`` for its own kind of actor only)
    closed = adopt_notices(rows, actor)
    signed = adopt_signed_months(rows, actor)
    # 补录's rule of the member, on no day and on the request's day (backfillkey47): one
    # part per community, none per request; who ended a gone activity, and why, a part
    # of the same statement (pagesb50)
    refused, ended = run_together(applicant_refusals_plan(rows),
                                  q.ending_events_plan(gone.values()))
    return render_template("backfill_requests/queue.html", requests=rows, names=names,
                           needs_form=needs_backfill_form, gone=gone,
                           ended=ended, closed=closed,
                           signed=signed, unadoptable=refused.unadoptable,
                           on_day=refused.on_day)


def _managed_adoption(request_id: int):
    """(the request, its member named as the queue names her: the unit of the request's
    day, namesakes apart by the queue's own rule — on 采纳's naming page, the 拒绝 page
    and the flashes after either, review44 #5, review45 #1), read in one statement (``queries.load_adoption``); 404 for a
    request not of a community the reader manages, as if it did not exist."""
    found = q.load_adoption(request_id, current_user)
    if found is None or not manages_community(current_user, found[0].community_id):
        abort(404)
    row, unit, namesakes = found
    return row, with_unit(listed_among(row.member_id, namesakes) or row.member.name, unit)


def _ask_adoption(row, name: str, named, since=None):
    """The confirmation page of an admin's 采纳 into an approved activity of a 已定稿
    month: the documents it changes, named as 添加遗漏的参加人员 names them; the member
    named ``name`` (``_managed_adoption``). None — no page, the service runs and says
    its refusal — when 采纳 would be refused (``adoption_refused``, read only), as
    添加遗漏的参加人员's refusal is said on its form. Asked naming nothing only again
    (``NamedFirst``: the first ask is for a naming) — what its page named no longer
    changed, the activity taken back by 撤销审核 since: the plain 采纳, confirmed
    knowingly (since49c's Open)."""
    if adoption_refused(row, _actor()):
        return None
    return ask_first(named, task=row.task, title=_("采纳补录申请"), submit=_("确认采纳"),
                     action=_("采纳该补录申请"),
                     explain=_("将%(name)s添加为该活动的参加人员，其服务时长计入统计。",
                               name=name),
                     back=url_for(".queue"), since=since)


@bp.post("/<int:request_id>/adopt")
@staff_required
def adopt(request_id: int):
    row, name = _managed_adoption(request_id)
    actor = _actor()
    form = EmptyForm()
    if not form.validate_on_submit() or returning():  # 返回: nothing done
        return redirect(url_for(".queue"))
    # an admin's, into an approved activity of a 已定稿 month or year: named first
    # (review43 #1) and held to what its page named, compared under the months' locks as
    # 添加遗漏的参加人员's (review43c #2). The key is of the signed documents alone: what
    # the service would refuse is refused at once, never asked (``_ask_adoption``), and a
    # refusal since the page is said in the service's words (review44 #2) — the service
    # compares after its refusals (``compare``), so a post the pre-check refused, held
    # to naming nothing, is named afresh if that refusal is gone by its locks (samehold44)
    first = NamedFirst(lambda lock: adoption_signed(row, actor, lock=lock),
                       lambda named, since: _ask_adoption(row, name, named, since),
                       then=THEN_ADOPT)
    if (asked := first.answer()) is not None:
        return asked
    # a month signed since its page (``since_off``): the page again or — 采纳 refused by
    # then (another's change since the service's rollback: the request adopted or
    # declined meanwhile) — that refusal in its own words, never 「…有了变化…」 with no
    # page above it (since49's Open)
    done = run_service(form, first.comparing(adopt_into_task), row, actor, denied=404,
                       since_off=True)
    if done is None:
        if (asked := first.since(form, lambda: adoption_refusals(row, actor))) is not None:
            return asked  # signed since its page: named afresh
        for message in form.form_errors:  # the queue says why, as a flash
            flash(str(message), "error")
    elif done.value.already_on:  # on the task already: nothing was added
        flash(_("已采纳 %(name)s 的补录申请：其已在任务“%(task)s”中，无需再添加。",
                name=name, task=row.task.title), "success")
    else:
        flash(_("已采纳 %(name)s 的补录申请，已加入任务“%(task)s”。",
                name=name, task=row.task.title), "success")
    return redirect(url_for(".queue"))


@bp.route("/<int:request_id>/decline", methods=["GET", "POST"])
@staff_required
def decline(request_id: int):
    row, name = _managed_adoption(request_id)  # named as the queue names her
    if not row.is_pending:
        # decided (the first of a double tap, another liaison, an old link or page): the
        # decision and its reason, not an empty form to decline again (walk44 #5)
        return render_template("backfill_requests/decline.html", form=None, row=row,
                               name=name, decider=q.decided_by(row))
    form = DeclineForm()
    if form.validate_on_submit() and run_service(form, decline_request, row, _actor(),
                                                 form.reason.data, denied=404):
        flash(_("已拒绝 %(name)s 的补录申请。", name=name), "success")
        return redirect(url_for(".queue"))
    return render_template("backfill_requests/decline.html", form=form, row=row, name=name)
