"""社区共建进展's category rows count distinct households and people from the named 服务对象
(docs/design.md, "Categories"), by the 月报's rule: a 受益 in 户 or 人 over more than one
approved activity is 户次 / 人次, after the households / people when every activity
names as many 服务对象 as its 受益 — 「3户（6户次）」 — else the visits alone."""
from __future__ import annotations

import html as html_lib
import re

from flask import g

from tests.reports.test_served_households import ELDERLY, helped, households
from tracker.extensions import db

MAY = "period=month&month=2025-05"


def served_cell(client, url: str, code: str) -> str:
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = html_lib.unescape(response.get_data(as_text=True))
    row = re.search(rf'<tr data-category="{code}">(.*?)</tr>', html, re.S).group(1)
    return re.findall(r'<td data-label="[^"]*" class="num">([^<]*)</td>', row)[2]


def test_a_category_row_gives_the_households_and_the_visits(client, login, world):
    three = households(world)
    helped(world, "household_assistance", [(3, three), (3, three)])
    four = households(world, ELDERLY, n=4, start=10)
    helped(world, "elderly_visit", [(4, four), (2, four[2:])])
    login(world.liaison)
    url = f"/progress/community?community={world.community.id}&{MAY}"
    assert served_cell(client, url, "household_assistance") == "3户（6户次）"
    assert served_cell(client, url, "elderly_visit") == "4人（6人次）"


def test_a_row_with_an_activity_naming_no_one_gives_the_visits_alone(client, login, world):
    three = households(world)
    helped(world, "household_assistance", [(3, three), (3, [])])
    four = households(world, ELDERLY, n=4, start=10)
    helped(world, "elderly_visit", [(4, four), (4, four)])
    login(world.liaison)
    url = f"/progress/community?community={world.community.id}&{MAY}"
    assert served_cell(client, url, "household_assistance") == "6户次"
    assert served_cell(client, url, "elderly_visit") == "4人（8人次）"  # beside it, named


def test_an_english_page_names_households_and_visits(client, login, world):
    three = households(world)
    helped(world, "household_assistance", [(3, three), (3, three)])
    db.session.commit()
    login(world.liaison)
    url = f"/progress/community?community={world.community.id}&{MAY}&lang=en"
    assert served_cell(client, url, "household_assistance") == \
        "3 households (6 household visits)"
