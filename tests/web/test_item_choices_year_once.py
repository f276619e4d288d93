"""walk47 #6: in January, before the new year's checklist, a picker offers last year's
items marked 「2026年度项目」 (review year #8) — the year said once, not also at the
head of the name (「2026 解放路社区 电子商务培训（县商务局） · 2026年度项目」)."""
from __future__ import annotations

import html
import re

from tests import factories as f
from tracker.extensions import db
from tracker.timeutil import local_today


def option_text(page: str, item) -> str:
    return re.search(rf'<option[^>]*value="{item.id}"[^>]*>([^<]*)</option>', page).group(1)


def test_last_years_item_names_its_year_once(client, login, world):
    last = local_today().year - 1
    old = f.item(world.unit, world.community, "ecommerce_training", year=last)
    db.session.commit()
    login(world.liaison)
    for url in ("/manage/backfill", "/manage/tasks/new"):
        page = html.unescape(client.get(url).get_data(as_text=True))
        named = option_text(page, old)
        assert named == f"解放路社区 电子商务培训（县商务局） · {last}年度项目", url
        # this year's keeps its year at the head, unmarked
        assert option_text(page, world.item) == f"{last + 1} 解放路社区 环境整治（县商务局）", url
