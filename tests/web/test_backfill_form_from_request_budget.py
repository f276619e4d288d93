"""The 补录 form opened from a 补录申请 runs a stated number of statements (notice47b #4,
review47c #4; docs/design.md, "Budgets": at most 6 a page), counted as production runs a
request (tests/page_statements.py). It reads the session, the checklist items offered,
the request, the members offered (two statements: the applicant ticked and the first of
the others in one, ``manage.queries.backfill_candidates``, since pagesb51 — they were two
reads of the one rule —; then their namesakes), whether she may be named at all
(``unadoptable``) and the menu's counts — 7 — and the notice: with no item chosen the
card's own question of every unit a 补录 could be recorded for
(``backfill_requests.adopt_notices``, one statement), 8. With an item chosen it is the
very question 保存 asks of that item (``backfill.backfill_closed_units``, read only):
the participants' units of the day (``closed_member_units``) and the item's unit with
whose document is signed (``summary_notes.closed_day_whose``, one statement; it was two
when refused, 11 in all, then 10), 9. Folding the participants' question into the item's
would write a second copy of ``closed_member_units``' rule beside the one 保存 asks under
its locks."""
from __future__ import annotations

import pytest

from tests.page_statements import signed_in_statements
from tests.web.test_adopt_notices_name_the_items_unit import FINANCE, finance_item, sign_unit
from tests.web.test_closed_notices_say_what_to_reopen import (  # noqa: F401 (TODAY)
    TODAY, _pending_request)

pytestmark = pytest.mark.usefixtures("today_held")

# No item chosen: the session, the checklist items offered, the request, the members
# offered (two statements: the ticked and the others in one, then their namesakes),
# ``unadoptable``, the menu's counts and the card's question of every unit a 补录 could
# be recorded for (``adopt_notices``): 8.
NO_ITEM = 8
# An item chosen: the same but the card's question, in its place the question 保存 asks
# of that item: ``closed_member_units`` (the participants' units of the day) and
# ``closed_day_whose`` (the item's unit, whose document is signed; one statement,
# refused or not): 9.
ITEM_CHOSEN = 9


def test_the_form_from_a_request_runs_its_stated_statements(client, login, world,
                                                            count_queries):
    item = finance_item(world)
    request = _pending_request(world)
    login(world.liaison)
    adopt = f"/manage/backfill?request={request.id}"
    assert signed_in_statements(client, count_queries, adopt)[0] == NO_ITEM
    assert signed_in_statements(client, count_queries, f"{adopt}&item={item.id}")[0] == ITEM_CHOSEN
    sign_unit(world, item.unit)  # the item's unit refused: whose document, same statement
    n, page = signed_in_statements(client, count_queries, f"{adopt}&item={item.id}")
    assert FINANCE in page
    assert n == ITEM_CHOSEN
    n, page = signed_in_statements(client, count_queries, adopt)
    assert FINANCE in page and n == NO_ITEM
