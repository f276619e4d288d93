"""What a task's end does to the need it was made from (需求 → 转为任务).

A need the liaison turned into a task is the task's to do (``NeedStatus.tasked``, or
still claimed by whoever claimed it first). A need turned into a weekly series is the
whole series' to do: ``Need.task_id`` names one task of it, and every task of the same
``series_id`` counts as the need's.

- **Fulfilled** when the report of any one of its tasks is approved, on the local date
  of the approval (what the 月报's 本月完成 and 完成微心愿 count); the need then names
  that task. A recurring need (每周代购) is met once someone has done it as asked;
  the rest of the series goes on as tasks, and the need counts once.
- **To do again** when that approval is taken back (撤销审核): back to where it was
  before it — 已认领 by its claimer, else 已转任务 — and fulfilled anew when the
  report is approved again; done by another approved week of the series if there is
  one. 作废 takes it back too, and then hands it on as a cancellation does.
- **Given back** only when none of its tasks is left: a cancelled task hands the need on
  to the earliest task of the series not cancelled; when every one is cancelled the
  need loses the task (so it can be turned into a task again) and a tasked one is
  待认领 again.

Kept apart from ``needs`` so that ``tasks`` and ``reviews`` can call it: ``needs``
imports ``tasks`` to create the task.
"""
from __future__ import annotations

import json
from typing import NamedTuple

from sqlalchemy import Boolean, Date, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased, with_expression

from ..extensions import db
from ..models import (LIVE_NEEDS, Member, Need, NeedStatus, ReportStatus, Task, TaskReport,
                      TaskStatus)
from ..rollups.needs import local_day, need_unit
from ..sql_json import json_rows
from ..timeutil import local_date, utcnow
from .audit import record
from .summary_notes import (closed_need_units, closed_need_units_plan, final_naming_places,
                            may_change_final, units_closed_words)


def series_of(task: Task) -> list[Task]:
    """The tasks made together with ``task`` (its weekly series, cancelled ones
    included), earliest first; a task made alone is its own series."""
    if task.series_id is None:
        return [task]
    return list(db.session.scalars(
        select(Task).where(Task.series_id == task.series_id)
        .order_by(Task.starts_at, Task.id)))


def in_series(task, task_id, series_id):
    """Condition: ``task`` (``Task`` or an alias) is of the series of the task
    ``task_id`` of ``series_id`` — that task itself, or one made together with it —,
    values or columns of an enclosing statement (a NULL ``series_id`` matches nothing
    more: a task made alone is its own series)."""
    return or_(task.id == task_id, task.series_id == series_id)


def _series_ids(task: Task):
    if task.series_id is None:
        return [task.id]
    return select(Task.id).where(in_series(Task, task.id, task.series_id))


def needs_of(task: Task) -> list[Need]:
    """The needs ``task`` works on: those made into it or into any task of its series."""
    return list(db.session.scalars(
        select(Need).where(Need.task_id.in_(_series_ids(task))).order_by(Need.id)))


class NeedNamed(NamedTuple):
    """A need as a page names it (``needs_named``): its link and its title."""

    id: int
    title: str


def needs_load():
    """An option of a task's read: ``Task.needs_named``, ``needs_of``'s needs as (id,
    title) JSON rows, a column of the task's statement (a task's needs are a few)."""
    series = aliased(Task, name="series_task")
    return with_expression(Task.needs_named, func.coalesce(
        select(json_rows(Need.id, Need.title)).select_from(Need)
        .join(series, series.id == Need.task_id)
        .where(in_series(series, Task.id, Task.series_id)).scalar_subquery(), "[]"))


def needs_named(task: Task) -> list:
    """``needs_of`` as a page names them (id, title), by their id: from the task's read
    when it asked for them (``needs_load``), else asked."""
    if task.needs_named is None:
        return [NeedNamed(need.id, need.title) for need in needs_of(task)]
    return sorted(NeedNamed(*row) for row in json.loads(task.needs_named))


