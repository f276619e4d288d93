"""An admin's 作废 in a 已定稿 month, in Chromium with scripts on: the signed 月报 is named
before the activity is voided — the tap leads to the confirmation page that names it,
with the reason typed, not to an in-page question that would skip it (docs/design.md,
the actions that ask first; unapprove42 Open, as review41 #1 for 冲销 and unapprove42
for 撤销审核)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.browser.conftest import follow


def test_an_admins_void_with_scripts_names_the_signed_month(live_server, world, user_page):
    from tests.rollups import builders as b
    from tracker.extensions import db
    from tracker.models import Community, Member, ResourceItem, SummaryScope, Unit
    from tracker.reports import final

    with live_server.db() as session:
        unit = session.scalar(select(Unit))
        community = session.scalar(select(Community).where(Community.name == world.community))
        item = session.scalar(select(ResourceItem).where(ResourceItem.community_id == community.id))
        liaison, admin = db.session.get(Member, world.liaison.id), db.session.get(Member, world.admin.id)
        task = b.task_on(item, liaison, date(2025, 11, 20), title="清理楼道杂物（11月）")
        b.join(task, db.session.get(Member, world.member.id))
        b.report(task, liaison)
        db.session.commit()
        final.finalize(admin, SummaryScope(unit_id=unit.id), 2025, 11)
        db.session.commit()
        task_id, unit_name = task.id, unit.name

    def status() -> str:
        from tracker.models import Task

        with live_server.db() as session:
            return session.get(Task, task_id).report.status.value

    page = user_page(world.admin)
    page.goto(live_server.url(f"/manage/tasks/{task_id}"))
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    form = page.locator(f'form[action="/manage/tasks/{task_id}/void"]')
    form.get_by_label("作废的原因").fill("重复录入")
    follow(form.get_by_role("button", name="作废该活动"))
    # named before anything is done: the signed month, on the page the tap leads to
    assert status() == "approved", f"voided without naming the signed month (asked {asked})"
    main = page.locator("main").inner_text()
    assert f"作废该活动会改变以下已定稿月报的当前数据：{unit_name}2025年11月。" in main
    assert "1名党员共1.0小时的服务时长不再计入" in main
    assert page.get_by_label("作废的原因").input_value() == "重复录入"
    follow(page.get_by_role("button", name="确认作废"))
    assert status() == "voided"
    assert "该活动已作废" in page.locator("main").inner_text()
