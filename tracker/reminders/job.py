"""The reminder job: write what is due into the outbox, then send what is due from it.

Safe to run twice at once (two timers, a manual run during the timer's): rows are
written under a unique dedupe key with INSERT … ON CONFLICT DO NOTHING, and a row
is sent only by the job whose conditional UPDATE moved it from ``pending`` to
``sending`` (as ``services/claims.py`` takes a slot) — the other job's UPDATE
finds nothing to claim. Nothing is sent while a transaction is open.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import (
    Channel,
    CommunityWebhook,
    Member,
    MemberNotify,
    Outbox,
    OutboxStatus,
    ReminderOptOut,
)
from ..timeutil import utcnow
from . import channels, kinds
from .available import configured
from .secrets import UnreadableSecret, decrypt

LEASE = timedelta(minutes=15)  # a claim older than this belonged to a job that died
BATCH = 200  # recipients per run; the rest wait for the next run


@dataclass
class RunReport:
    written: int = 0
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    quiet: bool = False
    errors: list[str] = field(default_factory=list)


# --- when ------------------------------------------------------------------------------------

def _zone(config) -> ZoneInfo:
    return ZoneInfo(config["REMINDER_TIMEZONE"])


def _quiet_bounds(config) -> tuple[time, time]:
    start, end = (time.fromisoformat(part.strip()) for part in
                  config["REMINDER_QUIET_HOURS"].split("-"))
    return start, end


def in_quiet_hours(now: datetime, config) -> bool:
    start, end = _quiet_bounds(config)
    local = now.astimezone(_zone(config)).time()
    if start == end:
        return False
    return (start <= local < end) if start < end else (local >= start or local < end)


def _day_start(now: datetime, config) -> datetime:
    local = now.astimezone(_zone(config))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _tomorrow_morning(now: datetime, config) -> datetime:
    """When a member who reached today's cap hears from us again: tomorrow, after quiet hours."""
    _start, end = _quiet_bounds(config)
    return _day_start(now, config) + timedelta(days=1, hours=end.hour, minutes=end.minute)


# --- writing the outbox ----------------------------------------------------------------------

def dedupe_key(due: kinds.Due, channel: Channel) -> str:
    who = f"m{due.member_id}" if due.member_id is not None else f"c{due.community_id}"
    return f"{due.kind}:{who}:{due.about}:{channel.value}"


def _insert_ignoring_duplicates(rows: list[dict]) -> int:
    if not rows:
        return 0
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    written = 0
    for start in range(0, len(rows), 500):
        # RETURNING, not rowcount: psycopg reports -1 for this multi-row statement.
        written += len(db.session.execute(
            insert(Outbox).values(rows[start:start + 500])
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(Outbox.id)).all())
    return written


def _channels_for(members: set[int], config) -> dict[int, list[Channel]]:
    """Each member's channels: in-app always; e-mail and SMS where set up and wanted."""
    push = configured(config)
    settings = {row.member_id: row for row in db.session.scalars(
        select(MemberNotify).where(MemberNotify.member_id.in_(members)))} if members else {}
    chosen = {}
    for member_id in members:
        mine = [Channel.inapp]
        setting = settings.get(member_id)
        if "email" in push and setting is not None and setting.email_on and setting.email:
            mine.append(Channel.email)
        if "sms" in push and (setting is None or setting.sms_on):
            mine.append(Channel.sms)
        chosen[member_id] = mine
    return chosen


def write_due(now: datetime, config) -> int:
    """Find what is due and write it into the outbox (each reminder once)."""
    due = [item for kind in kinds.enabled(config) for item in kind.find(now, config)]
    members = {d.member_id for d in due if d.member_id is not None}
    opted_out = set(db.session.execute(
        select(ReminderOptOut.member_id, ReminderOptOut.kind)
        .where(ReminderOptOut.member_id.in_(members))).all()) if members else set()
    per_member = _channels_for(members, config)
    robots = dict(db.session.execute(
        select(CommunityWebhook.community_id, CommunityWebhook.channel)
        .where(CommunityWebhook.active.is_(True))).all())
    rows = []
    for item in due:
        if item.member_id is not None:
            if (item.member_id, item.kind) in opted_out:
                continue
            targets = per_member[item.member_id]
        else:
            robot = robots.get(item.community_id)
            targets = [robot] if robot is not None else []
        for channel in targets:
            inapp = channel == Channel.inapp
            rows.append({
                "dedupe_key": dedupe_key(item, channel), "kind": item.kind, "channel": channel,
                "member_id": item.member_id, "community_id": item.community_id,
                "task_id": item.task_id, "subject": item.subject[:200], "body": item.body,
                "link": item.link, "attempts": 0, "next_attempt_at": now, "created_at": now,
                # An in-app message is delivered by being written: it makes no sound, so
                # neither quiet hours nor the daily cap hold it back.
                "status": OutboxStatus.sent if inapp else OutboxStatus.pending,
                "sent_at": now if inapp else None,
            })
    written = _insert_ignoring_duplicates(rows)
    db.session.commit()
    return written


