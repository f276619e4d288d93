"""A 补录申请 whose member is on the named activity as done already (by a way that did
not close it) is offered 采纳 on the queue's card whatever 补录's unit rule says of her
now: 采纳 only closes it, asking no rule (``adopt_into_task``'s ``already_on``).
review48b #2: her unit gone from the community, the card said 「该申请暂不能采纳」 and
offered 拒绝 alone."""
from __future__ import annotations

import html

from tests.backfill_requests.test_unnameable_applicant import _unit_gone_from_the_community
from tracker.extensions import db
from tracker.models import (Assignment, AssignmentStatus, BackfillRequest, Member,
                            RequestStatus)
from tracker.timeutil import utcnow
from sqlalchemy import select


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_on_it_as_done_and_unit_gone_the_card_offers_what_adopt_does(client, login, world):
    request = _unit_gone_from_the_community(client, login, world, on_task=True)
    zhao = db.session.scalar(select(Member).where(Member.name == "赵六"))
    past = world.past_task
    # on the record by a way that did not close the request (one racing its filing,
    # as tests/backfill_requests/test_answered_requests.py writes it)
    db.session.add(Assignment(task_id=past.id, member_id=zhao.id,
                              status=AssignmentStatus.done, minutes=60, confirmed_at=utcnow()))
    past.taken += 1
    past.slots = max(past.slots, past.taken)
    db.session.commit()

    card = _text(client.get("/backfill-requests/"))
    assert f"/backfill-requests/{request.id}/adopt" in card
    assert "该申请暂不能采纳" not in card
    client.post(f"/backfill-requests/{request.id}/adopt", follow_redirects=True)
    db.session.expire_all()
    assert db.session.get(BackfillRequest, request.id).status == RequestStatus.adopted
