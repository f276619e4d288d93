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

from sqlalchemy import func, select, tuple_

from ..extensions import db
from ..formatting import percent
from ..models import (
    FUNDING_CODE,
    Category,
    Community,
    FundEntry,
    ResourceItem,
    TargetMeasure,
)
from .batch import Plan, plan, run
from .scope import Scope, as_ids, item_conditions, scope_conditions, year_range


@dataclass(frozen=True)
class FundFigures:
    spent_fen: int  # in the scope's period
    year_to_date_fen: int  # from 1 January of the period's year to the period's end
    budget_fen: int  # the year's budget (0 when none is set)
    # year to date, in the ledgers that have a budget (what the budget is used by)
    budgeted_fen: int

    @property
    def unbudgeted_fen(self) -> int:
        """Year to date in ledgers without a budget (未设预算的支出)."""
        return self.year_to_date_fen - self.budgeted_fen

    @property
    def remaining_fen(self) -> int:
        """预算剩余: the budget less what the budgeted ledgers spent."""
        return self.budget_fen - self.budgeted_fen

    @property
    def over_budget(self) -> bool:
        return self.budget_fen > 0 and self.budgeted_fen > self.budget_fen

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


def fund_figures_plan(scope: Scope, year: int) -> Plan:
    """Funds spent in the scope's period, year to date (in all, and in the ledgers
    with a budget), and the year's budget (two statements)."""
    year_start = date(year, 1, 1)
    year_end = scope.date_to or date(year + 1, 1, 1)
    period = entry_conditions(scope)
    to_date = entry_conditions(replace(scope, date_from=year_start, date_to=year_end))
    per_ledger = budgets(scope, year).subquery()

    def shape(spending, budget):
        (spent, ytd, budgeted), = spending
        return FundFigures(int(spent), int(ytd), int(budget[0][0]), int(budgeted))

    return plan(
        select(
            func.coalesce(func.sum(FundEntry.amount_fen).filter(*period), 0),
            func.coalesce(func.sum(FundEntry.amount_fen).filter(*to_date), 0),
            func.coalesce(func.sum(FundEntry.amount_fen).filter(
                *to_date, in_budgeted_pairs(scope, year)), 0),
        ).where(*entry_conditions(replace(scope, date_from=None, date_to=None))),
        select(func.coalesce(func.sum(per_ledger.c.fen), 0)),
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
