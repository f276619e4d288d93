"""A picker's checklist items are named in one form, the one every page names an item
by (the 工作台's task page: 「2026 建设路社区·一区 牛皮癣清除」), each with its unit: the
year first and once, last year's and this year's alike (walk55: 补录 listed
「2026 建设路社区·一区 牛皮癣清除（县商务局）」 beside 「建设路社区·一区 牛皮癣清除（县商务局） ·
2025年度项目」; walk47 #6: never the year twice). In January, before the new year's
checklist, last year's items are told apart by the year they lead with (review year #8)."""
from __future__ import annotations

import html
import re

from tests import factories as f
from tracker.extensions import db
from tracker.timeutil import local_today


def option_text(page: str, item) -> str:
    """The words the page's 资源清单项目 picker offers ``item`` in."""
    picker = re.search(r'<select[^>]*name="resource_item".*?</select>', page, re.S).group(0)
    return re.search(rf'<option[^>]*value="{item.id}"[^>]*>([^<]*)</option>', picker).group(1)


def test_every_item_is_named_in_one_form_its_year_first(client, login, world):
    this = local_today().year
    zone = f.zone(world.community, "一区")
    old = f.item(world.unit, world.community, "ecommerce_training", year=this - 1)
    zoned_old = f.item(world.unit, world.community, "ad_removal", year=this - 1, zone=zone)
    zoned = f.item(world.unit, world.community, "ad_removal", zone=zone)
    task = f.task(zoned, world.liaison)
    db.session.commit()
    login(world.liaison)
    expected = {
        old: f"{this - 1} 解放路社区 电子商务培训（县商务局）",
        zoned_old: f"{this - 1} 解放路社区·一区 牛皮癣清除（县商务局）",
        zoned: f"{this} 解放路社区·一区 牛皮癣清除（县商务局）",
        world.item: f"{this} 解放路社区 环境整治（县商务局）",
    }
    # 补录, a new task, and a need's 关联资源清单项目 (which named no community nor zone:
    # 「2026 牛皮癣清除（县商务局）」 twice for two zones)
    for url in ("/manage/backfill", "/manage/tasks/new",
                f"/needs/new?community={world.community.id}"):
        page = html.unescape(client.get(url).get_data(as_text=True))
        assert {item: option_text(page, item) for item in expected} == expected, url
        assert "年度项目" not in page, url
    # the name the activity's own page gives its item, the unit after it
    page = html.unescape(client.get(f"/manage/tasks/{task.id}").get_data(as_text=True))
    assert f"<dd>{this} 解放路社区·一区 牛皮癣清除</dd>" in page
