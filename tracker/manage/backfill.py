"""补录一次活动: the liaison records a past activity in one form, also to adopt a
member's 补录申请."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user

from ..backfill_requests.queries import ending_events, load_request
from ..permissions import manages_community, staff_required
from ..security import record_id
from ..services import name_problems
from ..rollups.batch import gather, run_together
from ..services.backfill import (
    backfill_closed_units_plan,
    backfill_closed_words,
    backfill_problems,
    record_past_activity,
)
from ..services.backfill_requests import (
    adopt_notices_plan,
    adopt_problems,
    adopt_through_backfill,
    applicant_refusals_plan,
    gone_task,
)
from ..i18n import month_name
from ..named_page import NamedFirst, ask_first
from ..services.then_pages import THEN_BACKFILL
from ..services.named_first import work_signed
from ..view_support import returning, run_service
from . import queries as q
from .common import _actor, _refuse_foreign_item, bp
from .forms import BackfillForm, BackfillPhotosForm, BackfillPicks


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


def _name_problems(form, actor, items, candidates) -> None:
    """A form its validators refused also names what the service would refuse of its
    other fields (a month already 定稿, a member of no partner unit), so one submit
    names every mistake; read only (no lock: the service checks again when the form
    passes). Not without a checklist item, which every such rule is about."""
    item = next((i for i in items if i.id == form.resource_item.data), None)
    if item is not None:
        name_problems(form, backfill_problems(actor, item, form.typed_data(item, candidates),
                                              hold=False, lock=False))


def _refusals(actor, item, data, source) -> list:
    """What the service would refuse of the 补录 ``data`` (adopting ``source``, a 补录申请,
    or None), as (form field, message), read only, no lock: 采纳's own refusals first
    (``adopt_problems``, as ``adopt_through_backfill`` asks them before 补录's), else
    补录's (``backfill_problems``). Its naming page is not shown then: the service
    refuses the post on the form, in its own words, never after a page and 确认
    (adoptorder46) — nor, refused for a month signed since, 「…有了变化…」 when they
    refuse it by the time the page is asked again (``NamedFirst.since``)."""
    return ((adopt_problems(item, data, source) if source is not None else [])
            or backfill_problems(actor, item, data, hold=False, lock=False))


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
    picked, day = picks.participants.data or [], picks.day()
    if request.method == "GET" and source is not None:
        picked, day = [source.member_id], source.activity_day  # the day it is filled with
    offered = q.backfill_candidates(actor, picks.q.data, picked, day=day)
    candidates = offered.members
    form = BackfillForm.for_members(candidates)()
    if request.method == "GET":
        form.resource_item.data = request.args.get("item", type=record_id)
        if source is not None:
            form.fill_from_request(source, items)
    form.set_choices(items, candidates, offered.units, offered.namesakes,
                     on_roll=offered.on_roll)
    # chosen now, while the items are as read: a 保存 the service refuses rolls back,
    # and a search of the list then would read each item again, one statement each
    # (post53); the one chosen is read afresh when its notice asks of it
    notice_item = _notice_item(source, form, items) if source is not None else None
    cut_note = None
    if offered.cut is not None:  # a list cut short says so, above the ticks and the 组长
        cut_note = form.leader.description = _(
            "仅列出前%(n)s人，请用上面的查找输入姓名或手机号。", n=offered.cut)
    if request.method == "POST":
        _refuse_foreign_item(actor, form.resource_item.data, items)
    data = None
    # (the confirmation page's 返回 shows the form as typed, nothing done)
    if form.is_submitted() and not form.find.data and not returning():
        if form.validate():
            item = next(i for i in items if i.id == form.resource_item.data)
            data = form.backfill_data(item, candidates)
        else:
            _name_problems(form, actor, items, candidates)
    if data is not None:
        # an admin's 补录 in a 已定稿 month or year — the activity's, or a participant's
        # unit's of the day: the documents it changes, named before it is saved (figures42
        # #1); what the service would refuse is said on the form instead, never asked: no
        # page (``_refusals``, read only), the post then held to naming nothing
        first = NamedFirst(lambda lock: work_signed(
            actor, item.unit_id, item.community_id, form.starts_at.data.date(),
            [p.member.id for p in data.participants], lock=lock),
            lambda named, since: None if _refusals(actor, item, data, source) else ask_first(
                named, title=_("补录活动"), submit=_("确认补录"), action=pgettext("确认页上的操作名", "补录该活动"),
                subject=data.title,
                explain=_("补录的活动保存后即视为审核通过，计入%(month)s的统计。",
                          month=month_name(data.starts_local.year, data.starts_local.month)),
                back=url_for("manage.backfill"),
                files=BackfillPhotosForm() if form.photos_chosen() else None, since=since),
            then=THEN_BACKFILL)
        if (asked := first.answer()) is not None:
            return asked
        # compared by the service after its refusals (``compare``): a post the pre-check
        # refused, held to naming nothing, is named afresh if that refusal is gone by the
        # service's locks, and a refusal is said in its own words (backfillnamed45); a
        # month signed since is answered by ``since`` (``since_off``): the page again or,
        # the pre-check refusing by then (another's change since the service's rollback:
        # the same activity recorded meanwhile), that refusal on the form
        done = (run_service(form, first.comparing(record_past_activity), actor, item, data,
                            denied=404, since_off=True)
                if source is None else
                run_service(form, first.comparing(adopt_through_backfill), actor, item, data,
                            source, denied=404, since_off=True))
        if not done and (asked := first.since(
                form, lambda: _refusals(actor, item, data, source))) is not None:
            return asked
        if done:
            flash(_("已补录活动，已计入统计。"), "success")
            if source is not None:
                flash(_("已采纳 %(name)s 的补录申请。", name=source.member.name), "success")
            return redirect(url_for("manage.task", task_id=done.value.id))
    gone = gone_task(source) if source is not None else None
    refused, closed = (_notices(source, actor, notice_item, day) if source is not None
                       else (None, None))
    return render_template("manage/backfill.html", form=form, items=items, day=day,
                           candidates=candidates, cut_note=cut_note, source=source, gone=gone,
                           ended=ending_events([gone]).get(gone.id) if gone else None,
                           closed=closed,
                           unadoptable=refused.unadoptable.get(source.id) if source else None,
                           on_day=refused.on_day.get(source.id) if source else None)


def _notice_item(source, form, items):
    """The item the notice over the 补录申请 ``source`` asks of: the one chosen, if it
    is of the request's community (the one there is, or the request's task's:
    ``BackfillForm.fill_from_request``), else None."""
    return next((i for i in items if i.id == form.resource_item.data
                 and i.community_id == source.community_id), None)


def _notices(source, actor, item, day):
    """What the form over the 补录申请 ``source`` says up front, its two read-only
    questions run as one statement (``run_together``, form52: neither waits on the
    other, nothing is locked): (``applicant_refusals``, the closed words).

    ``applicant_refusals``: her account or unit changed since she asked — why she is not
    offered, not a 500 (backfillkey47) —, or why 保存 would refuse her on the day typed
    (the request's, until another is typed), as the queue's card says it.

    The closed words: what the form says when the 补录 would be saved in a month (or
    year) closed to ``actor``: the service's own refusal, each signed unit named, what to
    re-open with it (``backfill_closed_words``), not a sentence of the page's own; None
    otherwise (``item``: ``_notice_item``). The month of ``day``, the activity's as
    typed (the request's own when nothing is: the form's first showing, or times left
    out): the liaison may move the
    times to another month, and 保存 asks the day typed — a refused 保存 or a 查找
    shown again speaks of that one (adoptnotice47's Open). With an item of the request's
    community chosen (the one there is, or the request's task's:
    ``BackfillForm.fill_from_request``) the very question 保存 asks of that item's unit
    and the member's (``backfill_closed_units``, read only: its plan); with none, every
    unit the 补录 could be recorded for, as the queue's card asks it (``adopt_notices``)
    — never a guess at the item (review46b)."""
    day = day or source.activity_day
    if item is None:
        closed = gather(adopt_notices_plan([source], actor, day=day),
                        shape=lambda notices: _notice_words(notices.get(source.id)))
    else:
        closed = gather(backfill_closed_units_plan(actor, item, day, [source.member_id]),
                        shape=lambda found: _units_words(*found))
    return run_together(applicant_refusals_plan([source], day=day), closed)


def _notice_words(notice):
    return notice.words if notice is not None else None


def _units_words(own, units):
    found = ([own] if own is not None else []) + units
    return backfill_closed_words(found) if found else None
