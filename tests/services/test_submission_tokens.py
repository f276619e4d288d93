"""The one-time submission token store without HTTP: a change and its token commit
together; the same token a second time applies nothing; a refused change leaves the
token free for the retry; tokens older than a day are purged."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Assignment, AuditEvent, SubmissionToken
from tracker.services import ServiceError, unit_of_work
from tracker.services import submissions
from tracker.services.claims import claim_slot
from tracker.timeutil import utcnow

TOKEN = "t" * 22


@pytest.fixture
def sending():
    """The unit of work runs as for a request carrying ``TOKEN``; a second send is a
    second ``begin`` of the same token."""
    handles = []

    def send(token=TOKEN):
        handles.append(submissions.begin(token))

    yield send
    for handle in reversed(handles):
        submissions.end(handle)


def claims_of(task, member) -> int:
    """The rule: a member holds at most one participation in a task."""
    return db.session.scalar(select(func.count(Assignment.id)).where(
        Assignment.task_id == task.id, Assignment.member_id == member.id))


def claim_events() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "claim"))


def kept(token=TOKEN) -> bool:
    db.session.expire_all()
    return db.session.get(SubmissionToken, token) is not None


def test_the_token_commits_with_the_change(world, sending):
    sending()
    with unit_of_work():
        claim_slot(world.task, world.member)
    assert kept() and claims_of(world.task, world.member) == 1


def test_the_same_token_again_applies_nothing(world, sending):
    sending()
    with unit_of_work():
        claim_slot(world.task, world.member)
    sending()  # the retry, as another request
    with pytest.raises(submissions.AlreadySubmitted):
        with unit_of_work():
            # what a retry of another form would change: it must not happen either
            claim_slot(world.other_task, world.member)
    db.session.expire_all()
    assert claims_of(world.other_task, world.member) == 0
    assert claim_events() == 1


def test_a_refused_change_leaves_the_token_free(world, sending):
    sending()
    with pytest.raises(ServiceError):
        with unit_of_work():
            raise ServiceError("名额已满")
    assert not kept()
    sending()
    with unit_of_work():
        claim_slot(world.task, world.member)
    assert kept() and claims_of(world.task, world.member) == 1


def test_a_refusal_kept_on_the_record_does_not_spend_the_token(world, sending):
    sending()
    with pytest.raises(ServiceError):
        with unit_of_work():
            db.session.add(AuditEvent(actor_id=world.member.id, action="login_failed",
                                      entity_type="member", entity_id=world.member.id))
            raise ServiceError("密码不正确", recorded=True)
    assert not kept()
    assert db.session.scalar(select(func.count(AuditEvent.id))
                             .where(AuditEvent.action == "login_failed")) == 1


def test_one_request_spends_its_token_once(world, sending):
    """A view that commits twice (a change, then a note) does not refuse itself."""
    sending()
    with unit_of_work():
        claim_slot(world.task, world.member)
    with unit_of_work():
        claim_slot(world.other_task, world.member)
    assert claims_of(world.other_task, world.member) == 1


def test_without_a_token_nothing_is_kept(world):
    with unit_of_work():
        claim_slot(world.task, world.member)
    assert db.session.scalar(select(func.count()).select_from(SubmissionToken)) == 0


@pytest.mark.parametrize("token", ["", "short", "x" * 65, "has space in it here", "../../etc/passwd1"])
def test_a_malformed_token_is_no_token(world, sending, token):
    sending(token)
    with unit_of_work():
        claim_slot(world.task, world.member)
    assert db.session.scalar(select(func.count()).select_from(SubmissionToken)) == 0


def test_a_once_false_write_leaves_the_token_for_the_change(world, sending):
    sending()
    with unit_of_work(once=False):
        pass
    assert not kept()


def test_tokens_older_than_a_day_are_purged(world):
    now = utcnow()
    db.session.add_all([SubmissionToken(token="o" * 22, created_at=now - timedelta(days=1, minutes=1)),
                        SubmissionToken(token="n" * 22, created_at=now - timedelta(hours=23))])
    db.session.commit()
    with unit_of_work(once=False):
        assert submissions.purge(now) == 1
    assert not kept("o" * 22) and kept("n" * 22)


def test_the_first_sends_destination_is_noted(world, sending):
    sending()
    with unit_of_work():
        claim_slot(world.task, world.member)
    with unit_of_work(once=False):
        submissions.note_location(TOKEN, f"/tasks/{world.task.id}")
    assert submissions.spent(TOKEN).location == f"/tasks/{world.task.id}"
