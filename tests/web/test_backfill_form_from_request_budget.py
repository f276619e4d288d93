"""The 补录 form opened from a 补录申请 runs a stated number of statements (notice47b #4,
review47c #4; docs/design.md, "Budgets": at most 6 a page), counted as production runs a
request (tests/page_statements.py): 6, with an item chosen or not (form52; were 9 and 8).
It reads the session, the checklist items offered, the request, the members offered
(one statement: the applicant ticked and the first of the others, each with her
namesakes in the unit she is listed with, ``manage.queries.backfill_candidates`` with
``names.namesakes_of`` — they were two, then a third for the namesakes), the menu's
counts, and the form's read-only notices in one statement (``rollups.batch
.run_together``): whether she may be named at all (``applicant_refusals``) with, no item
chosen, the card's own question of every unit a 补录 could be recorded for
(``backfill_requests.adopt_notices_plan``), or, an item chosen, the very question 保存
asks of that item (``backfill.backfill_closed_units_plan``, the same two questions
``backfill_closed_units`` asks under its locks, unlocked): the participants' units of
the day (``closed_member_units_plan``) and the item's unit with whose document is
signed (``summary_notes.closed_day_whose_plan``). One copy of each rule: the plans are
the statements the service runs, without its locks."""
from __future__ import annotations

import pytest

from tests.backfill_requests.test_form_from_request_budget import grow
from tests.page_statements import signed_in_statements
from tests.web.test_adopt_notices_name_the_items_unit import FINANCE, finance_item, sign_unit
from tests.web.test_closed_notices_say_what_to_reopen import (  # noqa: F401 (TODAY)
    TODAY, _pending_request)

pytestmark = pytest.mark.usefixtures("today_held")

# No item chosen: the session, the checklist items offered, the request, the members
# offered with their namesakes, the menu's counts, and ``applicant_refusals`` with the
# card's question of every unit a 补录 could be recorded for (``adopt_notices``) in one
# statement: 6.
NO_ITEM = 6
# An item chosen: the same but the card's question; in its place, in the same one
# statement, the question 保存 asks of that item: ``closed_member_units`` (the
# participants' units of the day) and ``closed_day_whose`` (the item's unit, whose
# document is signed, refused or not): 6.
ITEM_CHOSEN = 6


def test_the_form_from_a_request_runs_its_stated_statements(client, login, world,
                                                            count_queries):
    item = finance_item(world)
    request = _pending_request(world)
    login(world.liaison)
    adopt = f"/manage/backfill?request={request.id}"
    for more in (0, 6):  # two sizes: more members to offer, items, requests
        grow(world, more)
        login(world.liaison)
        assert signed_in_statements(client, count_queries, adopt)[0] == NO_ITEM
        assert signed_in_statements(
            client, count_queries, f"{adopt}&item={item.id}")[0] == ITEM_CHOSEN
    sign_unit(world, item.unit)  # the item's unit refused: whose document, same statement
    n, page = signed_in_statements(client, count_queries, f"{adopt}&item={item.id}")
    assert FINANCE in page
    assert n == ITEM_CHOSEN
    n, page = signed_in_statements(client, count_queries, adopt)
    assert FINANCE in page and n == NO_ITEM
