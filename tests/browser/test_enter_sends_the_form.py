"""Enter in a box of the 补录申请 form (a phone's 「前往」 key) sends the request, as
提交申请 does, never the day search (review44c #1): implicit submission clicks a form's
first submit button in tree order, so 提交申请 comes before 查找 in the page
(templates/backfill_requests/new.html). 补录's and 创建任务's forms keep Enter on their
查找, which records nothing: a 补录 is approved once saved."""
from __future__ import annotations

from datetime import timedelta

from tests.browser.conftest import follow


def test_enter_in_hours_sends_the_request(live_server, world, user_page):
    from tracker.timeutil import local_today

    member = user_page(world.member)
    member.goto(live_server.url("/backfill-requests/new"))
    member.get_by_label("社区", exact=True).select_option(label=world.community)
    member.locator("input[name=service_date]").fill(
        (local_today() - timedelta(days=3)).isoformat())
    member.get_by_label("参加了什么活动").fill("在社区会议室协助政策宣讲")
    member.get_by_label("服务时长（小时）").fill("2")
    with member.expect_navigation():
        member.get_by_label("服务时长（小时）").press("Enter")
    assert "补录申请已提交" in " ".join(member.locator(".flash").all_inner_texts())
    member.goto(live_server.url("/backfill-requests/mine"))
    assert "您还没有提交过补录申请" not in member.locator("main").inner_text()


def test_a_search_with_no_day_says_so_and_keeps_what_was_typed(live_server, world, user_page):
    member = user_page(world.member)
    member.goto(live_server.url("/backfill-requests/new"))
    member.get_by_label("参加了什么活动").fill("在社区会议室协助政策宣讲")
    member.get_by_text("任务列表里没有？按日期查找更早的活动").click()
    follow(member.get_by_role("button", name="查找", exact=True))
    assert "请填写活动日期。" in member.locator("main").inner_text()
    assert member.get_by_label("参加了什么活动").input_value() == "在社区会议室协助政策宣讲"
