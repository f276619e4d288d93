"""作废 racing the other decisions on one activity, in separate processes (as separate
gunicorn workers): one liaison 通过 a queue of reports while another voids the same
activities; and two staff void the same activities at once.

Both orders of 通过 and 作废 are legitimate — approved then voided, or voided and then
the approval refused 「该完成情况不在待审核状态。」 — but never both half-way: an
approved report on a voided (cancelled) task would count an activity that did not
happen, for ever. Each activity is voided exactly once; the second 作废 is told
「该活动已作废。」 and writes nothing.

SQLite runs on a real file, where writers take turns (BEGIN IMMEDIATE); PostgreSQL runs
too when TEST_DATABASE_URL is set — there only the row locks of
``activity_lock.lock_activity`` keep the second decision from overwriting the first.
"""
from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import func, select

from tests.races import act_in_turn, race_database, race_world, run_racers
from tests.scratch_db import BACKENDS

TASKS = 10
NOT_WAITING = "该完成情况不在待审核状态。"
VOIDED = "该活动已作废。"
CANCELLED = "该任务已取消。"

pytestmark = pytest.mark.slow


def _approve(member_id: int, task_id: int) -> None:
    from tracker.extensions import db
    from tracker.models import Member, Task
    from tracker.services.reviews import approve_report

    approve_report(db.session.get(Task, task_id).report, db.session.get(Member, member_id))


def _void(member_id: int, task_id: int) -> None:
    from tracker.extensions import db
    from tracker.models import Member, Task
    from tracker.services.voiding import void_activity

    void_activity(db.session.get(Task, task_id), db.session.get(Member, member_id),
                  "误录：当天并未开展")


def _resubmit(member_id: int, task_id: int) -> None:
    from tracker.extensions import db
    from tracker.models import Member, Task
    from tracker.services.reviews import ReportData, submit_report

    submit_report(db.session.get(Task, task_id), db.session.get(Member, member_id),
                  ReportData(quantity=0, people_served=0, note="已按要求改正",
                             absent_ids=set()))


ACTS = {"approve": (_approve, NOT_WAITING), "void": (_void, VOIDED),
        "resubmit": (_resubmit, CANCELLED)}


def _racer(kind, url, member_id, task_ids, barrier, results) -> None:
    act, refusal = ACTS[kind]
    act = partial(act, member_id)
    outcome = act_in_turn(url, barrier, task_ids, act, refusal=refusal)
    results.put({**outcome, "kind": kind})


def _activities(url, report_status="submitted"):
    """TASKS ended activities, each with two members' confirmed hours and its report
    待审核 (or ``report_status``); two liaisons of the community and the leader."""
    from datetime import timedelta

    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, ReportStatus, Role, TaskReport
    from tracker.timeutil import utcnow

    with race_world(url) as (app, unit, item, _liaison):
        community = item.community
        first = f.member(unit, Role.liaison, name="林联络", communities=[community])
        second = f.member(unit, Role.liaison, name="王联络", communities=[community])
        people = [f.member(unit, name=f"党员{i}") for i in range(2)]
        ids = []
        for number in range(TASKS):
            task = f.task(item, first, starts_in=-timedelta(days=2, hours=number),
                          title=f"清扫{number}", leader=people[0])
            for person in people:
                db.session.add(Assignment(task_id=task.id, member_id=person.id,
                                          status=AssignmentStatus.done, minutes=60))
            task.taken = len(people)
            db.session.flush()
            db.session.add(TaskReport(task_id=task.id, quantity=0, people_served=0,
                                      note="已完成", status=ReportStatus(report_status),
                                      submitted_by_id=people[0].id, submitted_at=utcnow()))
            ids.append(task.id)
        db.session.commit()
        return app, first.id, second.id, ids, people[0].id


def _check_every_activity_voided_once(app, ids):
    from tracker.extensions import db
    from tracker.models import AuditEvent, CountedTask, ReportStatus, Task, TaskStatus

    with app.app_context():
        for task in db.session.scalars(select(Task).where(Task.id.in_(ids))):
            assert (task.status, task.report.status) == \
                (TaskStatus.cancelled, ReportStatus.voided), task.title
            voids = db.session.scalar(select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "void", AuditEvent.entity_type == "task",
                AuditEvent.entity_id == task.id))
            assert voids == 1, task.title
        assert db.session.scalar(select(func.count()).select_from(CountedTask)
                                 .where(CountedTask.task_id.in_(ids))) == 0
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_approve_and_void_at_once_never_leave_an_approved_voided_activity(backend, tmp_path):
    from tracker.extensions import db
    from tracker.models import AuditEvent, ReportStatus, TaskReport

    with race_database(backend, tmp_path, "voidrace") as url:
        app, approver_id, voider_id, ids, _leader = _activities(url)
        outcomes = run_racers(_racer, [("approve", url, approver_id, ids),
                                       ("void", url, voider_id, ids)])
        assert [e for o in outcomes for e in o["errors"]] == []
        by_kind = {o["kind"]: o for o in outcomes}
        # every activity voided; each approval either went first or was refused
        assert (by_kind["void"]["ok"], by_kind["void"]["refused"]) == (TASKS, 0)
        assert by_kind["approve"]["ok"] + by_kind["approve"]["refused"] == TASKS
        _check_every_activity_voided_once(app, ids)
        with app.app_context():
            approvals = db.session.scalar(select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "approve"))
            assert approvals == by_kind["approve"]["ok"]
            assert db.session.scalar(select(func.count(TaskReport.id)).where(
                TaskReport.status == ReportStatus.approved)) == 0
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_voids_at_once_void_each_activity_once(backend, tmp_path):
    with race_database(backend, tmp_path, "doublevoid") as url:
        app, first_id, second_id, ids, _leader = _activities(url)
        outcomes = run_racers(_racer, [("void", url, first_id, ids),
                                       ("void", url, second_id, ids)])
        assert [e for o in outcomes for e in o["errors"]] == []
        assert sum(o["ok"] for o in outcomes) == TASKS
        assert sum(o["refused"] for o in outcomes) == TASKS
        _check_every_activity_voided_once(app, ids)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_resubmission_at_the_moment_of_a_void_never_revives_the_activity(backend, tmp_path):
    """The leader resubmits returned reports while the liaison voids the activities:
    resubmitted then voided, or voided and the resubmission refused 「该任务已取消。」 —
    never a 待审核 report left on a voided activity, to be approved and counted again."""
    with race_database(backend, tmp_path, "resubmitvoid") as url:
        app, _first, voider_id, ids, leader_id = _activities(url, "returned")
        outcomes = run_racers(_racer, [("resubmit", url, leader_id, ids),
                                       ("void", url, voider_id, ids)])
        assert [e for o in outcomes for e in o["errors"]] == []
        by_kind = {o["kind"]: o for o in outcomes}
        assert (by_kind["void"]["ok"], by_kind["void"]["refused"]) == (TASKS, 0)
        assert by_kind["resubmit"]["ok"] + by_kind["resubmit"]["refused"] == TASKS
        _check_every_activity_voided_once(app, ids)
