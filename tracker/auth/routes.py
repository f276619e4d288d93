"""Log in, log out, change password."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE

from ..extensions import limiter
from ..security import is_safe_next
from ..services import ServiceError, attach_error, unit_of_work
from ..services.accounts import authenticate, change_password
from .forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__)


def _failed(response) -> bool:
    """Only failed attempts count against the limits (success redirects)."""
    return response.status_code != 302


def _account_key() -> str:
    return "login-account:" + (request.form.get("phone") or "").strip()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_account_key,
               methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        member = authenticate(form.phone.data, form.password.data)
        if member is not None:
            target = request.args.get("next")
            lang = session.get("lang")
            session.clear()  # a fresh session at login: no fixation
            if lang:
                session["lang"] = lang
            login_user(member, remember=form.remember.data)
            return redirect(target if is_safe_next(target) else url_for("main.index"))
        # One message whether or not the account exists.
        form.password.errors.append(_("手机号或密码不正确。"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    # After clearing: logout_user() leaves the flag that deletes the remember-me cookie.
    logout_user()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                change_password(current_user, form.current.data, form.new_password.data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            # The new password ends every other session of this member; this one
            # carries on under the new login id.
            cookie = current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE)
            remembered = cookie in request.cookies
            login_user(current_user._get_current_object(), remember=remembered, fresh=True)
            flash(_("密码已修改。"), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form)
