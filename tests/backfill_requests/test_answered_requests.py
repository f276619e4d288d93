"""A 补录申请 answered by the record itself (review walk7, D7): once the member is on the
task the request names as done — added on its page (添加遗漏的参加人员), or 指派 and
confirmed — the request is 已采纳 (who, when, audited as 采纳 is) and the member is told
as of an adoption; 采纳 of a request whose member is already on the task as done closes
it as adopted instead of refusing 「…已在该任务中。」. A request naming no task is left
alone: it may be another activity."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.backfill_requests.support import asked, asked_for_past_task
from tests.services.test_claims import audits
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Outbox, RequestStatus
from tracker.services import unit_of_work
from tracker.services.backfill import add_forgotten_participant
from tracker.services.backfill_requests import adopt_into_task
from tracker.services.assigning import assign_member
from tracker.services.claims import confirm_participation
from tracker.services.reviews import ReportData, approve_report, submit_report
from tracker.timeutil import utcnow


def _approve(world, task):
    with unit_of_work():
        approve_report(submit_report(task, world.liaison, ReportData(
            quantity=None, people_served=None, note="清理完毕")), world.liaison)


def _done_on(task, member) -> Assignment:
    return db.session.scalar(select(Assignment).where(
        Assignment.task_id == task.id, Assignment.member_id == member.id,
        Assignment.status == AssignmentStatus.done))


def _adopted_by(request, actor, assignment, through):
    db.session.expire_all()
    assert request.status == RequestStatus.adopted
    assert (request.decided_by_id, request.assignment_id, request.result_task_id) == (
        actor.id, assignment.id, assignment.task_id)
    assert request.decided_at is not None
    events = audits("backfill_request_adopt", request)
    assert [(e.actor_id, e.detail["through"], e.detail["assignment_id"]) for e in events] == [
        (actor.id, through, assignment.id)]


def _told_adopted(app, member) -> list[str]:
    from tracker.reminders.job import write_due

    write_due(utcnow(), app.config)
    db.session.commit()
    return [row.subject for row in db.session.scalars(select(Outbox).where(
        Outbox.kind == "backfill_decided", Outbox.member_id == member.id))]


def test_added_on_the_task_page_the_members_request_is_adopted(app, world):
    past = world.past_task
    request = asked_for_past_task(world, minutes=90)
    _approve(world, past)
    with unit_of_work():
        added = add_forgotten_participant(world.liaison, past, world.other_member, 60)
    _adopted_by(request, world.liaison, added, "add_participant")
    subjects = _told_adopted(app, world.other_member)
    assert subjects and all("补录申请已采纳" in s for s in subjects)


def test_assigned_and_confirmed_the_members_request_is_adopted(app, world):
    past = world.past_task
    request = asked_for_past_task(world, minutes=90)
    with unit_of_work():
        assignment = assign_member(past, world.other_member, world.liaison)
    assert db.session.get(type(request), request.id).status == RequestStatus.pending
    with unit_of_work():
        confirm_participation(assignment, world.other_member, 60)
    _adopted_by(request, world.other_member, assignment, "confirm")
    subjects = _told_adopted(app, world.other_member)
    assert subjects and all("补录申请已采纳" in s for s in subjects)


@pytest.mark.parametrize("approved", [False, True])
def test_adopting_a_request_whose_member_is_on_the_task_closes_it_as_adopted(world, approved):
    """The other order: the member is on the task as done while the request is still
    pending (written meanwhile, or left from before): 采纳 closes it, adding nothing."""
    past = world.past_task
    if approved:
        _approve(world, past)
    request = asked_for_past_task(world, minutes=90)
    # on the record by a way that did not close the request (one racing its filing)
    on_it = Assignment(task_id=past.id, member_id=world.other_member.id,
                       status=AssignmentStatus.done, minutes=60, confirmed_at=utcnow())
    db.session.add(on_it)
    past.taken += 1
    past.slots = max(past.slots, past.taken)
    db.session.commit()
    participations = db.session.scalar(select(func.count(Assignment.id)))
    with unit_of_work():
        got = adopt_into_task(request, world.liaison).assignment
    assert (got.id, got.minutes) == (on_it.id, 60)  # his hours as recorded
    _adopted_by(request, world.liaison, on_it, "already_on")
    assert db.session.scalar(select(func.count(Assignment.id))) == participations


def test_a_request_naming_no_task_is_left_alone(world):
    past = world.past_task
    free_text = asked(world.other_member, world.community, service_date=past.service_date)
    _approve(world, past)
    with unit_of_work():
        add_forgotten_participant(world.liaison, past, world.other_member, 60)
    db.session.expire_all()
    assert free_text.status == RequestStatus.pending
    assert audits("backfill_request_adopt", free_text) == []
