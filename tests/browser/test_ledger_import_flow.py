"""Bulk 补录 in a real browser at phone size (390×844): the liaison uploads a 台账 sheet,
reads the preview, confirms, and the activity is recorded; the same file uploaded again
is recognised row by row and records nothing."""
from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import Workbook

from tests.browser.conftest import follow


def _sheet(world, day: str) -> bytes:
    from tracker.services.ledger_import import HEADERS

    book = Workbook()
    book.active.append(HEADERS)
    for person, leader in ((world.leader, "是"), (world.member, "")):
        values = {"日期": day, "开始": "09:00", "结束": "11:00", "单位": "县商务局",
                  "社区": world.community, "类别": world.category, "活动": "楼道清理（台账导入）",
                  "地点": "解放路12号", "姓名": person.name, "手机号": person.phone,
                  "组长": leader, "完成数量": "", "受益": "", "情况说明": "清理楼道杂物。"}
        book.active.append([values.get(h, "") for h in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(page, data: bytes) -> None:
    page.set_input_files("input[type=file]", files=[{
        "name": "台账.xlsx",
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": data}])
    follow(page.get_by_role("button", name="上传并预览"))


def test_the_liaison_imports_a_ledger_sheet_once_and_only_once(live_server, world, user_page,
                                                               shot):
    from tracker.timeutil import local_today

    data = _sheet(world, (local_today() - timedelta(days=3)).isoformat())
    page = user_page(world.liaison)
    page.goto(live_server.url("/manage/backfill"))
    follow(page.get_by_role("link", name="从Excel批量补录"))
    _upload(page, data)
    main = page.locator("main").inner_text()
    assert "检查通过，可以导入。" in main and "楼道清理（台账导入）" in main
    # The page itself is phone-wide; the preview table scrolls inside its wrapper.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "preview")
    follow(page.get_by_role("button", name="确认导入"))
    assert "导入完成：补录活动1次、参与记录2条；0条已存在，已跳过。" in page.inner_text("main")
    shot(page, "imported")

    _upload(page, data)
    main = page.locator("main").inner_text()
    assert main.count("已存在，跳过") == 2
    follow(page.get_by_role("button", name="确认导入"))
    assert "导入完成：补录活动0次、参与记录0条；2条已存在，已跳过。" in page.inner_text("main")

    page.goto(live_server.url(f"/reports/?month={local_today() - timedelta(days=3):%Y-%m}"))
    row = page.locator("tr", has_text="楼道清理（台账导入）")
    assert row.count() == 1 and "补录" in row.inner_text()
