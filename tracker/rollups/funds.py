"""Funds: 共建活动经费 spent, year to date and against the year's budget.

What the funds pages (经费台账) and the community progress page show, and the
monthly summary's funds sentence. Reversing entries are negative, so plain sums are
already net of corrections. The year's budget is the money target of the 共建活动经费
resource items in scope (docs/design.md: one budget, entered once, on the item).

A budget belongs to one (unit, community) ledger: 预算使用率 and 预算剩余 set the
spending of the ledgers that have a budget (``budgeted_pairs``: a positive money
target that year) against the sum of their budgets, and spending in a ledger without
one is its own figure (``unbudgeted_fen``, 未设预算的支出), never set against another
community's budget. The checklist (``checklist.py``) counts money against the same
pairs, so its 共建活动经费 row and the funds card say the same.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import and_, func, select, tuple_

from ..extensions import db
from ..formatting import percent
from ..models import (
    FUNDING_CODE,
    Category,
    Community,
    FundEntry,
    ResourceItem,
    TargetMeasure,
    Unit,
)
from .batch import Plan, plan, run
from .scope import Scope, as_ids, item_conditions, scope_conditions, year_range


@dataclass(frozen=True)
class Overspent:
    """One ledger whose year to date is above its own budget."""

    unit_name: str
    community_name: str
    over_fen: int  # spending above the budget


@dataclass(frozen=True)
class FundFigures:
    spent_fen: int  # in the scope's period
    year_to_date_fen: int  # from 1 January of the period's year to the period's end
    budget_fen: int  # the year's budget (0 when none is set)
    # year to date, in the ledgers that have a budget (what the budget is used by)
    budgeted_fen: int
    # the ledgers over their own budget: a total under the summed budgets must not hide
    # one community's overspend behind another's unspent budget (review "resources" #1)
    overspent: tuple[Overspent, ...] = ()
    year: int | None = None  # the year 年度累计 and the budget are of
    # a period that starts before that year (a custom range across New Year): the part
    # of ``spent_fen`` dated in earlier years; None when the period lies in the year
    earlier_years_fen: int | None = None

    @property
    def crosses_year(self) -> bool:
        return self.earlier_years_fen is not None

    @property
    def spent_in_year_fen(self) -> int:
        """The period's spending dated in ``year`` (what 年度累计 includes of it)."""
        return self.spent_fen - (self.earlier_years_fen or 0)

    @property
    def unbudgeted_fen(self) -> int:
        """Year to date in ledgers without a budget (未设预算的支出)."""
        return self.year_to_date_fen - self.budgeted_fen

    @property
    def remaining_fen(self) -> int:
        """预算剩余: the budget less what the budgeted ledgers spent."""
        return self.budget_fen - self.budgeted_fen

    @property
    def total_over(self) -> bool:
        """The budgeted ledgers together spent more than their budgets together."""
        return self.budget_fen > 0 and self.budgeted_fen > self.budget_fen

    @property
    def over_budget(self) -> bool:
        """Any ledger over its own budget (the total over implies one is)."""
        return bool(self.overspent) or self.total_over

    @property
    def used(self) -> str:
        """预算使用率, one decimal ('26.5%'), '—' without a budget."""
        return percent(self.budgeted_fen, self.budget_fen)


def entry_conditions(scope: Scope) -> list:
    """WHERE conditions on FundEntry for a scope: the entry's date, unit, community
    (an entry has no zone or category)."""
    return scope_conditions(scope, date=FundEntry.entry_date, unit=FundEntry.unit_id,
                            community=FundEntry.community_id)


def _per_budgeted_pair(scope: Scope, year: int, *columns):
    scope = Scope(unit_id=scope.unit_id, community_ids=scope.community_ids)
    return (
        select(ResourceItem.unit_id, ResourceItem.community_id, *columns)
        .join(Category, Category.id == ResourceItem.category_id)
        .where(Category.code == FUNDING_CODE, ResourceItem.target_measure == TargetMeasure.money,
               *item_conditions(scope, year))
        .group_by(ResourceItem.unit_id, ResourceItem.community_id)
        .having(func.sum(ResourceItem.target) > 0)
    )


def budgets(scope: Scope, year: int):
    """The budgets (fen) of the year's ledgers in the scope's unit and communities that
    have one — the money targets of their 共建活动经费 items, per (unit, community): a
    select of (unit_id, community_id, fen)."""
    return _per_budgeted_pair(scope, year, func.sum(ResourceItem.target).label("fen"))


def budgeted_pairs(scope: Scope, year: int):
    """The (unit_id, community_id) ledgers of ``budgets``: a select of the pairs alone,
    for ``tuple_(unit, community).in_(...)``. What 预算使用率 and the checklist's money
    rows count."""
    return _per_budgeted_pair(scope, year)


def in_budgeted_pairs(scope: Scope, year: int):
    """A condition on FundEntry: the entry is in a ledger with a budget that year."""
    return tuple_(FundEntry.unit_id, FundEntry.community_id).in_(budgeted_pairs(scope, year))


def year_to_date(year: int, date_to: date | None) -> tuple[date, date]:
    """The half-open range "year to date" counts for a period of ``year`` ending before
    ``date_to`` (exclusive; None: the whole year): from 1 January up to the period's end,
    never past the year's. The funds card's 年度累计 and the checklist's money rows both
    ask this, so one budget shows one use rate on a page (review "resources" #2): the
    figure as of the period's end, as an official figure for that period reads."""
    year_start, year_end = year_range(year)
    return year_start, min(date_to, year_end) if date_to is not None else year_end


