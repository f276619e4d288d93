"""At 360 px: rows of wide tables become cards, and no date, time or number is broken
across two lines on the member's and the liaison's pages (measured from the boxes of
the text itself in Chromium)."""
from __future__ import annotations

import pytest

from tests.browser.conftest import Person, sign_in
from tests.factories import PASSWORD
from tests.reports import dataset

NARROW = {"width": 360, "height": 780}

# Every date (2022-10-09), time (09:00–11:30), figure (14.0, 84.0%, 1,200.00) in the
# page's text, each checked to sit on one line: its client rects all share one top.
BROKEN_FIGURES = r"""() => {
  const pattern = /\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}(?:[–-]\d{1,2}:\d{2})?|\d[\d,]*(?:\.\d+)?%?/g;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const broken = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('textarea, script, style, [hidden], option, svg')) continue;
    if (!parent.getClientRects().length) continue;  // not shown
    for (const match of node.data.matchAll(pattern)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                           .map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(match[0] + ' in ' + parent.tagName + ': '
                                     + node.data.trim().slice(0, 40));
    }
  }
  return broken;
}"""


def _october_people() -> dict:
    october = dataset.build()
    person = lambda m: Person(m.name, m.phone, m.id)  # noqa: E731
    return {"liaison": person(october.liaison), "member": person(october.members["张伟"]),
            "admin": person(october.admin),
            "community": october.jiefang.id, "unit": october.unit.id,
            "task": october.tasks["电商培训一"].id}


@pytest.fixture
def october_people(live_server):
    return live_server.built("browser-october", _october_people)


def _open(new_context, live_server, who: Person):
    page = new_context().new_page()
    page.set_viewport_size(NARROW)
    sign_in(page, live_server, who, PASSWORD)
    return page


def test_service_record_rows_are_cards_with_dates_unbroken(new_context, live_server,
                                                          october_people, shot):
    member = october_people["member"]
    page = _open(new_context, live_server, member)
    page.goto(live_server.url(f"/reports/records/{member.id}?year=2022"))
    shot(page, "service-record-360")
    rows = page.locator("table.cards tbody tr")
    assert rows.count() == 6
    for box in (rows.nth(i).bounding_box() for i in range(6)):
        assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"]
    # Each line of a card reads "label: value": the label is the column's header.
    date_cell = rows.first.locator("td").nth(1)
    assert date_cell.evaluate("td => getComputedStyle(td, '::before').content") == '"日期"'
    assert date_cell.inner_text() == "2022-09-28"
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert page.evaluate(BROKEN_FIGURES) == []
    # Wider screens (and print) keep the table.
    page.set_viewport_size({"width": 1024, "height": 768})
    assert page.locator("table.cards thead").is_visible()
    assert page.locator("table.cards tr").first.evaluate("r => getComputedStyle(r).display") \
        == "table-row"


MEMBER_PAGES = ["/tasks/", "/tasks/mine", "/tasks/todo", "/progress/mine",
                "/reports/records/{member}?year=2022", "/me/"]
ADMIN_PAGES = ["/admin/units", "/admin/communities", "/admin/zones", "/admin/categories",
               "/admin/items", "/admin/members"]
LIAISON_PAGES = ["/manage/", "/manage/reviews", "/manage/tasks", "/reports/?month=2022-10",
                 "/progress/community?community={community}&period=year&year=2022",
                 "/progress/coverage", "/invite/manage", "/reports/records",
                 # a community's 参与情况: the picker and the 统计范围 note fit too
                 "/progress/coverage?community={community}&period=month&month=2022-10"]


@pytest.mark.parametrize("role, paths", [("member", MEMBER_PAGES), ("liaison", LIAISON_PAGES),
                                         ("admin", ADMIN_PAGES)])
def test_no_date_or_number_is_broken_at_360_px(new_context, live_server, october_people,
                                                shot, role, paths):
    page = _open(new_context, live_server, october_people[role])
    found = {}
    for path in paths:
        url = path.format(member=october_people["member"].id,
                          community=october_people["community"])
        response = page.goto(live_server.url(url))
        assert response.ok, url
        shot(page, url)
        # Card rows fit the screen (nothing hidden in a sideways-scrolling table).
        assert page.evaluate("[...document.querySelectorAll('table.cards tr')].every("
                             "r => r.getBoundingClientRect().right <= innerWidth)"), url
        broken = page.evaluate(BROKEN_FIGURES)
        if broken:
            found[url] = broken
    assert found == {}


