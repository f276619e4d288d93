"""The row lock every decision on a whole activity takes before it reads the state it
decides on (通过, 退回, 撤销审核, 作废, a resubmission, 添加遗漏的参加人员, 采纳 into a
task, a member's own 确认参与, and editing a task, changing its 组长 and 取消任务) —
and a survey's finding's 移交 and 整改 (``findings._hold_step``), which an edit of the
survey's date moves the 发现日期 of.

Kept apart from ``reviews`` so that ``claims`` can take it too: ``reviews`` imports
``tasks``, which imports ``claims``.
"""
from __future__ import annotations

from sqlalchemy import Integer, bindparam, select

from ..extensions import db
from ..models import Task, TaskReport
from ..rollups.batch import built_once, given, plan, run


def lock_activity(task: Task) -> None:
    """Re-read the task and its report under row locks, for the rest of the transaction,
    task first (one order, no deadlock). Every decision on a whole activity — 通过, 退回,
    撤销审核, 作废 (``services.voiding``), 添加遗漏的参加人员, a member's 确认参与 — takes
    it before it reads the state it decides on: the page that posted saw the report
    待审核 (or approved, or the task not cancelled), but another liaison may have
    decided since. On PostgreSQL the second decision waits for the first to commit and
    then reads what it left (an approval of an activity voided meanwhile is refused, and
    the reverse voids the approved activity; a confirmation after a 作废 is refused, one
    before it is among the hours the 作废 takes off and tells of), so an approved report
    or a member's newly confirmed hours never sit unnoticed on a voided task. SQLite's
    writers take turns anyway; it ignores the clause.

    The rows are locked by a plain SELECT … FOR NO KEY UPDATE of their ids, then re-read:
    a refresh with the lock would load the rows' eager relationships by outer joins, and
    PostgreSQL refuses FOR UPDATE on the nullable side of an outer join. NO KEY: no
    decision changes a task's id, and a full FOR UPDATE would also block the key-share
    lock that PostgreSQL takes on the task when another transaction merely points a row
    at it — a cancel handing a series' need on to the next week waited on that week's
    task while the week's own cancel waited on the need: a deadlock."""
    run(given(built_once(("lock activity", "task"), lambda: _row_lock(Task)),
              {"row_id": task.id}))
    db.session.refresh(task)
    if task.report is not None:
        run(given(built_once(("lock activity", "report"), lambda: _row_lock(TaskReport)),
                  {"row_id": task.report.id}))
        db.session.refresh(task.report)


def _row_lock(model):
    """``lock_activity``'s lock of one row of ``model``, built once (every decision on an
    activity takes it): the id a bound parameter."""
    return plan(select(model.id).where(model.id == bindparam("row_id", type_=Integer))
                .with_for_update(key_share=True), shape=lambda rows: None)
