"""The 补录 form opened from a 补录申请 naming an activity (补录并采纳's way in) runs a
stated number of statements, the same whatever the data (docs/design.md "## Budgets"),
counted as production runs a request (tests/page_statements.py), at two sizes: more
members to offer, more checklist items, more requests. It was 11 for a liaison and 9
for an admin (docs/reviews.md session 48); the request is now read with the activity
it names and the one voided since (``queries.load_request``), not one statement after.
Then 10 and 8, and since pagesb51 9 and 7: the members picked and the first of those
offered were two statements of the one rule (``backfill.recordable``), now one.

Since form52 6 for both, the design's budget: the session; the checklist items; the
request with its activities; the members picked and those offered, each with her
namesakes in the unit she is listed with (``names.namesakes_of`` read with her row,
``manage.queries.backfill_candidates``: the labels ask no statement of their own); the
form's read-only notices in one statement (``rollups.batch.run_together``):
补录's rule of the member on the day (``applicant_refusals``) and, for a liaison, the
question 保存 asks of the signed units of the day and whether the item's month is
closed to her (``backfill.backfill_closed_units_plan``: the service's own two
questions, unlocked; the activity's item is chosen here); the menu."""
from __future__ import annotations

from tests import factories as f
from tests.backfill_requests.support import asked, asked_for_past_task
from tests.page_statements import page_statements
from tracker.extensions import db

FORM = {"liaison": 6, "admin": 6}


def grow(w, n: int) -> None:
    for _ in range(n):
        member = f.member(w.unit)
        f.item(w.unit, w.community)
        db.session.commit()
        asked(member, w.community)


def test_the_form_from_a_request_runs_its_stated_statements_whatever_the_data(
        client, login, count_queries, world):
    request = asked_for_past_task(world)
    url = f"/manage/backfill?request={request.id}"
    grow(world, 2)
    small = {who: page_statements(client, login, count_queries, getattr(world, who), url)[0]
             for who in FORM}
    grow(world, 6)
    large = {who: page_statements(client, login, count_queries, getattr(world, who), url)[0]
             for who in FORM}
    assert large == small == FORM


def test_the_form_is_still_filled_with_the_activitys_day(client, login, world):
    request = asked_for_past_task(world)
    login(world.liaison)
    page = client.get(f"/manage/backfill?request={request.id}").get_data(as_text=True)
    assert world.past_task.service_date.isoformat() in page
    assert world.other_member.name in page
