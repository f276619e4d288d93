"""确认 is offered only where it will be taken: on an ended activity waiting for review,
a member whose hours already count (done) on another activity at overlapping hours is
refused by ``confirm_participation`` (one person's time counts once, ``overlap``), so
the confirm page, the task's page and 我的任务's card say so and offer no 确认
(``claims.confirm_refusal``; review39 #9)."""
from __future__ import annotations

import html

from sqlalchemy import select

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus
from tracker.services.claims import confirm_refusal
from tracker.timeutil import to_local

COUNTED = "您在同一时间已计入“入户走访”（{when}），同一时间只计一次，不能再确认本活动的服务时长。"


def own(world) -> Assignment:
    return db.session.scalar(select(Assignment).where(
        Assignment.task_id == world.past_task.id, Assignment.member_id == world.member.id))


def counted_elsewhere(world, *, overlapping: bool = True) -> str:
    """张三's 2 hours confirmed on 入户走访, an hour into 楼道清理 (or right after it)."""
    past = world.past_task
    start = past.starts_at + (past.ends_at - past.starts_at if not overlapping
                              else (past.ends_at - past.starts_at) / 2)
    visit = f.task(world.item, world.liaison, starts_at=start, title="入户走访")
    db.session.add(Assignment(task_id=visit.id, member_id=world.member.id,
                              status=AssignmentStatus.done, minutes=120))
    visit.taken = 1
    db.session.commit()
    return COUNTED.format(when=to_local(visit.starts_at).strftime("%Y-%m-%d %H:%M"))


def confirm_links(page: str, assignment) -> int:
    return page.count(f"/tasks/assignments/{assignment.id}/confirm")


def test_the_rule_refuses_the_confirmation_and_names_where_the_hours_count(world):
    message = counted_elsewhere(world)
    assert str(confirm_refusal(own(world))) == message
    assert confirm_refusal(own(world), why=False, elsewhere=True) is not None


def test_the_pages_offer_no_confirmation_the_rule_refuses(client, login, world):
    message = counted_elsewhere(world)
    assignment = own(world)
    login(world.member)
    page = html.unescape(client.get(f"/tasks/assignments/{assignment.id}/confirm")
                         .get_data(as_text=True))
    assert message in page and 'name="hours"' not in page
    page = html.unescape(client.get(f"/tasks/{world.past_task.id}").get_data(as_text=True))
    assert message in page and confirm_links(page, assignment) == 0
    page = client.get("/tasks/mine?tab=confirm").get_data(as_text=True)
    assert world.past_task.title in page and confirm_links(page, assignment) == 0
    client.post(f"/tasks/assignments/{assignment.id}/confirm", data={"hours": "1"})
    db.session.expire_all()
    assert own(world).status != AssignmentStatus.done


def test_an_activity_right_after_is_no_overlap_and_the_confirmation_is_offered(
        client, login, world):
    counted_elsewhere(world, overlapping=False)
    assignment = own(world)
    assert confirm_refusal(assignment) is None
    login(world.member)
    page = client.get("/tasks/mine?tab=confirm").get_data(as_text=True)
    assert confirm_links(page, assignment) == 1
