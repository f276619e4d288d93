"""Editing a task, changing its 组长 and 取消任务 at the moment another decision on the
same activity commits, in separate processes (two gunicorn workers, two connections)
on PostgreSQL. SQLite's writers take turns anyway, so these run only with
TEST_DATABASE_URL.

The rules: an approved activity's details are not edited (「该任务的完成情况已审核通过，
不能修改。」); in a 已定稿 month a liaison does not change the 组长 of an approved
activity; an activity on record (a report, or a member's confirmed hours) is not
cancelled — its hours would silently stop counting. Each holds although the page that
posted the edit, the 组长 or the cancel was read before the other decision committed:
the second one reads what the first left and is refused.

Each order is forced, not hoped for (``tests.races.race_in_order``).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__


def _world(url, *, reported: bool, finalised: bool = False):
    """An activity of the liaison's community that ended: last month's 20th with the
    two members' hours confirmed (``reported``: its report 待审核, the month
    ``finalised`` by the admin), or else yesterday's, both members claimed, nothing
    confirmed or reported."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, Role, SummaryScope
    from tracker.reports import final
    from tracker.services.reviews import ReportData, submit_report
    from tracker.timeutil import local_to_utc, local_today

    last = local_today().replace(day=1) - timedelta(days=1)
    with race_world(url) as (app, unit, item, _liaison):
        liaison = f.member(unit, Role.liaison, name="林联络", communities=[item.community])
        admin = f.member(unit, Role.admin, name="管理员")
        leader, member = f.member(unit, name="王组长"), f.member(unit, name="张三")
        if reported:
            start = local_to_utc(datetime.combine(date(last.year, last.month, 20), time(9)))
            task = f.task(item, liaison, title="楼道清理", leader=leader, starts_at=start)
        else:
            task = f.task(item, liaison, title="楼道清理", leader=leader,
                          starts_in=-timedelta(days=1))
        status = AssignmentStatus.done if reported else AssignmentStatus.claimed
        mine = [Assignment(task_id=task.id, member_id=who.id, status=status,
                           minutes=120 if reported else None) for who in (leader, member)]
        db.session.add_all(mine)
        task.taken = 2
        db.session.flush()
        ids = dict(task=task.id, liaison=liaison.id, admin=admin.id, leader=leader.id,
                   member=member.id, assignment=mine[1].id)
        if reported:
            ids["report"] = submit_report(task, liaison, ReportData(
                quantity=None, people_served=None, note="完成")).id
        if finalised:
            final.finalize(admin, SummaryScope(unit.id), last.year, last.month)
        db.session.commit()
        return app, ids


def _task(ids):
    from tracker.extensions import db
    from tracker.models import Task

    return db.session.get(Task, ids["task"])


def _member(ids, who):
    from tracker.extensions import db
    from tracker.models import Member

    return db.session.get(Member, ids[who])


def _approve(ids, who="liaison"):
    from tracker.services.reviews import approve_report

    approve_report(_task(ids).report, _member(ids, who))


def _admin_approves(ids):
    _approve(ids, "admin")


def _edit(ids):
    from tracker.services.tasks import TaskDetails, update_task
    from tracker.timeutil import to_local

    task = _task(ids)
    update_task(task, _member(ids, "liaison"), TaskDetails(
        title="楼道清理（改）", place=task.place, slots=task.slots,
        starts_local=to_local(task.starts_at).replace(tzinfo=None),
        ends_local=to_local(task.ends_at).replace(tzinfo=None)))


def _change_leader(ids):
    from tracker.services.tasks import change_leader

    change_leader(_task(ids), _member(ids, "member"), _member(ids, "liaison"))


def _cancel(ids):
    from tracker.services.tasks import cancel_task

    cancel_task(_task(ids), _member(ids, "liaison"), "下雨")


def _confirm(ids):
    from tracker.extensions import db
    from tracker.models import Assignment
    from tracker.services.claims import confirm_participation

    confirm_participation(db.session.get(Assignment, ids["assignment"]),
                          _member(ids, "member"), 60)


def _submit(ids):
    from tracker.services.reviews import ReportData, submit_report

    submit_report(_task(ids), _member(ids, "liaison"),
                  ReportData(quantity=None, people_served=None, note="完成"))


def _state(app, ids):
    from tracker.extensions import db

    with app.app_context():
        task = _task(ids)
        state = (task.status.name, task.title, task.leader_id,
                 task.report.status.name if task.report else None)
        db.session.remove()
        db.engine.dispose()
        return state


def _race(url, ids, first, second):
    got = race_in_order(MODULE, url, ids, first, second)
    assert [e for o in got.values() for e in o["errors"]] == []
    assert got[first]["ok"] is True
    return got[second]


def test_an_edit_after_the_approval_committed_is_refused(tmp_path):
    with race_database("postgresql", tmp_path, "editapprove") as url:
        app, ids = _world(url, reported=True)
        second = _race(url, ids, "_approve", "_edit")
        assert second["refused"] == "该任务的完成情况已审核通过，不能修改。"
        assert _state(app, ids) == ("closed", "楼道清理", ids["leader"], "approved")


def test_a_liaisons_new_leader_after_an_admins_approval_in_a_signed_month_is_refused(
        tmp_path):
    from tracker.timeutil import local_today

    last = local_today().replace(day=1) - timedelta(days=1)
    with race_database("postgresql", tmp_path, "leaderapprove") as url:
        app, ids = _world(url, reported=True, finalised=True)
        second = _race(url, ids, "_admin_approves", "_change_leader")
        assert second["refused"] == (
            f"{last.year}年{last.month}月的月报已定稿，更换该月活动的组长须由单位管理员操作"
            "（或由单位管理员先重新打开该月的月报）。")
        assert _state(app, ids) == ("closed", "楼道清理", ids["leader"], "approved")


def test_a_cancel_after_a_member_confirmed_hours_is_refused(tmp_path):
    with race_database("postgresql", tmp_path, "cancelconfirm") as url:
        app, ids = _world(url, reported=False)
        second = _race(url, ids, "_confirm", "_cancel")
        assert second["refused"] == ("已有1名党员在该任务中的服务时长已确认，取消任务会使这些时长"
                                     "不再计入，因此不能取消。")
        assert _state(app, ids)[0] == "open"


def test_a_cancel_after_the_report_was_submitted_is_refused(tmp_path):
    with race_database("postgresql", tmp_path, "cancelsubmit") as url:
        app, ids = _world(url, reported=False)
        second = _race(url, ids, "_submit", "_cancel")
        assert second["refused"] == "该任务已提交完成情况，不能取消。"
        assert _state(app, ids) == ("open", "楼道清理", ids["leader"], "submitted")
