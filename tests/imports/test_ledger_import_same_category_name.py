"""Two categories of one name (an admin's own category named as an earlier one): the
台账 import reads the 类别 column by name, and which of the two it takes is a rule, not
the database's row order."""
from __future__ import annotations

from sqlalchemy import select, update

from tests import factories as f
from tests.imports.test_ledger_import_service import imported, row, sheet
from tracker.extensions import db
from tracker.models import Category, Task


def test_of_two_categories_of_one_name_the_import_takes_the_one_made_last(october):
    """The later category is the name's newest use, the one the admin made it for. The
    earlier one's row is rewritten after the later one is made, so a database reading
    rows as they lie (PostgreSQL's heap) meets the earlier one last."""
    earlier = f.category("tree_planting_old", "义务植树")
    later = f.category("tree_planting", "义务植树")
    for category in (earlier, later):
        f.item(october.unit, october.jiefang, category, year=2022)
    db.session.commit()
    db.session.execute(update(Category).where(Category.id == earlier.id).values(sort_order=510))
    db.session.commit()

    data = sheet([row(october, october.members["郑某某"], title="植树", category="义务植树",
                      leader="是")])
    assert imported(october.liaison, data).activities == 1

    task = db.session.scalar(select(Task).where(Task.title == "植树"))
    assert task.category_id == later.id
