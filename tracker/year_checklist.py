"""Next year's 资源清单 before January needs it.

An activity dated in a year whose checklist lacks its line stays on another year's item
(``services.tasks.item_of_year``) and counts toward no year's checklist progress until
an admin adds or copies that year's items (``directory.copy_items_from_previous_year``).
A weekly series planned in December already runs into January, so from 1 December
(Beijing date) the year asked about is the next one, and the admin is reminded; from
1 January the same gap, still open, is a warning: work is landing on last year's items.

The figures are scalar subqueries, read in the 工作台's counts statement
(``manage.queries.home_count_columns``) or alone on the 资源清单 list — one statement
either way. The year is written into them (it changes once a year), so a statement
built once per reach and year keeps one text.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import aliased

from .extensions import db
from .models import Category, Community, ResourceItem, Task, TaskStatus, Unit, Zone
from .reach import Reach


def asked_year(today: date) -> int:
    """The year whose checklist the admin is asked about on ``today``: the next one from
    1 December, else this one."""
    return today.year + 1 if today.month == 12 else today.year


def _missing_pairs(reach: Reach, year: int):
    """The (unit, community) pairs in ``reach`` with an item of ``year - 1`` that 「从上一
    年度复制」 would copy (active, its unit, community, category and zone in use) and
    no item at all of ``year`` (an item of ``year`` switched off is the admin's choice)."""
    item, new = ResourceItem, aliased(ResourceItem)
    zone_ok = or_(item.zone_id.is_(None),
                  select(Zone.id).where(Zone.id == item.zone_id, Zone.active.is_(True)).exists())
    return (select(item.community_id)
            .join(Unit, Unit.id == item.unit_id)
            .join(Community, Community.id == item.community_id)
            .join(Category, Category.id == item.category_id)
            .where(item.year == year - 1, item.active.is_(True), Unit.active.is_(True),
                   Community.active.is_(True), Category.active.is_(True), zone_ok,
                   *reach.conditions(item.community_id),
                   ~select(new.id).where(new.year == year, new.unit_id == item.unit_id,
                                         new.community_id == item.community_id).exists())
            .subquery())


def columns(reach: Reach, year: int) -> dict:
    """{name: scalar subquery}: ``checklist_missing`` — communities of the reach lacking
    ``year``'s checklist (``_missing_pairs``), ``checklist_missing_one`` — the lowest of
    their ids (the one, when there is one), ``checklist_off_year`` — activities of the reach dated in ``year``, not
    cancelled, on another year's item."""
    pairs = _missing_pairs(reach, year)
    # correlated, by the item's key: ``IN (items of other years)`` reads every year's items
    other_years = select(ResourceItem.id).where(ResourceItem.id == Task.resource_item_id,
                                                ResourceItem.year != year).exists()
    off_year = (select(func.count()).select_from(Task)
                .where(Task.service_date >= date(year, 1, 1),
                       Task.service_date <= date(year, 12, 31),
                       Task.status != TaskStatus.cancelled,
                       other_years,
                       *reach.conditions(Task.community_id)))
    return {
        "checklist_missing": select(func.count(distinct(pairs.c.community_id)))
        .scalar_subquery(),
        "checklist_missing_one": select(func.min(pairs.c.community_id)).scalar_subquery(),
        "checklist_off_year": off_year.scalar_subquery(),
    }


@dataclass(frozen=True)
class ChecklistDue:
    """What the 工作台 and the 资源清单 list say about ``year``'s checklist."""

    year: int
    communities: int  # communities lacking it
    community_id: int | None  # the one, when one lacks it: the copy form's prefill
    activities: int  # activities of ``year`` already on another year's item
    started: bool  # ``year`` has begun: a warning, no longer a reminder

    @property
    def link_args(self) -> dict:
        """The copy form's query arguments (``admin.items`` opens it for an empty year)."""
        return {"year": self.year} | ({"community": self.community_id}
                                      if self.communities == 1 else {})


def due_from(year: int, today: date, counts: dict) -> ChecklistDue | None:
    """``columns``' counts as a ``ChecklistDue``; None when nothing is to be said."""
    missing, off_year = int(counts["checklist_missing"] or 0), int(counts["checklist_off_year"] or 0)
    if not missing and not off_year:
        return None
    return ChecklistDue(year, missing, counts["checklist_missing_one"] or None, off_year,
                        started=today.year >= year)


def checklist_due(reach: Reach, today: date) -> ChecklistDue | None:
    """``due_from`` of the reach on ``today``, in one statement of its own."""
    year = asked_year(today)
    cols = columns(reach, year)
    row = db.session.execute(select(*cols.values())).one()
    return due_from(year, today, dict(zip(cols, row)))


__all__ = ["ChecklistDue", "asked_year", "checklist_due", "columns", "due_from"]
