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

Each order is forced, not hoped for (``tests.races.race_in_order``, through
``tests.services.signed_race_support``, which the member import's races share).
"""
from __future__ import annotations

from datetime import date

import pytest

from tests.races import race_database
from tests.scratch_db import PG_URL
from tests.services.signed_race_support import (
    ASKED_AGAIN,
    admin,
    imported_first,
    last_month,
    signed_first,
    signed_race_world,
    state,
)

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__


def _world(url):
    """县商务局 working in 解放路社区, its member 张三, and a file of one row: a clean-up
    on last month's 20th, 张三 leading. The month not signed: the admin's preview named
    nothing (key "")."""
    from tests import factories as f

    last = last_month()
    with signed_race_world(url) as (app, unit, item, member, ids):
        if item.year != last.year:  # January: last month is in last year's checklist
            item = f.item(unit, item.community, year=last.year)
        ids["rows"] = [dict(
            line=2, day=date(last.year, last.month, 20).isoformat(), starts="09:00",
            ends="11:00", unit=unit.name, community=item.community.name,
            category=item.category.name, title="楼道清理", place="党群服务中心",
            name=member.name, phone=member.phone, leader="是", quantity="",
            people_served="", note="清理楼道杂物。")]
    return app, ids


def _import(ids):
    """管理员甲 presses 确认导入 on the preview that named nothing."""
    from tracker.services.ledger_import import import_ledger, rows_from_raw

    import_ledger(admin(ids), rows_from_raw(ids["rows"]), filename="台账.xlsx",
                  promised=ids["named"])


def _recorded() -> tuple:
    """(the activities the file recorded,)"""
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.models import Task

    return (db.session.scalar(select(func.count()).select_from(Task)
                              .where(Task.title == "楼道清理")),)


def test_a_month_signed_just_before_the_confirmed_import_is_named_nothing_imported(tmp_path):
    """定稿 first, held open: the import records its rows, then waits for the month's
    lock, and reads the month signed, which its preview did not name — refused whole,
    nothing imported, the signed 月报 as signed."""
    with race_database("postgresql", tmp_path, "ledgersince") as url:
        app, ids = _world(url)
        assert signed_first(MODULE, url, ids)["refused"] == ASKED_AGAIN
        assert state(app, ids, _recorded) == (0, True, False)


def test_a_month_signed_just_after_the_import_signs_the_imported_work(tmp_path):
    """The import first, held open: 定稿 waits for it, then signs the month with the
    imported activity in it — what the preview named (nothing signed) was true when it
    was imported, and the signed 月报 is the live one."""
    with race_database("postgresql", tmp_path, "ledgerbefore") as url:
        app, ids = _world(url)
        assert imported_first(MODULE, url, ids)["ok"] is True
        assert state(app, ids, _recorded) == (1, True, False)