def lock_needs_of(task: Task) -> list[Need]:
    """The needs of ``task``'s series still to be done, locked (PostgreSQL) and read
    afresh: of two tasks of a series cancelled or approved at the same moment, the
    second waits here for the first and then sees what it did. Cancelling and approving
    call it before they write anything, so the need is always locked first (taken after
    the task's own row, two of them deadlocked)."""
    return list(db.session.scalars(
        select(Need).where(Need.task_id.in_(_series_ids(task)), Need.status.in_(LIVE_NEEDS))
        .order_by(Need.id).with_for_update().execution_options(populate_existing=True)))


def series_approved(need: Need) -> bool:
    """A task of the need (its task, or another of the same series) has its report
    approved."""
    return need.task is not None and any(t.report_approved for t in series_of(need.task))


def fulfil_needs_of(task: Task, actor: Member) -> None:
    """The task's report is approved: the needs its series was made from are done, by
    this task."""
    now = utcnow()
    for need in lock_needs_of(task):
        need.task_id = task.id
        need.status = NeedStatus.fulfilled
        need.fulfilled_at, need.fulfilled_on = now, local_date(now)
        need.fulfilled_by_id = actor.id
        record(actor, "need_fulfil", need, task_id=task.id, member_id=need.claimed_by_id,
               unit_id=need.claimed_unit_id, photo=False)


def _handed_on(task: Task):
    """A select of the task a need of ``task`` (of a series) goes on with: the earliest
    other task of its series not cancelled (``handed_on_to``'s rule)."""
    return (select(Task.id).where(Task.series_id == task.series_id, Task.id != task.id,
                                  Task.status != TaskStatus.cancelled)
            .order_by(Task.starts_at, Task.id).limit(1))


def _taken_over(task: Task, *columns):
    """A select of ``columns`` of the week taking over the needs ``task``'s (of a series)
    approval fulfilled: the earliest other week of its series, not cancelled, whose
    report is approved (``taken_over_by``'s rule)."""
    return (select(*columns).select_from(Task).join(TaskReport, TaskReport.task_id == Task.id)
            .where(Task.series_id == task.series_id, Task.id != task.id,
                   Task.status != TaskStatus.cancelled,
                   TaskReport.status == ReportStatus.approved)
            .order_by(Task.starts_at, Task.id).limit(1))


def handed_on_to(task: Task) -> int | None:
    """The task a need of ``task`` goes on with when ``task`` is cancelled (取消任务,
    作废): the earliest other task of its series not cancelled, or None — the need then
    loses its task. Read as columns, not the session's copies: a task of the series
    cancelled a moment ago by someone else is seen cancelled."""
    if task.series_id is None:
        return None  # a task made alone is its own series
    return db.session.scalar(_handed_on(task))


def taken_over_by(task: Task) -> Task | None:
    """Where the needs ``task``'s approval fulfilled go when that approval is taken back
    (撤销审核, 作废): the earliest other week of its series, not cancelled, whose report
    is approved — it does them, fulfilled on the day (and by whom) its report was
    approved —; None when there is none: they are to do again. One rule:
    ``_unfulfil_needs_of`` moves them by it, ``void_need_places`` foresees it (asking
    it inside its own select)."""
    if task.series_id is None:
        return None
    return db.session.scalar(_taken_over(task, Task))


def taken_over_of(task: Task):
    """``taken_over_by`` as a subquery of the week's ``title`` and ``starts_at`` (no
    row when none), for a page that reads it inside a statement it runs anyway; None
    for a task made alone (its own series: no other week)."""
    if task.series_id is None:
        return None
    return _taken_over(task, Task.title, Task.starts_at).subquery()


def give_back_needs_of(task: Task, actor: Member) -> None:
    """The task is cancelled: a need whose series has another task not cancelled goes
    on with it (the earliest); one with none left loses the task, and one nobody
    claimed is 待认领 again."""
    needs = lock_needs_of(task)
    if not needs:
        return
    # read after the lock: a task of the series cancelled a moment ago is seen cancelled
    goes_on = handed_on_to(task)
    for need in needs:
        if goes_on is not None:
            if need.task_id == task.id:
                need.task_id = goes_on
                record(actor, "need_task_moved", need, task_id=task.id, to_task_id=goes_on)
            continue
        need.task_id = None
        if need.status == NeedStatus.tasked:
            need.status = NeedStatus.open
        record(actor, "need_task_cancelled", need, task_id=task.id)


