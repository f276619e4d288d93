"""The reminder job: write what is due into the outbox, then send what is due from it.

Safe to run twice at once (two timers, a manual run during the timer's): rows are
written under a unique dedupe key with INSERT … ON CONFLICT DO NOTHING, and a row
is sent only by the job whose conditional UPDATE moved it from ``pending`` to
``sending`` (as ``services/claims.py`` takes a slot) — the other job's UPDATE
finds nothing to claim. Nothing is sent while a transaction is open.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
import urllib.error
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from time import monotonic
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, func, or_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import (
    Channel,
    CommunityWebhook,
    Member,
    MemberNotify,
    Outbox,
    OutboxStatus,
    ReminderOptOut,
    Task,
    WEBHOOK_CHANNELS,
)
from ..privacy import scrub
from ..timeutil import utcnow
from . import channels, kinds, moves, reasons
from .available import configured, quiet_bounds
from .secrets import UnreadableSecret, decrypt

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=15)  # default of REMINDER_LEASE_SECONDS
BATCH = 200  # recipients per run; the rest wait for the next run


@dataclass
class RunReport:
    written: int = 0
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    dropped: int = 0  # not sent: no longer due, or the recipient turned it off
    held: int = 0  # groups left for the next run: their channel was down in this one
    waiting: int = 0  # a liaison's SMS copies of a digest held until the robot's outcome
    quiet: bool = False
    errors: list[str] = field(default_factory=list)


# --- when ------------------------------------------------------------------------------------

def _zone(config) -> ZoneInfo:
    return ZoneInfo(config["REMINDER_TIMEZONE"])


def _quiet_bounds(config) -> tuple[time, time]:
    return quiet_bounds(config)


def in_quiet_hours(now: datetime, config) -> bool:
    start, end = _quiet_bounds(config)
    local = now.astimezone(_zone(config)).time()
    if start == end:
        return False
    return (start <= local < end) if start < end else (local >= start or local < end)


def _quiet_end(now: datetime, config) -> datetime:
    """The end of the quiet hours ``now`` is in (local: this morning's, or tomorrow's)."""
    _start, end = _quiet_bounds(config)
    local = now.astimezone(_zone(config))
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return ends if ends > local else ends + timedelta(days=1)


# News that cannot wait for the morning: a task called off or moved whose members set
# out before the quiet hours end — one starting (or, moved, starting as they knew it)
# before they end, or within REMINDER_SETOUT_HOURS after (the way there: an 08:00 task
# cancelled at 22:30 and told at 08:00 found its members already at the gate, walk7 D5).
# Everything else waits.
BREAKS_QUIET = ("cancelled", "changed")


def setout_deadline(now: datetime, config) -> datetime:
    """A cancel or move of a task starting before this is pushed during the quiet hours
    ``now`` is in: their end plus REMINDER_SETOUT_HOURS."""
    return _quiet_end(now, config) + timedelta(hours=config.get("REMINDER_SETOUT_HOURS", 2))


def _cannot_wait(now: datetime, config):
    """The outbox rows that go out during quiet hours (``BREAKS_QUIET``): the task starts
    before the deadline, or — a move — started before it as its members knew it (the
    row's ``set_out``, ``kinds.find_changed``: an 08:00 task moved at night to 15:00
    must not find them at the gate at 08:00, review39 #2)."""
    deadline = setout_deadline(now, config)
    moved_from_early = [
        row_id for row_id, facts in db.session.execute(
            select(Outbox.id, Outbox.facts).where(
                Outbox.kind == "changed", Outbox.status == OutboxStatus.pending))
        if (facts or {}).get("set_out") and datetime.fromisoformat(facts["set_out"]) < deadline]
    return Outbox.kind.in_(BREAKS_QUIET) & or_(
        Outbox.task_id.in_(select(Task.id).where(Task.starts_at < deadline)),
        Outbox.id.in_(moved_from_early))


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


def _sms_wanted(setting: MemberNotify | None, email_push: bool) -> bool:
    """SMS unless turned off; and for a member who gets e-mail, only if they asked for
    both (提醒设置: 「有邮件时也发短信」) — one reminder, one channel, one cost."""
    if setting is None:
        return True
    if not setting.sms_on:
        return False
    gets_email = email_push and setting.email_on and bool(setting.email)
    return not gets_email or bool(setting.sms_with_email)


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
        if "sms" in push and _sms_wanted(setting, "email" in push):
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
                "facts": item.facts,
                "link": item.link, "attempts": 0, "next_attempt_at": now, "created_at": now,
                # An in-app message is delivered by being written: it makes no sound, so
                # neither quiet hours nor the daily cap hold it back.
                "status": OutboxStatus.sent if inapp else OutboxStatus.pending,
                "sent_at": now if inapp else None,
            })
    written = _insert_ignoring_duplicates(rows)
    _supersede_digests()
    moves.supersede_waiting()
    db.session.commit()
    return written


