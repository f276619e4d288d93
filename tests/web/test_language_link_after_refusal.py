"""The footer's 中文 / English link on a page shown in answer to a refused form (walk56):
a refusal sent to an address that only takes forms (移交 at
``/progress/findings/<id>/hand-over``) is shown there, and its language link led to that
address — a 405 「请使用页面上的按钮」 page instead of the page in the other language. It
leads to the page the form was sent from, else home; any other page links to itself."""
from __future__ import annotations

import re

import pytest
from flask import g

from tests.web.progress_setup import build_double
from tracker.timeutil import local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")


def _english_link(html: str) -> str:
    found = re.search(r'<a href="([^"]+)" lang="en">English</a>', html)
    assert found, "no English link in the footer"
    return found.group(1).replace("&amp;", "&")


def test_a_refused_hand_over_links_to_the_findings_page_in_english(client, login, world):
    double = build_double(world)
    login(world.liaison)
    page = f"/progress/findings/{double.finding.id}"
    refused = client.post(f"{page}/hand-over", data={"handed_to": "", "handed_over_on": ""},
                          headers={"Referer": f"http://localhost{page}?x=1"})
    assert refused.status_code == 200 and "请填写移交给哪个部门或单位。" in refused.get_data(as_text=True)
    link = _english_link(refused.get_data(as_text=True))
    assert link == f"{page}?x=1&lang=en"
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    opened = client.get(link)
    assert opened.status_code == 200
    assert '<html lang="en">' in opened.get_data(as_text=True)


def test_without_the_page_it_came_from_the_link_leads_home(client, login, world):
    double = build_double(world)
    login(world.liaison)
    refused = client.post(f"/progress/findings/{double.finding.id}/fix", data={"fixed_on": "x"})
    assert refused.status_code == 200
    link = _english_link(refused.get_data(as_text=True))
    assert link == "/?lang=en"
    assert client.get(link).status_code in (200, 302)


def test_a_page_that_opens_links_to_itself(client, login, world):
    double = build_double(world)
    login(world.liaison)
    page = f"/progress/findings/{double.finding.id}"
    assert _english_link(client.get(f"{page}?x=1").get_data(as_text=True)) == f"{page}?x=1&lang=en"