# --- sending ---------------------------------------------------------------------------------

@dataclass
class _Recipient:
    address: str | None  # e-mail, phone or webhook URL
    secret: str | None = None
    problem: str | None = None  # why nothing can be sent (never retried)


def _recipient(member_id, community_id, channel: Channel) -> _Recipient:
    if community_id is not None:
        robot = db.session.get(CommunityWebhook, community_id)
        if robot is None or not robot.active or robot.channel != channel:
            return _Recipient(None, problem="该社区已不再使用这个工作群机器人")
        try:
            secret = decrypt(robot.secret_encrypted) if robot.secret_encrypted else None
            return _Recipient(decrypt(robot.url_encrypted), secret)
        except UnreadableSecret:
            return _Recipient(None, problem="webhook stored under another SECRET_KEY: enter it again")
    member = db.session.get(Member, member_id)
    setting = db.session.get(MemberNotify, member_id)
    if member is None or not member.active:
        return _Recipient(None, problem="account inactive")
    if channel == Channel.email:
        if setting is None or not setting.email_on or not setting.email:
            return _Recipient(None, problem="member turned e-mail off")
        return _Recipient(setting.email)
    if setting is not None and not setting.sms_on:
        return _Recipient(None, problem="member turned SMS off")
    return _Recipient(member.phone)


def _absolute(link: str | None, config) -> str | None:
    base = config["REMINDER_BASE_URL"]
    return f"{base}{link}" if link and base else None


def compose(rows: list[Outbox], config) -> channels.Message:
    """One row as it is; several (over the daily cap) bundled into one message."""
    if len(rows) == 1:
        row = rows[0]
        return channels.Message(row.subject, row.body, _absolute(row.link, config))
    lines = "\n".join(f"{n}. {row.subject}" for n, row in enumerate(rows, start=1))
    return channels.Message(_("您有%(n)d条提醒", n=len(rows)),
                            lines + "\n" + _("详情请登录台账查看“我的待办”。"),
                            _absolute("/tasks/todo", config))


def _release_stale_claims(now: datetime) -> None:
    db.session.execute(
        update(Outbox).where(Outbox.status == OutboxStatus.sending, Outbox.claimed_at < now - LEASE)
        .values(status=OutboxStatus.pending, claim_token=None),
        execution_options={"synchronize_session": False})
    db.session.commit()


def _due_groups(now: datetime) -> list[tuple]:
    return db.session.execute(
        select(Outbox.member_id, Outbox.community_id, Outbox.channel)
        .where(Outbox.status == OutboxStatus.pending, Outbox.next_attempt_at <= now)
        .group_by(Outbox.member_id, Outbox.community_id, Outbox.channel)
        .order_by(func.min(Outbox.id)).limit(BATCH)
    ).all()


def _claim(group: tuple, now: datetime) -> tuple[str, list[Outbox]]:
    """Take every due row of one recipient and channel, or none if another job has."""
    member_id, community_id, channel = group
    token = secrets.token_hex(16)
    who = (Outbox.member_id == member_id) if member_id is not None else \
        (Outbox.member_id.is_(None) & (Outbox.community_id == community_id))
    db.session.execute(
        update(Outbox)
        .where(who, Outbox.channel == channel, Outbox.status == OutboxStatus.pending,
               Outbox.next_attempt_at <= now)
        .values(status=OutboxStatus.sending, claim_token=token, claimed_at=now),
        execution_options={"synchronize_session": False})
    db.session.commit()
    rows = list(db.session.scalars(
        select(Outbox).where(Outbox.claim_token == token).order_by(Outbox.id)))
    return token, rows


