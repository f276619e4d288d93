"""The task page of a member whose 补录申请 for the task is pending says it is waiting,
with a link to it, instead of offering 「我参加了但没有记录」 (notice47b #3, review47c #3):
the form refuses a second request for the task (「您已为该任务提交过补录申请，正在等待
处理。」), and a page never offers what the form refuses (walk47 #1). The request is read
in the statement the page runs anyway: the page costs no statement more."""
from __future__ import annotations

from tests.backfill_requests.support import asked_for_past_task
from tests.page_statements import page_statements
from tests.web.manage_support import text
from tracker.extensions import db
from tracker.models import RequestStatus

OFFER = "我参加了但没有记录"
WAITING = "您已为该任务提交补录申请，正在等待社区联络员处理。"


def test_a_pending_request_is_said_not_offered_again(client, login, world, count_queries):
    task = world.past_task
    url = f"/tasks/{task.id}"
    before, page = page_statements(client, login, count_queries, world.other_member, url)
    assert OFFER in page and WAITING not in page
    request = asked_for_past_task(world)
    db.session.commit()
    after, page = page_statements(client, login, count_queries, world.other_member, url)
    assert OFFER not in page and WAITING in page
    assert f'href="/backfill-requests/mine#request-{request.id}"' in page
    assert after == before
    # the link lands on her request's card
    assert f'id="request-{request.id}"' in client.get("/backfill-requests/mine").get_data(
        as_text=True)
    # withdrawn, she may ask again: offered again
    request.status = RequestStatus.withdrawn
    db.session.commit()
    page = text(client.get(url))
    assert OFFER in page and WAITING not in page


def test_the_form_refuses_what_the_page_no_longer_offers(client, login, world):
    asked_for_past_task(world)
    db.session.commit()
    login(world.other_member)
    refused = text(client.post("/backfill-requests/new", data={
        "community": world.community.id, "task": world.past_task.id, "hours": "1.5",
        "note": "再次申请"}))
    assert "您已为该任务提交过补录申请" in refused

