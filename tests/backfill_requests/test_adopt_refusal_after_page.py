"""review44 #2: 采纳's naming page read, then 采纳 became refused (the member now holds a
place at the same hours on another activity). 确认采纳 is answered by the service's own
refusal — reviews.md, session 43: "a naming that is now empty (a refusal, a month
re-opened) is left to the service's own message on the queue" — not by the words of a
page named afresh (「打开页面之后…请查看上方的说明后再确认。」), which point at an
explanation the queue does not have. The page's key is of the signed documents alone: a
refusal is not a change of what is signed."""
from __future__ import annotations

from tests import factories as f
from tests.backfill_requests.support import asked_for_past_task
from tests.backfill_requests.test_adopt_signed_named import _confirmation, _done, _text
from tests.backfill_requests.test_request_overlap import _place_at_the_same_hours
from tracker.extensions import db
from tracker.models import RequestStatus


def test_a_refusal_since_the_page_is_said_not_named_since(client, login, world):
    task = world.past_task
    request = asked_for_past_task(world, minutes=90)
    f.reported(task, world.leader, approved=True, signed_by=world.admin)
    before = _done(task)
    url = f"/backfill-requests/{request.id}/adopt"
    login(world.admin)
    page = client.post(url)
    assert page.status_code == 200 and "确认采纳" in _text(page)
    action, fields = _confirmation(page.get_data(as_text=True))
    _place_at_the_same_hours(world)  # since the page: 采纳 is now refused
    db.session.commit()
    again = client.post(action, data=fields, follow_redirects=True)
    db.session.expire_all()
    assert _done(task) == before and request.status == RequestStatus.pending
    words = _text(again)
    assert "打开页面之后" not in words
    assert "同一时间已参加“楼道粉刷”" in words  # the service's refusal, said
