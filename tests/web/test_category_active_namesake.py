"""Two active categories of one name cannot be told apart where a name is all there is
(the ledger import's 类别 column refuses their rows): 类别管理 refuses to make a second —
a new category, a rename, a 重新启用 — with a clear message on the same page, the typed
input kept, nothing written. A category 停用 may share the name: re-created under its
old name, the active one is the name's."""
from __future__ import annotations

import html

import pytest

from sqlalchemy import func, select

from tests import factories as f
from tests.web.test_admin_forms import assert_refused, category_form
from tracker.extensions import db
from tracker.models import Category, Section
from tracker.services import ServiceError
from tracker.services import directory as d

TAKEN = "已有启用的同名类别：请换一个名称；如原来的类别不再使用，请先将其停用。"


def named(name: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Category)
                             .where(Category.name == name))


def test_a_new_category_named_as_an_active_one_is_refused_on_its_form(client, world, admin):
    f.category("tree_planting_old", "义务植树")
    db.session.commit()
    response = client.post("/admin/categories/new", data=category_form(code="tree_planting"))
    assert_refused(response, TAKEN, kept="tree_planting")
    assert named("义务植树") == 1


def test_a_category_re_created_after_the_old_one_is_switched_off(client, world, admin):
    old = f.category("tree_planting_old", "义务植树")
    old.active = False
    db.session.commit()
    response = client.post("/admin/categories/new", data=category_form(code="tree_planting"))
    assert response.status_code == 302
    assert named("义务植树") == 2


def test_a_rename_onto_an_active_category_s_name_is_refused(client, world, admin):
    f.category("tree_planting", "义务植树")
    other = f.category("greening", "绿化美化")
    db.session.commit()
    response = client.post(f"/admin/categories/{other.id}/edit",
                           data=category_form(code="greening", name="义务植树"))
    assert_refused(response, TAKEN, kept="义务植树")
    db.session.expire_all()
    assert db.session.get(Category, other.id).name == "绿化美化"


def test_reactivating_a_twin_of_an_active_category_is_refused_and_says_why(
        client, world, admin):
    old = f.category("tree_planting_old", "义务植树")
    old.active = False
    f.category("tree_planting", "义务植树")
    db.session.commit()
    response = client.post(f"/admin/categories/{old.id}/active", data={"active": "1"},
                           follow_redirects=True)
    page = html.unescape(response.get_data(as_text=True))
    assert "已有启用的同名类别“义务植树”：请先修改其中一个的名称，再重新启用。" in page
    db.session.expire_all()
    assert db.session.get(Category, old.id).active is False


def test_twins_made_before_the_rule_keep_their_other_edits(world):
    """A save that keeps the name is no new twin: the admin may still fix a unit of one
    (and renaming one of them is what settles it)."""
    first = f.category("tree_planting_old", "义务植树")
    second = f.category("tree_planting", "义务植树")
    db.session.commit()
    d.update_category(second, world.admin, d.CategoryData(
        "tree_planting", "义务植树", Section.volunteer, "次", "株"))
    assert second.quantity_unit == "株"
    d.update_category(first, world.admin, d.CategoryData(
        "tree_planting_old", "义务植树（旧）", Section.volunteer, "次", "棵"))
    assert first.name == "义务植树（旧）"


def test_the_service_refuses_a_second_active_name(world):
    f.category("tree_planting_old", "义务植树")
    db.session.commit()
    with pytest.raises(ServiceError) as refusal:
        d.create_category(world.admin, d.CategoryData("tree_planting", "义务植树",
                                                      Section.volunteer, "次", "棵"))
    assert (refusal.value.field, str(refusal.value.message)) == ("name", TAKEN)
