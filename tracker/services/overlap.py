"""The same person's time is counted once: who already has a place on an activity at
the same hours.

One query for every path that writes a member's hours as done —
补录 and 添加遗漏的参加人员 refuse a member it finds (``backfill.refuse_overlap``), a
member's own 确认参与 is refused (``claims.confirm_participation``), 通过's 按签到计入
and a resubmitted report taking her off the 缺席 list leave her uncounted
(``reviews.count_checked_in_members``, ``reviews._mark_absences``), and 合并账号 is
refused while the two accounts' hours count at overlapping hours (``merge.blocking``,
``counted_twice``); a member is not offered a 补录申请 naming an activity that 采纳
would refuse by it (``held_elsewhere``, ``backfill_requests.place_elsewhere``), and a
list offering 确认 asks it for its rows in its own statement (``counts_elsewhere``).
Its own module
because ``backfill`` approves through ``reviews`` and ``reviews`` counts through
``claims``: all read it here."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, bindparam, exists, select
from sqlalchemy.orm import aliased

from ..rollups.batch import built_once, given, plan, run
from ..models import (Assignment, AssignmentStatus, Member, ReportStatus, Task, TaskReport,
                      TaskStatus)


# a place neither counted yet nor ended: 通过 (with 按签到计入, or her 确认) may still count it
NOT_YET_COUNTED = (AssignmentStatus.claimed, AssignmentStatus.assigned, AssignmentStatus.checked_in)


def _approved(task):
    """SQL: ``task``'s report is approved — 通过 is final, a place not counted by then
    never counts (``reviews.approve_report``)."""
    return exists(select(TaskReport.id).where(TaskReport.task_id == task.id,
                                              TaskReport.status == ReportStatus.approved))


def places_at(starts_at, ends_at, same_activity: tuple[int, int] | None = None, *,
              counted: bool = False, may_count: bool = False, task=Task,
              assignment=Assignment) -> list:
    """WHERE conditions on ``assignment`` (``Assignment``, or an alias of it) joined to
    ``task`` (``Task``, or an alias): a place on an activity that is not cancelled and
    overlaps [starts_at, ends_at) (an activity ending at 11:00 and one starting at 11:00
    are not the same time) — values, or columns of the statement asking it (another
    task's, for a list of tasks: ``held_elsewhere``, ``counted_elsewhere_of``). The one
    rule of ``overlapping``; see there for ``same_activity`` and ``counted``.

    A claim or an assignment never confirmed on an activity whose report is approved is
    no place: 通过 is final, it can never count, and the member may well have been at
    another activity at those hours (review39b #1). A check-in left uncounted there
    stays one: it is evidence she was there.

    ``may_count``: only a place not counted yet that 通过 may still count — claimed,
    assigned or checked in on an activity whose report is not approved (a check-in
    left uncounted by 通过 never counts: review41b #1)."""
    approved = _approved(task)
    held = assignment.status.not_in((AssignmentStatus.withdrawn, AssignmentStatus.absent)) & ~(
        assignment.status.in_((AssignmentStatus.claimed, AssignmentStatus.assigned))
        & approved)
    if counted:
        held = assignment.status == AssignmentStatus.done  # a check-in or claim: not yet
    elif may_count:
        held = assignment.status.in_(NOT_YET_COUNTED) & ~approved
    elif same_activity is not None:
        held = held | ((assignment.status == AssignmentStatus.absent)
                       & (task.community_id == same_activity[0])
                       & (task.category_id == same_activity[1]))
    return [held, task.status != TaskStatus.cancelled,
            task.starts_at < ends_at, task.ends_at > starts_at]


def overlapping(member_ids: list[int], starts_at: datetime, ends_at: datetime,
                same_activity: tuple[int, int] | None = None, *, counted: bool = False):
    """(member, task, absent) rows where a member already holds a place on a task that
    is not cancelled and overlaps [starts_at, ends_at). With ``same_activity``
    (community id, category id), a place marked 缺席 on such a task of that community
    and category is one too (``absent`` true): the same activity, where the member is
    already recorded. ``counted``: only a place whose hours count (done, confirmed or
    recorded) — a check-in or a claim elsewhere is no time counted yet, so 通过 on
    the first of two such activities still counts it."""
    values = {"member_ids": list(member_ids), "starts_at": starts_at, "ends_at": ends_at}
    if same_activity is not None:
        values.update(community_id=same_activity[0], category_id=same_activity[1])
    # built once per shape (a write asks it of every 补录, 确认 and 通过): the values bound
    return run(given(built_once(("overlapping", same_activity is not None, counted),
                                lambda: _overlapping(same_activity is not None, counted)),
                     values))


def _overlapping(same: bool, counted: bool):
    """``overlapping``'s statement, its values bound parameters (``same``: with a
    ``same_activity``)."""
    same_activity = ((bindparam("community_id", type_=Integer),
                      bindparam("category_id", type_=Integer)) if same else None)
    return plan(
        select(Member, Task, Assignment.status == AssignmentStatus.absent)
        .join(Assignment, Assignment.member_id == Member.id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Member.id.in_(bindparam("member_ids", type_=Integer, expanding=True)),
               *places_at(bindparam("starts_at", type_=Task.starts_at.type),
                          bindparam("ends_at", type_=Task.ends_at.type),
                          same_activity, counted=counted))
        .order_by(Member.name_key, Task.starts_at, Task.id),
        shape=list)


def first_place_elsewhere(member_id: int, task_id: int, starts_at: datetime,
                          ends_at: datetime) -> Task | None:
    """The first activity other than ``task_id``, at hours overlapping [starts_at,
    ends_at), where the member holds a place (``overlapping``: claimed, checked in or
    done, not cancelled), or None — where 采纳 of her 补录申请 would refuse her
    (``backfill_requests.place_elsewhere``), what her task page names instead of that
    request or of 添加遗漏的参加人员 (``claims.confirm_refusal``), and what a claim just
    taken names (``claims.claimed_alongside``, which has the task's values only: read
    before the claim's commit expired it)."""
    for _member, other, _absent in overlapping([member_id], starts_at, ends_at):
        if other.id != task_id:
            return other
    return None


def _places_elsewhere(member_id, task, *, counted: bool, may_count: bool = False):
    """The other activities at hours overlapping ``task``'s where ``member_id`` holds a
    place (``places_at``; ``counted``: one whose hours count), as a SELECT of their ids
    correlated to the statement asking it (``member_id`` and ``task``: its columns or an
    alias of them, or values), with the alias of those activities to order by. The one
    form of ``held_elsewhere``, ``counted_elsewhere_of`` and ``counts_elsewhere``."""
    held, other = aliased(Assignment), aliased(Task)
    # every other table it names is the asking statement's, however deep it is nested
    # (``may_count_alongside_of`` asks ``counts_elsewhere`` inside one): left to
    # auto-correlation, a table of a statement two levels up would join in uncorrelated
    return (select(other.id).join(held, held.task_id == other.id)
            .where(held.member_id == member_id, other.id != task.id,
                   *places_at(task.starts_at, task.ends_at, counted=counted,
                              may_count=may_count, task=other, assignment=held))
            .correlate_except(held, other)), other


def held_elsewhere(member_id: int):
    """SQL, of each ``Task`` row of a statement: ``member_id`` holds a place on another
    activity at overlapping hours (``overlapping``'s rule, as ``backfill.refuse_overlap``
    asks it when the member is added to the task) — what a 补录申请 naming the task
    could only be refused for, so the member is not offered it
    (``backfill_requests.queries.requestable_tasks``)."""
    places, _other = _places_elsewhere(member_id, Task, counted=False)
    return exists(places)


def counted_elsewhere(task: Task, member_ids: list[int]) -> dict[int, Task]:
    """Of ``member_ids``, those whose hours already count (done) on another activity at
    hours overlapping ``task``'s, each with the first such activity: whose hours are
    not counted on ``task`` too. Callers that write lock the members' rows first
    (``claims.held_active(..., no_key=True)``); a page asks it unlocked, to say so."""
    found: dict[int, Task] = {}
    # the first such activity by its start, as ``counted_elsewhere_of`` picks it
    if member_ids:
        for member, other, _absent in overlapping(member_ids, task.starts_at, task.ends_at,
                                                  counted=True):
            if other.id != task.id:
                found.setdefault(member.id, other)
    return found


def counted_elsewhere_of(assignment, task):
    """``counted_elsewhere`` as a column of a page's participants statement: for the
    ``assignment`` row on ``task`` (entities or aliases of the enclosing statement), the
    id of the first other activity, by its start, at hours overlapping ``task``'s where
    the member's hours already count — NULL if none. The same rule (``places_at``,
    counted) in the statement a page reads anyway: 待审核 and the report's page say it
    before 通过 for a whole page in no statement of its own; 通过 asks
    ``counted_elsewhere`` again under its locks."""
    places, other = _places_elsewhere(assignment.member_id, task, counted=True)
    return places.order_by(other.starts_at, other.id).limit(1).scalar_subquery()


def held_elsewhere_of(member_id, task):
    """``backfill_requests.place_elsewhere`` as a column of a page's statement: the id
    of the first other activity, by its start, at hours overlapping ``task``'s where
    ``member_id`` holds a place — NULL if none (``places_at``). The task page of one not
    counted on an approved task asks it, with ``counted_elsewhere_of``, in the statement
    reading her own row (review40b #3)."""
    places, other = _places_elsewhere(member_id, task, counted=False)
    return places.order_by(other.starts_at, other.id).limit(1).scalar_subquery()


def may_count_alongside_of(member_id, task):
    """The id of the first other activity, by its start, at hours overlapping ``task``'s
    where ``member_id``'s place is not counted yet and 通过 there may still count it
    (``places_at``, may_count) — NULL if none, or if her hours already count on one
    (``counts_elsewhere``: then no 通过 counts her on either, the pages say why). As a
    column of a page's statement (``member_id``, ``task``: its columns or values): were
    her place on ``task`` still to count too, only one of the two can — whichever 通过
    counts first (``counted_elsewhere``), so the pages tell her (``claims.held_alongside``)."""
    places, other = _places_elsewhere(member_id, task, counted=False, may_count=True)
    return (places.where(~counts_elsewhere(member_id, task))
            .order_by(other.starts_at, other.id).limit(1).scalar_subquery())


def counts_elsewhere(member_id, task):
    """SQL, correlated to a list's row: ``counted_elsewhere`` of one member — their
    hours already count (done) on another activity at hours overlapping ``task``'s
    (``Task`` of the row, or an alias of it). A list asks it in its own statement, not
    once per row (我的任务's 确认, ``claims.confirm_refusal``)."""
    places, _other = _places_elsewhere(member_id, task, counted=True)
    return exists(places)


def counted_twice(member_id: int, other_id: int):
    """A select of (``first_id``, ``second_id``): the pairs of activities at overlapping
    hours on which the hours of ``member_id`` count (done) on the first and those of
    ``other_id`` on the second — one person's time counted twice were the two accounts
    one (合并账号, ``merge.blocking``, which reads it with the tasks both took part in).
    One activity both are done on is not a pair here (the merge names it apart)."""
    mine, theirs = aliased(Assignment), aliased(Assignment)
    task, other = aliased(Task), aliased(Task)
    return (select(task.id.label("first_id"), other.id.label("second_id"))
            .select_from(mine).join(task, task.id == mine.task_id)
            .join(theirs, theirs.member_id == other_id)
            .join(other, other.id == theirs.task_id)
            .where(mine.member_id == member_id, mine.status == AssignmentStatus.done,
                   task.status != TaskStatus.cancelled, other.id != task.id,
                   *places_at(task.starts_at, task.ends_at, counted=True, task=other,
                              assignment=theirs)))
