"""Checklist progress (资源清单进展): each resource item's yearly target and what is
done against it, item by item (one community) or added up per category (several).

Both views read one query — the active items of the year in reach, each joined with
what its tasks achieved in the year — and one funds statement, so the sum of the
item rows is the category row by construction.

done = approved quantity of the item's tasks with a service date in that year
(pending: the same for reports 待审核); for 共建活动经费 items, the funds spent in
that year by the item's unit in its community (the FundEntry ledger, net of
reversals — the figure ``funds.fund_figures`` gives), in whole yuan.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import exists, func, select

from ..extensions import db
from ..models import Category, Community, CountedTask, FundEntry, ResourceItem, Unit, Zone
from ..reference import FUNDING_CODE
from .figures import if_approved, if_submitted
from .funds import entry_conditions
from .scope import Scope, as_ids, item_conditions, scope_conditions, year_range


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


class _Checklist:
    """The active resource items of a year in reach, and what was done against them."""

    def __init__(self, year: int, community_ids: Sequence[int] | None, unit_id: int | None):
        self.year = year
        self.scope = Scope(*year_range(year), unit_id, as_ids(community_ids))
        achieved = (
            select(
                CountedTask.resource_item_id.label("item_id"),
                func.coalesce(func.sum(if_approved(CountedTask.quantity)), 0).label("done"),
                func.coalesce(func.sum(if_submitted(CountedTask.quantity)), 0).label("pending"),
            )
            .join(ResourceItem, ResourceItem.id == CountedTask.resource_item_id)
            .where(*scope_conditions(self.scope, date=CountedTask.service_date),
                   *item_conditions(self.scope, year))
            .group_by(CountedTask.resource_item_id)
            .subquery()
        )
        self._achieved = achieved
        self.done = func.coalesce(achieved.c.done, 0)
        self.pending = func.coalesce(achieved.c.pending, 0)

    def select(self, *columns):
        """``columns`` over the items in reach, joined with their category and with
        what their tasks achieved (``self.done``, ``self.pending``)."""
        return (
            select(*columns)
            .select_from(ResourceItem)
            .join(Category, Category.id == ResourceItem.category_id)
            .outerjoin(self._achieved, self._achieved.c.item_id == ResourceItem.id)
            .where(*item_conditions(self.scope, self.year))
        )

    def funds(self) -> dict[tuple[int, int], int]:
        """Fen spent in the year per (unit, community) holding a 共建活动经费 item in
        reach (one statement)."""
        funding_item = (
            select(ResourceItem.id)
            .join(Category, Category.id == ResourceItem.category_id)
            .where(ResourceItem.unit_id == FundEntry.unit_id,
                   ResourceItem.community_id == FundEntry.community_id,
                   Category.code == FUNDING_CODE, *item_conditions(self.scope, self.year))
        )
        rows = db.session.execute(
            select(FundEntry.unit_id, FundEntry.community_id, func.sum(FundEntry.amount_fen))
            .where(*entry_conditions(self.scope), exists(funding_item))
            .group_by(FundEntry.unit_id, FundEntry.community_id)
        )
        return {(u, c): int(total) for u, c, total in rows}


def resource_progress(year: int, community_ids: Sequence[int] | None = None,
                      unit_id: int | None = None) -> list[ItemProgress]:
    """Each active resource item of ``year``: yearly target and what is done so far
    (two statements)."""
    checklist = _Checklist(year, community_ids, unit_id)
    rows = db.session.execute(
        checklist.select(
            ResourceItem.id, ResourceItem.year, ResourceItem.unit_id, Unit.name,
            ResourceItem.community_id, Community.name, Zone.name,
            Category.code, Category.name, Category.measure, ResourceItem.target,
            checklist.done, checklist.pending,
        )
        .join(Unit, Unit.id == ResourceItem.unit_id)
        .join(Community, Community.id == ResourceItem.community_id)
        .outerjoin(Zone, Zone.id == ResourceItem.zone_id)
        .order_by(Community.name, Category.sort_order, Zone.name, Unit.name, ResourceItem.id)
    ).all()
    funds = checklist.funds() if any(row[7] == FUNDING_CODE for row in rows) else {}
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


def resource_progress_by_category(year: int, community_ids: Sequence[int] | None = None,
                                  unit_id: int | None = None) -> list[CategoryProgress]:
    """``resource_progress`` added up per category, in the database (two statements):
    the number of items, the sum of their targets and of what their tasks achieved in
    the year; for 共建活动经费, the funds spent by the (unit, community) pairs holding
    such an item, each pair counted once."""
    checklist = _Checklist(year, community_ids, unit_id)
    rows = db.session.execute(
        checklist.select(
            Category.code, Category.name, Category.measure,
            func.count(ResourceItem.id), func.coalesce(func.sum(ResourceItem.target), 0),
            func.coalesce(func.sum(checklist.done), 0),
            func.coalesce(func.sum(checklist.pending), 0),
        )
        .group_by(Category.id, Category.code, Category.name, Category.measure,
                  Category.sort_order)
        .order_by(Category.sort_order, Category.id)
    ).all()
    fund_fen = 0
    if any(row[0] == FUNDING_CODE for row in rows):
        fund_fen = sum(checklist.funds().values())
    result = []
    for code, name, measure, items, target, done, pending in rows:
        if code == FUNDING_CODE:
            result.append(CategoryProgress(code, name, measure, int(items), int(target),
                                           fund_fen // 100, 0, fund_fen))
        else:
            result.append(CategoryProgress(code, name, measure, int(items), int(target),
                                           int(done), int(pending)))
    return result
