"""补录申请 decided twice at the same moment: one liaison 采纳 while another 拒绝 the same
requests, in separate processes (as separate gunicorn workers). Exactly one decision
wins each request; the other is told 「该申请已处理。」 and writes nothing — no
participation, no activity, no audit row. A request never ends 已拒绝 with its hours
counted, nor 已采纳 with a decline reason.

Both ways of 采纳 race: into the task the request names (its report not approved) and
through the 补录 form (a request that names no task).

SQLite runs on a real file, where writers take turns (BEGIN IMMEDIATE); PostgreSQL runs
too when TEST_DATABASE_URL is set — there only the lock taken on the request's row
(``backfill_requests._lock``) keeps the second decision from overwriting the first.
"""
from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import func, select

from tests.races import act_in_turn, race_database, race_world, run_racers
from tests.scratch_db import BACKENDS

REQUESTS = 12  # half name an ended task, half name none
DONE = "该申请已处理。"

pytestmark = pytest.mark.slow


def _adopt(liaison_id: int, item_id: int, request_id: int) -> None:
    from datetime import datetime

    from tracker.extensions import db
    from tracker.models import BackfillRequest, Member, ResourceItem
    from tracker.services.backfill import BackfillData, Participant
    from tracker.services.backfill_requests import adopt_into_task, adopt_through_backfill

    liaison = db.session.get(Member, liaison_id)
    request = db.session.get(BackfillRequest, request_id)
    if request.task_id is not None:
        adopt_into_task(request, liaison)
        return
    day = request.service_date
    adopt_through_backfill(
        liaison, db.session.get(ResourceItem, item_id),
        BackfillData(title=f"楼道清理{request_id}", place="社区广场",
                     starts_local=datetime(day.year, day.month, day.day, 9),
                     ends_local=datetime(day.year, day.month, day.day, 11),
                     participants=[Participant(request.member)], leader=request.member,
                     note="清理楼道杂物。"),
        request)


def _decline(liaison_id: int, request_id: int) -> None:
    from tracker.extensions import db
    from tracker.models import BackfillRequest, Member
    from tracker.services.backfill_requests import decline_request

    decline_request(db.session.get(BackfillRequest, request_id),
                    db.session.get(Member, liaison_id), "没有看到你")


def _racer(kind, url, liaison_id, item_id, request_ids, barrier, results) -> None:
    """One liaison going down the same queue: 采纳 every request, or 拒绝 every one."""
    act = partial(_adopt, liaison_id, item_id) if kind == "adopt" else \
        partial(_decline, liaison_id)
    results.put(act_in_turn(url, barrier, request_ids, act, refusal=DONE))


@pytest.mark.parametrize("backend", BACKENDS)
def test_adopt_and_decline_at_once_exactly_one_decision_wins(backend, tmp_path):
    from datetime import timedelta

    from tests import factories as f
    from tests.backfill_requests.support import asked
    from tracker.extensions import db
    from tracker.models import (
        Assignment,
        AssignmentStatus,
        AuditEvent,
        BackfillRequest,
        RequestStatus,
        Role,
        Task,
    )
    from tracker.timeutil import local_today

    with race_database(backend, tmp_path, "decisionrace") as url:
        with race_world(url) as (app, unit, item, _member):
            community = item.community
            adopter = f.member(unit, Role.liaison, name="林联络", communities=[community])
            decliner = f.member(unit, Role.liaison, name="王联络", communities=[community])
            creator = f.member(unit, name="发布人")
            ended = f.task(item, creator, starts_in=-timedelta(days=1), slots=1)
            people = [f.member(unit, name=f"党员{i}") for i in range(REQUESTS)]
            db.session.commit()
            requests = []
            for i, person in enumerate(people):
                if i % 2:
                    requests.append(asked(person, community,
                                          service_date=local_today() - timedelta(days=3)))
                else:
                    requests.append(asked(person, community, task=ended, service_date=None,
                                          description=None, minutes=60))
            ids = [r.id for r in requests]
            adopter_id, decliner_id, item_id = adopter.id, decliner.id, item.id
            tasks_before = db.session.scalar(select(func.count(Task.id)))

        outcomes = run_racers(_racer, [("adopt", url, adopter_id, item_id, ids),
                                       ("decline", url, decliner_id, item_id, ids)])

        errors = [e for o in outcomes for e in o["errors"]]
        assert errors == []
        assert sum(o["ok"] for o in outcomes) == REQUESTS  # one decision per request
        assert sum(o["refused"] for o in outcomes) == REQUESTS  # the other: 该申请已处理

        with app.app_context():
            for request in db.session.scalars(select(BackfillRequest).where(
                    BackfillRequest.id.in_(ids))):
                decisions = list(db.session.scalars(select(AuditEvent.action).where(
                    AuditEvent.entity_type == "backfill_request",
                    AuditEvent.entity_id == request.id,
                    AuditEvent.action.in_(["backfill_request_adopt",
                                           "backfill_request_decline"]))))
                counted = db.session.scalar(select(func.count(Assignment.id)).where(
                    Assignment.member_id == request.member_id,
                    Assignment.status == AssignmentStatus.done))
                if request.status == RequestStatus.adopted:
                    assert (decisions, counted, request.decline_reason) == \
                        (["backfill_request_adopt"], 1, None)
                else:
                    assert request.status == RequestStatus.declined
                    assert (decisions, counted, request.assignment_id) == \
                        (["backfill_request_decline"], 0, None)
            new_tasks = db.session.scalar(select(func.count(Task.id))) - tasks_before
            through_form = db.session.scalar(select(func.count(BackfillRequest.id)).where(
                BackfillRequest.id.in_(ids), BackfillRequest.task_id.is_(None),
                BackfillRequest.status == RequestStatus.adopted))
            assert new_tasks == through_form  # a declined request recorded no activity
            db.session.remove()
            db.engine.dispose()

