"""The admin's reference-data services, without HTTP."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from tests import factories as f
from tracker.extensions import db
from tracker.models import AuditEvent, Category, Community, Member, ResourceItem, Role, Section, Unit
from tracker.services import PermissionDenied, ServiceError
from tracker.services import directory as d


def audits(entity, action=None):
    query = select(AuditEvent).where(AuditEvent.entity_type == entity.__tablename__,
                                     AuditEvent.entity_id == entity.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def refused(call, field=None, contains=None) -> ServiceError:
    with pytest.raises(ServiceError) as info:
        call()
    assert not isinstance(info.value, PermissionDenied)
    if field is not None:
        assert info.value.field == field
    if contains is not None:
        assert contains in str(info.value.message)
    return info.value


def member_data(unit, **changes) -> d.MemberData:
    values = dict(name="赵六", phone="13700000001", unit_id=unit.id, role=Role.member,
                  branch="机关第一党支部")
    values.update(changes)
    return d.MemberData(**values)


def item_data(world, **changes) -> d.ResourceItemData:
    cats = {c.code: c for c in db.session.scalars(select(Category))}
    values = dict(unit_id=world.unit.id, community_id=world.community.id,
                  category_id=cats["elderly_visit"].id, year=2026, target=12,
                  description="每月慰问一次")
    values.update(changes)
    return d.ResourceItemData(**values)


# --- who may act ------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["liaison", "member", "leader"])
def test_only_an_admin_may_change_reference_data(world, who):
    actor = getattr(world, who)
    with pytest.raises(PermissionDenied):
        d.create_unit(actor, d.UnitData("县财政局"))
    with pytest.raises(PermissionDenied):
        d.create_member(actor, member_data(world.unit))
    with pytest.raises(PermissionDenied):
        d.set_active(world.other_member, actor, False)
    assert world.other_member.active


def test_a_deactivated_admin_may_not_act(world):
    world.admin.active = False
    with pytest.raises(PermissionDenied):
        d.create_community(world.admin, d.CommunityData("人民路社区"))


# --- units and communities --------------------------------------------------------------

NAMED = [
    (Unit, d.create_unit, d.update_unit, d.UnitData, "已有同名的单位"),
    (Community, d.create_community, d.update_community, d.CommunityData, "已有同名的社区"),
]


@pytest.mark.parametrize("model,create,update,data,taken", NAMED)
def test_named_record_create_update_and_audit(world, model, create, update, data, taken):
    obj = create(world.admin, data("  新名字  "))
    assert obj.id and obj.active and obj.name == "新名字"
    [event] = audits(obj, "create")
    assert event.actor_id == world.admin.id

    update(obj, world.admin, data("改后的名字"))
    assert db.session.get(model, obj.id).name == "改后的名字"
    [event] = audits(obj, "update")
    assert event.detail == {"name": ["新名字", "改后的名字"]}

    update(obj, world.admin, data("改后的名字"))  # nothing changed: no second row
    assert len(audits(obj, "update")) == 1


@pytest.mark.parametrize("model,create,update,data,taken", NAMED)
def test_named_record_uniqueness_and_length(world, model, create, update, data, taken):
    existing = world.unit.name if model is Unit else world.community.name
    refused(lambda: create(world.admin, data(existing)), "name", taken)
    refused(lambda: create(world.admin, data("   ")), "name", "必填")
    refused(lambda: create(world.admin, data("长" * 81)), "name", "80")
    other = create(world.admin, data("另一个"))
    refused(lambda: update(other, world.admin, data(existing)), "name", taken)
    assert db.session.scalar(select(func.count()).select_from(model).where(model.name == existing)) == 1


# --- zones ------------------------------------------------------------------------------

def test_zone_create_with_responsible_unit(world):
    zone = d.create_zone(world.admin, d.ZoneData(world.other_community.id, "一号责任区", world.unit.id))
    assert zone.community_id == world.other_community.id and zone.unit_id == world.unit.id
    assert audits(zone, "create")[0].detail["unit_id"] == world.unit.id


def test_zone_name_unique_within_its_community_only(world):
    d.create_zone(world.admin, d.ZoneData(world.community.id, "一号责任区", world.unit.id))
    refused(lambda: d.create_zone(world.admin, d.ZoneData(world.community.id, "一号责任区",
                                                         world.unit.id)), "name", "同名")
    d.create_zone(world.admin, d.ZoneData(world.other_community.id, "一号责任区", world.unit.id))


def test_zone_needs_a_unit_and_an_active_community(world):
    refused(lambda: d.create_zone(world.admin, d.ZoneData(world.community.id, "甲", None)), "unit_id")
    world.other_community.active = False
    refused(lambda: d.create_zone(world.admin, d.ZoneData(world.other_community.id, "甲",
                                                         world.unit.id)), "community_id", "停用")


def test_zone_used_by_the_checklist_stays_in_its_community(world):
    zone = f.zone(world.community, "二号责任区", world.unit)
    d.update_zone(zone, world.admin, d.ZoneData(world.other_community.id, "二号责任区", world.unit.id))
    assert zone.community_id == world.other_community.id  # unused: may move
    f.item(world.unit, world.other_community, "ad_removal", zone=zone)
    assert d.zone_frozen_fields(zone) == ("community_id",)
    refused(lambda: d.update_zone(zone, world.admin, d.ZoneData(world.community.id, "二号责任区",
                                                               world.unit.id)), "community_id")
    d.update_zone(zone, world.admin, d.ZoneData(world.other_community.id, "二号", world.unit.id))
    assert zone.name == "二号"


# --- categories -------------------------------------------------------------------------

def test_category_create_and_code_rules(world):
    cat = d.create_category(world.admin, d.CategoryData("tree_planting", "义务植树",
                                                        Section.volunteer, "次", "棵"))
    assert cat.sort_order > 100 and audits(cat, "create")
    refused(lambda: d.create_category(world.admin, d.CategoryData("tree_planting", "植树",
                                                                 Section.volunteer, "棵")), "code", "已存在")
    for bad in ("Tree", "1abc", "树", "a", "x" * 41, "a-b"):
        refused(lambda: d.create_category(world.admin, d.CategoryData(bad, "植树", Section.volunteer,
                                                                     "次", "棵")), "code")
    refused(lambda: d.create_category(world.admin, d.CategoryData("abc", "植树", None, "次", "棵")), "section")
    refused(lambda: d.create_category(world.admin, d.CategoryData("abc", "植树", Section.double,
                                                                 "次", "九个字的计量单位啊")),
            "quantity_unit")
    refused(lambda: d.create_category(world.admin, d.CategoryData("abc", "植树", Section.double,
                                                                 "次", "小时")), "quantity_unit")
    refused(lambda: d.create_category(world.admin, d.CategoryData("abc", "植树", Section.double,
                                                                 "天", "棵")), "activity_unit")
    # the unit is printed as typed in the Chinese 月报: 「完成12trees」 must not happen
    for english in ("trees", "pcs", "m2", "12"):
        refused(lambda: d.create_category(world.admin, d.CategoryData(
            "abc", "植树", Section.double, "次", english)), "quantity_unit", "中文")
    assert d.create_category(world.admin, d.CategoryData(
        "green", "绿化", Section.double, "次", "m²绿地")).quantity_unit == "m²绿地"
    refused(lambda: d.create_category(world.admin, d.CategoryData("abc", "植树", Section.double,
                                                                 "次", "棵", "斤")),
            "beneficiary_unit")


def test_category_code_is_immutable(world):
    cat = d.create_category(world.admin, d.CategoryData("tree_planting", "义务植树",
                                                        Section.volunteer, "次", "棵"))
    refused(lambda: d.update_category(cat, world.admin, d.CategoryData("trees", "义务植树",
                                                                      Section.volunteer, "棵")), "code")
    assert cat.code == "tree_planting"


def test_reference_category_name_editable_section_and_measure_not(world):
    cat = db.session.scalar(select(Category).where(Category.code == "ad_removal"))
    d.update_category(cat, world.admin, d.CategoryData("ad_removal", "小广告清除", Section.double, "次", "处"))
    assert cat.name == "小广告清除"
    assert audits(cat, "update")[0].detail == {"name": ["牛皮癣清除", "小广告清除"]}
    refused(lambda: d.update_category(cat, world.admin, d.CategoryData(
        "ad_removal", "小广告清除", Section.volunteer, "次", "处")), "section")
    refused(lambda: d.update_category(cat, world.admin, d.CategoryData(
        "ad_removal", "小广告清除", Section.double, "次", "个")), "quantity_unit")


def test_new_category_section_fixed_once_used(world):
    cat = d.create_category(world.admin, d.CategoryData("tree_planting", "义务植树",
                                                        Section.volunteer, "次", "棵"))
    d.update_category(cat, world.admin, d.CategoryData("tree_planting", "义务植树", Section.double, "次", "株"))
    assert (cat.section, cat.quantity_unit) == (Section.double, "株")
    d.create_resource_item(world.admin, item_data(world, category_id=cat.id))
    refused(lambda: d.update_category(cat, world.admin, d.CategoryData(
        "tree_planting", "义务植树", Section.volunteer, "次", "株")), "section")


# --- resource checklist -----------------------------------------------------------------

def test_item_create_and_audit(world):
    item = d.create_resource_item(world.admin, item_data(world))
    assert (item.year, item.target, item.zone_id) == (2026, 12, None)
    assert audits(item, "create")[0].detail["target"] == 12


def test_item_zone_must_belong_to_the_community(world):
    zone_b = f.zone(world.other_community, "建设一区", world.unit)
    refused(lambda: d.create_resource_item(world.admin, item_data(world, zone_id=zone_b.id)),
            "zone_id", "不属于")
    item = d.create_resource_item(world.admin, item_data(world, community_id=world.other_community.id,
                                                         zone_id=zone_b.id))
    assert item.zone_id == zone_b.id


def test_item_unique_per_unit_community_zone_category_year(world):
    d.create_resource_item(world.admin, item_data(world))
    refused(lambda: d.create_resource_item(world.admin, item_data(world, target=3)),
            "category_id", "已有")
    # Another year, another zone, another unit: all fine.
    d.create_resource_item(world.admin, item_data(world, year=2027))
    zone = f.zone(world.community, "一区", world.unit)
    d.create_resource_item(world.admin, item_data(world, zone_id=zone.id))
    d.create_resource_item(world.admin, item_data(world, unit_id=f.unit("县财政局").id))


def test_item_duplicate_of_a_deactivated_item_says_so(world):
    item = d.create_resource_item(world.admin, item_data(world))
    d.set_active(item, world.admin, False)
    refused(lambda: d.create_resource_item(world.admin, item_data(world)), "category_id", "重新启用")


@pytest.mark.parametrize("field,value,msg", [
    ("target", -1, "年度目标"), ("target", d.TARGET_MAX + 1, "年度目标"), ("target", "12", "整数"),
    ("target", 1.5, "整数"), ("target", None, "整数"), ("year", 1999, "年度"), ("year", 2101, "年度"),
    ("description", "说" * 1001, "1000"), ("unit_id", None, "选择"), ("category_id", 99999, "选择"),
])
def test_item_bad_values_refused(world, field, value, msg):
    refused(lambda: d.create_resource_item(world.admin, item_data(world, **{field: value})), field, msg)
    assert db.session.scalar(select(func.count()).select_from(ResourceItem)) == 2


def test_item_with_tasks_keeps_its_dimensions(world):
    item = world.item  # the world's tasks come from it
    assert d.item_has_tasks(item)
    zone = f.zone(world.community, "一区", world.unit)
    current = d.ResourceItemData(unit_id=item.unit_id, community_id=item.community_id,
                                 category_id=item.category_id, year=item.year, target=item.target,
                                 zone_id=None)
    other_cat = db.session.scalar(select(Category).where(Category.code == "elderly_visit"))
    for field, value in [("unit_id", f.unit("县财政局").id), ("community_id", world.other_community.id),
                         ("zone_id", zone.id), ("category_id", other_cat.id), ("year", item.year + 1)]:
        data = d.ResourceItemData(**{**current.__dict__, field: value})
        refused(lambda: d.update_resource_item(item, world.admin, data), field, "已有任务")
    assert (item.unit_id, item.community_id, item.zone_id, item.category_id) == (
        world.unit.id, world.community.id, None, current.category_id)
    # Target and description may still change.
    d.update_resource_item(item, world.admin, d.ResourceItemData(**{**current.__dict__, "target": 40,
                                                                    "description": "全年"}))
    assert item.target == 40
    assert audits(item, "update")[0].detail == {"target": [10, 40], "description": [None, "全年"]}


def test_item_without_tasks_may_move(world):
    item = d.create_resource_item(world.admin, item_data(world))
    assert d.item_frozen_fields(item) == ()
    d.update_resource_item(item, world.admin, item_data(world, community_id=world.other_community.id))
    assert item.community_id == world.other_community.id


@pytest.mark.parametrize("field", ["unit_id", "community_id"])
def test_an_item_save_checks_its_unit_and_community_as_they_are_now(world, field):
    """The item's edit page holds the units and communities its form offers, its checks
    reading the chosen ones from memory (tidy47); the save checks them as they are now:
    one 停用 since the page read it is refused, not saved onto."""
    item = d.create_resource_item(world.admin, item_data(world))
    moved_to = f.unit("县财政局") if field == "unit_id" else world.other_community
    db.session.commit()
    assert moved_to.active  # read, as the page's form read it: held in the session
    # switched off by another admin since: the row changes, not what the session holds
    db.session.execute(update(type(moved_to)).where(type(moved_to).id == moved_to.id)
                       .values(active=False), execution_options={"synchronize_session": False})
    assert moved_to.active
    refused(lambda: d.update_resource_item(item, world.admin,
                                           item_data(world, **{field: moved_to.id})),
            field, "停用")


# --- members ----------------------------------------------------------------------------

def test_member_created_without_password(world):
    m = d.create_member(world.admin, member_data(world.unit, phone=" 13700000001 "))
    assert m.phone == "13700000001" and m.password_hash is None and m.active
    assert m.role == Role.member and m.branch == "机关第一党支部"
    [event] = audits(m, "create")
    assert event.actor_id == world.admin.id and "phone" not in (event.detail or {})


@pytest.mark.parametrize("phone,msg", [("", "必填"), ("1370000000", "11位"), ("137000000012", "11位"),
                                       ("23700000001", "11位"), ("1370000000a", "11位")])
def test_member_phone_format(world, phone, msg):
    refused(lambda: d.create_member(world.admin, member_data(world.unit, phone=phone)), "phone", msg)


def test_member_phone_unique_with_chinese_message(world):
    err = refused(lambda: d.create_member(world.admin, member_data(world.unit, phone=world.member.phone)),
                  "phone")
    assert str(err.message) == "该手机号已被其他党员使用。"
    other = d.create_member(world.admin, member_data(world.unit))
    refused(lambda: d.update_member(other, world.admin, member_data(world.unit, phone=world.member.phone)),
            "phone", "已被")


def test_liaison_needs_communities_and_others_have_none(world):
    refused(lambda: d.create_member(world.admin, member_data(world.unit, role=Role.liaison)),
            "community_ids", "至少")
    m = d.create_member(world.admin, member_data(world.unit, role=Role.liaison,
                                                 community_ids=[world.community.id, world.community.id]))
    assert [c.id for c in m.communities] == [world.community.id]
    d.update_member(m, world.admin, member_data(world.unit, role=Role.liaison,
                                                community_ids=[world.other_community.id, world.community.id]))
    assert {c.id for c in m.communities} == {world.community.id, world.other_community.id}
    assert audits(m, "update")[0].detail == {
        "community_ids": [[world.community.id], sorted([world.community.id, world.other_community.id])]}
    d.update_member(m, world.admin, member_data(world.unit, role=Role.member,
                                                community_ids=[world.community.id]))
    assert m.role == Role.member and m.communities == []


def test_member_update_masks_phone_in_audit(world):
    d.update_member(world.member, world.admin, member_data(world.unit, name="张三", phone="13711112222"))
    detail = audits(world.member, "update")[0].detail
    assert detail["phone"][1] == "137****2222"
    assert "13711112222" not in str(detail)


def test_inactive_unit_refused_for_new_member_but_kept_for_existing(world):
    old = f.unit("撤并单位")
    m = d.create_member(world.admin, member_data(old))
    old.active = False  # switched off before the member came (set_active now refuses)
    refused(lambda: d.create_member(world.admin, member_data(old, phone="13700000002")), "unit_id", "停用")
    d.update_member(m, world.admin, member_data(old, name="赵六六"))  # unchanged unit is fine
    assert m.name == "赵六六"


def test_admin_cannot_lock_themselves_out(world):
    admin = world.admin
    refused(lambda: d.set_active(admin, admin, False), contains="不能停用自己")
    assert admin.active
    for role in (Role.member, Role.liaison):
        refused(lambda: d.update_member(admin, admin, member_data(
            world.unit, name=admin.name, phone=admin.phone, role=role,
            community_ids=[world.community.id])), "role", "管理员角色")
    assert admin.role == Role.admin
    assert audits(admin) == []


def test_admin_may_demote_and_deactivate_another_admin(world):
    other_admin = f.member(world.unit, Role.admin, "副管理员")
    d.update_member(other_admin, world.admin, member_data(world.unit, name="副管理员",
                                                          phone=other_admin.phone, role=Role.member))
    d.set_active(other_admin, world.admin, False)
    assert other_admin.role == Role.member and not other_admin.active


# --- deactivate / reactivate ------------------------------------------------------------

@pytest.mark.parametrize("attr", ["unit", "community", "item", "other_member"])
def test_deactivate_and_reactivate_write_audit_rows(world, attr):
    # a unit nobody belongs to (one with people in use is refused: below)
    obj = f.unit("县粮食局") if attr == "unit" else getattr(world, attr)
    d.set_active(obj, world.admin, False)
    assert obj.active is False
    d.set_active(obj, world.admin, False)  # repeated: nothing new
    d.set_active(obj, world.admin, True)
    assert obj.active is True
    assert [e.action for e in audits(obj)] == ["deactivate", "reactivate"]
    assert db.session.get(type(obj), obj.id) is not None  # never deleted


def test_deactivated_member_keeps_history(world):
    d.set_active(world.member, world.admin, False)
    db.session.commit()
    assert db.session.get(Member, world.member.id).active is False
    assert len(world.past_task.assignments) == 2


def test_an_unchosen_on_roll_is_decided_in_one_place(world, monkeypatch):
    """计入参与统计 left unchosen: the member form, the member import and a row inserted
    without either all follow ``Member.on_roll_by_default`` — change the rule there and
    every way of creating an account follows."""
    from sqlalchemy import insert

    from tests.imports.helpers import xlsx_bytes
    from tracker.services import member_import as mi

    monkeypatch.setattr(Member, "on_roll_by_default", staticmethod(lambda role: False))
    d.create_member(world.admin, member_data(world.unit, phone="13700000001"))
    parsed = mi.parse_rows(mi.read_table("名单.xlsx", xlsx_bytes(
        [("钱七", "13700000002", world.unit.name, "", "", "")])))
    mi.import_members(world.admin, mi.check_rows(parsed.rows, world.admin).rows)
    db.session.execute(insert(Member).values(name="孙八", phone="13700000003",
                                             unit_id=world.unit.id, role=Role.member))
    db.session.commit()
    made = dict(db.session.execute(select(Member.phone, Member.on_roll).where(
        Member.phone.in_(["13700000001", "13700000002", "13700000003"]))).all())
    assert made == {"13700000001": False, "13700000002": False, "13700000003": False}
    monkeypatch.undo()
    assert Member.on_roll_by_default(Role.member) is True
    assert Member.on_roll_by_default(Role.liaison) is False
    assert Member.on_roll_by_default(Role.admin) is False


def test_the_member_form_names_every_refused_field_at_once(world):
    """A 手机号 already used, a 社区联络员 with no community and a 生效日期 in the
    future, refused together, each under its field; no member written."""
    from datetime import timedelta

    from tracker.services import ServiceErrors
    from tracker.services import roll
    from tracker.timeutil import local_today

    before = db.session.scalar(select(func.count(Member.id)))
    data = member_data(world.unit, phone=world.member.phone, role=Role.liaison)
    data.roll_from = local_today() + timedelta(days=1)
    with pytest.raises(ServiceErrors) as refused:
        d.create_member(world.admin, data)
    assert [(e.field, str(e.message)) for e in refused.value.errors] == [
        ("phone", "该手机号已被其他党员使用。"),
        ("community_ids", "社区联络员至少要负责一个社区。"),
        (roll.FIELD, "生效日期不能晚于今天。")]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Member.id))) == before


def test_a_unit_is_switched_off_only_once_nobody_in_use_belongs_to_it(world):
    # walk8 #11: its people are on its roll; switched off, no picker would list it
    unit = f.unit("县财政局")
    member = f.member(unit, name="周建国")
    f.member(unit, Role.liaison, name="陈丽华")
    refused(lambda: d.set_active(unit, world.admin, False),
            contains="县财政局还有2名在用的人员")
    assert unit.active and audits(unit) == []
    d.update_member(member, world.admin, member_data(world.unit, name="周建国",
                                                     phone=member.phone))
    d.set_active(db.session.scalars(select(Member).where(
        Member.unit_id == unit.id, Member.active.is_(True))).one(), world.admin, False)
    d.set_active(unit, world.admin, False)  # moved away and switched off: nobody left
    assert unit.active is False
