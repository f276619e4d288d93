"""The 补录申请 queue asks 补录's unit rule of a request naming an activity on the
activity's day as it is now, the day 采纳 asks it on (``adopt_into_task``): the liaison
may correct a task's times before 通过, and the request keeps the day she asked on
(review48: the card said 「该申请暂不能采纳」 for the old day and offered 拒绝 alone,
though 采纳 succeeded; and it said nothing where the new day is the refused one)."""
from __future__ import annotations

import html
from datetime import date, timedelta

from sqlalchemy import select

from tests import factories as f
from tests.backfill_requests.support import asked
from tracker.extensions import db
from tracker.models import BackfillRequest, RequestStatus, RollPeriod, Unit
from tracker.services import unit_of_work
from tracker.services.tasks import TaskDetails, update_task
from tracker.timeutil import to_local


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _seconded_on(member, unit, day: date) -> None:
    """The admin's records: ``member`` seconded to 县林业局 (working nowhere here) on
    ``day`` alone, in ``unit`` before and after it."""
    stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == member.id))
    stay.until = day
    forestry = db.session.scalar(select(Unit).where(Unit.name == "县林业局")) or f.unit("县林业局")
    db.session.add_all([
        RollPeriod(member_id=member.id, unit_id=forestry.id, since=day,
                   until=day + timedelta(days=1)),
        RollPeriod(member_id=member.id, unit_id=unit.id, since=day + timedelta(days=1))])
    db.session.commit()


def _moved(task, liaison, days: int) -> None:
    """The liaison corrects the activity's times by ``days`` (before 通过)."""
    start = to_local(task.starts_at).replace(tzinfo=None) + timedelta(days=days)
    end = to_local(task.ends_at).replace(tzinfo=None) + timedelta(days=days)
    with unit_of_work():
        update_task(task, liaison, TaskDetails(title=task.title, place=task.place,
                                               starts_local=start, ends_local=end,
                                               slots=task.slots))
    db.session.expire_all()


def _request(world):
    zhou = f.member(world.unit, name="周建国")
    db.session.commit()
    request = asked(zhou, world.community, task=world.past_task, service_date=None,
                    description=None, minutes=60, note="忘记认领了")
    assert request.service_date == world.past_task.service_date
    return zhou, request


def test_a_request_whose_task_moved_off_the_refused_day_is_offered_adoption(
        client, login, world):
    zhou, request = _request(world)
    asked_on = request.service_date
    _seconded_on(zhou, world.unit, asked_on)
    _moved(world.past_task, world.liaison, -2)  # it was held two days earlier
    assert db.session.get(BackfillRequest, request.id).service_date == asked_on  # kept

    login(world.liaison)
    card = _text(client.get("/backfill-requests/"))
    assert f"/backfill-requests/{request.id}/adopt" in card
    assert "该申请暂不能采纳" not in card
    client.post(f"/backfill-requests/{request.id}/adopt", follow_redirects=True)
    db.session.expire_all()
    assert db.session.get(BackfillRequest, request.id).status == RequestStatus.adopted


def test_a_request_whose_task_moved_onto_the_refused_day_is_said_on_the_card(
        client, login, world):
    zhou, request = _request(world)
    moved_to = request.service_date + timedelta(days=-2)
    _seconded_on(zhou, world.unit, moved_to)
    _moved(world.past_task, world.liaison, -2)

    login(world.liaison)
    card = _text(client.get("/backfill-requests/"))
    # the day named is the activity's now, the one 采纳 would refuse on
    assert f"{moved_to.year}年{moved_to.month}月{moved_to.day}日" in card \
        or moved_to.isoformat() in card, card
    assert "该申请暂不能采纳" in card
    assert f"/backfill-requests/{request.id}/adopt" not in card
    client.post(f"/backfill-requests/{request.id}/adopt", follow_redirects=True)
    db.session.expire_all()
    assert db.session.get(BackfillRequest, request.id).status == RequestStatus.pending
