"""What each person owes — one definition, read by the member's 我的待办, the liaison's
工作台, the menu counts and the reminder job (``tracker/reminders``) alike.

A member owes: hours to confirm (a task that has ended; not hours the overlap rule
refuses to count), a report to submit as 组长 (a task that has started and has
none), a returned report to correct, and turning up at a task today or tomorrow. A
liaison owes, for their communities: reports to review (待审核), of which those
waiting longer than ``stale_days``, returned reports not yet corrected (已退回待修改),
and ended tasks with no report (已结束未提交).

Each rule is a list of WHERE conditions over ``Assignment ⋈ Task ⟕ TaskReport``
(member rules) or ``Task ⟕ TaskReport`` (liaison rules), so a list, a count and the
job's scan are the same statement with a different SELECT. ``counts`` puts every
count a person's menu shows into one statement.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, case, func, join, or_, select, true
from sqlalchemy.orm import contains_eager, joinedload

from .extensions import db
from .models import (
    Assignment,
    AssignmentStatus,
    Outbox,
    ReportStatus,
    Task,
    TaskReport,
    TaskStatus,
)
from .reach import ALL, NO_REACH, NONE, Reach, in_reach
from .services.overlap import counts_elsewhere
from .sql_hints import constants_written_out, not_indexed
from .timeutil import LOCAL_TZ

# A participation whose hours are still to be confirmed once the task has ended
# (and, before that, one that is expected to turn up).
TO_CONFIRM = (AssignmentStatus.claimed, AssignmentStatus.assigned, AssignmentStatus.checked_in)


def not_approved():
    return or_(TaskReport.id.is_(None), TaskReport.status != ReportStatus.approved)


# --- a member's 待办 (over Assignment ⋈ Task ⟕ TaskReport, or Task ⟕ TaskReport) ----------

def _whose(column, member_id: int | None) -> list:
    """One member's (the pages), or everyone's (``None``: the reminder job's scan)."""
    return [] if member_id is None else [column == member_id]


def awaiting_confirmation(member_id: int | None, now: datetime) -> list:
    """My participations in ended tasks whose hours I have not confirmed: 我的任务's
    待确认 tab, each card saying whether it can be confirmed (``claims.confirm_refusal``)
    and, when not, why."""
    return [
        *_whose(Assignment.member_id, member_id),
        Assignment.status.in_(TO_CONFIRM),
        Task.ends_at <= now,
        Task.status != TaskStatus.cancelled,
        not_approved(),
    ]


def to_confirm(member_id: int | None, now: datetime) -> list:
    """Of those, the hours I owe a confirmation of: not those whose 确认 the overlap
    rule refuses (my hours already count on another activity at the same hours,
    ``overlap.counts_elsewhere``) — a count or a reminder of things owed holds nothing
    that cannot be done; the tab still shows that card, explained (review39fix)."""
    return [*awaiting_confirmation(member_id, now),
            ~counts_elsewhere(Assignment.member_id, Task)]


def to_report(member_id: int | None, now: datetime) -> list:
    """Tasks I lead that have started and have no report yet."""
    return [*_whose(Task.leader_id, member_id), Task.leader_id.is_not(None), Task.starts_at <= now,
            Task.status != TaskStatus.cancelled, TaskReport.id.is_(None)]


def to_correct(member_id: int | None) -> list:
    """Tasks I lead whose report was returned and not yet resubmitted."""
    # One member's: from the tasks they lead; SQLite started from every returned report
    # of the county instead (tracker/sql_hints.py). Everyone's (the reminder job): from
    # the returned reports.
    status = TaskReport.status if member_id is None else not_indexed(TaskReport.status)
    return [*_whose(Task.leader_id, member_id), Task.leader_id.is_not(None), Task.status != TaskStatus.cancelled,
            status == ReportStatus.returned]


def waiting_for_my_report(member_id: int, now: datetime) -> list:
    """Either of the two above: what the 组长 still has to (re)submit."""
    return [Task.leader_id == member_id, Task.starts_at <= now,
            Task.status != TaskStatus.cancelled,
            or_(TaskReport.id.is_(None), TaskReport.status == ReportStatus.returned)]


def tomorrow_ends(now: datetime) -> datetime:
    """The end of tomorrow, local time, as UTC: "today or tomorrow" ends here."""
    local = now.astimezone(LOCAL_TZ)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight + timedelta(days=2)).astimezone(now.tzinfo)


def coming_soon(member_id: int | None, now: datetime, soon_ends=None) -> list:
    """My tasks today or tomorrow (local) that have not ended (``soon_ends``: the end of
    tomorrow given apart, for a statement whose ``now`` is a parameter)."""
    return [
        *_whose(Assignment.member_id, member_id),
        Assignment.status.in_(TO_CONFIRM),
        Task.status != TaskStatus.cancelled,
        Task.ends_at > now,
        Task.starts_at < (tomorrow_ends(now) if soon_ends is None else soon_ends),
    ]


