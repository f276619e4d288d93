"""确认 is offered only where it will be taken: on an ended activity waiting for review,
a member whose hours already count (done) on another activity at overlapping hours is
refused by ``confirm_participation`` (one person's time counts once, ``overlap``), so
the confirm page, the task's page and 我的任务's card say so and offer no 确认
(``claims.confirm_refusal``; review39 #9). Nor is it owed (review39fix): a count of
things owed — 我的待办, the menu's badge, the 待确认 tab's count, the reminder — holds
nothing that cannot be done, while the 待确认 tab still shows the card, explained."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tracker import owed
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus
from tracker.reminders.kinds import find_confirm_hours
from tracker.services.claims import confirm_refusal
from tracker.timeutil import to_local, utcnow

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


def owed_confirmations(page: str) -> int:
    """我的待办's 「待确认服务时长」 figure."""
    return int(re.search(r"<b>(\d+)</b><span>待确认服务时长</span>", page).group(1))


@pytest.mark.parametrize("overlapping", [True, False])
def test_a_confirmation_the_rule_refuses_is_not_owed(app, client, login, world, overlapping):
    """Refused (the same hours counted elsewhere): not in 我的待办 (its figure, its
    cards), the menu's 待办 badge or the 待确认 tab's count, and no reminder asks for it
    — while the 待确认 tab still shows its card, saying why. An activity right after is
    no overlap: its confirmation is owed everywhere."""
    counted_elsewhere(world, overlapping=overlapping)
    assignment, owes = own(world), 0 if overlapping else 1
    now = utcnow()
    counts = owed.counts(world.member.id, now)
    assert counts.confirm == owes
    confirm_items = [item for item in owed.member_todo(world.member.id, now)
                     if item.kind == "confirm"]
    assert [item.assignment.id for item in confirm_items] == [assignment.id] * owes
    later = now + timedelta(days=2)  # a day after the end: the reminder's time
    reminded = [due for due in find_confirm_hours(later, app.config)
                if due.member_id == world.member.id and due.task_id == world.past_task.id]
    assert len(reminded) == owes

    login(world.member)
    todo = html.unescape(client.get("/tasks/todo").get_data(as_text=True))
    assert owed_confirmations(todo) == owes
    assert confirm_links(todo, assignment) == owes
    assert (f'我的待办 <span class="count">{counts.todo}</span>' in todo) == bool(counts.todo)
    tab = html.unescape(client.get("/tasks/mine?tab=confirm").get_data(as_text=True))
    assert world.past_task.title in tab  # the card stays on its tab
    assert confirm_links(tab, assignment) == owes
    assert ("您在同一时间已在其他活动计入服务时长，同一时间只计一次" in tab) == overlapping
    assert ("待确认 (1)" in tab) == (owes == 1)
