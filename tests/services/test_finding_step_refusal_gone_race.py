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
unnamed (review44 "### Open", main44). It is refused instead, 「…有了变化，未作任何更改…」,
nothing written, and the view names the month afresh (findingnamed45).

And the other order: a 移交 held open, the survey's date moved after it waits for the
survey's activity and is refused in its own words — a finding is never handed over
before it was found (the survey's edit reads the 移交 dates under the activity's lock).

Each order is forced, not hoped for (``tests.races.race_in_order``): the first holds its
transaction open until the second is seen waiting for one of its locks.
"""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from tests.races import race_in_order, race_world
from tests.scratch_db import PG_URL, fresh_database
from tests.services.test_forgotten_refusal_gone_race import _posted
from tests.services.test_named_since_race import SINCE, _admin, _last_month, _task

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
    from tracker.models import SURVEY_CODE, Finding, FindingKind, FindingStatus, Role, SummaryScope
    from tracker.reports import final
    from tracker.timeutil import local_to_utc

    last = _last_month()
    with race_world(url) as (app, unit, item, _liaison):
        liaison = f.member(unit, Role.liaison, name="林联络", communities=[item.community])
        admin = f.member(unit, Role.admin, name="管理员甲")
        signer = f.member(unit, Role.admin, name="管理员乙")
        survey = f.item(unit, item.community, SURVEY_CODE, year=last.year)
        task = f.task(survey, liaison, title="设施摸排",
                      starts_at=local_to_utc(datetime.combine(_day(found), time(9))))
        finding = Finding(task_id=task.id, unit_id=unit.id, community_id=task.community_id,
                          found_on=task.service_date, kind=FindingKind.sewer,
                          place="3号楼下水道", status=FindingStatus.found,
                          created_by_id=liaison.id, active=True)
        db.session.add(finding)
        db.session.commit()
        final.finalize(signer, SummaryScope(unit.id), last.year, last.month)
        db.session.commit()
        return app, dict(task=task.id, finding=finding.id, admin=admin.id,
                         liaison=liaison.id)


def _move_survey_to_the_5th(ids):
    """林联络 corrects the survey's date: last month's 5th (its finding's 发现日期 moves)."""
    from tracker.services.tasks import TaskDetails, update_task

    task = _task(ids)
    update_task(task, _admin(ids, "liaison"), TaskDetails(
        title=task.title, place=task.place, slots=task.slots, beneficiary=task.beneficiary,
        starts_local=datetime.combine(_day(5), time(9)),
        ends_local=datetime.combine(_day(5), time(11))))


def _hand_over_on_the_10th(ids):
    """管理员甲 posts 登记移交 dated last month's 10th, as ``progress.routes.
    _finding_action`` does: the pre-check (read only) refuses a 移交 before the 20th,
    the finding's 发现日期 — so no page was shown."""
    from tracker.extensions import db
    from tracker.models import Finding
    from tracker.services.findings import hand_over, hand_over_problems
    from tracker.services.named_first import day_signed

    finding, admin, on = db.session.get(Finding, ids["finding"]), _admin(ids), _day(10)
    first = _posted(lambda lock: day_signed(admin, finding.unit_id, finding.community_id, on,
                                            lock=lock),
                    lambda: hand_over_problems(finding, admin, HANDED_TO, on, lock=False))
    hand_over(finding, admin, HANDED_TO, on, named=first.compare)


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

    with app.app_context():
        finding = db.session.get(Finding, ids["finding"])
        state = finding.status.name, finding.found_on, finding.handed_over_on
        db.session.remove()
        db.engine.dispose()
    return state


def test_a_hand_over_refusal_gone_before_the_locks_is_named_not_written(tmp_path):
    """The survey moved to the 5th first, held open: the 移交 of the 10th (its page
    declined: before the 发现日期, the 20th) waits for the survey's activity, then finds
    no refusal — and the signed month its post never named: refused, nothing written."""
    with fresh_database("postgresql", tmp_path, "findinggone") as url:
        app, ids = _world(url, found=20)
        got = race_in_order(MODULE, url, ids, "_move_survey_to_the_5th",
                            "_hand_over_on_the_10th")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_move_survey_to_the_5th"]["ok"] is True
        assert got["_hand_over_on_the_10th"]["waited"] is True
        assert got["_hand_over_on_the_10th"]["refused"] == SINCE
        assert _finding(app, ids) == ("found", _day(5), None)


def test_a_survey_moved_past_a_hand_over_in_flight_is_refused(tmp_path):
    """The 移交 of the 10th first (the finding found on the 5th), held open: the survey's
    move to the 20th waits for its activity, then reads the 移交 and is refused in its
    own words — never a finding handed over before it was found."""
    with fresh_database("postgresql", tmp_path, "findingmove") as url:
        app, ids = _world(url, found=5)
        got = race_in_order(MODULE, url, ids, "_hand_over_on_the_10th_named",
                            "_move_survey_to_the_20th")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_hand_over_on_the_10th_named"]["ok"] is True
        assert got["_move_survey_to_the_20th"]["waited"] is True
        assert got["_move_survey_to_the_20th"]["refused"] == (
            f"该任务登记的问题已于{_day(10).isoformat()}移交，活动日期不能晚于移交日期。")
        assert _finding(app, ids) == ("handed_over", _day(5), _day(10))
