"""Totals and figures: activities, results and participation, official and pending.

What the community progress page (社区共建进展) shows — the totals, the rows per
category, the trend per month — and what the monthly summary is written from.

Each grouped helper runs ONE statement whatever the data size: the official
(approved) and pending (submitted, 待审核) figures come out of the same GROUP BY
through CASE expressions, so the two can never be computed differently. Returned
reports are neither: they are back with the leader for correction (and have no
counted rows). The whole county over whole months reads the kept summaries instead
(``rollups.kept``): the same figures from far fewer rows.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from sqlalchemy import distinct, extract, func, select

from ..models import (
    CountedParticipation,
    CountedTask,
    ReportStatus,
    Section,
)
from ..formatting import in_unit_order, served_unit
from . import kept
from .batch import Plan, built_once, gather, plan, run
from .categories import CategoryRow, categories, categories_plan  # noqa: F401
from .served import named_rows
from .scope import (
    ONE,
    Scope,
    counted_task_conditions,
    if_approved,
    if_submitted,
    months_between,
    participation_conditions,
)


@dataclass(frozen=True)
class Totals:
    """What tasks achieved. ``quantity`` (完成数量) and ``people_served`` (受益) are
    in their category's units, so they add up within one category only: across
    categories read them per unit (``per_unit``), never as one sum."""

    activities: int = 0
    quantity: int = 0
    people_served: int = 0
    person_times: int = 0  # 人次
    members: int = 0  # distinct members
    minutes: int = 0


@dataclass(frozen=True)
class Figures:
    """The same totals for approved reports (official) and submitted ones (待审核)."""

    official: Totals = Totals()
    pending: Totals = Totals()


def totals(scope: Scope, status: ReportStatus = ReportStatus.approved) -> Totals:
    """Activities, results and participation for tasks whose report has ``status``."""
    def shape(tasks, members):
        activities, quantity, people, person_times, minutes = tasks[0]
        return Totals(int(activities), int(quantity), int(people), int(person_times),
                      int(members[0][0]), int(minutes))

    return run(plan(
        select(
            func.count(),
            func.coalesce(func.sum(CountedTask.quantity), 0),
            func.coalesce(func.sum(CountedTask.people_served), 0),
            func.coalesce(func.sum(CountedTask.person_times), 0),
            func.coalesce(func.sum(CountedTask.minutes), 0),
        )
        .where(CountedTask.report_status == status, *counted_task_conditions(scope)),
        select(func.count(distinct(CountedParticipation.member_id)))
        .where(CountedParticipation.report_status == status, *participation_conditions(scope)),
        shape=shape))


# --- official and pending side by side, grouped ----------------------------------


def _no_group(_model) -> tuple:
    return ()


def _by_category(model) -> tuple:
    return (model.category_id,)


def _by_month(model) -> tuple:
    return extract("year", model.service_date), extract("month", model.service_date)


def _key(value):
    # PostgreSQL's EXTRACT returns numeric; make month keys plain ints on both databases.
    return int(value) if value is not None and not isinstance(value, (int, str)) else value


def _grouped(query, group) -> Plan:
    if group:
        query = query.group_by(*group)
    n = len(group)
    return plan(query, shape=lambda rows: {
        tuple(_key(v) for v in row[:n]): tuple(int(v) for v in row[n:]) for row in rows})


_KEPT = {_no_group: "", _by_category: "category", _by_month: "month"}  # kept.py answers


def task_rows(scope: Scope, by=_no_group, extra=_no_group) -> Plan:
    """{group key: (activities, quantity, people served, 人次, minutes) official, then
    the same pending} from CountedTask (one statement).

    ``by(model)`` gives the GROUP BY columns and ``extra(model)`` more WHERE
    conditions, written against the task's column names, which CountedTask and
    CountedParticipation share."""
    if extra is _no_group and by in _KEPT and kept.county_months(scope):
        return kept.month_rows(scope, _KEPT[by])
    group = by(CountedTask)
    query = (_task_sums(by) if by in _KEPT else _task_sums.__wrapped__(by)).where(
        *counted_task_conditions(scope), *extra(CountedTask))
    return _grouped(query, group)


@functools.cache
def _task_sums(by):
    """``task_rows``' columns for a grouping: the same for every scope, built once."""
    sums = (CountedTask.quantity, CountedTask.people_served, CountedTask.person_times,
            CountedTask.minutes)
    return select(
        *by(CountedTask),
        func.count(if_approved(ONE)),
        *(func.coalesce(func.sum(if_approved(column)), 0) for column in sums),
        func.count(if_submitted(ONE)),
        *(func.coalesce(func.sum(if_submitted(column)), 0) for column in sums),
    )


