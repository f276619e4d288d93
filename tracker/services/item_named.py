"""The 已定稿 月报 and 年度总结 an admin's change of the resource checklist changes, named
before it is saved (review46 #2, #3).

A checklist item is printed by its year's 年度总结 — the 资源清单 sentence and 附表“资源清单完成
情况” (``reports.annual_text._section_checklist``, ``annual_tables._checklist_table``) give
its place, category, measure and target, in the unit's whole, in the unit's part of the
community and in the community's own 年度总结 — and, when it is a 共建活动经费 budget, by
every 月报 of its year too (``funds.budget_documents``). The 月报 prints no other target
(``rollups.double``'s targets are the year's only). So an edit that changes what the
year prints (``PRINTED``), a new item and 「从上一年度复制」 name the year's signed
年度总结 of each side, and a budget's months as ``funds.budget_documents`` does, in one
statement (``summary_notes.final_naming_places``) — not for an item the 年度总结 prints
nothing of: no 年度目标 and no approved work of its year (``_printed``, review46c #3).
重新启用 names the year's 年度总结 when the item takes over approved work of its year
(``reactivate_named``, review46c #2). The item's 说明 and 停用 print nothing: a
switched-off item still counts its target and its work in its year, and no document
says it is switched off (``rollups.scope.item_conditions``)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, cast, false, literal, null, select, true, union_all

from ..models import Member, ResourceItem, TargetMeasure
from .directory import items_to_copy
from .funds import Budget, budget_places, item_budgets, new_budgets
from .summary_notes import Naming, final_naming_places, may_change_final
from .tasks import year_work_counted

_KEY = 0  # one change: one key

# what the 年度总结 prints of an item (its done figures follow its tasks, which move with
# its line and year: ``tasks.move_onto_year_items``)
PRINTED = ("year", "unit_id", "community_id", "zone_id", "category_id", "target",
           "target_measure")


def _year_place(unit_id: int, community_id: int, year: int):
    """The place of a change the 年度总结 of ``year`` counts and no 月报 does: a day of
    the year, asked of its year alone (``summary_notes.final_naming_places``'
    ``year_only``); no ``through``, as no month is asked."""
    return select(literal(_KEY, Integer()).label("key"),
                  literal(unit_id, Integer()).label("unit_id"),
                  literal(community_id, Integer()).label("community_id"),
                  literal(date(year, 1, 1), Date()).label("day"),
                  cast(null(), Date()).label("through"),
                  true().label("year_only"))


def _printed(values, measure, *, item_id: int | None = None,
             takes_over: bool = True) -> tuple | None:
    """What the 年度总结 prints of an item with ``values`` (an item, or its values as posted:
    ``directory.ResourceItemData``), or None when its place is not ids yet (the item's own
    checks refuse it) or it prints nothing: no 年度目标 — 附表“资源清单完成情况” and the
    资源清单 sentence skip it — and no approved work of its year counted on it (a money
    item's is its ledger's, not its tasks'), which its category's figures would add
    (``tasks.year_work_counted``: ``item_id``'s own, and what it takes over)."""
    printed = tuple(measure if name == "target_measure" else getattr(values, name)
                    for name in PRINTED)
    ids = (values.year, values.unit_id, values.community_id)
    if any(isinstance(v, bool) or not isinstance(v, int) for v in ids):
        return None
    if not values.target and (measure == TargetMeasure.money or not year_work_counted(
            values, values.year, item_id=item_id, takes_over=takes_over)):
        return None
    return printed


def documents(printed: list[tuple], budgets: list[tuple[Budget | None, Budget | None]], *,
              lock: bool = False) -> Naming | None:
    """The signed documents of the years ``printed`` (items as ``_printed`` gives them:
    their 年度总结) and of the budgets changed from one to the other (``funds.budget_places``:
    every month of the budget's year too). ``lock``: asked by the save under its own
    locks, the months' share locks last (``final_naming_places``)."""
    places = [_year_place(p[1], p[2], p[0]) for p in dict.fromkeys(printed)]
    for before, after in budgets:
        # a budget's places ask its year's months too (``funds.budget_places``)
        places.extend(place.add_columns(false().label("year_only"))
                      for place in budget_places(before, after))
    if not places:
        return None
    return final_naming_places(union_all(*places).subquery(), lock=lock).get(_KEY)


def item_named(item: ResourceItem, actor: Member, data, *, lock: bool = False) -> Naming | None:
    """For an admin: what an edit of ``item`` to ``data`` (its values as posted, or as the
    save merged them with another admin's change: ``directory.save_resource_item``)
    changes — the 年度总结 of the item's year before and after when what it prints changes,
    and the budget's months (``funds.budget_documents``) —; None when nothing signed is."""
    if not may_change_final(actor):
        return None  # only an admin edits the checklist (``directory`` refuses others)
    measure = data.target_measure or item.target_measure
    # an item edited onto another year or line takes over that one's work, if switched on
    moves = any(getattr(data, name) != getattr(item, name)
                for name in ("year", "unit_id", "community_id", "zone_id", "category_id"))
    before = _printed(item, item.target_measure, item_id=item.id, takes_over=False)
    after = _printed(data, measure, item_id=item.id, takes_over=moves and item.active)
    printed = [p for p in (before, after) if p is not None] if before != after else []
    return documents(printed, [item_budgets(item, data)], lock=lock)


def new_items_named(actor: Member, items: list, *, lock: bool = False) -> Naming | None:
    """For an admin: what new items (their values: ``directory.ResourceItemData`` as
    posted, or a copy's) change — each one's year's 年度总结, and a budget's months."""
    if not may_change_final(actor) or not items:
        return None
    printed = [p for p in (_printed(i, i.target_measure) for i in items) if p is not None]
    budgets = [(None, budget) for budget in new_budgets(items)]
    return documents(printed, budgets, lock=lock)


def copy_named(actor: Member, to_year, *, unit_id: int | None = None,
               community_id: int | None = None, lock: bool = False) -> Naming | None:
    """For an admin: what 「从上一年度复制」 into ``to_year`` changes — the items it would
    make (``directory.items_to_copy``), as ``new_items_named`` names them; asked again by
    the copy itself once its lines are held (``lock``)."""
    if not may_change_final(actor):
        return None
    return new_items_named(actor, items_to_copy(to_year, unit_id=unit_id,
                                                community_id=community_id), lock=lock)


def reactivate_named(item: ResourceItem, actor: Member, *, lock: bool = False) -> Naming | None:
    """For an admin: what 重新启用 of ``item`` changes — the 年度总结 of its year when it
    takes over approved work of that year recorded on another year's item of its line
    (``tasks.move_onto_year_items``): the year's checklist then counts it on the item, in
    its figure and its category's. No 月报: they count an activity by its date, unit,
    place and category, which the move keeps, and print no checklist. None when it takes
    nothing over (a money item's figure is its ledger's), or is on already. ``lock``: asked
    by ``directory.set_active`` after the line's lock (``lock_lines``), so what it takes
    over is what the page was compared with."""
    if item.active or not may_change_final(actor) or item.target_measure == TargetMeasure.money:
        return None
    if not year_work_counted(item, item.year):
        return None
    return documents([(item.year, item.unit_id, item.community_id)], [], lock=lock)
