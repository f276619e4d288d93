"""walk47 #2 in Chromium: on the 补录 form, 受益's label follows the item chosen on the
page (static/js/follow.js) — 受益户数 for a 结对帮扶 item, 受益人次 for 电子商务培训,
「受益」 again for 环境整治, which counts none — as the server labels it for the item
posted (tests/web/test_backfill_served_label.py)."""
from __future__ import annotations

import pytest


@pytest.fixture
def items(live_server, world):
    from sqlalchemy import select

    from tests import factories as f
    from tracker.models import Community, ResourceItem, Unit

    with live_server.db() as session:
        community = session.scalar(select(Community).where(Community.name == world.community))
        unit = session.scalar(select(Unit).where(Unit.name == "县商务局"))
        made = {code: f.item(unit, community, code)
                for code in ("household_assistance", "ecommerce_training")}
        cleanup = session.scalar(select(ResourceItem.id).where(
            ResourceItem.community_id == community.id,
            ResourceItem.id.not_in([i.id for i in made.values()])))
        session.commit()
        return {code: str(item.id) for code, item in made.items()} | {"cleanup": str(cleanup)}


def test_the_served_label_follows_the_item_chosen(user_page, world, items, live_server):
    page = user_page(world.liaison)
    page.goto(live_server.url("/manage/backfill"))
    label = page.locator('label[for="people_served"]')
    assert label.inner_text() == "受益"
    item = page.get_by_label("资源清单项目")
    item.select_option(items["household_assistance"])
    assert label.inner_text() == "受益户数"
    assert page.get_by_label("受益户数").count() == 1  # the field is named by it
    item.select_option(items["ecommerce_training"])
    assert label.inner_text() == "受益人次"
    item.select_option(items["cleanup"])
    assert label.inner_text() == "受益"


def test_the_quantity_help_follows_the_item_chosen(user_page, world, items, live_server):
    """leave48's Open: 完成数量's help says only what is true for the item chosen on the
    page, as the server says it for the item posted (test_backfill_quantity_label.py)."""
    from tests import factories as f
    from tracker.models import Community, Unit
    from sqlalchemy import select

    with live_server.db() as session:
        community = session.scalar(select(Community).where(Community.name == world.community))
        unit = session.scalar(select(Unit).where(Unit.name == "县商务局"))
        ad_removal = str(f.item(unit, community, "ad_removal").id)
        session.commit()
    page = user_page(world.liaison)
    page.goto(live_server.url("/manage/backfill"))
    help_ = page.locator("#quantity-help")
    assert help_.inner_text() == "所选项目的类别统计完成数量时填写。"
    item = page.get_by_label("资源清单项目")
    item.select_option(ad_removal)
    assert page.locator('label[for="quantity"]').inner_text() == "完成数量（处）"
    assert help_.inner_text() == "所选项目的类别统计完成数量，请填写。"
    item.select_option(items["cleanup"])
    assert help_.inner_text() == "所选项目的类别不用填写完成数量。"
    item.select_option("")
    assert help_.inner_text() == "所选项目的类别统计完成数量时填写。"
