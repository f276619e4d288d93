"""The progress views in Chromium at phone size (390×844): the community view, the
"双创" view (sorted by tapping a column head) and coverage — readable in one column,
charts drawn, nothing wider than the screen but the scrollable tables."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import follow


@pytest.fixture
def double(live_server, world):
    """The "双创" history of tests/web/progress_setup.py in the live server's database."""
    from sqlalchemy import select

    from tests.web.progress_setup import build_double
    from tracker.models import Community, Member, Task, Unit

    with live_server.db() as session:
        by_name = lambda model, name: session.scalar(select(model).where(model.name == name))  # noqa: E731
        members = {m.name: m for m in session.scalars(select(Member))}

        class W:  # the attributes build_double reads
            unit = by_name(Unit, "县商务局")
            community = by_name(Community, world.community)
            liaison = members[world.liaison.name]
            leader = members[world.leader.name]
            member = members[world.member.name]
            other_member = members[world.admin.name]

        made = build_double(W)
        return {"zone1": made.zone1.id, "zone2": made.zone2.id,
                "community": W.community.id, "survey": made.survey.id,
                "task_count": session.scalar(select(Task.id).order_by(Task.id.desc()))}


def _fits_the_screen(page) -> None:
    """No horizontal scrolling of the page itself (tables scroll in their own box)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width


def _figure(page, name: str) -> str:
    return page.locator(f'[data-figure="{name}"]').first.inner_text().strip()


def test_community_view_on_a_phone(user_page, world, double, live_server, shot):
    page = user_page(world.liaison)
    page.goto(live_server.url("/progress/"))
    follow(page.get_by_role("link", name="社区共建进展"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("社区共建进展")
    assert _figure(page, "person_times") == "3"
    assert _figure(page, "activities") == "2次"
    assert page.get_by_text("另有1份完成情况待审核（参与1人次，服务时长1.0小时，牛皮癣清除20处）").is_visible()
    assert page.locator("progress").count() >= 2
    assert page.locator("svg.trend-chart").is_visible()
    assert page.locator("table.by-month tbody tr").count() == 12
    _fits_the_screen(page)
    shot(page, "community-month")
    # The year tab: a plain link, no JavaScript needed.
    follow(page.get_by_role("link", name="本年", exact=True))
    assert "period=year" in page.url
    assert _figure(page, "person_times") == "3"
    shot(page, "community-year")


def test_bad_period_shows_a_chinese_message(user_page, world, double, live_server, shot):
    page = user_page(world.liaison)
    page.goto(live_server.url("/progress/community"))
    page.get_by_label("统计周期").select_option("range")
    page.locator("details.period-more summary").click()
    page.get_by_label("开始日期").fill("2025-10-10")
    page.get_by_label("结束日期").fill("2025-10-01")
    follow(page.get_by_role("button", name="查看"))
    # under the field, and in the summary at the top that leads to it
    assert page.get_by_text("结束日期不能早于开始日期。", exact=True).is_visible()
    assert page.get_by_role("link", name="结束日期：结束日期不能早于开始日期。").is_visible()
    assert page.get_by_label("开始日期").input_value() == "2025-10-10"
    shot(page, "bad-range")


def test_double_view_sorts_and_draws(user_page, world, double, live_server, shot):
    page = user_page(world.liaison)
    page.goto(live_server.url(f"/progress/double?community={double['community']}"))
    assert _figure(page, "ads") == "56"
    assert _figure(page, "found") == "3"
    rows = lambda: page.locator("table.double-table tbody tr").evaluate_all(  # noqa: E731
        "rows => rows.map(r => r.dataset.key)")
    assert rows() == [str(double["zone1"]), str(double["zone2"])]
    follow(page.get_by_role("link", name=re.compile("^摸排")))
    assert "sort=found" in page.url
    assert rows()[0] == str(double["zone2"])  # most findings first
    assert page.locator("svg.bar-chart").first.is_visible()
    page.get_by_text("图表数据").first.click()
    assert page.locator("details.chart-data table").first.is_visible()
    _fits_the_screen(page)
    shot(page, "double-sorted")


def test_coverage_and_my_status(user_page, world, double, live_server, shot):
    page = user_page(world.liaison)
    page.goto(live_server.url("/progress/coverage"))
    assert _figure(page, "on_roll") == "2"  # member, leader: the staff accounts are off the roll
    assert _figure(page, "took_part") == "2"
    assert _figure(page, "rate") == "100.0%"
    assert page.locator("ul.not-yet li").count() == 0
    _fits_the_screen(page)
    shot(page, "coverage")

    member = user_page(world.member)
    member.goto(live_server.url("/progress/"))
    assert member.url.endswith("/progress/mine")
    assert _figure(member, "my_month") == "本月您已参与 1 次"
    assert world.leader.name not in member.inner_text("main")
    _fits_the_screen(member)
    shot(member, "my-status")
