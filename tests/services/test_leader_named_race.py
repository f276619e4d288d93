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
通过 either committed before it — the change is refused, nothing done, and the page names
the month: asked as the first time, the plain question with the chosen 组长 carried, not
「…有了变化…」, for no page had named anything to the admin (refusalgone46) — or waits for
the change, which then changed an activity not yet in any signed figure (review44 #1:
decided from the page's read, the 通过 committed in between left the signed month's 组长
changed unnamed). The post goes through the task page's view (``task_page.leader``).

Each order is forced, not hoped for (``tests.races.race_in_order``).
"""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from tests.races import race_database, race_world
from tests.reports.test_signed_named import named
from tests.scratch_db import PG_URL
from tests.services.refusal_gone_support import ASKED_PLAINLY, answered, forced, post, read
from tests.services.test_named_since_race import _admin, _last_month, _task
from tests.web.test_named_first import _confirmation

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


def _typed(ids) -> dict:
    """The task page's 组长 form as 管理员甲 posts it: 赵敏, from a page showing 张三."""
    from tracker.services.tasks import leader_shown_key

    return {"leader": str(ids["new"]), "shown": leader_shown_key(_task(ids))}


def _change_leader(ids):
    """管理员甲 posts the task page's 组长 form, choosing 赵敏, through ``task_page.leader``:
    the report read 待审核 (the 通过 not committed), so nothing was asked and the post is
    held to naming nothing."""
    assert not _task(ids).report_approved  # what the page read
    post(ids, "manage.leader", _typed(ids), task_id=ids["task"])


def _change_leader_held(ids):
    """The same change as the view makes it (``NamedFirst`` held to naming nothing, the
    service comparing under the activity's lock), in the racer's own unit of work — for
    the order where it is held open: the view commits its own."""
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.named_page import NamedFirst
    from tracker.services.named_first import day_signed
    from tracker.services.then_pages import THEN_LEADER
    from tracker.services.tasks import change_leader, leader_shown_key

    task, admin = _task(ids), _admin(ids)
    assert not task.report_approved  # what the page read
    first = NamedFirst(lambda lock: day_signed(admin, task.unit_id, task.community_id,
                                               task.service_date, lock=lock), None,
                       then=THEN_LEADER)  # the 更换组长 form's own words, as the view's
    assert first.answer(asks=task.report_approved) is None
    change_leader(task, db.session.get(Member, ids["new"]), admin,
                  shown=leader_shown_key(task), refuse_stale=task.report_approved,
                  named=first.compare)


def _state(app, ids) -> tuple:
    """(the report's status, whether 赵敏 is the 组长 now)."""
    def state():
        task = _task(ids)
        return task.report.status.name, task.leader_id == ids["new"]

    return read(app, state)


def test_an_approval_committed_before_the_lock_is_named_not_changed(tmp_path):
    """通过 first, held open: the 组长 change waits for the activity's lock, then reads
    the report approved in a signed month that its page did not name — refused, the
    组长 as it was."""
    with race_database("postgresql", tmp_path, "leadersince") as url:
        app, ids = _world(url)
        got = forced(MODULE, url, ids, "_approve", "_change_leader", tmp_path)
        assert got["refused"] == ASKED_PLAINLY
        assert _state(app, ids) == ("approved", False)
        page = answered(ids)
        assert "有了变化" not in page
        (words,) = named(page)
        last = _last_month()
        assert "更换组长会改变以下已定稿月报" in words
        assert f"县商务局{last.year}年{last.month}月" in words
        _action, fields = _confirmation(page)
        assert fields["leader"] == str(ids["new"])  # the choice carried


def test_a_leader_change_before_the_approval_is_done(tmp_path):
    """The 组长 change first, held open: 通过 waits for it, then approves the activity
    with its new 组长 — when the change was made, no signed figure counted it."""
    with race_database("postgresql", tmp_path, "leaderbefore") as url:
        app, ids = _world(url)
        got = forced(MODULE, url, ids, "_change_leader_held", "_approve", tmp_path)
        assert got["ok"] is True
        assert _state(app, ids) == ("approved", True)
