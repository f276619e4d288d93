"""An admin's 确认导入 of a ledger import (补录 from the 台账) whose preview named no
signed document, while another admin signs (定稿) the month its rows are dated in, in
separate processes (two gunicorn workers, two connections) on PostgreSQL. SQLite's
writers take turns anyway, so these run only with TEST_DATABASE_URL.

The rule (docs/design.md, "Refused in a 已定稿 month"): a month signed since the page
that posted was read is said first, whichever page it was — the ledger import's
preview too. 确认导入 posts back the key of what the preview named; the import asks
again of what it has just recorded, under the months' share locks taken last, after the
recording's own (``named_first.import_places_signed(lock=True)``), so a 定稿 either
committed before that answer — the import is refused whole, nothing written, and the
preview names the month afresh — or waits for the import to commit and signs the work it
imported. Asked without those locks, a 定稿 committed inside the import's one request
was not named, and a 定稿 right after it signed the month without the imported work,
which the import then changed unnamed (main43 Open, ledger43 Open #1).

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


def _last_month() -> date:
    from tracker.timeutil import local_today

    return local_today().replace(day=1) - timedelta(days=1)


def _world(url):
    """县商务局 working in 解放路社区, its member 张三, and a file of one row: a clean-up
    on last month's 20th, 张三 leading. The month not signed: the admin's preview named
    nothing (key "")."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Role

    last = _last_month()
    with race_world(url) as (app, unit, item, _liaison):
        if item.year != last.year:  # January: last month is in last year's checklist
            item = f.item(unit, item.community, year=last.year)
        admin = f.member(unit, Role.admin, name="管理员甲")
        signer = f.member(unit, Role.admin, name="管理员乙")
        member = f.member(unit, name="张三")
        row = dict(line=2, day=date(last.year, last.month, 20).isoformat(), starts="09:00",
                   ends="11:00", unit=unit.name, community=item.community.name,
                   category=item.category.name, title="楼道清理", place="党群服务中心",
                   name=member.name, phone=member.phone, leader="是", quantity="1",
                   people_served="20", note="清理楼道杂物。")
        db.session.commit()
        return app, dict(admin=admin.id, signer=signer.id, unit=unit.id, unit_name=unit.name,
                         rows=[row], named="")


def _admin(ids, who="admin"):
    from tracker.extensions import db
    from tracker.models import Member

    return db.session.get(Member, ids[who])


def _import(ids):
    """管理员甲 presses 确认导入 on the preview that named nothing."""
    from tracker.services.ledger_import import import_ledger, rows_from_raw

    import_ledger(_admin(ids), rows_from_raw(ids["rows"]), filename="台账.xlsx",
                  promised=ids["named"])


def _sign(ids):
    """管理员乙 signs last month's 月报 of the unit."""
    from tracker.models import SummaryScope
    from tracker.reports import final

    last = _last_month()
    final.finalize(_admin(ids, "signer"), SummaryScope(ids["unit"]), last.year, last.month)


def _state(app, ids) -> tuple:
    """(the activities the file recorded, whether last month's 月报 is signed, whether
    its page says 「定稿后数据有变化」 — the signed document not the live one)."""
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.models import SummaryNote, Task
    from tracker.reports import final
    from tracker.services.summary_notes import FinalMonth

    last = _last_month()
    with app.app_context():
        recorded = db.session.scalar(select(func.count()).select_from(Task)
                                     .where(Task.title == "楼道清理"))
        signed = db.session.scalar(select(SummaryNote.finalized_at).where(
            SummaryNote.unit_id == ids["unit"], SummaryNote.year == last.year,
            SummaryNote.month == last.month)) is not None
        month = FinalMonth(ids["unit"], ids["unit_name"], last.year, last.month)
        changed = final.told_changed([month]).changed == [month]
        db.session.remove()
        db.engine.dispose()
    return recorded, signed, changed


def test_a_month_signed_just_before_the_confirmed_import_is_named_nothing_imported(tmp_path):
    """定稿 first, held open: the import records its rows, then waits for the month's
    lock, and reads the month signed, which its preview did not name — refused whole,
    nothing imported, the signed 月报 as signed."""
    with fresh_database("postgresql", tmp_path, "ledgersince") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_sign", "_import")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_sign"]["ok"] is True and got["_import"]["waited"] is True
        assert got["_import"]["refused"] == ASKED_AGAIN
        assert _state(app, ids) == (0, True, False)


def test_a_month_signed_just_after_the_import_signs_the_imported_work(tmp_path):
    """The import first, held open: 定稿 waits for it, then signs the month with the
    imported activity in it — what the preview named (nothing signed) was true when it
    was imported, and the signed 月报 is the live one."""
    with fresh_database("postgresql", tmp_path, "ledgerbefore") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_import", "_sign")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_import"]["ok"] is True and got["_sign"]["waited"] is True
        assert got["_sign"]["ok"] is True
        assert _state(app, ids) == (1, True, False)