def _supersede_digests() -> None:
    """A digest (kinds.DIGESTS) not yet sent gives way to a newer one for the same
    recipient and channel, which lists everything still waiting: never two at once."""
    newer = aliased(Outbox)
    same_recipient = or_(
        and_(Outbox.member_id.is_not(None), newer.member_id == Outbox.member_id),
        and_(Outbox.member_id.is_(None), newer.member_id.is_(None),
             newer.community_id == Outbox.community_id))
    db.session.execute(
        update(Outbox)
        .where(Outbox.kind.in_(kinds.DIGESTS), Outbox.status == OutboxStatus.pending,
               select(newer.id).where(newer.kind == Outbox.kind, newer.channel == Outbox.channel,
                                      same_recipient, newer.id > Outbox.id).exists())
        .values(status=OutboxStatus.obsolete, reason=reasons.SUPERSEDED),
        execution_options={"synchronize_session": False})


# --- sending ---------------------------------------------------------------------------------

class _Clock:
    """The run's clock: ``now`` at its start, advanced by the time the run has taken —
    the wall clock when ``now`` is ``utcnow()`` (as in production), and the injected time
    plus the real time taken in tests. Claims and their renewals are stamped with it, so
    a run still sending after the lease has not lost the group it sends right now."""

    def __init__(self, start: datetime):
        self.start, self._started = start, monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=monotonic() - self._started)


def _lease(config) -> timedelta:
    """A claim older than this belonged to a run that died (well above one delivery's
    time, which the channels' deadlines bound; a claim is renewed at each delivery)."""
    return timedelta(seconds=config.get("REMINDER_LEASE_SECONDS", LEASE.total_seconds()))


@dataclass
class _Recipient:
    address: str | None  # e-mail, phone or webhook URL
    secret: str | None = None
    skip: str | None = None  # the recipient's choice: nothing is sent (reasons.py code)
    problem: str | None = None  # the installation's to fix: failed, not retried (code)


def recipient_of(member_id, community_id, channel: Channel, config) -> _Recipient:
    if community_id is not None and member_id is None:
        robot = db.session.get(CommunityWebhook, community_id)
        if robot is None or not robot.active or robot.channel != channel:
            return _Recipient(None, skip=reasons.ROBOT_OFF)
        try:
            secret = decrypt(robot.secret_encrypted) if robot.secret_encrypted else None
            return _Recipient(decrypt(robot.url_encrypted), secret)
        except UnreadableSecret:
            return _Recipient(None, problem=reasons.ROBOT_UNREADABLE)
    member = db.session.get(Member, member_id)
    setting = db.session.get(MemberNotify, member_id)
    if member is None or not member.active:
        return _Recipient(None, skip=reasons.INACTIVE)
    if channel == Channel.email:
        if setting is None or not setting.email_on or not setting.email:
            return _Recipient(None, skip=reasons.EMAIL_OFF)
        return _Recipient(setting.email)
    if setting is not None and not setting.sms_on:
        return _Recipient(None, skip=reasons.SMS_OFF)
    if not _sms_wanted(setting, "email" in configured(config)):
        return _Recipient(None, skip=reasons.EMAIL_INSTEAD)
    return _Recipient(member.phone)


def _absolute(link: str | None, config) -> str | None:
    base = config["REMINDER_BASE_URL"]
    return f"{base}{link}" if link and base else None


