"""An admin's 移交 of a finding, dated in a 已定稿 month, while the survey's date is
moved — in separate processes (two gunicorn workers, two connections) on PostgreSQL.
SQLite's writers take turns anyway, so these run only with TEST_DATABASE_URL.

The rules (docs/design.md, "Refused in a 已定稿 month"): an admin's change of a signed
month is done only on a page that named it; what the service would refuse is said at
once, in its own words, never asked (review44 #2). A 移交 dated before the finding's
发现日期 (the survey's day) is refused; the finding's page read that refusal, so it showed
no naming page: nothing was named to the admin. When the survey's date is moved before
the 移交's in between (an edit of the survey moves its findings' 发现日期), the refusal
is gone by the time the 移交 holds its locks; written, it would change the signed month
unnamed (review44 "### Open", main44). It is refused instead, nothing written
(findingnamed45) — and, no naming page having been shown, the view's answer is the
naming page as if asked the first time: the plain question, the typed fields carried,
never 「…有了变化…」 (refusalgone46). The 移交 posts through the view itself
(``progress.routes.hand_over``).

And the other order: a 移交 held open, the survey's date moved after it waits for the
survey's activity and is refused in its own words — a finding is never handed over
before it was found (the survey's edit reads the 移交 dates under the activity's lock).

Each order is forced, not hoped for (``tests.races.race_in_order``): the first holds its
transaction open until the second is seen waiting for one of its locks.
"""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from tests.races import race_database
from tests.reports.test_signed_named import named
from tests.scratch_db import PG_URL
from tests.services.refusal_gone_support import (ASKED_PLAINLY, answered, forced, gone_world,
                                                 post, read)
from tests.services.test_named_since_race import _admin, _last_month, _task
from tests.web.test_named_first import _confirmation

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
HANDED_TO = "县住建局"


def _day(n: int) -> date:
    last = _last_month()
    return date(last.year, last.month, n)


def _world(url, found: int):
    """A 设施摸排 survey of last month's ``found``th, 9:00-11:00, not yet reported, one
    finding of it (已发现, found that day); last month's unit 月报 signed."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import SURVEY_CODE, Finding, FindingKind, FindingStatus
    from tracker.timeutil import local_to_utc

    with gone_world(url) as (app, unit, item, liaison, ids):
        survey = f.item(unit, item.community, SURVEY_CODE, year=_last_month().year)
        task = f.task(survey, liaison, title="设施摸排",
                      starts_at=local_to_utc(datetime.combine(_day(found), time(9))))
        finding = Finding(task_id=task.id, unit_id=unit.id, community_id=task.community_id,
                          found_on=task.service_date, kind=FindingKind.sewer,
                          place="3号楼下水道", status=FindingStatus.found,
                          created_by_id=liaison.id, active=True)
        db.session.add(finding)
        db.session.flush()
        ids.update(task=task.id, finding=finding.id)
    return app, ids


def _move_survey_to_the_5th(ids):
    """林联络 corrects the survey's date: last month's 5th (its finding's 发现日期 moves)."""
    from tracker.services.tasks import TaskDetails, update_task

    task = _task(ids)
    update_task(task, _admin(ids, "liaison"), TaskDetails(
        title=task.title, place=task.place, slots=task.slots, beneficiary=task.beneficiary,
        starts_local=datetime.combine(_day(5), time(9)),
        ends_local=datetime.combine(_day(5), time(11))))


def _typed() -> dict:
    """登记移交 as 管理员甲 fills it: to 县住建局, last month's 10th."""
    return {"handed_to": HANDED_TO, "handed_over_on": _day(10).isoformat()}


def _hand_over_on_the_10th(ids):
    """管理员甲 posts 登记移交 dated last month's 10th through the finding's page: the
    view's pre-check (read only) refuses a 移交 before the 20th, the finding's 发现日期 —
    so no page was shown."""
    post(ids, "progress.hand_over", _typed(), finding_id=ids["finding"])


def _hand_over_on_the_10th_named(ids):
    """管理员甲 confirms 登记移交 dated last month's 10th on the page naming the month
    (the finding found on the 5th): nothing refuses it."""
    from tracker.extensions import db
    from tracker.models import Finding
    from tracker.services.findings import hand_over

    hand_over(db.session.get(Finding, ids["finding"]), _admin(ids), HANDED_TO, _day(10))


def _move_survey_to_the_20th(ids):
    """林联络 moves the survey to last month's 20th, after the finding's 移交."""
    from tracker.services.tasks import TaskDetails, update_task

    task = _task(ids)
    update_task(task, _admin(ids, "liaison"), TaskDetails(
        title=task.title, place=task.place, slots=task.slots, beneficiary=task.beneficiary,
        starts_local=datetime.combine(_day(20), time(9)),
        ends_local=datetime.combine(_day(20), time(11))))


def _finding(app, ids) -> tuple:
    """(the finding's status, 发现日期, 移交日期)."""
    from tracker.extensions import db
    from tracker.models import Finding

    def state():
        finding = db.session.get(Finding, ids["finding"])
        return finding.status.name, finding.found_on, finding.handed_over_on

    return read(app, state)


def test_a_hand_over_refusal_gone_before_the_locks_is_asked_not_written(tmp_path):
    """The survey moved to the 5th first, held open: the 移交 of the 10th (its page
    declined: before the 发现日期, the 20th) waits for the survey's activity, then finds
    no refusal — and the signed month its post never named: nothing written, and the
    naming page asked as the first time, the typed fields carried."""
    with race_database("postgresql", tmp_path, "findinggone") as url:
        app, ids = _world(url, found=20)
        got = forced(MODULE, url, ids, "_move_survey_to_the_5th", "_hand_over_on_the_10th",
                     tmp_path)
        assert got["refused"] == ASKED_PLAINLY
        assert _finding(app, ids) == ("found", _day(5), None)
        page = answered(ids)
        assert "有了变化" not in page
        (words,) = named(page)
        assert "登记移交会改变以下已定稿月报" in words
        assert f"县商务局{_day(1).year}年{_day(1).month}月" in words
        _action, fields = _confirmation(page)
        assert {k: fields.get(k) for k in _typed()} == _typed()  # every typed field carried


def test_a_survey_moved_past_a_hand_over_in_flight_is_refused(tmp_path):
    """The 移交 of the 10th first (the finding found on the 5th), held open: the survey's
    move to the 20th waits for its activity, then reads the 移交 and is refused in its
    own words — never a finding handed over before it was found."""
    with race_database("postgresql", tmp_path, "findingmove") as url:
        app, ids = _world(url, found=5)
        got = forced(MODULE, url, ids, "_hand_over_on_the_10th_named",
                     "_move_survey_to_the_20th", tmp_path)
        assert got["refused"] == (
            f"该任务登记的问题已于{_day(10).isoformat()}移交，活动日期不能晚于移交日期。")
        assert _finding(app, ids) == ("handed_over", _day(5), _day(10))
