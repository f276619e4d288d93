"""Checklist progress (资源清单进展): each resource item's yearly target and what is
done against it, item by item (one community) or added up per category and measure
(several communities).

An item's target names its own measure (``ResourceItem.target_measure``), chosen
when the item was made, and progress counts that measure, from the item's tasks
with a service date in the target's year up to the period's end (the whole year when
no period is given; ``funds.year_to_date``, the cut-off of the funds card's 年度累计):

- activities: approved activities (场 / 次);
- beneficiaries: 受益 of approved reports, in the category's beneficiary unit — added
  up over the year's activities, so a target in 户 or 人 counts 户次 / 人次 and is
  written so (``formatting.target_unit``);
- quantity: 完成数量 of approved reports, in the category's unit;
- money (共建活动经费): the funds spent that year by the item's unit in its
  community (the FundEntry ledger, net of reversals — ``funds.fund_figures``), in
  fen; the target is then the year's budget. A ledger whose budget is not set (its
  money targets add up to 0) counts nothing here: its spending is the funds card's
  未设预算的支出, not a share of any budget (``funds.budgeted_pairs``).

Pending is the same measure for reports 待审核 (always 0 for money). Both views
read one query — the items of the year in reach (switched off or not: an item
retired with 停用 still counts its target and its work in its year), each joined with what its
tasks achieved — and one funds statement, so the item rows add up to the category
rows by construction. Targets of different measures are never added together.
The whole county's checklist reads what each item did from the kept per-item summary
(``CountedItemYear``, ``kept.item_years``) instead of every counted task of the
year; a community's or a unit's sums its items' counted tasks.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from ..formatting import percent, target_unit
from ..models import (
    Category,
    Community,
    CountedTask,
    FundEntry,
    ResourceItem,
    TargetMeasure,
    Unit,
    Zone,
)
from ..models.work import measure_unit
from ..timeutil import local_today
from . import kept
from .batch import Plan, plan, run
from .figures import ONE, if_approved, if_submitted
from .funds import entry_conditions, in_budgeted_pairs, year_to_date
from .scope import Scope, as_ids, item_conditions, scope_conditions


class _TargetProgress:
    """What a yearly target and the amount done so far say, for items and categories."""

    @property
    def is_money(self) -> bool:
        return self.measure == TargetMeasure.money

    @property
    def percent(self) -> str:
        """Share of the target reached, one decimal ('26.5%'), '—' without a target."""
        return percent(self.done, self.target)

    @property
    def bar(self) -> int:
        """What the progress bar shows: done, capped at the target."""
        return min(self.done, self.target)


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
    measure: TargetMeasure
    unit: str  # the target's unit (formatting.target_unit): 场, 次, 人次, 户次, 处 … or 元
    target: int  # in the measure (fen for money)
    done: int
    pending: int  # reports 待审核, in the measure (0 for money)
    active: bool = True  # False: switched off (已停用); it still counts in its year


@dataclass(frozen=True)
class CategoryProgress(_TargetProgress):
    """The resource items of one category and one measure added up (several
    communities at once)."""

    category_code: str
    category_name: str
    measure: TargetMeasure
    unit: str
    items: int
    target: int
    done: int
    pending: int


def _measured(measure_col, activities, beneficiaries, quantity):
    """The figure an item's target counts, by its measure (money comes from funds)."""
    return case(
        (measure_col == TargetMeasure.activities, activities),
        (measure_col == TargetMeasure.beneficiaries, beneficiaries),
        (measure_col == TargetMeasure.quantity, quantity),
        else_=0,
    )


class _Checklist:
    """The resource items of a year in reach (retired ones too), and what was done
    against them."""

    def __init__(self, year: int, community_ids: Sequence[int] | None, unit_id: int | None,
                 until: date | None = None):
        self.year = year
        # the year up to the period's end, the cut-off the funds card counts too
        # (funds.year_to_date): one budget has one use rate on a page
        self.scope = Scope(*year_to_date(year, until), unit_id, as_ids(community_ids))
        measure = ResourceItem.target_measure
        if unit_id is None and community_ids is None and (until is None
                                                           or until > local_today()):
            # the whole county: each item's kept row per status, found by its key. They
            # hold the whole year's work: right while the period reaches today (no work
            # is approved ahead of its day); a period ended before today counts live.
            official, pending = kept.item_years(year)
            self._joins = [official, pending]
            done = [official[0].activities, official[0].people_served, official[0].quantity]
            waiting = [pending[0].activities, pending[0].people_served, pending[0].quantity]
        else:
            achieved = self._achieved_live()
            self._joins = [(achieved, achieved.c.item_id == ResourceItem.id)]
            c = achieved.c
            done = [c.activities, c.beneficiaries, c.quantity]
            waiting = [c.p_activities, c.p_beneficiaries, c.p_quantity]
        self.done = func.coalesce(_measured(measure, *done), 0)
        self.pending = func.coalesce(_measured(measure, *waiting), 0)

    def _achieved_live(self):
        """What each item in reach achieved, summed over its counted tasks of the year."""
        year = self.year

        def total(value):
            return func.coalesce(func.sum(value), 0)

        return (
            select(
                CountedTask.resource_item_id.label("item_id"),
                func.count(if_approved(ONE)).label("activities"),
                total(if_approved(CountedTask.people_served)).label("beneficiaries"),
                total(if_approved(CountedTask.quantity)).label("quantity"),
                func.count(if_submitted(ONE)).label("p_activities"),
                total(if_submitted(CountedTask.people_served)).label("p_beneficiaries"),
                total(if_submitted(CountedTask.quantity)).label("p_quantity"),
            )
            .join(ResourceItem, ResourceItem.id == CountedTask.resource_item_id)
            .where(*scope_conditions(self.scope, date=CountedTask.service_date),
                   *item_conditions(self.scope, year))
            .group_by(CountedTask.resource_item_id)
            .subquery()
        )

    def select(self, *columns):
        """``columns`` over the items in reach, joined with their category and with
        what their tasks achieved (``self.done``, ``self.pending``)."""
        query = (select(*columns).select_from(ResourceItem)
                 .join(Category, Category.id == ResourceItem.category_id))
        for target, on in self._joins:
            query = query.outerjoin(target, on)
        return query.where(*item_conditions(self.scope, self.year))

    def funds(self):
        """Fen spent in the year per (unit, community) ledger with a budget in reach
        (one statement; ``_funds`` reads it). The ledgers are ``funds.budgeted_pairs``,
        the ones the funds card's 预算使用率 counts, so the two agree."""
        # The pairs are selected once, not looked up per entry (a correlated EXISTS
        # searched a community's items for each of the county's fund entries).
        return (
            select(FundEntry.unit_id, FundEntry.community_id, func.sum(FundEntry.amount_fen))
            .where(*entry_conditions(self.scope), in_budgeted_pairs(self.scope, self.year))
            .group_by(FundEntry.unit_id, FundEntry.community_id)
        )


