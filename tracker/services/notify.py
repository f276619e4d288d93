"""A member's reminder settings, in-app messages and calendar feed; a community's
work-group robot. Plain state changes, each with its AuditEvent."""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from ..i18n import lazy_gettext as _l
from sqlalchemy import delete, select, update

from .. import throttle
from ..extensions import db
from ..models import (
    Channel,
    Community,
    CommunityWebhook,
    Member,
    MemberNotify,
    Outbox,
    OutboxStatus,
    ReminderOptOut,
    WEBHOOK_CHANNELS,
)
from ..permissions import manages_community
from ..reminders.kinds import BY_CODE
from ..reminders.secrets import encrypt, mask_url
from ..timeutil import utcnow
from . import PermissionDenied, ServiceError
from . import shown as shown_module
from .audit import record

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def settings_of(member: Member) -> MemberNotify:
    """The member's settings row (defaults when they never saved any; not added)."""
    return db.session.get(MemberNotify, member.id) or default_settings(member.id)


def default_settings(member_id: int) -> MemberNotify:
    """The settings of a member who never saved any (not added)."""
    return MemberNotify(member_id=member_id, email=None, email_on=False, sms_on=True,
                        sms_with_email=False)


@dataclass
class NotifySettings:
    kinds_on: set[str] = field(default_factory=set)  # of the kinds offered to the member
    offered: set[str] = field(default_factory=set)
    email: str | None = None
    email_on: bool = False
    sms_on: bool = True
    sms_with_email: bool = False


def save_settings(member: Member, data: NotifySettings) -> None:
    """Which kinds remind me, and where (in-app is always on)."""
    email = (data.email or "").strip() or None
    if email is not None and (len(email) > 120 or not EMAIL.match(email)):
        raise ServiceError(_l("请输入正确的电子邮箱地址。"), field="email")
    if data.email_on and email is None:
        raise ServiceError(_l("要用邮件提醒，请先填写电子邮箱。"), field="email")
    unknown = data.offered - BY_CODE.keys()
    if unknown:
        raise ServiceError(_l("未知的提醒类型。"))
    row = db.session.get(MemberNotify, member.id)
    if row is None:
        row = MemberNotify(member_id=member.id)
        db.session.add(row)
    row.email, row.email_on, row.sms_on = email, data.email_on, data.sms_on
    row.sms_with_email = data.sms_with_email
    row.updated_at = utcnow()
    off = data.offered - data.kinds_on
    db.session.execute(delete(ReminderOptOut).where(ReminderOptOut.member_id == member.id,
                                                    ReminderOptOut.kind.in_(data.offered)))
    db.session.add_all(ReminderOptOut(member_id=member.id, kind=kind) for kind in sorted(off))
    db.session.flush()
    record(member, "reminder_settings", member, off=sorted(off), email_on=data.email_on,
           sms_on=data.sms_on, sms_with_email=data.sms_with_email)


def opted_out(member: Member) -> set[str]:
    return set(db.session.scalars(
        select(ReminderOptOut.kind).where(ReminderOptOut.member_id == member.id)))


# --- 消息 ----------------------------------------------------------------------------------

def mark_read(message: Outbox, member: Member) -> None:
    if message.member_id != member.id or message.channel != Channel.inapp:
        raise PermissionDenied(_l("无权操作。"))
    if message.read_at is None:
        message.read_at = utcnow()
        record(member, "read", message)


def mark_all_read(member: Member) -> int:
    result = db.session.execute(
        update(Outbox).where(*Outbox.unread_for(member.id)).values(read_at=utcnow()),
        execution_options={"synchronize_session": False})
    if result.rowcount:
        record(member, "read_all", member, count=result.rowcount)
    return result.rowcount


# --- the personal calendar feed -----------------------------------------------------------

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_calendar_token(member: Member) -> str:
    """A new secret feed address; the old one stops working (only the hash is kept)."""
    token = secrets.token_urlsafe(24)
    row = db.session.get(MemberNotify, member.id)
    if row is None:
        row = MemberNotify(member_id=member.id, email_on=False, sms_on=True)
        db.session.add(row)
    row.calendar_token_hash = token_hash(token)
    row.updated_at = utcnow()
    db.session.flush()
    record(member, "calendar_token", member)
    return token


def stop_calendar(member: Member, actor: Member | None = None, reason: str | None = None) -> None:
    """The feed address stops working: the member's 停用日历订阅, or (``reason``) with
    the end of every session — 退出所有设备, a new password — since the address is a
    credential a calendar service holds, and a lost phone's calendar keeps it."""
    row = db.session.get(MemberNotify, member.id)
    if row is not None and row.calendar_token_hash is not None:
        row.calendar_token_hash = None
        row.updated_at = utcnow()
        if reason is None:
            record(member, "calendar_stop", member)
        else:
            record(actor, "calendar_stop", member, reason=reason)


