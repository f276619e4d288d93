"""When the app was first used, and whether the year's work before then is recorded.

A bureau that starts using the app mid-year has done part of the year's work on
paper. Until that work is brought in (补录, one by one or from Excel), every line of
its checklist reads far behind the year's pace from the first day, with nothing to
say why. 社区共建进展 then points to 补录 (``earlier_work_missing``).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from ..models import CountedTask, ReportStatus, Task
from ..timeutil import local_date
from .batch import Plan, plan
from .scope import year_range


@dataclass(frozen=True)
class Start:
    """``started_on``: the local day the first task not 补录 was created in the
    communities (None: none yet); ``earliest``: the earliest date of their approved
    work in the year (None: none)."""

    started_on: date | None
    earliest: date | None


def earlier_work_missing(year: int, start: Start, today: date) -> bool:
    """Whether the year's work before the app was first used is not in it: the app
    started in ``year`` (on the day its first task was created; today when there is
    none yet), after 1 January, and no approved work is dated in the year before that
    day. A year the app was used from its first day, or a later year, has nothing
    to bring in."""
    started_on = start.started_on or today
    if started_on.year != year or started_on == date(year, 1, 1):
        return False
    return start.earliest is None or start.earliest >= started_on


def start_plan(year: int, community_ids: Sequence[int] | None = None) -> Plan:
    """``Start`` of the communities (None: all) for ``year``: one row, two look-ups.
    The first task by id is the first created (ids grow), read from the key's index
    instead of every task's creation time."""
    first_task = select(Task.created_at).where(Task.backfilled.is_(False))
    first_from, next_year = year_range(year)
    earliest = select(func.min(CountedTask.service_date)).where(
        CountedTask.report_status == ReportStatus.approved,
        CountedTask.service_date >= first_from, CountedTask.service_date < next_year)
    if community_ids is not None:
        first_task = first_task.where(Task.community_id.in_(community_ids))
        earliest = earliest.where(CountedTask.community_id.in_(community_ids))
    statement = select(first_task.order_by(Task.id).limit(1).scalar_subquery().label("started_at"),
                       earliest.scalar_subquery().label("earliest"))
    return plan(statement, shape=_start)


def _start(rows) -> Start:
    started_at, earliest = rows[0]
    return Start(local_date(started_at) if isinstance(started_at, datetime) else None, earliest)
