"""激活链接: making one-time links (admins, liaisons) and opening one (anyone with it).

The raw links exist only in the response that makes them: they are stored hashed,
so the page that lists them is rendered straight from the POST (and not cached). That
POST carries a one-time submission token: sent again — a double tap, or the page
reloaded after a link was copied into a chat — it makes nothing and revokes nothing,
and goes back to the list (the links handed out stay alive; they cannot be shown again).
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from ..auth.devices import describe
from ..errors import too_many_requests
from ..permissions import staff_required
from ..security import public_url_for, record_id_or_none
from ..throttle import unknown_link_wait
from ..services import PermissionDenied, ServiceError, attach_error, unit_of_work
from ..services.invitations import (
    MAKER_REFUSED,
    MAX_BATCH,
    accept_invitation,
    find_invitation,
    issue_links,
    latest_invitations,
    lifetime_days,
    may_reset,
    opened_by_its_maker,
    why_dead,
)
from ..onsite.qr import qr_svg
from ..resend import answered_on
from ..view_support import no_store
from .forms import IssueForm, SetPasswordForm
from . import queries as q

bp = Blueprint("invites", __name__)


@bp.after_request
def _no_store(response):
    return no_store(response, referrer=True)  # the link itself is a secret


def _unit_filter() -> int | None:
    return record_id_or_none(request.values.get("unit"))


@bp.route("/manage", methods=["GET", "POST"])
@staff_required
def manage():
    """Members in reach, those without a password first; tick some, get their links,
    or get them for the members without a password, a batch at a time."""
    unit_id = _unit_filter()
    role = q.role_filter(request.values.get("role"))
    pending_total = q.pending_count(current_user, unit_id, role)
    status = q.opening_status(request.values.get("status"), pending_total)
    page = q.members_page(current_user, unit_id, status,
                          current_app.config["INVITES_PAGE_SIZE"], role)
    form = IssueForm()
    form.members.choices = [(m.id, m.name) for m in page.items]
    if request.method == "POST":
        members, batch = None, None
        if request.form.get("pending") == "1":
            # 下一批: the batch after the last member of the one made before, by name
            after = q.members_by_id({record_id_or_none(request.form.get("after"))} - {None})
            members = q.pending_batch(current_user, unit_id, role, MAX_BATCH,
                                      after[0] if after else None)
            if not members:
                form.form_errors.append(_("没有未激活的党员。"))
                members = None
            else:
                done = _whole_number(request.form.get("done"))
                batch = dict(first=done + 1, last=done + len(members),
                             left=q.pending_left(current_user, unit_id, role, members[-1]),
                             after=members[-1].id, unit=unit_id, role=role)
        else:
            ids = {record_id_or_none(v) for v in request.form.getlist("members")} - {None}
            members = q.members_by_id(ids)
        if members is not None:
            # by hand, not run_service: a refusal of these members is a 403 page that
            # says so (「无权为所选党员生成激活链接。」), not run_service's bare 403
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
                # sent again (the page reloaded, a double tap): back to the list, the
                # links just made left alive (tracker/resend.py), none made again
                answered_on(url_for("invites.manage", unit=unit_id, role=role))
                return render_template(
                    "invites/issued.html",
                    rows=[(link, url, qr_svg(url)) for link, url in rows],
                    days=lifetime_days(), batch=batch,
                )
    units = q.units_in_reach(current_user)
    latest = latest_invitations([m.id for m in page.items])
    return render_template("invites/manage.html", page=page, form=form, units=units,
                           unit_id=unit_id, status=status, latest=latest, role=role,
                           roles=q.ROLE_CHOICES if may_reset(current_user) else (),
                           pending_total=pending_total, max_batch=MAX_BATCH,
                           days=lifetime_days(),
                           may_reset=may_reset(current_user))


def _whole_number(value) -> int:
    """The count of links the earlier batches made (shown as 第201–400人), 0 if unreadable."""
    return int(value) if (value or "").isdigit() and len(value) < 7 else 0


@bp.route("/<token>", methods=["GET", "POST"])
def accept(token: str):
    """The member opens the link, sets a password, and is logged in."""
    invitation = find_invitation(token)
    reason = why_dead(invitation)
    if reason is not None:
        # only an unknown token is a guess (counted, 429 past the limit); a known one,
        # even used or expired, is answered whatever others tried from this address
        wait = unknown_link_wait(request.remote_addr or "") if invitation is None else 0
        if wait:
            return too_many_requests(wait)
        status = 404 if invitation is None else 410
        return render_template("invites/dead.html", reason=reason), status
    if opened_by_its_maker(invitation, current_user):
        return render_template("invites/dead.html", reason=MAKER_REFUSED), 403
    form = SetPasswordForm()
    if form.validate_on_submit():
        # by hand, not run_service: every refusal, PermissionDenied included (the link
        # opened by its maker, past the check above), is a message on the form
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