def fund_figures_plan(scope: Scope, year: int) -> Plan:
    """Funds spent in the scope's period, year to date (in all, and in the ledgers
    with a budget), the year's budget and the ledgers over their own (three
    statements)."""
    period = entry_conditions(scope)
    year_start, cut_off = year_to_date(year, scope.date_to)
    to_date = entry_conditions(replace(scope, date_from=year_start, date_to=cut_off))
    per_ledger = budgets(scope, year).subquery()
    spent = (select(FundEntry.unit_id, FundEntry.community_id,
                    func.sum(FundEntry.amount_fen).label("fen"))
             .where(*to_date)
             .group_by(FundEntry.unit_id, FundEntry.community_id)
             .subquery())

    crosses = scope.date_from is not None and scope.date_from < year_start

    def shape(spending, budget, overs):
        (spent_fen, ytd, budgeted, earlier), = spending
        return FundFigures(int(spent_fen), int(ytd), int(budget[0][0]), int(budgeted),
                           tuple(Overspent(u, c, int(fen)) for u, c, fen in overs),
                           year=year, earlier_years_fen=int(earlier) if crosses else None)

    return plan(
        select(
            func.coalesce(func.sum(FundEntry.amount_fen).filter(*period), 0),
            func.coalesce(func.sum(FundEntry.amount_fen).filter(*to_date), 0),
            func.coalesce(func.sum(FundEntry.amount_fen).filter(
                *to_date, in_budgeted_pairs(scope, year)), 0),
            # a period reaching back before the year (a custom range across New Year):
            # what of its spending belongs to earlier years, which the year's budget
            # does not count
            func.coalesce(func.sum(FundEntry.amount_fen).filter(
                *period, FundEntry.entry_date < year_start), 0),
        ).where(*entry_conditions(replace(scope, date_from=None, date_to=None))),
        select(func.coalesce(func.sum(per_ledger.c.fen), 0)),
        # each budgeted ledger's year to date against its own budget, the ones over
        select(Unit.name, Community.name, (spent.c.fen - per_ledger.c.fen).label("over"))
        .select_from(per_ledger)
        .join(spent, and_(spent.c.unit_id == per_ledger.c.unit_id,
                          spent.c.community_id == per_ledger.c.community_id))
        .join(Unit, Unit.id == per_ledger.c.unit_id)
        .join(Community, Community.id == per_ledger.c.community_id)
        .where(spent.c.fen > per_ledger.c.fen)
        .order_by(Unit.sort_key, Unit.id, Community.sort_key, Community.id),
        shape=shape)


def spent_places_plan(scope: Scope) -> Plan:
    """The names of the communities where the scope's period spent money (net of
    reversals), in the communities' order (one statement)."""
    return plan(
        select(Community.name)
        .join(FundEntry, FundEntry.community_id == Community.id)
        .where(*entry_conditions(scope))
        .group_by(Community.id, Community.name, Community.sort_key)
        .having(func.sum(FundEntry.amount_fen) > 0)
        .order_by(Community.sort_key, Community.id),
        shape=lambda rows: [name for (name,) in rows])


def fund_figures(scope: Scope, year: int) -> FundFigures:
    return run(fund_figures_plan(scope, year))


def funds_by_unit_community(date_from: date, date_to: date,
                            community_ids: Sequence[int] | None = None,
                            unit_id: int | None = None) -> dict[tuple[int, int], int]:
    """Funds spent (fen, net of reversals) per (unit, community) in a period: the
    grouped form of ``fund_figures(...).spent_fen`` (one statement)."""
    scope = Scope(date_from, date_to, unit_id, as_ids(community_ids))
    rows = db.session.execute(
        select(FundEntry.unit_id, FundEntry.community_id, func.sum(FundEntry.amount_fen))
        .where(*entry_conditions(scope))
        .group_by(FundEntry.unit_id, FundEntry.community_id)
    )
    return {(u, c): int(total) for u, c, total in rows}


def fund_ledgers(year: int, community_ids: Sequence[int] | None = None
                 ) -> dict[tuple[int, int], FundFigures]:
    """Every unit × community ledger of a year: spent in the year and the budget.

    A ledger exists once it has a budget, an entry, or a resource checklist item
    that year, so a liaison can open it before the first yuan is spent. Three
    statements (the spending is ``funds_by_unit_community``).
    """
    scope = Scope(community_ids=as_ids(community_ids))
    spent = funds_by_unit_community(*year_range(year), community_ids)
    budgeted = {(u, c): int(fen) for u, c, fen in db.session.execute(budgets(scope, year))}
    committed = set(db.session.execute(
        select(ResourceItem.unit_id, ResourceItem.community_id)
        .where(*item_conditions(scope, year))
        .group_by(ResourceItem.unit_id, ResourceItem.community_id)
    ).tuples())
    keys = committed | spent.keys() | budgeted.keys()
    return {key: FundFigures(spent.get(key, 0), spent.get(key, 0), budgeted.get(key, 0),
                             spent.get(key, 0) if key in budgeted else 0)
            for key in sorted(keys)}


def ledgers_total(ledgers: Sequence[FundFigures]) -> FundFigures:
    """The 合计 of ``fund_ledgers``' rows: each figure added up, so a reader can check
    the rows against it; 预算使用率 of the total counts the budgeted ledgers, as the
    rows' own rates do."""
    return FundFigures(sum(f.spent_fen for f in ledgers),
                       sum(f.year_to_date_fen for f in ledgers),
                       sum(f.budget_fen for f in ledgers),
                       sum(f.budgeted_fen for f in ledgers))
