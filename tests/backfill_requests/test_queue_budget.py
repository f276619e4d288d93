"""The 补录申请 queue within the design's budget (docs/design.md "## Budgets": at most 6
statements a page, the same whatever the data), counted as production runs a request
(tests/page_statements.py), at two sizes of the queue: more requests, by more members,
in more communities (docs/reviews.md session 48: 11, and one more per community with
pending requests, backfillkey47).

The six: the session; the requests, each with its member, community, activity and its
report, voided activity and the member's unit of the request's day; the namesakes of
each unit; the signed documents 采纳 would change; 补录's rule of each member in each
community (one part a community, one statement); the menu. A request whose activity
was voided since is told who voided it and why (``queries.ending_events_plan``): it
cost one statement more (7, pagesb49's Open); the events, plain rows with who did it,
are a part of 补录's rule's statement since (pagesb50): 6 whatever the data."""
from __future__ import annotations

from datetime import timedelta

from tests import factories as f
from tests.backfill_requests.support import asked, asked_for_past_task
from tests.page_statements import page_statements
from tracker.extensions import db
from tracker.timeutil import local_today

QUEUE = 6
WITH_GONE = 6


def grow(w, n: int) -> None:
    """n more requests in community A (the liaison's) and n more in communities of
    their own (the admin's queue), each by a member of a unit working there."""
    for i in range(n):
        community = f.community()
        f.item(w.unit, community)
        db.session.commit()
        for where in (w.community, community):
            member = f.member(w.unit)
            db.session.commit()
            asked(member, where, service_date=local_today() - timedelta(days=2 + i % 5))


def test_the_queue_runs_6_statements_whatever_the_requests(client, login, count_queries,
                                                           world):
    asked_for_past_task(world)  # one naming an activity, with its report
    grow(world, 2)
    small = {who: page_statements(client, login, count_queries, getattr(world, who),
                                  "/backfill-requests/")[0] for who in ("liaison", "admin")}
    grow(world, 6)
    large = {who: page_statements(client, login, count_queries, getattr(world, who),
                                  "/backfill-requests/")[0] for who in ("liaison", "admin")}
    assert large == small == {"liaison": QUEUE, "admin": QUEUE}


def test_the_queue_still_lists_each_request_with_its_unit(client, login, world):
    request = asked_for_past_task(world)
    grow(world, 2)
    login(world.admin)
    page = client.get("/backfill-requests/").get_data(as_text=True)
    assert "补录申请（5）" in page
    assert f"{world.other_member.name}（{world.unit.name}）" in page
    assert f"/backfill-requests/{request.id}/adopt" in page


def test_a_voided_activitys_request_costs_one_statement_whatever_the_data(
        client, login, count_queries, world):
    from tests.backfill_requests.test_gone_activity_requests import _adopted_then_voided

    from tests.backfill_requests.test_gone_activity_requests import VOID_REASON

    _adopted_then_voided(client, login, world)
    grow(world, 2)
    small, page = page_statements(client, login, count_queries, world.liaison,
                                  "/backfill-requests/")
    grow(world, 6)
    large, grown = page_statements(client, login, count_queries, world.liaison,
                                   "/backfill-requests/")
    assert (small, large) == (WITH_GONE, WITH_GONE)
    # who voided it and why, on the card, as before
    said = f"由 {world.liaison.name} 作废，原因：{VOID_REASON}。"
    assert said in page and said in grown


def test_a_cancelled_tasks_request_costs_no_statement_more(client, login, count_queries,
                                                           world):
    """A request naming a task cancelled (取消) since it was asked: the card says who
    cancelled it and why, from the same part of 补录's rule's statement (pagesb50: 7
    before), at two sizes."""
    from tests.backfill_requests.test_gone_activity_requests import _on_the_minute

    _on_the_minute(world.past_task)
    asked_for_past_task(world, minutes=90)
    login(world.liaison)
    assert client.post(f"/manage/tasks/{world.past_task.id}/cancel",
                       data={"reason": "下雨取消", "confirmed": "1"}).status_code == 302
    grow(world, 2)
    small, page = page_statements(client, login, count_queries, world.liaison,
                                  "/backfill-requests/")
    grow(world, 6)
    large, grown = page_statements(client, login, count_queries, world.admin,
                                   "/backfill-requests/")
    assert (small, large) == (WITH_GONE, WITH_GONE)
    said = f"由 {world.liaison.name} 取消，原因：下雨取消。"
    assert said in page and said in grown