# --- a community's work-group robot -------------------------------------------------------

@dataclass
class WebhookData:
    channel: str
    url: str
    secret: str | None = None


# Where each robot lives; WEBHOOK_HOSTS (config) names more hosts for a private
# deployment's own relay (and the tests' local recorder).
ROBOT_HOSTS = {Channel.wecom: "qyapi.weixin.qq.com", Channel.dingtalk: "oapi.dingtalk.com"}


def webhook_allowed(channel: Channel, url: str) -> bool:
    """Whether the server may post a community's reminders to ``url``: the channel's own
    robot over https, or a host the operator listed in WEBHOOK_HOSTS."""
    parts = urlsplit(url)
    if parts.hostname is None:
        return False
    if parts.scheme == "https" and parts.hostname == ROBOT_HOSTS.get(channel):
        return True
    return parts.hostname in current_app.config.get("WEBHOOK_HOSTS", ())


def _may_configure(actor: Member, community: Community) -> None:
    """The community's liaison, or an admin."""
    if not actor.is_admin and not (actor.is_liaison and manages_community(actor, community.id)):
        raise PermissionDenied(_l("无权操作。"))


# review "robotstale": the robot page's key, refused on any change since (a plain key)
WEBHOOK_STALE = _l("您打开此页之后，该社区的工作群机器人已被他人修改，没有保存。请核对现在的机器人；如仍要替换，请重新粘贴 Webhook 地址（和加签密钥）后保存。")


def robot_state(robot: CommunityWebhook | None) -> dict | None:
    """What the robot page shows of a community's robot, as a plain value: None when it
    has none; else its channel, whether it is 在用, who saved or stopped it last and
    when. Every save and 停用 sets ``updated_at``, so two robots that read alike here
    are one. Never the URL or the secret (the key is in the page)."""
    if robot is None:
        return None
    return {"channel": robot.channel.value, "active": bool(robot.active),
            "by": robot.updated_by_id, "at": robot.updated_at.isoformat()}


def webhook_shown_key(robot: CommunityWebhook | None) -> str:
    """The robot page's hidden ``shown``: the robot it showed (``robot_state``)."""
    return shown_module.shown_key({"robot": robot_state(robot)})


def _lock_robot(community: Community) -> CommunityWebhook | None:
    """The community's robot as committed now, under its community's row lock: two
    saves (or a save and a 停用) of one community's robot take turns, the first robot
    of a community included (there is no robot row to lock yet). FOR NO KEY UPDATE:
    rows that only reference the community (tasks, residents) are not held up."""
    db.session.execute(select(Community.id).where(Community.id == community.id)
                       .with_for_update(key_share=True))
    return db.session.scalars(select(CommunityWebhook)
                              .where(CommunityWebhook.community_id == community.id)
                              .execution_options(populate_existing=True)).one_or_none()


