"""A 单位, 社区, 责任区, 类别 or 资源清单项目 edited by two admins from pages read before
either saved (review "forms", session 29: the admin CRUD forms were last-writer-wins).

The rule (the member form's, tests/web/test_admin_member_stale_page.py, and the task's,
tests/web/test_stale_edit_pages.py): the later save from an older page keeps the other
admin's change in every field it left as its page showed it — both changes are stored,
and the flash names the kept ones. Where both changed the same field differently, the
later save is refused on the same page in Chinese (「该社区已被他人修改，请核对后重新
保存。」 and the same for each kind), what was typed kept in the form, the other's value
named, nothing written; saved again from the refused page, what was typed is written
knowingly. A field this record no longer lets change (a checklist item with tasks: its
单位, 社区 …) is not on the form and never conflicts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest

from tests import factories as f
from tests.web.stale_support import by, form_on, signed_in, text
from tracker.extensions import db
from tracker.models import Category, Community, ResourceItem, Role, Unit, Zone


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@dataclass(frozen=True)
class Edited:
    """One edit page: the record it edits (made in the world), its refusal, a field
    both admins change (the first's value, the second's), and one only the second
    changes (None: the form has one field), each as typed and as stored."""

    make: Callable  # world → the record
    path: str  # "zones" → /admin/zones/<id>/edit
    model: type
    refusal: str
    a: tuple[str, str, str]
    b: tuple[str, str] | None = None
    # how a field's stored value reads as typed (a select's id as its option's value)
    typed: Callable = lambda name, value: "" if value is None else str(value)
    # what the refused page names for the first's value of ``a`` (default: as typed)
    named: str | None = None


def _zone(world):
    zone = f.zone(world.community, "一号责任区", world.unit)
    db.session.commit()
    return zone


def _category(world):
    category = f.category()  # 义务植树, counted in 棵 and 人: in no checklist yet
    db.session.commit()
    return category


UNIT = Edited(lambda w: w.unit, "units", Unit, "该单位已被他人修改，请核对后重新保存。",
              ("name", "县商务和经济局", "县商务局（驻社区）"))
COMMUNITY = Edited(lambda w: w.community, "communities", Community,
                   "该社区已被他人修改，请核对后重新保存。",
                   ("name", "解放路社区（东片）", "解放路街道社区"))
ZONE = Edited(_zone, "zones", Zone, "该责任区已被他人修改，请核对后重新保存。",
              ("name", "一号责任区（北）", "一号责任区（南）"),
              ("community_id", None))  # the other community, set by the test
CATEGORY = Edited(_category, "categories", Category, "该类别已被他人修改，请核对后重新保存。",
                  ("name", "义务植树（春季）", "植树造林"),
                  ("quantity_unit", "株"))
# world.item has tasks: only its 年度目标 and 说明 are on the form
ITEM = Edited(lambda w: w.item, "items", ResourceItem,
              "该资源清单项目已被他人修改，请核对后重新保存。",
              ("target", "20", "30"),
              ("description", "每周清理一次楼道杂物"))
FORMS = [pytest.param(e, id=e.path) for e in (UNIT, COMMUNITY, ZONE, CATEGORY, ITEM)]
TWO_FIELDS = [p for p in FORMS if p.values[0].b is not None]


def url_of(edited: Edited, record) -> str:
    return f"/admin/{edited.path}/{record.id}/edit"


def stored(edited: Edited, record_id: int, name: str) -> str:
    """A field of the record as stored now, as the form takes it typed."""
    db.session.expire_all()
    return edited.typed(name, getattr(db.session.get(edited.model, record_id), name))


def b_of(edited: Edited, world) -> tuple[str, str]:
    name, value = edited.b
    return name, str(world.other_community.id) if value is None else value


def form_of(page: str, **typed):
    """What the page's record form posts (it posts to its own page: no URL has "\0",
    so ``form_on`` takes the form without one — not the 停用 button's, whose URL
    names the edit page to come back to)."""
    return form_on(page, "\0", **typed)


def post(browser, url: str, page: str, **typed):
    return by(browser).post(url, data=form_of(page, **typed))


@pytest.fixture
def two(app, world):
    other = f.member(world.unit, Role.admin, "管理员乙")
    db.session.commit()
    return signed_in(app, world.admin), signed_in(app, other)


@pytest.mark.parametrize("edited", TWO_FIELDS)
def test_changes_to_different_fields_are_both_kept(two, world, edited):
    first, second = two
    record = edited.make(world)
    rid, url = record.id, url_of(edited, record)
    first_page, second_page = text(by(first).get(url)), text(by(second).get(url))
    (a, mine_a, _other), (b, mine_b) = edited.a, b_of(edited, world)
    assert post(first, url, first_page, **{a: mine_a}).status_code == 302
    response = post(second, url, second_page, **{b: mine_b})  # from the older page
    assert response.status_code == 302
    assert (stored(edited, rid, a), stored(edited, rid, b)) == (mine_a, mine_b)
    # the flash says the other's change was kept, by the field's label
    flashed = text(by(second).get(response.headers["Location"]))
    assert "同时保留了他人在您打开页面之后所做的修改" in flashed


@pytest.mark.parametrize("edited", FORMS)
def test_the_same_field_changed_by_both_is_refused_with_the_typed_text_kept(two, world, edited):
    first, second = two
    record = edited.make(world)
    rid, url = record.id, url_of(edited, record)
    first_page, second_page = text(by(first).get(url)), text(by(second).get(url))
    a, mine, theirs = edited.a
    b_typed = dict([b_of(edited, world)]) if edited.b else {}
    before_b = {name: stored(edited, rid, name) for name in b_typed}
    assert post(first, url, first_page, **{a: mine}).status_code == 302
    response = post(second, url, second_page, **{a: theirs}, **b_typed)
    assert response.status_code == 200
    refused = text(response)
    assert edited.refusal in refused
    shown_again = form_of(refused)
    assert shown_again[a] == theirs
    assert all(shown_again[name] == value for name, value in b_typed.items())
    assert (edited.named or mine) in refused[refused.find('id="stale"'):]  # the other's value
    # nothing of the refused post written: the first's value stays, the other field too
    assert stored(edited, rid, a) == mine
    assert {name: stored(edited, rid, name) for name in b_typed} == before_b
    # read on the refused page: posted again, what was typed is saved knowingly
    assert post(second, url, refused).status_code == 302
    assert stored(edited, rid, a) == theirs
    assert all(stored(edited, rid, name) == value for name, value in b_typed.items())


@pytest.mark.parametrize("edited", FORMS)
def test_a_fresh_page_saves_at_once(two, world, edited):
    _first, second = two
    record = edited.make(world)
    rid, url = record.id, url_of(edited, record)
    a, _mine, theirs = edited.a
    response = post(second, url, text(by(second).get(url)), **{a: theirs})
    assert response.status_code == 302
    assert stored(edited, rid, a) == theirs
    assert "同时保留了他人" not in text(by(second).get(response.headers["Location"]))


def test_a_field_fixed_since_the_page_was_read_is_refused_not_dropped(two, world):
    """The zone's page offered 所属社区; before it was saved, another admin put the zone
    into the checklist, which fixes its community. The change is refused under the
    field, in Chinese, with what was typed kept — not dropped while the save says
    已保存."""
    first, second = two
    zone = _zone(world)
    rid, url = zone.id, url_of(ZONE, zone)
    page = text(by(first).get(url))
    f.item(world.unit, world.community, "ad_removal", zone=zone)  # another admin's item
    db.session.commit()
    response = post(first, url, page, community_id=str(world.other_community.id),
                    name="一号责任区（北）")
    assert response.status_code == 200
    refused = text(response)
    assert "该责任区已用于资源清单，不能改到其他社区。" in refused
    assert form_of(refused)["community_id"] == str(world.other_community.id)
    assert form_of(refused)["name"] == "一号责任区（北）"
    assert (stored(ZONE, rid, "community_id"), stored(ZONE, rid, "name")) == \
        (str(world.community.id), "一号责任区")
    # read again, the page shows the community fixed, and the name saves
    fresh = text(by(first).get(url))
    assert 'name="community_id"' not in fresh
    assert post(first, url, fresh, name="一号责任区（北）").status_code == 302
    assert stored(ZONE, rid, "name") == "一号责任区（北）"
