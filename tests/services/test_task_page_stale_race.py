"""The liaison and an admin acting at once on one task's 改正服务时长, 组长 and 服务对象,
each from a page read before either saved — in separate processes on PostgreSQL
(review "forms", session 29). SQLite's writers take turns anyway, so these run only
with TEST_DATABASE_URL.

The rules (tests/web/test_hours_stale_page.py, test_leader_stale_page.py,
test_task_residents_stale_page.py): two corrections of one participant's hours, or
two choices of the 组长, get one save and one refusal that writes nothing; two pages
naming the visit's residents each add their own. Each service takes the activity's
lock (``lock_activity``) before it reads what it merges, so the second waits and reads
what the first committed. Each order is forced (``tests.races.race_in_order``).
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__


def _world(url):
    """An ended 走访慰问 visit with two members on it (张三 confirmed 2 hours), led by
    王组长; the community's liaison, an admin, two residents. ``shown``: what both
    pages showed."""
    from datetime import timedelta

    from tests import factories as f
    from tests.residents.support import resident
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, Role
    from tracker.services.claims import minutes_shown_key
    from tracker.services.residents import task_residents_shown_key
    from tracker.services.tasks import leader_shown_key

    with race_world(url) as (app, unit, item, creator):
        community = item.community
        liaison = f.member(unit, Role.liaison, name="林联络", communities=[community])
        admin = f.member(unit, Role.admin, name="管理员")
        zhang, leader, li = (f.member(unit, name=n) for n in ("张三", "王组长", "李四"))
        visit = f.item(unit, community, "elderly_visit")
        task = f.task(visit, creator, starts_in=-timedelta(days=2), leader=leader)
        done = Assignment(task_id=task.id, member_id=zhang.id, status=AssignmentStatus.done,
                          minutes=120)
        db.session.add_all([done, Assignment(task_id=task.id, member_id=leader.id,
                                             status=AssignmentStatus.claimed)])
        task.taken = 2
        zhao = resident(community, liaison)
        qian = resident(community, liaison, name="钱爷爷", phone="13800000002")
        db.session.commit()
        return app, dict(task=task.id, assignment=done.id, liaison=liaison.id, admin=admin.id,
                         zhang=zhang.id, li=li.id, zhao=zhao.id, qian=qian.id,
                         shown={"hours": minutes_shown_key(done),
                                "leader": leader_shown_key(task),
                                "residents": task_residents_shown_key([])})


def _member(ids, who):
    from tracker.extensions import db
    from tracker.models import Member

    return db.session.get(Member, ids[who])


def _hours(ids, who, minutes):
    from tracker.extensions import db
    from tracker.models import Assignment
    from tracker.services.claims import correct_minutes

    correct_minutes(db.session.get(Assignment, ids["assignment"]), _member(ids, who), minutes,
                    "按签到记录改正", shown=ids["shown"]["hours"])


def _leader(ids, who, leader):
    from tracker.extensions import db
    from tracker.models import Task
    from tracker.services.tasks import change_leader

    change_leader(db.session.get(Task, ids["task"]), _member(ids, leader), _member(ids, who),
                  shown=ids["shown"]["leader"])


def _residents(ids, who, resident):
    from tracker.extensions import db
    from tracker.models import Task
    from tracker.services.residents import set_task_residents

    set_task_residents(db.session.get(Task, ids["task"]), _member(ids, who), {ids[resident]},
                       shown=ids["shown"]["residents"])


def liaison_hours(ids):
    _hours(ids, "liaison", 90)


def admin_hours(ids):
    _hours(ids, "admin", 60)


def liaison_leader(ids):
    _leader(ids, "liaison", "zhang")


def admin_leader(ids):
    _leader(ids, "admin", "li")


def liaison_residents(ids):
    _residents(ids, "liaison", "zhao")


def admin_residents(ids):
    _residents(ids, "admin", "qian")


def _state(app, ids) -> dict:
    from tracker.extensions import db
    from tracker.models import Assignment, Task, task_resident

    with app.app_context():
        state = {"minutes": db.session.get(Assignment, ids["assignment"]).minutes,
                 "leader": db.session.get(Task, ids["task"]).leader_id,
                 "residents": set(db.session.scalars(select(task_resident.c.resident_id).where(
                     task_resident.c.task_id == ids["task"])))}
        db.session.remove()
        db.engine.dispose()
        return state


@pytest.mark.parametrize("kind, refusal", [
    pytest.param("hours", "该党员的服务时长已被他人修改，请核对后重新保存。", id="hours"),
    pytest.param("leader", "您打开此页之后，组长已被他人改为张三，请核对后重新保存。",
                 id="leader")])
def test_two_changes_of_one_value_save_once(tmp_path, kind, refusal):
    with race_database("postgresql", tmp_path, "taskpage" + kind) as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, f"liaison_{kind}", f"admin_{kind}")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got[f"liaison_{kind}"]["ok"] is True and got[f"admin_{kind}"]["waited"] is True
        assert got[f"admin_{kind}"]["refused"] == refusal
        # the liaison's change stands: 1.5 hours, or 张三 as 组长
        first = {"hours": ("minutes", 90), "leader": ("leader", ids["zhang"])}[kind]
        assert _state(app, ids)[first[0]] == first[1]


def test_two_pages_naming_residents_each_add_their_own(tmp_path):
    with race_database("postgresql", tmp_path, "taskpageresidents") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "liaison_residents", "admin_residents")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["liaison_residents"]["ok"] is True and got["admin_residents"]["waited"] is True
        assert got["admin_residents"]["ok"] is True, got["admin_residents"]["refused"]
        assert _state(app, ids)["residents"] == {ids["zhao"], ids["qian"]}
