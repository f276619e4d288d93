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
Writers that bypass the ORM (``generate-data``, the migration that created the
tables) call ``rebuild()``.

Approval is final — an approved task can no longer be edited, re-staffed or have its
hours changed (services.tasks, services.claims, services.reviews) — so the approved
rows, the bulk of the table, are written once.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import case, delete, event, func, insert, inspect, select, true
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .models import (
    SURVEY_CODE,
    Assignment,
    AssignmentStatus,
    Category,
    CountedParticipation,
    CountedTask,
    Finding,
    ReportStatus,
    Task,
    TaskReport,
)

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


def refresh(connection: Connection, task_ids: Iterable[int]) -> None:
    """Rewrite the counted rows of these tasks from the live rows.

    The task rows are locked first, in id order: two PostgreSQL transactions
    refreshing one task (two members confirming their hours at once) would otherwise
    both insert its rows and deadlock or collide on the key. The second now waits
    and rewrites after the first has committed. (SQLite serialises writers anyway;
    it ignores FOR UPDATE.)
    """
    for chunk in locked_tasks(connection, task_ids):
        _rewrite(connection, lambda column, chunk=chunk: column.in_(chunk))


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
    """Rewrite both tables whole (after bulk writes that bypass the ORM); returns the
    number of counted participations."""
    _rewrite(connection, lambda _column: true())
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
