"""Every figure the app shows, as SQL aggregates. One module, one source of truth.

Official figures count approved reports only (DESIGN.md invariant 2):
- activities, quantity (完成数量) and people served (受益人数) come from approved
  TaskReports — one row per task, so a group's result is counted once;
- 人次, distinct members and hours come from the ``done`` participations of tasks
  whose report is approved.
The figures are read from two derived tables kept by ``tracker/participation.py``:
``CountedTask`` (one row per reported task: the report's status and figures, the
task's date and dimensions, its 人次 and minutes) for everything that adds up, and
``CountedParticipation`` (one row per done participation of a reported task) for
distinct members and a member's own figures — each an index range instead of a
join per task and per participation.
Pending (待审核) figures are computed by the same functions with ``status=submitted``
and shown apart. Periods are half-open ranges of the local service date
(Asia/Shanghai), a plain indexed column, so the SQL is identical on SQLite and PostgreSQL.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import (
    and_,
    case,
    distinct,
    exists,
    extract,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
)

from .extensions import db
from .models import (
    OPEN_FINDING,
    Category,
    Community,
    CountedParticipation,
    CountedTask,
    Finding,
    FindingKind,
    FindingStatus,
    FundBudget,
    FundEntry,
    Member,
    ReportStatus,
    ResourceItem,
    Section,
    Task,
    TaskReport,
    TaskStatus,
    Unit,
    Zone,
)
from .timeutil import LOCAL_TZ, local_today, utcnow


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


def scope_conditions(scope: Scope, *, date, unit, community, zone=None, category=None) -> list:
    """WHERE conditions for a scope over one table's columns: the period as a
    half-open range of a local date, then unit, communities, zone, category. The one
    place the scope rules are written; a filter the table has no column for (a
    finding's category, a fund entry's zone) does not apply to it."""
    conditions = []
    if scope.date_from is not None:
        conditions.append(date >= scope.date_from)
    if scope.date_to is not None:
        conditions.append(date < scope.date_to)
    if scope.unit_id is not None:
        conditions.append(unit == scope.unit_id)
    if scope.community_ids is not None:
        conditions.append(community.in_(scope.community_ids))
    if scope.zone_id is not None and zone is not None:
        conditions.append(zone == scope.zone_id)
    if scope.category_id is not None and category is not None:
        conditions.append(category == scope.category_id)
    return conditions


def _work_conditions(scope: Scope, model) -> list:
    # Task and CountedParticipation share the column names.
    return scope_conditions(scope, date=model.service_date, unit=model.unit_id,
                            community=model.community_id, zone=model.zone_id,
                            category=model.category_id)


def task_conditions(scope: Scope) -> list:
    """WHERE conditions on Task for a scope."""
    return _work_conditions(scope, Task)


def participation_conditions(scope: Scope) -> list:
    """WHERE conditions on CountedParticipation for a scope."""
    return _work_conditions(scope, CountedParticipation)


def counted_task_conditions(scope: Scope) -> list:
    """WHERE conditions on CountedTask for a scope."""
    return _work_conditions(scope, CountedTask)


def totals(scope: Scope, status: ReportStatus = ReportStatus.approved) -> Totals:
    """Activities, results and participation for tasks whose report has ``status``."""
    activities, quantity, people, person_times, minutes = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(CountedTask.quantity), 0),
            func.coalesce(func.sum(CountedTask.people_served), 0),
            func.coalesce(func.sum(CountedTask.person_times), 0),
            func.coalesce(func.sum(CountedTask.minutes), 0),
        )
        .where(CountedTask.report_status == status, *counted_task_conditions(scope))
    ).one()
    members = db.session.scalar(
        select(func.count(distinct(CountedParticipation.member_id)))
        .where(CountedParticipation.report_status == status, *participation_conditions(scope))
    )
    return Totals(int(activities), int(quantity), int(people), int(person_times), int(members),
                  int(minutes))


def member_totals(member_id: int, date_from: date, date_to: date) -> tuple[int, int]:
    """A member's own official activities and minutes in a period."""
    row = db.session.execute(
        select(func.count(), func.coalesce(func.sum(CountedParticipation.minutes), 0))
        .where(
            CountedParticipation.member_id == member_id,
            CountedParticipation.report_status == ReportStatus.approved,
            CountedParticipation.service_date >= date_from,
            CountedParticipation.service_date < date_to,
        )
    ).one()
    return int(row[0]), int(row[1])


@dataclass(frozen=True)
class FundFigures:
    spent_fen: int  # in the scope's period
    year_to_date_fen: int  # from 1 January of the period's year to the period's end
    budget_fen: int  # the year's budget (0 when none is set)

    @property
    def remaining_fen(self) -> int:
        return self.budget_fen - self.year_to_date_fen

    @property
    def over_budget(self) -> bool:
        return self.budget_fen > 0 and self.year_to_date_fen > self.budget_fen


