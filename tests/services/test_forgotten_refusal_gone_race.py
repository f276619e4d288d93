"""An admin's 添加遗漏的参加人员 (task page) and 采纳 of a 补录申请 (queue), into an approved
activity of a 已定稿 month, posted while the member still held a place at the same hours
on another activity — and that place marked 缺席 by its liaison in between — in separate
processes (two gunicorn workers, two connections) on PostgreSQL. SQLite's writers take
turns anyway, so these run only with TEST_DATABASE_URL.

The rules (docs/design.md, "Refused in a 已定稿 month"): an admin's change of a signed
month is done only on a page that named it; what the service would refuse is said at
once, in its own words, never asked (checkfirst43, review44 #2). The view's read-only
pre-check found the refusal (her place elsewhere), so no page was shown: nothing was
named to the admin. When the refusal is gone by the time the service holds its locks
(her place there marked 缺席, committed in between), the addition would count her hours
in the signed month unnamed (adopt44 Open). It is refused instead, nothing added — and,
no naming page having been shown, the view's answer is the naming page as if asked the
first time: the plain question, never 「…有了变化…」 (refusalgone46).

采纳 posts through the queue's view itself (``backfill_requests.routes.adopt``).
添加遗漏的参加人员 through the view's ``NamedFirst``: through the task page itself, a
member with a place elsewhere at those hours is not in the form's list, refused by the
form before any naming (``_say_held_elsewhere``).

Each order is forced, not hoped for (``tests.races.race_in_order``): the 缺席 first,
held open; the addition's pre-check reads her place (the 缺席 not committed), then its
service waits for her row, which the 缺席 locked (``reviews._mark_absences``).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from tests.races import race_database
from tests.reports.test_signed_named import named
from tests.scratch_db import PG_URL
from tests.services.refusal_gone_support import (ASKED_PLAINLY, answered, forced,
                                                 from_the_form, gone_world, post, read,
                                                 run_named)
from tests.services.refusal_gone_support import mark_absent as _mark_absent  # noqa: F401
from tests.services.test_named_since_race import _admin, _last_month, _task

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__


def _world(url):
    """An activity 楼道清理 of last month's 20th, 9:00-11:00, approved, and last month's
    unit 月报 signed; 王五 not on it, but done (2 hours, its report not yet submitted) on
    楼道粉刷 of 10:30 the same day — and a pending 补录申请 of hers naming 楼道清理."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, BackfillRequest, RequestStatus
    from tracker.services.reviews import ReportData, approve_report, submit_report
    from tracker.timeutil import local_to_utc, utcnow

    last = _last_month()
    day = date(last.year, last.month, 20)
    with gone_world(url) as (app, unit, item, liaison, ids):
        leader = f.member(unit, name="张三")
        member = f.member(unit, name="王五")
        start = local_to_utc(datetime.combine(day, time(9)))
        task = f.task(item, liaison, title="楼道清理", leader=leader, starts_at=start)
        other = f.task(item, liaison, title="楼道粉刷", leader=leader,
                       starts_at=start + timedelta(minutes=90))
        db.session.add_all([
            Assignment(task_id=task.id, member_id=leader.id, status=AssignmentStatus.done,
                       minutes=120),
            Assignment(task_id=other.id, member_id=member.id, status=AssignmentStatus.done,
                       minutes=120)])
        task.taken = other.taken = 1
        request = BackfillRequest(member_id=member.id, community_id=item.community_id,
                                  task_id=task.id, service_date=day, minutes=90,
                                  note="忘记认领了", status=RequestStatus.pending,
                                  created_at=utcnow())
        db.session.add(request)
        db.session.flush()
        report = submit_report(task, liaison, ReportData(quantity=None, people_served=None,
                                                         note="完成"))
        approve_report(report, liaison)
        ids.update(task=task.id, other=other.id, member=member.id, request=request.id)
    return app, ids


def _add(ids):
    """管理员甲 posts 添加遗漏的参加人员 choosing 王五, as ``task_page.add_participant``
    does: the pre-check (read only) refuses her — her place at 楼道粉刷 —, so no page."""
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.services.backfill import add_forgotten_participant, forgotten_problems
    from tracker.services.named_first import work_signed

    task, admin = _task(ids), _admin(ids)
    member = db.session.get(Member, ids["member"])
    first = from_the_form(lambda lock: work_signed(admin, task.unit_id, task.community_id,
                                                   task.service_date, [member.id], lock=lock),
                          lambda: forgotten_problems(admin, task, member, None, lock=False))
    run_named(first, add_forgotten_participant, admin, task, member, None)


def _adopt(ids):
    """管理员甲 presses 采纳 on the queue: the view's pre-check (``adoption_refused``,
    read only) refuses it, so no page."""
    post(ids, "backfill_requests.adopt", {}, request_id=ids["request"])


def _state(app, ids) -> tuple:
    """(whether 王五 is done on 楼道清理, her request's status)."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, BackfillRequest

    return read(app, lambda: (
        db.session.scalar(select(Assignment.id).where(
            Assignment.task_id == ids["task"], Assignment.member_id == ids["member"],
            Assignment.status == AssignmentStatus.done)) is not None,
        db.session.get(BackfillRequest, ids["request"]).status.name))


@pytest.mark.parametrize("change", ["_add", "_adopt"])
def test_a_refusal_gone_before_the_locks_is_asked_not_added(tmp_path, change):
    """The 缺席 first, held open: the addition (its page declined for her place
    elsewhere) waits for her row, then finds no refusal — and the signed month its post
    never named: nothing added, the request still pending, the naming page asked as the
    first time."""
    with race_database("postgresql", tmp_path, "refusalgone" + change) as url:
        app, ids = _world(url)
        got = forced(MODULE, url, ids, "_mark_absent", change, tmp_path)
        assert got["refused"] == ASKED_PLAINLY
        assert _state(app, ids) == (False, "pending")
        if change == "_adopt":  # the queue's naming page itself
            page = answered(ids)
            assert "有了变化" not in page
            (words,) = named(page)
            last = _last_month()
            assert "采纳该补录申请会改变以下已定稿月报" in words
            assert f"县商务局{last.year}年{last.month}月" in words
