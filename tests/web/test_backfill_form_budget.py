"""The plain 补录 form (``/manage/backfill``, no 补录申请) and its posts run a stated
number of statements, the same at two sizes of the data (docs/design.md "## Budgets"),
counted as production runs a request (tests/page_statements.py), each read once first
as a worker's first request.

The GET (form52's fold: 4 for a liaison and an admin): the session, the checklist items
offered, the members offered each with her namesakes in the unit she is listed with
(``manage.queries.backfill_candidates``), the menu.

A 查找 re-shows the form with the same reads; over a 补录申请 (``from_request``) it also
reads the request and the form's notices in one statement (``manage.backfill._notices``).

A 保存 its validators refuse names what the service would refuse too (``backfill_problems``
read only); one the service refuses (the end still to come) is shown again after the
service's rollback. Over a 补录申请 the form's notices are read again, afresh."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.backfill_requests.support import asked
from tests.clock import set_app_clock
from tests.backfill_requests.test_form_from_request_budget import grow
from tests.page_statements import counted, own_app_context
from tests.web.manage_support import FMT, backfill_form
from tracker.extensions import db
from tracker.timeutil import local_today, to_local, utcnow

URL = "/manage/backfill"

# post53's cuts (before → now): the 查找 over a request read her who asked in a
# statement of her own when the search did not list her (7 → 6: ``load_request`` reads
# her with the request); a 保存 refused by the form asked a liaison's two closed
# questions of ``backfill_problems`` one statement each (9 → 8, 11 → 10: one plan, as the
# notice asks them); a 保存 refused by the service over a request looked for the
# notice's item by reading every item listed before it again after the rollback
# (``_notice_item`` now chooses it before the service runs) and her who asked after the
# menu: the liaison's 13 → 12, the admin's 15 → 13 (two items listed).
EXPECTED = {
    ("liaison", "GET"): 4, ("admin", "GET"): 4,
    ("liaison", "查找"): 4, ("admin", "查找"): 4,
    ("liaison", "查找 over a request"): 6, ("admin", "查找 over a request"): 6,
    ("liaison", "保存 refused by the form"): 8, ("admin", "保存 refused by the form"): 7,
    ("liaison", "保存 refused by the form, over a request"): 10,
    ("admin", "保存 refused by the form, over a request"): 9,
    ("liaison", "保存 refused by the service"): 7, ("admin", "保存 refused by the service"): 8,
    ("liaison", "保存 refused by the service, over a request"): 12,
    ("admin", "保存 refused by the service, over a request"): 13,
}


def _posts(world, request) -> dict:
    now = to_local(utcnow()).replace(tzinfo=None)
    still_to_end = dict(starts_at=(now - timedelta(hours=1)).strftime(FMT),
                        ends_at=(now + timedelta(minutes=30)).strftime(FMT))
    over = {"from_request": request.id}
    applicant = [world.other_member, world.leader]
    return {
        "查找": backfill_form(world, [world.member], find="1", q="赵"),
        "查找 over a request": backfill_form(world, [world.member], find="1", q="赵", **over),
        "保存 refused by the form": backfill_form(world, note=""),
        "保存 refused by the form, over a request": backfill_form(world, applicant, note="",
                                                                  **over),
        "保存 refused by the service": backfill_form(world, **still_to_end),
        "保存 refused by the service, over a request": backfill_form(world, applicant,
                                                                     **still_to_end, **over),
    }


def _counts(client, login, count_queries, world, request) -> dict:
    found = {}
    for who in ("liaison", "admin"):
        login(getattr(world, who))
        asks = [("GET", None, "GET")] + [(kind, data, "POST")
                                         for kind, data in _posts(world, request).items()]
        for kind, data, method in asks:
            db.session.commit()
            with own_app_context(client):  # a worker's first
                client.open(URL, method=method, data=data)
            statements, response = counted(client, count_queries, URL, method=method, data=data)
            assert response.status_code == 200, (who, kind)
            found[who, kind] = len(statements)
    return found


@pytest.mark.parametrize("more", [0, 6])
def test_the_plain_form_and_its_refused_posts_run_their_stated_statements(
        client, login, count_queries, world, more, monkeypatch):
    """At two sizes (more members to offer, more items, more requests): the same counts,
    each the one stated."""
    # 10:00 today: the work still to end (begun an hour ago) is of the item's year. In
    # the first hour of 1 January it began last year, and the service looks for that
    # year's item of the line (``item_of_year``: two statements more, session 54).
    set_app_clock(monkeypatch, local_today())
    request = asked(world.other_member, world.community)
    grow(world, 2 + more)
    assert _counts(client, login, count_queries, world, request) == EXPECTED
