"""Two admins change one member's roll at once — one corrects the date of the latest
change (更正日期), the other moves the member on to a third unit from a page read
before — in separate processes (two gunicorn workers, two connections) on PostgreSQL.
SQLite's writers take turns anyway, so these run only with TEST_DATABASE_URL.

The rule: a member's roll history stays a line of stays, each ending where the next
begins, none running backwards, one open at the end — never two rolls at once (the
月报's figures, and the page itself, depend on it). The second admin's change is
checked against the history the first left: both pages named the move of the first of
last month, so whichever change comes second is refused 「该党员的在册记录已被他人修改，
请刷新后重试。」 — never applied to a latest change its page did not show; the member
import, which has no page, is checked by its 自何日起 (「…」 refused as the form's).

Each order is forced, not hoped for (``tests.races.race_in_order``).
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__


def _month() -> date:
    """The first of last month: the member moved that day."""
    from tracker.timeutil import local_today

    return (local_today().replace(day=1) - timedelta(days=1)).replace(day=1)


def _world(url):
    """张三 moved from 县商务局 to 县财政局 on the first of last month."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Member, Role, RollPeriod
    from tracker.services import roll

    moved = _month()
    with race_world(url) as (app, unit, _item, _liaison):
        admin, admin2 = (f.member(unit, Role.admin, name=n) for n in ("管理员甲", "管理员乙"))
        member = f.member(unit, name="张三")
        second, third = f.unit("县财政局"), f.unit("县民政局")
        [stay] = db.session.scalars(select(RollPeriod).where(RollPeriod.member_id == member.id))
        stay.until = moved
        db.session.add(RollPeriod(member_id=member.id, unit_id=second.id, since=moved))
        db.session.get(Member, member.id).unit_id = second.id
        db.session.commit()
        # the latest change both admins' pages named, read before either change
        shown = roll.shown_key(roll.last_change(db.session.get(Member, member.id)))
        return app, dict(admin=admin.id, admin2=admin2.id, member=member.id,
                         units=[unit.id, second.id, third.id],
                         moved=moved.isoformat(), shown=shown)


def _correct(ids):
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.services.directory import correct_roll_date

    correct_roll_date(db.session.get(Member, ids["member"]),
                      db.session.get(Member, ids["admin"]),
                      date.fromisoformat(ids["moved"]) + timedelta(days=19), "调动文件日期",
                      shown=ids["shown"])


def _move(ids):
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.services.directory import MemberData, update_member

    member = db.session.get(Member, ids["member"])
    member.roll_periods  # noqa: B018 — read, as the member page that posted did
    update_member(member, db.session.get(Member, ids["admin2"]), MemberData(
        name=member.name, phone=member.phone, unit_id=ids["units"][2], role=member.role,
        branch=member.branch, community_ids=[],
        roll_from=date.fromisoformat(ids["moved"]) + timedelta(days=9),
        roll_shown=ids["shown"]))


def _stays(app, ids) -> list[tuple]:
    from tracker.extensions import db
    from tracker.models import RollPeriod

    with app.app_context():
        stays = [(p.unit_id, p.since, p.until) for p in db.session.scalars(
            select(RollPeriod).where(RollPeriod.member_id == ids["member"])
            .order_by(RollPeriod.since.is_not(None), RollPeriod.since))]
        db.session.remove()
        db.engine.dispose()
        return stays


def _one_line(stays) -> None:
    """Each stay ends where the next begins, none runs backwards, only the last is open."""
    for (_u, since, until), (_n, next_since, _next_until) in zip(stays, stays[1:]):
        assert until is not None and until == next_since
        assert since is None or since < until
    assert stays[-1][2] is None


STALE = "该党员的在册记录已被他人修改，请刷新后重试。"


def test_a_move_from_a_page_read_before_a_correction_that_committed_is_refused(tmp_path):
    with race_database("postgresql", tmp_path, "rollcorrectmove") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_correct", "_move")
        assert [e for o in got.values() for e in o["errors"]] == []
        corrected = date.fromisoformat(ids["moved"]) + timedelta(days=19)
        assert got["_correct"]["ok"] is True
        assert got["_move"]["refused"] == STALE
        first, second, _third = ids["units"]
        assert _stays(app, ids) == [(first, None, corrected), (second, corrected, None)]


def test_a_correction_from_a_page_read_before_a_move_that_committed_is_refused(tmp_path):
    """Serialised with the move, the correction is not applied to the move it did not
    see (its page named the move of the first of last month): one line of stays, as the
    move left it."""
    with race_database("postgresql", tmp_path, "rollmovecorrect") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_move", "_correct")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_move"]["ok"] is True
        assert got["_correct"]["refused"] == STALE
        stays = _stays(app, ids)
        _one_line(stays)
        moved = date.fromisoformat(ids["moved"])
        first, second, third = ids["units"]
        assert stays == [(first, None, moved), (second, moved, moved + timedelta(days=9)),
                         (third, moved + timedelta(days=9), None)]


def _import_move(ids):
    """The member import moves 张三 to 县民政局 from the 10th of last month — a file
    prepared before the other admin's 更正日期."""
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.services import member_import as mi

    member = db.session.get(Member, ids["member"])
    day = date.fromisoformat(ids["moved"]) + timedelta(days=9)
    row = mi.ImportRow(line=2, name=member.name, phone=member.phone, unit="县民政局",
                       roll_from=day.isoformat())
    mi.import_members(db.session.get(Member, ids["admin2"]), [row])


def test_an_import_checked_after_a_correction_that_committed_reads_it(tmp_path):
    """The import's check reads the history the correction left: its 自何日起, now
    before the member's last change, is refused as the form refuses it, and nothing of
    the file is written."""
    with race_database("postgresql", tmp_path, "rollcorrectimport") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_correct", "_import_move")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_correct"]["ok"] is True
        assert got["_import_move"]["refused"] == "有1行存在错误，未导入任何数据。请修改后重新上传。"
        corrected = date.fromisoformat(ids["moved"]) + timedelta(days=19)
        first, second, _third = ids["units"]
        assert _stays(app, ids) == [(first, None, corrected), (second, corrected, None)]
