"""Scope and periods: which work a figure is about, and the WHERE conditions that say so.

A ``Scope`` is a half-open range of local service dates (Asia/Shanghai, a plain
indexed column, so the SQL is the same on SQLite and PostgreSQL) and the unit,
communities, zone and category a page picks. ``scope_conditions`` is the one place
the rule is written; every figure module asks it for its table's conditions.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, literal_column

from ..models import (
    CountedParticipation,
    CountedTask,
    Finding,
    ReportStatus,
    ResourceItem,
    Task,
)
from ..timeutil import local_today


@dataclass(frozen=True)
class Scope:
    """Which tasks a figure is about. ``None`` means "no filter"."""

    date_from: date | None = None  # inclusive
    date_to: date | None = None  # exclusive
    unit_id: int | None = None
    community_ids: tuple[int, ...] | None = None
    zone_id: int | None = None
    category_id: int | None = None


def as_ids(community_ids: Sequence[int] | None) -> tuple[int, ...] | None:
    """A caller's list of community ids as a Scope holds it (``None``: all)."""
    return tuple(community_ids) if community_ids is not None else None


def scope_conditions(scope: Scope, *, date=None, unit=None, community=None, zone=None,
                     category=None) -> list:
    """WHERE conditions for a scope over one table's columns: the period as a
    half-open range of a local date, then unit, communities, zone, category. The one
    place the scope rules are written; a filter the table has no column for (a
    finding's category, a fund entry's zone, a checklist item's date) does not apply
    to it."""
    conditions = []
    if scope.date_from is not None and date is not None:
        conditions.append(date >= scope.date_from)
    if scope.date_to is not None and date is not None:
        conditions.append(date < scope.date_to)
    if scope.unit_id is not None and unit is not None:
        conditions.append(unit == scope.unit_id)
    if scope.community_ids is not None and community is not None:
        conditions.append(community.in_(scope.community_ids))
    if scope.zone_id is not None and zone is not None:
        conditions.append(zone == scope.zone_id)
    if scope.category_id is not None and category is not None:
        conditions.append(category == scope.category_id)
    return conditions


def _work_conditions(scope: Scope, model) -> list:
    # Task, CountedTask and CountedParticipation share the column names.
    return scope_conditions(scope, date=model.service_date, unit=model.unit_id,
                            community=model.community_id, zone=model.zone_id,
                            category=model.category_id)


def task_conditions(scope: Scope) -> list:
    """WHERE conditions on Task for a scope."""
    return _work_conditions(scope, Task)


def participation_conditions(scope: Scope) -> list:
    """WHERE conditions on CountedParticipation for a scope."""
    return _work_conditions(scope, CountedParticipation)


def counted_task_conditions(scope: Scope, counted=CountedTask) -> list:
    """WHERE conditions on CountedTask (or an alias of it, ``counted``) for a scope."""
    return _work_conditions(scope, counted)


def finding_conditions(scope: Scope) -> list:
    """WHERE conditions on Finding for a scope: the survey's date, unit, community,
    zone. A finding is counted in the period it was found, with its status on the
    period's last day (``findings.status_by``); the category filter does not apply
    (every finding comes from a survey)."""
    return [Finding.active.is_(True),
            *scope_conditions(scope, date=Finding.found_on, unit=Finding.unit_id,
                              community=Finding.community_id, zone=Finding.zone_id)]


def item_conditions(scope: Scope, year: int) -> list:
    """WHERE conditions on ResourceItem: the checklist items of ``year`` in the scope's
    unit, communities, zone and category (an item has a year, not a date). An item
    switched off (停用) still belongs to its year's checklist — its target and its work
    count there, whenever it was switched off: 停用 means "no new tasks from it", and a
    year's figures must not change because next January's admin tidies the list."""
    return [ResourceItem.year == year,
            *scope_conditions(scope, unit=ResourceItem.unit_id,
                              community=ResourceItem.community_id, zone=ResourceItem.zone_id,
                              category=ResourceItem.category_id)]


# Counted rows are marked with a constant, not an id: the covering indexes hold no
# ids, and PostgreSQL reads an index alone only when every column used is in it.
ONE = literal_column("1")


def if_approved(value, status=CountedTask.report_status):
    """``value`` for a row whose report is approved (official), else NULL."""
    return case((status == ReportStatus.approved, value))


def if_submitted(value, status=CountedTask.report_status):
    """``value`` for a row whose report is 待审核 (pending), else NULL."""
    return case((status == ReportStatus.submitted, value))


# --- periods ---------------------------------------------------------------------


def year_range(year: int) -> tuple[date, date]:
    """1 January of ``year`` and of the next year (half-open)."""
    return date(year, 1, 1), date(year + 1, 1, 1)


def year_of(scope: Scope) -> int:
    """The year a period belongs to: the year of its last day (today when unbounded)."""
    if scope.date_to is not None:
        return (scope.date_to - timedelta(days=1)).year
    return local_today().year


def months_between(date_from: date, date_to: date) -> list[tuple[int, int]]:
    """(year, month) of every month that overlaps the half-open range."""
    months = []
    y, m = date_from.year, date_from.month
    while date(y, m, 1) < date_to:
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def trend_window(date_from: date, date_to: date, months: int = 12) -> tuple[date, date]:
    """The whole months of a period, widened to at least ``months`` months ending
    with the period's last month (a month view still shows a year's trend)."""
    last = date_to - timedelta(days=1)
    end = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    y, m = end.year, end.month
    for _ in range(months):
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    start = min(date(y, m, 1), date(date_from.year, date_from.month, 1))
    return start, end