# --- a liaison's action list (over Task ⟕ TaskReport) ------------------------------------

def pending_review() -> list:
    return [TaskReport.status == ReportStatus.submitted]


def overdue_review(now: datetime, stale_days: int) -> list:
    return submitted_before(now - timedelta(days=stale_days))


def submitted_before(cutoff) -> list:
    """Waiting for review since before ``cutoff``."""
    return [TaskReport.status == ReportStatus.submitted, TaskReport.submitted_at < cutoff]


def returned_uncorrected() -> list:
    return [TaskReport.status == ReportStatus.returned, Task.status != TaskStatus.cancelled]


# "Not cancelled, and no report or a returned one" is kept on the task as
# ``report_owed_at`` (its end, else NULL: ``tracker/report_owed.py``), so "ended and
# owing" is a range of an index holding only the tasks that owe, not an anti-join over
# every task ever held.

def ended_unreported(now: datetime, *, ended_before: datetime | None = None) -> list:
    """Ended, not cancelled, and no report at all. A task that owes a report has none
    or a returned one, so "none" is "not among the few returned": no anti-join against
    every report (PostgreSQL hashes the whole report table for that)."""
    returned = select(TaskReport.task_id).where(TaskReport.status == ReportStatus.returned)
    return [Task.report_owed_at < (ended_before or now), Task.id.not_in(returned)]


def stale(now: datetime) -> list:
    """The liaison's 逾期事项 list: ended and unreported, or returned and uncorrected."""
    return [Task.report_owed_at < now]


# --- counts in one statement ---------------------------------------------------------------

@dataclass(frozen=True)
class Counts:
    confirm: int = 0
    report: int = 0
    returned: int = 0
    soon: int = 0
    unread: int = 0
    # a liaison's or admin's, for their communities (0 for a member); the 工作台's
    # 已退回待修改 and 已结束未提交 are counted on that page only (``counts_with``,
    # ``manage.queries.home_count_columns``), not on every page
    pending: int = 0
    overdue: int = 0

    @property
    def todo(self) -> int:
        """What the member's 我的待办 lists (the menu's 待办 count)."""
        return self.confirm + self.report + self.returned + self.soon

    @property
    def owes(self) -> bool:
        return self.todo > 0


def count_tasks(conditions):
    """How many tasks match a rule over ``Task ⟕ TaskReport``, as a scalar subquery to
    read along with other counts."""
    return (select(func.count(Task.id)).select_from(Task).outerjoin(Task.report)
            .where(*conditions).scalar_subquery())


def counts(member_id: int, now: datetime, *, reach: Reach = NO_REACH,
           stale_days: int = 7) -> Counts:
    """Every count a person's menu and home page show, in one statement; with a
    manager's ``reach``, also the action counts of its communities."""
    return counts_with(member_id, now, {}, reach=reach, stale_days=stale_days)[0]


def _counts_of(rules: list[list], from_, *where):
    """One pass over ``from_`` narrowed by ``where`` (a superset of every rule's rows),
    counting the rows of each rule: one aggregate per rule, not one sub-select each."""
    return (select(*[func.count(case((and_(*rule), 1))) for rule in rules])
            .select_from(from_).where(*where).subquery())


@functools.cache
def _counts_statement(reach: str):
    """The counts' statement for a member (``reach`` "none"), a liaison ("some": the
    communities an expanding parameter) or an admin ("all"), built once per process
    with its values as parameters: the menu runs it on every page, and building the
    subqueries (and their cache key) cost more than running them.

    The rules that read the same rows are counted in one pass (my participations; the
    tasks I lead; the reports waiting for review): PostgreSQL plans this statement on
    every page (its custom plans beat the generic one by its estimate), and planning a
    join per rule took longer than running them all. Its constants are written out
    (``sql_hints.constants_written_out``): PostgreSQL then keeps one generic plan of
    it per connection instead of planning it on every page."""
    member, now = bindparam("member_id"), bindparam("now")
    mine = _counts_of([to_confirm(member, now), coming_soon(member, now, bindparam("soon_ends"))],
                      join(Assignment, Task, Task.id == Assignment.task_id)
                      .outerjoin(TaskReport, TaskReport.task_id == Task.id),
                      Assignment.member_id == member, Assignment.status.in_(TO_CONFIRM),
                      Task.status != TaskStatus.cancelled)
    led = _counts_of([to_report(member, now), to_correct(member)],
                     Task.__table__.outerjoin(TaskReport, TaskReport.task_id == Task.id),
                     Task.leader_id == member, Task.status != TaskStatus.cancelled)
    unread = select(func.count(Outbox.id)).where(*Outbox.unread_for(member)).scalar_subquery()
    columns = [mine.c[0], led.c[0], led.c[1], mine.c[1], unread]
    # one row each, so joined on nothing: still one row
    counted = mine.join(led, true())
    if reach != NONE:
        # an admin's queue from the reports alone (the queue's index); a liaison's
        # through the tasks, for their communities
        reports = (TaskReport.__table__ if reach == ALL else
                   Task.__table__.join(TaskReport, TaskReport.task_id == Task.id))
        where = in_reach(reach, Task.community_id)
        review = _counts_of([pending_review(), submitted_before(bindparam("stale_before"))],
                            reports, *pending_review(), *where)
        columns += [review.c[0], review.c[1]]
        counted = counted.join(review, true())
    return constants_written_out(select(*columns).select_from(counted)), len(columns)


