"""服务对象: the register (liaisons, admins), own pairings (members), and the residents a
visit or assistance task served.

Every response of this blueprint carries ``Cache-Control: no-store`` (personal data);
URLs carry record ids only; a resident outside the visitor's reach answers 404.
"""
from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, selectinload

from ..downloads import offer_download
from ..security import public_url_for, record_id_or_none
from ..extensions import db
from ..fields import strip_line
from ..paging import paged_with_total, paginate_prepared
from ..models import Resident, ResidentCategory, Task
from ..permissions import manages_community
from ..reach import managed_communities
from ..services import name_problems, unit_of_work
from ..services.residents import (
    ERASED_REFUSED,
    RESIDENTS_NAMED_SINCE,
    resident_shown_key,
    ResidentData,
    archive_resident,
    create_resident,
    delete_resident,
    erase_resident,
    export_resident,
    fixed_residents,
    has_history,
    kind_change_closed,
    kind_change_signed,
    may_manage,
    may_pick_residents,
    may_view,
    pairing_candidate_list,
    pickable_residents,
    record_view,
    resident_problems,
    restore_resident,
    served_count,
    set_task_residents,
    task_residents,
    task_residents_closed,
    task_residents_shown_key,
    task_residents_signed,
    update_resident,
    visible_residents_query,
    visit_history,
)
from ..admin.told import signed_names
from ..named_page import NamedFirst, said_afresh
from ..services import reopened
from ..services.roll import named_key
from ..templating import resident_name
from ..view_support import (
    confirmed,
    named_aware,
    no_store,
    run_service,
    stale_aware,
    stale_page,
)
from .forms import CATEGORY_LABELS, EraseForm, ResidentEditForm, ResidentForm, TaskResidentsForm

bp = Blueprint("residents", __name__)

SEARCH_MAX = 40  # as the member directory's search field (admin.forms.MemberFilterForm)


bp.after_request(no_store)


@bp.context_processor
def labels():
    return {"RESIDENT_CATEGORY": CATEGORY_LABELS}


def _resident_or_404(resident_id: int, *, manage: bool = False) -> Resident:
    """The resident, or 404 for whoever may not see the record; with ``manage``, 403
    for whoever sees it but may not change it (the paired member). Its community and
    paired members come in the same statement: every page of the record shows both, and
    whether the reader is one of the paired is then asked of them (``is_paired``)."""
    resident = db.session.get(Resident, resident_id, options=(
        joinedload(Resident.community), joinedload(Resident.paired_members)))
    if resident is None or not may_view(current_user, resident):
        abort(404)
    if manage and not may_manage(current_user, resident):
        abort(403)
    return resident


def _int_arg(name: str) -> int | None:
    return record_id_or_none(request.args.get(name))


@bp.get("/")
@login_required
def index():
    """Residents the visitor may see: a liaison's communities, or a member's pairings."""
    communities = managed_communities(current_user)
    community_id = _int_arg("community")
    if community_id not in {c.id for c in communities}:
        community_id = None
    category = request.args.get("category")
    category = ResidentCategory(category) if category in {c.value for c in ResidentCategory} \
        else None
    archived = request.args.get("archived") == "1"
    # a part of a name, read as the member directory reads its 姓名或手机号 (40 at most)
    search = strip_line(request.args.get("q") or "")[:SEARCH_MAX]
    query = visible_residents_query(current_user, community_id=community_id,
                                    category=category, archived=archived,
                                    search=search or None)
    # the community joined into the page's own statement (one row each), and each row
    # carrying the list's total (``paged_with_total``): no second SELECT of them, nor
    # a COUNT — the page within the design's 6
    page = paginate_prepared(
        paged_with_total(query.options(selectinload(Resident.paired_members),
                                       joinedload(Resident.community))),
        {}, lambda row: row[0], None, current_app.config["RESIDENTS_PAGE_SIZE"])
    return render_template(
        "residents/index.html", page=page, communities=communities,
        community_id=community_id, category=category, archived=archived,
        search=search, search_max=SEARCH_MAX, manages=bool(communities),
    )


