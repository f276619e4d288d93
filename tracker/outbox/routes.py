"""Reminder administration (/outbox): the admin's channel status page with the
failed messages, and each community's work-group robot, set by its liaison or an
admin (a community out of reach answers 404)."""
from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..config import sms_unsigned
from ..permissions import admin_required, manages_community, staff_required
from ..reminders.available import configured
from ..reminders.kinds import words_of
from ..reminders.reasons import words
from ..reminders.trial import send_robot_test
from ..extensions import db
from ..models import Member
from ..security import key_id
from ..services.notify import (
    WebhookData,
    retry_message,
    save_webhook,
    start_robot_test,
    stop_webhook,
    webhook_shown_key,
)
from ..templating import local_dt
from ..view_support import confirmed, run_service, stale_aware
from . import queries as q
from ..fields import EmptyForm
from ..paging import page_number
from .forms import WebhookForm

bp = Blueprint("outbox", __name__)


@bp.get("/")
@admin_required
def status():
    channels, robots = q.status_figures()
    return render_template("outbox/status.html", channels=channels,
                           configured=configured(current_app.config), robots=robots,
                           failed=q.failed_page(page_number(), current_app.config["PAGE_SIZE"]),
                           form=EmptyForm(), describe=words, said=words_of,
                           sms_unsigned=sms_unsigned(current_app.config))


@bp.post("/messages/<int:message_id>/retry")
@admin_required
def retry(message_id: int):
    message = q.load_message(message_id) or abort(404)
    if EmptyForm().validate_on_submit() and run_service(None, retry_message, current_user, message):
        flash(_("已重新排队，下次运行提醒任务时发送。"), "success")
    return redirect(url_for("outbox.status"))


@bp.get("/webhooks")
@staff_required
def webhooks():
    rows = q.communities_for(current_user)
    return render_template("outbox/webhooks.html", rows=rows,
                           last=q.robot_deliveries(community.id for community, _robot in rows))


def _community(community_id: int):
    community = q.load_community(community_id)
    if community is None or not manages_community(current_user, community.id):
        abort(404)
    return community


@bp.route("/webhooks/<int:community_id>", methods=["GET", "POST"])
@staff_required
def webhook(community_id: int):
    community = _community(community_id)
    robot = q.load_webhook(community.id)
    form = WebhookForm(data={"channel": robot.channel.value if robot else None,
                             "shown": webhook_shown_key(robot)})
    refused: list = []
    if form.validate_on_submit():
        data = WebhookData(form.channel.data, form.url.data, form.secret.data)
        if run_service(form, stale_aware(refused, save_webhook), current_user, community, data,
                       shown=form.shown.data, denied=404):
            flash(_("已保存%(name)s的工作群机器人。", name=community.name), "success")
            return redirect(url_for("outbox.webhooks"))
    stale = None
    if refused:
        # the robot as the refusal read it under the lock; saved again from this page
        # (the URL typed again: it is never sent back), knowingly over it
        change = refused[0].merge.conflicts[0]
        form.shown.data = refused[0].merge.resolved_key()
        robot = q.load_webhook(community.id)
        # what the page showed is the posted key (unsigned): read as a robot only when
        # it is one, else 不详 — never a 500, never anyone named by a posted id
        shown = _robot_text(change.shown, community.id, posted=True) if change.known else None
        stale = [_("打开页面时：%(robot)s", robot=shown or _("（不详）")),
                 _("现在：%(robot)s", robot=_robot_text(change.now, community.id))]
    return render_template("outbox/webhook.html", form=form, community=community, robot=robot,
                           stop_form=EmptyForm(formdata=None), stale=stale,
                           robot_key=webhook_shown_key(robot),
                           last=q.robot_deliveries([community.id]).get(community.id))


def _robot_text(state, community_id: int, *, posted: bool = False) -> str | None:
    """A robot as a refused page names it (``notify.robot_state``): its channel, 在用 or
    停用, who saved or stopped it and when — never its URL or secret. None when
    ``state`` is no robot state (the page's posted key, forged or broken). In a
    ``posted`` state, who saved it is named only when they may set this community's
    robot now (its liaisons, the admins, as a real save's ``by`` was): a posted id
    names no one else."""
    if state is None:
        return _("未设置机器人")
    if not isinstance(state, dict) or state.get("channel") not in ("wecom", "dingtalk") \
            or not isinstance(state.get("active"), bool):
        return None
    by = state.get("by")
    try:
        at = local_dt(datetime.fromisoformat(state["at"]))
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    who = db.session.get(Member, found) if (found := key_id(by)) is not None else None
    if posted and who is not None and not manages_community(who, community_id):
        who = None
    channel = _("企业微信群机器人") if state["channel"] == "wecom" else _("钉钉群机器人")
    name = who.name if who is not None else "—"
    if state["active"]:
        return _("%(channel)s，在用（%(name)s 于 %(at)s 保存）", channel=channel, name=name, at=at)
    return _("%(channel)s，已停用（%(name)s 于 %(at)s 停用）", channel=channel, name=name, at=at)


@bp.post("/webhooks/<int:community_id>/test")
@staff_required
def test(community_id: int):
    """「发送测试消息」: counted and audited in one unit of work (refused when too often),
    then sent with no transaction open; the answer is shown on the robot's page."""
    community = _community(community_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    started = run_service(None, start_robot_test, current_user, community, denied=404)
    if started:
        error = send_robot_test(current_user, started.value, current_app.config)
        if error is None:
            flash(_("测试消息已发送，请到工作群查看。"), "success")
        else:
            flash(_("测试消息发送失败：%(error)s", error=error), "error")
    return redirect(url_for("outbox.webhook", community_id=community.id))


@bp.post("/webhooks/<int:community_id>/stop")
@staff_required
def stop(community_id: int):
    community = _community(community_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    shown = request.form.get("shown")
    robot = q.load_webhook(community.id)
    if robot is not None and robot.active and not confirmed():
        # asked once, as 停用 of a member: with JavaScript off (or a dialog blocked) the
        # page's data-confirm asks nothing, and a stopped robot is switched on again only
        # with its full address typed again — which the page never shows back
        return render_template(
            "confirm.html", title=_("停用机器人"), subject=community.name,
            submit=_("确认停用"), action=request.path,
            hidden={"shown": shown} if shown is not None else None,
            back=url_for("outbox.webhook", community_id=community.id),
            explain=_("停用后，该社区的工作群不再收到提醒。要重新启用，需要再次填写机器人的"
                      "完整地址（已保存的地址不再显示）。"))
    # the robot the page showed (its ``shown``): another's robot is not stopped unseen
    if run_service(None, stop_webhook, current_user, community, denied=404,
                   shown=shown):
        flash(_("已停用%(name)s的工作群机器人。", name=community.name), "success")
        return redirect(url_for("outbox.webhooks"))
    return redirect(url_for("outbox.webhook", community_id=community.id))
