"""walk47 #2: the 补录 form's 受益 is called as the chosen item's category counts it —
as the 组长's 提交完成 form labels it and the 月报 prints it (受益户数 for 结对帮扶, its
「3户」; 受益人次 for 电子商务培训; 受益人数 for 慰问) — not 「受益人数」 for every
category: a liaison told 人数 for a visit to 2 households of 5 people types 5, and the
月报 says 5户. The item chosen (or posted: without JavaScript, after a refusal) sets it
on the server; each item's option names its label for static/js/follow.js to put on the
field when another item is chosen on the page."""
from __future__ import annotations

import html
import re

import pytest

from tests import factories as f
from tests.web.manage_support import backfill_form, text
from tracker.extensions import db


def served_label(page: str) -> str:
    return re.search(r'<label for="people_served">([^<]*)</label>', page).group(1)


def option_of(page: str, item) -> str:
    return re.search(rf'<option[^>]*value="{item.id}"[^>]*>', page).group(0)


@pytest.fixture
def items(world):
    """帮扶 (户), 电商 (人次) and 慰问 (人) in 解放路社区, beside the world's 环境整治 (none)."""
    made = {code: f.item(world.unit, world.community, code)
            for code in ("household_assistance", "ecommerce_training", "elderly_visit")}
    db.session.commit()
    return made


def test_the_label_follows_the_item_chosen(client, login, world, items):
    login(world.liaison)
    for code, label in (("household_assistance", "受益户数"), ("ecommerce_training", "受益人次"),
                        ("elderly_visit", "受益人数")):
        page = text(client.get(f"/manage/backfill?item={items[code].id}"))
        assert served_label(page) == label, code
    # no item chosen, or one whose category counts no beneficiaries: no unit is named
    assert served_label(text(client.get("/manage/backfill"))) == "受益"
    page = text(client.get(f"/manage/backfill?item={world.item.id}"))
    assert served_label(page) == "受益"


def test_a_refused_post_is_labelled_by_the_posted_item(client, login, world, items):
    login(world.liaison)
    page = text(client.post("/manage/backfill", data=backfill_form(
        world, resource_item=items["household_assistance"].id)))
    assert "请填写受益户数。" in page  # the refusal under the field, in the same words
    assert served_label(page) == "受益户数"


def test_each_option_names_its_label_for_the_page_script(client, login, world, items):
    login(world.liaison)
    page = html.unescape(text(client.get("/manage/backfill")))
    assert 'data-label-people_served="受益户数"' in option_of(page, items["household_assistance"])
    assert 'data-label-people_served="受益人次"' in option_of(page, items["ecommerce_training"])
    assert "data-label-people_served" not in option_of(page, world.item)
    field = re.search(r'<input[^>]*name="people_served"[^>]*>', page).group(0)
    assert 'data-label-follows="resource_item"' in field and 'data-label-none="受益"' in field
    assert "/static/js/follow.js" in page
