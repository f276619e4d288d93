"""An admin changes how an admin's own category counts while another admin adds its first
checklist item — in separate processes (two gunicorn workers) on PostgreSQL. SQLite's
writers take turns anyway, so these run only with TEST_DATABASE_URL.

The rule (docs/design.md, "Categories"): a category's section and units are frozen once
the checklist uses it (``directory.category_frozen_fields``), and an item's target is in
a measure its category has. Every activity is made from an item of its category, so the
freeze is what keeps a past figure — a signed month's, the counted rows'
``people_served``, the kept households — in the unit it was counted in (keptstale42).
It holds at the same moment only because the units' edit locks the category's row
whole (``FOR UPDATE``, which an item's insert, key-sharing it, waits for or holds back)
and the item key-shares the row and reads it again before it checks its measure: the
second of the two waits for the first and reads what it left. Before, neither waited:
the units changed under an item added meanwhile, whose target was in 受益 (人次) of a
category that no longer counted any. Each order is forced (``tests.races.race_in_order``).
"""
from __future__ import annotations

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
FROZEN = "该类别已在使用，板块和计量单位不能修改。"
NO_SUCH_MEASURE = "“义务植树”的年度目标不能按这种方式计。"


def _world(url):
    """Two admins; 义务植树, an admin's own category (次, 完成数量 in 棵, 受益 in 人次),
    on no checklist item yet."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Role

    with race_world(url) as (app, unit, item, _liaison):
        admin, admin2 = (f.member(unit, Role.admin, name=n) for n in ("管理员甲", "管理员乙"))
        trees = f.category(quantity="棵", beneficiary="人次")
        db.session.commit()
        return app, dict(admin=admin.id, admin2=admin2.id, unit=unit.id,
                         community=item.community_id, category=trees.id, year=item.year)


def add_its_first_item(ids):
    """管理员甲 adds 义务植树 to the checklist: a target of 200 people reached (受益)."""
    from tracker.extensions import db
    from tracker.models import Member, TargetMeasure
    from tracker.services.directory import ResourceItemData, add_resource_item

    add_resource_item(db.session.get(Member, ids["admin"]), ResourceItemData(
        unit_id=ids["unit"], community_id=ids["community"], category_id=ids["category"],
        year=ids["year"], target=200, target_measure=TargetMeasure.beneficiaries))


def drop_its_beneficiaries(ids):
    """管理员乙 saves 义务植树's form with no 受益 (from a page showing it on no item)."""
    from tracker.extensions import db
    from tracker.models import Category, Member, Section
    from tracker.services.directory import CategoryData, update_category

    trees = db.session.get(Category, ids["category"])
    update_category(trees, db.session.get(Member, ids["admin2"]), CategoryData(
        trees.code, trees.name, Section.volunteer, "次", "棵", None))


def _state(app, ids) -> tuple:
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Category, ResourceItem

    with app.app_context():
        unit = db.session.get(Category, ids["category"]).beneficiary_unit
        measures = list(db.session.scalars(select(ResourceItem.target_measure).where(
            ResourceItem.category_id == ids["category"])))
        db.session.remove()
        db.engine.dispose()
    return unit, [m.value for m in measures]


def test_units_changed_after_its_first_item_are_refused(tmp_path):
    """The item first: the units' edit waits for it, reads that the checklist now uses
    the category, and is refused — nothing written."""
    with race_database("postgresql", tmp_path, "catitemfirst") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "add_its_first_item", "drop_its_beneficiaries")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["add_its_first_item"]["ok"] is True
        assert got["drop_its_beneficiaries"]["waited"] is True
        assert got["drop_its_beneficiaries"]["refused"] == FROZEN
        assert _state(app, ids) == ("人次", ["beneficiaries"])


def test_an_item_added_after_the_units_changed_reads_them(tmp_path):
    """The units first: the item waits for them, reads that 义务植树 counts no 受益
    now, and is refused on its form — nothing written."""
    with race_database("postgresql", tmp_path, "catunitsfirst") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "drop_its_beneficiaries", "add_its_first_item")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["drop_its_beneficiaries"]["ok"] is True
        assert got["add_its_first_item"]["waited"] is True
        assert got["add_its_first_item"]["refused"] == NO_SUCH_MEASURE
        assert _state(app, ids) == (None, [])
