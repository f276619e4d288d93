"""需求清单 / 微心愿 (/needs): the board everyone signed in sees, a member's claims, and
the liaison's posting, editing, fulfilling and closing.

A need of a community outside the liaison's reach answers 404 to the liaison's pages,
as if it did not exist. A resident a need names is shown by the register's rules.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..permissions import staff_required
from ..reach import managed_among, managed_communities
from ..security import record_id
from ..services.needs import (
    need_shown_key,
    claim_need,
    close_need,
    fulfil_need,
    may_confirm,
    may_manage,
    may_release,
    may_see_resident,
    may_view_fulfil_photo,
    post_need,
    release_need,
    update_need,
)
from ..services.photos import image_path
from ..timeutil import local_today
from ..view_support import confirmed, no_store, run_service, stale_aware, stale_page
from . import queries as q
from .forms import KIND_LABELS, ClaimForm, CloseForm, FulfilForm, NeedEditForm, NeedForm

bp = Blueprint("needs", __name__)


# A need may name a resident: personal data stays out of caches, as on the register.
bp.after_request(no_store)


@bp.context_processor
def labels():
    return {"NEED_KIND": KIND_LABELS}


def _actor():
    return current_user._get_current_object()


def _need_or_404(need_id: int, *, manage: bool = False):
    need = q.load_need(need_id)
    if need is None or (manage and not may_manage(current_user, need)):
        abort(404)
    return need


@bp.get("/")
@login_required
def index():
    status = request.args.get("status")
    status = status if status in q.STATUSES else "open"
    communities = q.active_communities()
    community_id = request.args.get("community", type=record_id)
    if community_id not in {c.id for c in communities}:
        community_id = None
    page = q.board_page(status, community_id, local_today(), None,
                        current_app.config["PAGE_SIZE"])
    return render_template("needs/index.html", page=page, status=status, statuses=q.STATUSES,
                           communities=communities, community_id=community_id,
                           # the board's own list holds the ones in reach: no second read
                           may_post=bool(managed_among(_actor(), communities)),
                           today=local_today())


@bp.get("/mine")
@login_required
def mine():
    return render_template("needs/mine.html", needs=q.my_claims(current_user.id),
                           today=local_today())


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    communities = managed_communities(_actor())
    community_id = request.args.get("community", type=record_id)
    if community_id is None and len(communities) == 1:
        community_id = communities[0].id
    community = next((c for c in communities if c.id == community_id), None)
    if community is None:
        return render_template("needs/choose_community.html", communities=communities)
    form = NeedForm(community_id=community.id, **q.form_choices(community.id))
    if form.validate_on_submit():
        done = run_service(form, post_need, _actor(), form.need_data(community.id))
        if done:
            flash(_("需求已发布。"), "success")
            return redirect(url_for(".detail", need_id=done.value.id))
    return render_template("needs/form.html", form=form, community=community, need=None)


def _detail_page(need, **forms):
    actor = _actor()
    forms = {"fulfil_form": FulfilForm(formdata=None), "close_form": CloseForm(formdata=None),
             **forms}
    return render_template(
        "needs/detail.html", need=need, today=local_today(),
        manages=may_manage(actor, need), shows_resident=may_see_resident(actor, need),
        may_release=may_release(actor, need), shows_photo=may_view_fulfil_photo(actor, need),
        may_confirm=may_confirm(need),
        claim_form=ClaimForm(formdata=None), **forms)


@bp.get("/<int:need_id>")
@login_required
def detail(need_id: int):
    return _detail_page(_need_or_404(need_id))


@bp.route("/<int:need_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(need_id: int):
    need = _need_or_404(need_id, manage=True)
    form = NeedEditForm(obj=need, community_id=need.community_id,
                        saved_wanted_by=need.wanted_by, **q.form_choices(need.community_id))
    if request.method == "GET":
        form.kind.data = need.kind.value
        form.category.data, form.zone.data = need.category_id, need.zone_id
        form.resident.data, form.resource_item.data = need.resident_id, need.resource_item_id
        form.shown.data = need_shown_key(need)
    refused: list = []
    if form.validate_on_submit() and run_service(
            form, stale_aware(refused, update_need), need, _actor(),
            form.need_data(need.community_id), shown=form.shown.data):
        flash(_("已保存。"), "success")
        return redirect(url_for(".detail", need_id=need.id))
    return render_template("needs/form.html", form=form, community=need.community, need=need,
                           stale=stale_page(form, refused))


@bp.post("/<int:need_id>/claim")
@login_required
def claim(need_id: int):
    need = _need_or_404(need_id)
    form = ClaimForm()
    if form.validate_on_submit() and run_service(None, claim_need, need, _actor(),
                                                 for_unit=bool(form.for_unit.data)):
        flash(_("认领成功。完成后请告诉社区联络员，由联络员确认完成。"), "success")
        return redirect(url_for(".mine"))
    return redirect(url_for(".detail", need_id=need.id))


@bp.post("/<int:need_id>/release")
@login_required
def release(need_id: int):
    need = _need_or_404(need_id)
    # everyone signed in sees the need; giving it back is its claimer's and its liaison's
    if not may_release(current_user, need):
        abort(403)
    if not confirmed():  # asked once (walk12 #5), as a task's 取消认领 is
        return render_template(
            "confirm.html", title=_("取消认领"), subject=need.title, submit=_("确认取消认领"),
            action=request.path, back=url_for(".detail", need_id=need.id),
            explain=_("取消后该需求重新等待认领，其他人可以认领。"))
    if run_service(None, release_need, need, _actor(), denied=403):
        flash(_("已取消认领，该需求重新等待认领。"), "success")
    return redirect(url_for(".detail", need_id=need.id))


def _liaison_step(need_id: int, form, service, field: str, message: str, form_name: str,
                  **extra):
    """确认完成 / 关闭: a refusal is shown on the need's page, under the form's field."""
    need = _need_or_404(need_id, manage=True)
    if form.validate_on_submit() and run_service(form, service, need, _actor(),
                                                 getattr(form, field).data, denied=404,
                                                 **{k: v() for k, v in extra.items()}):
        flash(message, "success")
        return redirect(url_for(".detail", need_id=need.id))
    return _detail_page(need, **{form_name: form})


@bp.post("/<int:need_id>/fulfil")
@staff_required
def fulfil(need_id: int):
    form = FulfilForm()
    return _liaison_step(need_id, form, fulfil_need, "note", _("已确认完成。"), "fulfil_form",
                         photo=lambda: form.photo.data.read() if form.photo.data else None)


@bp.get("/<int:need_id>/photo/<any(full, thumb):size>")
@login_required
def photo(need_id: int, size: str):
    """The photo kept with a need done, for its liaison and whoever claimed it; anyone
    else signed in sees the need but is refused its photo (403)."""
    need = _need_or_404(need_id)
    if not need.fulfil_photo:
        abort(404)
    if not may_view_fulfil_photo(current_user, need):
        abort(403)
    path = image_path(need.fulfil_photo, thumb=size == "thumb")
    if not path.is_file():
        abort(404)
    # the blueprint's no_store applies: the photo may show a resident
    response = send_file(path, mimetype="image/jpeg", conditional=True, etag=True, max_age=0)
    response.headers["Content-Disposition"] = f"inline; filename=need-{need.id}.jpg"
    return response


@bp.post("/<int:need_id>/close")
@staff_required
def close(need_id: int):
    return _liaison_step(need_id, CloseForm(), close_need, "reason", _("需求已关闭。"),
                         "close_form")
