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

The same refresh keeps seven county-wide summaries of those rows — ``CountedMonth``
(the additive figures per month, category and status), ``CountedItemYear`` (what each
resource item's tasks did per year and status: the checklist),
``CountedDoubleCommunityYear`` (the "双创" work per year, community, category and
status) and ``CountedMemberYear`` / ``CountedMemberCategoryYear`` /
``CountedDoubleMemberYear`` / ``CountedDoubleMemberAnyYear`` (who took part in a year:
overall, per category, per community and across communities in the "双创"
categories) —
by difference: it reads what the refreshed tasks' counted rows added up to before and
after, and adds the change with ``INSERT … ON CONFLICT DO UPDATE SET n = n + …``
(increments commute, so two transactions changing one summary row take turns on its
row lock and neither loses the other's change); a row whose count falls to zero is
deleted, so the summaries hold exactly what ``rebuild()`` derives from scratch.
``CountedCategoryMemberTotal`` counts the rows of ``CountedMemberCategoryYear``: it
moves by the member rows the upsert inserted and the delete removed.

Approval is final — an approved task can no longer be edited, re-staffed or have its
hours changed (services.tasks, services.claims, services.reviews) — so the approved
rows, the bulk of the table, are written once.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import (
    Integer,
    case,
    cast,
    delete,
    event,
    extract,
    func,
    insert,
    inspect,
    select,
    true,
    tuple_,
)
from sqlalchemy.dialects import postgresql, sqlite
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
    CountedItemYear,
    CountedMemberCategoryYear,
    CountedMemberYear,
    CountedMonth,
    CountedParticipation,
    CountedTask,
    Finding,
    ReportStatus,
    Task,
    TaskReport,
)
from .reference import DOUBLE_CODES

COUNTED_REPORTS = (ReportStatus.approved, ReportStatus.submitted)

_TASK_FIELDS = ("service_date", "unit_id", "community_id", "zone_id", "category_id",
                "resource_item_id")
_ASSIGNMENT_FIELDS = ("status", "minutes", "member_id", "task_id")
_REPORT_FIELDS = ("status", "quantity", "people_served", "task_id")
_FINDING_FIELDS = ("active", "task_id")


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


_PARTICIPATION_COLUMNS = ["task_id", "member_id", "report_status", "service_date", "unit_id",
                          "community_id", "zone_id", "category_id", "minutes"]
_TASK_COLUMNS = ["task_id", "report_status", "service_date", "unit_id", "community_id",
                 "zone_id", "category_id", "resource_item_id", "quantity", "people_served",
                 "person_times", "minutes"]


def _rewrite(connection: Connection, where) -> None:
    connection.execute(delete(CountedTask).where(where(CountedTask.task_id)))
    connection.execute(delete(CountedParticipation).where(where(CountedParticipation.task_id)))
    connection.execute(insert(CountedParticipation)
                       .from_select(_PARTICIPATION_COLUMNS, _participation_rows(where)))
    connection.execute(insert(CountedTask).from_select(_TASK_COLUMNS, _task_rows(where)))


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
            .join(Category, Category.id == CountedTask.category_id)
            .where(Category.code.in_(DOUBLE_CODES), where(CountedTask.task_id))
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
            query = (query.join(Category, Category.id == CountedParticipation.category_id)
                     .where(Category.code.in_(DOUBLE_CODES)))
        return query.group_by(*group)
    return sums


@dataclass(frozen=True)
class Summary:
    """A kept summary: its key columns, its counted columns (the first is zero exactly
    when no counted row adds to the key), the grouped sums of the counted rows a
    condition picks, and optionally a table counting its rows per key without the
    member."""

    model: type
    keys: tuple[str, ...]
    values: tuple[str, ...]
    sums: Callable
    counter: type | None = None


SUMMARIES = (
    Summary(CountedMonth, ("month", "category_id", "report_status"),
            ("activities", "quantity", "people_served", "person_times", "minutes"),
            _month_sums),
    Summary(CountedItemYear, ("year", "resource_item_id", "report_status"),
            ("activities", "quantity", "people_served"), _item_sums),
    Summary(CountedMemberYear, ("year", "report_status", "member_id"), ("participations",),
            _member_sums()),
    Summary(CountedMemberCategoryYear, ("year", "category_id", "report_status", "member_id"),
            ("participations",), _member_sums(CountedParticipation.category_id),
            counter=CountedCategoryMemberTotal),
    Summary(CountedDoubleMemberYear, ("year", "community_id", "report_status", "member_id"),
            ("participations",), _member_sums(CountedParticipation.community_id,
                                              double_only=True)),
    Summary(CountedDoubleMemberAnyYear, ("year", "report_status", "member_id"),
            ("participations",), _member_sums(double_only=True)),
    Summary(CountedDoubleCommunityYear, ("year", "community_id", "category_id", "report_status"),
            ("activities", "quantity", "person_times", "minutes"), _double_community_sums),
)


def _everything(_column):
    return true()


def _sums(connection: Connection, summary: Summary, where) -> dict:
    n = len(summary.keys)
    return {tuple(row[:n]): tuple(int(v or 0) for v in row[n:])
            for row in connection.execute(summary.sums(where))}


def _lock_order(key: tuple) -> tuple:
    # every transaction takes the summary rows' locks in one order: no deadlock
    return tuple(getattr(v, "value", v) for v in key)


def _add_difference(connection: Connection, summary: Summary, before: dict,
                    after: dict) -> None:
    keys, values = summary.keys, summary.values
    zero = (0,) * len(values)
    change = {}
    for key in before.keys() | after.keys():
        diff = tuple(new - old for old, new in zip(before.get(key, zero), after.get(key, zero)))
        if any(diff):
            change[key] = diff
    if not change:
        return
    created, deleted = _write(connection, summary.model, keys, values, change,
                              returning=summary.counter is not None)
    if summary.counter is not None:
        # a row this transaction inserted or deleted is one member more or less; read
        # from what the statements returned, under the rows' locks, so a concurrent
        # transaction's row is never counted twice
        counts: dict = {}
        for key, step in [(k, 1) for k in created] + [(k, -1) for k in deleted]:
            counts[key[:-1]] = counts.get(key[:-1], 0) + step
        counts = {key: (n,) for key, n in counts.items() if n}
        if counts:
            _write(connection, summary.counter, keys[:-1], ("members",), counts,
                   returning=False)


def _write(connection: Connection, model, keys, values, change: dict, *, returning: bool):
    """Add ``change`` ({key: differences}) to ``model``'s rows and delete those whose
    first value fell to zero. With ``returning``: the keys of the rows inserted (absent
    before) and of those deleted."""
    table = model.__table__
    key_columns = [table.c[k] for k in keys]
    dialect_insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    upsert = dialect_insert(table)
    upsert = upsert.on_conflict_do_update(
        index_elements=key_columns, set_={v: table.c[v] + upsert.excluded[v] for v in values})
    ordered = sorted(change, key=_lock_order)
    params = [dict(zip(keys + values, key + change[key])) for key in ordered]
    created, deleted = [], []
    if returning:
        for *key, first in connection.execute(upsert.returning(*key_columns, table.c[values[0]]),
                                              params):
            step = change[tuple(key)][0]
            if step > 0 and first == step:  # it was 0, i.e. absent, before this change
                created.append(tuple(key))
    else:
        connection.execute(upsert, params)
    emptied = [key for key in ordered if change[key][0] < 0]
    for start in range(0, len(emptied), 500):
        statement = delete(table).where(tuple_(*key_columns).in_(emptied[start:start + 500]),
                                        table.c[values[0]] == 0)
        if returning:
            deleted += [tuple(row) for row in connection.execute(statement.returning(*key_columns))]
        else:
            connection.execute(statement)
    return created, deleted


def refresh(connection: Connection, task_ids: Iterable[int]) -> None:
    """Rewrite the counted rows of these tasks from the live rows, and move the
    county-wide summaries by what that changed.

    The task rows are locked first, in id order: two PostgreSQL transactions
    refreshing one task (two members confirming their hours at once) would otherwise
    both insert its rows and deadlock or collide on the key. The second now waits
    and rewrites after the first has committed. (SQLite serialises writers anyway;
    it ignores FOR UPDATE.)
    """
    for chunk in locked_tasks(connection, task_ids):
        where = lambda column, chunk=chunk: column.in_(chunk)  # noqa: E731
        before = [_sums(connection, summary, where) for summary in SUMMARIES]
        _rewrite(connection, where)
        for summary, old in zip(SUMMARIES, before):
            _add_difference(connection, summary, old, _sums(connection, summary, where))


def locked_tasks(connection: Connection, task_ids: Iterable[int]):
    """These task ids in short chunks (IN lists stay short), each chunk's task rows
    locked in id order before it is yielded."""
    ids = sorted(set(task_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        connection.execute(select(Task.id).where(Task.id.in_(chunk)).order_by(Task.id)
                           .with_for_update())
        yield chunk


def rebuild(connection: Connection) -> int:
    """Rewrite the counted rows and the summaries whole (after bulk writes that bypass
    the ORM), one INSERT … SELECT each; returns the number of counted participations."""
    _rewrite(connection, _everything)
    for summary in SUMMARIES:
        keys = summary.keys
        connection.execute(delete(summary.model))
        connection.execute(insert(summary.model).from_select(
            keys + summary.values, summary.sums(_everything)))
        if summary.counter is not None:
            group = [summary.model.__table__.c[k] for k in keys[:-1]]
            connection.execute(delete(summary.counter))
            connection.execute(insert(summary.counter).from_select(
                [*keys[:-1], "members"], select(*group, func.count()).group_by(*group)))
    return connection.scalar(select(func.count()).select_from(CountedParticipation))


def changed(obj, names) -> bool:
    """Whether the flush changes any of these attributes of ``obj``."""
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _was_or_is_done(obj: Assignment) -> bool:
    history = inspect(obj).attrs.status.history
    known = (*history.added, *history.deleted, *history.unchanged)
    return not known or AssignmentStatus.done in known  # not loaded: cannot rule it out


def touched_tasks(session: Session) -> set[int]:
    """The tasks whose counted rows a flush may have changed."""
    ids: set[int] = set()
    for obj in session.new:
        if isinstance(obj, (TaskReport, Finding)) or (
                isinstance(obj, Assignment) and obj.status == AssignmentStatus.done):
            ids.add(obj.task_id)
    for obj in session.dirty:
        if isinstance(obj, TaskReport) and changed(obj, _REPORT_FIELDS):
            ids.add(obj.task_id)
        elif isinstance(obj, Assignment) and changed(obj, _ASSIGNMENT_FIELDS) \
                and _was_or_is_done(obj):
            ids.add(obj.task_id)
            old_task = inspect(obj).attrs.task_id.history.deleted
            ids.update(old_task)
        elif isinstance(obj, Task) and changed(obj, _TASK_FIELDS):
            ids.add(obj.id)
        elif isinstance(obj, Finding) and changed(obj, _FINDING_FIELDS):
            ids.add(obj.task_id)
            ids.update(inspect(obj).attrs.task_id.history.deleted)
    for obj in session.deleted:
        # (Tasks are never deleted: the foreign key makes trying to a loud error.)
        if isinstance(obj, (TaskReport, Assignment, Finding)):
            ids.add(obj.task_id)
    ids.discard(None)
    return ids


def _after_flush(session: Session, _flush_context) -> None:
    ids = touched_tasks(session)
    if ids:
        refresh(session.connection(), ids)


def install() -> None:
    """Listen on every ORM session (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