@functools.lru_cache(maxsize=512)
def _with_columns(statement, columns: tuple):
    """``statement`` with ``columns`` added, kept for the same columns: a page that keeps
    its extra columns (the 工作台's, per reach) runs the same statement object on every
    request, whose compiled form SQLAlchemy finds without walking it."""
    return statement.add_columns(*columns)


@functools.cache
def counts_row(reach: str):
    """The counts as a one-row subquery, its columns in ``Counts``' order: for a list
    page's statement to carry them beside its rows (``tracker/menu.py``,
    ``riding_counts``), with the parameters of ``counts_params``."""
    return _counts_statement(reach)[0].subquery("counts")


def counts_params(member_id: int, now: datetime, *, reach: Reach = NO_REACH,
                  stale_days: int = 7) -> dict:
    """The parameters of the counts' statement (and of ``counts_row``)."""
    params = {"member_id": member_id, "now": now, "soon_ends": tomorrow_ends(now),
              **reach.params}
    if reach.staff:
        params["stale_before"] = now - timedelta(days=stale_days)
    return params


def counts_from(values) -> Counts:
    """The counts from their columns, as ``counts_row`` (or the statement) gives them."""
    return Counts(*[int(value or 0) for value in values])


def counts_with(member_id: int, now: datetime, extra: dict, *, reach: Reach = NO_REACH,
                stale_days: int = 7, extra_params: dict | None = None,
                ) -> tuple[Counts, dict[str, int]]:
    """``counts``, and in the same statement the ``extra`` counts a page shows beside
    them ({name: scalar subquery} → {name: count}), with the parameters of their own in
    ``extra_params`` (``member_id`` and ``now`` are the counts')."""
    params = {**(extra_params or {}),
              **counts_params(member_id, now, reach=reach, stale_days=stale_days)}
    statement, width = _counts_statement(reach.kind)
    if extra:
        statement = _with_columns(statement, tuple(extra.values()))
    row = db.session.execute(statement, params).one()
    return counts_from(row[:width]), {name: int(value or 0)
                                      for name, value in zip(extra, row[width:])}


# --- the member's 待办 list ----------------------------------------------------------------

@dataclass
class TodoItem:
    kind: str  # soon | confirm | report | returned
    task: Task
    due: datetime  # what the item is sorted by
    assignment: Assignment | None = None


def member_todo(member_id: int, now: datetime, limit: int = 50) -> list[TodoItem]:
    """我的待办: today's and tomorrow's tasks soonest first, then what I owe, newest
    deadline first. Two statements: my participations, my led tasks."""
    cards = (Task.community, Task.zone, Task.category)
    task = contains_eager(Assignment.task)
    mine = db.session.scalars(
        select(Assignment).join(Assignment.task).outerjoin(Task.report)
        .where(or_(and_(*to_confirm(member_id, now)), and_(*coming_soon(member_id, now))))
        .options(task.contains_eager(Task.report), *[task.joinedload(rel) for rel in cards])
        .order_by(Task.starts_at.desc(), Task.id.desc()).limit(limit)
    ).unique().all()
    led = db.session.scalars(
        select(Task).outerjoin(Task.report)
        .where(or_(and_(*to_report(member_id, now)), and_(*to_correct(member_id))))
        .options(contains_eager(Task.report), *[joinedload(rel) for rel in cards])
        .order_by(Task.starts_at.desc(), Task.id.desc()).limit(limit)
    ).unique().all()
    soon, owed = [], []
    for a in mine:
        if a.task.ends_at > now:
            soon.append(TodoItem("soon", a.task, a.task.starts_at, a))
        else:
            owed.append(TodoItem("confirm", a.task, a.task.ends_at, a))
    for task in led:
        if task.report is None:
            owed.append(TodoItem("report", task, task.ends_at))
        else:
            owed.append(TodoItem("returned", task, task.report.reviewed_at or task.ends_at))
    soon.sort(key=lambda item: (item.due, item.task.id))
    owed.sort(key=lambda item: (item.due, item.task.id), reverse=True)
    return soon + owed
