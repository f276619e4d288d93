"""An admin's 更换组长, posted from a task page read while the activity's report was
待审核, and another admin's 通过 of that report, in a month already 已定稿 — in separate
processes (two gunicorn workers, two connections) on PostgreSQL. SQLite's writers take
turns anyway, so these run only with TEST_DATABASE_URL (the view's path on SQLite:
``tests/web/test_leader_approved_since.py``).

The rule (docs/design.md, "Refused in a 已定稿 month": every change of what was signed
named first): the signed month's 台账 prints an approved activity's 组长, so an admin's
change of it is done only on a page that named the month. The page read the report
待审核 and named nothing (key ""); whether the change names something is decided under
the activity's lock (``tasks.change_leader``'s ``named``, ``NamedFirst.compare``), so a
通过 either committed before it — the change is refused, 「…有了变化，未作任何更改…」,
nothing done, and the page names the month afresh — or waits for the change, which then
changed an activity not yet in any signed figure (review44 #1: decided from the page's
read, the 通过 committed in between left the signed month's 组长 changed unnamed).

Each order is forced, not hoped for (``tests.races.race_in_order``).
"""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from tests.races import race_in_order, race_world
from tests.scratch_db import PG_URL, fresh_database
from tests.services.test_named_since_race import SINCE, _admin, _last_month, _task

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__


def _world(url):
    """An activity of last month's 20th led by 张三 (2 hours confirmed), its report
    submitted (待审核), and last month's unit 月报 signed by 管理员乙 — which counts no
    activity waiting for review."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, Role, SummaryScope
    from tracker.reports import final
    from tracker.services.reviews import ReportData, submit_report
    from tracker.timeutil import local_to_utc

    last = _last_month()
    with race_world(url) as (app, unit, item, _liaison):
        liaison = f.member(unit, Role.liaison, name="林联络", communities=[item.community])
        admin = f.member(unit, Role.admin, name="管理员甲")
        signer = f.member(unit, Role.admin, name="管理员乙")
        member = f.member(unit, name="张三")
        new = f.member(unit, name="赵敏")
        start = local_to_utc(datetime.combine(date(last.year, last.month, 20), time(9)))
        task = f.task(item, liaison, title="楼道清理", leader=member, starts_at=start)
        db.session.add(Assignment(task_id=task.id, member_id=member.id,
                                  status=AssignmentStatus.done, minutes=120))
        task.taken = 1
        db.session.flush()
        submit_report(task, liaison, ReportData(quantity=None, people_served=None,
                                                note="完成"))
        db.session.commit()
        final.finalize(signer, SummaryScope(unit.id), last.year, last.month)
        db.session.commit()
        return app, dict(task=task.id, admin=admin.id, signer=signer.id, unit=unit.id,
                         leader=member.id, new=new.id)


def _approve(ids):
    """管理员乙 presses 通过 on the report's page, which named the signed month."""
    from tracker.services.reviews import approval_signed, approve_report
    from tracker.services.roll import named_key

    task, signer = _task(ids), _admin(ids, "signer")
    approve_report(task.report, signer,
                   named=named_key(approval_signed([task], signer).get(task.id)))


def _change_leader(ids):
    """管理员甲 posts the task page's 组长 form, choosing 赵敏 — as ``task_page.leader``
    does: the report read 待审核 (the 通过 not committed), so nothing was asked and
    the post is held to naming nothing."""
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.named_page import NamedFirst
    from tracker.services.named_first import day_signed
    from tracker.services.tasks import change_leader, leader_shown_key

    task, admin = _task(ids), _admin(ids)
    assert not task.report_approved  # what the page read
    first = NamedFirst(lambda lock: day_signed(admin, task.unit_id, task.community_id,
                                               task.service_date, lock=lock), None)
    assert first.answer(asks=task.report_approved) is None
    change_leader(task, db.session.get(Member, ids["new"]), admin,
                  shown=leader_shown_key(task), refuse_stale=task.report_approved,
                  named=first.compare)


def _state(app, ids) -> tuple:
    """(the report's status, whether 赵敏 is the 组长 now)."""
    from tracker.extensions import db

    with app.app_context():
        task = _task(ids)
        state = (task.report.status.name, task.leader_id == ids["new"])
        db.session.remove()
        db.engine.dispose()
    return state


def test_an_approval_committed_before_the_lock_is_named_not_changed(tmp_path):
    """通过 first, held open: the 组长 change waits for the activity's lock, then reads
    the report approved in a signed month that its page did not name — refused, the
    组长 as it was."""
    with fresh_database("postgresql", tmp_path, "leadersince") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_approve", "_change_leader")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_approve"]["ok"] is True and got["_change_leader"]["waited"] is True
        assert got["_change_leader"]["refused"] == SINCE
        assert _state(app, ids) == ("approved", False)


def test_a_leader_change_before_the_approval_is_done(tmp_path):
    """The 组长 change first, held open: 通过 waits for it, then approves the activity
    with its new 组长 — when the change was made, no signed figure counted it."""
    with fresh_database("postgresql", tmp_path, "leaderbefore") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_change_leader", "_approve")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_change_leader"]["ok"] is True and got["_approve"]["waited"] is True
        assert got["_approve"]["ok"] is True
        assert _state(app, ids) == ("approved", True)