def _audience(row: Outbox) -> str:
    kind = kinds.BY_CODE.get(row.kind)
    return kind.audience if kind is not None else "member"


def message_key(rows: list[Outbox]) -> str:
    """A delivery's stable id: the same rows make the same id on every try."""
    ids = ",".join(str(row.id) for row in sorted(rows, key=lambda row: row.id))
    return "gj-" + hashlib.sha256(ids.encode()).hexdigest()[:24]


def _counted(rows: list[Outbox]) -> str:
    """「明天的任务1条、请确认服务时长2条」: a bundle in a line, kinds in their order."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.kind] = counts.get(row.kind, 0) + 1
    return _("、").join(
        ngettext("%(kind)s%(n)d条", "%(kind)s%(n)d条", n,
                 kind=str(kinds.BY_CODE[code].label) if code in kinds.BY_CODE else code, n=n)
        for code, n in counts.items())


def _line(row: Outbox) -> str:
    """A row as a line of a bundle: its subject; a declined 补录申请's with its reason (the
    words that matter, which the subject does not say), the line kept within one SMS part
    as an SMS keeps a title (``channels.shorten``: the reason cut, marked 「…」)."""
    facts = row.facts or {}
    reason = (facts.get("reason") or "").strip()
    if row.kind != "backfill_decided" or facts.get("adopted", True) or not reason:
        return row.subject
    return channels.shorten(_("%(line)s，理由：%(reason)s", line=row.subject, reason=reason),
                            reason, channels.SMS_PART)


def _where(rows: list[Outbox]) -> tuple[str, str]:
    """The page a bundle links to, one that lists every item of it, and the words naming
    it: a liaison's 工作台 (with 我的待办 for their own tasks), a member's 我的待办 — or,
    when an item is of a kind neither lists (a 补录申请's result, hours corrected …),
    消息, which lists every reminder (walk7 D2)."""
    audiences = {_audience(row) for row in rows}
    if any(_audience(row) == "member" and row.kind not in kinds.ON_TODO for row in rows):
        return "/me/messages", _("详情请登录台账查看“消息”。")
    if audiences == {"member"}:
        return "/tasks/todo", _("详情请登录台账查看“我的待办”。")
    if audiences == {"liaison"}:
        return "/manage/", _("详情请登录台账查看“工作台”。")
    return "/manage/", _("详情请登录台账查看“工作台”和“我的待办”。")


def compose(rows: list[Outbox], config) -> channels.Message:
    """One row as it is; several due together bundled into one message, linked to a
    page that lists them all (``_where``)."""
    key = message_key(rows)
    if len(rows) == 1:
        row = rows[0]
        return channels.Message(row.subject, row.body, _absolute(row.link, config),
                                sms=kinds.sms_words(row), key=key)
    lines = "\n".join(f"{n}. {_line(row)}" for n, row in enumerate(rows, start=1))
    link, where = _where(rows)
    subject = ngettext("您有%(n)d条提醒", "您有%(n)d条提醒", len(rows), n=len(rows))
    return channels.Message(subject, lines + "\n" + where, _absolute(link, config),
                            sms=f"{subject}：{_counted(rows)}。{where}", key=key)


def _release_stale_claims(at: datetime, config) -> None:
    db.session.execute(
        update(Outbox).where(Outbox.status == OutboxStatus.sending,
                             Outbox.claimed_at < at - _lease(config))
        .values(status=OutboxStatus.pending, claim_token=None),
        execution_options={"synchronize_session": False})
    db.session.commit()


def _due_groups(now: datetime, only=True) -> list[tuple]:
    """Recipients and channels with something due: those with a row never tried first,
    so the retries of a channel that keeps failing do not go before everything new.
    ``only``: a further condition on the rows (quiet hours: ``_cannot_wait``)."""
    return db.session.execute(
        select(Outbox.member_id, Outbox.community_id, Outbox.channel)
        .where(Outbox.status == OutboxStatus.pending, Outbox.next_attempt_at <= now, only)
        .group_by(Outbox.member_id, Outbox.community_id, Outbox.channel)
        .order_by(func.min(Outbox.attempts), func.min(Outbox.id)).limit(BATCH)
    ).all()


def _claim(group: tuple, now: datetime, at: datetime, only=True) -> tuple[str, list[Outbox]]:
    """Take every due row of one recipient and channel (that meet ``only``), or none if
    another job has; the claim is stamped with the time it is made (``at``), not the
    run's start."""
    member_id, community_id, channel = group
    token = secrets.token_hex(16)
    who = (Outbox.member_id == member_id) if member_id is not None else \
        (Outbox.member_id.is_(None) & (Outbox.community_id == community_id))
    db.session.execute(
        update(Outbox)
        .where(who, Outbox.channel == channel, Outbox.status == OutboxStatus.pending,
               Outbox.next_attempt_at <= now, only)
        .values(status=OutboxStatus.sending, claim_token=token, claimed_at=at),
        execution_options={"synchronize_session": False})
    db.session.commit()
    rows = list(db.session.scalars(
        select(Outbox).where(Outbox.claim_token == token).order_by(Outbox.id)))
    return token, rows


def _ours(rows: list[Outbox], token: str):
    """Rows of this run's claim only: a row released and claimed by another run since
    is that run's to finish."""
    return update(Outbox).where(Outbox.id.in_([row.id for row in rows]),
                                Outbox.claim_token == token)


def _write(statement, **values) -> int:
    return db.session.execute(statement.values(**values),
                               execution_options={"synchronize_session": False}).rowcount


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


def _set_aside(rows: list[Outbox], token: str, status: OutboxStatus, reason: str) -> None:
    """Not sent, by design: ``skipped`` (the recipient's choice) or ``obsolete``."""
    if rows:
        _write(_ours(rows, token), status=status, reason=reason, claim_token=None)
        db.session.commit()


def _put_back(rows: list[Outbox], token: str, next_attempt_at: datetime | None = None) -> None:
    """Pending again, no attempt counted (today's cap used up; the channel down this run)."""
    values = {"status": OutboxStatus.pending, "delivery_id": None}
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    _write(_ours(rows, token), claim_token=None, **values)
    db.session.commit()


def _still_due(rows: list[Outbox], token: str, at: datetime, config,
               report: RunReport) -> list[Outbox]:
    """The claimed rows that are still true now; the others are set aside, never sent:
    a kind switched off (for the installation or by the member), or no longer due by
    its own rule (kinds.STILL_DUE) — the member withdrew, the hours were confirmed …"""
    enabled = {kind.code for kind in kinds.enabled(config)}
    member_ids = {row.member_id for row in rows if row.member_id is not None}
    opted_out = set(db.session.execute(
        select(ReminderOptOut.member_id, ReminderOptOut.kind)
        .where(ReminderOptOut.member_id.in_(member_ids))).all()) if member_ids else set()
    keep, aside = [], {}
    for row in rows:
        kind = kinds.BY_CODE.get(row.kind)
        if kind is None or row.kind not in enabled:
            aside.setdefault((OutboxStatus.obsolete, reasons.KIND_OFF), []).append(row)
        elif (row.member_id, row.kind) in opted_out:
            aside.setdefault((OutboxStatus.skipped, reasons.OPTED_OUT), []).append(row)
        elif not (due := kind.still_due(row, at, config)):
            aside.setdefault((OutboxStatus.obsolete, reasons.NOT_DUE), []).append(row)
        else:
            keep.append(row)
            _reword(row, kind, token, at, config, due)
    for (status, reason), dropped in aside.items():
        _set_aside(dropped, token, status, reason)
        report.dropped += len(dropped)
    return keep


# --- a liaison's SMS copy of what their work group got ------------------------------------------
# SMS costs the bureau per message, and a community's liaison is in its work group: a digest
# (kinds.DIGESTS) the group's robot delivered is not sent to them again by SMS. A robot that
# failed for good (or was stopped, or never set) delivered nothing, so the SMS copy leaves
# then — nothing is lost. E-mail and in-app copies are kept: they cost nothing per message
# and keep the full list, which the robot's message and the SMS cut short.

def _robot_rows(row: Outbox, communities: set[int]) -> dict[int, tuple]:
    """Each community's robot row of the same digest as ``row`` (same kind and day):
    (status, next_attempt_at). A robot changed to the other channel that day may leave
    two: the sent one counts, else one still to be tried."""
    about = kinds.about_of(row)
    keys = [f"{row.kind}:c{community}:{about}:{robot.value}"
            for community in communities for robot in WEBHOOK_CHANNELS]
    rank = {OutboxStatus.sent: 0, OutboxStatus.pending: 1, OutboxStatus.sending: 1}
    found: dict[int, tuple] = {}
    for community, status, retry in sorted(db.session.execute(
            select(Outbox.community_id, Outbox.status, Outbox.next_attempt_at)
            .where(Outbox.dedupe_key.in_(keys))).all(),
            key=lambda robot: rank.get(robot[1], 2), reverse=True):
        found[community] = (status, retry)  # the best-ranked is written last
    return found


def _work_group_got(rows: list[Outbox], token: str, at: datetime, config,
                    report: RunReport) -> list[Outbox]:
    """A liaison's SMS rows less the digests every work group they are about received
    (``skipped``, reasons.WORK_GROUP_GOT); a digest whose robot delivery is still to be
    tried or retried waits for its outcome (put back, no attempt counted); a digest some
    of whose work groups got it leaves counting the others' reports only (stored as sent)."""
    undecided = (OutboxStatus.pending, OutboxStatus.sending)
    keep, got, wait, wait_until = [], [], [], None
    for row in rows:
        communities = kinds.digest_communities(row, at, config) \
            if row.kind in kinds.DIGESTS else set()
        robots = _robot_rows(row, communities) if communities else {}
        outcomes = [robots.get(community, (None, None))[0] for community in communities]
        if not communities or any(status not in (OutboxStatus.sent, *undecided)
                                  for status in outcomes):
            keep.append(row)  # a work group it is about did not (and will not) get it
            heard = {community for community in communities
                     if robots.get(community, (None, None))[0] == OutboxStatus.sent}
            if heard:  # the SMS tells only what the liaison's other work groups did not hear
                facts = kinds.digest_facts_for(row, communities - heard, at, config)
                subject, body = kinds.BY_CODE[row.kind].word(facts)
                _write(_ours([row], token), subject=subject[:200], body=body, facts=facts)
                db.session.commit()
        elif all(status == OutboxStatus.sent for status in outcomes):
            got.append(row)
        else:
            wait.append(row)
            retries = [retry for status, retry in robots.values() if status in undecided]
            wait_until = max([retry for retry in (wait_until, *retries) if retry], default=None)
    _set_aside(got, token, OutboxStatus.skipped, reasons.WORK_GROUP_GOT)
    report.dropped += len(got)
    if wait:
        _put_back(wait, token, wait_until)
        report.waiting += len(wait)
    return keep


def _reword(row: Outbox, kind: kinds.Kind, token: str, at: datetime, config,
            due=True) -> None:
    """A row whose kind words it at send time (kinds.REWORDED: 今天 rather than 明天, the
    task's time and place as they are now) gets its new facts and text, stored as it
    will be sent; ``due``: what its still-due check found, read once for both."""
    facts = kind.facts_at_send(row, at, config, due)
    if facts is None:
        return
    subject, body = kind.word(facts)
    if (subject, body, facts) == (row.subject, row.body, row.facts):
        return
    _write(_ours([row], token), subject=subject[:200], body=body, facts=facts)
    db.session.commit()


def _stamp(delivery: list[Outbox], token: str, delivery_id: str, at: datetime,
           report: RunReport) -> bool:
    """Just before the network call: the delivery counts against today's cap (so a
    parallel job cannot slip past it) and the claim is renewed. False if this run no
    longer holds every row of it (released and claimed by another run): not sent. False
    too for a 任务时间地点有变 (always a delivery of its own: kinds.UNCAPPED) whose task
    is no longer as it says, read here, in the stamp's transaction: a move committed
    since ``_still_due`` is told by the newer one (``moves.states_the_task``, leave51)."""
    held = _write(_ours(delivery, token), delivery_id=delivery_id, claimed_at=at)
    if held == len(delivery) and any(row.kind == "changed" and not moves.states_the_task(row)
                                     for row in delivery):
        _write(_ours(delivery, token), status=OutboxStatus.obsolete,
               reason=reasons.CHANGED_AGAIN, claim_token=None)
        db.session.commit()
        report.dropped += len(delivery)
        return False
    db.session.commit()
    if held == len(delivery):
        return True
    _put_back(delivery, token)
    return False


def _finish(rows: list[Outbox], token: str, now: datetime, at: datetime, config,
            error: str | None, reason: str | None, final: bool = False) -> None:
    """The outcome of one try, written only to rows this run still holds."""
    failed = error is not None or reason is not None
    for row in rows:
        attempts = row.attempts + 1
        values = {"attempts": attempts}
        if not failed:
            values.update(status=OutboxStatus.sent, sent_at=at, reason=None)
        else:
            values.update(last_error=error[:500] if error else None, reason=reason, failed_at=at)
            if final or reason in reasons.NOT_RETRIED \
                    or attempts >= config["REMINDER_MAX_ATTEMPTS"]:
                values["status"] = OutboxStatus.failed
            else:
                # A timeout took the whole timeout: the wait is counted from when this try
                # ended, not from the run's start.
                start = at if reason == reasons.TIMED_OUT else now
                values.update(status=OutboxStatus.pending, next_attempt_at=start + timedelta(
                    seconds=config["REMINDER_RETRY_SECONDS"] * 2 ** (attempts - 1)))
        _write(_ours([row], token), claim_token=None, **values)
    db.session.commit()


def send_due(now: datetime, config, report: RunReport) -> None:
    only = true()
    if in_quiet_hours(now, config):
        report.quiet = True  # only what cannot wait goes out
        only = _cannot_wait(now, config)
    clock = _Clock(now)
    _release_stale_claims(clock(), config)
    senders = channels.senders(config)
    down: set[Channel] = set()  # channels that timed out or refused a connection this run
    # Work groups first: a liaison's SMS copy of a digest waits for the robot's outcome
    # (``_work_group_got``), which this run then already knows.
    groups = sorted(_due_groups(now, only), key=lambda group: group[0] is not None)
    db.session.commit()  # a run holds no lock between its claims (SQLite: BEGIN IMMEDIATE)
    for group in groups:
        member_id, community_id, channel = group
        if channel in down:
            report.held += 1
            continue  # left pending, no attempt counted: the next run tries again
        token, rows = _claim(group, now, clock(), only)
        if not rows:
            continue  # another job claimed them first
        recipient = recipient_of(member_id, community_id, channel, config)
        if recipient.skip is not None:
            _set_aside(rows, token, OutboxStatus.skipped, recipient.skip)
            report.dropped += len(rows)
            continue
        rows = _still_due(rows, token, clock(), config, report)
        if rows and member_id is not None and channel == Channel.sms:
            rows = _work_group_got(rows, token, clock(), config, report)
        if not rows:
            continue
        if recipient.problem is not None:
            _finish(rows, token, now, clock(), config, None, recipient.problem, final=True)
            report.failed += len(rows)
            report.errors.append(f"{channel.value}: {recipient.problem}")
            continue
        # A work group gets each digest as written; a member's due together leave as one
        # message per channel (a bundle counts once against the daily cap).
        deliveries = [[row] for row in rows]
        if member_id is not None:
            # A cancelled or moved task, a password reset: each at once, outside the cap.
            urgent = [[row] for row in rows if row.kind in kinds.UNCAPPED]
            rows = [row for row in rows if row.kind not in kinds.UNCAPPED]
            allowed = config["REMINDER_DAILY_CAP"] - _sent_today(member_id, channel, token, now, config)
            if rows and allowed <= 0:
                # today's share is used up: what can wait goes tomorrow morning, not lost;
                # what is useless once its task starts (kinds.TIMELY) still leaves, and
                # counts (one per task: it cannot flood)
                later = [row for row in rows if row.kind not in kinds.TIMELY]
                if later:
                    _put_back(later, token, _tomorrow_morning(now, config))
                    report.deferred += len(later)
                rows = [row for row in rows if row.kind in kinds.TIMELY]
            deliveries = urgent + [rows]
            deliveries = [delivery for delivery in deliveries if delivery]
            if not deliveries:
                continue
        messages = [(delivery, compose(delivery, config)) for delivery in deliveries]
        db.session.commit()  # no transaction stays open while we talk to the network
        for delivery, message in messages:
            if channel in down:
                _put_back(delivery, token)
                report.held += 1
                continue
            if not _stamp(delivery, token, secrets.token_hex(16), clock(), report):
                continue
            error, reason, unreachable = deliver(senders.get(channel.value), channel,
                                                  recipient, replace(message, sent_at=clock()))
            _finish(delivery, token, now, clock(), config, error, reason)
            if error is None and reason is None:
                report.sent += len(delivery)
            else:
                report.failed += len(delivery)
                report.errors.append(f"{channel.value}: {error or reason}")
            if unreachable:
                down.add(channel)


def _unreachable(error: BaseException) -> bool:
    """A timeout or a connection that failed — not an answer the server gave (an HTTP
    500, an SMTP 451, a robot's errcode): the channel is down for the rest of the run."""
    cause = error.__cause__ or error.__context__
    if isinstance(cause, urllib.error.HTTPError):
        return False
    if isinstance(cause, urllib.error.URLError) and isinstance(cause.reason, BaseException):
        cause = cause.reason
    if isinstance(cause, (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected)):
        return True
    if isinstance(cause, smtplib.SMTPException):
        return False
    return isinstance(cause, OSError)


def _timed_out(error: BaseException) -> bool:
    """A server silent past the timeout, or still answering at the delivery's deadline."""
    cause = error.__cause__ or error.__context__
    if isinstance(cause, urllib.error.URLError) and isinstance(cause.reason, BaseException):
        cause = cause.reason
    return isinstance(cause, TimeoutError)


def deliver(sender, channel: Channel, recipient: _Recipient,
             message) -> tuple[str | None, str | None, bool]:
    """(the channel's error, the job's reason code, whether the channel is unreachable)."""
    if sender is None:
        return None, reasons.NOT_CONFIGURED, False
    try:
        if channel in WEBHOOK_CHANNELS:
            sender.send(recipient.address, recipient.secret, message)
        else:
            sender.send(recipient.address, message)
    except channels.Unconfirmed as error:
        # handed over, no answer: failed, not retried by the job; a server that takes a
        # message and stays silent is down for the rest of the run as well
        return scrub(str(error)) or error.__class__.__name__, reasons.UNCONFIRMED, True
    except channels.ChannelError as error:
        # masked again here, whatever raised it: this text is kept (Outbox.last_error),
        # shown on 提醒发送状态 and printed by the command, past the logging filter
        return (scrub(str(error)) or error.__class__.__name__,
                reasons.TIMED_OUT if _timed_out(error) else None, _unreachable(error))
    except Exception as error:  # noqa: BLE001 — one message's fault must stop no other
        # Not a channel's answer but a fault of this message or of the code (a Subject
        # the mail library refused stopped the whole run, every later member's SMS with
        # it, at every run: review37 F1). This try fails as a channel's error does —
        # retried up to REMINDER_MAX_ATTEMPTS, then 发送失败 on 提醒发送状态 — and the rest
        # of the run goes on. The row keeps the error's type only (its text may quote
        # the message); the traceback goes to the log, masked (privacy.PersonalDataFilter).
        log.error("reminder not sent on %s: unexpected %s", channel.value,
                  type(error).__name__, exc_info=True)
        return f"unexpected error: {type(error).__name__}", None, False
    return None, None, False


def run(now: datetime | None = None, config: dict | None = None) -> RunReport:
    """One run of ``flask send-reminders``; ``now`` is injectable for tests."""
    now = now or utcnow()
    config = config or current_app.config
    report = RunReport()
    report.written = write_due(now, config)
    send_due(now, config, report)
    return report
