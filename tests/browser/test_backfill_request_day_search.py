"""补录申请's 「按日期查找更早的活动」 on a phone (walk44 #1): looking up a day keeps what
the member typed — 社区, 服务时长, 参加了什么活动, 备注 — and the request sent from the page
that lists that day's tasks ends the device's draft of the form: opening the form again
for another request starts blank, with no 「已恢复本机保存的草稿」 of the one sent."""
from __future__ import annotations

from datetime import timedelta

from tests.browser.conftest import follow


def test_a_day_looked_up_keeps_what_was_typed_and_the_send_ends_the_draft(
        live_server, world, user_page, shot):
    from tracker.models import Task
    from tracker.timeutil import local_date, utcnow

    with live_server.db() as session:  # the activity took place ten days ago
        task = session.get(Task, world.task_id)
        task.starts_at = (utcnow() - timedelta(days=10)).replace(microsecond=0)
        task.ends_at = task.starts_at + timedelta(hours=3)
        task.service_date = local_date(task.starts_at)
        day = task.service_date
        session.commit()

    member = user_page(world.member)
    member.goto(live_server.url("/backfill-requests/new"))
    member.get_by_label("社区", exact=True).select_option(label=world.community)
    member.get_by_label("服务时长（小时）").fill("2.5")
    member.get_by_label("参加了什么活动").fill("在社区会议室协助政策宣讲")
    member.get_by_label("备注").fill("十月中旬参加过一次宣讲")
    member.get_by_text("任务列表里没有？按日期查找更早的活动").click()
    member.locator("#day").fill(day.isoformat())
    follow(member.get_by_role("button", name="查找", exact=True))
    shot(member, "day-looked-up")

    # the day's task is offered, and nothing typed is gone
    task_select = member.get_by_label("参加的任务")
    assert world.task_title in task_select.inner_text()
    assert member.get_by_label("社区", exact=True).locator(
        "option:checked").inner_text() == world.community
    assert member.get_by_label("服务时长（小时）").input_value() == "2.5"
    assert member.get_by_label("参加了什么活动").input_value() == "在社区会议室协助政策宣讲"
    assert member.get_by_label("备注").input_value() == "十月中旬参加过一次宣讲"
    assert member.locator(".errors").count() == 0  # a look-up is no refused send

    task_select.select_option(value=str(world.task_id))
    follow(member.get_by_role("button", name="提交申请"))
    assert "补录申请已提交" in " ".join(member.locator(".flash").all_inner_texts())

    # another request: a blank form, the one sent is not put back as a draft
    member.goto(live_server.url("/backfill-requests/new"))
    assert member.locator(".draft-note").count() == 0
    assert member.get_by_label("备注").input_value() == ""
    assert member.get_by_label("服务时长（小时）").input_value() == ""
    shot(member, "new-request-blank")
