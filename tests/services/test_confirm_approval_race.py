"""A member's 确认参与 posted from a page read before the liaison's 通过, in separate
processes (two gunicorn workers), on a real SQLite file and on PostgreSQL when
TEST_DATABASE_URL is set (walkfix47's race bullet).

周建国's unit (县财政局) does not work in 解放路社区 (docs/design.md, 补录:
``backfill.nameable``); he claimed 楼道清理 there (claims are open to any unit) and had
not confirmed when it was approved. Approval is final, so his confirmation is refused —
and its words must name the repair left to him, as his task page and the confirm page
do (walk47 #1): his unit does not work there, 添加遗漏的参加人员 would refuse him, and
only an admin's 撤销审核 lets him confirm. ``claims`` cannot ask 补录's rule itself
(``backfill`` builds on it): the view passes it (``confirm_participation(nameable=)``).
Before, the service's words sent him to 添加遗漏的参加人员.

The order is forced (``tests.races.race_in_order``): 通过 holds its transaction open
until the confirmation waits for the activity's lock."""
from __future__ import annotations

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import BACKENDS

pytestmark = pytest.mark.slow

MODULE = "tests.services.test_confirm_approval_race"
REFUSED = ("该任务审核通过时，您尚未确认服务时长，本次参与没有计入统计。"
           "您在该活动当日所在的单位不在该社区开展共建，不能再在本活动中补上。"
           "如您参加了，请联系本社区联络员：须由单位管理员撤销审核后，您再确认参与。")


def _approve(ids):
    """The liaison's 通过 of 楼道清理's report."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Member, TaskReport
    from tracker.services.reviews import approve_report

    report = db.session.scalar(select(TaskReport).where(TaskReport.task_id == ids["task"]))
    approve_report(report, db.session.get(Member, ids["liaison"]))


def _confirm(ids):
    """What the 确认参与 view does: read his participation and its task (on PostgreSQL,
    while 通过 is not committed: not approved), then call the service with 补录's rule
    to ask (``tasks.routes.confirm``'s ``nameable``)."""
    from tracker.extensions import db
    from tracker.models import Assignment, Member
    from tracker.services.backfill_requests import works_in
    from tracker.services.claims import confirm_participation

    assignment = db.session.get(Assignment, ids["assignment"])
    task = assignment.task
    member = db.session.get(Member, ids["member"])
    confirm_participation(assignment, member, 60, nameable=lambda: works_in(
        member, task.community_id, task.service_date))


def _activity(url):
    """楼道清理, ended yesterday, its report sent by 王组长 (his hours confirmed);
    周建国 of 县财政局 on it, claimed, not confirmed."""
    from datetime import timedelta

    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, Role

    with race_world(url) as (app, unit, item, _liaison):
        liaison = f.member(unit, Role.liaison, name="林联络", communities=[item.community])
        leader = f.member(unit, name="王组长")
        outsider = f.member(f.unit("县财政局"), name="周建国")
        task = f.task(item, liaison, starts_in=-timedelta(days=1), title="楼道清理",
                      leader=leader)
        db.session.add(Assignment(task_id=task.id, member_id=leader.id,
                                  status=AssignmentStatus.done, minutes=120))
        his = Assignment(task_id=task.id, member_id=outsider.id,
                         status=AssignmentStatus.claimed)
        db.session.add(his)
        task.taken = 2
        db.session.commit()
        f.reported(task, leader, approved=False)
        return app, dict(task=task.id, liaison=liaison.id, member=outsider.id,
                         assignment=his.id)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_confirmation_after_approval_names_the_repair_left_to_him(backend, tmp_path):
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus

    with race_database(backend, tmp_path, "confirmapproval") as url:
        app, ids = _activity(url)
        got = race_in_order(MODULE, url, ids, "_approve", "_confirm")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_approve"]["ok"] is True
        assert got["_confirm"]["ok"] is False
        assert got["_confirm"]["refused"] == REFUSED
        with app.app_context():
            mine = db.session.get(Assignment, ids["assignment"])
            assert (mine.status, mine.minutes) == (AssignmentStatus.claimed, None)
            db.session.remove()
            db.engine.dispose()
