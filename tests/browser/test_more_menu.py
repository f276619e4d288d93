"""The 更多 menu stays on the screen wherever 更多 lands (walk10 D5): when the menu row
wraps and 更多 starts a row of its own at the left, a menu hung from its right edge
opened off the left of the screen — 「My to-do」 read "-do", a member's three items were
three empty red boxes — where nobody can scroll to it. Every item of the open menu is
measured whole inside the viewport, on a phone in either language and on a desktop."""
from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_narrow_screens import _october_people
from tests.factories import PASSWORD

# Each link of the open menu: its box and the screen's width.
ITEMS = """() => Array.from(document.querySelectorAll('nav.nav .more[open] .more-menu a'))
  .map(a => { const b = a.getBoundingClientRect();
              return {text: a.innerText.trim(), left: b.left, right: b.right,
                      width: innerWidth}; })"""


@pytest.mark.parametrize("who, lang, width, text", [
    ("member", "zh", 320, None), ("member", "zh", 360, None), ("liaison", "en", 390, None),
    ("admin", "en", 414, None), ("admin", "zh", 1280, None),
    # enlarged text (a WebView's text zoom: the words grow, the screen's width and px
    # paddings do not) wraps the row on a wider screen too (review39b #3)
    ("admin", "en", 641, "32px"), ("admin", "en", 700, "32px"), ("member", "zh", 700, "32px"),
])
def test_every_item_of_the_open_menu_is_on_the_screen(new_context, live_server, world, shot,
                                                      who, lang, width, text):
    page = new_context().new_page()
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, getattr(world, who), PASSWORD)
    page.goto(live_server.url(f"/tasks/?lang={lang}"))
    if text:  # the style sheet's CSP allows no added <style>: the element's own style
        page.locator("header.topbar").evaluate(f"el => {{ el.style.fontSize = '{text}'; }}")
    page.locator("nav.nav .more summary").click()
    shot(page, f"more-{who}-{lang}-{width}-{text or 'normal'}")
    items = page.evaluate(ITEMS)
    assert len(items) >= 3
    off = [i for i in items if i["left"] < 0 or i["right"] > i["width"]]
    assert off == [], off


def test_a_folded_filter_shows_that_it_opens(user_page, live_server, world):
    """walk10 D11: the 筛选 box's summary is a flex row, which drops the browser's
    disclosure triangle: on a phone 「筛选」 read as a heading. It draws its own, turned
    when open; and a language switch (?lang=) is no filter, so it does not open the box."""
    page = user_page(world.liaison)
    page.goto(live_server.url("/manage/tasks?lang=zh"))
    box = page.locator("details.filter-box")
    assert box.get_attribute("open") is None
    marker = "el => getComputedStyle(el, '::before').content"
    summary = box.locator("summary")
    assert summary.evaluate(marker) == '"\u25b8"'
    summary.click()
    assert summary.evaluate(marker) == '"\u25be"'


def test_a_long_english_figure_wraps_inside_its_card(new_context, live_server):
    """walk10 D7: at 360 px the 社区共建进展 category cards are cards, and a figure cell
    keeps its line (nowrap, for the table on a wide screen): 「6 households (14 household
    visits)」 ran past the card's right edge, cut. In a card it wraps between words."""
    october = live_server.built("browser-october", _october_people)
    page = new_context().new_page()
    page.set_viewport_size({"width": 360, "height": 640})
    sign_in(page, live_server, october["admin"], PASSWORD)
    page.goto(live_server.url(f"/progress/community?community={october['community']}"
                              "&period=year&year=2022&lang=en"))
    cell = page.locator("table.figures.cards td.num").first
    cell.evaluate("td => { td.textContent = '116 person-times, 14 household visits'; }")
    width = cell.evaluate("td => [td.scrollWidth, td.clientWidth]")
    assert width[0] <= width[1], width


def test_the_printed_monthly_summary_keeps_every_column_of_its_tables(new_context, live_server):
    """walk11 #9: 「本页按A4纸排版」, but printed (Chromium's print media, A4 portrait:
    17.4 cm of text, 658 px) the 台账 kept its screen width (90rem) and its headers their
    line: 人次 … 来源 were not on the paper. Every table of the report fits the page."""
    october = live_server.built("browser-october", _october_people)
    page = new_context().new_page()
    page.set_viewport_size({"width": 658, "height": 900})
    sign_in(page, live_server, october["admin"], PASSWORD)
    page.goto(live_server.url(f"/reports/?unit={october['unit']}&month=2022-10"))
    page.emulate_media(media="print")
    assert page.locator("#table-ledger table tbody tr").count() > 0
    wide = page.evaluate("""() => Array.from(document.querySelectorAll('.report table'))
      .map(t => ({id: t.closest('[id]') && t.closest('[id]').id, right: t.getBoundingClientRect().right,
                  last: t.querySelector('th:last-child') && t.querySelector('th:last-child')
                        .getBoundingClientRect().right}))
      .filter(t => t.right > 658.5 || (t.last && t.last > 658.5))""")
    assert wide == [], wide