def fund_figures(scope: Scope, year: int) -> FundFigures:
    """Funds spent in the scope's period, year to date, and the year's budget.

    Reversing entries are negative, so plain sums are already net of corrections.
    """
    def where(entry_from, entry_to):
        return scope_conditions(replace(scope, date_from=entry_from, date_to=entry_to),
                                date=FundEntry.entry_date, unit=FundEntry.unit_id,
                                community=FundEntry.community_id)

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


# ---------------------------------------------------------------------------
# Official and pending side by side, grouped (issue #3: progress views).
#
# Each helper below runs ONE statement whatever the data size: the official
# (approved) and pending (submitted, 待审核) figures come out of the same GROUP BY
# through CASE expressions, so the two can never be computed differently.
# Returned reports are neither: they are back with the leader for correction (and
# have no counted rows).
# ---------------------------------------------------------------------------

DOUBLE_CODES = ("ad_removal", "stairwell_painting", "facility_survey")
FUNDING_CODE = "cobuild_funding"


@dataclass(frozen=True)
class Figures:
    """The same totals for approved reports (official) and submitted ones (待审核)."""

    official: Totals = Totals()
    pending: Totals = Totals()


# CountedParticipation rows are marked with a constant, not an id: the covering indexes hold no
# ids, and PostgreSQL reads an index alone only when every column used is in it.
ONE = literal_column("1")


def _approved(value, status=CountedTask.report_status):
    return case((status == ReportStatus.approved, value))


def _submitted(value, status=CountedTask.report_status):
    return case((status == ReportStatus.submitted, value))


def _no_group(_model) -> tuple:
    return ()


def _by_category(model) -> tuple:
    return (model.category_id,)


def _by_month(model) -> tuple:
    return extract("year", model.service_date), extract("month", model.service_date)


def _grouped(query, group) -> dict:
    if group:
        query = query.group_by(*group)
    n = len(group)
    return {tuple(_key(v) for v in row[:n]): tuple(int(v) for v in row[n:])
            for row in db.session.execute(query)}


def _task_rows(scope: Scope, by=_no_group, extra=_no_group) -> dict:
    """{group key: (activities, quantity, people served, 人次, minutes) official, then
    the same pending} from CountedTask (one statement).

    ``by(model)`` gives the GROUP BY columns and ``extra(model)`` more WHERE
    conditions, written against the task's column names, which CountedTask and
    CountedParticipation share."""
    group = by(CountedTask)
    sums = (CountedTask.quantity, CountedTask.people_served, CountedTask.person_times,
            CountedTask.minutes)
    query = select(
        *group,
        func.count(_approved(ONE)),
        *(func.coalesce(func.sum(_approved(column)), 0) for column in sums),
        func.count(_submitted(ONE)),
        *(func.coalesce(func.sum(_submitted(column)), 0) for column in sums),
    ).where(*counted_task_conditions(scope), *extra(CountedTask))
    return _grouped(query, group)


def _member_rows(scope: Scope, by=_no_group, extra=_no_group) -> dict:
    """{group key: (distinct members official, distinct members pending)} from
    CountedParticipation (one statement; the one figure that does not add up)."""
    group = by(CountedParticipation)
    status = CountedParticipation.report_status
    query = select(
        *group,
        func.count(distinct(_approved(CountedParticipation.member_id, status))),
        func.count(distinct(_submitted(CountedParticipation.member_id, status))),
    ).where(*participation_conditions(scope), *extra(CountedParticipation))
    return _grouped(query, group)


def _key(value):
    # PostgreSQL's EXTRACT returns numeric; make month keys plain ints on both databases.
    return int(value) if value is not None and not isinstance(value, (int, str)) else value


def _figures(tasks: tuple | None, members: tuple | None) -> Figures:
    t = tasks or (0,) * 10
    m = members or (0, 0)
    return Figures(
        official=Totals(t[0], t[1], t[2], t[3], m[0], t[4]),
        pending=Totals(t[5], t[6], t[7], t[8], m[1], t[9]),
    )


def _merge(tasks: dict, members: dict) -> dict:
    return {key: _figures(tasks.get(key), members.get(key)) for key in tasks.keys() | members.keys()}


def figures(scope: Scope) -> Figures:
    """Official and pending totals for a scope (two statements)."""
    return _merge(_task_rows(scope), _member_rows(scope)).get((), Figures())


@dataclass(frozen=True)
class CategoryFigures:
    category_id: int
    code: str
    name: str
    measure: str
    section: Section
    official: Totals
    pending: Totals


def categories() -> list[Category]:
    """All categories in display order (one statement)."""
    return list(db.session.scalars(select(Category).order_by(Category.sort_order, Category.id)))


def figures_by_category(scope: Scope, *, include_empty: bool = True) -> list[CategoryFigures]:
    """Official and pending totals per category, in category order (three statements).

    Categories without any figure are listed with zeros when ``include_empty`` (and
    when active), so a page always shows the same rows.
    """
    merged = _merge(_task_rows(scope, _by_category), _member_rows(scope, _by_category))
    rows = []
    for cat in categories():
        figs = merged.get((cat.id,))
        if figs is None and not (include_empty and cat.active):
            continue
        figs = figs or Figures()
        rows.append(CategoryFigures(cat.id, cat.code, cat.name, cat.measure, cat.section,
                                    figs.official, figs.pending))
    return rows


