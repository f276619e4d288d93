"""A page past the end of a list (an old link shared after the list shrank) is the last
page, at more reads than a page within the list, only then (``paging._within_the_list``;
pagesa49 Open, audit50, audit51). Counted as production runs a request
(tests/page_statements.py).

- An admin list, its total on its rows: two more — the page found empty, the list's
  total read alone (no row of an empty page carries it), then the last page. 党员干部
  too: the total is read without the page's rows, so without their communities (a
  statement of their own, as each page's rows have).
- A list with a COUNT (the 工作台 task list): one more — the last page's rows; the
  total the empty page's COUNT found is the last page's, not counted again."""
from __future__ import annotations

import pytest

from datetime import timedelta

from tests import factories as f
from tests.page_statements import signed_in_statements
from tests.web.test_admin_lists_budget import LISTS, PER_PAGE, _more, _pages
from tracker.extensions import db

# the empty page and the total alone, before the last page is read
PAST_THE_END = {"/admin/units": 2, "/admin/members": 2}


@pytest.mark.parametrize("url", PAST_THE_END)
def test_an_admin_page_past_the_end_is_the_last_at_two_more_reads(app, client, login, world,
                                                           count_queries, url):
    app.config["ADMIN_PAGE_SIZE"] = PER_PAGE
    login(world.admin)
    _more(world, url, 2 * PER_PAGE + 1)
    within, page = signed_in_statements(client, count_queries, f"{url}?page=2")
    _current, last = _pages(page)
    at_last, _page = signed_in_statements(client, count_queries, f"{url}?page={last}")
    past, page = signed_in_statements(client, count_queries, f"{url}?page=99")
    assert _pages(page) == (last, last)
    assert (within, at_last, past) == (LISTS[url], LISTS[url], LISTS[url] + PAST_THE_END[url])


def test_a_counted_list_past_the_end_reads_the_last_page_without_a_second_count(
        app, client, login, world, count_queries):
    app.config["PAGE_SIZE"] = 2
    for i in range(5):
        f.task(world.item, world.liaison, starts_in=timedelta(days=5 + i), title=f"多一个{i}")
    db.session.commit()
    login(world.liaison)
    within, page = signed_in_statements(client, count_queries, "/manage/tasks?page=2")
    _current, last = _pages(page)
    assert last >= 3
    at_last, _page = signed_in_statements(client, count_queries, f"/manage/tasks?page={last}")
    past, page = signed_in_statements(client, count_queries, "/manage/tasks?page=99")
    assert _pages(page) == (last, last)
    # the page found empty with its COUNT, then the last page's rows: one more
    assert past == at_last + 1 and at_last == within
