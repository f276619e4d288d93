"""定稿 at the moment someone writes into the month, in separate processes (two
gunicorn workers, two connections) on PostgreSQL. SQLite's writers take turns anyway
(every POST begins ``BEGIN IMMEDIATE``), so these run only with TEST_DATABASE_URL.

The rule: a 已定稿 month is changed by an admin only, and the signed document is what
the month held when it was signed. So a liaison's write into the month (通过, a fund
entry, the month's 存在问题/下步打算) either commits before 定稿 reads the month — and
the signed document holds it — or is refused with the closed-month message; never
accepted after the signature, never missing from a document signed after it. Two 定稿
of one month sign it once: the second is told 「该月报已定稿。」 (no 500, no second
"current" signed copy); two saves of the words both land, the second on the first's.

Each order is forced, not hoped for: the first process acts, keeps its transaction open
until PostgreSQL shows the second waiting for its lock, then commits
(``tests.races.race_in_order``, which reports a second that did not wait as an error).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
APPROVE_REFUSED = "%d年%d月的月报已定稿，审核通过该月的完成情况须由单位管理员操作（或由单位管理员先重新打开该月的月报）。"
FUND_REFUSED = "%d年%d月的月报已定稿，登记或冲销该月的经费须由单位管理员操作（或由单位管理员先重新打开该月的月报）。"
# an earlier month's entry: the later signed month is what would have to be re-opened
FUND_EARLIER_REFUSED = ("%d年%d月的月报已定稿，其年度累计含%d年%d月的经费，"
                        "登记或冲销%d年%d月的经费须由单位管理员操作（或由单位管理员先重新打开%d年%d月的月报）。")
NOTES_REFUSED = "该月报已定稿，不能再修改；如需修改，请管理员重新打开。"


def _last_month() -> tuple[int, int]:
    from tracker.timeutil import local_today

    first = local_today().replace(day=1) - timedelta(days=1)
    return first.year, first.month


def _world(url):
    """Last month, one activity of the unit in the liaison's community: two members'
    hours confirmed, its report 待审核; an admin and the community's liaison."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, Role
    from tracker.services.reviews import ReportData, submit_report
    from tracker.timeutil import local_to_utc

    year, month = _last_month()
    with race_world(url) as (app, unit, item, _liaison):
        liaison = f.member(unit, Role.liaison, name="林联络", communities=[item.community])
        admin = f.member(unit, Role.admin, name="管理员")
        leader, member = f.member(unit, name="王组长"), f.member(unit, name="张三")
        task = f.task(item, liaison, title="楼道清理", leader=leader,
                      starts_at=local_to_utc(datetime.combine(date(year, month, 20), time(9))))
        for who in (leader, member):
            db.session.add(Assignment(task_id=task.id, member_id=who.id,
                                      status=AssignmentStatus.done, minutes=120))
        task.taken = 2
        db.session.flush()
        report = submit_report(task, liaison, ReportData(quantity=None, people_served=None,
                                                         note="完成"))
        db.session.commit()
        return app, dict(unit=unit.id, community=item.community_id, liaison=liaison.id,
                         admin=admin.id, report=report.id, year=year, month=month)


def _finalize(ids):
    from tracker.extensions import db
    from tracker.models import Member, SummaryScope
    from tracker.reports import final

    final.finalize(db.session.get(Member, ids["admin"]), SummaryScope(ids["unit"]),
                   ids["year"], ids["month"])


_finalize_again = _finalize


def _approve(ids):
    from tracker.extensions import db
    from tracker.models import Member, TaskReport
    from tracker.services.reviews import approve_report

    approve_report(db.session.get(TaskReport, ids["report"]),
                   db.session.get(Member, ids["liaison"]))


def _fund(ids):
    from tracker.extensions import db
    from tracker.models import Community, Member, Unit
    from tracker.services.funds import add_entry

    add_entry(db.session.get(Member, ids["liaison"]), db.session.get(Unit, ids["unit"]),
              db.session.get(Community, ids["community"]), ids["year"],
              entry_date=date(ids["year"], ids["month"], 28), amount_fen=50000,
              purpose="购买清扫工具")


def _fund_earlier(ids):
    """A fund entry dated in the month before the one signed, in the same year: the
    signed month's 年度累计 counts it (walk45 #1)."""
    from tracker.extensions import db
    from tracker.models import Community, Member, Unit
    from tracker.services.funds import add_entry

    add_entry(db.session.get(Member, ids["liaison"]), db.session.get(Unit, ids["unit"]),
              db.session.get(Community, ids["community"]), ids["year"],
              entry_date=date(ids["year"], ids["month"] - 1, 28), amount_fen=30000,
              purpose="印制宣传资料")


def _save_words(ids, problems="人手不足"):
    from tracker.extensions import db
    from tracker.models import Member, SummaryScope
    from tracker.services.summary_notes import save_notes

    save_notes(db.session.get(Member, ids["liaison"]), SummaryScope(ids["unit"]),
               ids["year"], ids["month"], problems, "继续开展")


def _save_other_words(ids):
    _save_words(ids, problems="天气炎热")