# The lists and figure tables that read as cards below 600 px too (issue 16): every visible
# table on these pages is table.cards, and every cell says which column it is.
CARD_PAGES = [
    ("member", "/auth/sessions"),  # 登录设备
    ("liaison", "/funds/{unit}/{community}/2022"),  # the funds ledger
    ("liaison", "/funds/?year=2022"),  # the 经费 overview (walk10 D6)
    ("liaison", "/invite/manage"),  # the invitation list
    ("liaison", "/manage/tasks/{task}"),  # a task's participants
    ("liaison", "/progress/community?community={community}&period=year&year=2022"),  # progress tables
    ("liaison", "/progress/double?year=2022"),  # 双创进展, sortable
    ("admin", "/outbox/"),  # outbox status
]
UNLABELLED_CELLS = """() => [...document.querySelectorAll('table')]
  .filter(t => t.getClientRects().length && !t.closest('details:not([open])'))  // shown
  .flatMap(t => t.classList.contains('cards')
    ? [...t.querySelectorAll('tbody td, tfoot td')]
        .filter(td => !td.getAttribute('data-label') && !td.hasAttribute('colspan'))
        .map(td => 'unlabelled cell: ' + td.textContent.trim().slice(0, 30))
    : ['a table that stays a table: ' + t.className])"""


@pytest.mark.parametrize("role, path", CARD_PAGES)
def test_lists_and_figure_tables_read_as_cards_at_360_px(new_context, live_server, october_people,
                                                         shot, role, path):
    page = _open(new_context, live_server, october_people[role])
    url = path.format(**october_people)
    assert page.goto(live_server.url(url)).ok, url
    shot(page, url)
    assert page.locator("table.cards tbody tr").count() >= 1, url
    assert page.evaluate(UNLABELLED_CELLS) == []
    assert page.evaluate("[...document.querySelectorAll('table.cards tr')].every("
                         "r => r.getBoundingClientRect().right <= innerWidth)"), url
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], url
    assert page.evaluate(BROKEN_FIGURES) == []
    sort_links = page.locator("table.cards.sortable thead a")  # sorting stays on a phone
    assert all(sort_links.nth(i).is_visible() for i in range(sort_links.count()))
    page.set_viewport_size({"width": 1024, "height": 768})  # wider screens keep the table
    assert page.locator("table.cards tr").first.evaluate("r => getComputedStyle(r).display") \
        == "table-row"


# Each card line's label, measured: a copy of the label laid out as the ::before is
# (its width and font), since a pseudo-element has no box of its own to ask for. The label
# of a cell must end above the next cell's label: a label of two lines (「服务时长（小时）」)
# makes its cell taller instead of printing over the next line of the card.
LABEL_BOXES = """() => {
  const out = [];
  for (const tr of document.querySelectorAll('table.cards tbody tr, table.cards tfoot tr')) {
    if (!tr.getClientRects().length) continue;
    const cells = [...tr.querySelectorAll('td')].filter(td => td.getClientRects().length);
    const labels = cells.map(td => {
      const style = getComputedStyle(td, '::before');
      const probe = document.createElement('div');
      probe.textContent = td.getAttribute('data-label') || '';
      // Property by property: the font shorthand reads "" in a tabular-nums cell.
      for (const name of ['width', 'fontFamily', 'fontSize', 'fontWeight', 'fontStyle',
                          'letterSpacing', 'lineHeight', 'whiteSpace', 'overflowWrap',
                          'wordBreak']) probe.style[name] = style[name];
      Object.assign(probe.style, {position: 'absolute', visibility: 'hidden'});
      document.body.appendChild(probe);
      const height = probe.getBoundingClientRect().height;
      const lines = Math.round(height / parseFloat(getComputedStyle(probe).lineHeight));
      probe.remove();
      const box = td.getBoundingClientRect();
      const top = box.top + parseFloat(getComputedStyle(td).paddingTop);
      return {label: probe.textContent, top, bottom: top + height, lines, cellBottom: box.bottom};
    });
    labels.forEach((l, i) => out.push({...l, nextTop: i + 1 < labels.length ? labels[i + 1].top : null}));
  }
  return out;
}"""


@pytest.mark.parametrize("path, wraps", [
    ("/reports/?unit={unit}&month=2022-10", True),  # the 月报: 台账 and 附表 cards
    ("/progress/community?community={community}&period=year&year=2022", False),
    ("/progress/double?year=2022", False),
])
def test_card_labels_of_two_lines_do_not_print_over_the_next_line(
        new_context, live_server, october_people, shot, path, wraps):
    page = _open(new_context, live_server, october_people["liaison"])
    url = path.format(**october_people)
    assert page.goto(live_server.url(url)).ok, url
    shot(page, url)
    labels = page.evaluate(LABEL_BOXES)
    assert labels
    if wraps:  # 「服务时长（小时）」, 「社区（责任区）」, 「已移交（处）」 take two lines at 360 px
        assert any(label["lines"] >= 2 for label in labels), "no label wraps: nothing measured"
    overprinted = [(label["label"], round(label["bottom"] - label["nextTop"], 1))
                   for label in labels
                   if label["nextTop"] is not None and label["bottom"] > label["nextTop"] + 0.5]
    assert overprinted == []
    # The cell holds its label: the card's border and the next card stay below it.
    assert [label["label"] for label in labels if label["bottom"] > label["cellBottom"] + 0.5] == []
