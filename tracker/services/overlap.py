"""The same person's time is counted once: who already has a place on an activity at
the same hours.

One query for every path that writes a member's hours as done —
补录 and 添加遗漏的参加人员 refuse a member it finds (``backfill.refuse_overlap``), a
member's own 确认参与 is refused (``claims.confirm_participation``), 通过's 按签到计入
and a resubmitted report taking her off the 缺席 list leave her uncounted
(``reviews.count_checked_in_members``, ``reviews._mark_absences``), and 合并账号 is
refused while the two accounts' hours count at overlapping hours (``merge.conflicts``,
``counted_twice``); a list offering 确认 asks it for its rows in its own statement
(``counts_elsewhere``). Its own module
because ``backfill`` approves through ``reviews`` and ``reviews`` counts through
``claims``: all read it here."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Assignment, AssignmentStatus, Member, Task, TaskStatus


def overlapping(member_ids: list[int], starts_at: datetime, ends_at: datetime,
                same_activity: tuple[int, int] | None = None, *, counted: bool = False):
    """(member, task, absent) rows where a member already holds a place on a task that
    is not cancelled and overlaps [starts_at, ends_at). With ``same_activity``
    (community id, category id), a place marked 缺席 on such a task of that community
    and category is one too (``absent`` true): the same activity, where the member is
    already recorded. ``counted``: only a place whose hours count (done, confirmed or
    recorded) — a check-in or a claim elsewhere is no time counted yet, so 通过 on
    the first of two such activities still counts it."""
    held = Assignment.status.not_in((AssignmentStatus.withdrawn, AssignmentStatus.absent))
    if counted:
        held = Assignment.status == AssignmentStatus.done
    elif same_activity is not None:
        held = held | ((Assignment.status == AssignmentStatus.absent)
                       & (Task.community_id == same_activity[0])
                       & (Task.category_id == same_activity[1]))
    return db.session.execute(
        select(Member, Task, Assignment.status == AssignmentStatus.absent)
        .join(Assignment, Assignment.member_id == Member.id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Member.id.in_(member_ids), held,
               *_clashing(Task, starts_at, ends_at))
        .order_by(Member.name_key, Task.starts_at)
    ).all()


def _clashing(task, starts_at, ends_at) -> tuple:
    """SQL: ``task`` (``Task`` or an alias of it) is not cancelled (作废 included) and
    its hours overlap [starts_at, ends_at) — the rule's one statement of "at the same
    time"."""
    return (task.status != TaskStatus.cancelled,
            task.starts_at < ends_at, task.ends_at > starts_at)


def counted_elsewhere(task: Task, member_ids: list[int]) -> dict[int, Task]:
    """Of ``member_ids``, those whose hours already count (done) on another activity at
    hours overlapping ``task``'s, each with the first such activity: whose hours are
    not counted on ``task`` too. Callers that write lock the members' rows first
    (``claims.held_active(..., no_key=True)``); a page asks it unlocked, to say so."""
    found: dict[int, Task] = {}
    if member_ids:
        for member, other, _absent in overlapping(member_ids, task.starts_at, task.ends_at,
                                                  counted=True):
            if other.id != task.id:
                found.setdefault(member.id, other)
    return found


def counts_elsewhere(member_id, task):
    """SQL, correlated to a list's row: ``counted_elsewhere`` of one member — their
    hours already count (done) on another activity at hours overlapping ``task``'s
    (``Task`` of the row, or an alias of it). A list asks it in its own statement, not
    once per row (我的任务's 确认, ``claims.confirm_refusal``)."""
    theirs, other = aliased(Assignment), aliased(Task)
    return exists().where(theirs.member_id == member_id, theirs.task_id == other.id,
                          theirs.status == AssignmentStatus.done, other.id != task.id,
                          *_clashing(other, task.starts_at, task.ends_at))


def counted_twice(member_id: int, other_id: int) -> list[tuple[Task, Task]]:
    """(task, other task): the pairs of activities at overlapping hours on which the
    hours of ``member_id`` count (done) on the first and those of ``other_id`` on the
    second — one person's time counted twice were the two accounts one (合并账号,
    ``merge.conflicts``). One activity both are done on is not a pair here (the merge
    names it apart). One statement, by the first activity's start."""
    mine, theirs = aliased(Assignment), aliased(Assignment)
    task, other = aliased(Task), aliased(Task)
    done = AssignmentStatus.done
    return [(first, second) for first, second in db.session.execute(
        select(task, other)
        .select_from(mine).join(task, task.id == mine.task_id)
        .join(theirs, (theirs.member_id == other_id) & (theirs.status == done))
        .join(other, other.id == theirs.task_id)
        .where(mine.member_id == member_id, mine.status == done,
               task.status != TaskStatus.cancelled, other.id != task.id,
               *_clashing(other, task.starts_at, task.ends_at))
        .order_by(task.starts_at, task.id, other.starts_at, other.id))]
