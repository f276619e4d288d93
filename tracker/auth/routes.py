"""Log in, log out (here or everywhere), the member's login devices, change password."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..security import safe_next
from ..services import ServiceError, attach_error
from ..services.accounts import (LoggedIn, LoginAttempt, TooManyAttempts, change_password,
                                 log_in)
from ..services.sessions import end_own_session, live_sessions, log_out, log_out_everywhere
from ..view_support import run_service
from . import devices, relogin
from .forms import ChangePasswordForm, LoginForm
from .loader import current_session

bp = Blueprint("auth", __name__)


def _fresh_session() -> None:
    """A new session cookie (no fixation), keeping only the chosen language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _too_many(template: str, form, refusal: TooManyAttempts):
    attach_error(form, refusal)
    return render_template(template, form=form), 429, {"Retry-After": str(refusal.retry_after)}


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        target = safe_next(request.args.get("next"), url_for("main.index"))
        attempt = login_attempt(form.phone.data, form.password.data, bool(form.remember.data))
        # by hand, not run_service: TooManyAttempts is the 429 page with Retry-After;
        # log_in commits the attempt's count before the password is checked (its own
        # units of work)
        try:
            started = log_in(attempt)
        except TooManyAttempts as refusal:
            return _too_many("auth/login.html", form, refusal)
        except ServiceError as error:  # one message whether or not the account exists
            attach_error(form, error)
        else:
            response = redirect(target)
            signed_in(started, attempt.remember, response)
            return response
    return render_template("auth/login.html", form=form)


# The next two are the login's and the logout's work on this request's cookies, apart
# from the views so that tests/conftest.py's ``login`` does exactly what they do
# without sending the two requests.

def login_attempt(phone: str, password: str, remember: bool) -> LoginAttempt:
    """A login as this request asks for it: its address, its browser's name and the
    trusted-device cookie it carries."""
    device_id, device_members = devices.read()
    return LoginAttempt(
        phone=phone, password=password, address=request.remote_addr or "",
        device_name=devices.describe(request.headers.get("User-Agent", "")),
        remember=remember, device_id=device_id, device_members=device_members)


def signed_in(started: LoggedIn, remember: bool, response) -> None:
    """A login that passed, on this browser: a fresh session naming the new server-side
    session, what a login that ended was sending (if it was this member's), and the
    trusted-device cookie on ``response``."""
    stash = relogin.take_stash()
    _fresh_session()
    relogin.put_back(stash, started.member.id)
    started.member.session_token = started.token
    login_user(started.member, remember=remember)
    devices.remember(response, started.member.id)


def signed_out() -> None:
    """A login that ended, on this browser: a fresh session without the member."""
    _fresh_session()
    # After clearing: logout_user() leaves the flag that deletes the remember-me cookie.
    logout_user()


def _logged_out(message: str):
    signed_out()
    flash(message, "info")
    return redirect(url_for("auth.login"))


@bp.post("/logout")
@login_required
def logout():
    run_service(None, log_out, current_user, current_session())
    return _logged_out(_("您已退出登录。"))


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere():
    run_service(None, log_out_everywhere, current_user)
    return _logged_out(_("已退出所有设备上的登录。"))


@bp.get("/sessions")
@login_required
def sessions():
    return render_template("auth/sessions.html", rows=live_sessions(current_user),
                           current=current_session())


@bp.post("/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    done = run_service(None, end_own_session, current_user, session_id, current_session(),
                       denied=404)
    if done and done.value:
        return _logged_out(_("您已退出登录。"))
    if done:
        flash(_("已退出该设备上的登录。"), "success")
    return redirect(url_for("auth.sessions"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        # by hand, not run_service: TooManyAttempts is the 429 page with Retry-After
        try:  # its own units of work, as log_in
            change_password(current_user, form.current.data, form.new_password.data,
                            current_session())
        except TooManyAttempts as refusal:
            return _too_many("auth/password.html", form, refusal)
        except ServiceError as error:
            attach_error(form, error)
        else:  # this session carries on; every other one of this member has ended
            flash(_("密码已修改，其他设备上的登录已退出。"), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form)