def member_rows(scope: Scope, by=_no_group, extra=_no_group) -> Plan:
    """{group key: (distinct members official, distinct members pending)} from
    CountedParticipation (one statement; the one figure that does not add up)."""
    year = kept.county_year(scope)
    if extra is _no_group and by in (_no_group, _by_category) and year is not None:
        return kept.member_rows(scope, year, _KEPT[by])
    group = by(CountedParticipation)
    status = CountedParticipation.report_status
    query = select(
        *group,
        func.count(distinct(if_approved(CountedParticipation.member_id, status))),
        func.count(distinct(if_submitted(CountedParticipation.member_id, status))),
    ).where(*participation_conditions(scope), *extra(CountedParticipation))
    return _grouped(query, group)


def _figures(tasks: tuple | None, members: tuple | None) -> Figures:
    t = tasks or (0,) * 10
    m = members or (0, 0)
    return Figures(
        official=Totals(t[0], t[1], t[2], t[3], m[0], t[4]),
        pending=Totals(t[5], t[6], t[7], t[8], m[1], t[9]),
    )


def _merge(tasks: dict, members: dict) -> dict:
    return {key: _figures(tasks.get(key), members.get(key)) for key in tasks.keys() | members.keys()}


def figures_plan(scope: Scope, *, tasks: Plan | None = None, members: Plan | None = None) -> Plan:
    """Official and pending totals for a scope (two statements); ``tasks``, ``members``:
    the same from reads the page shares (``rollups.shared``)."""
    return gather(tasks or task_rows(scope), members or member_rows(scope),
                  shape=lambda tasks, members: _merge(tasks, members).get((), Figures()))


def figures(scope: Scope) -> Figures:
    """``figures_plan`` run; its statements built once per scope in a process (the
    工作台 asks the same month's on every load)."""
    return run(built_once(("figures", scope), lambda: figures_plan(scope)))


# --- per category ----------------------------------------------------------------


@dataclass(frozen=True)
class CategoryFigures:
    category_id: int
    code: str
    name: str
    section: Section
    activity_unit: str | None  # 场 / 次 (None: the category has no activities)
    quantity_unit: str | None  # 完成数量's unit, or None
    beneficiary_unit: str | None  # 受益's unit, or None
    official: Totals
    pending: Totals
    # of a category in 户 or 人: the distinct 服务对象 its approved activities name, when
    # every one names as many as its 受益 (``served.named_rows`` decides), else None
    served: int | None = None


UNIT_OF = {"activities": "activity_unit", "quantity": "quantity_unit",
           "people_served": "beneficiary_unit"}


def per_unit(rows: list[CategoryFigures], figure: str) -> list[tuple[int, str]]:
    """The ``figure`` ("activities", "quantity" or "people_served") of category rows,
    summed per unit, never across units: [(132, "处"), (9, "个")], zeros left out, the
    units in the one order every total lists them in (``formatting.UNIT_ORDER``: 人次
    before 户次 whichever category has work; any other unit after, in category order).
    Activities go by their category's word, 次 when it has none: [(3, "场"), (6, "次")],
    the one total of activities of every view (docs/design.md, "Categories": never 场
    and 次 added); 受益 in 户 / 人 of 2+ activities: ``served_unit``."""
    sums: dict[str, int] = {}
    activities: dict[str, int] = {}
    for row in rows:
        unit = getattr(row, UNIT_OF[figure]) or ("次" if figure == "activities" else None)
        if unit and getattr(row.official, figure):
            sums[unit] = sums.get(unit, 0) + getattr(row.official, figure)
            activities[unit] = activities.get(unit, 0) + row.official.activities
    merged: dict[str, int] = {}
    for unit, value in sums.items():
        shown = served_unit(unit, activities[unit]) if figure == "people_served" else unit
        merged[shown] = merged.get(shown, 0) + value
    return in_unit_order((value, unit) for unit, value in merged.items())


@dataclass(frozen=True)
class Pending:
    """Reports still 待审核 and what they would add to the official figures: the
    one way every view and the 月报 speak of pending work
    (``formatting.pending_sentence``)."""

    reports: int = 0
    person_times: int = 0
    minutes: int = 0
    results: tuple = ()  # (category name, 完成数量, unit) per category with a quantity
    # (category name, 受益, unit) per category with beneficiaries: named as the results
    # are, since 31人次 of trainees and 3人 visited are not one kind of figure
    beneficiaries: tuple = ()


