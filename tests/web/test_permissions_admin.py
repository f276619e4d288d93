"""Permission matrix rows for the admin pages: only an admin gets in."""
from datetime import date

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.audit import OF_WORK
from tests.web.matrix import ACTORS, ADMIN_ONLY, Route, cases_for, check
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    Category,
    Community,
    Member,
    ResourceItem,
    RollPeriod,
    Unit,
    Zone,
)
from tracker.services import roll


def _with_zone(w):
    if not hasattr(w, "zone"):
        w.zone = f.zone(w.community, "一号责任区", w.unit)
        db.session.commit()


def _dated_stay(w):
    """李四 on the roll from 1 November 2022 (recorded): a change whose date 更正日期
    may correct."""
    stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == w.other_member.id))
    stay.since = date(2022, 11, 1)
    db.session.commit()


def _correction(w):
    """The 更正日期 form as the member page posts it: naming the change it shows."""
    shown = roll.shown_key(roll.last_change(db.session.get(Member, w.other_member.id)))
    return {"roll-day": "2022-10-15", "roll-reason": "日期记错", "roll-change": shown}


def _merge(w):
    """合并账号's confirmation as its page posts it: 李四 into 张三, naming what it showed."""
    from tracker.services import merge
    keep, drop = (db.session.get(Member, m.id) for m in (w.member, w.other_member))
    return {"shown": merge.preview(keep, drop).key()}


def _empty_unit(w):
    """县档案局, nobody in it: a unit that may be switched off (one with people in use
    may not be, peoplefix) and edited."""
    if db.session.scalar(select(Unit.id).where(Unit.name == "县档案局")) is None:
        f.unit("县档案局")
        db.session.commit()


def _empty_unit_id(w):
    return db.session.scalar(select(Unit.id).where(Unit.name == "县档案局"))


def _category_id(w):
    return w.item.category_id


SECTIONS = {
    # key: (list URL, record id, valid form data for create, valid form data for edit, setup)
    "unit": ("/admin/units", _empty_unit_id,
             lambda w: {"name": "县财政局"}, lambda w: {"name": "县档案局（改）"}, _empty_unit),
    "community": ("/admin/communities", lambda w: w.community.id,
                  lambda w: {"name": "人民路社区"}, lambda w: {"name": "解放路社区（改）"}, None),
    "zone": ("/admin/zones", lambda w: w.zone.id,
             lambda w: {"community_id": w.community.id, "name": "二号责任区", "unit_id": w.unit.id},
             lambda w: {"community_id": w.community.id, "name": "一区", "unit_id": w.unit.id},
             _with_zone),
    "category": ("/admin/categories", _category_id,
                 lambda w: {"code": "tree_planting", "name": "义务植树", "section": "volunteer",
                            "activity_unit": "次", "quantity_unit": "棵", "beneficiary_unit": ""},
                 lambda w: {"name": "环境卫生整治"}, None),
    "item": ("/admin/items", lambda w: w.other_item.id,
             lambda w: {"unit_id": w.unit.id, "community_id": w.community.id, "zone_id": "",
                        "category_id": f"{w.other_item.category_id}:quantity", "year": "2026",
                        "target": "5"},
             lambda w: {"target": "99", "description": "全年"}, None),
    "member": ("/admin/members", lambda w: w.other_member.id,
               lambda w: {"name": "新党员", "phone": "13712345678", "unit_id": w.unit.id,
                          "role": "member"},
               lambda w: {"name": "李四四", "phone": w.other_member.phone, "unit_id": w.unit.id,
                          "role": "member"}, None),
}
PLURAL = {"unit": "units", "community": "communities", "zone": "zones", "category": "categories",
          "item": "items", "member": "members"}


