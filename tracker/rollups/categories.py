"""The categories as the figures name them, in display order (``figures``, ``double``),
and where each section's work took place (the 月报's communities per section)."""
from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass

from sqlalchemy import func, select

from ..models import Category, Community, CountedTask, ReportStatus, Section
from .batch import Plan, plan, run
from .scope import Scope, counted_task_conditions


# A category as the figures name it: a plain row, so it can come in a batch.
CategoryRow = namedtuple("CategoryRow", "id code name section activity_unit quantity_unit "
                                        "beneficiary_unit active")


# One statement object for every plan listing the categories: a batch reads it once.
_CATEGORIES = (select(Category.id, Category.code, Category.name, Category.section,
                      Category.activity_unit, Category.quantity_unit,
                      Category.beneficiary_unit, Category.active)
               .order_by(Category.sort_order, Category.id))


def categories_plan() -> Plan:
    """All categories in display order (one statement)."""
    return plan(_CATEGORIES, shape=lambda rows: [CategoryRow(*row) for row in rows])


def categories() -> list[CategoryRow]:
    return run(categories_plan())


@dataclass(frozen=True)
class CommunitySection:
    community_id: int
    community_name: str
    section: Section
    activities: int  # approved reports


def activities_by_community_section_plan(scope: Scope) -> Plan:
    """Where each section's official work took place: approved activities per
    community and category section, by community name (one statement)."""
    return plan(
        select(CountedTask.community_id, Community.name, Category.section, func.count())
        .join(Category, Category.id == CountedTask.category_id)
        .join(Community, Community.id == CountedTask.community_id)
        .where(CountedTask.report_status == ReportStatus.approved, *counted_task_conditions(scope))
        .group_by(CountedTask.community_id, Community.name, Community.sort_key, Category.section)
        .order_by(Community.sort_key, CountedTask.community_id),
        shape=lambda rows: [CommunitySection(cid, name, Section(section), int(n))
                            for cid, name, section, n in rows])
