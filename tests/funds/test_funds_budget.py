"""共建活动经费's pages within the design's budget (docs/design.md "## Budgets": at most
6 statements a page, the same whatever the data), counted as production runs a request
(tests/page_statements.py), at two sizes of the ledgers (count48's list).

- the ledgers' list: units read once and communities read once, for the ledgers' names
  and the pickers together;
- a ledger: its unit, community and budget items in one statement, the items with
  their category and zone that name them; its figures and the activities an entry may
  name in one more (pagesa48's Open: was 7)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests import factories as f
from tests.page_statements import page_statements
from tracker.extensions import db
from tracker.models import FundEntry, TargetMeasure
from tracker.timeutil import local_today

TODAY = local_today()
YEAR = TODAY.year
pytestmark = pytest.mark.usefixtures("today_held")


def grow(w, n: int) -> None:
    """n more of everything the pages list: units and communities with ledgers of their
    own, ledgers of other units in A, budget items (in a zone) and entries of A's ledger
    (some naming an activity), and activities an entry may name."""
    for i in range(n):
        unit, community = f.unit(), f.community()
        for u, c in ((unit, community), (unit, w.community), (w.unit, w.community)):
            f.item(u, c, "cobuild_funding", year=YEAR, target=100_000,
                   zone=f.zone(c, unit=u), measure=TargetMeasure.money)
            task = f.task(f.item(u, c), w.liaison, starts_in=-timedelta(days=1 + i))
            db.session.add(FundEntry(unit_id=u.id, community_id=c.id,
                                     entry_date=date(YEAR, 1, 1), amount_fen=1000 + i,
                                     purpose=f"横幅{i}", task_id=task.id,
                                     created_by_id=w.admin.id))
    db.session.commit()


def _counts(client, login, count_queries, w, pages) -> dict:
    return {(role, url): page_statements(client, login, count_queries, getattr(w, role), url)[0]
            for role, url in pages}


def test_the_funds_pages_within_the_budget_whatever_the_data(
        client, login, count_queries, world):
    ledger = f"/funds/{world.unit.id}/{world.community.id}/{YEAR}"
    other = f"/funds/{world.unit.id}/{world.other_community.id}/{YEAR}"
    expected = {
        # session, the ledgers, their budget items, units, communities, the menu
        ("liaison", "/funds/"): 6, ("admin", "/funds/"): 6,
        # session, unit and community with the budget items, the figures with the
        # activities an entry may name, entries, what is signed, the menu
        ("liaison", ledger): 6, ("admin", ledger): 6, ("admin", other): 6,
    }
    grow(world, 2)
    small = _counts(client, login, count_queries, world, expected)
    grow(world, 6)
    assert _counts(client, login, count_queries, world, expected) == small == expected
