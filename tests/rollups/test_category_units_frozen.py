"""How a category counts is fixed once it has a past figure (docs/design.md, "Categories":
frozen once the checklist uses it).

The counted rows keep a report's 受益 only where its category has a 受益 unit
(``CountedTask.people_served``), and the kept households (``CountedServed*``) only for a
category in 户 or 人. A category's unit changed afterwards would re-read every past
figure of it — a signed month's too — and nothing refreshes those rows on a category's
edit (hhkept41 Open). It never has to: an activity is made from a checklist item of its
category, an item is never deleted and keeps its category once it has activities, so a
category with any activity has an item and its units are refused, whatever the new
one. A change of a signed month's figures is either named first or refused (the
signed-month rule); a unit re-reading all of them is refused, the figures stay as
signed and the counted rows as ``rebuild()`` derives them.
"""
from __future__ import annotations

from datetime import date

import pytest

from tests import factories as f
from tests.reports.test_served_units import category_rows, text_of
from tests.rollups import builders as b
from tests.rollups.counted import assert_in_sync, row_of
from tracker.extensions import db
from tracker.models import Section
from tracker.reports.summary import build_summary
from tracker.services import ServiceError
from tracker.services.directory import CategoryData, category_frozen_fields, update_category


def _trees(world):
    """An admin's own 义务植树 (次; 完成数量 in 棵, 受益 in 人次), one activity approved
    in May 2025 (120 trees, 30 people reached), the unit's May 月报 已定稿."""
    trees = f.category(quantity="棵", beneficiary="人次")
    item = f.item(world.unit, world.community, trees, year=2025)
    task = f.task(item, world.liaison, starts_at=b.at_local(date(2025, 5, 6)), title="植树")
    b.join(task, world.member, minutes=120)
    f.reported(task, world.liaison, approved=True, people_served=30, signed_by=world.admin)
    return trees, task


@pytest.mark.parametrize("unit", ["户", "人", None])
def test_an_approved_activity_keeps_its_categorys_beneficiary_unit(world, unit):
    trees, task = _trees(world)
    may = category_rows(build_summary(2025, 5, unit=world.unit))[trees.name]
    assert "30人次" in may and "义务植树" in text_of(build_summary(2025, 5, unit=world.unit))
    assert "beneficiary_unit" in category_frozen_fields(trees)
    with pytest.raises(ServiceError) as refused:
        update_category(trees, world.admin, CategoryData(
            trees.code, trees.name, Section.volunteer, "次", "棵", unit))
    assert refused.value.field == "beneficiary_unit"
    assert str(refused.value.message) == "该类别已在使用，板块和计量单位不能修改。"
    db.session.rollback()
    db.session.expire_all()
    assert trees.beneficiary_unit == "人次"
    # the signed month reads as it was signed, and the kept rows are what they derive
    assert category_rows(build_summary(2025, 5, unit=world.unit))[trees.name] == may
    assert row_of(task).people_served == 30
    assert_in_sync()

