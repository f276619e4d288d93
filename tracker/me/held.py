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
    the same statements whatever the history (tests/web/test_me_data_queries.py)."""
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
        "participations": _participations(member),
        "tasks_led": [{"task_id": t.id, "title": t.title, "date": _iso(t.service_date),
                       "community": t.community.name, "status": t.status.value}
                      for t in db.session.scalars(
                          select(Task).where(Task.leader_id == member.id)
                          .options(joinedload(Task.community))
                          .order_by(Task.starts_at, Task.id))],
        "waitlist": [{"task_id": w.task_id, "status": w.status.value,
                      "joined_at": _iso(w.joined_at), "promoted_at": _iso(w.promoted_at),
                      "left_at": _iso(w.left_at)}
                     for w in db.session.scalars(
                         select(WaitlistEntry).where(WaitlistEntry.member_id == member.id)
                         .order_by(WaitlistEntry.joined_at, WaitlistEntry.id))],
        "backfill_requests": [{"date": _iso(r.service_date), "task_id": r.task_id,
                               "description": r.description, "hours": r.minutes / 60,
                               "note": r.note, "status": r.status.value,
                               "decided_at": _iso(r.decided_at),
                               "decline_reason": r.decline_reason,
                               "created_at": _iso(r.created_at)}
                              for r in db.session.scalars(
                                  select(BackfillRequest)
                                  .where(BackfillRequest.member_id == member.id)
                                  .order_by(BackfillRequest.created_at, BackfillRequest.id))],
        "needs_claimed": [{"need_id": n.id, "title": n.title, "status": n.status.value,
                           "fulfilled_on": _iso(n.fulfilled_on)}
                          for n in db.session.scalars(
                              select(Need).where(or_(Need.claimed_by_id == member.id,
                                                     Need.fulfilled_by_id == member.id))
                              .order_by(Need.posted_on, Need.id))],
        "messages": [{"subject": m.subject, "body": m.body, "kind": m.kind,
                      "channel": m.channel.value, "status": m.status.value,
                      "sent_at": _iso(m.sent_at), "read_at": _iso(m.read_at)}
                     for m in db.session.scalars(
                         select(Outbox).where(Outbox.member_id == member.id)
                         .order_by(Outbox.created_at, Outbox.id))],
        "login_sessions": [{"device": s.device, "remembered": s.remembered,
                            "created_at": _iso(s.created_at),
                            "last_seen_at": _iso(s.last_seen_at),
                            "ended_at": _iso(s.ended_at), "end_reason": s.end_reason}
                           for s in db.session.scalars(
                               select(LoginSession).where(LoginSession.member_id == member.id)
                               .order_by(LoginSession.created_at, LoginSession.id))],
        "changes_to_account": [{"action": e.action, "at": _iso(e.created_at),
                                "by": e.actor.name if e.actor else None}
                               for e in db.session.scalars(
                                   select(AuditEvent)
                                   .where(AuditEvent.entity_type == Member.__tablename__,
                                          AuditEvent.entity_id == member.id)
                                   .options(joinedload(AuditEvent.actor))
                                   .order_by(AuditEvent.created_at, AuditEvent.id))],
        "exported_at": _iso(utcnow()),
    }


def _participations(member: Member) -> list[dict]:
    """Every participation row of the member, withdrawn ones too, with its activity and
    whether it counts (hours confirmed in an approved activity)."""
    rows = db.session.execute(
        select(Assignment, Task, TaskReport.status)
        .join(Task, Task.id == Assignment.task_id)
        .outerjoin(TaskReport, TaskReport.task_id == Task.id)
        .where(Assignment.member_id == member.id)
        .options(joinedload(Task.community), joinedload(Task.category))
        .order_by(Task.starts_at, Task.id))
    return [{
        "task_id": task.id, "title": task.title, "date": _iso(task.service_date),
        "starts_at": _iso(task.starts_at), "ends_at": _iso(task.ends_at),
        "community": task.community.name, "category": task.category.name,
        "place": task.place, "backfilled": task.backfilled, "task_status": task.status.value,
        "status": a.status.value, "hours": a.minutes / 60 if a.minutes else None,
        "claimed_at": _iso(a.claimed_at), "checked_in_at": _iso(a.checked_in_at),
        "confirmed_at": _iso(a.confirmed_at),
        # who stated the hours, as her 服务记录's 时长来源 says it (None: not told, pre-0069)
        "hours_origin": a.hours_origin.value if a.hours_origin else None,
        "report_status": report.value if report is not None else None,
        "counted": a.status == AssignmentStatus.done and report == ReportStatus.approved,
    } for a, task, report in rows]
