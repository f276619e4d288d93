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
nothing of: no 年度目标 and no approved work of its year that a document's category
clause adds up (``_printed``, ``work_places``; review46c #3, review47b #1). 重新启用 names
the year's 年度总结 that print the approved work of its year the item takes over
(``reactivate_named``, review46c #2). The item's 说明 and 停用 print nothing: a
switched-off item still counts its target and its work in its year, and no document
says it is switched off (``rollups.scope.item_conditions``)."""
from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy import (Boolean, Date, Integer, and_, cast, distinct, exists, false, func, literal, null,
                        or_, select, true, union_all)

from ..extensions import db
from ..models import CountedTask, Member, ReportStatus, ResourceItem, TargetMeasure
from .directory import items_to_copy
from .funds import Budget, budget_places, item_budgets, new_budgets
from .summary_notes import Naming, final_naming_places, may_change_final

_KEY = 0  # one change: one key

# what the 年度总结 prints of an item (its done figures follow its tasks, which move with
# its line and year: ``tasks.move_onto_year_items``)
PRINTED = ("year", "unit_id", "community_id", "zone_id", "category_id", "target",
           "target_measure")


class Printed(NamedTuple):
    """What the 年度总结 prints of an item (``PRINTED``'s values), and the places whose
    signed 年度总结 print it (``_year_place``'s: the year, the unit or None, the
    community or None, and maybe ``part_only``)."""

    values: tuple
    places: tuple


def _year_place(year: int, unit_id: int | None, community_id: int | None,
                part_only: bool = False):
    """The place of a change the 年度总结 of ``year`` counts and no 月报 does: a day of
    the year, asked of its year alone (``summary_notes.final_naming_places``'
    ``year_only``); no ``through``, as no month is asked. The unit's whole, its part in
    the community and the community's own are asked of a place of both — the part alone
    with ``part_only`` (``work_places``: a clause only the part's document prints); a
    place of the unit alone (community None) asks the unit's whole only, one of the
    community alone the community's own only (``_final_notes_of``: no note's scope
    equals a NULL)."""
    return select(literal(_KEY, Integer()).label("key"),
                  literal(unit_id, Integer()).label("unit_id"),
                  literal(community_id, Integer()).label("community_id"),
                  literal(date(year, 1, 1), Date()).label("day"),
                  cast(null(), Date()).label("through"),
                  true().label("year_only"),
                  literal(part_only, Boolean()).label("part_only"))


# the figure an item's 年度目标 counts of an approved activity, by its measure
# (``rollups.checklist._measured``): an activity, its 受益, its 完成数量
_FIGURE = {TargetMeasure.activities: true(),
           TargetMeasure.beneficiaries: CountedTask.people_served > 0,
           TargetMeasure.quantity: CountedTask.quantity > 0}


def work_places(line, year: int, measure, *, target: int, item_id: int | None = None,
                takes_over: bool = True) -> tuple:
    """The places (``_year_place``'s) whose 年度总结 of ``year`` print approved work of an
    item of ``line`` (its four ids) counted in ``measure``, not money — its own
    (``item_id``'s) or, ``takes_over``, what it takes over from another year's item of
    the line (``tasks.move_onto_year_items``) —, as the document prints it: () when none
    adds to a figure. With a 年度目标 the item is a row of 附表“资源清单完成情况”, its
    完成 printed in all three documents of its place. Without one, the 附表 and the
    资源清单 sentence skip it (``annual_tables._checklist_table``,
    ``annual_text._section_checklist``): its work shows only in the document whose scope
    (the unit's whole, the community's own, the unit's part of it) has an item of the
    category with a 年度目标 in its measure — the category's clause adds its work to its
    完成 (review47b #1) —, or, none, a category whose one clause, of another measure, is
    printed and now says whose target it is, this measure having work too where none of
    its items had (``_category_clauses``, ``_whose``; reactivate47: not wider). One
    statement."""
    if not isinstance(line.category_id, int) or not (
            line.zone_id is None or isinstance(line.zone_id, int)):
        return ()  # not ids yet: the item's own checks refuse it
    on = []
    if item_id is not None:
        on.append(CountedTask.resource_item_id == item_id)
    if takes_over:
        on.append(CountedTask.resource_item_id.in_(
            select(ResourceItem.id).where(ResourceItem.year != year)))
    if not on or measure not in _FIGURE:
        return ()
    zone = (CountedTask.zone_id.is_(None) if line.zone_id is None
            else CountedTask.zone_id == line.zone_id)
    work = exists().where(
        CountedTask.report_status == ReportStatus.approved, _FIGURE[measure],
        CountedTask.service_date >= date(year, 1, 1), CountedTask.service_date <= date(year, 12, 31),
        CountedTask.unit_id == line.unit_id, CountedTask.community_id == line.community_id,
        zone, CountedTask.category_id == line.category_id, or_(*on))

    def items(*where):
        # the category's other items of the year in a document's scope (an item switched
        # off too: ``item_conditions``); a budget is no work's target
        return [ResourceItem.year == year, ResourceItem.category_id == line.category_id,
                ResourceItem.target_measure != TargetMeasure.money,
                ResourceItem.id != (item_id or 0), *where]

    def worked():
        # an item's approved work of the year that adds to its own measure's 完成
        # (``rollups.checklist._measured``)
        return exists().where(
            CountedTask.resource_item_id == ResourceItem.id,
            CountedTask.report_status == ReportStatus.approved,
            CountedTask.service_date >= date(year, 1, 1),
            CountedTask.service_date <= date(year, 12, 31),
            or_(*(and_(ResourceItem.target_measure == kind, figure)
                  for kind, figure in _FIGURE.items())))

    def shown(*where):
        """Whether a document of the scope ``where`` prints the work: its category's
        clause in the item's measure adds it (another item of that measure has a
        target), or — none has — the category's one clause, of another measure (a target
        and work done: it prints), gains 「whose」 once this measure has work too, which
        none of its items had (``_category_clauses``: a category of one measure with a
        target or work reads bare) (reactivate47)."""
        same = ResourceItem.target_measure == measure
        other = ResourceItem.target_measure != measure
        measures = (select(func.count(distinct(ResourceItem.target_measure)))
                    .where(*items(*where), other, or_(ResourceItem.target > 0, worked()))
                    .scalar_subquery())
        return or_(
            exists().where(*items(*where), same, ResourceItem.target > 0),
            and_(~exists().where(*items(*where), same, worked()), measures == 1,
                 exists().where(*items(*where), other, ResourceItem.target > 0),
                 exists().where(*items(*where), other, worked())))

    unit, community = line.unit_id, line.community_id
    has_work, in_part, in_unit, in_community = db.session.execute(select(
        work, shown(ResourceItem.unit_id == unit, ResourceItem.community_id == community),
        shown(ResourceItem.unit_id == unit),
        shown(ResourceItem.community_id == community))).one()
    if not has_work:
        return ()
    if target:
        # its row of the 附表 is in all three documents: a place of both asks them all
        # (``_year_place``), the unit's part and its whole and the community's own
        return ((year, unit, community),)
    # each document whose clause prints it, and only those: the part's clause may gain
    # 「whose」 where the whole's (two measures already) or the community's says it
    # already (scope48)
    return tuple(place for place, printed in (((year, unit, community, True), in_part),
                                              ((year, unit, None), in_unit),
                                              ((year, None, community), in_community))
                 if printed)


def _printed(values, measure, *, item_id: int | None = None,
             takes_over: bool = True) -> Printed | None:
    """What the 年度总结 prints of an item with ``values`` (an item, or its values as posted:
    ``directory.ResourceItemData``), and where, or None when its place is not ids yet (the
    item's own checks refuse it) or it prints nothing: no 年度目标 — 附表“资源清单完成情况”
    and the 资源清单 sentence skip it — and no approved work of its year shown by a
    document (``work_places``: ``item_id``'s own, and what it takes over; a money item's
    work is its ledger's, not its tasks')."""
    printed = tuple(measure if name == "target_measure" else getattr(values, name)
                    for name in PRINTED)
    ids = (values.year, values.unit_id, values.community_id)
    if any(isinstance(v, bool) or not isinstance(v, int) for v in ids):
        return None
    if values.target:
        return Printed(printed, ((values.year, values.unit_id, values.community_id),))
    if measure == TargetMeasure.money:
        return None
    places = work_places(values, values.year, measure, target=0, item_id=item_id,
                         takes_over=takes_over)
    return Printed(printed, places) if places else None


def documents(printed: list[Printed], budgets: list[tuple[Budget | None, Budget | None]], *,
              lock: bool = False) -> Naming | None:
    """The signed documents of the years ``printed`` (items as ``_printed`` gives them:
    their 年度总结, of the places that print them) and of the budgets changed from one to
    the other (``funds.budget_places``: every month of the budget's year too). ``lock``:
    asked by the save under its own locks, the months' share locks last
    (``final_naming_places``)."""
    places = [_year_place(*place) for place in dict.fromkeys(
        place for p in printed for place in p.places)]
    for before, after in budgets:
        # a budget's places ask its year's months too (``funds.budget_places``)
        places.extend(place.add_columns(false().label("year_only"),
                                        false().label("part_only"))
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
    """For an admin: what 重新启用 of ``item`` changes — the 年度总结 of its year that print
    the approved work of that year it takes over from another year's item of its line
    (``tasks.move_onto_year_items``; ``work_places``: with a 年度目标, its row of the 附表
    and its category's figure; without, its category's clause where the category has a
    target). No 月报: they count an activity by its date, unit, place and category,
    which the move keeps, and print no checklist. None when it takes over nothing a
    document prints (a money item's figure is its ledger's), or is on already.
    ``lock``: asked by ``directory.set_active`` once the line's items, the category's
    row and then the tasks it takes over are held (``lock_lines``,
    ``tasks.lock_categories``, ``tasks.lock_year_work``), so what it takes over — their
    reports approved or not — and the category's other items that say where its work is
    printed are what the page was compared with."""
    if item.active or not may_change_final(actor) or item.target_measure == TargetMeasure.money:
        return None
    places = work_places(item, item.year, item.target_measure, target=item.target)
    if not places:
        return None
    return documents([Printed((), places)], [], lock=lock)
