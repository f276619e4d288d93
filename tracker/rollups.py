"""Every figure the app shows, as SQL aggregates. One module, one source of truth.

Official figures count approved reports only (DESIGN.md invariant 2):
- activities, quantity (完成数量) and people served (受益人数) come from approved
  TaskReports — one row per task, so a group's result is counted once;
- 人次, distinct members and hours come from the ``done`` participations of tasks
  whose report is approved.
Pending (待审核) figures are computed by the same functions with ``status=submitted``
and shown apart. Periods are half-open ranges of the local service date
(Asia/Shanghai), a plain indexed column, so the SQL is identical on SQLite and PostgreSQL.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import distinct, func, select

from .extensions import db
from .models import (
    Assignment,
    AssignmentStatus,
    FundBudget,
    FundEntry,
    ReportStatus,
    Task,
    TaskReport,
)


@dataclass(frozen=True)
class Scope:
    """Which tasks a figure is about. ``None`` means "no filter"."""

    date_from: date | None = None  # inclusive
    date_to: date | None = None  # exclusive
    unit_id: int | None = None
    community_ids: tuple[int, ...] | None = None
    zone_id: int | None = None
    category_id: int | None = None


@dataclass(frozen=True)
class Totals:
    activities: int = 0
    quantity: int = 0
    people_served: int = 0
    person_times: int = 0  # 人次
    members: int = 0  # distinct members
    minutes: int = 0


def task_conditions(scope: Scope) -> list:
    """WHERE conditions on Task for a scope (shared by every rollup)."""
    conditions = []
    if scope.date_from is not None:
        conditions.append(Task.service_date >= scope.date_from)
    if scope.date_to is not None:
        conditions.append(Task.service_date < scope.date_to)
    if scope.unit_id is not None:
        conditions.append(Task.unit_id == scope.unit_id)
    if scope.community_ids is not None:
        conditions.append(Task.community_id.in_(scope.community_ids))
    if scope.zone_id is not None:
        conditions.append(Task.zone_id == scope.zone_id)
    if scope.category_id is not None:
        conditions.append(Task.category_id == scope.category_id)
    return conditions


def totals(scope: Scope, status: ReportStatus = ReportStatus.approved) -> Totals:
    """Activities, results and participation for tasks whose report has ``status``."""
    reports = db.session.execute(
        select(
            func.count(TaskReport.id),
            func.coalesce(func.sum(TaskReport.quantity), 0),
            func.coalesce(func.sum(TaskReport.people_served), 0),
        )
        .join(Task, Task.id == TaskReport.task_id)
        .where(TaskReport.status == status, *task_conditions(scope))
    ).one()
    people = db.session.execute(
        select(
            func.count(Assignment.id),
            func.count(distinct(Assignment.member_id)),
            func.coalesce(func.sum(Assignment.minutes), 0),
        )
        .join(Task, Task.id == Assignment.task_id)
        .join(TaskReport, TaskReport.task_id == Task.id)
        .where(
            TaskReport.status == status,
            Assignment.status == AssignmentStatus.done,
            *task_conditions(scope),
        )
    ).one()
    return Totals(int(reports[0]), int(reports[1]), int(reports[2]),
                  int(people[0]), int(people[1]), int(people[2]))


def member_totals(member_id: int, date_from: date, date_to: date) -> tuple[int, int]:
    """A member's own official activities and minutes in a period."""
    row = db.session.execute(
        select(func.count(Assignment.id), func.coalesce(func.sum(Assignment.minutes), 0))
        .join(Task, Task.id == Assignment.task_id)
        .join(TaskReport, TaskReport.task_id == Task.id)
        .where(
            Assignment.member_id == member_id,
            Assignment.status == AssignmentStatus.done,
            TaskReport.status == ReportStatus.approved,
            Task.service_date >= date_from,
            Task.service_date < date_to,
        )
    ).one()
    return int(row[0]), int(row[1])


@dataclass(frozen=True)
class FundFigures:
    spent_fen: int  # in the scope's period
    year_to_date_fen: int  # from 1 January of the period's year to the period's end
    budget_fen: int  # the year's budget (0 when none is set)


def fund_figures(scope: Scope, year: int) -> FundFigures:
    """Funds spent in the scope's period, year to date, and the year's budget.

    Reversing entries are negative, so plain sums are already net of corrections.
    """
    def where(entry_from, entry_to):
        conditions = []
        if entry_from is not None:
            conditions.append(FundEntry.entry_date >= entry_from)
        if entry_to is not None:
            conditions.append(FundEntry.entry_date < entry_to)
        if scope.unit_id is not None:
            conditions.append(FundEntry.unit_id == scope.unit_id)
        if scope.community_ids is not None:
            conditions.append(FundEntry.community_id.in_(scope.community_ids))
        return conditions

    year_start = date(year, 1, 1)
    year_end = scope.date_to or date(year + 1, 1, 1)
    spent, ytd = db.session.execute(
        select(
            func.coalesce(func.sum(FundEntry.amount_fen).filter(*where(scope.date_from, scope.date_to)), 0),
            func.coalesce(func.sum(FundEntry.amount_fen).filter(*where(year_start, year_end)), 0),
        ).where(*where(None, None))
    ).one()
    budget_conditions = [FundBudget.year == year]
    if scope.unit_id is not None:
        budget_conditions.append(FundBudget.unit_id == scope.unit_id)
    if scope.community_ids is not None:
        budget_conditions.append(FundBudget.community_id.in_(scope.community_ids))
    budget = db.session.scalar(
        select(func.coalesce(func.sum(FundBudget.amount_fen), 0)).where(*budget_conditions)
    )
    return FundFigures(int(spent), int(ytd), int(budget))
