"""A page past the end of an admin list (an old link shared after the list shrank) is
the last page, at two more reads than a page within the list, only then: the page found
empty, the first row for the list's total (no row of an empty page carries it), then
the last page (``paging._within_the_list``; pagesa49 Open, audit50). Counted as
production runs a request (tests/page_statements.py). 党员干部 reads one more: its first
row comes with its communities, a statement of their own, as each page's rows do."""
from __future__ import annotations

import pytest

from tests.page_statements import signed_in_statements
from tests.web.test_admin_lists_budget import LISTS, PER_PAGE, _more, _pages

# the empty page and the first row, before the last page is read (and for 党员干部 the
# first row's communities)
PAST_THE_END = {"/admin/units": 2, "/admin/members": 3}


@pytest.mark.parametrize("url", PAST_THE_END)
def test_a_page_past_the_end_is_the_last_at_two_more_reads(app, client, login, world,
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
