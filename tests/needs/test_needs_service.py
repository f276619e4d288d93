"""需求清单 / 微心愿 without HTTP: posting in the liaison's reach, the rules a need must
keep, claiming (a member, or a member for their unit), giving it back, the liaison's
确认完成 and 关闭 — and an audit event for every change."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.audit import work_actions, work_event_count
from tests.needs.support import need, need_data
from tests.residents.support import resident
from tracker.extensions import db
from tracker.models import Category, Need, NeedStatus
from tracker.services import PermissionDenied, ServiceError, unit_of_work
from tracker.services.needs import (
    claim_need,
    close_need,
    fulfil_need,
    may_see_resident,
    post_need,
    release_need,
    update_need,
)
from tracker.timeutil import local_today


def run(call, *args, **kwargs):
    with unit_of_work():
        return call(*args, **kwargs)


def refused(call, *args, message: str, error=ServiceError, **kwargs):
    before = work_event_count()
    with pytest.raises(error) as info:
        run(call, *args, **kwargs)
    assert message in str(info.value.message)
    assert work_event_count() == before  # a refusal writes nothing
    return info.value


def test_the_liaison_posts_a_need_of_their_community(world):
    posted = run(post_need, world.liaison, need_data(world))
    assert (posted.status, posted.community_id, posted.created_by_id) == (
        NeedStatus.open, world.community.id, world.liaison.id)
    assert work_actions()[-1] == "need_post"


@pytest.mark.parametrize("actor", ["other_liaison", "member"])
def test_only_the_communitys_liaison_or_an_admin_posts(world, actor):
    refused(post_need, getattr(world, actor), need_data(world), message="无权操作",
            error=PermissionDenied)
    assert db.session.scalar(select(Need)) is None


def test_an_admin_posts_anywhere(world):
    assert run(post_need, world.admin, need_data(world, community_id=world.other_community.id))


def _zone_of_other(world):
    return f.zone(world.other_community, "一区").id


def _resident_of_other(world):
    return resident(world.other_community, world.other_liaison).id


@pytest.mark.parametrize("field,value,message", [
    ("title", "  ", "请填写标题"),
    ("title", "长" * 121, "不能超过120个字"),
    ("kind", None, "请选择类型"),
    ("category_id", None, "请选择类别"),
    ("wanted_by", None, "请填写需要完成的日期"),
    ("wanted_by", "yesterday", "不能早于今天"),
    ("people", 0, "请输入1到500之间的整数"),
    ("zone_id", _zone_of_other, "请选择本社区的责任区"),
    ("resident_id", _resident_of_other, "请选择本社区登记的服务对象"),
    ("resource_item_id", "other_item", "请选择本社区的资源清单项目"),
    # 困难群众结对帮扶 counts households, not a quantity: no 数量 to ask for
    ("quantity", 3, "该类别没有数量单位"),
])
def test_bad_needs_are_refused_with_the_reason(world, field, value, message):
    if value == "yesterday":
        value = local_today() - timedelta(days=1)
    elif value == "other_item":
        value = world.other_item.id
    elif callable(value):
        value = value(world)
    db.session.commit()
    error = refused(post_need, world.liaison, need_data(world, **{field: value}), message=message)
    assert error.field == {"category_id": "category", "zone_id": "zone", "resident_id": "resident",
                           "resource_item_id": "resource_item"}.get(field, field)
    assert db.session.scalar(select(Need)) is None


def test_a_quantity_in_the_categorys_unit(world):
    ads = db.session.scalar(select(Category).where(Category.code == "ad_removal"))
    posted = run(post_need, world.liaison, need_data(world, category_id=ads.id, quantity=30))
    assert posted.quantity == 30


def test_editing_keeps_a_past_wanted_by_date_and_names_the_changed_fields(world):
    old = need(world.community, world.liaison, wanted_in=-3)
    db.session.commit()
    data = need_data(world, title="修理轮椅（左轮）", wanted_by=old.wanted_by)
    run(update_need, old, world.liaison, data)
    assert old.title == "修理轮椅（左轮）"
    from tracker.models import AuditEvent
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert event.action == "need_edit" and "title" in event.detail["fields"]


def test_a_member_claims_and_gives_back(world):
    wish = need(world.community, world.liaison)
    db.session.commit()
    run(claim_need, wish, world.member)
    assert (wish.status, wish.claimed_by_id, wish.claimed_unit_id) == (
        NeedStatus.claimed, world.member.id, None)
    refused(claim_need, wish, world.other_member, message="该需求已被认领")
    refused(claim_need, wish, world.member, message="您已认领该需求")
    refused(release_need, wish, world.other_member, message="无权操作", error=PermissionDenied)
    run(release_need, wish, world.member)
    assert (wish.status, wish.claimed_by_id) == (NeedStatus.open, None)
    run(claim_need, wish, world.other_member)
    assert wish.claimed_by_id == world.other_member.id
    assert work_actions()[-3:] == ["need_claim", "need_release", "need_claim"]


def test_a_member_claims_for_their_unit(world):
    wish = need(world.community, world.liaison)
    db.session.commit()
    run(claim_need, wish, world.member, for_unit=True)
    assert (wish.claimed_by_id, wish.claimed_unit_id) == (world.member.id, world.unit.id)


def test_the_liaison_fulfils_a_claimed_need_with_a_note(world):
    wish = need(world.community, world.liaison)
    db.session.commit()
    refused(fulfil_need, wish, world.liaison, None, message="还没有人认领")
    run(claim_need, wish, world.member)
    refused(fulfil_need, wish, world.other_liaison, None, message="无权操作",
            error=PermissionDenied)
    refused(fulfil_need, wish, world.member, None, message="无权操作", error=PermissionDenied)
    run(fulfil_need, wish, world.liaison, "轮椅已修好")
    assert (wish.status, wish.fulfil_note, wish.fulfilled_on) == (
        NeedStatus.fulfilled, "轮椅已修好", local_today())
    # once fulfilled it is nobody's to give back, claim or close
    refused(release_need, wish, world.member, message="当前没有被认领")
    refused(claim_need, wish, world.other_member, message="已完成或已关闭")
    refused(close_need, wish, world.liaison, "不需要了", message="已完成或已关闭")
    assert work_actions()[-1] == "need_fulfil"


def test_the_liaison_closes_with_a_reason(world):
    wish = need(world.community, world.liaison)
    db.session.commit()
    refused(close_need, wish, world.liaison, "  ", message="请填写关闭原因")
    run(close_need, wish, world.liaison, "居民已自行解决")
    assert (wish.status, wish.close_reason) == (NeedStatus.closed, "居民已自行解决")
    refused(update_need, wish, world.liaison, need_data(world), message="不能再修改")
    assert work_actions()[-1] == "need_close"


def test_a_resident_is_shown_only_to_whom_the_register_shows_it(world):
    elder = resident(world.community, world.liaison, paired=[world.member])
    wish = need(world.community, world.liaison, resident_id=elder.id)
    db.session.commit()
    seen = {name: may_see_resident(getattr(world, name), wish)
            for name in ("member", "other_member", "leader", "liaison", "other_liaison", "admin")}
    assert seen == {"member": True, "other_member": False, "leader": False, "liaison": True,
                    "other_liaison": False, "admin": True}