def save_webhook(actor: Member, community: Community, data: WebhookData, *,
                 shown: str | None = None) -> CommunityWebhook:
    """Set the community's robot, whole: channel, URL, secret, 在用.

    A robot is one thing (a URL and its secret belong to one channel's robot): posted
    from the robot page (``shown``: its ``webhook_shown_key``), a save from a page read
    before another liaison or an admin saved or stopped the robot is refused whole
    (``shown.StaleEdit``, ``WEBHOOK_STALE``), the page naming the robot now — never the
    other's robot replaced unseen. ``shown`` None (not from a page): no check."""
    _may_configure(actor, community)
    channel = Channel(data.channel)
    if channel not in WEBHOOK_CHANNELS:
        raise ServiceError(_l("请选择企业微信或钉钉。"), field="channel")
    url = (data.url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or len(url) > 500:
        raise ServiceError(_l("请粘贴机器人的完整 Webhook 地址（以 https:// 开头）。"), field="url")
    if not webhook_allowed(channel, url):
        # the server posts names, titles and links there: never to an address of the
        # operator's own network (or anywhere else) that a liaison account typed in
        raise ServiceError(_l("只能填写企业微信（https://qyapi.weixin.qq.com/…）或钉钉（https://oapi.dingtalk.com/…）群机器人的地址。"),
                           field="url")
    secret = (data.secret or "").strip() or None
    robot = _lock_robot(community)
    _check_shown(shown, robot, WEBHOOK_STALE)
    if robot is None:
        robot = CommunityWebhook(community_id=community.id)
        db.session.add(robot)
    robot.channel = channel
    robot.url_encrypted = encrypt(url)
    robot.url_hint = mask_url(url)[:80]
    robot.secret_encrypted = encrypt(secret) if secret else None
    robot.active = True
    robot.updated_by_id = actor.id
    robot.updated_at = utcnow()
    robot.tested_ok_at = None  # this URL and secret have not been tested yet
    db.session.flush()
    # The URL is a credential: the audit row names the channel and the masked URL only.
    record(actor, "webhook_save", community, channel=channel.value, url=robot.url_hint,
           signed=secret is not None)
    return robot


STOP_STALE = _l("您打开此页之后，该社区的工作群机器人已被他人修改，没有停用。请查看现在的机器人后再决定。")


def _check_shown(shown: str | None, robot: CommunityWebhook | None, message) -> None:
    """Refuse (``shown.StaleEdit``) a post whose page showed another robot than ``robot``
    (read under the lock): a plain key, a post is about the whole robot."""
    shown_module.check_unchanged(message, shown, {"robot": robot_state(robot)})


def stop_webhook(actor: Member, community: Community, *, shown: str | None = None) -> None:
    """停用 the community's robot. From its page (``shown``: its ``webhook_shown_key``),
    refused (``STOP_STALE``) when another saved or stopped the robot since the page was
    read: stopped unseen, another's new robot could only be switched on again with its
    URL typed again."""
    _may_configure(actor, community)
    robot = _lock_robot(community)
    _check_shown(shown, robot, STOP_STALE)
    if robot is None or not robot.active:
        raise ServiceError(_l("该社区没有在用的工作群机器人。"))
    robot.active = False
    robot.updated_by_id, robot.updated_at = actor.id, utcnow()
    record(actor, "webhook_stop", community, channel=robot.channel.value)


ROBOT_TEST_TOO_OFTEN = "robot-test"


def start_robot_test(actor: Member, community: Community) -> CommunityWebhook:
    """「发送测试消息」, before it is sent (``reminders.trial`` sends it, outside this unit
    of work): whoever may set the robot, an active robot, within ROBOT_TEST_LIMIT —
    counted per community, whoever presses, so no one can flood a group with tests.
    The try is counted and audited here, whatever the robot answers; nothing goes to
    the outbox (a test is no digest: the status page ignores it). One the robot takes
    is noted on it (``robot_test_passed``): the 工作台's notice of a given-up digest
    before it ends, since the group hears the robot again.

    The limit is judged and the try counted in one step (``throttle.reserve``), so
    presses sent at once on several workers cannot all be judged against the same count
    and all be sent (security41fix's Open, session 41). The count is written in this
    unit of work, with the audit row: a press refused, or whose unit of work fails (a
    resend racing the first ends in ``AlreadySubmitted`` before it is counted), sends
    nothing and counts nothing — a test is limited for what reaches the group, not as
    a guess is; one that goes on to the robot counts whatever the robot answers."""
    _may_configure(actor, community)
    robot = db.session.get(CommunityWebhook, community.id)
    if robot is None or not robot.active:
        raise ServiceError(_l("该社区没有在用的工作群机器人。"))
    limit = throttle.Limit(throttle.key(ROBOT_TEST_TOO_OFTEN, str(community.id)),
                           throttle.rule("ROBOT_TEST_LIMIT"))
    wait, _counted = throttle.reserve([limit], alone=False)
    if wait:
        raise ServiceError(_l("测试消息发送过于频繁，请%(minutes)d分钟后再试。",
                              minutes=max(1, -(-wait // 60))))
    record(actor, "webhook_test", community, channel=robot.channel.value)
    return robot


def robot_test_passed(community_id: int, tested: datetime, at: datetime) -> None:
    """The robot took a 发送测试消息 at ``at``: noted on it, unless it was saved or
    stopped while the test was on its way (``tested``: its ``updated_at`` as read before
    sending), so a test of the old URL never vouches for a new one. One conditional
    UPDATE."""
    db.session.execute(
        update(CommunityWebhook)
        .where(CommunityWebhook.community_id == community_id,
               CommunityWebhook.updated_at == tested, CommunityWebhook.active.is_(True))
        .values(tested_ok_at=at), execution_options={"synchronize_session": False})


def retry_message(actor: Member, message: Outbox) -> None:
    """An admin sends a failed row once more (after fixing the channel)."""
    if not actor.is_admin:
        raise PermissionDenied(_l("无权操作。"))
    if message.status != OutboxStatus.failed:
        raise ServiceError(_l("只有发送失败的提醒可以重试。"))
    message.status, message.attempts = OutboxStatus.pending, 0
    message.next_attempt_at = message.created_at  # due at the job's next run
    record(actor, "retry", message, channel=message.channel.value)
