"""The member's own pages (/me): settings, 消息, the calendar feed, 我的个人信息.

Everything here is the signed-in member's own; another member's message answers
404. The calendar feed needs no login: its secret address is the credential, it
shows only its owner's tasks, and a new address revokes the old one.
"""
from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..calendar import ics
from ..downloads import in_wechat, offer_download
from ..errors import too_many_requests
from ..models import Role
from ..permissions import managed_community_ids
from ..reminders.available import configured, reminder_rules
from ..reminders.kinds import ASKING, KINDS, words_of
from ..security import is_safe_next, public_host, public_url_for
from ..throttle import export_wait, unknown_link_wait
from ..services.notify import (
    NotifySettings,
    mark_all_read,
    mark_read,
    new_calendar_token,
    opted_out,
    save_settings,
    settings_of,
    stop_calendar,
    token_hash,
)
from ..timeutil import utcnow
from ..view_support import no_store, run_service
from . import held
from . import queries as q
from ..fields import EmptyForm
from ..paging import page_number
from .forms import settings_form

bp = Blueprint("me", __name__)


def _offered():
    """The kinds a member is offered: a liaison's digests only to liaisons (and admins),
    what only an admin may do only to admins; notices about the account itself (audience
    "account") to nobody: they are always on."""
    staff = managed_community_ids(current_user) is None or bool(managed_community_ids(current_user))
    admin = current_user.role == Role.admin
    return [kind for kind in KINDS
            if kind.audience == "member" or (staff and kind.audience == "liaison")
            or (admin and kind.audience == "admin")]


# Account pages other areas add (issue 15's 登录设备): listed here when the app has them.
@bp.get("/")
@login_required
def index():
    """One place for a member's own settings: reminders, calendar, password, devices."""
    return render_template("me/index.html")


@bp.get("/data")
@login_required
def data():
    """我的个人信息: what the app holds about me, whom to ask to correct it, a download.
    The member's own only (nobody else's page exists); kept out of every cache."""
    days = int(current_app.config["MEMBER_RETENTION_DAYS"])
    kept = (_("%(n)d年", n=days // 365) if days % 365 == 0 else _("%(n)d天", n=days))
    return no_store(make_response(render_template(
        "me/data.html", held=held.summary(current_user), push=configured(current_app.config),
        kept=kept)))


@bp.get("/data.json")
@login_required
def data_json():
    """Everything held about me, participation records included, as one JSON file.
    Limited per member (EXPORT_LIMIT): each export reads the whole history.

    Inside WeChat, whose browser does not save files, the page that stands in for the
    file lists what it holds, counted, with the phone masked as 我的个人信息 shows it —
    not the file: the page promises the whole number only in the download (review
    walk3, #4). That page reads no record, so it is no export and is not counted."""
    filename = "my-data.json"

    def export_file() -> Response:
        wait = export_wait(current_user.id)
        if wait:
            return make_response(too_many_requests(wait, _("下载过于频繁，请稍后再试。")))
        body = json.dumps(held.export(current_user), ensure_ascii=False, indent=2)
        return Response(body, mimetype="application/json", headers={
            "Content-Disposition": f'attachment; filename="{filename}"'})

    return no_store(offer_download(
        export_file, filename=filename, preview="me/_data_contents.html",
        contents=held.contents(current_user) if in_wechat() else None))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    kinds = _offered()
    current = settings_of(current_user)
    off = opted_out(current_user)
    data = {"email": current.email, "email_on": current.email_on, "sms_on": current.sms_on,
            "sms_with_email": bool(current.sms_with_email),
            **{f"kind_{kind.code}": kind.code not in off for kind in kinds}}
    form = settings_form(kinds, data=data,
                         formdata=request.form if request.method == "POST" else None)
    push = configured(current_app.config)
    if form.validate_on_submit():
        # A channel this installation has no settings for is not on the page: keep its values.
        email_offered, sms_offered = "email" in push, "sms" in push
        chosen = NotifySettings(
            kinds_on={k.code for k in kinds if form[f"kind_{k.code}"].data},
            offered={k.code for k in kinds},
            email=form.email.data if email_offered else current.email,
            email_on=form.email_on.data if email_offered else current.email_on,
            sms_on=form.sms_on.data if sms_offered else current.sms_on,
            sms_with_email=(form.sms_with_email.data if sms_offered and email_offered
                            else bool(current.sms_with_email)))
        if run_service(form, save_settings, current_user, chosen):
            flash(_("提醒设置已保存。"), "success")
            return redirect(url_for("me.settings"))
    return render_template("me/settings.html", form=form, kinds=kinds, push=push,
                           rules=reminder_rules(current_app.config))


@bp.get("/messages")
@login_required
def messages():
    # ``said``: each message in the reader's language, worded from what it says
    return render_template("me/messages.html", page=q.messages_page(
        current_user.id, page_number(), current_app.config["PAGE_SIZE"]), form=EmptyForm(),
        said=words_of, asking=ASKING)


@bp.post("/messages/<int:message_id>/read")
@login_required
def read(message_id: int):
    """Mark one message read, then open what it is about (or stay on the list)."""
    message = q.load_message(message_id)
    if message is None or message.member_id != current_user.id:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        run_service(form, mark_read, message, current_user, denied=404)
    target = message.link if request.form.get("open") and is_safe_next(message.link) else None
    return redirect(target or url_for("me.messages"))


@bp.post("/messages/read-all")
@login_required
def read_all():
    if EmptyForm().validate_on_submit() and run_service(None, mark_all_read, current_user):
        flash(_("已全部标为已读。"), "success")
    return redirect(url_for("me.messages"))


@bp.route("/calendar", methods=["GET", "POST"])
@login_required
def calendar():
    """The secret feed address: shown once when made; a new one revokes the old."""
    form = EmptyForm()
    feed_url = None
    if form.validate_on_submit():
        if request.form.get("stop"):
            if run_service(form, stop_calendar, current_user):
                flash(_("日历订阅已停用，旧地址不再有效。"), "success")
                return redirect(url_for("me.calendar"))
        else:
            done = run_service(form, new_calendar_token, current_user)
            if done:
                feed_url = public_url_for("me.feed", token=done.value)
    active = settings_of(current_user).calendar_token_hash is not None or feed_url is not None
    return no_store(make_response(render_template(  # the address is a secret
        "me/calendar.html", form=form, feed_url=feed_url, active=active)))


@bp.get("/feed/<token>.ics")
def feed(token: str):
    # A secret link like /invite/ and /c/: unknown tokens from one address are counted,
    # and too many of them get a 429 (tracker/throttle.py, LINK_LIMIT_PER_ADDRESS); a
    # live address is served whatever the others polled from there
    owner = q.feed_owner(token_hash(token)) if len(token) <= 64 else None
    if owner is None:
        wait = unknown_link_wait(request.remote_addr or "")
        if wait:
            return too_many_requests(wait)
        abort(404)
    tasks = q.feed_tasks(owner.member_id, utcnow())
    body = ics(((task, public_url_for("tasks.detail", task_id=task.id)) for task in tasks),
               public_host(), utcnow(), _("我的共建任务"))
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, max-age=900"
    return response
