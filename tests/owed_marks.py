"""The "owes a report" mark (``Task.report_owed_at``) against the rule, recounted.

The rule as the design states it: a task owes a report while it is not cancelled and
has no report, or its report was returned (已退回待修改); the mark is then the task's
end, else nothing. Recounted here in Python from the plain rows, not with the query
that keeps the mark.
"""
from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ReportStatus, Task, TaskReport, TaskStatus


def recounted() -> dict:
    reports = dict(db.session.execute(select(TaskReport.task_id, TaskReport.status)).all())
    marks = {}
    for task_id, status, ends_at in db.session.execute(select(Task.id, Task.status, Task.ends_at)):
        owes = status != TaskStatus.cancelled and reports.get(task_id) in (None, ReportStatus.returned)
        marks[task_id] = ends_at if owes else None
    return marks


def stored() -> dict:
    return dict(db.session.execute(select(Task.id, Task.report_owed_at)).all())


def assert_marks_follow_the_rule() -> None:
    expected, kept = recounted(), stored()
    assert kept == expected, {k: (kept.get(k), v) for k, v in expected.items() if kept.get(k) != v}
