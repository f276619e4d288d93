"""补录 in a real browser at phone size (390×844): the liaison records a past activity
with five participants in one form — finding one more member with 查找 on the way,
without losing what was typed — and it is saved as an approved activity."""
from __future__ import annotations

from datetime import timedelta

from tests.browser.conftest import follow


def _flash(page) -> str:
    return " ".join(page.locator(".flash").all_inner_texts())


def test_the_liaison_records_a_past_activity_with_five_participants(
        live_server, world, user_page, shot):
    from tests import factories as f
    from tracker.models import Member, ResourceItem
    from tracker.timeutil import local_today

    with live_server.db() as session:
        unit = session.get(Member, world.member.id).unit
        for name in ("赵六", "钱七", "孙八"):
            f.member(unit, name=name)
        item_id = session.query(ResourceItem.id).scalar()
        session.commit()
    day = (local_today() - timedelta(days=3)).isoformat()

    page = user_page(world.liaison)
    page.goto(live_server.url("/manage/"))
    follow(page.get_by_role("link", name="补录活动"))
    page.get_by_label("资源清单项目").select_option(str(item_id))
    page.get_by_label("地点").fill("解放路12号")
    page.get_by_label("开始时间").fill(f"{day}T09:00")
    page.get_by_label("结束时间").fill(f"{day}T11:00")
    for name in ("张三", "王组长", "赵六", "钱七"):
        page.get_by_label(name, exact=False).first.check()
    page.get_by_label("情况说明").fill("清理楼道杂物，张贴文明提示。")

    # 查找 narrows the list; the four picked stay picked and the typed text stays.
    page.get_by_placeholder("姓名或手机号").fill("孙")
    follow(page.get_by_role("button", name="查找"))
    assert page.get_by_label("地点").input_value() == "解放路12号"
    assert page.get_by_label("情况说明").input_value() == "清理楼道杂物，张贴文明提示。"
    rows = page.locator(".backfill-row")
    assert rows.count() == 5
    row = page.locator(".backfill-row", has_text="孙八")
    row.get_by_role("checkbox").check()
    row.get_by_label("孙八（县商务局） 的服务时长（小时）").fill("1.5")
    page.get_by_label("组长", exact=True).select_option(label="王组长（县商务局）")
    follow(page.get_by_role("button", name="保存补录"))

    assert "已补录活动，已计入统计。" in _flash(page)
    main = page.locator("main").inner_text()
    for name in ("张三", "王组长", "赵六", "钱七", "孙八"):
        assert name in main
    shot(page, "backfilled-task")

    # The month's 月报 lists it in its ledger, marked 补录 as its 来源.
    page.goto(live_server.url(f"/reports/?month={day[:7]}"))
    row = page.locator("tr", has_text="解放路12号")
    assert "补录" in row.inner_text()
    shot(page, "ledger-marked")