def _signed(app, ids):
    """(the month's note, its signed copies not re-opened, the parts where the live
    document differs from the signed one)."""
    from tracker.extensions import db
    from tracker.models import SummaryCopy, SummaryScope, Unit
    from tracker.reports import final
    from tracker.reports.summary import build_summary
    from tracker.services.summary_notes import find_note

    with app.test_request_context("/"):
        note = find_note(SummaryScope(ids["unit"]), ids["year"], ids["month"])
        current = list(db.session.scalars(select(SummaryCopy).where(
            SummaryCopy.note_id == note.id, SummaryCopy.reopened_at.is_(None))))
        live = build_summary(ids["year"], ids["month"], unit=db.session.get(Unit, ids["unit"]))
        differs = [final.changes(copy, live) for copy in current]
        state = (note.final, note.problems, len(current), differs)
        db.session.remove()
        db.engine.dispose()
        return state


def _report_status(app, ids):
    from tracker.extensions import db
    from tracker.models import TaskReport

    with app.app_context():
        status = db.session.get(TaskReport, ids["report"]).status.name
        db.session.remove()
        return status


@pytest.mark.parametrize(("first", "second"), [("_approve", "_finalize"),
                                               ("_finalize", "_approve")])
def test_a_liaisons_approval_racing_finalize_is_signed_or_refused(first, second, tmp_path):
    with race_database("postgresql", tmp_path, f"finapprove{first}") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, first, second)
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_finalize"]["ok"] is True
        final, _words, copies, differs = _signed(app, ids)
        # signed once, and the signed document is what the month holds
        assert (final, copies, differs) == (True, 1, [[]])
        if first == "_approve":
            assert got["_approve"]["ok"] is True
            assert _report_status(app, ids) == "approved"
        else:  # the month was signed first: a liaison may no longer change it
            assert got["_approve"]["refused"] == APPROVE_REFUSED % (ids["year"], ids["month"])
            assert _report_status(app, ids) == "submitted"


def test_a_liaisons_fund_entry_after_finalize_began_is_refused(tmp_path):
    from tracker.extensions import db
    from tracker.models import FundEntry

    with race_database("postgresql", tmp_path, "finfund") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_finalize", "_fund")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_fund"]["refused"] == FUND_REFUSED % (ids["year"], ids["month"])
        assert _signed(app, ids)[2:] == (1, [[]])
        with app.app_context():
            assert db.session.scalar(select(func.count(FundEntry.id))) == 0
            db.session.remove()


@pytest.mark.parametrize(("first", "second"), [("_fund_earlier", "_finalize"),
                                               ("_finalize", "_fund_earlier")])
def test_a_liaisons_entry_of_an_earlier_month_racing_finalize_is_signed_or_refused(
        first, second, tmp_path):
    """The entry's check share-locks the unit and the community as a write into the
    signed month does (``funds.entry_closed``): the month's 定稿 either waits for it and
    signs its 年度累计 with the entry, or came first and the entry is refused."""
    from tracker.extensions import db
    from tracker.models import FundEntry

    if _last_month()[1] == 1:
        pytest.skip("last month is January: no earlier month of its year")
    with race_database("postgresql", tmp_path, f"finearlier{first}") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, first, second)
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_finalize"]["ok"] is True
        # signed once, and the signed document is what the month holds
        assert _signed(app, ids)[2:] == (1, [[]])
        year, month = ids["year"], ids["month"]
        if first == "_finalize":
            assert got["_fund_earlier"]["refused"] == FUND_EARLIER_REFUSED % (
                year, month, year, month - 1, year, month - 1, year, month)
        with app.app_context():
            assert db.session.scalar(select(func.count(FundEntry.id))) == (
                1 if first == "_fund_earlier" else 0)
            db.session.remove()


@pytest.mark.parametrize(("first", "second"), [("_save_words", "_finalize"),
                                               ("_finalize", "_save_words")])
def test_the_months_words_racing_finalize_are_signed_or_refused(first, second, tmp_path):
    """No words saved before: neither side finds the month's note, and both would
    create it."""
    with race_database("postgresql", tmp_path, f"finwords{first}") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, first, second)
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_finalize"]["ok"] is True
        final, words, copies, differs = _signed(app, ids)
        assert (final, copies, differs) == (True, 1, [[]])
        if first == "_save_words":
            assert (got["_save_words"]["ok"], words) == (True, "人手不足")
        else:
            assert (got["_save_words"]["refused"], words) == (NOTES_REFUSED, None)


def test_two_admins_finalising_at_once_sign_the_month_once(tmp_path):
    from tracker.extensions import db
    from tracker.models import AuditEvent

    with race_database("postgresql", tmp_path, "fintwice") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_finalize", "_finalize_again")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_finalize"]["ok"] is True
        assert got["_finalize_again"]["refused"] == "该月报已定稿。"
        assert _signed(app, ids)[::2] == (True, 1)
        with app.app_context():
            assert db.session.scalar(select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "finalize_summary")) == 1
            db.session.remove()


def test_two_saves_of_the_words_at_once_both_land(tmp_path):
    """No words saved before: both would create the month's note; the second saves over
    the first (no duplicate-key error page, the typed words kept)."""
    with race_database("postgresql", tmp_path, "wordstwice") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_save_words", "_save_other_words")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_save_words"]["ok"] and got["_save_other_words"]["ok"]
        from tracker.extensions import db
        from tracker.models import SummaryNote

        with app.app_context():
            [note] = db.session.scalars(select(SummaryNote))
            assert note.problems == "天气炎热"
            db.session.remove()