def pending_of(rows: list[CategoryFigures]) -> Pending:
    """What the category rows' pending reports would add (one report is one activity)."""
    return Pending(
        reports=sum(r.pending.activities for r in rows),
        person_times=sum(r.pending.person_times for r in rows),
        minutes=sum(r.pending.minutes for r in rows),
        results=tuple((r.name, r.pending.quantity, r.quantity_unit) for r in rows
                      if r.quantity_unit and r.pending.quantity),
        beneficiaries=tuple((r.name, r.pending.people_served,
                             served_unit(r.beneficiary_unit, r.pending.activities)) for r in rows
                            if r.beneficiary_unit and r.pending.people_served),
    )


def figures_by_category_plan(scope: Scope, *, include_empty: bool = True,
                             tasks: Plan | None = None, members: Plan | None = None,
                             named: Plan | None = None) -> Plan:
    """Official and pending totals per category, in category order (four statements,
    one page's batch).

    Categories without any figure are listed with zeros when ``include_empty`` (and
    when active), so a page always shows the same rows. ``tasks``, ``members``: the
    same from reads the page shares (``rollups.shared``); ``named``: the 服务对象 the
    activities name (``served.named_rows``), ``constant({})`` for a page that shows no
    category's 受益.
    """
    return gather(tasks or task_rows(scope, _by_category),
                  members or member_rows(scope, _by_category),
                  categories_plan(),
                  named or named_rows(scope),
                  shape=lambda tasks, members, cats, named: _category_rows(
                      _merge(tasks, members), cats, include_empty, named))


def _category_rows(merged: dict, cats: list[CategoryRow], include_empty: bool,
                   named: dict) -> list[CategoryFigures]:
    rows = []
    for cat in cats:
        figs = merged.get((cat.id,))
        if figs is None and not (include_empty and cat.active):
            continue
        figs = figs or Figures()
        rows.append(CategoryFigures(cat.id, cat.code, cat.name, cat.section, cat.activity_unit,
                                    cat.quantity_unit, cat.beneficiary_unit, figs.official,
                                    figs.pending, named.get(cat.id)))
    return rows


# --- per month -------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigures:
    year: int
    month: int
    official: Totals
    pending: Totals

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)


def figures_by_month_plan(scope: Scope) -> Plan:
    """Official and pending totals per local month of ``Task.service_date``, every
    month of the scope listed (zeros included). The scope needs both dates."""
    if scope.date_from is None or scope.date_to is None:
        raise ValueError("figures_by_month needs a bounded period")

    def shape(tasks, members):
        merged = _merge(tasks, members)
        return [MonthFigures(y, m, *(lambda f: (f.official, f.pending))(
                    merged.get((y, m), Figures())))
                for y, m in months_between(scope.date_from, scope.date_to)]

    return gather(task_rows(scope, _by_month), member_rows(scope, _by_month), shape=shape)


def figures_by_month(scope: Scope) -> list[MonthFigures]:
    return run(figures_by_month_plan(scope))


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


def trend_plan(scope: Scope) -> Plan:
    """Activities, 人次 and minutes per local month, official and pending, every month
    of the (bounded) scope listed. One statement, no COUNT(DISTINCT): the cheap form
    of ``figures_by_month`` for a chart over many months."""
    if scope.date_from is None or scope.date_to is None:
        raise ValueError("trend needs a bounded period")
    rows = kept.trend_rows(scope) if kept.county_months(scope) else _trend_rows(scope)
    return gather(rows, shape=lambda months: [
        MonthTrend(y, m, *months.get((y, m), (0,) * 5))
        for y, m in months_between(scope.date_from, scope.date_to)])


def _trend_rows(scope: Scope) -> Plan:
    """``kept.trend_rows`` from CountedTask: grouped by day first (rows arrive in date
    order from the index, so no sort), then the few hundred days by month."""
    daily = (
        select(CountedTask.service_date.label("day"),
               func.count(if_approved(ONE)).label("a"),
               func.sum(if_approved(CountedTask.person_times)).label("pt"),
               func.sum(if_approved(CountedTask.minutes)).label("minutes"),
               func.count(if_submitted(ONE)).label("pa"),
               func.sum(if_submitted(CountedTask.person_times)).label("ppt"))
        .where(*counted_task_conditions(scope))
        .group_by(CountedTask.service_date)
        .subquery()
    )
    year, month = extract("year", daily.c.day), extract("month", daily.c.day)
    return plan(
        select(year, month, *(func.coalesce(func.sum(c), 0)
                              for c in (daily.c.a, daily.c.pt, daily.c.minutes, daily.c.pa,
                                        daily.c.ppt)))
        .group_by(year, month),
        shape=lambda rows: {(_key(y), _key(m)): tuple(int(v) for v in values)
                            for y, m, *values in rows})


def trend(scope: Scope) -> list[MonthTrend]:
    """Activities, 人次 and minutes per local month, official and pending, every month
    of the (bounded) scope listed (one statement; see ``trend_plan``)."""
    return run(trend_plan(scope))
