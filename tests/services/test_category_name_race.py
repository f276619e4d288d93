"""Two admins make a category of one name at the same moment — in separate processes
(two gunicorn workers) on PostgreSQL. SQLite's writers take turns anyway, so this runs
only with TEST_DATABASE_URL.

The rule (docs/design.md, "Categories"): no two active categories share a name — the
ledger import could not tell which a 类别 cell means. No unique index can hold it (a
category 停用 may share its name), so the save holds the name first
(``directory._active_namesake``): the second waits for the first and reads its category.
The order is forced (``tests.races.race_in_order``)."""
from __future__ import annotations

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
TAKEN = "已有启用的同名类别：请换一个名称；如原来的类别不再使用，请先将其停用。"


def _world(url):
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Role

    with race_world(url) as (app, unit, _item, _liaison):
        admin, admin2 = (f.member(unit, Role.admin, name=n) for n in ("管理员甲", "管理员乙"))
        db.session.commit()
        return app, dict(admin=admin.id, admin2=admin2.id)


def _create(admin_id: int, code: str) -> None:
    from tracker.extensions import db
    from tracker.models import Member, Section
    from tracker.services.directory import CategoryData, create_category

    create_category(db.session.get(Member, admin_id),
                    CategoryData(code, "义务植树", Section.volunteer, "次", "棵"))


def first_admin_creates(ids):
    _create(ids["admin"], "tree_planting")


def second_admin_creates(ids):
    _create(ids["admin2"], "trees")


def _named(app) -> list[str]:
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Category

    with app.app_context():
        codes = list(db.session.scalars(select(Category.code)
                                        .where(Category.name == "义务植树")))
        db.session.remove()
        db.engine.dispose()
    return codes


def test_the_second_of_two_categories_of_one_name_waits_and_is_refused(tmp_path):
    with race_database("postgresql", tmp_path, "catname") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "first_admin_creates", "second_admin_creates")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["first_admin_creates"]["ok"] is True
        assert got["second_admin_creates"]["waited"] is True
        assert got["second_admin_creates"]["refused"] == TAKEN
        assert _named(app) == ["tree_planting"]


def _twins(url):
    """义务植树 active, and 停用 绿化 (an inactive category may take any name)."""
    from tests import factories as f
    from tracker.extensions import db

    app, ids = _world(url)
    with app.app_context():
        f.category("tree_planting", "义务植树")
        greening = f.category("greening", "绿化")
        greening.active = False
        db.session.commit()
        ids["greening"] = greening.id
        db.session.remove()
        db.engine.dispose()
    return app, ids


def rename_the_inactive_one(ids):
    """管理员甲 renames the 停用 绿化 义务植树 (allowed: it is not active)."""
    from tracker.extensions import db
    from tracker.models import Category, Member, Section
    from tracker.services.directory import CategoryData, update_category

    greening = db.session.get(Category, ids["greening"])
    update_category(greening, db.session.get(Member, ids["admin"]), CategoryData(
        "greening", "义务植树", Section.volunteer, "次", "棵"))


def reactivate_it(ids):
    """管理员乙 switches 绿化 on again, from a page that showed it as 绿化."""
    from tracker.extensions import db
    from tracker.models import Category, Member
    from tracker.services.directory import set_active

    set_active(db.session.get(Category, ids["greening"]),
               db.session.get(Member, ids["admin2"]), True)


def test_a_reactivation_waits_for_a_rename_and_holds_the_name_it_gets(tmp_path):
    with race_database("postgresql", tmp_path, "catrename") as url:
        app, ids = _twins(url)
        got = race_in_order(MODULE, url, ids, "rename_the_inactive_one", "reactivate_it")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["rename_the_inactive_one"]["ok"] is True
        assert got["reactivate_it"]["waited"] is True
        assert got["reactivate_it"]["refused"] == ("已有启用的同名类别“义务植树”："
                                                   "请先修改其中一个的名称，再重新启用。")
        assert sorted(_named(app)) == ["greening", "tree_planting"]
