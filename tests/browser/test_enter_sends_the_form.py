"""Enter in a box of a form that also has a 查找 (a phone's 「前往」 key) sends the form,
as its primary button does, never the search (review44c #1): implicit submission clicks a
form's first submit button in tree order, so each such form opens with its own default
one (_macros/forms.html default_submit)."""
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


def test_enter_in_a_box_of_the_task_form_creates_the_task(live_server, world, user_page):
    from sqlalchemy import func, select

    from tracker.models import Task
    from tracker.timeutil import local_today

    title = "周六清理小区死角"
    day = (local_today() + timedelta(days=3)).isoformat()
    liaison = user_page(world.liaison)
    liaison.goto(live_server.url("/manage/tasks/new"))
    liaison.get_by_label("资源清单项目").select_option(index=1)  # the one item there is
    liaison.get_by_label("地点").fill("解放路社区3号楼")
    liaison.get_by_label("开始时间").fill(f"{day}T09:00")
    liaison.get_by_label("结束时间").fill(f"{day}T11:00")
    liaison.get_by_label("名额").fill("6")
    liaison.get_by_label("任务名称").fill(title)
    with liaison.expect_navigation():
        liaison.get_by_label("任务名称").press("Enter")
    with live_server.db() as session:
        assert session.scalar(select(func.count()).select_from(Task)
                              .where(Task.title == title)) == 1
