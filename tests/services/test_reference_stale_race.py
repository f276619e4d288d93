"""Two admins saving the same 社区, 责任区, 类别 or 资源清单项目 at once, each from a page
read before either saved — in separate processes (two gunicorn workers, two
connections) on PostgreSQL (review "forms", session 29). SQLite's writers take turns
anyway, so these run only with TEST_DATABASE_URL.

The rule (tests/services/test_stale_edit_race.py's, for the admin's reference data):
the second save is merged with the record as the first left it, never as both pages
read it. Two changes of different fields both land; two changes of one field to
different values get one save and one refusal that writes nothing. Each update takes
the record's row lock before it reads what it merges (``directory._merge_shown``), so
the second waits and reads what the first committed. Each order is forced
(``tests.races.race_in_order``).
"""
from __future__ import annotations

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
REFUSAL = {"community": "该社区已被他人修改，请核对后重新保存。",
           "zone": "该责任区已被他人修改，请核对后重新保存。",
           "category": "该类别已被他人修改，请核对后重新保存。",
           "item": "该资源清单项目已被他人修改，请核对后重新保存。"}
# each kind's fields: (A, the first admin's value), (A, the second's), (B, the second's)
A_FIRST = {"community": "解放路社区（东片）", "zone": "一号责任区（北）",
           "category": "义务植树（春季）", "item": 20}
A_SECOND = {"community": "解放路街道社区", "zone": "一号责任区（南）",
            "category": "植树造林", "item": 30}
B_SECOND = {"zone": "二号楼片区", "category": "株", "item": "每周清理一次楼道杂物"}
FIELDS = {"community": ("name", None), "zone": ("name", "community_id"),
          "category": ("name", "quantity_unit"), "item": ("target", "description")}


def _world(url):
    """Two admins; a community, a zone, a category and a checklist item, none used by a
    task. ``page``: what both admins' pages showed of each, read before either saved."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Community, ResourceItem, Role
    from tracker.services import directory

    with race_world(url) as (app, unit, item, _liaison):
        admin, admin2 = (f.member(unit, Role.admin, name=n) for n in ("管理员甲", "管理员乙"))
        community = db.session.get(Community, item.community_id)
        other = f.community("建设路社区")
        zone = f.zone(community, "一号责任区", unit)
        category = f.category()
        db.session.commit()
        item = db.session.get(ResourceItem, item.id)
        records = {"community": community, "zone": zone, "category": category, "item": item}
        return app, dict(
            admin=admin.id, admin2=admin2.id, other_community=other.id,
            ids={kind: record.id for kind, record in records.items()},
            shown={kind: directory.reference_shown_key(r) for kind, r in records.items()},
            page={kind: {name: getattr(r, name) for name in _DATA[kind]}
                  for kind, r in records.items()})


_DATA = {"community": ("name",), "zone": ("community_id", "name", "unit_id"),
         "category": ("code", "name", "section", "activity_unit", "quantity_unit",
                      "beneficiary_unit"),
         "item": ("unit_id", "community_id", "category_id", "year", "target", "zone_id",
                  "description", "target_measure")}


def _save(ids, kind, admin, **typed):
    """``admin`` saves ``kind``'s edit form as its page showed it, with ``typed``."""
    from tracker.extensions import db
    from tracker.models import Category, Community, Member, ResourceItem, Zone
    from tracker.services import directory as d

    model, data_class, update = {
        "community": (Community, d.CommunityData, d.update_community),
        "zone": (Zone, d.ZoneData, d.update_zone),
        "category": (Category, d.CategoryData, d.update_category),
        "item": (ResourceItem, d.ResourceItemData, d.update_resource_item)}[kind]
    record = db.session.get(model, ids["ids"][kind])
    update(record, db.session.get(Member, ids[admin]), data_class(**ids["page"][kind] | typed),
           shown=ids["shown"][kind])


def _a(kind, value):
    return {FIELDS[kind][0]: value}


def _b(ids, kind):
    name = FIELDS[kind][1]
    return {name: ids["other_community"] if name == "community_id" else B_SECOND[kind]}


# (first: 管理员甲 changes field A; second: 管理员乙 changes A otherwise; other: 乙 changes B)
def community_a(ids):
    _save(ids, "community", "admin", **_a("community", A_FIRST["community"]))


def community_a_otherwise(ids):
    _save(ids, "community", "admin2", **_a("community", A_SECOND["community"]))


def zone_a(ids):
    _save(ids, "zone", "admin", **_a("zone", A_FIRST["zone"]))


def zone_a_otherwise(ids):
    _save(ids, "zone", "admin2", **_a("zone", A_SECOND["zone"]))


def zone_b(ids):
    _save(ids, "zone", "admin2", **_b(ids, "zone"))


def category_a(ids):
    _save(ids, "category", "admin", **_a("category", A_FIRST["category"]))


def category_a_otherwise(ids):
    _save(ids, "category", "admin2", **_a("category", A_SECOND["category"]))


def category_b(ids):
    _save(ids, "category", "admin2", **_b(ids, "category"))


def item_a(ids):
    _save(ids, "item", "admin", **_a("item", A_FIRST["item"]))


def item_a_otherwise(ids):
    _save(ids, "item", "admin2", **_a("item", A_SECOND["item"]))


def item_b(ids):
    _save(ids, "item", "admin2", **_b(ids, "item"))


def _state(app, ids, kind) -> tuple:
    """Fields A and B of ``kind``'s record as stored now."""
    from tracker.extensions import db
    from tracker.models import Category, Community, ResourceItem, Zone

    model = {"community": Community, "zone": Zone, "category": Category,
             "item": ResourceItem}[kind]
    with app.app_context():
        record = db.session.get(model, ids["ids"][kind])
        state = tuple(getattr(record, name) if name else None for name in FIELDS[kind])
        db.session.remove()
        db.engine.dispose()
        return state


@pytest.mark.parametrize("kind", ["zone", "category", "item"])
def test_two_saves_of_different_fields_both_land(tmp_path, kind):
    with race_database("postgresql", tmp_path, "refmerge" + kind) as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, f"{kind}_a", f"{kind}_b")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got[f"{kind}_a"]["ok"] is True and got[f"{kind}_b"]["waited"] is True
        assert got[f"{kind}_b"]["ok"] is True, got[f"{kind}_b"]["refused"]
        assert _state(app, ids, kind) == (A_FIRST[kind], *_b(ids, kind).values())


@pytest.mark.parametrize("kind", ["community", "zone", "category", "item"])
def test_two_saves_of_one_field_save_once(tmp_path, kind):
    with race_database("postgresql", tmp_path, "refrefused" + kind) as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, f"{kind}_a", f"{kind}_a_otherwise")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got[f"{kind}_a"]["ok"] is True and got[f"{kind}_a_otherwise"]["waited"] is True
        assert got[f"{kind}_a_otherwise"]["refused"] == REFUSAL[kind]
        assert _state(app, ids, kind)[0] == A_FIRST[kind]
