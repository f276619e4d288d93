"""Reminders: the outbox every message goes through, and each member's choices.

The request path never sends anything: it (and the reminder job) only writes
``Outbox`` rows; ``flask send-reminders`` sends them (tracker/reminders/). A row is
one message to one recipient on one channel; its ``dedupe_key`` — kind, recipient,
what it is about, channel — is unique, so the same reminder is written once however
many jobs run at once (INSERT … ON CONFLICT DO NOTHING, never check-then-insert).
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import now_default
from .types import UTCDateTime


class Channel(str, enum.Enum):
    inapp = "inapp"  # 站内消息: always on
    email = "email"
    sms = "sms"
    wecom = "wecom"  # 企业微信群机器人 (a community's work group)
    dingtalk = "dingtalk"  # 钉钉群机器人


WEBHOOK_CHANNELS = (Channel.wecom, Channel.dingtalk)


class OutboxStatus(str, enum.Enum):
    pending = "pending"  # waiting to be sent (or retried at next_attempt_at)
    sending = "sending"  # claimed by a job
    sent = "sent"
    failed = "failed"  # gave up after the last try
    # Not sent, by design (``reason`` says why, as a code: tracker/reminders/reasons.py):
    skipped = "skipped"  # the recipient's choice: kind or channel off, account switched off
    obsolete = "obsolete"  # no longer true when it could leave (withdrew, corrected, newer digest)


def _enum(cls):
    return Enum(cls, native_enum=False, length=16, validate_strings=True)


class Outbox(db.Model):
    __table_args__ = (
        # the job: what is due now, oldest first
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
        # a member's 消息 list and unread count; the daily cap
        Index("ix_outbox_member_channel", "member_id", "channel", "status", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    # Who: a member, or (a webhook digest) a community's work group.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # What the message says, as data: the values its kind words it from
    # (``reminders.kinds``: task title, times as UTC ISO strings, counts, names as they
    # were when written), so a page words it in its reader's language; ``subject`` and
    # ``body`` keep the words it was sent in. NULL: a row written before (migration
    # 0063), or of a kind worded once: its stored text is what is shown.
    facts: Mapped[dict | None] = mapped_column(JSON)
    link: Mapped[str | None] = mapped_column(String(300))  # a path inside the app
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus), default=OutboxStatus.pending)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)
    last_error: Mapped[str | None] = mapped_column(Text)  # the channel's own words
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last failed try
    # why it was not sent or failed, when the job itself knows: a code, worded on display
    reason: Mapped[str | None] = mapped_column(String(32))
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Rows sent together as one bundled message share it (the daily cap counts these).
    delivery_id: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # in-app messages
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)

    member: Mapped["Member | None"] = relationship()  # noqa: F821
    community: Mapped["Community | None"] = relationship()  # noqa: F821

    @classmethod
    def inbox_of(cls, member_id: int) -> list:
        """A member's in-app messages (消息): delivered ones only."""
        return [cls.member_id == member_id, cls.channel == Channel.inapp,
                cls.status == OutboxStatus.sent]

    @classmethod
    def unread_for(cls, member_id: int) -> list:
        return [*cls.inbox_of(member_id), cls.read_at.is_(None)]


class MemberNotify(db.Model):
    """A member's own reminder settings: where push messages go, and the calendar
    feed's secret (only its SHA-256 is kept; a new one revokes the old)."""

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(120))
    email_on: Mapped[bool] = mapped_column(Boolean, default=False)
    sms_on: Mapped[bool] = mapped_column(Boolean, default=True)
    # SMS as well as e-mail (False: a member who gets e-mail gets no SMS copy of it)
    sms_with_email: Mapped[bool] = mapped_column(Boolean, default=False,
                                                 server_default=false())
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)


class ReminderOptOut(db.Model):
    """A reminder kind a member turned off (no row: on)."""

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)


class CommunityWebhook(db.Model):
    """A community work group's robot (企业微信 or 钉钉): the URL (and DingTalk's
    signing secret) are stored encrypted with a key derived from SECRET_KEY and only
    ever shown masked (tracker/reminders/secrets.py)."""

    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), primary_key=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    url_encrypted: Mapped[str] = mapped_column(Text)
    url_hint: Mapped[str] = mapped_column(String(80))  # the masked URL shown back
    secret_encrypted: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)
    # When this robot, as saved, last took a 发送测试消息: proof the group hears it again,
    # which ends the 工作台's notice of a digest given up before it (outbox.queries).
    # A save clears it: a new URL or secret is untested.
    tested_ok_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    community: Mapped["Community"] = relationship()  # noqa: F821


class ReminderNewsStart(db.Model):
    """When this installation began telling a kind of news (``Kind.news``: a task called
    off or moved, a reset link, corrected hours): the migration of the release that
    brought the kind writes it. Events before it are not told: the first run after an
    upgrade would otherwise announce weeks of past cancellations and changes as news.
    No row (a database made from the models, with no past): bounded by
    ``REMINDER_LOOKBACK_DAYS`` alone."""

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