@dataclass(frozen=True)
class MonthFigures:
    year: int
    month: int
    official: Totals
    pending: Totals

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)


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


def figures_by_month(scope: Scope) -> list[MonthFigures]:
    """Official and pending totals per local month of ``Task.service_date``, every
    month of the scope listed (zeros included). The scope needs both dates."""
    if scope.date_from is None or scope.date_to is None:
        raise ValueError("figures_by_month needs a bounded period")
    merged = _merge(_task_rows(scope, _by_month), _member_rows(scope, _by_month))
    return [
        MonthFigures(y, m, *(lambda f: (f.official, f.pending))(merged.get((y, m), Figures())))
        for y, m in months_between(scope.date_from, scope.date_to)
    ]


@dataclass(frozen=True)
class MonthTrend:
    """One month of the trend chart: additive figures only (no distinct members,
    which would need a second pass over the participations)."""

    year: int
    month: int
    activities: int
    person_times: int
    minutes: int
    pending_activities: int
    pending_person_times: int

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)


def trend(scope: Scope) -> list[MonthTrend]:
    """Activities, 人次 and minutes per local month, official and pending, every month
    of the (bounded) scope listed. One statement, no COUNT(DISTINCT): the cheap form
    of ``figures_by_month`` for a chart over many months."""
    if scope.date_from is None or scope.date_to is None:
        raise ValueError("trend needs a bounded period")
    # Grouped by day first (rows arrive in service-date order from the index, so no
    # sort), then the few hundred days by month: far cheaper than grouping every
    # row by a month expression.
    daily = (
        select(CountedTask.service_date.label("day"),
               func.count(_approved(ONE)).label("a"),
               func.sum(_approved(CountedTask.person_times)).label("pt"),
               func.sum(_approved(CountedTask.minutes)).label("minutes"),
               func.count(_submitted(ONE)).label("pa"),
               func.sum(_submitted(CountedTask.person_times)).label("ppt"))
        .where(*counted_task_conditions(scope))
        .group_by(CountedTask.service_date)
        .subquery()
    )
    year, month = extract("year", daily.c.day), extract("month", daily.c.day)
    rows = db.session.execute(
        select(year, month, *(func.coalesce(func.sum(c), 0)
                              for c in (daily.c.a, daily.c.pt, daily.c.minutes, daily.c.pa,
                                        daily.c.ppt)))
        .group_by(year, month)
    )
    months = {(_key(y), _key(m)): tuple(int(v) for v in values) for y, m, *values in rows}
    return [MonthTrend(y, m, *months.get((y, m), (0,) * 5))
            for y, m in months_between(scope.date_from, scope.date_to)]


def year_of(scope: Scope) -> int:
    """The year a period belongs to: the year of its last day (today when unbounded)."""
    if scope.date_to is not None:
        return (scope.date_to - timedelta(days=1)).year
    return local_today().year


# --- Resource checklist progress -------------------------------------------------


