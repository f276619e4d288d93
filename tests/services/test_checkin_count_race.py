"""Two 通过 at once, in separate processes (two gunicorn workers) on PostgreSQL, of two
activities at the same hours on which one member checked in (review38 #1). The rule —
the same person's time is counted once (``reviews.count_checked_in_members``) — holds
under concurrency only because each 通过 locks the members it would count before it
reads whether their time already counts elsewhere: the second waits for the first and
then reads what it counted. SQLite's writers take turns anyway, so this runs only with
TEST_DATABASE_URL.

The order is forced, not hoped for (``tests.races.race_in_order``)."""
from __future__ import annotations

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__


def _world(url):
    """环境整治 and 清除小广告 of 解放路社区, yesterday 09:00–11:00 both, each reported;
    张三 checked in on both."""
    from datetime import timedelta

    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, Community, Role
    from tracker.timeutil import utcnow

    with race_world(url) as (app, unit, item, _member):
        community = db.session.get(Community, item.community_id)
        liaison = f.member(unit, Role.liaison, name="林联络", communities=[community])
        leader = f.member(unit, name="王组长")
        member = f.member(unit, name="张三")
        starts = (utcnow() - timedelta(days=1)).replace(microsecond=0)
        tasks = [f.task(i, liaison, leader=leader, starts_at=starts, title=title)
                 for i, title in ((item, "环境整治"),
                                  (f.item(unit, community, "ad_removal"), "清除小广告"))]
        for task in tasks:
            db.session.add(Assignment(task_id=task.id, member_id=member.id,
                                      status=AssignmentStatus.checked_in,
                                      checked_in_at=starts))
            task.taken = 1
            f.reported(task, leader, approved=False)
        return app, dict(liaison=liaison.id, member=member.id,
                         tasks=[task.id for task in tasks])


def _approve(ids, number):
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Member, TaskReport
    from tracker.services.reviews import approve_report

    report = db.session.scalar(select(TaskReport).where(
        TaskReport.task_id == ids["tasks"][number]))
    approve_report(report, db.session.get(Member, ids["liaison"]), count_checked_in=True)


def _approve_first(ids):
    """The liaison approves 环境整治 (按签到计入)."""
    _approve(ids, 0)


def _approve_second(ids):
    """…and, in another tab, 清除小广告 (按签到计入)."""
    _approve(ids, 1)


def test_two_approvals_at_once_count_her_time_once(tmp_path):
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, ReportStatus, TaskReport

    with race_database("postgresql", tmp_path, "checkincount") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_approve_first", "_approve_second")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_approve_first"]["ok"] is True and got["_approve_second"]["ok"] is True
        assert got["_approve_second"]["waited"] is True
        with app.app_context():
            held = dict(db.session.execute(select(Assignment.task_id, Assignment.status)
                                           .where(Assignment.member_id == ids["member"])).all())
            assert held == {ids["tasks"][0]: AssignmentStatus.done,
                            ids["tasks"][1]: AssignmentStatus.checked_in}
            assert set(db.session.scalars(select(TaskReport.status))) == {ReportStatus.approved}
            db.session.remove()
            db.engine.dispose()


def _approve_second_as_its_page_said(ids):
    """…from 清除小广告's page read before the first 通过: it said 张三's check-in
    counts there (nothing of his counted elsewhere yet, review39b #5)."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Member, TaskReport
    from tracker.services.reviews import approve_report, checkins_promise

    report = db.session.scalar(select(TaskReport).where(TaskReport.task_id == ids["tasks"][1]))
    approve_report(report, db.session.get(Member, ids["liaison"]), count_checked_in=True,
                   promised=checkins_promise([ids["member"]], []))


def test_the_second_approval_from_a_page_promising_her_count_is_refused(tmp_path):
    """The second 通过 waits for the first, reads that 张三's time now counts there, and
    — its page having said it counts him — is refused, naming him, nothing written
    (before review39b #5 it approved, leaving him out, and only said so after)."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, ReportStatus, TaskReport

    with race_database("postgresql", tmp_path, "checkinpromise") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_approve_first", "_approve_second_as_its_page_said")
        second = got["_approve_second_as_its_page_said"]
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_approve_first"]["ok"] is True and second["waited"] is True
        assert "张三 现在在同一时间已计入其他活动，本活动将不按签到计入" in second["refused"]
        with app.app_context():
            held = dict(db.session.execute(select(Assignment.task_id, Assignment.status)
                                           .where(Assignment.member_id == ids["member"])).all())
            assert held == {ids["tasks"][0]: AssignmentStatus.done,
                            ids["tasks"][1]: AssignmentStatus.checked_in}
            statuses = dict(db.session.execute(select(TaskReport.task_id, TaskReport.status)).all())
            assert statuses == {ids["tasks"][0]: ReportStatus.approved,
                                ids["tasks"][1]: ReportStatus.submitted}
            db.session.remove()
            db.engine.dispose()


def _world_counted_on_the_first(url):
    """The same two activities, each reported and waiting for review; 张三 confirmed
    his two hours of 环境整治 and checked in on 清除小广告."""
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, Task

    app, ids = _world(url)
    with app.app_context():
        held = db.session.query(Assignment).filter_by(task_id=ids["tasks"][0],
                                                      member_id=ids["member"]).one()
        task = db.session.get(Task, ids["tasks"][0])
        held.status, held.minutes, held.confirmed_at = \
            AssignmentStatus.done, 120, task.ends_at
        ids["leader"] = task.leader_id
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return app, ids


def _resubmit_marking_him_absent(ids):
    """环境整治's 组长 resubmits its report with 张三 缺席: his hours there no longer count."""
    from tracker.extensions import db
    from tracker.models import Member, Task
    from tracker.services.reviews import ReportData, submit_report

    submit_report(db.session.get(Task, ids["tasks"][0]), db.session.get(Member, ids["leader"]),
                  ReportData(quantity=0, people_served=0, note="说明",
                             absent_ids={ids["member"]}))


def test_a_resubmission_marking_her_absent_and_an_approval_elsewhere_take_turns(tmp_path):
    """A resubmission of 环境整治 marking 张三 缺席 ends his count there; 清除小广告's
    通过 (按签到计入), at the same moment, reads whether his time counts elsewhere.
    The resubmission takes his row's lock, as 通过 does (approverace): the 通过 waits
    for it and reads that his time counts nowhere now, so his check-in counts on
    清除小广告. Before, it read the count the resubmission was ending, left him out, and
    his time counted nowhere."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, ReportStatus, TaskReport

    with race_database("postgresql", tmp_path, "absentapprove") as url:
        app, ids = _world_counted_on_the_first(url)
        got = race_in_order(MODULE, url, ids, "_resubmit_marking_him_absent", "_approve_second")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_resubmit_marking_him_absent"]["ok"] is True
        assert got["_approve_second"]["ok"] is True and got["_approve_second"]["waited"] is True
        with app.app_context():
            held = dict(db.session.execute(select(Assignment.task_id, Assignment.status)
                                           .where(Assignment.member_id == ids["member"])).all())
            assert held == {ids["tasks"][0]: AssignmentStatus.absent,
                            ids["tasks"][1]: AssignmentStatus.done}
            statuses = dict(db.session.execute(select(TaskReport.task_id, TaskReport.status)).all())
            assert statuses == {ids["tasks"][0]: ReportStatus.submitted,
                                ids["tasks"][1]: ReportStatus.approved}
            db.session.remove()
            db.engine.dispose()
