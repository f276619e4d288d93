"""The 补录 form opened from a 补录申请 runs a stated number of statements (notice47b #4,
review47c #4; docs/design.md, "Budgets": at most 6 a page), counted as production runs a
request (tests/page_statements.py). It reads the session, the checklist items offered,
the request, the members offered (three statements: the applicant ticked among them),
whether she may be named at all (``unadoptable``) and the menu's counts — 8 — and the
notice: with no item chosen the card's own question of every unit a 补录 could be
recorded for (``backfill_requests.adopt_notices``, one statement), 9. With an item chosen
it is the very question 保存 asks of that item (``backfill.backfill_closed_units``, read
only): the participants' units of the day (``closed_member_units``) and the item's unit
with whose document is signed (``summary_notes.closed_day_whose``, one statement; it was
two when refused, 11 in all), 10. Folding the participants' question into the item's
would write a second copy of ``closed_member_units``' rule beside the one 保存 asks under
its locks."""
from __future__ import annotations

import pytest

from tests.page_statements import counted, warm
from tests.web.test_adopt_notices_name_the_items_unit import FINANCE, finance_item, sign_unit
from tests.web.test_closed_notices_say_what_to_reopen import (  # noqa: F401 (TODAY)
    TODAY, _pending_request)

pytestmark = pytest.mark.usefixtures("today_held")

NO_ITEM, ITEM_CHOSEN = 9, 10


def _statements(client, count_queries, url) -> tuple[int, str]:
    warm(client, url)
    ran, response = counted(client, count_queries, url)
    assert response.status_code == 200
    return len(ran), response.get_data(as_text=True)


def test_the_form_from_a_request_runs_its_stated_statements(client, login, world,
                                                            count_queries):
    item = finance_item(world)
    request = _pending_request(world)
    login(world.liaison)
    adopt = f"/manage/backfill?request={request.id}"
    assert _statements(client, count_queries, adopt)[0] <= NO_ITEM
    assert _statements(client, count_queries, f"{adopt}&item={item.id}")[0] <= ITEM_CHOSEN
    sign_unit(world, item.unit)  # the item's unit refused: whose document, same statement
    n, page = _statements(client, count_queries, f"{adopt}&item={item.id}")
    assert FINANCE in page
    assert n <= ITEM_CHOSEN
    n, page = _statements(client, count_queries, adopt)
    assert FINANCE in page and n <= NO_ITEM
