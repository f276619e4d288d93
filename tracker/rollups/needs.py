"""需求清单 / 微心愿 counts: posted, claimed, fulfilled, overdue — per community, per
checklist item, or in all.

The rule (one statement, ``GROUP BY`` in the database):

- **posted** (发布): needs posted in the period (their local ``posted_on`` date), in
  whatever state they are now;
- **fulfilled** (已完成): needs the liaison confirmed fulfilled in the period (their
  local ``fulfilled_on`` date), whenever they were posted; ``wishes_fulfilled`` is
  the 微心愿 among them — the 月报's "完成微心愿N个";
- **open** (待认领), **tasked** (已转任务), **claimed** (已认领待确认) and
  **overdue** (已逾期) are today's state, whatever the period: needs nobody holds,
  needs a task (or weekly series) does, needs held by a claimer and not yet
  confirmed, and needs still to be done whose wanted-by date is before ``today``.
  The first three are every need still to be done (``live``, 未完成), each in one of
  them; overdue ones are among them. With the fulfilled and closed needs of all time
  they make every need of the scope.

A need turned into a task is fulfilled when the task's report is approved, on that
day (services.task_needs). Closed needs (已关闭) count as posted only. The scope's
communities, zone and category apply; a unit's needs (a unit's 月报) are those whose
unit (``need_unit``) it is: those claimed for it (以单位名义认领), those its members
claimed alone while in it, and those nobody claimed that were turned into one of its
tasks.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..models import LIVE_NEEDS, Member, Need, NeedKind, NeedStatus, RollPeriod, Task
from .batch import Plan, plan
from .stays import unit_then
from .scope import Scope, scope_conditions


@dataclass(frozen=True)
class NeedCounts:
    posted: int = 0
    claimed: int = 0
    fulfilled: int = 0
    overdue: int = 0
    wishes_fulfilled: int = 0
    open: int = 0
    tasked: int = 0

    @property
    def live(self) -> int:
        """未完成: still to be done today (待认领 + 已转任务 + 已认领待确认)."""
        return self.open + self.tasked + self.claimed

    def __bool__(self) -> bool:
        return any((self.posted, self.fulfilled, self.live))


class local_day(FunctionElement):  # noqa: N801 — used like a SQL function
    """The Beijing date of a UTC instant as stored (naive UTC): China keeps UTC+8 all
    year, so it is the date eight hours later (``timeutil.local_date`` in SQL)."""

    type = Date()
    inherit_cache = True
    name = "local_day"


@compiles(local_day)
def _local_day_postgresql(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)} + INTERVAL '8 hours') AS DATE)"


@compiles(local_day, "sqlite")
def _local_day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


_AS_IT_IS = object()  # ``need_unit``'s and ``claim_day``'s default: the need's own column


def claim_day(fulfilled_on=_AS_IT_IS):
    """SQL: the day that decides whose a need claimed by a member alone is: the day it
    was fulfilled, or — not yet — the day it was claimed (its Beijing date; the day it
    was posted for a claim of no recorded time). Never today: a member moved today (or
    after the claim) leaves the months before where they were. ``fulfilled_on``: the
    day it would be fulfilled on after a change (None: not fulfilled any more) — whose
    it becomes, asked before the change is made (``task_needs.void_need_places``)."""
    if fulfilled_on is _AS_IT_IS:
        fulfilled_on = Need.fulfilled_on
    return func.coalesce(fulfilled_on, local_day(Need.claimed_at), Need.posted_on)


def need_unit(*, fulfilled_on=_AS_IT_IS, task_id=_AS_IT_IS):
    """SQL: the unit a need counts for — a unit's 月报 and 年度总结 (附表 需求清单和微心愿,
    完成微心愿), its 进展, and the communities its month touches. One rule:

    - claimed for a unit (以单位名义认领, ``claimed_unit_id``, what the need's page names
      as 认领人): that unit, wherever its contact moves;
    - claimed by a member alone: the unit of the member's stay on ``claim_day``
      (``stays.unit_then``);
    - claimed by nobody and turned into a task: the task's unit;
    - else none.

    ``fulfilled_on`` and ``task_id`` (values or SQL): the need's after a change not yet
    made — the unit it will count for, by the same rule (a 作废 asks it of the needs it
    moves, ``task_needs.void_need_places``)."""
    if task_id is _AS_IT_IS:
        task_id = Need.task_id
    return case(
        (Need.claimed_unit_id.is_not(None), Need.claimed_unit_id),
        (Need.claimed_by_id.is_not(None), unit_then(Need.claimed_by_id,
                                                    claim_day(fulfilled_on))),
        else_=select(Task.unit_id).where(Task.id == task_id)
        .correlate_except(Task).scalar_subquery())


def counts_for(unit_id):
    """SQL: the needs that count for ``unit_id`` (``need_unit() == unit_id``). The CASE
    reads each need's claimer's stay through correlated lookups no index serves, so it
    is asked only of the needs that can count for the unit — claimed for it, claimed by
    someone ever on its roll or in it now, or turned into one of its tasks — not of
    every need of the county (bench39: a unit's counts over 36,000 needs 21 → 9 ms)."""
    may_count = or_(
        Need.claimed_unit_id == unit_id,
        Need.claimed_by_id.in_(select(RollPeriod.member_id).where(RollPeriod.unit_id == unit_id)
                               .union(select(Member.id).where(Member.unit_id == unit_id))),
        Need.task_id.in_(select(Task.id).where(Task.unit_id == unit_id)))
    return and_(may_count, need_unit() == unit_id)


def _in_period(column, scope: Scope):
    conditions = scope_conditions(scope, date=column)
    return and_(column.is_not(None), *conditions)


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def need_counts_plan(scope: Scope, today: date, *, per: str | None = None) -> Plan:
    """The counts of the scope's needs: one ``NeedCounts`` in all (``per=None``), or a
    dict of them by ``"community"`` id or checklist ``"item"`` id (needs linked to no
    item are left out of the latter)."""
    posted = _in_period(Need.posted_on, scope)
    fulfilled = and_(Need.status == NeedStatus.fulfilled, _in_period(Need.fulfilled_on, scope))
    columns = [
        _count(posted),
        _count(Need.status == NeedStatus.claimed),
        _count(fulfilled),
        _count(and_(Need.status.in_(LIVE_NEEDS), Need.wanted_by < today)),
        _count(and_(fulfilled, Need.kind == NeedKind.wish)),
        _count(Need.status == NeedStatus.open),
        _count(Need.status == NeedStatus.tasked),
    ]
    where = scope_conditions(scope, community=Need.community_id, zone=Need.zone_id,
                             category=Need.category_id)
    if scope.unit_id is not None:
        where.append(counts_for(scope.unit_id))
    key = {None: None, "community": Need.community_id, "item": Need.resource_item_id}[per]
    if key is None:
        return plan(select(*columns).where(*where),
                    shape=lambda rows: NeedCounts(*(int(v) for v in rows[0])))
    return plan(select(key, *columns).where(*where, key.is_not(None)).group_by(key),
                shape=_per_key)


def _per_key(rows) -> dict:
    counts = {row[0]: NeedCounts(*(int(v) for v in row[1:])) for row in rows}
    return {k: c for k, c in counts.items() if c}