def _unfulfil_needs_of(task: Task, actor: Member, action: str) -> list[Need]:
    """The needs whose fulfilment was ``task``'s approval, now taken back (撤销审核 or
    作废): one the series has another approved week for is done by that week — on the
    day, and by whom, its report was approved; the others are to do again, as before
    the approval: 已认领 by their claimer, else 已转任务 (``action`` audits each).
    Returns those to do again."""
    fulfilled = list(db.session.scalars(
        select(Need).where(Need.task_id == task.id, Need.status == NeedStatus.fulfilled)
        .order_by(Need.id).with_for_update().execution_options(populate_existing=True)))
    done_by = taken_over_by(task) if fulfilled else None
    undone = []
    for need in fulfilled:
        if done_by is not None:
            need.task_id = done_by.id
            need.fulfilled_at = done_by.report.reviewed_at
            need.fulfilled_on = local_date(done_by.report.reviewed_at)
            need.fulfilled_by_id = done_by.report.reviewed_by_id
            record(actor, "need_task_moved", need, task_id=task.id, to_task_id=done_by.id)
            continue
        need.status = NeedStatus.claimed if need.claimed_by_id else NeedStatus.tasked
        need.fulfilled_at = need.fulfilled_on = need.fulfilled_by_id = None
        record(actor, action, need, task_id=task.id)
        undone.append(need)
    return undone


def reopen_needs_of(task: Task, actor: Member) -> None:
    """撤销审核 of the task's report: a need its approval fulfilled is not done after
    all until the report is approved again (``fulfil_needs_of`` then fulfils it anew);
    meanwhile it is the task's to do again, as before the approval — 已认领 by its
    claimer, else 已转任务 — unless another approved week of its series did it."""
    _unfulfil_needs_of(task, actor, "need_fulfil_reopened")


def undo_needs_of(task: Task, actor: Member) -> None:
    """The task is voided (作废: the activity did not happen). A need whose fulfilment it
    was is done by another approved week of its series if there is one, else it was not
    done after all: it goes on with the series' next task not cancelled, or, with none,
    loses the task and is 已认领 again by its claimer, else 待认领. A need it was still
    to do is given back as for a cancellation."""
    _unfulfil_needs_of(task, actor, "need_fulfil_voided")
    give_back_needs_of(task, actor)