class _TargetProgress:
    """What a yearly target and the amount done so far say, for items and categories."""

    @property
    def is_funds(self) -> bool:
        return self.category_code == FUNDING_CODE

    @property
    def percent(self) -> int:
        """Whole percent of the target reached (capped at 100 for the bar)."""
        if self.target <= 0:
            return 0
        return min(100, self.done * 100 // self.target)


@dataclass(frozen=True)
class ItemProgress(_TargetProgress):
    item_id: int
    year: int
    unit_name: str
    community_id: int
    community_name: str
    zone_name: str | None
    category_code: str
    category_name: str
    measure: str
    target: int
    done: int  # in the category's measure; for funds: whole yuan spent in the year
    pending: int  # quantity of submitted reports (always 0 for funds)
    done_fen: int | None = None  # funds only: exact amount spent in the year


def resource_progress(year: int, community_ids: Sequence[int] | None = None,
                      unit_id: int | None = None) -> list[ItemProgress]:
    """Each active resource item of ``year``: yearly target and what is done so far.

    done = approved quantity of the item's tasks with a service date in that year;
    for 共建活动经费 items, the funds spent in that year by the item's unit in its
    community (FundEntry ledger, net of reversals — the figure ``fund_figures``
    gives), in whole yuan. Two statements.
    """
    year_from, year_to = date(year, 1, 1), date(year + 1, 1, 1)
    done = (
        select(
            CountedTask.resource_item_id.label("item_id"),
            func.coalesce(func.sum(_approved(CountedTask.quantity)), 0).label("done"),
            func.coalesce(func.sum(_submitted(CountedTask.quantity)), 0).label("pending"),
        )
        .where(*counted_task_conditions(Scope(
            year_from, year_to, unit_id,
            tuple(community_ids) if community_ids is not None else None)))
        .group_by(CountedTask.resource_item_id)
        .subquery()
    )
    conditions = [ResourceItem.year == year, ResourceItem.active.is_(True)]
    if community_ids is not None:
        conditions.append(ResourceItem.community_id.in_(community_ids))
    if unit_id is not None:
        conditions.append(ResourceItem.unit_id == unit_id)
    rows = db.session.execute(
        select(
            ResourceItem.id, ResourceItem.year, ResourceItem.unit_id, Unit.name,
            ResourceItem.community_id, Community.name, Zone.name,
            Category.code, Category.name, Category.measure, ResourceItem.target,
            func.coalesce(done.c.done, 0), func.coalesce(done.c.pending, 0),
        )
        .join(Unit, Unit.id == ResourceItem.unit_id)
        .join(Community, Community.id == ResourceItem.community_id)
        .join(Category, Category.id == ResourceItem.category_id)
        .outerjoin(Zone, Zone.id == ResourceItem.zone_id)
        .outerjoin(done, done.c.item_id == ResourceItem.id)
        .where(*conditions)
        .order_by(Community.name, Category.sort_order, Zone.name, Unit.name, ResourceItem.id)
    ).all()
    funds = {}
    if any(row[7] == FUNDING_CODE for row in rows):
        funds = funds_by_unit_community(year_from, year_to, community_ids, unit_id)
    result = []
    for (item_id, item_year, item_unit, unit_name, com_id, com_name, zone_name, code,
         cat_name, measure, target, item_done, item_pending) in rows:
        if code == FUNDING_CODE:
            fen = funds.get((item_unit, com_id), 0)
            result.append(ItemProgress(item_id, item_year, unit_name, com_id, com_name, zone_name,
                                       code, cat_name, measure, int(target), fen // 100, 0, fen))
        else:
            result.append(ItemProgress(item_id, item_year, unit_name, com_id, com_name, zone_name,
                                       code, cat_name, measure, int(target), int(item_done),
                                       int(item_pending)))
    return result


@dataclass(frozen=True)
class CategoryProgress(_TargetProgress):
    """The resource items of one category added up (several communities at once)."""

    category_code: str
    category_name: str
    measure: str
    items: int
    target: int
    done: int
    pending: int
    done_fen: int | None = None


def resource_progress_by_category(year: int, community_ids: Sequence[int] | None = None,
                                  unit_id: int | None = None) -> list[CategoryProgress]:
    """``resource_progress`` added up per category, in the database (three statements):
    the sum of targets, of what the items' tasks achieved in the year, and, for
    共建活动经费, of the funds spent by the (unit, community) pairs holding such an item."""
    year_from, year_to = date(year, 1, 1), date(year + 1, 1, 1)
    item_conds = [ResourceItem.year == year, ResourceItem.active.is_(True)]
    if community_ids is not None:
        item_conds.append(ResourceItem.community_id.in_(community_ids))
    if unit_id is not None:
        item_conds.append(ResourceItem.unit_id == unit_id)
    targets = db.session.execute(
        select(Category.id, Category.code, Category.name, Category.measure,
               func.count(ResourceItem.id), func.coalesce(func.sum(ResourceItem.target), 0))
        .join(ResourceItem, ResourceItem.category_id == Category.id)
        .where(*item_conds)
        .group_by(Category.id, Category.code, Category.name, Category.measure,
                  Category.sort_order)
        .order_by(Category.sort_order, Category.id)
    ).all()
    done = {
        cat_id: (int(d), int(p)) for cat_id, d, p in db.session.execute(
            select(ResourceItem.category_id,
                   func.coalesce(func.sum(_approved(CountedTask.quantity)), 0),
                   func.coalesce(func.sum(_submitted(CountedTask.quantity)), 0))
            .select_from(CountedTask)
            .join(ResourceItem, ResourceItem.id == CountedTask.resource_item_id)
            .where(CountedTask.service_date >= year_from, CountedTask.service_date < year_to,
                   *item_conds)
            .group_by(ResourceItem.category_id)
        )
    }
    fund_fen = 0
    if any(code == FUNDING_CODE for _i, code, *_rest in targets):
        fund_fen = int(db.session.scalar(
            select(func.coalesce(func.sum(FundEntry.amount_fen), 0)).where(
                FundEntry.entry_date >= year_from,
                FundEntry.entry_date < year_to,
                exists(
                    select(ResourceItem.id)
                    .join(Category, Category.id == ResourceItem.category_id)
                    .where(ResourceItem.unit_id == FundEntry.unit_id,
                           ResourceItem.community_id == FundEntry.community_id,
                           Category.code == FUNDING_CODE, *item_conds)
                ),
            )
        ))
    result = []
    for cat_id, code, name, measure, items, target in targets:
        if code == FUNDING_CODE:
            result.append(CategoryProgress(code, name, measure, int(items), int(target),
                                           fund_fen // 100, 0, fund_fen))
        else:
            d, p = done.get(cat_id, (0, 0))
            result.append(CategoryProgress(code, name, measure, int(items), int(target), d, p))
    return result


def funds_by_unit_community(date_from: date, date_to: date,
                            community_ids: Sequence[int] | None = None,
                            unit_id: int | None = None) -> dict[tuple[int, int], int]:
    """Funds spent (fen, net of reversals) per (unit, community) in a period: the
    grouped form of ``fund_figures(...).spent_fen`` (one statement)."""
    conditions = [FundEntry.entry_date >= date_from, FundEntry.entry_date < date_to]
    if community_ids is not None:
        conditions.append(FundEntry.community_id.in_(community_ids))
    if unit_id is not None:
        conditions.append(FundEntry.unit_id == unit_id)
    rows = db.session.execute(
        select(FundEntry.unit_id, FundEntry.community_id, func.sum(FundEntry.amount_fen))
        .where(*conditions)
        .group_by(FundEntry.unit_id, FundEntry.community_id)
    )
    return {(u, c): int(total) for u, c, total in rows}


# --- Findings (摸排问题) -----------------------------------------------------------


def finding_conditions(scope: Scope) -> list:
    """WHERE conditions on Finding for a scope: the survey's date, unit, community,
    zone. A finding is counted from the day it was found, with its status today;
    the category filter does not apply (every finding comes from a survey)."""
    return [Finding.active.is_(True),
            *scope_conditions(scope, date=Finding.found_on, unit=Finding.unit_id,
                              community=Finding.community_id, zone=Finding.zone_id)]


@dataclass(frozen=True)
class FindingCounts:
    """Findings found in a period, by kind and by status today.

    ``handed_over`` counts every finding that has been handed over, including
    those since fixed (已移交); ``fixed`` those fixed (已整改); ``open`` = not fixed.
    """

    total: int = 0
    by_kind: dict = None  # FindingKind -> int (every kind present, zeros included)
    by_status: dict = None  # FindingStatus -> int

    @property
    def handed_over(self) -> int:
        return self.by_status[FindingStatus.handed_over] + self.by_status[FindingStatus.fixed]

    @property
    def fixed(self) -> int:
        return self.by_status[FindingStatus.fixed]

    @property
    def open(self) -> int:
        return self.total - self.fixed


def findings_counts(scope: Scope) -> FindingCounts:
    """Counts of active findings by kind and status (one statement)."""
    by_kind = {kind: 0 for kind in FindingKind}
    by_status = {status: 0 for status in FindingStatus}
    total = 0
    rows = db.session.execute(
        select(Finding.kind, Finding.status, func.count(Finding.id))
        .where(*finding_conditions(scope))
        .group_by(Finding.kind, Finding.status)
    )
    for kind, status, count in rows:
        by_kind[kind] += count
        by_status[status] += count
        total += count
    return FindingCounts(total, by_kind, by_status)


# --- "双创" progress by zone (or by community) -------------------------------------


@dataclass
class DoubleRow:
    """One zone (or community) of the "双创" view. Period figures are official
    unless named pending; ``*_year`` is the year to date up to the period's end."""

    key: int | None
    name: str
    community_name: str = ""
    ads: int = 0
    ads_pending: int = 0
    ads_year: int = 0
    ads_target: int = 0
    stairs: int = 0
    stairs_pending: int = 0
    stairs_year: int = 0
    stairs_target: int = 0
    found: int = 0
    handed_over: int = 0
    fixed: int = 0
    found_year: int = 0
    survey_target: int = 0
    activities: int = 0
    person_times: int = 0
    members: int = 0
    minutes: int = 0
    pending_person_times: int = 0

    @staticmethod
    def percent(done: int, target: int) -> int:
        return 0 if target <= 0 else min(100, done * 100 // target)


@dataclass(frozen=True)
class DoubleView:
    by: str  # "zone" or "community"
    year: int
    rows: list
    total: DoubleRow


def double_progress(scope: Scope, by: str = "zone") -> DoubleView:
    """"双创" figures per responsibility zone (``by="zone"``) or per community.

    In the period: ads cleared (牛皮癣清除, 处) and stairwells painted (楼道粉刷, 个)
    from approved reports, with pending apart; findings found / handed over / fixed;
    participation (人次, distinct members, hours) in the "双创" categories. Against
    the zone's targets: the resource items of those categories of the period's
    year, and the year to date up to the period's end. Seven statements.

    Every zone (community) in the scope is listed, zeros included; work recorded
    without a zone is listed under ``key=None``. The distinct members of the total
    row are counted across rows (one member in two zones counts once).
    """
    if by not in ("zone", "community"):
        raise ValueError(by)
    year = year_of(scope)
    year_from = date(year, 1, 1)
    wide_from = min(year_from, scope.date_from) if scope.date_from else None
    cats = {c.code: c.id for c in db.session.scalars(
        select(Category).where(Category.code.in_(DOUBLE_CODES)))}
    double_ids = tuple(cats.values())
    ad_id, stair_id, survey_id = (cats.get(code) for code in DOUBLE_CODES)

    dim = "zone_id" if by == "zone" else "community_id"
    group = getattr(CountedTask, dim)
    base = Scope(scope.date_from, scope.date_to, scope.unit_id, scope.community_ids,
                 scope.zone_id, None)
    wide = Scope(wide_from, scope.date_to, scope.unit_id, scope.community_ids, scope.zone_id, None)

    def in_period(col):
        conds = []
        if scope.date_from is not None:
            conds.append(col >= scope.date_from)
        return and_(*conds) if conds else true()

    # 1. Quantities and participation per group and category: period official /
    #    pending, and the year to date.
    period = in_period(CountedTask.service_date)
    approved = and_(period, CountedTask.report_status == ReportStatus.approved)
    submitted = and_(period, CountedTask.report_status == ReportStatus.submitted)

    def sum_if(condition, column):
        return func.coalesce(func.sum(case((condition, column))), 0)

    quantities = db.session.execute(
        select(
            group, CountedTask.category_id,
            sum_if(approved, CountedTask.quantity),
            sum_if(submitted, CountedTask.quantity),
            sum_if(and_(CountedTask.service_date >= year_from,
                       CountedTask.report_status == ReportStatus.approved), CountedTask.quantity),
            func.count(case((approved, ONE))),
            sum_if(approved, CountedTask.person_times),
            sum_if(approved, CountedTask.minutes),
            sum_if(submitted, CountedTask.person_times),
        )
        .where(CountedTask.category_id.in_(double_ids), *counted_task_conditions(wide))
        .group_by(group, CountedTask.category_id)
    ).all()

    # 2. Distinct members per group in the "双创" categories, and over all groups
    #    (a member in two zones counts once).
    def only_double(model):
        return (model.category_id.in_(double_ids),)

    members = _member_rows(base, lambda model: (getattr(model, dim),), only_double)
    overall = _member_rows(base, extra=only_double).get((), (0, 0))
    # 3. Findings per group and status: in the period, and found in the year to date.
    fgroup = Finding.zone_id if by == "zone" else Finding.community_id
    fperiod = in_period(Finding.found_on)
    findings = db.session.execute(
        select(
            fgroup,
            func.count(case((fperiod, 1))),
            func.count(case((and_(fperiod, Finding.status.in_(
                (FindingStatus.handed_over, FindingStatus.fixed))), 1))),
            func.count(case((and_(fperiod, Finding.status == FindingStatus.fixed), 1))),
            func.count(case((Finding.found_on >= year_from, 1))),
        )
        .where(*finding_conditions(wide))
        .group_by(fgroup)
    ).all()
    # 4. Targets of the year's "双创" resource items.
    tgroup = ResourceItem.zone_id if by == "zone" else ResourceItem.community_id
    tconds = [ResourceItem.year == year, ResourceItem.active.is_(True),
              ResourceItem.category_id.in_(double_ids)]
    if scope.unit_id is not None:
        tconds.append(ResourceItem.unit_id == scope.unit_id)
    if scope.community_ids is not None:
        tconds.append(ResourceItem.community_id.in_(scope.community_ids))
    if scope.zone_id is not None:
        tconds.append(ResourceItem.zone_id == scope.zone_id)
    targets = db.session.execute(
        select(tgroup, ResourceItem.category_id, func.sum(ResourceItem.target))
        .where(*tconds).group_by(tgroup, ResourceItem.category_id)
    ).all()
    # 5. The groups themselves (every zone / community in the scope, zeros included).
    if by == "zone":
        zconds = [Zone.active.is_(True)]
        if scope.community_ids is not None:
            zconds.append(Zone.community_id.in_(scope.community_ids))
        if scope.zone_id is not None:
            zconds.append(Zone.id == scope.zone_id)
        groups = db.session.execute(
            select(Zone.id, Zone.name, Community.name)
            .join(Community, Community.id == Zone.community_id)
            .where(*zconds).order_by(Community.name, Zone.name, Zone.id)
        ).all()
    else:
        cconds = [Community.active.is_(True)]
        if scope.community_ids is not None:
            cconds.append(Community.id.in_(scope.community_ids))
        groups = db.session.execute(
            select(Community.id, Community.name, literal(""))
            .where(*cconds).order_by(Community.name, Community.id)
        ).all()

    rows: dict = {key: DoubleRow(key, name, com) for key, name, com in groups}

    def row(key):
        if key not in rows:
            rows[key] = DoubleRow(key, "")  # work without a zone, or an inactive zone
        return rows[key]

    for key, cat_id, qty, pending, qty_year, activities, pt, minutes, pending_pt in quantities:
        r = row(key)
        r.activities += int(activities)
        r.person_times += int(pt)
        r.minutes += int(minutes)
        r.pending_person_times += int(pending_pt)
        if cat_id == ad_id:
            r.ads, r.ads_pending, r.ads_year = int(qty), int(pending), int(qty_year)
        elif cat_id == stair_id:
            r.stairs, r.stairs_pending, r.stairs_year = int(qty), int(pending), int(qty_year)
    for (key,), (official_members, _pending_members) in members.items():
        row(key).members = official_members
    for key, found, handed, fixed, found_year in findings:
        r = row(key)
        r.found, r.handed_over, r.fixed, r.found_year = int(found), int(handed), int(fixed), int(found_year)
    for key, cat_id, target in targets:
        r = row(key)
        if cat_id == ad_id:
            r.ads_target = int(target or 0)
        elif cat_id == stair_id:
            r.stairs_target = int(target or 0)
        elif cat_id == survey_id:
            r.survey_target = int(target or 0)

    ordered = [rows[key] for key, _n, _c in groups]
    if None in rows:
        ordered.append(rows[None])
    ordered += [r for key, r in rows.items() if key is not None and r not in ordered]
    total = DoubleRow(None, "")
    for r in ordered:
        for name in ("ads", "ads_pending", "ads_year", "ads_target", "stairs", "stairs_pending",
                     "stairs_year", "stairs_target", "found", "handed_over", "fixed",
                     "found_year", "survey_target", "activities", "person_times", "minutes",
                     "pending_person_times"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
    total.members = overall[0]
    return DoubleView(by, year, ordered, total)


# --- Coverage (参与情况 / 不漏一人) -------------------------------------------------


@dataclass(frozen=True)
class NotYet:
    """A member on roll who has not taken part (listed by name, never ranked)."""

    member_id: int
    name: str
    has_pending: bool  # took part in an activity still 待审核


@dataclass(frozen=True)
class Coverage:
    on_roll: int  # active members of the unit
    took_part: int  # of those, with a done participation in an approved task
    person_times: int  # 人次 of the unit's members (approved tasks)
    minutes: int
    pending_person_times: int  # 人次 in tasks still 待审核
    not_yet: list  # NotYet, ordered by name

    @property
    def rate_permille(self) -> int:
        """参与率 in tenths of a percent (867 → 86.7%), integer arithmetic."""
        if self.on_roll <= 0:
            return 0
        return (self.took_part * 1000 * 2 + self.on_roll) // (self.on_roll * 2)

    @property
    def rate_text(self) -> str:
        return f"{self.rate_permille // 10}.{self.rate_permille % 10}%"


def _took_part(member_col, date_from: date, date_to: date, status: ReportStatus):
    """EXISTS a done participation of ``member_col`` in a task of the period whose
    report has ``status``."""
    return exists(
        select(ONE).where(
            CountedParticipation.member_id == member_col,
            CountedParticipation.service_date >= date_from,
            CountedParticipation.service_date < date_to,
            CountedParticipation.report_status == status,
        )
    )


def coverage(unit_id: int, date_from: date, date_to: date) -> Coverage:
    """Who of a unit took part in a period: on roll, took part, 参与率, and the
    named list of those who did not (by name). Three statements.

    Any approved task counts, whichever unit's checklist it came from: the question
    is whether the member took part. 人次 counts every participation by the unit's
    members (also those since deactivated); "took part" counts members on roll.
    """
    on_roll = db.session.scalar(
        select(func.count(Member.id)).where(Member.unit_id == unit_id, Member.active.is_(True))
    )
    status = CountedParticipation.report_status
    pt, took_part, minutes, pending_pt = db.session.execute(
        select(
            func.count(_approved(ONE, status)),
            func.count(distinct(case((and_(status == ReportStatus.approved,
                                           Member.active.is_(True)),
                                      CountedParticipation.member_id)))),
            func.coalesce(func.sum(_approved(CountedParticipation.minutes, status)), 0),
            func.count(_submitted(ONE, status)),
        )
        .select_from(CountedParticipation)
        .join(Member, Member.id == CountedParticipation.member_id)
        .where(
            Member.unit_id == unit_id,
            CountedParticipation.service_date >= date_from,
            CountedParticipation.service_date < date_to,
        )
    ).one()
    not_yet = [
        NotYet(member_id, name, bool(pending))
        for member_id, name, pending in db.session.execute(
            select(
                Member.id,
                Member.name,
                _took_part(Member.id, date_from, date_to, ReportStatus.submitted),
            )
            .where(
                Member.unit_id == unit_id,
                Member.active.is_(True),
                ~_took_part(Member.id, date_from, date_to, ReportStatus.approved),
            )
            .order_by(Member.name, Member.id)
        )
    ]
    return Coverage(int(on_roll), int(took_part), int(pt), int(minutes), int(pending_pt), not_yet)


@dataclass(frozen=True)
class MemberStatus:
    """A member's own participation in a period (nobody else's, no comparison)."""

    activities: int  # done participations in approved tasks
    minutes: int
    pending: int  # done participations in tasks still 待审核


def member_status(member_id: int, date_from: date, date_to: date) -> MemberStatus:
    """A member's own official activities and hours, and those still 待审核 (one statement)."""
    status = CountedParticipation.report_status
    activities, minutes, pending = db.session.execute(
        select(
            func.count(_approved(ONE, status)),
            func.coalesce(func.sum(_approved(CountedParticipation.minutes, status)), 0),
            func.count(_submitted(ONE, status)),
        )
        .where(
            CountedParticipation.member_id == member_id,
            CountedParticipation.service_date >= date_from,
            CountedParticipation.service_date < date_to,
        )
    ).one()
    return MemberStatus(int(activities), int(minutes), int(pending))


# --- The liaison's home page ------------------------------------------------------


@dataclass(frozen=True)
class HomeFigures:
    pending_reviews: int | None  # reports 待审核 in the liaison's communities
    stale_reviews: int | None  # of those, waiting longer than ``stale_days``
    stale_tasks: int | None  # ended, not cancelled, not reported (or returned, not resubmitted)
    open_findings: int  # found or handed over, not yet fixed
    month_from: date
    month_to: date
    month: Figures  # this month's official and pending totals


def home_figures(community_ids: Sequence[int] | None, *, stale_days: int = 7,
                 now=None, queues: bool = True) -> HomeFigures:
    """What a liaison sees first, for the communities they manage (``None`` = all,
    for an admin). Five statements; three with ``queues=False``, which leaves out the
    review queue counts (pending, stale: ``None``) for a page that counts them itself."""
    now = now or utcnow()
    today = now.astimezone(LOCAL_TZ).date()
    month_from = today.replace(day=1)
    month_to = date(month_from.year + (month_from.month == 12), month_from.month % 12 + 1, 1)
    ids = tuple(community_ids) if community_ids is not None else None
    in_reach = [] if ids is None else [Task.community_id.in_(ids)]

    pending = stale_reviews = stale_tasks = None
    if queues:
        pending, stale_reviews, stale_tasks = _queue_counts(in_reach, stale_days, now)
    open_findings = db.session.scalar(
        select(func.count(Finding.id)).where(
            Finding.active.is_(True),
            Finding.status.in_(OPEN_FINDING),
            *([] if ids is None else [Finding.community_id.in_(ids)]),
        )
    )
    month = figures(Scope(date_from=month_from, date_to=month_to, community_ids=ids))
    return HomeFigures(pending, stale_reviews, stale_tasks, int(open_findings),
                       month_from, month_to, month)


def _queue_counts(in_reach: list, stale_days: int, now) -> tuple[int, int, int]:
    pending, stale_reviews = db.session.execute(
        select(
            func.count(),
            func.count(case((TaskReport.submitted_at < now - timedelta(days=stale_days), 1))),
        )
        .join(Task, Task.id == TaskReport.task_id)
        .where(TaskReport.status == ReportStatus.submitted, *in_reach)
    ).one()
    # The liaison's stale list (review.stale): ended, not cancelled, and not
    # reported — or returned and not yet resubmitted.
    stale_tasks = db.session.scalar(
        select(func.count(Task.id))
        .outerjoin(TaskReport, TaskReport.task_id == Task.id)
        .where(
            Task.status != TaskStatus.cancelled,
            Task.ends_at < now,
            or_(TaskReport.id.is_(None), TaskReport.status == ReportStatus.returned),
            *in_reach,
        )
    )
    return int(pending), int(stale_reviews), int(stale_tasks)


# --- figures for the monthly summary (reports) ---


def fund_ledgers(year: int, community_ids: Sequence[int] | None = None
                 ) -> dict[tuple[int, int], FundFigures]:
    """Every unit × community ledger of a year: spent in the year and the budget.

    A ledger exists once it has a budget, an entry, or a resource checklist item
    that year, so a liaison can open it before the first yuan is spent. Three
    statements (the spending is ``funds_by_unit_community``).
    """
    def in_reach(column):
        return [] if community_ids is None else [column.in_(community_ids)]

    spent = funds_by_unit_community(date(year, 1, 1), date(year + 1, 1, 1), community_ids)
    budgets = {
        (u, c): int(amount) for u, c, amount in db.session.execute(
            select(FundBudget.unit_id, FundBudget.community_id, FundBudget.amount_fen)
            .where(FundBudget.year == year, *in_reach(FundBudget.community_id))
        )
    }
    committed = set(db.session.execute(
        select(ResourceItem.unit_id, ResourceItem.community_id)
        .where(ResourceItem.year == year, ResourceItem.active.is_(True),
               *in_reach(ResourceItem.community_id))
        .group_by(ResourceItem.unit_id, ResourceItem.community_id)
    ).tuples())
    keys = committed | spent.keys() | budgets.keys()
    return {key: FundFigures(spent.get(key, 0), spent.get(key, 0), budgets.get(key, 0))
            for key in sorted(keys)}


@dataclass(frozen=True)
class CommunitySection:
    community_id: int
    community_name: str
    section: Section
    activities: int  # approved reports


def activities_by_community_section(scope: Scope) -> list[CommunitySection]:
    """Where each section's official work took place: approved activities per
    community and category section, by community name (one statement)."""
    rows = db.session.execute(
        select(CountedTask.community_id, Community.name, Category.section, func.count())
        .join(Category, Category.id == CountedTask.category_id)
        .join(Community, Community.id == CountedTask.community_id)
        .where(CountedTask.report_status == ReportStatus.approved, *counted_task_conditions(scope))
        .group_by(CountedTask.community_id, Community.name, Category.section)
        .order_by(Community.name, CountedTask.community_id)
    )
    return [CommunitySection(cid, name, Section(section), int(n)) for cid, name, section, n in rows]
