"""我的个人信息: what the app holds about the signed-in member (PIPL Art. 45), read only.

``summary`` is what the page shows: the account (name, the phone masked, unit, 党支部,
role, communities), 计入参与统计 and the roll's current stay, where reminders go, the
calendar feed, how many devices are signed in and how many activities are on record,
and whom to ask for a correction. ``export`` is the download: everything held about
the member, participation records included, as one JSON document — never the password
hash nor any token (a session's or the feed's), which are credentials, not data about
the person. ``contents`` is what stands in for the download inside WeChat, whose browser
does not save files: the file's sections counted, the phone masked as on the page. Only
the member's own rows are read: every query is keyed by their id.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    BackfillRequest,
    Category,
    Community,
    LoginSession,
    Member,
    MemberNotify,
    Need,
    Outbox,
    ReminderOptOut,
    ReportStatus,
    Role,
    RollPeriod,
    Task,
    TaskReport,
    WaitlistEntry,
)
from ..rollups.batch import Plan, gather, plan, run
from ..services.notify import default_settings
from ..services.sessions import live_count
from ..sql_json import json_rows_in_order, rows_of
from ..timeutil import iso_local, utcnow


@dataclass(frozen=True)
class Held:
    member: Member
    stay: RollPeriod | None  # the open stay on a unit's roll; None: on no roll now
    notify: MemberNotify
    calendar_on: bool
    devices: int  # live login sessions
    activities: int  # participations with hours confirmed in an approved activity
    admins: list[str]  # whom to ask for a correction; empty for an admin, who asks nobody


def current_stay(member: Member) -> RollPeriod | None:
    return next((stay for stay in member.roll_history if stay.until is None), None)


def correction_admins(member: Member) -> list[str]:
    """The active admins of the member's unit (the bureau office's 单位管理员), or every
    active admin when the unit has none: they keep name, phone, unit, 党支部 and role."""
    query = (select(Member.name).where(Member.role == Role.admin, Member.active.is_(True))
             .order_by(Member.name_key, Member.id))
    names = list(db.session.scalars(query.where(Member.unit_id == member.unit_id)))
    return names or list(db.session.scalars(query))


def _load_account(member: Member) -> None:
    """The member again with their unit, communities, the roll's stays and the stays'
    units, in one statement: not one lazy load each (a stay per unit: one per stay)."""
    db.session.scalars(
        select(Member).where(Member.id == member.id)
        .options(joinedload(Member.unit), joinedload(Member.communities),
                 joinedload(Member.roll_periods).joinedload(RollPeriod.unit))
        .execution_options(populate_existing=True)).unique().one()


def _account_with_settings(member: Member) -> tuple[MemberNotify, list[str]]:
    """``_load_account``, with the member's reminder settings (defaults when she never
    saved any) and the kinds she turned off, sorted, as columns of the same statement:
    the export's budget (docs/design.md, "Budgets"; count48: 12, one each)."""
    turned_off = json_rows_in_order(
        select(ReminderOptOut.kind).where(ReminderOptOut.member_id == member.id),
        ReminderOptOut.kind).scalar_subquery()
    _member, notify, kinds = db.session.execute(
        select(Member, MemberNotify, turned_off).where(Member.id == member.id)
        .outerjoin(MemberNotify, MemberNotify.member_id == Member.id)
        .options(joinedload(Member.unit), joinedload(Member.communities),
                 joinedload(Member.roll_periods).joinedload(RollPeriod.unit))
        .execution_options(populate_existing=True)).unique().one()
    return (notify if notify is not None else default_settings(member.id),
            sorted(kind for kind, in rows_of(kinds)))


def summary(member: Member) -> Held:
    """The page's figures in a fixed few statements whatever the member's history
    (design: ≤ 6 a page, the same at 10× the data; tests/web/test_me_data.py)."""
    # the account and the reminder settings in one statement, as the download reads
    # them (pagesb48 Open: they were two); the kinds turned off ride along unshown
    notify, _kinds_off = _account_with_settings(member)
    # Both counts in one statement; the live sessions counted in SQL by the rule
    # why_over applies (services/sessions.py live_clause), never loaded to be counted.
    activities = (select(func.count()).select_from(Assignment)
                  .join(TaskReport, TaskReport.task_id == Assignment.task_id)
                  .where(Assignment.member_id == member.id,
                         Assignment.status == AssignmentStatus.done,
                         TaskReport.status == ReportStatus.approved)
                  .scalar_subquery())
    done, devices = db.session.execute(select(activities, live_count(member.id))).one()
    # An admin corrects their own details (the page links to their member form and names
    # nobody to ask), so the admins are read only for the others: no statement wasted.
    return Held(member=member, stay=current_stay(member), notify=notify,
                calendar_on=notify.calendar_token_hash is not None,
                devices=devices or 0, activities=done or 0,
                admins=[] if member.is_admin else correction_admins(member))


