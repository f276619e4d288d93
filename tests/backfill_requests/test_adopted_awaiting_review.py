"""An adopted 补录申请 counts in the member's 服务记录 only once the activity's result is
approved (docs/design.md, invariant 2: official = approved). Adopted into an activity
whose report is not approved yet, she is told it will count once it is approved — not
「计入您的服务记录」, which her records would not show (walk44 #2) — and the task's page
says the activity awaits review. Adopted into an approved activity, it counts at once,
and is said so."""
from __future__ import annotations

from sqlalchemy import select

from tests import factories as f
from tests.backfill_requests.support import asked_for_past_task
from tracker.extensions import db
from tracker.services import unit_of_work
from tracker.services.backfill_requests import adopt_into_task
from tracker.timeutil import utcnow

AWAITS = "该活动的完成情况尚未审核通过，审核通过后您的服务时长计入服务记录。"


def _told(app, world) -> str:
    from tracker.models import Outbox
    from tracker.reminders.job import write_due

    write_due(utcnow(), app.config)
    db.session.commit()
    [row] = db.session.scalars(select(Outbox).where(
        Outbox.kind == "backfill_decided", Outbox.member_id == world.other_member.id,
        Outbox.channel == "inapp")).all()
    return row.body


def test_adopted_into_an_activity_not_yet_approved_counts_once_it_is(app, world, client,
                                                                      login):
    f.reported(world.past_task, world.leader, approved=False)  # 待审核
    request = asked_for_past_task(world)
    with unit_of_work():
        adopt_into_task(request, world.liaison)
    body = _told(app, world)
    assert "审核通过后计入您的服务记录" in body
    assert "已采纳，计入您的服务记录" not in body

    login(world.other_member)
    page = client.get(f"/tasks/{world.past_task.id}").get_data(as_text=True)
    assert AWAITS in page


def test_adopted_into_an_activity_never_reported_counts_once_it_is_approved(app, world):
    request = asked_for_past_task(world)  # the 组长 has sent no report yet
    with unit_of_work():
        adopt_into_task(request, world.liaison)
    assert "审核通过后计入您的服务记录" in _told(app, world)


def test_adopted_into_an_approved_activity_counts_at_once(app, world, client, login):
    f.reported(world.past_task, world.leader, approved=True)
    request = asked_for_past_task(world)
    with unit_of_work():
        adopt_into_task(request, world.liaison)
    body = _told(app, world)
    assert "已采纳，计入您的服务记录" in body and "审核通过后" not in body

    login(world.other_member)
    page = client.get(f"/tasks/{world.past_task.id}").get_data(as_text=True)
    assert AWAITS not in page