def _funds(rows) -> dict[tuple[int, int], int]:
    return {(u, c): int(total) for u, c, total in rows}


def _unit(measure, category_units) -> str:
    """What a target of ``measure`` and its progress are written in: 户 / 人 of
    beneficiaries are visits (户次 / 人次), as the sum they are compared with is."""
    measure = TargetMeasure(measure)
    return target_unit(measure_unit(measure, *category_units), measure)


# The category's columns both views read: enough to name its units (Category.unit_of).
_CATEGORY = (Category.code, Category.name, Category.activity_unit, Category.beneficiary_unit,
             Category.quantity_unit)




def resource_progress_plan(year: int, community_ids: Sequence[int] | None = None,
                           unit_id: int | None = None, until: date | None = None) -> Plan:
    """Each resource item of ``year`` (retired ones too, marked ``active=False``): yearly target and what is done so far
    (two statements, run together: the funds are read whether or not an item counts
    money, which costs less than a second round trip)."""
    checklist = _Checklist(year, community_ids, unit_id, until)
    items = (
        checklist.select(
            ResourceItem.id, ResourceItem.year, ResourceItem.unit_id, Unit.name,
            ResourceItem.community_id, Community.name, Zone.name, *_CATEGORY,
            ResourceItem.target_measure, ResourceItem.target, checklist.done, checklist.pending,
            ResourceItem.active,
        )
        .join(Unit, Unit.id == ResourceItem.unit_id)
        .join(Community, Community.id == ResourceItem.community_id)
        .outerjoin(Zone, Zone.id == ResourceItem.zone_id)
        .order_by(Community.sort_key, Category.sort_order, Zone.sort_key, Unit.sort_key,
                  ResourceItem.id)
    )
    return plan(items, checklist.funds(), shape=_items)


def resource_progress(year: int, community_ids: Sequence[int] | None = None,
                      unit_id: int | None = None, until: date | None = None
                      ) -> list[ItemProgress]:
    return run(resource_progress_plan(year, community_ids, unit_id, until))


def _items(rows, fund_rows) -> list[ItemProgress]:
    funds = _funds(fund_rows)
    result = []
    for (item_id, item_year, item_unit, unit_name, com_id, com_name, zone_name, code, cat_name,
         *units, measure, target, item_done, item_pending, active) in rows:
        if measure == TargetMeasure.money:
            item_done, item_pending = funds.get((item_unit, com_id), 0), 0
        result.append(ItemProgress(item_id, item_year, unit_name, com_id, com_name, zone_name,
                                   code, cat_name, TargetMeasure(measure),
                                   _unit(measure, units), int(target), int(item_done),
                                   int(item_pending), bool(active)))
    return result


def resource_progress_by_category_plan(year: int, community_ids: Sequence[int] | None = None,
                                       unit_id: int | None = None,
                                       until: date | None = None) -> Plan:
    """``resource_progress`` added up per category and measure, in the database (two
    statements, run together): the number of items, the sum of their targets and of
    what their tasks achieved in the year; for money, the funds spent by the (unit,
    community) pairs holding such an item, each pair counted once."""
    checklist = _Checklist(year, community_ids, unit_id, until)
    per_category = (
        checklist.select(
            *_CATEGORY, ResourceItem.target_measure,
            func.count(ResourceItem.id), func.coalesce(func.sum(ResourceItem.target), 0),
            func.coalesce(func.sum(checklist.done), 0),
            func.coalesce(func.sum(checklist.pending), 0),
        )
        .group_by(Category.id, *_CATEGORY, Category.sort_order, ResourceItem.target_measure)
        .order_by(Category.sort_order, Category.id, ResourceItem.target_measure)
    )
    return plan(per_category, checklist.funds(), shape=_categories)


def _categories(rows, fund_rows) -> list[CategoryProgress]:
    money_fen = sum(_funds(fund_rows).values())
    result = []
    for code, name, *units, measure, items, target, done, pending in rows:
        if measure == TargetMeasure.money:
            done, pending = money_fen, 0
        result.append(CategoryProgress(code, name, TargetMeasure(measure),
                                       _unit(measure, units), int(items), int(target),
                                       int(done), int(pending)))
    return result
