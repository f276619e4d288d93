"""The last wide tables at 360 px (walk10 D4, D6): an import preview's rows and the
经费 overview's ledgers are cards on a phone, and what a row is about — why it is
refused (检查结果), whether a ledger is over its budget (状态) — is on the screen, not
screens to the right in a scrolling table; measured from the boxes Chromium draws, in
both languages (the English labels and reasons are the longer)."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import Workbook

from tests.browser.conftest import Person, follow, sign_in
from tests.factories import PASSWORD

NARROW = {"width": 360, "height": 640}
WIDE = {"width": 1024, "height": 768}

# The box of the first cell matching the selector, and the viewport's width.
BOX = """sel => { const el = document.querySelector(sel);
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, width: innerWidth, text: el.innerText}; }"""


def _phone(new_context, live_server, person):
    page = new_context().new_page()
    page.set_viewport_size(NARROW)
    sign_in(page, live_server, person, PASSWORD)
    return page


def _upload(page, name: str, data: bytes, mime: str) -> None:
    page.set_input_files("input[type=file]", files=[{"name": name, "mimeType": mime,
                                                      "buffer": data}])
    follow(page.locator("form:has(input[type=file]) button[type=submit]"))


def _on_screen(page, selector: str) -> dict:
    box = page.evaluate(BOX, selector)
    assert box is not None, selector
    assert box["left"] >= 0 and box["right"] <= box["width"], box
    return box


def _cards_then_table(page, first_cell: str) -> None:
    """Nothing scrolls sideways at 360 px; a wide screen keeps the table."""
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    page.set_viewport_size(WIDE)
    assert page.locator("table.cards thead").is_visible()
    assert page.locator("table.cards tbody tr").first.evaluate(
        "r => getComputedStyle(r).display") == "table-row"
    # in the table, the 检查结果 / 状态 stays the last column
    assert page.evaluate(BOX, first_cell)["right"] > page.evaluate(
        BOX, "table.cards tbody td")["right"]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_refused_member_rows_reason_is_on_screen_at_360_px(new_context, live_server, world,
                                                             shot, lang):
    from tests.imports.helpers import xlsx_bytes

    page = _phone(new_context, live_server, world.admin)
    page.goto(live_server.url(f"/imports/members?lang={lang}"))
    rows = [("张三丰", "13900001111", "县商务局", "机关一支部", "", ""),
            ("李四光", "1390000222", "县商务局", "一个非常长的党支部名称用来测试换行情况的支部", "", ""),
            ("王五", "13800000005", "县商务局", "机关一支部", "", "")]
    _upload(page, "名单.xlsx", xlsx_bytes(rows),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    shot(page, f"member-preview-{lang}")
    result = "tr.row-error td:last-child"  # 检查结果, the last column
    box = _on_screen(page, result)
    assert "1390000222" in box["text"], box["text"]  # the reason quotes the refused number
    # the reason comes right after the 行号, before the name and the rest of the card
    name = page.evaluate(BOX, "tr.row-error td:nth-child(2)")
    assert box["top"] < name["top"]
    _cards_then_table(page, result)


def _ledger_sheet(world, day: str) -> bytes:
    from tracker.services.ledger_import import HEADERS

    book = Workbook()
    book.active.append(HEADERS)
    for person, phone in ((world.leader, world.leader.phone), (world.member, "1390000222")):
        values = {"日期": day, "开始": "09:00", "结束": "11:00", "单位": "县商务局",
                  "社区": world.community, "类别": world.category, "活动": "楼道清理（台账导入）",
                  "地点": "解放路12号", "姓名": person.name, "手机号": phone,
                  "完成数量": "", "受益": "", "情况说明": "清理楼道杂物。"}
        book.active.append([values.get(h, "") for h in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_refused_ledger_rows_reason_is_on_screen_at_360_px(new_context, live_server, world,
                                                             shot, lang):
    from tracker.timeutil import local_today

    page = _phone(new_context, live_server, world.liaison)
    page.goto(live_server.url(f"/imports/ledger?lang={lang}"))
    day = (local_today() - timedelta(days=3)).isoformat()
    _upload(page, "台账.xlsx", _ledger_sheet(world, day),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    shot(page, f"ledger-preview-{lang}")
    result = "tr.row-error td:last-child"  # 检查结果, the last column
    box = _on_screen(page, result)
    assert box["text"].strip(), "no reason shown"
    _cards_then_table(page, result)


def _over_budget_world() -> dict:
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import FundEntry, Role, TargetMeasure

    unit = f.unit("县商务局")
    community = f.community("建设路社区")
    other = f.community("解放路社区")
    liaison = f.member(unit, Role.liaison, "联络员乙", communities=[community, other])
    from tracker.timeutil import local_today

    today = local_today()  # the year the app's pages count
    for place, budget, spent in ((community, 100_000, 430_000), (other, 1_000_000, 200_000)):
        f.item(unit, place, "cobuild_funding", year=today.year, target=budget,
               measure=TargetMeasure.money)
        db.session.add(FundEntry(unit_id=unit.id, community_id=place.id,
                                 entry_date=today, amount_fen=spent,
                                 purpose="环境整治工具", created_by_id=liaison.id))
    db.session.commit()
    return {"liaison": Person(liaison.name, liaison.phone, liaison.id), "year": today.year}


STATES = {"zh_CN": "已超出预算", "en": "over budget"}


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_ledger_over_its_budget_says_so_on_screen_at_360_px(new_context, live_server, shot,
                                                              lang):
    people = live_server.built("browser-phonetables-funds", _over_budget_world)
    page = _phone(new_context, live_server, people["liaison"])
    page.goto(live_server.url(f"/funds/?year={people['year']}&lang={lang}"))
    shot(page, f"funds-{lang}")
    state = "tr.over-budget td:last-child"  # 状态, the last column
    box = _on_screen(page, state)
    assert STATES[lang] in box["text"].lower(), box["text"]
    # the 预算使用率 beside it, and the 合计's count of ledgers over budget
    _on_screen(page, "tr.over-budget td:nth-child(5)")
    _on_screen(page, "tfoot td:last-child")
    _cards_then_table(page, state)


def test_after_assigning_on_a_phone_the_form_and_its_result_are_in_view(new_context, live_server,
                                                                       world, shot):
    """walk10 D14: 指派 one member after another at 360 px — each send comes back at the
    指派 form, its 已指派 on the screen, not at the page's top ~1,000 px above."""
    page = _phone(new_context, live_server, world.liaison)
    page.goto(live_server.url(f"/manage/tasks/{world.task_id}"))
    form = page.locator("#assign form[method=post]")
    form.locator("select").select_option(index=1)
    follow(form.locator("button[type=submit]"))
    shot(page, "assigned")
    assert page.url.endswith("#assign")
    note = page.locator("#assign [data-flash-at=assign]")
    assert "已指派" in note.inner_text()
    box = note.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= NARROW["height"], box
    assert page.evaluate("scrollY") > 0
    # the next member is picked from the same screen
    button = page.locator("#assign form[method=post] button[type=submit]").bounding_box()
    assert button["y"] + button["height"] <= NARROW["height"], button
