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

Every figure here is one rollup: ``ledger_funds_plan`` gives each ledger's row and
their 合计, the rows added up. ``fund_figures`` is that 合计, and the funds list
(``fund_ledgers``) and the 月报's 附表“共建活动经费” are its rows, so a table's rows, its
合计 and the sentence beside it cannot disagree.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import and_, func, or_, select, true, tuple_

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
from .batch import Plan, given, plan, run
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


@dataclass(frozen=True)
class LedgerFunds:
    """One (unit, community) ledger's figures for a period: a row of the funds tables."""

    unit_id: int
    community_id: int
    unit_name: str
    community_name: str
    fund: FundFigures


@dataclass(frozen=True)
class FundRollup:
    """The ledgers of a scope with an entry (in the period or the year to its end) or a
    budget that year, in the units' and communities' order, and their 合计."""

    ledgers: tuple[LedgerFunds, ...]
    total: FundFigures


def _ledger_figures(spent: int, ytd: int, budget: int, earlier: int | None, year: int,
                    unit_name: str, community_name: str) -> FundFigures:
    over = (Overspent(unit_name, community_name, ytd - budget),) if budget and ytd > budget \
        else ()
    return FundFigures(spent, ytd, budget, ytd if budget else 0, over, year=year,
                       earlier_years_fen=earlier)


def ledgers_total(ledgers: Sequence[FundFigures], year: int | None = None) -> FundFigures:
    """The 合计 of ledgers' rows: each figure added up, so a reader can check the rows
    against it; 预算使用率 of the total counts the budgeted ledgers, as the rows' own
    rates do, and the ledgers over their own budget are each row's."""
    earlier = [f.earlier_years_fen for f in ledgers if f.earlier_years_fen is not None]
    return FundFigures(sum(f.spent_fen for f in ledgers),
                       sum(f.year_to_date_fen for f in ledgers),
                       sum(f.budget_fen for f in ledgers),
                       sum(f.budgeted_fen for f in ledgers),
                       tuple(o for f in ledgers for o in f.overspent),
                       year=year, earlier_years_fen=sum(earlier) if earlier else None)


def ledger_funds_plan(scope: Scope, year: int) -> Plan:
    """Each (unit, community) ledger of the scope — spent in the scope's period, year to
    date (``year_to_date``), the year's budget — and their 合计 (one statement).

    A ledger is listed when it has an entry in the period or the year to its end (a
    冲销 that nets it to nothing included: the entries are there to read) or a budget
    that year."""
    period = entry_conditions(scope)
    year_start, cut_off = year_to_date(year, scope.date_to)
    to_date = entry_conditions(replace(scope, date_from=year_start, date_to=cut_off))
    crosses = scope.date_from is not None and scope.date_from < year_start
    where = entry_conditions(replace(scope, date_from=None, date_to=None))
    spent = (
        select(FundEntry.unit_id.label("unit_id"), FundEntry.community_id.label("community_id"),
               func.coalesce(func.sum(FundEntry.amount_fen).filter(*period), 0).label("spent"),
               func.coalesce(func.sum(FundEntry.amount_fen).filter(*to_date), 0).label("ytd"),
               # a period reaching back before the year (a custom range across New
               # Year): what of its spending belongs to earlier years, which the year's
               # budget does not count
               func.coalesce(func.sum(FundEntry.amount_fen).filter(
                   *period, FundEntry.entry_date < year_start), 0).label("earlier"))
        .where(*where, or_(and_(true(), *period), and_(true(), *to_date)))
        .group_by(FundEntry.unit_id, FundEntry.community_id)
        .subquery())
    budget = budgets(scope, year).subquery()
    keys = (select(spent.c.unit_id, spent.c.community_id)
            .union(select(budget.c.unit_id, budget.c.community_id))
            .subquery())

    def shape(rows):
        ledgers = tuple(
            LedgerFunds(u, c, unit_name, community_name,
                        _ledger_figures(int(s), int(ytd), int(b), int(e) if crosses else None,
                                        year, unit_name, community_name))
            for u, c, unit_name, community_name, s, ytd, e, b in rows)
        return FundRollup(ledgers, ledgers_total([led.fund for led in ledgers], year))

    return plan(
        select(keys.c.unit_id, keys.c.community_id, Unit.name, Community.name,
               func.coalesce(spent.c.spent, 0), func.coalesce(spent.c.ytd, 0),
               func.coalesce(spent.c.earlier, 0), func.coalesce(budget.c.fen, 0))
        .select_from(keys)
        .join(Unit, Unit.id == keys.c.unit_id)
        .join(Community, Community.id == keys.c.community_id)
        .outerjoin(spent, and_(spent.c.unit_id == keys.c.unit_id,
                               spent.c.community_id == keys.c.community_id))
        .outerjoin(budget, and_(budget.c.unit_id == keys.c.unit_id,
                                budget.c.community_id == keys.c.community_id))
        .order_by(Unit.sort_key, Unit.id, Community.sort_key, Community.id),
        shape=shape)


def fund_figures_plan(scope: Scope, year: int) -> Plan:
    """Funds spent in the scope's period, year to date (in all, and in the ledgers
    with a budget), the year's budget and the ledgers over their own: the 合计 of
    ``ledger_funds_plan`` (one statement)."""
    ledgers = ledger_funds_plan(scope, year)
    return given(ledgers, {}, lambda *rowsets: ledgers.shape(*rowsets).total)


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


def fund_ledgers(year: int, community_ids: Sequence[int] | None = None
                 ) -> dict[tuple[int, int], FundFigures]:
    """Every unit × community ledger of a year: spent in the year and the budget — the
    rows of ``ledger_funds_plan`` over the whole year — and, with nothing spent and no
    budget, the ledgers with a resource checklist item that year, so a liaison can open
    one before the first yuan is spent. Two statements."""
    scope = Scope(*year_range(year), community_ids=as_ids(community_ids))
    rollup = run(ledger_funds_plan(scope, year))
    found = {(led.unit_id, led.community_id): led.fund for led in rollup.ledgers}
    committed = set(db.session.execute(
        select(ResourceItem.unit_id, ResourceItem.community_id)
        .where(*item_conditions(scope, year))
        .group_by(ResourceItem.unit_id, ResourceItem.community_id)
    ).tuples())
    empty = FundFigures(0, 0, 0, 0, year=year)
    return {key: found.get(key, empty) for key in sorted(committed | found.keys())}
