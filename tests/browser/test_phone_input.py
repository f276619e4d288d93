"""What a phone in WeChat does to a form and a page, in Chromium: a Chinese number pad's
「，」 reaches the server (a ``type=number`` field dropped it: 「0，5」 小时 was recorded as
5), and at 320 px no page scrolls sideways — not with a long link pasted into 任务说明,
nor with the 工作台's inline 退回 form."""
from __future__ import annotations

from datetime import timedelta

from tests.browser.conftest import follow

SMALLEST = {"width": 320, "height": 568}
LINK = "https://mp.weixin.qq.com/s/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_abcdefghijklmnop"


def test_hours_typed_with_a_chinese_comma_are_read_as_typed(live_server, world, user_page):
    from sqlalchemy import select

    from tracker.models import Assignment, ResourceItem, Task
    from tracker.timeutil import local_today

    with live_server.db() as session:
        item_id = session.scalar(select(ResourceItem.id))
    day = (local_today() - timedelta(days=2)).isoformat()
    page = user_page(world.liaison)
    page.goto(live_server.url(f"/manage/backfill?item={item_id}"))
    page.get_by_label("活动名称").fill("楼道清理（补录）")
    page.get_by_label("地点").fill("解放路12号")
    page.get_by_label("开始时间").fill(f"{day}T09:00")
    page.get_by_label("结束时间").fill(f"{day}T15:00")
    for name in ("张三", "王组长"):
        page.get_by_label(name, exact=False).first.check()
    page.get_by_label("组长", exact=True).select_option(label="王组长（县商务局）")
    page.get_by_label("情况说明").fill("清理楼道杂物。")
    hours = page.get_by_label("张三（县商务局） 的服务时长（小时）")
    hours.click()
    page.keyboard.type("0，5")  # key by key, as a Chinese number pad sends it
    assert hours.input_value() == "0，5"
    follow(page.get_by_role("button", name="保存补录"))
    assert "已补录活动，已计入统计。" in page.locator(".flash").first.inner_text()

    with live_server.db() as session:
        minutes = dict(session.execute(
            select(Assignment.member_id, Assignment.minutes).join(Task)
            .where(Task.title == "楼道清理（补录）")).all())
    assert minutes == {world.member.id: 30, world.leader.id: 360}


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_at_320_px_a_pasted_link_and_the_inline_return_form_stay_on_screen(
        live_server, world, new_context, shot):
    from tests import factories as f
    from tests.browser.conftest import sign_in
    from tests.web.manage_support import submitted_report
    from tracker.models import Member, ResourceItem, Task

    with live_server.db() as session:
        task = session.get(Task, world.task_id)
        task.description = f"报名请看通知：{LINK}"
        item = session.query(ResourceItem).first()
        liaison, leader = session.get(Member, world.liaison.id), session.get(Member, world.leader.id)
        done = f.task(item, liaison, leader=leader, title="清理小广告",
                      starts_in=-timedelta(days=1))
        submitted_report(done, leader)
        session.commit()

    def at_320(person):
        page = new_context().new_page()
        page.set_viewport_size(SMALLEST)
        sign_in(page, live_server, person)
        return page

    member = at_320(world.member)
    member.goto(live_server.url(f"/tasks/{world.task_id}"))
    shot(member, "member-task-320")
    assert _width(member) <= SMALLEST["width"]
    link = member.locator("p.description a")
    assert link.get_attribute("href") == LINK and "noopener" in link.get_attribute("rel")

    liaison = at_320(world.liaison)
    liaison.goto(live_server.url(f"/manage/tasks/{world.task_id}"))
    shot(liaison, "liaison-task-320")
    assert _width(liaison) <= SMALLEST["width"]
    liaison.goto(live_server.url("/manage/"))
    shot(liaison, "workbench-320")
    assert liaison.locator("form.inline-return").count() == 1
    assert _width(liaison) <= SMALLEST["width"]
    button = liaison.locator("form.inline-return button").bounding_box()
    assert button["x"] + button["width"] <= SMALLEST["width"]