def _data(form: ResidentForm, community_id: int | None) -> ResidentData:
    return ResidentData(
        community_id=community_id, name=form.name.data or "", category=form.category_value,
        address=form.address.data or "", phone=form.phone.data, notes=form.notes.data,
        consent_date=form.consent_date.data, consent_method=form.consent_method.data or "",
        paired_ids=set(form.paired_ids.data or []),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    communities = managed_communities(current_user)
    if not communities or current_user.role.value == "member":
        abort(403)
    community_id = _int_arg("community")
    if community_id is None and len(communities) == 1:
        community_id = communities[0].id
    community = next((c for c in communities if c.id == community_id), None)
    if community is None:
        return render_template("residents/choose_community.html", communities=communities)
    candidates, namesakes = pairing_candidate_list(community.id)
    form = ResidentForm(candidates=candidates, namesakes=namesakes)
    if form.validate_on_submit():
        done = run_service(form, create_resident, current_user, _data(form, community.id))
        if done:
            flash(_("服务对象已登记。"), "success")
            return redirect(url_for(".detail", resident_id=done.value.id))
    elif request.method == "POST":  # and what the service would refuse of the rest
        name_problems(form, resident_problems(_data(form, community.id)))
    return render_template("residents/form.html", form=form, community=community, resident=None)


def _detail_page(resident: Resident, *, full: bool, erase_form: EraseForm | None = None):
    return render_template(
        "residents/detail.html", resident=resident, visits=visit_history(resident, shown=True),
        manages=may_manage(current_user, resident), deletable=not has_history(resident),
        full=full, erase_form=erase_form or EraseForm(formdata=None),
    )


@bp.get("/<int:resident_id>")
@login_required
def detail(resident_id: int):
    """The record with the sensitive fields (address, phone, notes) held back.

    GET changes nothing; seeing the full record is a deliberate POST (``full``),
    and each such view is written to the audit trail.
    """
    return _detail_page(_resident_or_404(resident_id), full=False)


@bp.post("/<int:resident_id>/full")
@login_required
def full(resident_id: int):
    """The full record, shown once per request and logged (PIPL access record)."""
    resident = _resident_or_404(resident_id)
    if not run_service(None, record_view, resident, current_user, denied=404):
        return redirect(url_for(".detail", resident_id=resident_id))  # erased: refused
    return _detail_page(resident, full=True)


@bp.route("/<int:resident_id>/edit", methods=["GET", "POST"])
@login_required
def edit(resident_id: int):
    """The register form, filled in from the record: opening it is a view of the full
    record and is written to the audit trail like ``full``; a refused save shows only
    what was sent."""
    resident = _resident_or_404(resident_id, manage=True)
    if resident.erased_at is not None:
        # read-only history: the form would show the blanks to type a new person into
        # (``update_resident`` refuses the save too), and its opening would log a view
        flash(str(ERASED_REFUSED), "error")
        return redirect(url_for(".detail", resident_id=resident_id))
    # Paired members who have since left the candidates stay listed, so an edit keeps
    # them (after the candidates, each with her namesakes read as theirs are)
    candidates, namesakes = pairing_candidate_list(
        resident.community_id, keep=[m.id for m in resident.paired_members])
    form = ResidentEditForm(obj=resident, candidates=candidates, namesakes=namesakes)
    if request.method == "GET":
        form.category.data = resident.category.value
        form.paired_ids.data = [m.id for m in resident.paired_members]
        form.shown.data = resident_shown_key(resident)
        # The form shows the address, phone and notes: the same access record as the
        # 查看住址、电话和备注 button (PIPL), one per opening of the form. Not
        # run_service: this write is not the form's submission (once=False), and
        # _resident_or_404(manage=True) has already refused whoever may not change it.
        with unit_of_work(once=False):
            record_view(resident, current_user)
    refused: list = []
    if form.validate_on_submit():
        data = _data(form, resident.community_id)
        # an admin's change of her kind moves the households / people served of the
        # approved visits naming her: the signed documents they count in are named
        # first, the form kept as typed, 确认保存 posting it again (as 冲销's page) with
        # the key of what it named (``named``)
        if not confirmed():
            naming = kind_change_signed(current_user, resident, data.category,
                                        shown=form.shown.data)
            if naming:
                return _kind_named(form, resident, naming)
        # a month signed (or re-opened) since the page was read: named afresh, what was
        # typed kept, nothing saved, by ``NamedFirst.since``'s rule — the form is its own
        # naming page, posting ``named`` rather than ``named_page.KEY``: what the change
        # names read again after the service's rollback, not what it found under its
        # locks (since51); the words said first only to a post from the naming page; a
        # post straight from the form, shown no naming, is asked the plain question, as
        # the first time (residentkind46) — saying why when it names nothing now
        first = NamedFirst(
            lambda lock=False: kind_change_signed(
                current_user, resident, _data(form, resident.community_id).category,
                shown=form.shown.data),
            lambda named, since: _kind_named(form, resident, named, since),
            then=reopened.THEN_EDIT)
        # what the page named: the naming page's key (None: a post from no page of
        # ours, not asked), or — the form itself, just found naming nothing — nothing,
        # so a month signed before the save commits is named, not changed
        first.shown = confirmed()
        first.promised = form.named.data if first.shown else ""
        if run_service(form, first.aware(stale_aware(refused, update_resident)),
                       resident, current_user, data, shown=form.shown.data,
                       named=first.promised, since_off=True):
            flash(_("已保存。"), "success")
            return redirect(url_for(".detail", resident_id=resident.id))
        asked = first.since()
        if asked is not None:
            return asked
    elif request.method == "POST":
        data = _data(form, resident.community_id)
        if form.category_absent:  # a held 类别: the save keeps the stored kind
            data.category = resident.category
        name_problems(form, resident_problems(data))
    # a kind a save would refuse to change (an approved visit naming her in a 已定稿
    # month): held, the refusal's words beside it, the other fields still offered —
    # asked only for the page shown, the save asks it under its locks
    held = kind_change_closed(current_user, resident, lock=False)
    if held:
        form.hold_category(resident.category, held)
    return render_template("residents/form.html", form=form, community=resident.community,
                           resident=resident, stale=stale_page(form, refused))


def _kind_named(form: ResidentEditForm, resident: Resident, naming, since=None):
    """The register form as typed, naming the signed documents a change of her kind
    changes (``naming``), 确认保存 posting it again with their key; a naming now empty
    (re-opened since) gives the form back with 保存. ``since``: the words said first
    when asked again (``NamedFirst.since``), on the form."""
    form.named.data = named_key(naming)
    if since:
        form.form_errors.append(since)
    return render_template("residents/form.html", form=form, community=resident.community,
                           resident=resident, signed=signed_names(naming), stale=None)


def _state_change(resident_id: int, service, message: str, done_endpoint: str = ".detail"):
    resident = _resident_or_404(resident_id, manage=True)
    if not run_service(None, service, resident, current_user):
        return redirect(url_for(".detail", resident_id=resident_id))
    flash(message, "success")
    if done_endpoint == ".index":
        return redirect(url_for(".index"))
    return redirect(url_for(done_endpoint, resident_id=resident_id))


@bp.post("/<int:resident_id>/archive")
@login_required
def archive(resident_id: int):
    return _state_change(resident_id, archive_resident,
                         _("已归档。归档后不再出现在名单中，走访记录保留。"))


@bp.post("/<int:resident_id>/restore")
@login_required
def restore(resident_id: int):
    return _state_change(resident_id, restore_resident, _("已恢复。"))


@bp.post("/<int:resident_id>/delete")
@login_required
def delete(resident_id: int):
    """删除登记信息, asked once (walk10 D13): gone for good, unlike 归档. One with
    history is refused at once (the service says 只能归档): nothing to ask."""
    resident = _resident_or_404(resident_id, manage=True)
    if not confirmed() and not has_history(resident):
        back = url_for(".detail", resident_id=resident_id)
        return render_template(
            "confirm.html", title=_("删除登记信息"), subject=resident_name(resident),
            submit=_("确认删除"), action=request.path, back=back,
            explain=_("删除后此人的登记信息（姓名、住址、电话、同意记录等）全部清除，不能恢复；"
                      "如只是不再服务，请用“归档”，走访记录和信息保留。"))
    return _state_change(resident_id, delete_resident, _("登记信息已删除。"), ".index")


@bp.post("/<int:resident_id>/export")
@login_required
def export(resident_id: int):
    """Everything held about this resident, as a JSON file (admins; audited)."""
    resident = _resident_or_404(resident_id)
    done = run_service(None, export_resident, resident, current_user)
    if not done:
        return redirect(url_for(".detail", resident_id=resident_id))
    body = json.dumps(done.value, ensure_ascii=False, indent=2)
    filename = f"resident-{resident_id}.json"
    # a POST: inside WeChat the page to open in the browser is the resident's own
    return offer_download(
        lambda: Response(body, mimetype="application/json", headers={
            "Content-Disposition": f'attachment; filename="{filename}"'}),
        filename=filename, preview="downloads/_json_preview.html", body=body,
        link=public_url_for("residents.detail", resident_id=resident_id))


@bp.post("/<int:resident_id>/erase")
@login_required
def erase(resident_id: int):
    """Erase this resident's personal data (admins; audited); the history stays."""
    resident = _resident_or_404(resident_id)
    if not current_user.is_admin:
        abort(403)
    form = EraseForm()
    if form.validate_on_submit() and run_service(form, erase_resident, resident, current_user):
        flash(_("已删除该服务对象的个人信息，走访记录和统计保留。"), "success")
        return redirect(url_for(".detail", resident_id=resident_id))
    return _detail_page(resident, full=False, erase_form=form)


@bp.route("/task/<int:task_id>", methods=["GET", "POST"])
@login_required
def for_task(task_id: int):
    """The leader or liaison names the residents a visit or assistance task served."""
    # the page shows the task's category, community and report (受益): one statement
    task = db.session.get(Task, task_id, options=(
        joinedload(Task.category), joinedload(Task.community), joinedload(Task.report)))
    if task is None or not may_pick_residents(current_user, task):
        abort(404)
    options = pickable_residents(task, current_user)
    form = TaskResidentsForm()
    form.residents.choices = [
        (r.id, (_("%(name)s（%(category)s）", name=r.name, category=CATEGORY_LABELS[r.category])
                if r.active else
                _("%(name)s（%(category)s，已归档）", name=r.name, category=CATEGORY_LABELS[r.category]))
               + (f" {r.masked_phone}" if r.phone else ""))
        for r in options
    ]
    offered = {r.id for r in options}
    served = None  # as the task names them now: read once on a GET, after a save's try
    if request.method == "GET":
        served = task_residents(task)
        form.residents.data = [r.id for r in served if r.id in offered]
        form.shown.data = task_residents_shown_key(form.residents.data)
    # an approved visit's 服务对象 of a 已定稿 month: an admin is told which signed
    # documents a save changes, anyone else that only an admin may (no 保存 offered)
    closed = task_residents_closed(current_user, task)
    since: list = []
    if form.validate_on_submit():
        picked = set(form.residents.data or [])
        # ``named``: what the page read named (None: a post from no page of ours)
        if run_service(form, named_aware(since, set_task_residents), task, current_user,
                       picked, shown=form.shown.data, named=form.named.data, since_off=True):
            flash(_("服务对象已保存。"), "success")
            return redirect(url_for(".for_task", task_id=task.id))
    if served is None:
        served = task_residents(task)
    # the page names what is signed now, and posts that back
    signed = task_residents_signed(current_user, task)
    if since:
        # refused for what the page named: said against what a save names now, read
        # afresh after the service's rollback — not what it found under its locks: a
        # month signed there and re-opened since leaves nothing to point at
        # (``named_page.said_afresh``: then ``THEN_SAVE.none``; since51) —
        # always a post that was shown a naming: the page names what is signed on every
        # read, nothing included; the re-opened words end on its button, 保存
        form.form_errors.append(said_afresh(form.named.data, signed, RESIDENTS_NAMED_SINCE,
                                            shown=True, actor=current_user,
                                            then=reopened.THEN_SAVE))
    form.named.data = named_key(signed)
    return render_template("residents/task.html", task=task, form=form,
                           served=served, count=served_count(task, served),
                           # not said where nothing is offered (``closed``)
                           fixed=[] if closed else fixed_residents(task, current_user),
                           manages=manages_community(current_user, task.community_id),
                           closed=closed, signed=signed_names(signed))
