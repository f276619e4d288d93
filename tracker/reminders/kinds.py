"""The reminder kinds, in one list. Each finds what is due now with one statement
over the rules of ``tracker/owed.py`` (what each person owes), and words it.

Adding a kind is a one-place change: write its ``find`` function below (it returns
what each message says as facts, ``_said``) and the one function that words those
facts (``worded_by``), and add a ``Kind`` to ``KINDS``. Its code is what
``REMINDER_KINDS`` lists and what a member's opt-out stores; the settings page offers
it to the audience named. 候补转正 (``waitlist_promoted``) and 补录申请结果
(``backfill_decided``) were added this way.

No kind is ever about rankings, points, online time or check-in streaks
(docs/design.md, invariant 6): only about a task the person is on or owes.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Callable

from flask_babel import gettext as _
from flask_babel import ngettext
from ..i18n import lazy_gettext as _l
from sqlalchemy import and_, literal, or_, select
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.engine import Row

from .. import owed
from ..config import ConfigError
from ..extensions import db
from ..models import (
    HOLDING,
    Assignment,
    AssignmentStatus,
    AuditEvent,
    BackfillRequest,
    Invitation,
    InvitationPurpose,
    Member,
    Outbox,
    OutboxStatus,
    ReminderNewsStart,
    ReportStatus,
    RequestStatus,
    Role,
    Task,
    TaskReport,
    TaskStatus,
    WaitlistEntry,
    WaitStatus,
    liaison_community,
)
from ..formatting import hours
from ..services import reviews
from ..services.backfill_requests import admin_only_adoptions
from ..services.voiding import void_of_task
from ..templating import ROLE, time_range
from ..timeutil import to_local
from . import moves


@dataclass(frozen=True)
class Due:
    """One reminder to write: for a member, or (``community_id``) a work group."""

    kind: str
    about: str  # what it is about, part of the dedupe key: "task:12", "day:2026-11-30"
    subject: str
    body: str
    link: str | None = None
    member_id: int | None = None
    community_id: int | None = None
    task_id: int | None = None
    # what it says, as data: its kind's ``word`` makes ``subject`` and ``body`` of it
    facts: dict | None = None


@dataclass(frozen=True)
class Kind:
    code: str
    label: object  # lazy string shown on the settings page
    explain: object
    # "member" (anyone on a task) or "liaison": offered on the settings page to them;
    # "account": a notice about the member's own account, always on (never offered, and
    # not switched off by REMINDER_KINDS).
    audience: str
    find: Callable[[datetime, dict], list[Due]]
    # False: news that cannot wait for tomorrow morning (a task called off or moved, a
    # password reset): REMINDER_DAILY_CAP neither holds it back nor counts it.
    capped: bool = True
    # True: useless once its task starts (明天的任务, 候补转正): REMINDER_DAILY_CAP counts it
    # but never holds it back — the cap defers news that can wait instead, so three
    # 补录申请 results cannot push the eve's 明天的任务 past an 08:00 start (walk7 D8).
    timely: bool = False
    # True: it tells of an event (a task called off or moved, a reset link, corrected
    # hours), not of something still owed: only events after the installation began
    # telling it (``_news_since``), so an upgrade does not tell weeks of them as news.
    news: bool = False

    def still_due(self, row, now: datetime, config: dict):
        """Whether a row written earlier is still true when it can leave (``STILL_DUE``):
        falsy if not; else what the check found (True for a kind without one), for
        ``facts_at_send`` — the row leaves worded from the same read, not a second."""
        check = STILL_DUE.get(self.code)
        return True if check is None else check(row, now, config)

    def facts_at_send(self, row, now: datetime, config: dict, due=True) -> dict | None:
        """The row's facts as they should be when it leaves (``REWORDED``), or None:
        as written. ``due``: what ``still_due`` found for it."""
        facts = REWORDED.get(self.code)
        return None if facts is None else facts(row, now, config, due)

    def word(self, facts: dict) -> tuple[str, str]:
        """(subject, body) of a message of this kind saying ``facts``, in the current
        locale (``WORDS``)."""
        return WORDS[self.code](facts)


# --- worded from what it says -----------------------------------------------------------------
# A reminder is kept as data — its kind's code and the values its words need
# (``Due.facts``, stored as ``Outbox.facts``: a task's title, times as UTC ISO strings,
# counts, names as they were when written) — and worded by its kind's one function of
# them, in the locale of the moment: the job's (zh_CN, no request) for what is sent and
# stored as ``subject`` / ``body``, and the reader's on the 消息 and 提醒发送状态 pages
# (``words_of``). One function both times: an SMS and its 消息 say the same words.

WORDS: dict[str, Callable[[dict], tuple[str, str]]] = {}


def worded_by(code: str):
    def register(words):
        WORDS[code] = words
        return words
    return register


def words_of(row) -> tuple[str, str]:
    """An outbox row's (subject, body) in the current locale: worded from its facts,
    or as stored (a row written before facts were kept, a message worded once)."""
    words = WORDS.get(row.kind)
    if row.facts is None or words is None:
        return row.subject, row.body
    return words(row.facts)


def _said(code: str, about: str, facts: dict, link: str | None = None, **who) -> Due:
    """A ``Due`` of kind ``code`` saying ``facts``, worded now (the job's locale)."""
    subject, body = WORDS[code](facts)
    return Due(code, about, subject, body, link, facts=facts, **who)


# --- still due when it can leave ------------------------------------------------------------
# A push that waits (quiet hours, the daily cap's deferral, a retry after a channel error)
# is asked again just before it is sent: each kind's check below applies the kind's own
# rule (``tracker/owed.py``, as its ``find`` does) to the row's person and task at the
# time of sending; a row that fails it is dropped as ``obsolete``, never sent. A kind
# without a check is always still due.

STILL_DUE: dict[str, Callable] = {}


def still_due_for(code: str):
    def register(check):
        STILL_DUE[code] = check
        return check
    return register


# --- worded when it leaves ---------------------------------------------------------------------
# A kind whose text depends on when it is read (明天 / 今天, a time that may have moved)
# gives a row new facts just before it is sent; they and their words are stored on the
# row as sent.

REWORDED: dict[str, Callable] = {}


def reworded_for(code: str):
    def register(words):
        REWORDED[code] = words
        return words
    return register


def about_of(row) -> str:
    """What a row is about, as its kind's ``find`` named it (the dedupe key's middle:
    ``kind:who:about:channel``)."""
    return row.dedupe_key.split(":", 2)[2].rsplit(":", 1)[0]


def _exists(statement) -> bool:
    return bool(db.session.scalar(select(statement.exists())))


def _iso(moment: datetime | None) -> str | None:
    """A time as facts keep it: UTC, ISO 8601."""
    if moment is None:
        return None
    utc = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else \
        moment.astimezone(timezone.utc)
    return utc.isoformat()


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _task(title: str, starts_at, ends_at, place: str | None = None) -> dict:
    """A task as a message's facts name it (as it was when written)."""
    return {"title": title, "starts": _iso(starts_at), "ends": _iso(ends_at), "place": place}


def _task_line(task: dict) -> str:
    when = time_range(_Span(_moment(task["starts"]), _moment(task["ends"])))
    if task.get("place"):
        return _("%(title)s（%(when)s，%(place)s）", title=task["title"], when=when,
                 place=task["place"])
    return _("%(title)s（%(when)s）", title=task["title"], when=when)


def _local_time(text: str | None) -> str:
    """A facts time as a message shows it: Asia/Shanghai, to the minute."""
    return f"{to_local(_moment(text)):%Y-%m-%d %H:%M}" if text else ""


@dataclass
class _Span:
    starts_at: datetime
    ends_at: datetime


def _recent(config: dict, now: datetime) -> datetime:
    """Nothing older than this is reminded of (a new installation does not flood)."""
    return now - timedelta(days=config["REMINDER_LOOKBACK_DAYS"])


def _news_since(code: str, config: dict, now: datetime) -> datetime:
    """Events of a news kind older than this are not told: those before the release that
    brought the kind (``ReminderNewsStart``, written by its migration) were never news
    of this installation's reminders, and nothing is older than ``_recent``."""
    started = db.session.scalar(select(ReminderNewsStart.started_at)
                                .where(ReminderNewsStart.kind == code))
    recent = _recent(config, now)
    return recent if started is None else max(recent, started)


def _active(member_column):
    return member_column.in_(select(Member.id).where(Member.active.is_(True)))


def _reason(text: str | None) -> str:
    """A typed reason, without the full stop the message's own sentence adds."""
    return (text or "").strip().rstrip("。.！!").strip()


def _person(member: Member | None) -> dict | None:
    """Who did it, as a message's facts name them: role and name as they were then."""
    return None if member is None else {"role": member.role.value, "name": member.name}


def _who(person: dict | None) -> str:
    if person is None:
        return _("（未知）")
    return _("%(role)s%(name)s", role=ROLE[Role(person["role"])], name=person["name"])


def _days_since(moment: datetime, now: datetime) -> int:
    """Whole days from ``moment`` to ``now``: what a message says, not the threshold."""
    return (now - moment).days


# --- 明天的任务: the participants, the evening before ---------------------------------------
# One per task and day of the task: the day is the key, not the start, so a task moved
# within that day (told by 任务时间地点有变) is not announced a second time. What leaves is
# worded when it leaves (``REWORDED``): the task's time and place as they are then, and
# 「今天」 when it could not leave by midnight (quiet hours, the daily cap's deferral) and
# the task is still to come today.

def _tomorrow_facts(title: str, place: str | None, starts, ends, today: bool,
                    assigned: bool = False, checked_in: bool = False) -> dict:
    # ``assigned``: her place was put there by a liaison (指派), not claimed by her: the
    # message says so and names the way out her pages offer (退出任务, walk47 #4).
    # ``checked_in``: she has checked in (from an hour before the start): no way out is
    # left (``claims.withdraw``), so none is named (withdraw47's Open)
    return {"task": _task(title, starts, ends, place), "today": today, "assigned": assigned,
            "checked_in": checked_in}


def _checked_in(status) -> bool:
    """Whether a place read with its status (``Assignment.status``) is checked in."""
    return status == AssignmentStatus.checked_in


@worded_by("tomorrow")
def word_tomorrow(facts: dict) -> tuple[str, str]:
    task = facts["task"]
    line = _task_line(task)
    # a row written before ``assigned`` was kept reads as a claim, as it did then
    assigned = facts.get("assigned", False)
    if facts.get("checked_in"):
        return _tomorrow_checked_in(task, line, assigned, facts.get("today"))
    if facts.get("today"):
        time = f"{to_local(_moment(task['starts'])):%H:%M}"
        return (_("今天的任务：%(title)s", title=task["title"]),
                _("指派给您的任务今天 %(time)s 开始：%(task)s。如不能参加，请在开始前退出该任务。",
                  time=time, task=line) if assigned else
                _("您认领的任务今天 %(time)s 开始：%(task)s。如不能参加，请在开始前取消认领。",
                  time=time, task=line))
    return (_("明天的任务：%(title)s", title=task["title"]),
            _("指派给您的任务明天开始：%(task)s。如不能参加，请在开始前退出该任务。", task=line)
            if assigned else
            _("您认领的任务明天开始：%(task)s。如不能参加，请在开始前取消认领。", task=line))


def _tomorrow_checked_in(task: dict, line: str, assigned: bool, today) -> tuple[str, str]:
    """``word_tomorrow`` for one checked in (a row that left late: quiet hours, the
    cap): she can no longer leave the task; one who cannot take part after all tells
    the 组长 or the liaison, who records her 缺席 (else 通过 may count her check-in)."""
    if today:
        time = f"{to_local(_moment(task['starts'])):%H:%M}"
        return (_("今天的任务：%(title)s", title=task["title"]),
                _("指派给您的任务今天 %(time)s 开始：%(task)s。您已签到；如不能参加，"
                  "请联系组长或联络员。", time=time, task=line) if assigned else
                _("您认领的任务今天 %(time)s 开始：%(task)s。您已签到；如不能参加，"
                  "请联系组长或联络员。", time=time, task=line))
    return (_("明天的任务：%(title)s", title=task["title"]),
            _("指派给您的任务明天开始：%(task)s。您已签到；如不能参加，请联系组长或联络员。",
              task=line) if assigned else
            _("您认领的任务明天开始：%(task)s。您已签到；如不能参加，请联系组长或联络员。",
              task=line))


def find_tomorrow(now: datetime, config: dict) -> list[Due]:
    local = to_local(now)
    if local.hour < config["REMINDER_EVENING_HOUR"]:
        return []
    tomorrow = local.date() + timedelta(days=1)
    rows = db.session.execute(
        select(Assignment.member_id, Task.id, Task.title, Task.place, Task.starts_at, Task.ends_at,
               Assignment.assigned_place, Assignment.status)
        .join(Task, Task.id == Assignment.task_id)
        .where(*owed.coming_soon(None, now), Task.service_date == tomorrow,
               _active(Assignment.member_id))
    ).all()
    return [_said("tomorrow", f"task:{task_id}:{tomorrow:%Y%m%d}",
                  _tomorrow_facts(title, place, starts, ends, today=False,
                                  assigned=bool(assigned), checked_in=_checked_in(status)),
                  f"/tasks/{task_id}", member_id=member_id, task_id=task_id)
            for member_id, task_id, title, place, starts, ends, assigned, status in rows]


def _tomorrow_day(row) -> date | None:
    """The day of the task a 明天的任务 row announces (``task:{id}:{YYYYMMDD}``; the rows
    an earlier release keyed by the start were given the day by migration 0028)."""
    try:
        return datetime.strptime(about_of(row).rsplit(":", 1)[-1], "%Y%m%d").date()
    except ValueError:
        return None


def _tomorrow_task(row, now: datetime):
    """The row's task as it is now, if the member is still on it, it is on the day the
    row announces and has not started (``owed.coming_soon``: today or tomorrow, not
    cancelled, still held)."""
    return db.session.execute(
        select(Task.title, Task.place, Task.starts_at, Task.ends_at, Task.service_date,
               Assignment.assigned_place, Assignment.status)
        .join(Assignment, Assignment.task_id == Task.id)
        .where(*owed.coming_soon(row.member_id, now), Task.id == row.task_id,
               Task.service_date == _tomorrow_day(row), Task.starts_at > now)).first()


@still_due_for("tomorrow")
def still_tomorrow(row, now: datetime, config: dict):
    """Still on the task (not withdrawn, not cancelled), the task still on the day the
    row announces, and not started: one that could not leave by midnight is still worth
    sending in the morning if the task is later that day (worded for today, see
    ``reword_tomorrow``); once it has started, or moved to another day (whose eve has its
    own reminder), it is obsolete. A move within the day keeps it, with the new time.
    The task as read (truthy), or None: ``reword_tomorrow`` words the row from it."""
    return _tomorrow_task(row, now)


@reworded_for("tomorrow")
def reword_tomorrow(row, now: datetime, config: dict, due=True) -> dict | None:
    """The task's time and place as they are when the row leaves, 「今天」 if that is
    the task's own day, and whether she has checked in by then — ``due``, the task as
    ``still_tomorrow`` read it just before (post53, as ``reword_changed``: not read
    again); read here when not given."""
    task = due if isinstance(due, Row) else _tomorrow_task(row, now)
    if task is None:
        return None
    title, place, starts, ends, day, assigned, status = task
    return _tomorrow_facts(title, place, starts, ends, today=day == to_local(now).date(),
                           assigned=bool(assigned), checked_in=_checked_in(status))


# --- 请确认服务时长: a day after the end ------------------------------------------------------

def find_confirm_hours(now: datetime, config: dict) -> list[Due]:
    rows = db.session.execute(
        select(Assignment.member_id, Assignment.id, Task.id, Task.title, Task.starts_at,
               Task.ends_at)
        .join(Task, Task.id == Assignment.task_id).outerjoin(Task.report)
        .where(*owed.to_confirm(None, now - timedelta(days=1)),
               Task.ends_at > _recent(config, now), _active(Assignment.member_id))
    ).all()
    return [_said("confirm_hours", f"task:{task_id}", {"task": _task(title, starts, ends)},
                  f"/tasks/assignments/{assignment_id}/confirm", member_id=member_id,
                  task_id=task_id)
            for member_id, assignment_id, task_id, title, starts, ends in rows]


@worded_by("confirm_hours")
def word_confirm_hours(facts: dict) -> tuple[str, str]:
    task = facts["task"]
    return (_("请确认服务时长：%(title)s", title=task["title"]),
            _("%(task)s 已结束，请确认您的参与和服务时长。", task=_task_line(task)))


@still_due_for("confirm_hours")
def still_to_confirm(row, now: datetime, config: dict) -> bool:
    """Still on the task, hours not yet confirmed, the task not cancelled or approved."""
    return _exists(select(Assignment.id).join(Task, Task.id == Assignment.task_id)
                   .outerjoin(Task.report)
                   .where(*owed.to_confirm(row.member_id, now), Task.id == row.task_id))


# --- 请提交完成情况: the leader after N days; the liaison copied after 2N ---------------------

def find_submit_report(now: datetime, config: dict) -> list[Due]:
    days = config["REMINDER_REPORT_DAYS"]
    rows = db.session.execute(
        select(Task.leader_id, Task.id, Task.title, Task.starts_at, Task.ends_at)
        .outerjoin(Task.report)
        .where(*owed.to_report(None, now), Task.ends_at <= now - timedelta(days=days),
               Task.ends_at > _recent(config, now), _active(Task.leader_id))
    ).all()
    return [_said("submit_report", f"task:{task_id}",
                  {"task": _task(title, starts, ends), "days": _days_since(ends, now)},
                  f"/tasks/{task_id}/report", member_id=leader_id, task_id=task_id)
            for leader_id, task_id, title, starts, ends in rows]


@worded_by("submit_report")
def word_submit_report(facts: dict) -> tuple[str, str]:
    task, days = facts["task"], facts["days"]
    return (_("请提交完成情况：%(title)s", title=task["title"]),
            ngettext("您是 %(task)s 的组长，活动已结束%(n)d天，请提交完成情况。",
                     "您是 %(task)s 的组长，活动已结束%(n)d天，请提交完成情况。",
                     days, task=_task_line(task), n=days))


@still_due_for("submit_report")
def still_to_report(row, now: datetime, config: dict) -> bool:
    """Still the task's leader, and the report still not submitted."""
    return _exists(select(Task.id).outerjoin(Task.report)
                   .where(*owed.to_report(row.member_id, now), Task.id == row.task_id))


def find_report_overdue(now: datetime, config: dict) -> list[Due]:
    days = 2 * config["REMINDER_REPORT_DAYS"]
    leader = Member.__table__.alias("leader")
    rows = db.session.execute(
        select(liaison_community.c.member_id, Task.id, Task.title, Task.starts_at, Task.ends_at,
               leader.c.name)
        .select_from(Task).outerjoin(Task.report)
        .join(liaison_community, liaison_community.c.community_id == Task.community_id)
        .outerjoin(leader, leader.c.id == Task.leader_id)
        .where(*owed.ended_unreported(now, ended_before=now - timedelta(days=days)),
               Task.ends_at > _recent(config, now), _active(liaison_community.c.member_id))
    ).all()
    return [_said("report_overdue", f"task:{task_id}",
                  {"task": _task(title, starts, ends), "days": _days_since(ends, now),
                   "leader": name},
                  f"/manage/tasks/{task_id}", member_id=liaison_id, task_id=task_id)
            for liaison_id, task_id, title, starts, ends, name in rows]


@worded_by("report_overdue")
def word_report_overdue(facts: dict) -> tuple[str, str]:
    task, days = facts["task"], facts["days"]
    return (ngettext("已结束%(n)d天未提交：%(title)s",
                     "已结束%(n)d天未提交：%(title)s",
                     days, n=days, title=task["title"]),
            ngettext("%(task)s 已结束%(n)d天，组长%(leader)s尚未提交完成情况。",
                     "%(task)s 已结束%(n)d天，组长%(leader)s尚未提交完成情况。",
                     days, task=_task_line(task), n=days,
                     leader=facts.get("leader") or _("（未指定）")))


@still_due_for("report_overdue")
def still_overdue(row, now: datetime, config: dict) -> bool:
    """Still a liaison of the task's community, and the task still has no report."""
    mine = and_(liaison_community.c.community_id == Task.community_id,
                liaison_community.c.member_id == row.member_id)
    return _exists(select(Task.id).join(liaison_community, mine)
                   .where(*owed.ended_unreported(now), Task.id == row.task_id))


# --- 已退回请修改: the leader, at once (the next job run) --------------------------------------

def find_returned(now: datetime, config: dict) -> list[Due]:
    rows = db.session.execute(
        select(Task.leader_id, Task.id, Task.title, TaskReport.reviewed_at,
               TaskReport.return_reason)
        .join(Task.report)
        .where(*owed.to_correct(None), TaskReport.reviewed_at > _recent(config, now),
               _active(Task.leader_id))
    ).all()
    # A second return of the same report is a new reminder: the review time is in the key.
    return [_said("returned", f"task:{task_id}:{reviewed:%Y%m%d%H%M%S}",
                  {"title": title, "reason": reason},
                  f"/tasks/{task_id}/report", member_id=leader_id, task_id=task_id)
            for leader_id, task_id, title, reviewed, reason in rows]


@worded_by("returned")
def word_returned(facts: dict) -> tuple[str, str]:
    return (_("已退回请修改：%(title)s", title=facts["title"]),
            _("%(title)s 的完成情况被退回，原因：%(reason)s。请修改后重新提交。",
              title=facts["title"], reason=_reason(facts.get("reason"))))


@still_due_for("returned")
def still_returned(row, now: datetime, config: dict) -> bool:
    """Still the leader, the report still returned, by the same 退回 (a later one is a
    reminder of its own)."""
    reviewed = db.session.scalar(
        select(TaskReport.reviewed_at).select_from(Task).join(Task.report)
        .where(*owed.to_correct(row.member_id), Task.id == row.task_id))
    return reviewed is not None and about_of(row) == f"task:{row.task_id}:{reviewed:%Y%m%d%H%M%S}"


# --- 待审核已等待N天: the liaison's daily digest, and the community work group's --------------

def _admin_only(task_ids: set[int]) -> set[int]:
    """Of these tasks (their reports waiting), those whose approval only an admin may
    make — a 已定稿 month's (``reviews.admin_only_approvals``, the 待审核 page's rule):
    no liaison's digest nags about what they cannot do (walk7 D6)."""
    if not task_ids:
        return set()
    tasks = db.session.scalars(select(Task).where(Task.id.in_(sorted(task_ids)))).all()
    return set(reviews.admin_only_approvals(tasks))


def find_review_waiting(now: datetime, config: dict) -> list[Due]:
    days = config["STALE_REVIEW_DAYS"]
    rows = db.session.execute(
        select(liaison_community.c.member_id, Task.community_id, Task.id, Task.title,
               TaskReport.submitted_at)
        .select_from(Task).join(Task.report)
        .join(liaison_community, liaison_community.c.community_id == Task.community_id)
        .where(*owed.overdue_review(now, days), _active(liaison_community.c.member_id))
        .order_by(TaskReport.submitted_at, Task.id)
    ).all()
    day = to_local(now).date().isoformat()
    admins = _admin_only({row.id for row in rows})
    per_liaison, per_community = defaultdict(dict), defaultdict(dict)
    for liaison_id, community_id, task_id, title, submitted in rows:
        if task_id in admins:
            continue  # a liaison cannot approve it: the admin is told (待单位管理员处理)
        per_liaison[liaison_id][task_id] = (title, submitted)
        per_community[community_id][task_id] = (title, submitted)
    return ([_said("review_waiting", f"day:{day}", _digest_facts(waiting, days),
                   "/manage/reviews", member_id=liaison_id)
             for liaison_id, waiting in per_liaison.items()]
            + [_said("review_waiting", f"day:{day}", _digest_facts(waiting, days),
                     "/manage/reviews", community_id=community_id)
               for community_id, waiting in per_community.items()])


def _digest_facts(waiting: dict, days: int) -> dict:
    """The count, and the oldest few: a backlog of 60 is not 60 lines in a robot's
    message (refused above its size limit) or in an e-mail; the rest are a click away.
    Each listed title as the line shows it (cut to ``DIGEST_TITLE``)."""
    listed = list(waiting.values())[:DIGEST_LINES]
    return {"days": days, "count": len(waiting),
            "lines": [[title if len(title) <= DIGEST_TITLE else title[:DIGEST_TITLE - 1] + "…",
                       _iso(submitted)] for title, submitted in listed]}


@worded_by("review_waiting")
def word_review_waiting(facts: dict) -> tuple[str, str]:
    days, count, lines = facts["days"], facts["count"], facts["lines"]
    text = ngettext("有%(n)d条完成情况提交已超过%(d)d天，等待审核：",
                    "有%(n)d条完成情况提交已超过%(d)d天，等待审核：",
                    count, n=count, d=days) + "\n" + \
        "\n".join("· " + _("%(title)s（%(date)s 提交）", title=title,
                            date=f"{to_local(_moment(submitted)):%m-%d}")
                  for title, submitted in lines)
    if count > len(lines):
        text += "\n" + _("等共%(n)d条，请到“待审核”查看。", n=count)
    return ngettext("待审核已等待%(n)d天", "待审核已等待%(n)d天", days, n=days), text


def digest_facts_for(row, communities: set[int], now: datetime, config: dict) -> dict:
    """A liaison's digest facts as it leaves, listing and counting only the reports
    waiting in ``communities`` — those whose work group did not get the group's own
    digest, when the SMS copy goes for them alone."""
    days = config["STALE_REVIEW_DAYS"]
    waiting = {task_id: (title, submitted)
               for task_id, title, submitted in db.session.execute(
                   select(Task.id, Task.title, TaskReport.submitted_at)
                   .select_from(Task).join(Task.report)
                   .where(*owed.overdue_review(now, days),
                          Task.community_id.in_(sorted(communities)))
                   .order_by(TaskReport.submitted_at, Task.id))}
    for task_id in _admin_only(set(waiting)):
        del waiting[task_id]
    return _digest_facts(waiting, days)


# A digest lists the oldest few of what is waiting, and counts them all: a newer one
# replaces an older one not yet sent.
DIGESTS = {"review_waiting", "admin_waiting"}
DIGEST_LINES = 10
DIGEST_TITLE = 30  # characters of a title in a digest's line


def sms_words(row) -> str | None:
    """A row's SMS when its body is not one: a digest's count alone (its first line,
    as a sentence), not its list; None for every other kind (its body, title cut)."""
    if row.kind in DIGESTS:
        first = row.body.split("\n", 1)[0]
        return first.rstrip("：:") + ("." if first.endswith(":") else "。")
    return None


@still_due_for("review_waiting")
def still_waiting(row, now: datetime, config: dict) -> bool:
    """Some report of the work group's community (the liaison's communities) still waits
    longer than ``STALE_REVIEW_DAYS``."""
    if row.member_id is None:
        theirs = Task.community_id == row.community_id
    else:
        theirs = Task.community_id.in_(select(liaison_community.c.community_id)
                                       .where(liaison_community.c.member_id == row.member_id))
    waiting = set(db.session.scalars(
        select(Task.id).join(Task.report)
        .where(*owed.overdue_review(now, config["STALE_REVIEW_DAYS"]), theirs)))
    return bool(waiting - _admin_only(waiting))


def digest_communities(row, now: datetime, config: dict) -> set[int]:
    """The communities a liaison's digest row is about as it leaves: theirs with a report
    still waiting longer than ``STALE_REVIEW_DAYS`` (each one's work group has its own)."""
    waiting = dict(db.session.execute(
        select(Task.id, Task.community_id).join(Task.report)
        .where(*owed.overdue_review(now, config["STALE_REVIEW_DAYS"]),
               Task.community_id.in_(select(liaison_community.c.community_id)
                                     .where(liaison_community.c.member_id == row.member_id))))
        .all())
    admins = _admin_only(set(waiting))
    return {community for task_id, community in waiting.items() if task_id not in admins}


# --- 待单位管理员处理: what only an admin may do, to the unit's admins, daily --------------------
# A report of a 已定稿 month waits for an admin's 通过, and a 补录申请 dated in one for an
# admin's 采纳 (``reviews.admin_only_approvals``, ``backfill_requests.admin_only_adoptions``:
# the pages' own rules); the liaison's digest leaves them out. Waiting longer than
# STALE_REVIEW_DAYS, as the liaison's digest; to the active admins of each unit whose
# signed month it would change — the activity's, a participant's unit of the day, the
# unit of the request's day (``backfill_requests.request_unit``).

def _for_admins(now: datetime, days: int, unit_id: int | None = None) -> dict:
    """{unit id: (reports {task id: (title, submitted)}, requests [(name, day, asked)])}
    of what only an admin may do and has waited longer than ``days`` (``unit_id``: that
    unit's alone)."""
    reports = db.session.scalars(
        select(Task).join(Task.report).where(*owed.overdue_review(now, days))
        .options(contains_eager(Task.report))
        .order_by(TaskReport.submitted_at, Task.id)).all()
    units = reviews.admin_only_units(reports)
    found: dict = defaultdict(lambda: ({}, []))
    for task in reports:
        for unit in sorted(units.get(task.id, ())):
            if unit_id is None or unit == unit_id:
                found[unit][0][task.id] = (task.title, task.report.submitted_at)
    requests = db.session.scalars(
        select(BackfillRequest)
        .where(BackfillRequest.status == RequestStatus.pending,
               BackfillRequest.created_at < now - timedelta(days=days))
        .options(selectinload(BackfillRequest.member),
                 selectinload(BackfillRequest.task).selectinload(Task.report),
                 selectinload(BackfillRequest.voided_task))
        .order_by(BackfillRequest.created_at, BackfillRequest.id)).all()
    waiting = admin_only_adoptions(requests)
    for request in requests:
        for unit in sorted(waiting[request.id].unit_ids if request.id in waiting else ()):
            if unit_id is None or unit == unit_id:
                found[unit][1].append((request.member.name, request.service_date,
                                       request.created_at))
    return found


def find_admin_waiting(now: datetime, config: dict) -> list[Due]:
    days = config["STALE_REVIEW_DAYS"]
    found = _for_admins(now, days)
    if not found:
        return []
    admins = db.session.execute(
        select(Member.id, Member.unit_id)
        .where(Member.role == Role.admin, Member.active.is_(True),
               Member.unit_id.in_(sorted(found)))).all()
    day = to_local(now).date().isoformat()
    dues = []
    for admin_id, unit in admins:
        reports, requests = found[unit]
        dues.append(_said("admin_waiting", f"day:{day}", {
            "days": days, "reports": _digest_facts(reports, days),
            "requests": {"count": len(requests),
                         "lines": [[name, day_asked.isoformat(), _iso(asked)]
                                   for name, day_asked, asked in requests[:DIGEST_LINES]]}},
            "/manage/reviews" if reports else "/backfill-requests/", member_id=admin_id))
    return dues


@worded_by("admin_waiting")
def word_admin_waiting(facts: dict) -> tuple[str, str]:
    days, reports, requests = facts["days"], facts["reports"], facts["requests"]
    total = reports["count"] + requests["count"]
    text = [ngettext("有%(n)d项已等待超过%(d)d天，涉及已定稿的月份，须由单位管理员处理（社区联络员无法操作）：",
                     "有%(n)d项已等待超过%(d)d天，涉及已定稿的月份，须由单位管理员处理（社区联络员无法操作）：",
                     total, n=total, d=days)]
    if reports["count"]:
        text.append(ngettext("%(n)d条完成情况待审核通过：", "%(n)d条完成情况待审核通过：",
                             reports["count"], n=reports["count"]))
        text += ["· " + _("%(title)s（%(date)s 提交）", title=title,
                          date=f"{to_local(_moment(submitted)):%m-%d}")
                 for title, submitted in reports["lines"]]
    if requests["count"]:
        text.append(ngettext("%(n)d条补录申请待采纳：", "%(n)d条补录申请待采纳：",
                             requests["count"], n=requests["count"]))
        text += ["· " + _("%(name)s %(day)s（%(date)s 提交）", name=name, day=day,
                          date=f"{to_local(_moment(asked)):%m-%d}")
                 for name, day, asked in requests["lines"]]
    if reports["count"] > len(reports["lines"]) or requests["count"] > len(requests["lines"]):
        text.append(_("其余请到“待审核”和“补录申请”查看。"))
    return (ngettext("待单位管理员处理：%(n)d项", "待单位管理员处理：%(n)d项", total, n=total),
            "\n".join(text))


@still_due_for("admin_waiting")
def still_for_admin(row, now: datetime, config: dict) -> bool:
    """Still an active admin, and something of their unit only an admin may do still
    waits."""
    admin = db.session.get(Member, row.member_id)
    if admin is None or not admin.active or admin.role != Role.admin:
        return False
    found = _for_admins(now, config["STALE_REVIEW_DAYS"], admin.unit_id)
    return any(reports or requests for reports, requests in found.values())


# --- 候补转正: the member whose waitlist place became a slot, at once (the next job run) ----

def find_waitlist_promoted(now: datetime, config: dict) -> list[Due]:
    rows = db.session.execute(
        select(WaitlistEntry.member_id, WaitlistEntry.promoted_at, Task.id, Task.title,
               Task.place, Task.starts_at, Task.ends_at)
        .join(Task, Task.id == WaitlistEntry.task_id)
        .where(WaitlistEntry.status == WaitStatus.promoted, Task.starts_at > now,
               WaitlistEntry.promoted_at > _recent(config, now),
               _active(WaitlistEntry.member_id))
    ).all()
    # Promoted again after leaving and waiting anew is a new message: the time is in the key.
    return [_said("waitlist_promoted", f"task:{task_id}:{promoted:%Y%m%d%H%M%S}",
                  {"task": _task(title, starts, ends, place)},
                  f"/tasks/{task_id}", member_id=member_id, task_id=task_id)
            for member_id, promoted, task_id, title, place, starts, ends in rows]


@worded_by("waitlist_promoted")
def word_waitlist_promoted(facts: dict) -> tuple[str, str]:
    task = facts["task"]
    return (_("候补转正：%(title)s", title=task["title"]),
            _("您候补的任务有了名额，已为您认领：%(task)s。如不能参加，请在开始前取消认领。",
              task=_task_line(task)))


@still_due_for("waitlist_promoted")
def still_promoted(row, now: datetime, config: dict) -> bool:
    """Still on the task by the same promotion, the task neither cancelled nor started."""
    promoted = db.session.scalars(
        select(WaitlistEntry.promoted_at).join(Task, Task.id == WaitlistEntry.task_id)
        .join(Assignment, and_(Assignment.task_id == Task.id,
                               Assignment.member_id == WaitlistEntry.member_id))
        .where(WaitlistEntry.member_id == row.member_id, Task.id == row.task_id,
               WaitlistEntry.status == WaitStatus.promoted,
               Assignment.status.in_(owed.TO_CONFIRM), Task.status != TaskStatus.cancelled,
               Task.starts_at > now)).all()
    return any(about_of(row) == f"task:{row.task_id}:{at:%Y%m%d%H%M%S}" for at in promoted if at)


# --- 补录申请已处理: the member who asked, once the liaison decided (the next job run) -------

def _decision(request_id: int, decided_at: datetime, decided_before: bool) -> str:
    """What a 补录申请 reminder is about: one decision of the request. Its first decision
    is ``request:<id>``, as it always was (an upgrade tells none twice); a 作废 re-opens
    an adopted request, and each decision after that one is news again, keyed by its time
    — told once however many times the job runs."""
    if not decided_before:
        return f"request:{request_id}"
    return f"request:{request_id}:{decided_at:%Y%m%d%H%M%S%f}"


def _decided_before(request_ids: list[int]) -> set[int]:
    """Those of ``request_ids`` whose current decision is not their first: a 作废 re-opened
    them from a decision (the ``backfill_request_reopen`` event's ``was``). A request that
    was still pending when its activity was voided (``voided_task_id`` set too) is deciding
    for the first time, and was told under the first decision's key before this rule."""
    if not request_ids:
        return set()
    was = AuditEvent.detail["was"].as_string()
    return set(db.session.scalars(
        select(AuditEvent.entity_id).where(
            AuditEvent.entity_type == BackfillRequest.__tablename__,
            AuditEvent.entity_id.in_(request_ids),
            AuditEvent.action == "backfill_request_reopen",
            was.in_((RequestStatus.adopted.value, RequestStatus.declined.value)))))


def find_backfill_decided(now: datetime, config: dict) -> list[Due]:
    """Each decision of a 补录申请, to its member. An adoption counts in her 服务记录 only
    once the activity's result is approved (official = approved): adopted into a task
    whose report waits for review (or was never sent), the message says so rather than
    promising a row her records do not show yet (walk44 #2). The report
    is read in the same statement, through the participation the adoption made."""
    rows = db.session.execute(
        select(BackfillRequest.id, BackfillRequest.member_id, BackfillRequest.status,
               BackfillRequest.service_date, BackfillRequest.decline_reason,
               BackfillRequest.decided_at, BackfillRequest.voided_task_id,
               TaskReport.status)
        .outerjoin(Assignment, Assignment.id == BackfillRequest.assignment_id)
        .outerjoin(TaskReport, TaskReport.task_id == Assignment.task_id)
        .where(BackfillRequest.status.in_((RequestStatus.adopted, RequestStatus.declined)),
               BackfillRequest.decided_at > _recent(config, now),
               _active(BackfillRequest.member_id))
    ).all()
    # only a request a 作废 re-opened (voided_task_id) can have decided before
    decided_before = _decided_before([row.id for row in rows if row.voided_task_id is not None])
    dues = []
    for request_id, member_id, status, day, reason, decided_at, _voided, report in rows:
        about = _decision(request_id, decided_at, request_id in decided_before)
        adopted = status == RequestStatus.adopted
        facts = {"adopted": adopted, "date": day.isoformat(), "reason": reason}
        if adopted and report != ReportStatus.approved:
            facts["awaits_review"] = True
        dues.append(_said("backfill_decided", about, facts,
                          "/backfill-requests/mine", member_id=member_id))
    return dues


@still_due_for("backfill_decided")
def still_decided(row, now: datetime, config: dict) -> bool:
    """The decision the row tells is still the request's: a 作废 of the activity it was
    采纳 into puts the request back in the queue (``reopen_requests_of``), and an
    「已采纳，计入您的服务记录」 that waited (quiet hours, the daily cap) would tell her of
    a place on a voided activity that counts nowhere; its next decision is told under
    its own key (``_decision``)."""
    request_id = about_of(row).split(":")[1]
    if not request_id.isdigit():
        return False
    request = db.session.execute(
        select(BackfillRequest.id, BackfillRequest.decided_at, BackfillRequest.voided_task_id)
        .where(BackfillRequest.id == int(request_id),
               BackfillRequest.status.in_((RequestStatus.adopted, RequestStatus.declined)))
    ).first()
    if request is None:
        return False
    before = request.voided_task_id is not None and bool(_decided_before([request.id]))
    return about_of(row) == _decision(request.id, request.decided_at, before)


@worded_by("backfill_decided")
def word_backfill_decided(facts: dict) -> tuple[str, str]:
    day = facts["date"]
    if facts["adopted"] and facts.get("awaits_review"):
        return (_("补录申请已采纳：%(date)s", date=day),
                _("您%(date)s的补录申请已采纳，该活动的完成情况审核通过后计入您的服务记录。",
                  date=day))
    if facts["adopted"]:
        return (_("补录申请已采纳：%(date)s", date=day),
                _("您%(date)s的补录申请已采纳，计入您的服务记录。", date=day))
    return (_("补录申请未采纳：%(date)s", date=day),
            _("您%(date)s的补录申请未被采纳，理由：%(reason)s", date=day,
              reason=facts.get("reason") or ""))

# --- 任务已取消 / 任务时间地点有变: the members on a task, at the next run ----------------------
# Both read what the task services already write: the task's status and the AuditEvent of
# its cancel (the reason) or of each edit (what changed), so neither service sends anything.

TIME_PLACE = moves.TIME_PLACE
LONGEST_TASK = timedelta(hours=24)  # tasks.MAX_DURATION: bounds the index range below


def _task_events(code: str, action: str, now: datetime, config: dict, *where):
    """(task, event) pairs: ``action`` AuditEvents of tasks chosen by ``where``, newest
    first, that are news of the kind ``code`` (``_news_since``); found from the tasks (an
    index on status and start), not the whole trail."""
    return db.session.execute(
        select(Task.id, Task.title, Task.place, Task.starts_at, Task.ends_at, AuditEvent.id,
               AuditEvent.created_at, AuditEvent.detail)
        .join(AuditEvent, (AuditEvent.entity_type == Task.__tablename__)
              & (AuditEvent.entity_id == Task.id))
        .where(*where, AuditEvent.action == action,
               AuditEvent.created_at > _news_since(code, config, now))
        .order_by(AuditEvent.id.desc())
    ).all()


def find_cancelled(now: datetime, config: dict) -> list[Due]:
    """Everyone holding a place on a task that was called off and has not ended yet, and
    everyone waiting for one: the task, and the reason the liaison gave."""
    events = {}
    for task_id, title, place, starts, ends, _event, _at, detail in _task_events(
            "cancelled", "cancel", now, config, Task.status == TaskStatus.cancelled,
            Task.starts_at > now - LONGEST_TASK, Task.ends_at > now):
        events.setdefault(task_id, (title, place, starts, ends, (detail or {}).get("reason")))
    if not events:
        return []
    people = db.session.execute(
        select(Assignment.task_id, Assignment.member_id, literal(False),
               Assignment.assigned_place)
        .where(Assignment.task_id.in_(events), Assignment.status.in_(HOLDING),
               _active(Assignment.member_id))
        .union_all(select(WaitlistEntry.task_id, WaitlistEntry.member_id, literal(True),
                          literal(False))
                   .where(WaitlistEntry.task_id.in_(events),
                          WaitlistEntry.status == WaitStatus.waiting,
                          _active(WaitlistEntry.member_id)))
    ).all()
    dues = []
    for task_id, member_id, waiting, assigned in people:
        title, place, starts, ends, reason = events[task_id]
        dues.append(_said("cancelled", f"task:{task_id}:cancel",
                          {"task": _task(title, starts, ends, place), "reason": reason,
                           "waiting": bool(waiting), "assigned": bool(assigned)},
                          f"/tasks/{task_id}", member_id=member_id, task_id=task_id))
    return dues


@worded_by("cancelled")
def word_cancelled(facts: dict) -> tuple[str, str]:
    task, reason = facts["task"], _reason(facts.get("reason"))
    line = _task_line(task)
    # ``assigned``: a place the liaison put her in (指派) is not called her claim
    # (walk47 #4); a row written before it was kept reads as a claim, as it did then
    body = (_("您候补的任务已取消：%(task)s。原因：%(reason)s。", task=line, reason=reason)
            if facts.get("waiting") else
            _("指派给您的任务已取消，不用再前往：%(task)s。原因：%(reason)s。", task=line,
              reason=reason) if facts.get("assigned") else
            _("您认领的任务已取消，不用再前往：%(task)s。原因：%(reason)s。", task=line,
              reason=reason))
    return _("任务已取消：%(title)s", title=task["title"]), body


@still_due_for("cancelled")
def still_cancelled(row, now: datetime, config: dict) -> bool:
    """``find_cancelled``'s rule for the row's member when it leaves: the task not over,
    and she still holds a place on it or still waits for one. A cancelled task's roster
    and line stay as they stood (``claims.withdraw_refusal``, ``waitlist.leave_refusal``:
    no 取消认领, 移出 or 退出候补 after the cancel), so what can still take her off it is
    a 合并账号 moving her places to the account kept (``merge.merge_members``)."""
    holds = select(Assignment.id).where(
        Assignment.task_id == row.task_id, Assignment.member_id == row.member_id,
        Assignment.status.in_(HOLDING))
    waits = select(WaitlistEntry.id).where(
        WaitlistEntry.task_id == row.task_id, WaitlistEntry.member_id == row.member_id,
        WaitlistEntry.status == WaitStatus.waiting)
    return _exists(select(Task.id).where(
        Task.id == row.task_id, Task.status == TaskStatus.cancelled, Task.ends_at > now,
        or_(holds.exists(), waits.exists())))


def find_changed(now: datetime, config: dict) -> list[Due]:
    """Everyone on a task not started yet whose start, end or place changed after they
    claimed it: the task as it is now, and every change since they last heard of it.
    One message per change (the event is the version)."""
    latest = {}
    # task id: (event id, at, start before, fields changed, detail) of each edit, newest first
    edits: dict[int, list] = defaultdict(list)
    for task_id, title, place, starts, ends, event_id, at, detail in _task_events(
            "changed", "update", now, config, Task.status.in_((TaskStatus.open, TaskStatus.closed)),
            Task.starts_at > now):
        # ``fields`` names what an edit changed (older rows: a key per field, with its
        # old and new value)
        detail = detail or {}
        changed = [name for name in TIME_PLACE
                   if name in detail or name in (detail.get("fields") or ())]
        if not changed:
            continue
        was = (detail.get("starts_at") or [None])[0]
        edits[task_id].append((event_id, at, datetime.fromisoformat(was) if was else None,
                               changed, detail))
        if task_id not in latest:  # newest first: the latest change of each task
            latest[task_id] = (title, place, starts, ends, event_id, at, changed)
    if not latest:
        return []
    people = db.session.execute(
        select(Assignment.task_id, Assignment.member_id, Assignment.claimed_at,
               Assignment.assigned_place, Assignment.status)
        .where(Assignment.task_id.in_(latest), Assignment.status.in_(HOLDING),
               _active(Assignment.member_id))
    ).all()
    told = _changes_told(latest)
    dues = []
    for task_id, member_id, claimed_at, assigned, status in people:
        title, place, starts, ends, event_id, at, changed = latest[task_id]
        if claimed_at is not None and claimed_at >= at:
            continue  # claimed after the change: they saw the new time and place
        unheard = _unheard(edits[task_id], claimed_at, told.get((task_id, member_id), 0))
        task = _task(title, starts, ends, place)
        if unheard:
            # moved and moved back before one run: the task is as she knows it, and an
            # in-app 「地点有变，现为 A」 of the place she knows is noise (quiet51)
            net = moves.moved_since([edit[4] for edit in reversed(unheard)], task)
            if not net:
                continue
        facts = {"task": task, "changed": net if unheard else changed,
                 "assigned": bool(assigned), "checked_in": _checked_in(status)}
        knew = _start_known(unheard)
        if knew is not None:
            facts["set_out"] = _iso(min(starts, knew))
        dues.append(_said("changed", f"task:{task_id}:changed:{event_id}", facts,
                          f"/tasks/{task_id}", member_id=member_id, task_id=task_id))
    return dues


def _changes_told(task_ids) -> dict[tuple[int, int], int]:
    """{(task id, member id): the newest edit of the task a 任务时间地点有变 sent to the
    member was about} — the member knows the task as that message said it (the task
    as it was when written, which no older edit changed). The edit is the message's
    ``about``, the last but one part of its ``dedupe_key`` (``job.dedupe_key``)."""
    told: dict[tuple[int, int], int] = {}
    for task_id, member_id, key in db.session.execute(
            select(Outbox.task_id, Outbox.member_id, Outbox.dedupe_key)
            .where(Outbox.kind == "changed", Outbox.status == OutboxStatus.sent,
                   Outbox.task_id.in_(list(task_ids)))):
        event_id = int(key.rsplit(":", 2)[1])
        told[task_id, member_id] = max(told.get((task_id, member_id), 0), event_id)
    return told


def _unheard(edits, claimed_at, told: int) -> list:
    """The edits of one task (newest first) a member has not heard of: made after the
    newest edit a message told them of (``told``, an edit id) and after they claimed.
    The message about the newest edit stands for all of them."""
    return [edit for edit in edits
            if edit[0] > told and (claimed_at is None or claimed_at < edit[1])]


def _start_known(unheard):
    """The start the member knew before the ``unheard`` edits (newest first): the one
    before the oldest of them that moved the start — a task typed 08:00 → 19:00 and
    corrected to 15:00 before the job ran is still 08:00 to them, and cannot wait for the
    morning (``job.setout_deadline``; review39 #2, review40 #2). An edit that left the
    start alone (a place fix) recorded none and is skipped: a place fix and then a move
    still leave the start she knew (review41 #2). None when no unheard edit moved it."""
    moved = [edit[2] for edit in unheard if edit[2] is not None]
    return moved[-1] if moved else None


@worded_by("changed")
def word_changed(facts: dict) -> tuple[str, str]:
    task, changed = facts["task"], facts["changed"]
    line = _task_line(task)
    if facts.get("checked_in"):  # no way out left (as ``word_tomorrow``)
        body = _changed_checked_in(line, changed, facts.get("assigned"))
    elif facts.get("assigned"):  # 指派, not her claim (walk47 #4; as ``word_tomorrow``)
        if "place" in changed and len(changed) > 1:
            body = _("指派给您的任务时间和地点有变，现为：%(task)s。如不能参加，请在开始前退出该任务。",
                     task=line)
        elif "place" in changed:
            body = _("指派给您的任务地点有变，现为：%(task)s。如不能参加，请在开始前退出该任务。",
                     task=line)
        else:
            body = _("指派给您的任务时间有变，现为：%(task)s。如不能参加，请在开始前退出该任务。",
                     task=line)
    elif "place" in changed and len(changed) > 1:
        body = _("您认领的任务时间和地点有变，现为：%(task)s。如不能参加，请在开始前取消认领。",
                 task=line)
    elif "place" in changed:
        body = _("您认领的任务地点有变，现为：%(task)s。如不能参加，请在开始前取消认领。",
                 task=line)
    else:
        body = _("您认领的任务时间有变，现为：%(task)s。如不能参加，请在开始前取消认领。",
                 task=line)
    return _("任务时间地点有变：%(title)s", title=task["title"]), body


def _changed_checked_in(line: str, changed, assigned) -> str:
    """``word_changed`` for one who checked in before the change (the hour before the
    start): she can no longer leave (``claims.withdraw``); one who cannot come at the
    new time or place tells the 组长 or the liaison, who records her 缺席."""
    if assigned:
        if "place" in changed and len(changed) > 1:
            return _("指派给您的任务时间和地点有变，现为：%(task)s。您已签到；如不能参加，"
                     "请联系组长或联络员。", task=line)
        if "place" in changed:
            return _("指派给您的任务地点有变，现为：%(task)s。您已签到；如不能参加，"
                     "请联系组长或联络员。", task=line)
        return _("指派给您的任务时间有变，现为：%(task)s。您已签到；如不能参加，"
                 "请联系组长或联络员。", task=line)
    if "place" in changed and len(changed) > 1:
        return _("您认领的任务时间和地点有变，现为：%(task)s。您已签到；如不能参加，"
                 "请联系组长或联络员。", task=line)
    if "place" in changed:
        return _("您认领的任务地点有变，现为：%(task)s。您已签到；如不能参加，"
                 "请联系组长或联络员。", task=line)
    return _("您认领的任务时间有变，现为：%(task)s。您已签到；如不能参加，"
             "请联系组长或联络员。", task=line)


@reworded_for("changed")
def reword_changed(row, now: datetime, config: dict, due=True) -> dict | None:
    """Whether she has checked in by the time the row leaves (quiet hours, a retry):
    the words name a way out only while one is left. And what it says changed: every
    field that differs from what this channel last told her (``moves``), not what
    changed since her in-app copy, which ``find_changed`` wrote it with (leave50) —
    ``due``, as ``still_changed`` read it just before (afresh51: not read again)."""
    if row.facts is None:
        return None
    checked_in = _exists(select(Assignment.id).where(
        Assignment.task_id == row.task_id, Assignment.member_id == row.member_id,
        Assignment.status == AssignmentStatus.checked_in))
    told = due if isinstance(due, list) else \
        moves.changed_on_channel(row, _news_since("changed", config, now))
    changed = told or row.facts["changed"]
    if (checked_in, changed) == (bool(row.facts.get("checked_in")), row.facts["changed"]):
        return None
    return {**row.facts, "checked_in": checked_in, "changed": changed}


@still_due_for("changed")
def still_changed(row, now: datetime, config: dict) -> list[str] | bool:
    """``find_changed``'s rule for the row's member and task when it leaves: still
    holding a place taken before the change (a member who withdrew, was 移出, or left
    and took a place again since — she saw the new time then — is not on the task the
    message speaks of), the task neither cancelled nor voided (任务已取消 tells that),
    and not over. A task under way still gets it: she may not have set out yet.
    And true when it leaves (leave50, ``moves``): no later move of the task was written
    for her on this channel (that one states the task as it is), and the task differs
    from what this channel last told her — moved and moved back, it is as she was told.
    Due: those fields (``moves.changed_on_channel``), for ``reword_changed`` to word the
    row from — True when there is nothing to compare (``changed_on_channel`` None)."""
    event_id = about_of(row).rsplit(":", 1)[-1]
    if not event_id.isdigit():
        return False
    changed_at = select(AuditEvent.created_at).where(AuditEvent.id == int(event_id)) \
        .scalar_subquery()
    if not _exists(select(Assignment.id).join(Task, Task.id == Assignment.task_id).where(
            Assignment.task_id == row.task_id, Assignment.member_id == row.member_id,
            Assignment.status.in_(HOLDING),
            or_(Assignment.claimed_at.is_(None), Assignment.claimed_at < changed_at),
            Task.status.in_((TaskStatus.open, TaskStatus.closed)), Task.ends_at > now)):
        return False
    if moves.newer_written(row):
        return False
    changed = moves.changed_on_channel(row, _news_since("changed", config, now))
    return True if changed is None else changed  # [] (as she was told): not due


# --- 服务时长已改正: the liaison changed the member's confirmed hours -------------------------

def find_hours_corrected(now: datetime, config: dict) -> list[Due]:
    """Tell the member whose confirmed hours the liaison corrected (改正服务时长): from
    what to what, by whom, why. Their service record changed by someone else's hand;
    they hear of it rather than find it."""
    events = db.session.execute(
        select(AuditEvent, Assignment.member_id, Task.id, Task.title)
        .join(Assignment, (AuditEvent.entity_type == Assignment.__tablename__)
              & (AuditEvent.entity_id == Assignment.id))
        .join(Task, Task.id == Assignment.task_id)
        .where(AuditEvent.action == "correct_minutes",
               AuditEvent.created_at > _news_since("hours_corrected", config, now),
               _active(Assignment.member_id))
        .order_by(AuditEvent.id)
    ).all()
    dues = []
    for event, member_id, task_id, title in events:
        detail = event.detail or {}
        dues.append(_said(
            "hours_corrected", f"task:{task_id}:hours:{event.id}",
            {"title": title, "who": _person(event.actor), "at": _iso(event.created_at),
             "old_minutes": detail.get("old_minutes") or 0,
             "minutes": detail.get("minutes") or 0, "reason": detail.get("reason")},
            f"/tasks/{task_id}", member_id=member_id, task_id=task_id))
    return dues


@worded_by("hours_corrected")
def word_hours_corrected(facts: dict) -> tuple[str, str]:
    return (_("服务时长已改正：%(title)s", title=facts["title"]),
            _("%(who)s于%(time)s将您在“%(task)s”的服务时长由%(old)s小时改为%(new)s小时，"
              "原因：%(reason)s。如有疑问，请联系社区联络员。",
              who=_who(facts.get("who")), time=_local_time(facts["at"]), task=facts["title"],
              old=hours(facts["old_minutes"]), new=hours(facts["minutes"]),
              reason=_reason(facts.get("reason"))))


# --- 活动已作废: the liaison voided an activity the member's confirmed hours were on ---------

def find_voided(now: datetime, config: dict) -> list[Due]:
    """Tell each member whose confirmed hours were on an activity the liaison or an admin
    voided (作废, ``services.voiding``): which activity, by whom, when, why, and how many
    hours no longer count. The members are read from the task's participations — they
    stay done, with their hours, on the voided task — not from the event's detail."""
    events = db.session.execute(
        select(AuditEvent, Assignment.member_id, Assignment.minutes, Task.id, Task.title,
               Task.starts_at, Task.ends_at)
        .join(Task, void_of_task())
        .join(Assignment, Assignment.task_id == Task.id)
        .where(Assignment.status == AssignmentStatus.done,
               AuditEvent.created_at > _recent(config, now), _active(Assignment.member_id))
        .order_by(AuditEvent.id, Assignment.id)
    ).all()
    return [_said("voided", f"task:{task_id}:void",
                  {"task": _task(title, starts, ends), "who": _person(event.actor),
                   "at": _iso(event.created_at), "minutes": minutes or 0,
                   "reason": (event.detail or {}).get("reason")},
                  f"/tasks/{task_id}", member_id=member_id, task_id=task_id)
            for event, member_id, minutes, task_id, title, starts, ends in events]


@worded_by("voided")
def word_voided(facts: dict) -> tuple[str, str]:
    task = facts["task"]
    return (_("活动已作废：%(title)s", title=task["title"]),
            _("%(who)s于%(time)s作废了活动%(task)s，您在该活动的%(h)s小时服务时长不再计入。"
              "原因：%(reason)s。如有疑问，请联系社区联络员。",
              who=_who(facts.get("who")), time=_local_time(facts["at"]),
              task=_task_line(task), h=hours(facts["minutes"]),
              reason=_reason(facts.get("reason"))))


# --- 账号安全: a reset link made for the member's account, and its use --------------------------

def find_password_reset(now: datetime, config: dict) -> list[Due]:
    """Tell the member whenever a link to reset their password is made, and when it is
    used: who made it and when. A member who did not ask knows at once whom to call."""
    links = db.session.scalars(
        select(Invitation)
        .where(Invitation.purpose == InvitationPurpose.reset,
               Invitation.created_at > _news_since("password_reset", config, now),
               _active(Invitation.member_id))
    ).all()
    dues = []
    for link in links:
        who = _person(link.created_by)
        dues.append(_said("password_reset", f"invitation:{link.id}:issued",
                          {"used": False, "who": who, "at": _iso(link.created_at)},
                          member_id=link.member_id))
        if link.used_at is not None:
            dues.append(_said("password_reset", f"invitation:{link.id}:used",
                              {"used": True, "who": who, "at": _iso(link.used_at)},
                              member_id=link.member_id))
    return dues


@worded_by("password_reset")
def word_password_reset(facts: dict) -> tuple[str, str]:
    who, time = _who(facts.get("who")), _local_time(facts["at"])
    if facts["used"]:
        return (_("您的登录密码已重设"),
                _("您的登录密码已于%(time)s通过%(who)s生成的链接重设，其他设备上的登录已退出。"
                  "如非本人操作，请立即联系单位管理员。", time=time, who=who))
    return (_("已为您的账号生成重设密码链接"),
            _("%(who)s于%(time)s为您的账号生成了重设登录密码的链接。如非本人申请，请立即联系单位管理员。",
              who=who, time=time))


KINDS = [
    Kind("tomorrow", _l("明天的任务"), _l("前一天晚上提醒您明天要参加的任务"), "member",
         find_tomorrow, timely=True),
    Kind("confirm_hours", _l("请确认服务时长"), _l("任务结束一天后，提醒您确认服务时长"), "member",
         find_confirm_hours),
    Kind("submit_report", _l("请提交完成情况"), _l("您是组长、活动结束后仍未提交完成情况时提醒"),
         "member", find_submit_report),
    Kind("returned", _l("已退回请修改"), _l("您提交的完成情况被退回时立即提醒"), "member",
         find_returned),
    Kind("cancelled", _l("任务已取消"), _l("您认领或候补的任务被取消时立即提醒，附取消原因"),
         "member", find_cancelled, capped=False, news=True),
    Kind("changed", _l("任务时间地点有变"), _l("您认领的任务改了时间或地点时立即提醒"), "member",
         find_changed, capped=False, news=True),
    Kind("hours_corrected", _l("服务时长已改正"), _l("联络员改正您已确认的服务时长时提醒，附原因"),
         "member", find_hours_corrected, news=True),
    Kind("voided", _l("活动已作废"), _l("您已确认服务时长的活动被联络员作废、时长不再计入时提醒，附原因"),
         "member", find_voided),
    Kind("waitlist_promoted", _l("候补转正"), _l("您候补的任务有人取消、名额转给您时立即提醒"),
         "member", find_waitlist_promoted, timely=True),
    Kind("backfill_decided", _l("补录申请结果"), _l("您的补录申请被采纳或拒绝时立即提醒"),
         "member", find_backfill_decided),
    Kind("report_overdue", _l("已结束未提交（抄送联络员）"),
         _l("组长逾期较久仍未提交完成情况时，提醒社区联络员"), "liaison", find_report_overdue),
    Kind("review_waiting", _l("待审核已等待多日"), _l("每天汇总一次等待审核过久的完成情况"),
         "liaison", find_review_waiting),
    Kind("admin_waiting", _l("待单位管理员处理"),
         _l("每天汇总一次只能由单位管理员处理、已等待多日的事项（已定稿月份的审核通过和补录申请）"),
         "admin", find_admin_waiting),
    Kind("password_reset", _l("账号安全"), _l("有人为您的账号生成重设密码链接、或用它重设了密码时通知您"),
         "account", find_password_reset, capped=False, news=True),
]
BY_CODE = {kind.code: kind for kind in KINDS}
UNCAPPED = tuple(kind.code for kind in KINDS if not kind.capped)
TIMELY = tuple(kind.code for kind in KINDS if kind.timely)
# The kinds 我的待办 lists (``owed.member_todo``: a task of today or tomorrow, hours to
# confirm, a report to submit or to correct). The others — 补录申请结果, hours corrected,
# 作废, 候补转正 of a task further off — are listed on 消息 only (every in-app copy is
# delivered as it is written): a bundle with one of them links there (``job.compose``).
ON_TODO = frozenset({"tomorrow", "confirm_hours", "submit_report", "returned"})
# The kinds that ask the reader to do something (a member's 我的待办, a liaison's or an
# admin's reviews and overdue reports); the others are news — 消息 offers 「查看」 for
# them, not 「去处理」: a declined 补录申请 or a voided activity has nothing to handle.
ASKING = ON_TODO | {"report_overdue", "review_waiting", "admin_waiting"}


def check_setting(config: dict) -> None:
    """REMINDER_KINDS names only kinds there are: a misspelt one (`tomorow`) switched
    that kind off without a word. Called by ``create_app`` at start (config.py cannot
    read this list: the kinds query the models, which come after the settings)."""
    unknown = [code for code in config.get("REMINDER_KINDS") or () if code not in BY_CODE]
    if unknown:
        switchable = ", ".join(kind.code for kind in KINDS if kind.audience != "account")
        always = ", ".join(kind.code for kind in KINDS if kind.audience == "account")
        raise ConfigError(f"REMINDER_KINDS must name reminder kinds, comma-separated, of: "
                          f"{switchable} ({always} is always on); not a kind: "
                          f"{', '.join(map(repr, unknown))}.")


def enabled(config: dict) -> list[Kind]:
    """The kinds this installation sends (REMINDER_KINDS; all when unset)."""
    wanted = config.get("REMINDER_KINDS")
    return [kind for kind in KINDS
            if wanted is None or kind.code in wanted or kind.audience == "account"]
