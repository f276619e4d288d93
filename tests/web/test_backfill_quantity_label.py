"""walkfix47 (noticed): the 补录 form's 完成数量 is called as the chosen item's category
counts it, as the 组长's 提交完成 form calls it — 「完成数量（处）」 for 牛皮癣清除, 「完成
数量（个）」 for 楼道粉刷 — not 「完成数量」 for every category, the unit left to 「单位见
类别」. A category with no 完成数量, and the survey (its 完成数量 is its findings), name
no unit; nor does the form before an item is chosen. As 受益 (walk47 #2,
tests/web/test_backfill_served_label.py): the item chosen or posted sets it on the
server, and each option names its label for static/js/follow.js."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from tests import factories as f
from tests.web.manage_support import backfill_form, text
from tests.web.test_backfill_served_label import option_of
from tracker.extensions import db
from tracker.reference import SURVEY_CODE


def quantity_label(page: str) -> str:
    return re.search(r'<label for="quantity">([^<]*)</label>', page).group(1)


@pytest.fixture
def items(world):
    """牛皮癣清除 (处), 楼道粉刷 (个) and the survey in 解放路社区, beside the world's
    环境整治."""
    made = {code: f.item(world.unit, world.community, code)
            for code in ("ad_removal", "stairwell_painting", SURVEY_CODE)}
    db.session.commit()
    return made


def test_the_label_follows_the_item_chosen(client, login, world, items):
    login(world.liaison)
    for code, label in (("ad_removal", "完成数量（处）"), ("stairwell_painting", "完成数量（个）"),
                        (SURVEY_CODE, "完成数量")):
        page = text(client.get(f"/manage/backfill?item={items[code].id}"))
        assert quantity_label(page) == label, code
    assert quantity_label(text(client.get("/manage/backfill"))) == "完成数量"
    # as 提交完成 says it for the same category
    report = f.task(items["ad_removal"], world.liaison, leader=world.leader,
                    starts_in=-timedelta(days=1))
    db.session.commit()
    login(world.leader)
    page = text(client.get(f"/tasks/{report.id}/report"))
    assert quantity_label(page) == "完成数量（处）"


def test_a_refused_post_is_labelled_by_the_posted_item(client, login, world, items):
    login(world.liaison)
    page = text(client.post("/manage/backfill", data=backfill_form(
        world, resource_item=items["ad_removal"].id)))
    assert "请填写完成数量。" in page
    assert quantity_label(page) == "完成数量（处）"


def test_each_option_names_its_label_for_the_page_script(client, login, world, items):
    login(world.liaison)
    page = html.unescape(text(client.get("/manage/backfill")))
    assert 'data-label-quantity="完成数量（处）"' in option_of(page, items["ad_removal"])
    assert 'data-label-quantity="完成数量（个）"' in option_of(page, items["stairwell_painting"])
    assert "data-label-quantity" not in option_of(page, items[SURVEY_CODE])
    field = re.search(r'<input[^>]*name="quantity"[^>]*>', page).group(0)
    assert 'data-label-follows="resource_item"' in field and 'data-label-none="完成数量"' in field


# --- its help, true in each state (leave48's Open) -------------------------------------------
# 「该类别有完成数量时填写，单位见类别。」 sent her to the category for the unit the label
# already names, and left her to guess whether an item that counts none wants it.

NONE_CHOSEN = "所选项目的类别统计完成数量时填写。"
COUNTED = "所选项目的类别统计完成数量，请填写。"
NOT_ASKED = "所选项目的类别不用填写完成数量。"


def quantity_help(page: str) -> str:
    return re.search(r'<p class="help" id="quantity-help">([^<]*)</p>', page).group(1)


def test_the_help_says_what_is_true_for_the_item_chosen(client, login, world, items):
    login(world.liaison)
    assert quantity_help(text(client.get("/manage/backfill"))) == NONE_CHOSEN
    for item, expected in ((items["ad_removal"], COUNTED),
                           (items["stairwell_painting"], COUNTED),
                           (world.item, NOT_ASKED),  # 环境整治 counts none
                           (items[SURVEY_CODE], NOT_ASKED)):  # its findings, never typed
        page = text(client.get(f"/manage/backfill?item={item.id}"))
        assert quantity_help(page) == expected, item.category.code
        assert "单位见类别" not in page
    # a refused post keeps the posted item's
    page = text(client.post("/manage/backfill", data=backfill_form(
        world, resource_item=items["ad_removal"].id)))
    assert "请填写完成数量。" in page and quantity_help(page) == COUNTED


def test_the_field_names_each_help_for_the_page_script(client, login, world, items):
    login(world.liaison)
    page = html.unescape(text(client.get("/manage/backfill")))
    field = re.search(r'<input[^>]*name="quantity"[^>]*>', page).group(0)
    for attribute, words in (("data-help-none", NONE_CHOSEN), ("data-help-labelled", COUNTED),
                             ("data-help-plain", NOT_ASKED)):
        assert f'{attribute}="{words}"' in field
