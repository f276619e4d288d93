"""An admin's 确认导入 of a member import whose preview named no signed document, while
another admin signs (定稿) a month the import changes, in separate processes (two
gunicorn workers, two connections) on PostgreSQL. SQLite's writers take turns anyway,
so these run only with TEST_DATABASE_URL.

The rule (docs/design.md, the roll over time and "Refused in a 已定稿 month"): the
import's preview names the 已定稿 月报 and 年度总结 it may change — a new member dated
into a signed month, a 姓名 changed of a member a signed month prints —, 确认导入 posts
back their key, and the import asks again by the same rule under the members' locks:
another set refuses the whole file, nothing imported, and the preview names them
afresh. A month signed within 确认导入's own request is such a change too: the import asks
under the months' share locks, taken last, after the members' (as 通过 and the ledger
import do), so a 定稿 either committed before that answer — refused whole, nothing
written — or waits for the import to commit and signs what it imported. Asked without
those locks, a 定稿 committed inside the request was not named, and a 定稿 right after
it signed the month without the import, which then changed it unnamed (ledgerlock44
Open).

Each order is forced, not hoped for (``tests.races.race_in_order``).
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.races import race_in_order, race_world
from tests.scratch_db import PG_URL, fresh_database

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
ASKED_AGAIN = ("预览之后，这次导入涉及的已定稿月报或年度总结有了变化，未导入任何数据。"
               "请查看预览中重新列出的月报和年度总结，核对后再确认导入。")
NEW_PHONE = "13712345678"


def _last_month() -> date:
    from tracker.timeutil import local_today

    return local_today().replace(day=1) - timedelta(days=1)


def _world(url, row: str):
    """县商务局 and its member 张三, on its roll since the first of last year; a file of
    one row (``row``): "new", a new member 安新人 on the unit's roll from last month's
    15th, or "rename", 张三 renamed 张山 (last month's 未参与名单 prints him). Last month
    not signed: the admin's preview named nothing (key "")."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Role

    last = _last_month()
    with race_world(url) as (app, unit, _item, _liaison):
        admin = f.member(unit, Role.admin, name="管理员甲")
        signer = f.member(unit, Role.admin, name="管理员乙")
        member = f.member(unit, name="张三")
        for stay in member.roll_periods:
            stay.since = date(last.year - 1, 1, 1)
        if row == "new":
            raw = dict(line=2, name="安新人", phone=NEW_PHONE, unit=unit.name,
                       roll_from=date(last.year, last.month, 15).isoformat())
        else:
            raw = dict(line=2, name="张山", phone=member.phone, unit=unit.name)
        db.session.commit()
        return app, dict(admin=admin.id, signer=signer.id, unit=unit.id, unit_name=unit.name,
                         member=member.id, rows=[raw], named="")


def _admin(ids, who="admin"):
    from tracker.extensions import db
    from tracker.models import Member

    return db.session.get(Member, ids[who])


def _import(ids):
    """管理员甲 presses 确认导入 on the preview that named nothing."""
    from tracker.services.member_import import import_members, rows_from_raw

    import_members(_admin(ids), rows_from_raw(ids["rows"]), promised=ids["named"])


def _sign(ids):
    """管理员乙 signs last month's 月报 of the unit."""
    from tracker.models import SummaryScope
    from tracker.reports import final

    last = _last_month()
    final.finalize(_admin(ids, "signer"), SummaryScope(ids["unit"]), last.year, last.month)


def _state(app, ids) -> tuple:
    """(the member's 姓名 and whether 安新人 was added, whether last month's 月报 is
    signed, whether its page says 「定稿后数据有变化」 — the signed document not the live
    one)."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Member, SummaryNote
    from tracker.reports import final
    from tracker.services.summary_notes import FinalMonth

    last = _last_month()
    with app.app_context():
        name = db.session.get(Member, ids["member"]).name
        added = db.session.scalar(select(Member.id).where(Member.phone == NEW_PHONE)) is not None
        signed = db.session.scalar(select(SummaryNote.finalized_at).where(
            SummaryNote.unit_id == ids["unit"], SummaryNote.year == last.year,
            SummaryNote.month == last.month)) is not None
        month = FinalMonth(ids["unit"], ids["unit_name"], last.year, last.month)
        changed = final.told_changed([month]).changed == [month]
        db.session.remove()
        db.engine.dispose()
    return name, added, signed, changed


@pytest.mark.parametrize("row, left", [("new", ("张三", False)), ("rename", ("张三", False))])
def test_a_month_signed_just_before_the_confirmed_import_is_named_nothing_imported(
        tmp_path, row, left):
    """定稿 first, held open: the import locks its members, then waits for the month's
    lock, and reads the month signed, which its preview did not name — refused whole,
    nothing imported, the signed 月报 as signed."""
    with fresh_database("postgresql", tmp_path, f"membersince{row}") as url:
        app, ids = _world(url, row)
        got = race_in_order(MODULE, url, ids, "_sign", "_import")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_sign"]["ok"] is True and got["_import"]["waited"] is True
        assert got["_import"]["refused"] == ASKED_AGAIN
        assert _state(app, ids) == (*left, True, False)


@pytest.mark.parametrize("row, done", [("new", ("张三", True)), ("rename", ("张山", False))])
def test_a_month_signed_just_after_the_import_signs_the_imported_rows(tmp_path, row, done):
    """The import first, held open: 定稿 waits for it, then signs the month with the
    imported rows in it — what the preview named (nothing signed) was true when it was
    imported, and the signed 月报 is the live one."""
    with fresh_database("postgresql", tmp_path, f"memberbefore{row}") as url:
        app, ids = _world(url, row)
        got = race_in_order(MODULE, url, ids, "_import", "_sign")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_import"]["ok"] is True and got["_sign"]["waited"] is True
        assert got["_sign"]["ok"] is True
        assert _state(app, ids) == (*done, True, False)
