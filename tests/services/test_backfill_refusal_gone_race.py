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
refused instead, nothing written, the request still pending — and, no naming page
having been shown, the form's answer is the naming page as if asked the first time: the
plain question, every typed field carried, never 「…有了变化…」 (refusalgone46).

The post goes through the view itself (``manage.backfill.backfill``), in the racer's own
request and unit of work (one connection: the one seen waiting). Each order is forced,
not hoped for (``tests.races.race_in_order``): the 缺席 first, held open; the 补录's
pre-check reads her place (the 缺席 not committed), then its service waits for her row,
which the 缺席 locked (``reviews._mark_absences``).
"""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from tests.races import race_database
from tests.reports.test_signed_named import named
from tests.scratch_db import PG_URL
from tests.services.refusal_gone_support import (ASKED_PLAINLY, answered, forced, gone_world,
                                                 post, read)
from tests.services.refusal_gone_support import mark_absent as _mark_absent  # noqa: F401
from tests.services.test_named_since_race import _last_month
from tests.web.test_named_first import _confirmation

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
    from tracker.models import Assignment, AssignmentStatus, BackfillRequest, RequestStatus
    from tracker.timeutil import local_to_utc, utcnow

    last = _last_month()
    day = date(last.year, last.month, 20)
    with gone_world(url) as (app, unit, item, liaison, ids):
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
        db.session.flush()
        ids.update(item=item.id, other=other.id, member=member.id, request=request.id,
                   day=day.isoformat(), served=30)
    return app, ids


def _typed(ids) -> dict:
    """The 补录 form as 管理员甲 fills it: 楼道清理 of that day, 9:00-11:00, 王五 alone."""
    member, day = str(ids["member"]), ids["day"]
    return {"resource_item": str(ids["item"]), "title": TITLE, "place": "解放路12号",
            "beneficiary": "", "starts_at": f"{day}T09:00", "ends_at": f"{day}T11:00",
            "participants": member, "leader": member, "quantity": "", "people_served": "",
            "note": "清理楼道杂物。"}


def _record(ids):
    """A plain 补录: the pre-check (read only) refuses 王五 — her place at 政策宣讲 —, so
    no page; the service then waits for her row."""
    post(ids, "manage.backfill", _typed(ids))


def _adopt(ids):
    """The same 补录 adopting her 补录申请 (the form opened from the queue)."""
    post(ids, "manage.backfill", {**_typed(ids), "from_request": str(ids["request"])})


def _state(app, ids) -> tuple:
    """(how many activities titled ``TITLE`` there are, her request's status)."""
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.models import BackfillRequest, Task

    return read(app, lambda: (
        db.session.scalar(select(func.count(Task.id)).where(Task.title == TITLE)),
        db.session.get(BackfillRequest, ids["request"]).status.name))


@pytest.mark.parametrize("change", ["_record", "_adopt"])
def test_a_refusal_gone_before_the_locks_is_asked_not_recorded(tmp_path, change):
    """The 缺席 first, held open: the 补录 (its page declined for her place elsewhere)
    waits for her row, then finds no refusal — and the signed month its post never
    named: nothing recorded, the request still pending, and the naming page asked as the
    first time, the typed fields carried."""
    with race_database("postgresql", tmp_path, "backfillgone" + change) as url:
        app, ids = _world(url)
        got = forced(MODULE, url, ids, "_mark_absent", change, tmp_path)
        assert got["refused"] == ASKED_PLAINLY
        assert _state(app, ids) == (0, "pending")
        page = answered(ids)
        assert "有了变化" not in page
        (words,) = named(page)
        last = _last_month()
        assert "补录该活动会改变以下已定稿月报" in words
        assert f"县商务局{last.year}年{last.month}月" in words  # the signed month, named
        _action, fields = _confirmation(page)
        typed = _typed(ids) if change == "_record" else {
            **_typed(ids), "from_request": str(ids["request"])}
        assert {k: fields.get(k) for k in typed} == typed  # every typed field carried
