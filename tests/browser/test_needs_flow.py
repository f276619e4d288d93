"""需求清单 / 微心愿 in a real browser at phone size (390×844), without a line of
JavaScript needed: the liaison posts a 微心愿, a member claims it, the liaison confirms
it fulfilled, and 社区共建进展 counts it."""
from __future__ import annotations

from datetime import timedelta

from tests.browser.conftest import follow


def _flash(page) -> str:
    return " ".join(page.locator(".flash").all_inner_texts())


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_post_claim_fulfil_and_count(live_server, world, user_page, shot):
    from tracker.timeutil import local_today

    liaison = user_page(world.liaison)
    liaison.goto(live_server.url("/needs/"))
    follow(liaison.get_by_role("link", name="发布需求"))
    # one community in reach: the form itself, for 解放路社区
    assert world.community in liaison.locator("main").inner_text()
    liaison.get_by_label("微心愿").check()
    liaison.get_by_label("标题").fill("为独居老人修理轮椅")
    liaison.get_by_label("类别").select_option(label=world.category)
    liaison.get_by_label("需要完成的日期").fill((local_today() + timedelta(days=3)).isoformat())
    liaison.get_by_label("需要人数").fill("2")
    _fits(liaison)
    follow(liaison.get_by_role("button", name="发布", exact=True))
    assert "需求已发布" in _flash(liaison)
    shot(liaison, "liaison-posted")
    need_url = liaison.url

    member = user_page(world.member)
    member.goto(live_server.url("/needs/"))
    _fits(member)
    follow(member.get_by_role("link", name="为独居老人修理轮椅"))
    follow(member.get_by_role("button", name="认领", exact=True))
    assert "认领成功" in _flash(member)
    assert "为独居老人修理轮椅" in member.locator("main").inner_text()  # 我认领的需求
    shot(member, "member-claimed")

    liaison.goto(need_url)
    assert "张三" in liaison.locator("main").inner_text()
    liaison.get_by_label("完成情况").fill("轮椅已修好，老人很满意。")
    follow(liaison.get_by_role("button", name="确认完成"))
    assert "已确认完成" in _flash(liaison)
    _fits(liaison)
    shot(liaison, "liaison-fulfilled")

    liaison.goto(live_server.url("/progress/community"))
    assert liaison.locator('[data-figure="needs_fulfilled"]').inner_text() == "1"
    assert liaison.locator('[data-figure="needs_posted"]').inner_text() == "1"
    shot(liaison, "community-view")
