"""The core loop in a real browser at phone size, one user per browser context:

a member claims a task and (after it took place) confirms hours; the leader reports
the result; the liaison returns it with a reason; the leader corrects and resubmits;
the liaison approves; the member sees it in history. Every step asserts on what the
page shows and keeps a screenshot (test-artifacts/screenshots/…).
"""
from __future__ import annotations

from datetime import timedelta

from tests.browser.conftest import follow

REASON = "请补充受益人数的统计依据。"


def _flash(page) -> str:
    return " ".join(page.locator(".flash").all_inner_texts())


def _move_task_into_the_past(live_server, task_id: int) -> None:
    """Time passes: the task took place yesterday."""
    from tracker.models import Task
    from tracker.timeutil import local_date, utcnow

    with live_server.db() as session:
        task = session.get(Task, task_id)
        length = task.ends_at - task.starts_at
        start = (utcnow() - timedelta(days=1)).replace(microsecond=0)
        task.starts_at, task.ends_at = start, start + length
        task.service_date = local_date(start)
        session.commit()


def test_claim_confirm_report_return_resubmit_approve(live_server, world, user_page, shot):
    title = world.task_title

    # 1. The member finds the task in the open list and claims it from the card.
    member = user_page(world.member)
    member.goto(live_server.url("/tasks/"))
    card = member.locator("article", has_text=title)
    assert "剩余名额 5 / 5" in " ".join(card.inner_text().split())
    shot(member, "member-open-tasks")
    follow(card.get_by_role("button", name="认领", exact=True))
    assert f"认领成功：{title}" in _flash(member)
    shot(member, "member-claimed")

    member.goto(live_server.url("/tasks/mine"))
    assert title in member.locator("main").inner_text()
    shot(member, "member-mine-upcoming")

    # 2. Time passes; the member confirms participation with own hours.
    _move_task_into_the_past(live_server, world.task_id)
    member.goto(live_server.url("/tasks/mine?tab=confirm"))
    card = member.locator("article", has_text=title)
    shot(member, "member-to-confirm")
    follow(card.get_by_role("link", name="确认参与"))
    member.get_by_label("服务时长（小时）").fill("2")
    follow(member.get_by_role("button", name="确认参与", exact=True))
    assert "已确认参与" in _flash(member) and title in _flash(member)
    shot(member, "member-confirmed")

    # 3. The leader reports the result.
    leader = user_page(world.leader)
    leader.goto(live_server.url("/tasks/mine?tab=lead"))
    card = leader.locator("article", has_text=title)
    assert "未提交" in card.inner_text()
    shot(leader, "leader-lead-tab")
    follow(card.get_by_role("link", name="提交完成"))
    assert world.member.name in leader.locator("main").inner_text()  # the participant
    # 环境整治 counts its activities only: no 完成数量 or 受益 to type (hours are the
    # members' own confirmed minutes)
    assert leader.get_by_label("完成数量").count() == 0
    assert leader.get_by_label("受益人数").count() == 0
    leader.get_by_label("情况说明").fill("清理楼道杂物3处，居民20人受益。")
    shot(leader, "leader-report-form")
    follow(leader.get_by_role("button", name="提交完成", exact=True))
    assert _flash(leader), "no confirmation after submitting the report"
    leader.goto(live_server.url("/tasks/mine?tab=lead"))
    assert "待审核" in leader.locator("article", has_text=title).inner_text()
    shot(leader, "leader-submitted")

    # 4. The liaison returns it with a reason.
    liaison = user_page(world.liaison)
    liaison.goto(live_server.url("/manage/reviews"))
    card = liaison.locator("article", has_text=title)
    text = card.inner_text()
    assert "清理楼道杂物3处" in text and world.member.name in text
    shot(liaison, "liaison-queue")
    follow(card.get_by_role("link", name="退回"))
    follow(liaison.get_by_role("button", name="退回", exact=True))  # no reason yet
    assert "请填写退回原因" in liaison.locator("main").inner_text()
    shot(liaison, "liaison-return-needs-reason")
    liaison.get_by_label("退回原因").fill(REASON)
    follow(liaison.get_by_role("button", name="退回", exact=True))
    assert f"已退回：{title}" in _flash(liaison)
    shot(liaison, "liaison-returned")

    # 5. The leader sees the reason, corrects and resubmits.
    leader.goto(live_server.url("/tasks/mine?tab=returned"))
    card = leader.locator("article", has_text=title)
    assert REASON in card.inner_text()
    shot(leader, "leader-returned")
    follow(card.get_by_role("link", name="修改后重新提交"))
    assert REASON in leader.locator("main").inner_text()
    assert leader.get_by_label("情况说明").input_value() == "清理楼道杂物3处，居民20人受益。"
    leader.get_by_label("情况说明").fill("清理楼道杂物3处；按入户登记，25位居民受益。")
    follow(leader.get_by_role("button", name="重新提交", exact=True))
    assert "已重新提交" in _flash(leader)
    shot(leader, "leader-resubmitted")

    # 6. The liaison approves.
    liaison.goto(live_server.url("/manage/reviews"))
    card = liaison.locator("article", has_text=title)
    assert "25" in card.inner_text()
    follow(card.get_by_role("button", name="通过", exact=True))
    assert f"已通过：{title}" in _flash(liaison)
    assert liaison.locator("article", has_text=title).count() == 0  # left the queue
    shot(liaison, "liaison-approved")

    # 7. The member sees it in history, approved, with the confirmed hours counted.
    member.goto(live_server.url("/tasks/mine?tab=history"))
    card = member.locator("article", has_text=title)
    text = card.inner_text()
    assert "已通过" in text and "服务时长 2.0 小时" in text
    hours = member.locator(".stat", has_text="服务时长").locator("b").inner_text()
    activities = member.locator(".stat", has_text="参加活动").locator("b").inner_text()
    assert (hours.strip(), activities.strip()) == ("2.0", "1")
    shot(member, "member-history")
