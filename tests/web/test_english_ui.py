"""The English UI used for real (review session 27, "english"): the app's own words in
English, the data and what is written for Chinese readers in Chinese."""
from __future__ import annotations

import html as html_lib
import re

from flask import g

from tests import factories as f

WECHAT = ("Mozilla/5.0 (Linux; Android 13; V2145A) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5015 MMWEBSDK/20230504 "
          "MicroMessenger/8.0.37.2380(0x2800253D) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN")


def page(client, url: str) -> str:
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return html_lib.unescape(response.get_data(as_text=True))


def test_the_quantity_unit_help_keeps_the_chinese_units_to_type(client, login, world):
    """The unit goes into the Chinese 月报 as typed: the English help shows the Chinese
    examples, not English words an admin would copy into a signed document."""
    login(world.admin)
    html = page(client, "/admin/categories/new?lang=en")
    assert "e.g. 处, 个, 棵" in html
    assert "E.g. spots, stairwells, trees" not in html


def test_the_apps_own_units_are_english_on_english_pages(client, login, world):
    login(world.admin)
    html = page(client, "/admin/categories/new?lang=en")
    options = dict(re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', html))
    assert (options["场"], options["次"]) == ("sessions", "times")
    assert (options["人次"], options["户"], options["人"]) == ("person-times", "households", "people")
    html = page(client, "/admin/categories/new?lang=zh_CN")
    options = dict(re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', html))
    assert (options["场"], options["人次"]) == ("场", "人次")


def test_the_device_list_names_wechat_in_the_readers_language(client, world):
    client.get("/auth/login?lang=en")
    response = client.post("/auth/login", data={"phone": world.member.phone,
                                                "password": f.PASSWORD},
                           headers={"User-Agent": WECHAT})
    assert response.status_code == 302
    html = page(client, "/auth/sessions")
    assert "Android · WeChat" in html and "微信" not in html
    assert "Android · 微信" in page(client, "/auth/sessions?lang=zh_CN")


def test_the_wechat_group_text_is_chinese_whatever_the_ui(client, login, world):
    """The box to paste into the unit's WeChat group is for its Chinese readers."""
    login(world.member)
    html = page(client, f"/tasks/{world.task.id}?lang=en")
    share = re.search(r'<textarea id="share-text"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert "【环境整治】" in share and "时间：" in share and "地点：社区活动中心" in share
    assert "剩余名额：5/5" in share
    assert not re.search(r"Time:|Place:|left:|\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b", share), share
    assert re.search(r"周[一二三四五六日]", share)
    assert "Share and calendar" in html  # the page itself is English



def test_figures_of_different_units_are_listed_in_the_readers_language(app):
    """Side-by-side figures (「3场、17次」) are joined as the reader writes lists: the
    Chinese 顿号 on a Chinese page and in the documents, a comma on an English page
    (review session 27, "merged27" #3: 「3 sessions、17 times」)."""
    from flask_babel import force_locale

    from tracker.formatting import per_unit

    with app.test_request_context("/"):
        with force_locale("en"):
            assert per_unit([(3, "场"), (17, "次")]) == "3 sessions, 17 times"
        with force_locale("zh_CN"):
            assert per_unit([(3, "场"), (17, "次")]) == "3场、17次"