def void_need_places(task: Task, *, kept: bool = False):
    """Where a 作废 of ``task`` (``undo_needs_of``) moves the needs its approval
    fulfilled, foreseen before it is made, as the 月报 (and 年度总结) it changes: a select
    of (need ``id``, its title ``name``, ``unit_id``, ``community_id``, ``day``, ``own``)
    rows — ``own`` false where the community's own 月报, which counts every unit's needs
    of the community, is not changed. Each need

    - leaves the 本月完成 of its ``fulfilled_on``'s month, for the unit it counts for
      (``rollups.needs.need_unit``) and its community;
    - taken over by another approved week of the series (``taken_over_by``, the rule
      the 作废 moves it by), arrives in the 本月完成 of that week's approval day, for
      the unit it then counts for — a claimer's of that day, maybe another (review40fix
      #1a);
    - when the unit it counts for changes — a claimer's is read on the day of the
      fulfilment, or of the claim once it is to do again; one nobody claimed goes with
      its task (``handed_on_to``; none left: no unit) —, leaves its posted month's
      本月发布 (and the year's 全年发布) for the one unit and joins it for the other
      (review40fix #1b).

    And a need ``task`` was still to do — of a task not approved, voided or cancelled
    (取消任务) — given back (``give_back_needs_of``): when its unit changes (one nobody
    claimed, whose task was its unit), it leaves its posted month's 本月发布 for the
    one unit and joins it for the other, as above.

    ``kept``: foreseen for 撤销审核 instead, which moves the needs the approval fulfilled
    by the same rule (``_unfulfil_needs_of``) but leaves them with ``task``.

    No row when the task fulfilled no need and was to do none (a ``unit_id`` may be
    None: no unit's). Asked of every change that moves a task's needs, by
    ``need_move_refusal`` and ``need_move_signed``."""
    # where they go is asked inside this select, not before it: a page that asks it of
    # 作废 and of 撤销审核 (``voiding.uncount_signed``) runs no statement more for a
    # week of a series than for a task made alone (needwords41)
    if task.series_id is None:  # a task made alone is its own series: no other week
        done_by = arrives = None
        handed = task.id if kept else None
    else:
        done_by = _taken_over(task, Task.id).correlate(None).scalar_subquery()
        arrives = local_day(_taken_over(task, TaskReport.reviewed_at)
                            .correlate(None).scalar_subquery())
        # ``kept``: 撤销审核 (``reopen_needs_of``) — the task keeps the needs it does not
        # hand over, and gives none back
        handed = task.id if kept else _handed_on(task).correlate(None).scalar_subquery()
    before = need_unit()
    after = need_unit(fulfilled_on=literal(None, Date()) if arrives is None else arrives,
                      task_id=handed if done_by is None else func.coalesce(done_by, handed))

    def rows(unit, day, own: bool, *where):
        return select(Need.id.label("id"), Need.title.label("name"), unit.label("unit_id"),
                      Need.community_id.label("community_id"), day.label("day"),
                      literal(own, Boolean()).label("own")).where(
            Need.task_id == task.id, Need.status == NeedStatus.fulfilled, *where)

    moved = before.is_distinct_from(after)
    parts = [rows(before, Need.fulfilled_on, True),
             rows(before, Need.posted_on, False, moved),
             rows(after, Need.posted_on, False, moved)]
    if done_by is not None:  # when a week takes them over
        parts.append(rows(after, arrives, True, done_by.is_not(None)))
    # the needs it was still to do, given back (``give_back_needs_of``): one nobody
    # claimed goes with the series' next task, or with none is no unit's — its
    # 本月发布 leaves its unit's posted month (needseries41 Open); a claimed one stays
    given = need_unit(task_id=handed)
    still = before.is_distinct_from(given)
    for unit in (before, given) if not kept else ():
        parts.append(select(Need.id, Need.title, unit, Need.community_id, Need.posted_on,
                            literal(False, Boolean())).where(
            Need.task_id == task.id, Need.status.in_(LIVE_NEEDS), still))
    return union_all(*parts)


def need_move_refusal(task: Task, actor: Member, action, *, lock: bool = True,
                      needs=None):
    """Why ``actor`` may not make the change (``action``: 作废这次活动, 取消这个任务) that
    moves ``task``'s needs (``void_need_places``) in a 已定稿 month or year — a signed
    month's figures are changed by an admin only, whatever the change — or None. One
    rule for 作废 (``voiding.void_refusal``) and 取消任务 (``tasks.cancel_task``).
    ``needs``: ``need_move_plan``'s documents as read already, else read here."""
    if needs is None:
        needs = closed_need_units(actor, void_need_places(task), lock=lock)
    return units_closed_words(needs, action, needs=True) if needs else None


def need_move_plan(task: Task, actor: Member):
    """``need_move_refusal``'s read, unlocked, as a ``rollups.batch`` plan: read with a
    page's other reads (``voiding.void_refusal``, pages51)."""
    return closed_need_units_plan(actor, void_need_places(task))


def need_move_signed(actor: Member, task: Task):
    """For an admin, whom no 定稿 refuses: the 已定稿 月报 and 年度总结 a move of
    ``task``'s needs changes (``void_need_places``), as a ``summary_notes.Naming``
    (named before a 取消任务 as before a 作废); None for anyone else, or when none."""
    if not may_change_final(actor):
        return None
    places = void_need_places(task).subquery()
    return final_naming_places(select(literal(task.id).label("key"), places.c.unit_id,
                                      places.c.community_id, places.c.day, places.c.own)
                               .subquery()).get(task.id)
