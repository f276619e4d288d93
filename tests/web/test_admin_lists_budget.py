"""The admin's directory lists — 单位, 社区, 责任区, 类别 and 党员干部 — run a stated
number of statements, the same with more records and on any page (docs/design.md,
"Budgets": at most 6 a page, constant in the data size), counted as production runs a
request (tests/page_statements.py). Only an admin sees them.

Each list's page carries the list's total on its rows (``COUNT(*) OVER ()``,
``paging.paged_with_total``), as 资源清单's has since pagesb48: no COUNT before the
page. With the session and the menu's counts:

- 单位, 社区, 类别: the session, the page, the menu: 3 (was 4);
- 责任区: the session, every community (its filter), the page of zones with their
  community and unit, the menu: 4 (was 5);
- 党员干部: the session, the numbers spelt oddly (``shared_phones``), the page of
  members with their unit, their communities (one statement for the page), the menu:
  5 (was 6)."""
from __future__ import annotations

import re

import pytest

from tests import factories as f
from tests.page_statements import signed_in_statements
from tracker.extensions import db

PER_PAGE = 3  # small pages, so that a handful of records fills several

LISTS = {"/admin/units": 3, "/admin/communities": 3, "/admin/categories": 3,
         "/admin/zones": 4, "/admin/members": 5}


def _more(world, url: str, n: int) -> None:
    """``n`` more records of the list at ``url``."""
    for i in range(n):
        if url == "/admin/units":
            f.unit(f"新单位{i:02d}")
        elif url == "/admin/communities":
            f.community(f"新社区{i:02d}")
        elif url == "/admin/categories":
            f.category(code=f"extra_{i:02d}", name=f"新类别{i:02d}")
        elif url == "/admin/zones":
            f.zone(f.community(f"社区{i:02d}"), f"新责任区{i:02d}", world.unit)
        else:
            f.member(world.unit, name=f"新党员{i:02d}",
                     communities=[f.community(f"联络社区{i:02d}")] if i % 2 else [])
    db.session.commit()


def _rows(page: str) -> list[str]:
    """The list's rows as their text (not the forms' tokens nor their way back)."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split())
            for row in re.findall(r"<tr.*?</tr>", body, re.S)]


def _pages(page: str) -> tuple[int, int]:
    return tuple(int(n) for n in re.search(r"第 (\d+) / (\d+) 页", page).groups())


@pytest.mark.parametrize("url", LISTS)
def test_each_directory_list_runs_its_budget_on_any_page(app, client, login, world,
                                                         count_queries, url):
    app.config["ADMIN_PAGE_SIZE"] = PER_PAGE
    login(world.admin)
    first, _page = signed_in_statements(client, count_queries, url)
    _more(world, url, 3 * PER_PAGE + 1)
    counts = {}
    for n in (1, 2):
        counts[n], page = signed_in_statements(client, count_queries, f"{url}?page={n}")
        current, last = _pages(page)
        assert current == n and last >= 4, (url, current, last)
    assert (first, counts[1], counts[2]) == (LISTS[url],) * 3, url
    # the total the rows carry is the whole list's: 共 N 条 and the last page say it
    total = int(re.search(r"共 (\d+) 条", page).group(1))
    assert last == -(-total // PER_PAGE)
    # a page past the end — and one past any OFFSET the database takes — is the last
    # page, with its rows (read again, only then)
    _n, on_last = signed_in_statements(client, count_queries, f"{url}?page={last}")
    rows = _rows(on_last)
    assert rows
    for past in ("99", "99999999999999999999"):
        page = client.get(f"{url}?page={past}").get_data(as_text=True)
        assert _pages(page) == (last, last) and _rows(page) == rows


def test_a_filtered_zone_and_member_list_run_the_same(app, client, login, world,
                                                     count_queries):
    app.config["ADMIN_PAGE_SIZE"] = PER_PAGE
    login(world.admin)
    _more(world, "/admin/zones", 4)
    _more(world, "/admin/members", 4)
    n, page = signed_in_statements(client, count_queries, f"/admin/zones?community={world.community.id}")
    assert n == LISTS["/admin/zones"]
    n, page = signed_in_statements(client, count_queries, "/admin/members?q=新党员&role=member&status=active")
    assert n == LISTS["/admin/members"] and "新党员00" in page and "共 4 条" in page
