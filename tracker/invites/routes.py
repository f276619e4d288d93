"""激活链接: making one-time links (admins, liaisons) and opening one (anyone with it).

The raw links exist only in the response that makes them: they are stored hashed,
so the page that lists them is rendered straight from the POST (and not cached).
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.devices import describe
from ..errors import too_many_requests
from ..extensions import db
from ..paging import paginate
from ..models import Member, Unit
from ..permissions import staff_required
from ..security import public_url_for, record_id_or_none
from ..throttle import count_link_guess, link_guess_wait
from ..services import PermissionDenied, ServiceError, attach_error, unit_of_work
from ..services.invitations import (
    LIFETIME,
    MAKER_REFUSED,
    MAX_BATCH,
    accept_invitation,
    find_invitation,
    invitable_members_query,
    issue_links,
    latest_invitations,
    may_reset,
    opened_by_its_maker,
    why_dead,
)
from ..onsite.qr import qr_svg
from .forms import IssueForm, SetPasswordForm
from .queries import members_query, opening_status, pending_count

bp = Blueprint("invites", __name__)
PER_PAGE = 100


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the link itself is a secret
    return response


def _unit_filter() -> int | None:
    return record_id_or_none(request.values.get("unit"))


@bp.route("/manage", methods=["GET", "POST"])
@staff_required
def manage():
    """Members in reach, those without a password first; tick some, get their links."""
    unit_id = _unit_filter()
    pending_total = pending_count(current_user, unit_id)
    status = opening_status(request.values.get("status"), pending_total)
    page = paginate(members_query(current_user, unit_id, status)
                    .options(selectinload(Member.unit)), None, PER_PAGE)
    form = IssueForm()
    form.members.choices = [(m.id, m.name) for m in page.items]
    if request.method == "POST":
        members = None
        if request.form.get("pending") == "1":
            members = list(db.session.scalars(
                members_query(current_user, unit_id, "pending").limit(MAX_BATCH + 1)))
            if not members:
                form.form_errors.append(_("没有未激活的党员。"))
                members = None
        else:
            ids = {record_id_or_none(v) for v in request.form.getlist("members")} - {None}
            members = list(db.session.scalars(
                select(Member).where(Member.id.in_(ids)).order_by(Member.name_key, Member.id))) if ids else []
        if members is not None:
            try:
                with unit_of_work():
                    issued = issue_links(current_user, members)
                    rows = [(link, public_url_for("invites.accept", token=link.token))
                            for link in issued]
            except PermissionDenied:
                return render_template("errors/error.html", code=403, title=_("无权访问"),
                                       message=_("无权为所选党员生成激活链接。")), 403
            except ServiceError as error:
                attach_error(form, error)
            else:
                return render_template(
                    "invites/issued.html",
                    rows=[(link, url, qr_svg(url)) for link, url in rows],
                    days=LIFETIME.days,
                )
    units = _units_in_reach()
    latest = latest_invitations([m.id for m in page.items])
    return render_template("invites/manage.html", page=page, form=form, units=units,
                           unit_id=unit_id, status=status, latest=latest,
                           pending_total=pending_total, max_batch=MAX_BATCH,
                           may_reset=may_reset(current_user))


def _units_in_reach() -> list[Unit]:
    ids = invitable_members_query(current_user).with_only_columns(Member.unit_id).distinct()
    return list(db.session.scalars(
        select(Unit).where(Unit.id.in_(ids)).order_by(Unit.sort_key, Unit.id)))


@bp.route("/<token>", methods=["GET", "POST"])
def accept(token: str):
    """The member opens the link, sets a password, and is logged in."""
    wait = link_guess_wait(request.remote_addr or "")
    if wait:
        return too_many_requests(wait)
    invitation = find_invitation(token)
    reason = why_dead(invitation)
    if reason is not None:
        if invitation is None:
            count_link_guess(request.remote_addr or "")
        status = 404 if invitation is None else 410
        return render_template("invites/dead.html", reason=reason), status
    if opened_by_its_maker(invitation, current_user):
        return render_template("invites/dead.html", reason=MAKER_REFUSED), 403
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                started = accept_invitation(
                    token, form.new_password.data, address=request.remote_addr,
                    device=describe(request.headers.get("User-Agent", "")),
                    opened_by=current_user)
        except ServiceError as error:
            attach_error(form, error)
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session for the member: nothing of whoever was here
            if lang:
                session["lang"] = lang
            started.member.session_token = started.token
            login_user(started.member, remember=True, fresh=True)
            flash(_("密码已设置，您已登录。以后请用手机号和这个密码登录。"), "success")
            return redirect(url_for("main.index"))
    return render_template("invites/accept.html", form=form, invitation=invitation,
                           member=invitation.member)
