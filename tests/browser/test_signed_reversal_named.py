"""An admin's 冲销 in a 已定稿 month, in Chromium with scripts on: the signed 月报 is named
before the entry is reversed — the tap leads to the confirmation page that names it, not
to a fixed in-page question that skips it (design.md, signed months; review41 #1)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.browser.conftest import follow


def test_an_admins_reversal_with_scripts_names_the_signed_month(live_server, world, user_page):
    from tracker.extensions import db
    from tracker.models import Community, FundEntry, Member, SummaryScope, Unit
    from tracker.reports import final
    from tracker.services import unit_of_work
    from tracker.services.funds import add_entry

    with live_server.db() as session:
        unit = session.scalar(select(Unit))
        community = session.scalar(select(Community).where(Community.name == world.community))
        liaison, admin = db.session.get(Member, world.liaison.id), db.session.get(Member, world.admin.id)
        with unit_of_work():
            entry = add_entry(liaison, unit, community, 2025, entry_date=date(2025, 10, 20),
                              amount_fen=900_000, purpose="购置共建活动物资")
        final.finalize(admin, SummaryScope(unit_id=unit.id), 2025, 10)
        db.session.commit()
        entry_id, unit_id, community_id = entry.id, unit.id, community.id

    def reversed_() -> bool:
        with live_server.db() as session:
            return session.scalar(select(FundEntry).where(FundEntry.reverses_id == entry_id)) is not None

    page = user_page(world.admin)
    page.goto(live_server.url(f"/funds/{unit_id}/{community_id}/2025"))
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    form = page.locator(f'form[action="/funds/entries/{entry_id}/reverse"]')
    form.get_by_role("textbox").fill("重复录入")
    follow(form.get_by_role("button", name="冲销"))
    # named before anything is done: the signed month, on the page the tap leads to
    assert not reversed_(), f"reversed without naming the signed month (asked {asked})"
    main = page.locator("main").inner_text()
    assert "冲销会改变以下已定稿月报的当前数据" in main
    # a page that only asks is no lost send: drafts.js says nothing of one (confirm43 #5)
    assert "已恢复您上次填写但未提交成功的内容" not in main
    follow(page.get_by_role("button", name="确认冲销"))
    assert reversed_() and "已冲销。" in page.locator("main").inner_text()
