"""Keeping ``Task.report_owed_at``: the task's end while it owes a report, else NULL.

A task owes a report (docs/design.md, 已结束未提交 and 逾期事项) while it is not
cancelled and has no report, or its report was returned (已退回待修改). Both the
工作台's 已结束未提交 and the 逾期事项 list ask "owes one and has ended", which
read from the source rows is an anti-join of every ended task against its report —
a scan that grows with history. The mark turns it into a range of a partial index
holding only the tasks that owe (``report_owed_at < now``).

Like the counted rows (``tracker/participation.py``) the mark is derived, never set by a
service: an ``after_flush`` hook looks at what the flush wrote — a task's status or
end, a report's status or task — and recomputes the mark of exactly those tasks from
the live rows, in the same transaction. Writers that bypass the ORM (``generate-data``,
migration ``0014_report_owed_mark``) call ``rebuild()``.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, case, event, exists, true, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .models import ReportStatus, Task, TaskReport, TaskStatus
from .participation import OWED_MARK_READS, locked_tasks, touched_task_ids


def owed_value():
    """The mark as a SQL expression over a ``task`` row (the rule, stated once)."""
    settled = exists().where(TaskReport.task_id == Task.id,
                             TaskReport.status != ReportStatus.returned)
    return case((and_(Task.status != TaskStatus.cancelled, ~settled), Task.ends_at),
                else_=None)


def _rewrite(connection: Connection, where) -> None:
    connection.execute(update(Task).where(where).values(report_owed_at=owed_value()),
                       execution_options={"synchronize_session": False})


def refresh(connection: Connection, task_ids: Iterable[int]) -> None:
    """Recompute the mark of these tasks. Their rows are locked in id order first
    (``participation.locked_tasks``), so two flushes touching the same tasks on
    PostgreSQL take turns instead of deadlocking."""
    for chunk in locked_tasks(connection, task_ids):
        _rewrite(connection, Task.id.in_(chunk))


def rebuild(connection: Connection) -> None:
    """Recompute every task's mark (after bulk writes that bypass the ORM)."""
    _rewrite(connection, true())


def _after_flush(session: Session, _flush_context) -> None:
    # what the mark reads: participation.OWED_MARK_READS, beside the counted rows' map
    ids = touched_task_ids(session, OWED_MARK_READS)
    if ids:
        refresh(session.connection(), ids)
        session.info.setdefault("report_owed_touched", set()).update(ids)


def _after_flush_postexec(session: Session, _flush_context) -> None:
    # The UPDATE went around the identity map: a task loaded with its mark would
    # otherwise keep the old value until the commit expires it.
    for task_id in session.info.pop("report_owed_touched", ()):
        task = session.identity_map.get(session.identity_key(Task, task_id))
        if task is not None:
            session.expire(task, ["report_owed_at"])


def install() -> None:
    """Listen on every ORM session (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_flush_postexec", _after_flush_postexec)
