"""Keeping ``CountedTask`` and ``CountedParticipation`` equal to what they are derived from.

A counted task is a task whose report is 待审核 or approved, with the report's figures
and its done participations' totals; a counted participation is one of those done
participations. The report's figures are counted as the task's category counts
them (docs/design.md, "Categories"): 完成数量 only where the category has a unit for
it — for the survey (摸排), the findings recorded on the task — and 受益 only where
it has a beneficiary unit. A figure stored on a report of a category without that
unit (an older report, from before the category said so) stays on the report and
counts nowhere. Rather than trusting every service to remember the copies, an
``after_flush`` hook looks at what the flush wrote — reports, done participations,
task dates — and refreshes the rows of exactly those tasks (DELETE, then INSERT …
SELECT, inside the same transaction, so a rollback takes the copies with it).
Writers that bypass the ORM (``generate-data``, the migrations that created the
tables) call ``rebuild()``.

The same refresh keeps ten county-wide summaries of those rows — ``CountedMonth``
(the additive figures per month, category and status), ``CountedItemYear`` (what each
resource item's tasks did per year and status: the checklist),
``CountedDoubleCommunityYear`` (the "双创" work per year, community, category and
status) and ``CountedMemberYear`` / ``CountedMemberCategoryYear`` /
``CountedDoubleMemberYear`` / ``CountedDoubleMemberAnyYear`` (who took part in a year:
overall, per category, per community and across communities in the "双创"
categories), and from ``CountedFinding`` (the active findings of counted surveys, a
third derived table rewritten with the other two) ``CountedFindingMonth`` and
``CountedFindingCommunityYear`` (the findings per month, kind and status; per
community and year) and ``CountedFindingStepYear`` (the findings handed over or fixed
in a year, per community: a finding stepped in two years adds to both) —
by difference: the rewrite's DELETEs and INSERTs return the refreshed tasks' counted
rows before and after (RETURNING: no statement of its own to read them), what they add
to each summary is grouped in Python, and when the transaction commits its changes
go in with one ``INSERT … ON CONFLICT DO UPDATE SET n = n + …`` per summary they move
(increments commute, so two transactions changing one summary row take turns on its
row lock and neither loses the other's change; written at the commit, in one order,
the rows stay locked briefly and two transactions cannot deadlock on them); a row
whose count falls to zero is deleted, so the summaries hold exactly what ``rebuild()``
derives from scratch. A transaction that moves no summary writes none.
``CountedCategoryMemberTotal`` counts the rows of ``CountedMemberCategoryYear``: it
moves by the member rows the upsert inserted and the delete removed.

Approval is nearly final — an approved task can no longer be edited, re-staffed or
have its hours changed (services.tasks, services.claims, services.reviews) — so the
approved rows, the bulk of the table, are written about once. Three audited corrections
still move them, through this same hook: a participant left out of an approved
activity is added to it (``backfill.add_forgotten_participant``), an admin's
撤销审核 takes a report back to 退回 (``reviews.reopen_report``), which drops the task's
rows until it is approved again, and 作废 (``voiding.void_activity``) marks the report
已作废, which drops them for good.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import (
    Integer,
    and_,
    TextClause,
    bindparam,
    case,
    cast,
    delete,
    event,
    extract,
    func,
    insert,
    inspect,
    literal,
    null,
    select,
    text,
    true,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .models import (
    SURVEY_CODE,
    Assignment,
    AssignmentStatus,
    Category,
    CountedCategoryMemberTotal,
    CountedDoubleCommunityYear,
    CountedDoubleMemberAnyYear,
    CountedDoubleMemberYear,
    CountedFinding,
    CountedFindingCommunityYear,
    CountedFindingMonth,
    CountedFindingStepYear,
    CountedItemYear,
    CountedMemberCategoryYear,
    CountedMemberYear,
    CountedMonth,
    CountedParticipation,
    CountedServed,
    CountedServedCategoryYear,
    CountedServedTotal,
    CountedServedYear,
    CountedTask,
    Finding,
    FindingStatus,
    ReportStatus,
    Resident,
    Task,
    TaskReport,
    task_resident,
)
from .reference import double_category_ids
from .rollups.findings import fixed_on, handed_over_on
from .rollups.served import in_households, of_kind

COUNTED_REPORTS = (ReportStatus.approved, ReportStatus.submitted)



@dataclass(frozen=True)
class Watched:
    """What of one model's rows a derived mark reads: a flush changing one of ``fields``
    (a moved ``task_id``: the old task and the new) touches the row's task; so does a
    new row unless ``new`` is False, and a deleted one. ``counts`` narrows the new and
    changed rows (``is_new`` tells which) to those the mark can hold."""
    fields: tuple[str, ...]
    new: bool = True
    counts: Callable[[object, bool], bool] | None = None


def _was_or_is_done(obj: Assignment, is_new: bool) -> bool:
    if is_new:
        return obj.status == AssignmentStatus.done
    history = inspect(obj).attrs.status.history
    known = (*history.added, *history.deleted, *history.unchanged)
    return not known or AssignmentStatus.done in known  # not loaded: cannot rule it out


# What each derived mark reads, side by side: a column one of them starts to read is
# added here, to its map (tests/rollups/test_touched_tasks.py changes each one).
# The counted rows (this module): a task's dates and place in the catalogue, its done
# participations, its report's figures; the survey's 完成数量 counts active findings,
# and the kept finding counts also their day, kind, status (移交, 整改), community and
# the days of their steps.
# A new task has no counted rows yet.
COUNTED_ROWS_READ = {
    Task: Watched(("service_date", "unit_id", "community_id", "zone_id", "category_id",
                   "resource_item_id"), new=False),
    Assignment: Watched(("status", "minutes", "member_id", "task_id"), counts=_was_or_is_done),
    TaskReport: Watched(("status", "quantity", "people_served", "task_id")),
    Finding: Watched(("active", "task_id", "found_on", "kind", "status", "community_id",
                      "handed_over_on", "fixed_on")),
}
# Task.report_owed_at (tracker/report_owed.py): the task's status and end, whether it
# has a report and that report's status.
OWED_MARK_READS = {
    Task: Watched(("status", "ends_at")),
    TaskReport: Watched(("status", "task_id")),
}


def _participation_rows(where):
    return (
        select(Assignment.task_id, Assignment.member_id, TaskReport.status, Task.service_date,
               Task.unit_id, Task.community_id, Task.zone_id, Task.category_id,
               func.coalesce(Assignment.minutes, 0))
        .join(Task, Task.id == Assignment.task_id)
        .join(TaskReport, TaskReport.task_id == Task.id)
        .where(Assignment.status == AssignmentStatus.done,
               TaskReport.status.in_(COUNTED_REPORTS), where(Assignment.task_id))
    )


def _task_rows(where):
    # Runs after the task's participations were written: 人次 and minutes are
    # counted from them, so the two tables cannot disagree.
    people = (
        select(CountedParticipation.task_id,
               func.count().label("person_times"),
               func.sum(CountedParticipation.minutes).label("minutes"))
        .where(where(CountedParticipation.task_id))
        .group_by(CountedParticipation.task_id)
        .subquery()
    )
    findings = (
        select(func.count()).where(Finding.task_id == Task.id, Finding.active.is_(True))
        .scalar_subquery()
    )
    quantity = case((Category.code == SURVEY_CODE, findings),
                    (Category.quantity_unit.is_(None), 0),
                    else_=TaskReport.quantity)
    people_served = case((Category.beneficiary_unit.is_(None), 0),
                         else_=TaskReport.people_served)
    return (
        select(Task.id, TaskReport.status, Task.service_date, Task.unit_id, Task.community_id,
               Task.zone_id, Task.category_id, Task.resource_item_id, quantity, people_served,
               func.coalesce(people.c.person_times, 0), func.coalesce(people.c.minutes, 0))
        .join(TaskReport, TaskReport.task_id == Task.id)
        .join(Category, Category.id == Task.category_id)
        .outerjoin(people, people.c.task_id == Task.id)
        .where(TaskReport.status.in_(COUNTED_REPORTS), where(Task.id))
    )


def _finding_rows(where):
    return (
        select(Finding.id, Finding.task_id, TaskReport.status, Finding.found_on,
               Finding.community_id, Finding.kind, Finding.status, handed_over_on(),
               fixed_on())
        .join(TaskReport, TaskReport.task_id == Finding.task_id)
        .where(Finding.active.is_(True), TaskReport.status.in_(COUNTED_REPORTS),
               where(Finding.task_id))
    )


def _served_rows(where):
    """The 服务对象 of the kind each approved activity of a category in 户 or 人 names
    (``rollups.served``'s rule: ``of_kind``, ``in_households``)."""
    return (
        select(task_resident.c.task_id, task_resident.c.resident_id, Task.service_date,
               Task.category_id)
        .join(Task, Task.id == task_resident.c.task_id)
        .join(TaskReport, TaskReport.task_id == Task.id)
        .join(Category, Category.id == Task.category_id)
        .join(Resident, Resident.id == task_resident.c.resident_id)
        .where(TaskReport.status == ReportStatus.approved, Task.category_id.in_(in_households()),
               of_kind(), where(task_resident.c.task_id))
    )


_PARTICIPATION_COLUMNS = ["task_id", "member_id", "report_status", "service_date", "unit_id",
                          "community_id", "zone_id", "category_id", "minutes"]
_TASK_COLUMNS = ["task_id", "report_status", "service_date", "unit_id", "community_id",
                 "zone_id", "category_id", "resource_item_id", "quantity", "people_served",
                 "person_times", "minutes"]
_FINDING_COLUMNS = ["finding_id", "task_id", "report_status", "found_on", "community_id",
                    "kind", "status", "handed_over_on", "fixed_on"]
_SERVED_COLUMNS = ["task_id", "resident_id", "service_date", "category_id"]


# --- the county-wide summaries ----------------------------------------------------


def year_of_date(column):
    """The year of a date column as an integer, the same on SQLite and PostgreSQL."""
    return cast(extract("year", column), Integer)


def month_of_date(column):
    """A date column's month as the summaries key it: year × 100 + month."""
    return year_of_date(column) * 100 + cast(extract("month", column), Integer)


def _month_sums(where):
    month = month_of_date(CountedTask.service_date)
    return (select(month, CountedTask.category_id, CountedTask.report_status, func.count(),
                   *(func.sum(c) for c in (CountedTask.quantity, CountedTask.people_served,
                                           CountedTask.person_times, CountedTask.minutes)))
            .where(where(CountedTask.task_id))
            .group_by(month, CountedTask.category_id, CountedTask.report_status))


def _item_sums(where):
    year = year_of_date(CountedTask.service_date)
    return (select(year, CountedTask.resource_item_id, CountedTask.report_status, func.count(),
                   func.sum(CountedTask.quantity), func.sum(CountedTask.people_served))
            .where(where(CountedTask.task_id))
            .group_by(year, CountedTask.resource_item_id, CountedTask.report_status))


def _double_community_sums(where):
    year = year_of_date(CountedTask.service_date)
    return (select(year, CountedTask.community_id, CountedTask.category_id,
                   CountedTask.report_status, func.count(),
                   *(func.sum(c) for c in (CountedTask.quantity, CountedTask.person_times,
                                           CountedTask.minutes)))
            .where(CountedTask.category_id.in_(double_category_ids()), where(CountedTask.task_id))
            .group_by(year, CountedTask.community_id, CountedTask.category_id,
                      CountedTask.report_status))


def _member_sums(*by, double_only: bool = False):
    """The grouped counted participations of a member summary: (year, *by, status,
    member, participations), in the "双创" categories only with ``double_only``."""
    def sums(where):
        group = (year_of_date(CountedParticipation.service_date), *by,
                 CountedParticipation.report_status, CountedParticipation.member_id)
        query = select(*group, func.count()).where(where(CountedParticipation.task_id))
        if double_only:
            query = query.where(CountedParticipation.category_id.in_(double_category_ids()))
        return query.group_by(*group)
    return sums


def _served_sums(where):
    group = (year_of_date(CountedServed.service_date), CountedServed.category_id,
             CountedServed.resident_id)
    return select(*group, func.count()).where(where(CountedServed.task_id)).group_by(*group)


def _served_category_sums(where):
    """Per year and category in 户 or 人: the approved activities, and those that do not
    name exactly as many 服务对象 (their ``CountedServed`` rows) as their 受益, or whose
    受益 is 0 (``rollups.served``'s rule; ``_served_task`` in Python)."""
    named = (select(CountedServed.task_id, func.count().label("named"))
             .where(where(CountedServed.task_id)).group_by(CountedServed.task_id).subquery())
    as_named = and_(CountedTask.people_served > 0,
                    func.coalesce(named.c.named, 0) == CountedTask.people_served)
    year = year_of_date(CountedTask.service_date)
    return (select(year, CountedTask.category_id, func.count(),
                   func.count(case((as_named, null()), else_=1)))
            .outerjoin(named, named.c.task_id == CountedTask.task_id)
            .where(CountedTask.report_status == ReportStatus.approved,
                   CountedTask.category_id.in_(in_households()), where(CountedTask.task_id))
            .group_by(year, CountedTask.category_id))


# What the rewrite's own statements return of the rows they delete and insert (the
# before- and after-image of the refreshed tasks): the summaries' differences are
# grouped from these in Python, so keeping them costs no SELECT of its own.
def _finding_month_sums(where):
    month = month_of_date(CountedFinding.found_on)
    group = (month, CountedFinding.report_status, CountedFinding.kind, CountedFinding.status)
    return select(*group, func.count()).where(where(CountedFinding.task_id)).group_by(*group)


def _finding_community_sums(where):
    group = (year_of_date(CountedFinding.found_on), CountedFinding.community_id,
             CountedFinding.report_status, CountedFinding.status)
    return select(*group, func.count()).where(where(CountedFinding.task_id)).group_by(*group)


_HANDED = (FindingStatus.handed_over, FindingStatus.fixed)


def _finding_step_sums(where):
    """The counted findings' steps per year (``CountedFindingStepYear``): each finding
    once in the year of each step it took — handed over (today 已移交 or 已整改), fixed
    (today 已整改) — a UNION, so one whose two steps share a year is there once; then,
    per year, community and report status, those found by the year's end, how many
    were handed over in it, fixed in it and found before it (``moves_plan``'s counts of
    a period, the period a year)."""
    step = CountedFinding
    years = (
        select(step.finding_id, year_of_date(step.handed_over_on).label("year"))
        .where(step.status.in_(_HANDED), where(step.task_id))
        .union(select(step.finding_id, year_of_date(step.fixed_on))
               .where(step.status == FindingStatus.fixed, where(step.task_id)))
        .subquery())
    year = years.c.year
    handed = step.status.in_(_HANDED) & (year_of_date(step.handed_over_on) == year)
    fixed = (step.status == FindingStatus.fixed) & (year_of_date(step.fixed_on) == year)
    return (select(year, step.community_id, step.report_status, func.count(),
                   func.count(case((handed, 1))), func.count(case((fixed, 1))),
                   func.count(case((year_of_date(step.found_on) < year, 1))))
            .join(step, step.finding_id == years.c.finding_id)
            .where(year_of_date(step.found_on) <= year)
            .group_by(year, step.community_id, step.report_status))


def _finding_steps(r) -> list:
    """What one counted finding adds to ``CountedFindingStepYear`` (the rule of
    ``_finding_step_sums`` in Python): ((year, community, status), (1, handed over in
    it, fixed in it, found before it)) for each year it took a step in, found by then."""
    handed = r.status in _HANDED
    fixed = r.status == FindingStatus.fixed
    years = {r.handed_over_on.year} if handed else set()
    if fixed:
        years.add(r.fixed_on.year)
    return [((year, r.community_id, r.report_status),
             (1, int(handed and r.handed_over_on.year == year),
              int(fixed and r.fixed_on.year == year), int(r.found_on.year < year)))
            for year in sorted(years) if r.found_on.year <= year]


def _is_double(category_id):
    # RETURNING may name only the written table's columns; a subquery may read others
    return category_id.in_(double_category_ids()).label("double")


_TASK_IMAGE = (
    CountedTask.task_id, CountedTask.service_date, CountedTask.category_id, CountedTask.report_status,
    CountedTask.quantity, CountedTask.people_served, CountedTask.person_times,
    CountedTask.minutes, CountedTask.resource_item_id, CountedTask.community_id,
    _is_double(CountedTask.category_id),
    CountedTask.category_id.in_(in_households()).label("in_households"),
)
_PARTICIPATION_IMAGE = (
    CountedParticipation.service_date, CountedParticipation.category_id,
    CountedParticipation.community_id, CountedParticipation.report_status,
    CountedParticipation.member_id, _is_double(CountedParticipation.category_id),
)
_FINDING_IMAGE = (
    CountedFinding.found_on, CountedFinding.community_id, CountedFinding.report_status,
    CountedFinding.kind, CountedFinding.status, CountedFinding.handed_over_on,
    CountedFinding.fixed_on,
)
_SERVED_IMAGE = (
    CountedServed.task_id, CountedServed.service_date, CountedServed.category_id,
    CountedServed.resident_id,
)


class _Counted(NamedTuple):
    """A counted table: the columns its INSERT … SELECT fills, the select of its rows
    (of the tasks a condition picks), and what its DELETE and INSERT return for the
    summaries (``_rewrite_measured``)."""
    model: type
    columns: list[str]
    rows: Callable
    image: tuple


# in the order they are written: a task's 人次 and minutes are counted from its
# participations' rows (``_task_rows``), so those are inserted first
_COUNTED = (
    _Counted(CountedParticipation, _PARTICIPATION_COLUMNS, _participation_rows,
             _PARTICIPATION_IMAGE),
    _Counted(CountedTask, _TASK_COLUMNS, _task_rows, _TASK_IMAGE),
    _Counted(CountedFinding, _FINDING_COLUMNS, _finding_rows, _FINDING_IMAGE),
    _Counted(CountedServed, _SERVED_COLUMNS, _served_rows, _SERVED_IMAGE),
)


def _rewrite(connection: Connection, where, tables=_COUNTED, *,
             returning: bool = False) -> dict[type, list] | None:
    """Delete the counted rows of the tasks ``where`` picks (every task:
    ``_everything``) from ``tables`` and insert them anew from the live rows: one
    DELETE and one INSERT … SELECT a table, the one source of the refresh of some tasks
    (``_rewrite_measured``) and of the rebuilds of all (``rebuild``, ``rebuild_served``).
    ``returning``: {model: [the rows deleted, the rows inserted]}, each as its image."""
    images: dict[type, list] = {}

    def run(table: _Counted, statement):
        if returning:
            images.setdefault(table.model, []).append(
                connection.execute(statement.returning(*table.image)).all())
        else:
            connection.execute(statement)

    for table in tables:
        run(table, delete(table.model).where(where(table.model.task_id)))
    for table in tables:
        run(table, insert(table.model).from_select(table.columns, table.rows(where)))
    return images if returning else None


class _ServedTask(NamedTuple):
    """What one approved activity of a category in 户 or 人 adds to
    ``CountedServedCategoryYear``: not a table — made in Python from the same refresh's
    images of its counted task and its ``CountedServed`` rows (``_served_tasks``)."""
    year: int
    category_id: int
    as_named: bool


def _served_tasks(tasks, served) -> list[_ServedTask]:
    """The activities of these counted-task rows that count in a category in 户 or 人,
    each with whether it names exactly as many 服务对象 (its rows among ``served``) as
    its 受益 (``_served_category_sums``'s rule)."""
    named = Counter(r.task_id for r in served)
    return [_ServedTask(r.service_date.year, r.category_id,
                        r.people_served > 0 and named[r.task_id] == r.people_served)
            for r in tasks
            if r.in_households and r.report_status == ReportStatus.approved]


def _month_of(day) -> int:
    """A date's month as the summaries key it (``month_of_date`` in Python)."""
    return day.year * 100 + day.month


@dataclass(frozen=True)
class Summary:
    """A kept summary: its key columns, its counted columns (the first is zero exactly
    when no counted row adds to the key), the grouped sums of the counted rows a
    condition picks (SQL, for ``rebuild()``), what one counted row of ``source`` adds
    to it (``(key, values)`` or None — with ``several``, a list of them: a row adding
    to more than one key; the same rule in Python, for the refresh — the consistency
    tests compare the two), and optionally a table counting its rows per key without
    the member."""

    model: type
    keys: tuple[str, ...]
    values: tuple[str, ...]
    sums: Callable
    source: type
    adds: Callable
    counter: type | None = None
    several: bool = False
    counted: str = "members"  # the counter's column


SUMMARIES = (
    Summary(CountedMonth, ("month", "category_id", "report_status"),
            ("activities", "quantity", "people_served", "person_times", "minutes"),
            _month_sums, CountedTask,
            lambda r: ((_month_of(r.service_date), r.category_id, r.report_status),
                       (1, r.quantity, r.people_served, r.person_times, r.minutes))),
    Summary(CountedItemYear, ("year", "resource_item_id", "report_status"),
            ("activities", "quantity", "people_served"), _item_sums, CountedTask,
            lambda r: ((r.service_date.year, r.resource_item_id, r.report_status),
                       (1, r.quantity, r.people_served))),
    Summary(CountedMemberYear, ("year", "report_status", "member_id"), ("participations",),
            _member_sums(), CountedParticipation,
            lambda r: ((r.service_date.year, r.report_status, r.member_id), (1,))),
    Summary(CountedMemberCategoryYear, ("year", "category_id", "report_status", "member_id"),
            ("participations",), _member_sums(CountedParticipation.category_id),
            CountedParticipation,
            lambda r: ((r.service_date.year, r.category_id, r.report_status, r.member_id),
                       (1,)),
            counter=CountedCategoryMemberTotal),
    Summary(CountedDoubleMemberYear, ("year", "community_id", "report_status", "member_id"),
            ("participations",), _member_sums(CountedParticipation.community_id,
                                              double_only=True),
            CountedParticipation,
            lambda r: ((r.service_date.year, r.community_id, r.report_status, r.member_id),
                       (1,)) if r.double else None),
    Summary(CountedDoubleMemberAnyYear, ("year", "report_status", "member_id"),
            ("participations",), _member_sums(double_only=True), CountedParticipation,
            lambda r: ((r.service_date.year, r.report_status, r.member_id), (1,))
            if r.double else None),
    Summary(CountedDoubleCommunityYear, ("year", "community_id", "category_id", "report_status"),
            ("activities", "quantity", "person_times", "minutes"), _double_community_sums,
            CountedTask,
            lambda r: ((r.service_date.year, r.community_id, r.category_id, r.report_status),
                       (1, r.quantity, r.person_times, r.minutes)) if r.double else None),
    Summary(CountedFindingMonth, ("month", "report_status", "kind", "status"), ("findings",),
            _finding_month_sums, CountedFinding,
            lambda r: ((_month_of(r.found_on), r.report_status, r.kind, r.status), (1,))),
    Summary(CountedFindingCommunityYear, ("year", "community_id", "report_status", "status"),
            ("findings",), _finding_community_sums, CountedFinding,
            lambda r: ((r.found_on.year, r.community_id, r.report_status, r.status), (1,))),
    Summary(CountedFindingStepYear, ("year", "community_id", "report_status"),
            ("findings", "handed_over", "fixed", "earlier"), _finding_step_sums,
            CountedFinding, _finding_steps, several=True),
    Summary(CountedServedYear, ("year", "category_id", "resident_id"), ("activities",),
            _served_sums, CountedServed,
            lambda r: ((r.service_date.year, r.category_id, r.resident_id), (1,)),
            counter=CountedServedTotal, counted="households"),
    Summary(CountedServedCategoryYear, ("year", "category_id"), ("activities", "others"),
            _served_category_sums, _ServedTask,
            lambda r: ((r.year, r.category_id), (1, 0 if r.as_named else 1))),
)


def _everything(_column):
    return true()


def _lock_order(key: tuple) -> tuple:
    # every transaction takes the summary rows' locks in one order: no deadlock
    return tuple(getattr(v, "value", v) for v in key)


def _rewrite_measured(connection: Connection, where, changes: list[dict]) -> None:
    """``_rewrite`` whose DELETEs and INSERTs return the rows they remove and add; what
    those rows add to each summary, after minus before, is added to ``changes`` (one
    {key: differences} per summary)."""
    images = _rewrite(connection, where, returning=True)
    images[_ServedTask] = [_served_tasks(tasks, served) for tasks, served
                           in zip(images[CountedTask], images[CountedServed])]
    for summary, change in zip(SUMMARIES, changes):
        before, after = images[summary.source]
        if before == after:  # returned alike, unchanged (else unchanged rows cancel out)
            continue
        for rows, sign in ((before, -1), (after, 1)):
            for row in rows:
                found = summary.adds(row)
                if found is None:
                    continue
                for key, values in found if summary.several else (found,):
                    _accumulate(change, key, values, sign)


def _accumulate(change: dict, key: tuple, values: tuple, sign: int = 1) -> None:
    old = change.get(key, (0,) * len(values))
    change[key] = tuple(o + sign * v for o, v in zip(old, values))


def _add_changes(connection: Connection, changes: list[dict]) -> None:
    """Add each summary's changes to its rows (one upsert per table that changes, in
    one table order and key order) and delete the rows that fell to zero."""
    for summary, change in zip(SUMMARIES, changes):
        change = {key: diff for key, diff in change.items() if any(diff)}
        if not change:
            continue
        created, deleted = _write(connection, summary.model, summary.keys, summary.values,
                                  change)
        if summary.counter is not None:
            # a row this transaction inserted or deleted is one member more or less; read
            # from what the statements returned, under the rows' locks, so a concurrent
            # transaction's row is never counted twice
            counts: dict = {}
            for key, step in [(k, 1) for k in created] + [(k, -1) for k in deleted]:
                counts[key[:-1]] = counts.get(key[:-1], 0) + step
            counts = {key: (n,) for key, n in counts.items() if n}
            if counts:
                _write(connection, summary.counter, summary.keys[:-1], (summary.counted,),
                       counts)


# The two statements below are written out because SQLAlchemy 2.0 never caches its
# dialects' ON CONFLICT inserts ("no key": compiled anew every time, about 1 ms of CPU
# each), and because building an OR of a few dozen column comparisons costs ~40 µs
# each: together most of an approval's refresh. A text() is cached like any
# statement; these are made once per table and number of rows.

@lru_cache(maxsize=256)
def _upsert(preparer, table, keys: tuple, values: tuple, rows: int) -> TextClause:
    """``INSERT … VALUES (…) × rows ON CONFLICT (keys) DO UPDATE SET v = v + excluded.v
    RETURNING keys, values[0]``, the same on SQLite and PostgreSQL."""
    q, name = preparer.quote, preparer.quote(table.name)
    value_rows = ", ".join("(" + ", ".join(f":{c}_{i}" for c in keys + values) + ")"
                           for i in range(rows))
    # bandit B608: table and column names from the models, every value a bound parameter
    return _typed(
        f"INSERT INTO {name} ({', '.join(q(c) for c in keys + values)}) "  # nosec B608
        f"VALUES {value_rows} "
        f"ON CONFLICT ({', '.join(q(k) for k in keys)}) DO UPDATE SET "
        + ", ".join(f"{q(v)} = {name}.{q(v)} + excluded.{q(v)}" for v in values)
        + f" RETURNING {', '.join(q(c) for c in keys + values[:1])}",
        table, keys + values, rows, keys + values[:1])


@lru_cache(maxsize=256)
def _delete_empty(preparer, table, keys: tuple, first: str, rows: int) -> TextClause:
    """``DELETE`` the rows of these keys whose ``first`` value is 0, ``RETURNING`` their
    keys. An OR of the keys, not a row-value IN: SQLite scans the whole table for that
    (77 ms on the 1M set's 355,000 member-category rows) and searches the primary key
    for each term of an OR."""
    q, name = preparer.quote, preparer.quote(table.name)
    match = " OR ".join("(" + " AND ".join(f"{q(c)} = :{c}_{i}" for c in keys) + ")"
                        for i in range(rows))
    # bandit B608: table and column names from the models, every value a bound parameter
    return _typed(f"DELETE FROM {name} WHERE ({match}) AND {q(first)} = 0 "  # nosec B608
                  f"RETURNING {', '.join(q(c) for c in keys)}", table, keys, rows, keys)


def _typed(sql: str, table, names: tuple, rows: int, returned: tuple) -> TextClause:
    """The statement with its parameters (``{column}_{row}``) and results typed as the
    table's columns (an enum goes in and comes back as the enum)."""
    return (text(sql)
            .bindparams(*(bindparam(f"{c}_{i}", type_=table.c[c].type)
                          for i in range(rows) for c in names))
            .columns(*(table.c[c] for c in returned)))


def _params(names: tuple, rows: list[tuple]) -> dict:
    return {f"{c}_{i}": v for i, row in enumerate(rows) for c, v in zip(names, row)}


def _write(connection: Connection, model, keys, values, change: dict) -> tuple[list, list]:
    """Add ``change`` ({key: differences}) to ``model``'s rows in one upsert and delete
    those whose first value fell to zero (a second statement, only if one did); returns
    the keys of the rows inserted (absent before) and of those deleted."""
    table, preparer = model.__table__, connection.dialect.identifier_preparer
    ordered = sorted(change, key=_lock_order)
    created, emptied, deleted = [], [], []
    # one multi-row statement per 500 rows (SQLite's 32,766 parameters), rows in key
    # order; what it returns says which rows are new and which empty
    for start in range(0, len(ordered), 500):
        batch = ordered[start:start + 500]
        upsert = _upsert(preparer, table, keys, values, len(batch))
        params = _params(keys + values, [key + change[key] for key in batch])
        for *key, first in connection.execute(upsert, params):
            key, step = tuple(key), change[tuple(key)][0]
            if first == 0:
                emptied.append(key)
            elif step > 0 and first == step:  # it was 0, i.e. absent, before this change
                created.append(key)
    emptied.sort(key=_lock_order)
    for start in range(0, len(emptied), 200):  # 200 ORs: within SQLite's expression depth
        # rows this transaction holds locked since the upsert: no one else changed them
        batch = emptied[start:start + 200]
        statement = _delete_empty(preparer, table, keys, values[0], len(batch))
        deleted += [tuple(row) for row in connection.execute(statement, _params(keys, batch))]
    return created, deleted


def refresh(connection: Connection, task_ids: Iterable[int]) -> None:
    """Rewrite the counted rows of these tasks from the live rows, and move the
    county-wide summaries by what that changed.

    The task rows are locked first, in id order: two PostgreSQL transactions
    refreshing one task (two members confirming their hours at once) would otherwise
    both insert its rows and deadlock or collide on the key. The second now waits
    and rewrites after the first has committed. (SQLite serialises writers anyway.)
    The summaries are written once, after every chunk's rewrite, so their rows are
    locked in one order whatever the number of tasks. (The flush hook writes them at
    the commit instead.)
    """
    changes: list[dict] = [{} for _ in SUMMARIES]
    _rewrite_all(connection, task_ids, changes)
    _add_changes(connection, changes)


def _rewrite_all(connection: Connection, task_ids: Iterable[int], changes: list[dict]) -> None:
    for chunk in locked_tasks(connection, task_ids):
        _rewrite_measured(connection, lambda column, chunk=chunk: column.in_(chunk), changes)


def locked_tasks(connection: Connection, task_ids: Iterable[int]):
    """These task ids in short chunks (IN lists stay short), each chunk's task rows
    locked in id order before it is yielded (on PostgreSQL: SQLite has no row locks,
    its one writer at a time needs none, and FOR UPDATE would compile to a plain
    SELECT).

    FOR NO KEY UPDATE: two refreshes of a task still take turns, but a transaction
    that merely points a row at the task (a cancel handing a series' need on to it, a
    补录申请 naming it) does not wait for one. With FOR UPDATE, a 作废 of a series' week
    — its writes flushed, the hook holding the task — then waited for the need that an
    earlier week's cancel held while handing it on to that very task: a deadlock."""
    ids = sorted(set(task_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        if connection.dialect.name != "sqlite":
            connection.execute(select(Task.id).where(Task.id.in_(chunk)).order_by(Task.id)
                               .with_for_update(key_share=True))
        yield chunk


def rebuild(connection: Connection) -> int:
    """Rewrite the counted rows and the summaries whole (after bulk writes that bypass
    the ORM), one INSERT … SELECT each; returns the number of counted participations."""
    _rewrite(connection, _everything)
    _rebuild_summaries(connection, SUMMARIES)
    return connection.scalar(select(func.count()).select_from(CountedParticipation))


def unfilled(connection: Connection) -> list[str]:
    """The derived tables (counted rows, kept summaries, their counters) that are empty
    while what fills them is not: out of date, to ``rebuild()`` (a data set written
    before they existed, or in bulk). A table empty by design is not: the 服务对象
    summaries of a set whose visits name none (``counted_served_year``,
    ``counted_served_total``) are what ``rebuild()`` would make of it. A table with
    rows is taken as kept; only an empty one has its source asked for a first row,
    so the check costs milliseconds where a rebuild costs minutes (``bench/run.py``
    reusing a generated set)."""
    fills = [*((t.model, t.rows(_everything)) for t in _COUNTED),
             *((s.model, s.sums(_everything)) for s in SUMMARIES),
             *((s.counter, select(literal(1)).select_from(s.model))
               for s in SUMMARIES if s.counter is not None)]
    return [model.__tablename__ for model, source in fills
            if connection.execute(select(literal(1)).select_from(model).limit(1)).first()
            is None and connection.execute(source.limit(1)).first() is not None]


def rebuild_served(connection: Connection) -> None:
    """Rewrite ``CountedServed`` and the kept households whole, after ``task_resident``
    was written in bulk (``datagen.name_served``)."""
    _rewrite(connection, _everything, [t for t in _COUNTED if t.model is CountedServed])
    _rebuild_summaries(connection, [s for s in SUMMARIES
                                    if s.source in (CountedServed, _ServedTask)])


def _rebuild_summaries(connection: Connection, summaries) -> None:
    for summary in summaries:
        keys = summary.keys
        connection.execute(delete(summary.model))
        connection.execute(insert(summary.model).from_select(
            keys + summary.values, summary.sums(_everything)))
        if summary.counter is not None:
            group = [summary.model.__table__.c[k] for k in keys[:-1]]
            connection.execute(delete(summary.counter))
            connection.execute(insert(summary.counter).from_select(
                [*keys[:-1], summary.counted], select(*group, func.count()).group_by(*group)))


def changed(obj, names) -> bool:
    """Whether the flush changes any of these attributes of ``obj``."""
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def touched_task_ids(session: Session, reads: dict[type, Watched]) -> set[int]:
    """The tasks whose mark, reading what ``reads`` says, a flush may have changed."""
    ids: set[int] = set()

    def touch(obj, watched: Watched, is_new: bool) -> None:
        if watched.counts is None or watched.counts(obj, is_new):
            ids.add(obj.id if isinstance(obj, Task) else obj.task_id)
            if not is_new and not isinstance(obj, Task):
                ids.update(inspect(obj).attrs.task_id.history.deleted)

    for obj in session.new:
        watched = reads.get(type(obj))
        if watched is not None and watched.new:
            touch(obj, watched, True)
    for obj in session.dirty:
        watched = reads.get(type(obj))
        if watched is not None and changed(obj, watched.fields):
            touch(obj, watched, False)
    for obj in session.deleted:
        # (Tasks are never deleted: the foreign key makes trying to a loud error.)
        if type(obj) in reads and not isinstance(obj, Task):
            ids.add(obj.task_id)
    ids.discard(None)
    return ids


# The summary changes gathered over a session's flushes, per (sub)transaction:
# {SessionTransaction: [{key: differences} per summary]} in session.info
_PENDING = "tracker.participation.summary_changes"


def _gathered(session: Session, transaction=None) -> list[dict]:
    """The changes gathered in ``transaction`` (default: the innermost one)."""
    transaction = transaction or session.get_nested_transaction() or session.get_transaction()
    return session.info.setdefault(_PENDING, {}).setdefault(
        transaction, [{} for _ in SUMMARIES])


# The tasks whose counted rows wait for the end of ``refreshed_once``'s block: a set
# in session.info while a block runs
_HELD = "tracker.participation.held_task_ids"
# The tasks a block left by an exception had noted: its flushed writes may yet be
# committed (a caller that catches and goes on), so the transaction's commit
# refreshes them; a rollback of the transaction drops them with those writes
_OWED = "tracker.participation.owed_task_ids"


def _after_flush(session: Session, _flush_context) -> None:
    """Refresh the counted rows of the tasks the flush touched; their summaries' changes
    wait for the commit (``_before_commit``). So a transaction locks summary rows only
    while it commits — however many flushes it made, and whatever else it does after
    them — and takes them all in one order: two transactions moving the same rows in
    opposite orders flush by flush cannot deadlock. Inside ``refreshed_once`` the
    tasks are only noted, for the block's end."""
    tasks_changed(session, touched_task_ids(session, COUNTED_ROWS_READ)
                  | _kind_changed_task_ids(session))


def tasks_changed(session: Session, task_ids: Iterable[int]) -> None:
    """Refresh the counted rows of these tasks, as a flush touching them would (inside
    ``refreshed_once``: noted for the block's end): for writes the flush does not
    see — ``task_resident``'s Core INSERTs and DELETEs (``CountedServed``), whose
    writer calls this after them, in the same transaction."""
    ids = set(task_ids)
    held = session.info.get(_HELD)
    if held is not None:
        held.update(ids)
    elif ids:
        _rewrite_all(session.connection(), ids, _gathered(session))


def _kind_changed_task_ids(session: Session) -> set[int]:
    """The tasks naming a resident whose kind (``Resident.category``) the flush changed:
    their ``CountedServed`` rows count only residents of the kind their category
    serves. (A resident is never deleted while a task names it, and an erasure keeps
    the kind.)"""
    residents = [obj.id for obj in session.dirty
                 if isinstance(obj, Resident) and changed(obj, ("category",))]
    if not residents:
        return set()
    return set(session.connection().scalars(
        select(task_resident.c.task_id).where(task_resident.c.resident_id.in_(residents))))


def _refresh_held(session: Session) -> None:
    ids = set().union(*(session.info.get(key, ()) for key in (_HELD, _OWED)))
    if ids:
        _rewrite_all(session.connection(), ids, _gathered(session))
    session.info.get(_HELD, set()).clear()
    session.info.pop(_OWED, None)


@contextmanager
def refreshed_once(session: Session):
    """A block of many writes whose counted rows are refreshed once, at its end (and at
    a commit inside it), not flush by flush: each task touched, however often, is
    rewritten once from what it then is — the same rows the flushes would have left
    (a rewrite reads only the live rows, whatever came before), and the summaries,
    written at the commit as always, move by the same differences. For a writer of
    many activities that reads no counted row before the block ends (the demo's
    seeding, ``tracker.demo``): a counted row read inside the block may be stale.

    A rollback (of the transaction, or of a savepoint inside the block) leaves the
    tasks noted: a task rewritten from its live rows is right whatever was undone (one
    that is gone has none). The block must end outside any savepoint: a rewrite inside
    one would go if it were rolled back.

    An exception out of the block hands the tasks noted to the transaction's commit
    (``_OWED``): a caller that catches it and commits what was flushed commits their
    counted rows too; a rollback drops them (``_after_transaction_end``)."""
    if _HELD in session.info:  # inside another block: that one refreshes
        yield
        return
    session.info[_HELD] = set()
    try:
        yield
        if session.get_nested_transaction() is not None:
            raise RuntimeError("refreshed_once: the block ends inside a savepoint")
        session.flush()
        _refresh_held(session)
    except BaseException:
        # not refreshed here: the session may be unable to flush (the exception may be
        # the flush's own), or be inside a savepoint that will be rolled back
        session.info.setdefault(_OWED, set()).update(session.info.get(_HELD, ()))
        raise
    finally:
        session.info.pop(_HELD, None)


def _before_commit(session: Session) -> None:
    """Write the transaction's summary changes — or, for a savepoint being released,
    hand its changes to the transaction around it (rolled back, they are dropped with
    its counted rows by ``_after_transaction_end``)."""
    session.flush()  # the commit's own flush comes after this event: its changes too
    nested = session.get_nested_transaction()
    if nested is None:
        _refresh_held(session)  # a commit inside ``refreshed_once``: its tasks now
    changes = session.info.get(_PENDING, {}).pop(nested or session.get_transaction(), None)
    if not changes:
        return
    if nested is None:
        _add_changes(session.connection(), changes)
        return
    for into, change in zip(_gathered(session, nested.parent), changes):
        for key, diff in change.items():
            _accumulate(into, key, diff)


def _after_transaction_end(session: Session, transaction) -> None:
    # committed, its changes were written or handed on above; rolled back, they were
    # never handed on and go here
    session.info.get(_PENDING, {}).pop(transaction, None)
    if transaction.parent is None:  # committed, refreshed (``_before_commit``); else undone
        session.info.pop(_OWED, None)


def install() -> None:
    """Listen on every ORM session (idempotent)."""
    for name, listener in (("after_flush", _after_flush), ("before_commit", _before_commit),
                           ("after_transaction_end", _after_transaction_end)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