@dataclass(frozen=True)
class Contents:
    """What the download holds, counted: the page WeChat's browser gets instead of the
    file (``me.routes.data_json``). The counts are of the records ``export`` writes, each
    kind by the same condition."""
    member: Member
    roll_history: int
    participations: int
    tasks_led: int
    waitlist: int
    backfill_requests: int
    needs_claimed: int
    messages: int
    login_sessions: int
    changes_to_account: int


def _count(model, *where):
    return select(func.count()).select_from(model).where(*where).scalar_subquery()


def contents(member: Member) -> Contents:
    """The download's sections and how many records each holds, in two statements (the
    account with its stays, then every count in one): no record itself is read — a
    preview, not the export (``export``, limited by EXPORT_LIMIT)."""
    _load_account(member)
    counts = db.session.execute(select(
        _count(Assignment, Assignment.member_id == member.id),
        _count(Task, Task.leader_id == member.id),
        _count(WaitlistEntry, WaitlistEntry.member_id == member.id),
        _count(BackfillRequest, BackfillRequest.member_id == member.id),
        _count(Need, or_(Need.claimed_by_id == member.id, Need.fulfilled_by_id == member.id)),
        _count(Outbox, Outbox.member_id == member.id),
        _count(LoginSession, LoginSession.member_id == member.id),
        _count(AuditEvent, AuditEvent.entity_type == Member.__tablename__,
               AuditEvent.entity_id == member.id))).one()
    return Contents(member, len(member.roll_history), *counts)


# Times in Beijing time with the offset, as every page shows them (design: stored in
# UTC, shown in Asia/Shanghai); dates as they are.
_iso = iso_local


def export(member: Member) -> dict:
    """Everything held about ``member``, for ``member`` to keep (我的个人信息 → 下载);
    the same statements whatever the history (tests/web/test_me_data_queries.py): the
    account with its settings, then every kind of record in one (``_records``)."""
    notify, kinds_off = _account_with_settings(member)
    return {
        "member": {
            "id": member.id, "name": member.name, "phone": member.phone,
            "unit": member.unit.name, "branch": member.branch, "role": member.role.value,
            "communities": [c.name for c in member.communities],
            "active": member.active, "on_roll": member.on_roll,
            "password_set": member.password_hash is not None,
            "created_at": _iso(member.created_at),
        },
        "roll_history": [{"unit": stay.unit.name, "since": _iso(stay.since),
                          "last_day": _iso(stay.last_day)} for stay in member.roll_history],
        "reminders": {
            "email": notify.email, "email_on": notify.email_on, "sms_on": notify.sms_on,
            "sms_with_email": bool(notify.sms_with_email),
            "calendar_feed_on": notify.calendar_token_hash is not None,
            "kinds_turned_off": kinds_off,
        },
        **run(_records(member.id)),
        "exported_at": _iso(utcnow()),
    }


