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

from tests.races import race_in_order, race_world
from tests.scratch_db import PG_URL, fresh_database

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

    with fresh_database("postgresql", tmp_path, "checkincount") as url:
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

    with fresh_database("postgresql", tmp_path, "checkinpromise") as url:
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
