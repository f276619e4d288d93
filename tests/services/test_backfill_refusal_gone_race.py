"""An admin's 补录 (the 补录 form, plain or adopting a 补录申请) of an activity in a 已定稿
month, posted while a participant still held a place at the same hours on another
activity — and that place marked 缺席 by its liaison in between — in separate processes
(two gunicorn workers, two connections) on PostgreSQL. SQLite's writers take turns
anyway, so these run only with TEST_DATABASE_URL.

The rules (docs/design.md, "Refused in a 已定稿 month"): an admin's change of a signed
month is done only on a page that named it; what the service would refuse is said at
once, in its own words, never asked (checkfirst43, review44 #2). The form's read-only
pre-check (``backfill.backfill_problems``) found the refusal — her place elsewhere —, so
no naming page was shown: nothing was named to the admin. When the refusal is gone by
the time the service holds its locks (her place there marked 缺席, committed in between),
the 补录 would count her hours in the signed month unnamed (samehold44's Open). It is
refused instead, 「…有了变化，未作任何更改…」, nothing written, the request still pending,
and the form's answer is the naming page afresh.

The post goes through the view itself (``manage.backfill.backfill``), in the racer's own
request and unit of work (one connection: the one seen waiting). Each order is forced,
not hoped for (``tests.races.race_in_order``): the 缺席 first, held open; the 补录's
pre-check reads her place (the 缺席 not committed), then its service waits for her row,
which the 缺席 locked (``reviews._mark_absences``).
"""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from tests.races import race_in_order, race_world
from tests.scratch_db import PG_URL, fresh_database
from tests.services.test_named_since_race import SINCE, _admin, _last_month

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
TITLE = "补录楼道清理"


def _world(url):
    """Last month's unit 月报 signed; 王五 done (2 hours, its report not yet submitted) on
    政策宣讲 of last month's 20th, 10:30-12:30 — another category, so a 缺席 there is no
    place in a 楼道清理 —, and a pending 补录申请 of hers for that day naming no activity."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import (Assignment, AssignmentStatus, BackfillRequest, Role,
                                RequestStatus, SummaryScope)
    from tracker.reports import final
    from tracker.timeutil import local_to_utc, utcnow

    last = _last_month()
    day = date(last.year, last.month, 20)
    with race_world(url) as (app, unit, item, _liaison):
        liaison = f.member(unit, Role.liaison, name="林联络", communities=[item.community])
        admin = f.member(unit, Role.admin, name="管理员甲")
        signer = f.member(unit, Role.admin, name="管理员乙")
        member = f.member(unit, name="王五")
        briefing = f.item(unit, item.community, "policy_briefing", year=day.year)
        start = local_to_utc(datetime.combine(day, time(10, 30)))
        other = f.task(briefing, liaison, title="政策宣讲", leader=member, starts_at=start)
        db.session.add(Assignment(task_id=other.id, member_id=member.id,
                                  status=AssignmentStatus.done, minutes=120))
        other.taken = 1
        request = BackfillRequest(member_id=member.id, community_id=item.community_id,
                                  service_date=day, minutes=120, description="帮助清理楼道",
                                  note="忘记认领了", status=RequestStatus.pending,
                                  created_at=utcnow())
        db.session.add(request)
        db.session.commit()
        final.finalize(signer, SummaryScope(unit.id), last.year, last.month)
        db.session.commit()
        return app, dict(item=item.id, other=other.id, admin=admin.id, signer=signer.id,
                         liaison=liaison.id, member=member.id, request=request.id,
                         day=day.isoformat())


def _mark_absent(ids):
    """林联络 submits 政策宣讲's report with 王五 marked 缺席: her place there is gone."""
    from tracker.extensions import db
    from tracker.models import Task
    from tracker.services.reviews import ReportData, submit_report

    submit_report(db.session.get(Task, ids["other"]), _admin(ids, "liaison"),
                  ReportData(quantity=None, people_served=30, note="王五缺席",
                             absent_ids={ids["member"]}))


def _typed(ids) -> dict:
    """The 补录 form as 管理员甲 fills it: 楼道清理 of that day, 9:00-11:00, 王五 alone."""
    member, day = str(ids["member"]), ids["day"]
    return {"resource_item": str(ids["item"]), "title": TITLE, "place": "解放路12号",
            "beneficiary": "", "starts_at": f"{day}T09:00", "ends_at": f"{day}T11:00",
            "participants": member, "leader": member, "quantity": "", "people_served": "",
            "note": "清理楼道杂物。"}


def _post(ids, typed: dict) -> None:
    """管理员甲 posts the 补录 form straight (no naming page was shown to her), through
    the view, in this racer's request; its answer as the racer's outcome: a redirect
    (saved) returns, a page raises a ``ServiceError`` with what it says first — the
    naming page afresh its 「…有了变化…」, a form its errors."""
    from flask import current_app, g

    from tests.security.support import error_texts
    from tracker.manage.backfill import backfill
    from tracker.services import ServiceError

    with current_app.test_request_context("/manage/backfill", method="POST", data=typed):
        g._login_user = _admin(ids)  # signed in (Flask-Login's ``current_user``)
        answer = backfill()
    if not isinstance(answer, str):  # a redirect: saved
        return
    if SINCE in answer and 'data-figure="signed_named"' in answer:
        raise ServiceError(SINCE)
    raise ServiceError("; ".join(error_texts(answer)) or "a page with no error")


def _record(ids):
    """A plain 补录: the pre-check (read only) refuses 王五 — her place at 政策宣讲 —, so
    no page; the service then waits for her row."""
    _post(ids, _typed(ids))


def _adopt(ids):
    """The same 补录 adopting her 补录申请 (the form opened from the queue)."""
    _post(ids, {**_typed(ids), "from_request": str(ids["request"])})


def _state(app, ids) -> tuple:
    """(how many activities titled ``TITLE`` there are, her request's status)."""
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.models import BackfillRequest, Task

    with app.app_context():
        recorded = db.session.scalar(select(func.count(Task.id)).where(Task.title == TITLE))
        status = db.session.get(BackfillRequest, ids["request"]).status.name
        db.session.remove()
        db.engine.dispose()
    return recorded, status


@pytest.mark.parametrize("change", ["_record", "_adopt"])
def test_a_refusal_gone_before_the_locks_is_named_not_recorded(tmp_path, change):
    """The 缺席 first, held open: the 补录 (its page declined for her place elsewhere)
    waits for her row, then finds no refusal — and the signed month its post never
    named: the naming page afresh, nothing recorded, the request still pending."""
    with fresh_database("postgresql", tmp_path, "backfillgone" + change) as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_mark_absent", change)
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_mark_absent"]["ok"] is True and got[change]["waited"] is True
        assert got[change]["refused"] == SINCE
        assert _state(app, ids) == (0, "pending")