def _records(member_id: int) -> Plan:
    """The export's records of every kind, each kind's rows a part of one statement
    (``rollups.batch``: the download within the design's budget, count48's list: was one
    statement a kind), in the export's order and shape."""
    kinds = {
        "participations": _participations(member_id),
        "tasks_led": plan(
            select(Task.id, Task.title, Task.service_date, Community.name, Task.status)
            .join(Community, Community.id == Task.community_id)
            .where(Task.leader_id == member_id).order_by(Task.starts_at, Task.id),
            shape=lambda rows: [{"task_id": task_id, "title": title, "date": _iso(day),
                                 "community": community, "status": status.value}
                                for task_id, title, day, community, status in rows]),
        "waitlist": plan(
            select(WaitlistEntry.task_id, WaitlistEntry.status, WaitlistEntry.joined_at,
                   WaitlistEntry.promoted_at, WaitlistEntry.left_at)
            .where(WaitlistEntry.member_id == member_id)
            .order_by(WaitlistEntry.joined_at, WaitlistEntry.id),
            shape=lambda rows: [{"task_id": task_id, "status": status.value,
                                 "joined_at": _iso(joined), "promoted_at": _iso(promoted),
                                 "left_at": _iso(left)}
                                for task_id, status, joined, promoted, left in rows]),
        "backfill_requests": plan(
            select(BackfillRequest.service_date, BackfillRequest.task_id,
                   BackfillRequest.description, BackfillRequest.minutes, BackfillRequest.note,
                   BackfillRequest.status, BackfillRequest.decided_at,
                   BackfillRequest.decline_reason, BackfillRequest.created_at)
            .where(BackfillRequest.member_id == member_id)
            .order_by(BackfillRequest.created_at, BackfillRequest.id),
            shape=lambda rows: [{"date": _iso(day), "task_id": task_id,
                                 "description": description, "hours": minutes / 60,
                                 "note": note, "status": status.value,
                                 "decided_at": _iso(decided), "decline_reason": reason,
                                 "created_at": _iso(created)}
                                for day, task_id, description, minutes, note, status, decided,
                                reason, created in rows]),
        "needs_claimed": plan(
            select(Need.id, Need.title, Need.status, Need.fulfilled_on)
            .where(or_(Need.claimed_by_id == member_id, Need.fulfilled_by_id == member_id))
            .order_by(Need.posted_on, Need.id),
            shape=lambda rows: [{"need_id": need_id, "title": title, "status": status.value,
                                 "fulfilled_on": _iso(fulfilled)}
                                for need_id, title, status, fulfilled in rows]),
        "messages": plan(
            select(Outbox.subject, Outbox.body, Outbox.kind, Outbox.channel, Outbox.status,
                   Outbox.sent_at, Outbox.read_at)
            .where(Outbox.member_id == member_id).order_by(Outbox.created_at, Outbox.id),
            shape=lambda rows: [{"subject": subject, "body": body, "kind": kind,
                                 "channel": channel.value, "status": status.value,
                                 "sent_at": _iso(sent), "read_at": _iso(read)}
                                for subject, body, kind, channel, status, sent, read in rows]),
        "login_sessions": plan(
            select(LoginSession.device, LoginSession.remembered, LoginSession.created_at,
                   LoginSession.last_seen_at, LoginSession.ended_at, LoginSession.end_reason)
            .where(LoginSession.member_id == member_id)
            .order_by(LoginSession.created_at, LoginSession.id),
            shape=lambda rows: [{"device": device, "remembered": remembered,
                                 "created_at": _iso(created), "last_seen_at": _iso(seen),
                                 "ended_at": _iso(ended), "end_reason": reason}
                                for device, remembered, created, seen, ended, reason in rows]),
        "changes_to_account": plan(
            select(AuditEvent.action, AuditEvent.created_at, Member.name)
            .outerjoin(Member, Member.id == AuditEvent.actor_id)
            .where(AuditEvent.entity_type == Member.__tablename__,
                   AuditEvent.entity_id == member_id)
            .order_by(AuditEvent.created_at, AuditEvent.id),
            shape=lambda rows: [{"action": action, "at": _iso(at), "by": by}
                                for action, at, by in rows]),
    }
    return gather(*kinds.values(), shape=lambda *found: dict(zip(kinds, found)))


def _participations(member_id: int) -> Plan:
    """Every participation row of the member, withdrawn ones too, with its activity and
    whether it counts (hours confirmed in an approved activity)."""
    def shape(rows):
        return [{
            "task_id": task_id, "title": title, "date": _iso(day),
            "starts_at": _iso(starts), "ends_at": _iso(ends),
            "community": community, "category": category,
            "place": place, "backfilled": backfilled, "task_status": task_status.value,
            "status": status.value, "hours": minutes / 60 if minutes else None,
            "claimed_at": _iso(claimed), "checked_in_at": _iso(checked_in),
            "confirmed_at": _iso(confirmed),
            # who stated the hours, as her 服务记录's 时长来源 says it (None: not told, pre-0069)
            "hours_origin": origin.value if origin else None,
            "report_status": report.value if report is not None else None,
            "counted": status == AssignmentStatus.done and report == ReportStatus.approved,
        } for (task_id, title, day, starts, ends, community, category, place, backfilled,
               task_status, status, minutes, claimed, checked_in, confirmed, origin,
               report) in rows]

    return plan(
        select(Task.id, Task.title, Task.service_date, Task.starts_at, Task.ends_at,
               Community.name, Category.name, Task.place, Task.backfilled, Task.status,
               Assignment.status, Assignment.minutes, Assignment.claimed_at,
               Assignment.checked_in_at, Assignment.confirmed_at, Assignment.hours_origin,
               TaskReport.status)
        .join(Task, Task.id == Assignment.task_id)
        .join(Community, Community.id == Task.community_id)
        .join(Category, Category.id == Task.category_id)
        .outerjoin(TaskReport, TaskReport.task_id == Task.id)
        .where(Assignment.member_id == member_id)
        .order_by(Task.starts_at, Task.id),
        shape=shape)