def _sent_today(member_id: int, channel: Channel, token: str, now: datetime, config) -> int:
    """Messages (a bundle counts once) this member got on this channel today."""
    return db.session.scalar(
        select(func.count(func.distinct(Outbox.delivery_id)))
        .where(Outbox.member_id == member_id, Outbox.channel == channel,
               Outbox.status.in_((OutboxStatus.sent, OutboxStatus.sending)),
               Outbox.delivery_id.is_not(None), Outbox.kind.not_in(kinds.UNCAPPED),
               Outbox.claimed_at >= _day_start(now, config),
               or_(Outbox.claim_token.is_(None), Outbox.claim_token != token))
    ) or 0


def _finish(rows: list[Outbox], now: datetime, config, error: str | None,
            delivery_id: str | None, final: bool = False) -> None:
    for row in rows:
        row.attempts += 1
        row.delivery_id = delivery_id
        if error is None:
            row.status, row.sent_at = OutboxStatus.sent, now
        else:
            row.last_error = error[:500]
            if final or row.attempts >= config["REMINDER_MAX_ATTEMPTS"]:
                row.status = OutboxStatus.failed
            else:
                row.status = OutboxStatus.pending
                row.next_attempt_at = now + timedelta(
                    seconds=config["REMINDER_RETRY_SECONDS"] * 2 ** (row.attempts - 1))
        row.claim_token = None


def send_due(now: datetime, config, report: RunReport) -> None:
    if in_quiet_hours(now, config):
        report.quiet = True
        return
    _release_stale_claims(now)
    senders = channels.senders(config)
    for group in _due_groups(now):
        member_id, community_id, channel = group
        token, rows = _claim(group, now)
        if not rows:
            continue  # another job claimed them first
        deliveries = [rows]
        if member_id is not None:
            # A cancelled or moved task, a password reset: each at once, outside the cap.
            urgent = [[row] for row in rows if row.kind in kinds.UNCAPPED]
            rows = [row for row in rows if row.kind not in kinds.UNCAPPED]
            allowed = config["REMINDER_DAILY_CAP"] - _sent_today(member_id, channel, token, now, config)
            if rows and allowed <= 0:
                for row in rows:  # today's share is used up: tomorrow morning, not lost
                    row.status, row.claim_token = OutboxStatus.pending, None
                    row.next_attempt_at = _tomorrow_morning(now, config)
                report.deferred += len(rows)
                db.session.commit()
                rows = []
            deliveries = urgent + ([[row] for row in rows] if len(rows) <= allowed else [rows])
            deliveries = [delivery for delivery in deliveries if delivery]
            if not deliveries:
                continue
        recipient = _recipient(member_id, community_id, channel)
        messages = [(delivery, compose(delivery, config)) for delivery in deliveries]
        db.session.commit()  # no transaction stays open while we talk to the network
        for delivery, message in messages:
            delivery_id = secrets.token_hex(16)
            # Counted against today's cap before the network call, so a parallel job
            # cannot slip past it either.
            for row in delivery:
                row.delivery_id = delivery_id
            db.session.commit()
            error = recipient.problem
            if error is None:
                error = _deliver(senders.get(channel.value), channel, recipient, message)
            _finish(delivery, now, config, error, delivery_id, final=recipient.problem is not None)
            db.session.commit()
            if error is None:
                report.sent += len(delivery)
            else:
                report.failed += len(delivery)
                report.errors.append(f"{channel.value}: {error}")


def _deliver(sender, channel: Channel, recipient: _Recipient, message) -> str | None:
    if sender is None:
        return f"channel {channel.value} is not configured"
    try:
        if channel in (Channel.wecom, Channel.dingtalk):
            sender.send(recipient.address, recipient.secret, message)
        else:
            sender.send(recipient.address, message)
    except channels.ChannelError as error:
        return str(error) or error.__class__.__name__
    return None


def run(now: datetime | None = None, config: dict | None = None) -> RunReport:
    """One run of ``flask send-reminders``; ``now`` is injectable for tests."""
    now = now or utcnow()
    config = config or current_app.config
    report = RunReport()
    report.written = write_due(now, config)
    send_due(now, config, report)
    return report
