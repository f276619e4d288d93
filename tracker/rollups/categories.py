"""The categories as the figures name them, in display order (``figures``, ``double``)."""
from __future__ import annotations

from collections import namedtuple

from sqlalchemy import select

from ..models import Category
from .batch import Plan, plan, run


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
