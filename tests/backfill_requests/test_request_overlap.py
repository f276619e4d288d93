"""A 补录申请 is offered only for what 采纳 could adopt (review38bfix): not for an
activity at hours where the member already holds a place on another one — 采纳 adds her
by 补录's rule, which refuses the same person on two overlapping activities
(``overlap.overlapping``, ``backfill.refuse_overlap``). The list leaves it out, the task
asked for from its page says why (naming the other activity), a request for it is
refused with the same words; 采纳 of a request whose member is already on the task says
so (askfix)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests import factories as f
from tests.backfill_requests.support import asked_for_past_task
from tests.backfill_requests.test_requests_service import ask, refused_nothing_written
from tracker.backfill_requests.queries import requestable_tasks
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus
from tracker.timeutil import to_local, utcnow


def _place_at_the_same_hours(world, status=AssignmentStatus.done):
    """``other_member`` on another activity overlapping ``past_task`` by half an hour."""
    past = world.past_task
    clash = f.task(world.item, world.liaison, title="楼道粉刷",
                   starts_at=past.starts_at + timedelta(minutes=90))
    db.session.add(Assignment(task_id=clash.id, member_id=world.other_member.id,
                              status=status, minutes=60 if status == AssignmentStatus.done
                              else None))
    clash.taken = 1
    db.session.commit()
    return clash


def _task_select(page: str) -> str:
    return re.search(r'<select[^>]*name="task".*?</select>', page, re.S).group(0)


def _told(world, clash) -> str:
    when = to_local(clash.starts_at).strftime("%Y-%m-%d %H:%M")
    return (f"您在同一时间已参加“楼道粉刷”（{when}），不能再申请补录“{world.past_task.title}”；"
            "如记录有误，请联系社区联络员。")


@pytest.mark.parametrize("status", [AssignmentStatus.done, AssignmentStatus.claimed])
def test_an_activity_at_hours_taken_elsewhere_is_not_offered(world, status):
    """Counted elsewhere (done) or holding a place there (a claim): 采纳 would refuse
    both, so neither is offered — and without that place the task is."""
    past = world.past_task
    assert past in requestable_tasks(world.other_member, [world.community.id])
    clash = _place_at_the_same_hours(world, status)
    assert past not in requestable_tasks(world.other_member, [world.community.id])
    assert past not in requestable_tasks(world.other_member, [world.community.id],
                                         day=past.service_date, include=past.id)
    # the other activity itself is hers already; the one apart from these hours stays
    assert clash not in requestable_tasks(world.other_member, [world.community.id])


def test_a_place_withdrawn_or_marked_absent_elsewhere_takes_no_hours(world):
    """What 采纳's rule does not count as a place (withdrawn, 缺席 on another activity)
    leaves the task offered."""
    clash = _place_at_the_same_hours(world, AssignmentStatus.withdrawn)
    assert world.past_task in requestable_tasks(world.other_member, [world.community.id])
    db.session.get(Assignment, clash.assignments[0].id).status = AssignmentStatus.absent
    db.session.commit()
    assert world.past_task in requestable_tasks(world.other_member, [world.community.id])


@pytest.mark.parametrize("status, offered", [
    (AssignmentStatus.claimed, True), (AssignmentStatus.assigned, True),
    (AssignmentStatus.checked_in, False), (AssignmentStatus.done, False)])
def test_a_claim_never_confirmed_on_an_approved_activity_takes_no_hours(world, status,
                                                                        offered):
    """review39b #1: 通过 is final — a claim (or an assignment) never confirmed on an
    activity whose report is approved can never count, and she may have been at the
    other activity instead: the task she asks for is offered, and 采纳's rule takes her.
    A check-in left uncounted there is evidence she was there: still a place."""
    from tests.web.manage_support import submitted_report
    from tracker.models import ReportStatus

    clash = _place_at_the_same_hours(world, status)
    submitted_report(clash, world.liaison, status=ReportStatus.approved)
    db.session.commit()
    listed = world.past_task in requestable_tasks(world.other_member, [world.community.id])
    assert listed is offered
    if offered:  # asked for, it is taken (the rule 采纳 asks is the same)
        service, member, community, data = ask(world, task=world.past_task,
                                               service_date=None, minutes=60)
        assert service(member, community, data).task_id == world.past_task.id


def test_a_request_for_it_is_refused_naming_the_other_activity(world):
    clash = _place_at_the_same_hours(world)
    refused_nothing_written(*ask(world, task=world.past_task, service_date=None,
                                 minutes=60), message=_told(world, clash))


def test_the_task_asked_for_from_its_page_says_why_it_is_not_offered(client, login, world):
    clash = _place_at_the_same_hours(world)
    login(world.other_member)
    page = client.get("/backfill-requests/new",
                      query_string={"task": world.past_task.id}).get_data(as_text=True)
    assert f'<p class="notice">{_told(world, clash)}</p>' in page
    assert not re.search(rf'<option[^>]*value="{world.past_task.id}"', _task_select(page))
    # posted all the same (a page read before): refused, said why, what was typed kept
    response = client.post(f"/backfill-requests/new?task={world.past_task.id}", data={
        "community": world.community.id, "task": world.past_task.id, "hours": "1",
        "note": "忘记认领了"})
    assert response.status_code == 200
    posted = response.get_data(as_text=True)
    assert f'<p class="notice">{_told(world, clash)}</p>' in posted and "忘记认领了" in posted


def test_a_task_offered_from_its_page_has_no_such_notice(client, login, world):
    login(world.other_member)
    page = client.get("/backfill-requests/new",
                      query_string={"task": world.past_task.id}).get_data(as_text=True)
    assert "不能再申请补录" not in page
    assert re.search(rf'<option selected value="{world.past_task.id}"', _task_select(page))


# --- 采纳 of a request whose member is on the task already (askfix) ---------------------------

def _flashes(page: str) -> list[str]:
    return [m.strip() for m in re.findall(r'class="flash[^"]*"[^>]*>([^<]*)<', page)]


def test_adopting_a_request_whose_member_is_already_on_the_task_says_so(client, login, world):
    past = world.past_task
    request = asked_for_past_task(world, minutes=90)
    db.session.add(Assignment(task_id=past.id, member_id=world.other_member.id,
                              status=AssignmentStatus.done, minutes=60, confirmed_at=utcnow()))
    past.taken += 1
    past.slots = max(past.slots, past.taken)
    db.session.commit()
    login(world.liaison)
    page = client.post(f"/backfill-requests/{request.id}/adopt",
                       follow_redirects=True).get_data(as_text=True)
    name = f"{world.other_member.name}（{world.unit.name}）"  # as the queue names her
    assert f"已采纳 {name} 的补录申请：其已在任务“{past.title}”中，无需再添加。" in page
    assert "已加入任务" not in page


def test_adopting_a_request_adds_the_member_and_says_so(client, login, world):
    request = asked_for_past_task(world, minutes=90)
    login(world.liaison)
    page = client.post(f"/backfill-requests/{request.id}/adopt",
                       follow_redirects=True).get_data(as_text=True)
    assert (f"已采纳 {world.other_member.name}（{world.unit.name}） 的补录申请，"  # as the queue
            f"已加入任务“{world.past_task.title}”。" in page)