def _rows():
    rows = [Route("admin.index", "GET", lambda w: "/admin/", ADMIN_ONLY),
            Route("admin.setup", "GET", lambda w: "/admin/setup", ADMIN_ONLY),
            # 从上一年度复制: this year's items into next year's checklist
            Route("admin.items_copy", "POST", lambda w: "/admin/items/copy", ADMIN_ONLY,
                  data=lambda w: {"copy-year": str(w.item.year + 1)}),
            # 更正日期: the latest change of a member's roll history (liaisons: 403)
            Route("admin.member_roll_date", "POST",
                  lambda w: f"/admin/members/{w.other_member.id}/roll-date", ADMIN_ONLY,
                  data=_correction, setup=_dated_stay),
            # 合并账号: the page showing what would move, and its confirmation
            Route("admin.member_merge", "GET",
                  lambda w: f"/admin/members/{w.other_member.id}/merge?keep={w.member.id}",
                  ADMIN_ONLY),
            Route("admin.member_merge_confirm", "POST",
                  lambda w: f"/admin/members/{w.other_member.id}/merge-into/{w.member.id}",
                  ADMIN_ONLY,
                  data=_merge)]
    for key, (base, rid, new_data, edit_data, setup) in SECTIONS.items():
        def edit_url(w, base=base, rid=rid):
            return f"{base}/{rid(w)}/edit"

        def toggle_url(w, base=base, rid=rid):
            return f"{base}/{rid(w)}/active"

        rows += [
            Route(f"admin.{PLURAL[key]}", "GET", lambda w, base=base: base, ADMIN_ONLY, setup=setup),
            Route(f"admin.{key}_new", "GET", lambda w, base=base: f"{base}/new", ADMIN_ONLY,
                  setup=setup),
            Route(f"admin.{key}_new", "POST", lambda w, base=base: f"{base}/new", ADMIN_ONLY,
                  data=new_data, setup=setup),
            Route(f"admin.{key}_edit", "GET", edit_url, ADMIN_ONLY, setup=setup),
            Route(f"admin.{key}_edit", "POST", edit_url, ADMIN_ONLY, data=edit_data, setup=setup),
            Route(f"admin.{key}_toggle", "POST", toggle_url, ADMIN_ONLY,
                  data={"active": "0", "confirmed": "1"},
                  setup=setup),
        ]
    return rows


CASES = _rows()


@pytest.mark.parametrize(**cases_for(CASES))
def test_admin_permissions(client, login, route_world, route, actor):
    check(client, login, route_world, route, actor)


def _fingerprint():
    """Everything the admin pages can change."""
    return (
        db.session.execute(select(Unit.id, Unit.name, Unit.active).order_by(Unit.id)).all(),
        db.session.execute(select(Community.id, Community.name, Community.active)
                           .order_by(Community.id)).all(),
        db.session.execute(select(Zone.id, Zone.name, Zone.community_id, Zone.unit_id, Zone.active)
                           .order_by(Zone.id)).all(),
        db.session.execute(select(Category.id, Category.name, Category.section,
                                  Category.activity_unit, Category.quantity_unit,
                                  Category.beneficiary_unit, Category.active)
                           .order_by(Category.id)).all(),
        db.session.execute(select(ResourceItem.id, ResourceItem.target, ResourceItem.target_measure,
                                  ResourceItem.description, ResourceItem.active)
                           .order_by(ResourceItem.id)).all(),
        db.session.execute(select(Member.id, Member.name, Member.phone, Member.role, Member.active,
                                  Member.on_roll).order_by(Member.id)).all(),
        db.session.execute(select(RollPeriod.member_id, RollPeriod.unit_id, RollPeriod.since,
                                  RollPeriod.until).order_by(RollPeriod.id)).all(),
        db.session.scalars(select(AuditEvent.id).where(OF_WORK)).all(),
    )


POSTS = [r for r in CASES if r.method == "POST"]
DENIED_ACTORS = [a for a in ACTORS if a not in ("admin",)]


@pytest.mark.parametrize("route", POSTS, ids=[f"{r.endpoint}" for r in POSTS])
@pytest.mark.usefixtures("route_world")
def test_refused_posts_change_nothing(client, login, world, route):
    before = _fingerprint()
    for actor in DENIED_ACTORS:
        if actor == "anonymous":
            client.post("/auth/logout")
        else:
            login(getattr(world, actor))
        data = route.data(world) if callable(route.data) else route.data
        response = client.post(route.url(world), data=data)
        assert response.status_code in (302, 403, 404), actor
        db.session.expire_all()
        assert _fingerprint() == before, actor


@pytest.mark.parametrize("route", POSTS, ids=[f"{r.endpoint}" for r in POSTS])
@pytest.mark.usefixtures("route_world")
def test_admin_posts_do_change_something(client, login, world, route):
    """The other side of the test above: the same request as admin is not a no-op."""
    login(world.admin)
    before = _fingerprint()
    response = client.post(route.url(world), data=route.data(world) if callable(route.data) else route.data)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    db.session.expire_all()
    assert _fingerprint() != before
