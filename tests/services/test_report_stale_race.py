"""The leader and the liaison (re)submitting one task's report at once, each from a page
read before either saved — in separate processes on PostgreSQL (review "forms",
session 29). SQLite's writers take turns anyway, so these run only with
TEST_DATABASE_URL.

The rule (tests/web/test_report_stale_page.py's): the second post is merged with the
report as the first left it, never as both pages read it — a member the liaison marked
缺席 stays absent when the leader's note lands; two changes of the 情况说明 get one save
and one refusal that writes nothing. ``submit_report`` merges under the activity's lock
(``lock_activity``), so the second waits and reads what the first committed. Each order
is forced (``tests.races.race_in_order``).
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
REFUSAL = "该任务的完成情况已被他人修改，请核对后重新提交。"


def _world(url):
    """An ended task with two members on it and its report 待审核; its leader and the
    community's liaison. ``shown``: what both their report pages showed."""
    from datetime import timedelta

    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, ReportStatus, Role, TaskReport
    from tracker.services.reviews import report_shown_key
    from tracker.timeutil import utcnow

    with race_world(url) as (app, unit, item, creator):
        liaison = f.member(unit, Role.liaison, name="林联络", communities=[item.community])
        people = [f.member(unit, name=n) for n in ("张三", "王组长")]
        task = f.task(item, creator, starts_in=-timedelta(days=2), leader=people[1])
        for person in people:
            db.session.add(Assignment(task_id=task.id, member_id=person.id,
                                      status=AssignmentStatus.claimed))
        task.taken = len(people)
        db.session.flush()
        db.session.add(TaskReport(task_id=task.id, quantity=0, people_served=0,
                                  note="楼道清理完毕", status=ReportStatus.submitted,
                                  submitted_by_id=people[1].id, submitted_at=utcnow()))
        db.session.commit()
        db.session.expire_all()
        return app, dict(task=task.id, liaison=liaison.id, leader=people[1].id,
                         member=people[0].id, shown=report_shown_key(task))


def _submit(ids, who, note="楼道清理完毕", absent=()):
    from tracker.extensions import db
    from tracker.models import Member, Task
    from tracker.services.reviews import ReportData, submit_report

    submit_report(db.session.get(Task, ids["task"]), db.session.get(Member, ids[who]),
                  ReportData(quantity=None, people_served=None, note=note,
                             absent_ids=set(absent)), shown=ids["shown"])


def liaison_marks_absent(ids):
    _submit(ids, "liaison", absent=[ids["member"]])


def liaison_notes(ids):
    _submit(ids, "liaison", note="楼道清理完毕，张三缺席")


def leader_notes(ids):
    _submit(ids, "leader", note="楼道清理完毕，共清运三车")


def _state(app, ids) -> tuple:
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, Task

    with app.app_context():
        note = db.session.get(Task, ids["task"]).report.note
        absent = set(db.session.scalars(select(Assignment.member_id).where(
            Assignment.task_id == ids["task"], Assignment.status == AssignmentStatus.absent)))
        db.session.remove()
        db.engine.dispose()
        return note, absent


def test_two_posts_of_different_fields_both_land(tmp_path):
    with race_database("postgresql", tmp_path, "reportmerge") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "liaison_marks_absent", "leader_notes")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["liaison_marks_absent"]["ok"] is True, got
        assert got["leader_notes"]["waited"] is True
        assert got["leader_notes"]["ok"] is True, got["leader_notes"]["refused"]
        assert _state(app, ids) == ("楼道清理完毕，共清运三车", {ids["member"]})


def test_two_posts_of_one_field_save_once(tmp_path):
    with race_database("postgresql", tmp_path, "reportrefused") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "liaison_notes", "leader_notes")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["liaison_notes"]["ok"] is True and got["leader_notes"]["waited"] is True
        assert got["leader_notes"]["refused"] == REFUSAL
        assert _state(app, ids) == ("楼道清理完毕，张三缺席", set())
