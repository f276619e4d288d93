"""补录申请 in a real browser at phone size (390×844): a member who came to an activity
without claiming it asks from the task's page (我参加了但没有记录), the liaison finds
补录申请 on the 工作台 and 采纳 it into the task, and the member sees 已采纳."""
from __future__ import annotations

from datetime import timedelta

from tests.browser.conftest import follow


def _flash(page) -> str:
    return " ".join(page.locator(".flash").all_inner_texts())


def test_a_member_asks_the_liaison_adopts_into_the_task_the_member_sees_it(
        live_server, world, user_page, shot):
    from tracker.models import Task
    from tracker.timeutil import local_date, utcnow

    with live_server.db() as session:  # the task took place yesterday
        task = session.get(Task, world.task_id)
        task.starts_at = (utcnow() - timedelta(days=1)).replace(microsecond=0)
        task.ends_at = task.starts_at + timedelta(hours=2)
        task.service_date = local_date(task.starts_at)
        session.commit()

    member = user_page(world.member)
    member.goto(live_server.url(f"/tasks/{world.task_id}"))
    follow(member.get_by_role("link", name="我参加了但没有记录"))
    assert member.locator("h1").inner_text() == "我参加了但没有记录"
    chosen = member.get_by_label("参加的任务")
    assert world.task_title in chosen.locator("option:checked").inner_text()
    member.get_by_label("服务时长（小时）").fill("1.5")
    member.get_by_label("备注").fill("当天忘记认领")
    follow(member.get_by_role("button", name="提交申请"))
    assert "补录申请已提交" in _flash(member)
    assert "待处理" in member.locator("main").inner_text()
    shot(member, "member-request-pending")

    liaison = user_page(world.liaison)
    liaison.goto(live_server.url("/manage/"))
    tile = liaison.locator(".stats.actions .stat", has_text="补录申请")
    assert tile.locator("b").inner_text() == "1" and "act" in tile.get_attribute("class")
    shot(liaison, "workbench-with-request")
    follow(tile)
    card = liaison.locator("article.card", has_text=world.member.name)
    assert "1.5 小时" in card.inner_text()
    follow(card.get_by_role("button", name="采纳"))
    assert "已采纳" in _flash(liaison)
    liaison.goto(live_server.url(f"/manage/tasks/{world.task_id}"))
    assert world.member.name in liaison.locator("#participants").inner_text()

    member.goto(live_server.url("/backfill-requests/mine"))
    assert "已采纳" in member.locator("main article.card").first.inner_text()
    shot(member, "member-request-adopted")
