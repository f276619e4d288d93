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
in the signed month unnamed (adopt44 Open). It is refused instead, 「…有了变化，未作任何
更改…」, nothing added, and the view names the month afresh.

Each order is forced, not hoped for (``tests.races.race_in_order``): the 缺席 first,
held open; the addition's pre-check reads her place (the 缺席 not committed), then its
service waits for her row, which the 缺席 locked (``reviews._mark_absences``).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from tests.races import race_in_order, race_world
from tests.scratch_db import PG_URL, fresh_database
from tests.services.test_named_since_race import SINCE, _admin, _last_month, _task

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__


def _world(url):
    """An activity 楼道清理 of last month's 20th, 9:00-11:00, approved, and last month's
    unit 月报 signed; 王五 not on it, but done (2 hours, its report not yet submitted) on
    楼道粉刷 of 10:30 the same day — and a pending 补录申请 of hers naming 楼道清理."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import (Assignment, AssignmentStatus, BackfillRequest, Role,
                                RequestStatus, SummaryScope)
    from tracker.reports import final
    from tracker.services.reviews import ReportData, approve_report, submit_report
    from tracker.timeutil import local_to_utc, utcnow

    last = _last_month()
    day = date(last.year, last.month, 20)
    with race_world(url) as (app, unit, item, _liaison):
        liaison = f.member(unit, Role.liaison, name="林联络", communities=[item.community])
        admin = f.member(unit, Role.admin, name="管理员甲")
        signer = f.member(unit, Role.admin, name="管理员乙")
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
        db.session.commit()
        final.finalize(signer, SummaryScope(unit.id), last.year, last.month)
        db.session.commit()
        return app, dict(task=task.id, other=other.id, admin=admin.id, signer=signer.id,
                         liaison=liaison.id, member=member.id, request=request.id)


def _mark_absent(ids):
    """林联络 submits 楼道粉刷's report with 王五 marked 缺席: her place there is gone."""
    from tracker.extensions import db
    from tracker.models import Task
    from tracker.services.reviews import ReportData, submit_report

    submit_report(db.session.get(Task, ids["other"]), _admin(ids, "liaison"),
                  ReportData(quantity=None, people_served=None, note="王五缺席",
                             absent_ids={ids["member"]}))


def _posted(naming, refused):
    """The view's ``NamedFirst`` of a post straight from the form (no 确认), its page
    declined where the service would refuse (``refused``: the view's read-only
    pre-check): asserts no page was shown, as the admin saw none."""
    from tracker.named_page import NamedFirst

    assert refused()  # what the view read: her place elsewhere
    first = NamedFirst(naming, lambda named, since: None if refused() else "page")
    assert first.answer() is None
    return first


def _add(ids):
    """管理员甲 posts 添加遗漏的参加人员 choosing 王五, as ``task_page.add_participant``
    does: the pre-check (read only) refuses her — her place at 楼道粉刷 —, so no page."""
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.services.backfill import add_forgotten_participant, forgotten_problems
    from tracker.services.named_first import work_signed

    task, admin = _task(ids), _admin(ids)
    member = db.session.get(Member, ids["member"])
    first = _posted(lambda lock: work_signed(admin, task.unit_id, task.community_id,
                                             task.service_date, [member.id], lock=lock),
                    lambda: forgotten_problems(admin, task, member, None, lock=False))
    add_forgotten_participant(admin, task, member, None, named=first.compare)


def _adopt(ids):
    """管理员甲 presses 采纳 on the queue, as ``backfill_requests.routes.adopt`` does:
    the pre-check (``adoption_refused``, read only) refuses it, so no page."""
    from tracker.extensions import db
    from tracker.models import BackfillRequest
    from tracker.services.backfill_requests import (adopt_into_task, adoption_refused,
                                                    adoption_signed)

    row, admin = db.session.get(BackfillRequest, ids["request"]), _admin(ids)
    first = _posted(lambda lock: adoption_signed(row, admin, lock=lock),
                    lambda: adoption_refused(row, admin))
    adopt_into_task(row, admin, named=first.compare)


def _state(app, ids) -> tuple:
    """(whether 王五 is done on 楼道清理, her request's status)."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, BackfillRequest

    with app.app_context():
        done = db.session.scalar(select(Assignment.id).where(
            Assignment.task_id == ids["task"], Assignment.member_id == ids["member"],
            Assignment.status == AssignmentStatus.done)) is not None
        status = db.session.get(BackfillRequest, ids["request"]).status.name
        db.session.remove()
        db.engine.dispose()
    return done, status


@pytest.mark.parametrize("change", ["_add", "_adopt"])
def test_a_refusal_gone_before_the_locks_is_named_not_added(tmp_path, change):
    """The 缺席 first, held open: the addition (its page declined for her place
    elsewhere) waits for her row, then finds no refusal — and the signed month its post
    never named: refused, nothing added, the request still pending."""
    with fresh_database("postgresql", tmp_path, "refusalgone" + change) as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_mark_absent", change)
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_mark_absent"]["ok"] is True and got[change]["waited"] is True
        assert got[change]["refused"] == SINCE
        assert _state(app, ids) == (False, "pending")
