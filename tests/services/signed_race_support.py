"""What the races of an import's 确认导入 against a 定稿 of the month it changes share
(``test_ledger_import_signed_race``, ``test_member_import_signed_race``): the world's
two admins and its member 张三, last month and its 定稿, what last month's 月报 says
after the race, and the two forced orders (``tests.races.race_in_order``) with what
each must show of the race itself — no errors, the second seen waiting for the first.

Each test module keeps its own file, its ``_import(ids)`` (管理员甲's 确认导入 of the
preview that named ``ids["named"]``) and what it checks of what was imported."""
from __future__ import annotations

import importlib
from contextlib import contextmanager
from datetime import date, timedelta

from tests.races import race_in_order, race_world

ASKED_AGAIN = ("预览之后，这次导入涉及的已定稿月报或年度总结有了变化，未导入任何数据。"
               "请查看预览中重新列出的月报和年度总结，核对后再确认导入。")


def last_month() -> date:
    """The last day of last month (Asia/Shanghai): the month the files change."""
    from tracker.timeutil import local_today

    return local_today().replace(day=1) - timedelta(days=1)


@contextmanager
def signed_race_world(url: str):
    """``race_world``'s 县商务局 (in 解放路社区, with its checklist item) and on it 管理员甲,
    who imports, 管理员乙, who signs, and the member 张三. Yields (app, unit, item,
    张三, ids) inside the request context, for the test module to add its file (and
    anything more) to ``ids``; committed on the way out. Last month not signed: the
    preview named nothing (``ids["named"]``, "")."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Role

    with race_world(url) as (app, unit, item, _liaison):
        admin = f.member(unit, Role.admin, name="管理员甲")
        signer = f.member(unit, Role.admin, name="管理员乙")
        member = f.member(unit, name="张三")
        ids = dict(admin=admin.id, signer=signer.id, unit=unit.id, unit_name=unit.name,
                   named="")
        yield app, unit, item, member, ids
        db.session.commit()


def admin(ids, who="admin"):
    from tracker.extensions import db
    from tracker.models import Member

    return db.session.get(Member, ids[who])


def sign(ids) -> None:
    """管理员乙 signs last month's 月报 of the unit."""
    from tracker.models import SummaryScope
    from tracker.reports import final

    last = last_month()
    final.finalize(admin(ids, "signer"), SummaryScope(ids["unit"]), last.year, last.month)


def confirm(ids) -> None:
    """The test module's ``_import(ids)`` (``ids["importer"]``: its name)."""
    importlib.import_module(ids["importer"])._import(ids)


def signed_first(module: str, url: str, ids: dict) -> dict:
    """定稿 first, held open; then ``module``'s 确认导入, which must wait for the month's
    lock. Returns the import's outcome (``race_in_order``'s: "ok", "refused")."""
    got = race_in_order(__name__, url, {**ids, "importer": module}, "sign", "confirm")
    assert [e for o in got.values() for e in o["errors"]] == []
    assert got["sign"]["ok"] is True and got["confirm"]["waited"] is True
    return got["confirm"]


def imported_first(module: str, url: str, ids: dict) -> dict:
    """``module``'s 确认导入 first, held open; then 定稿, which must wait for it and then
    sign. Returns the import's outcome."""
    got = race_in_order(__name__, url, {**ids, "importer": module}, "confirm", "sign")
    assert [e for o in got.values() for e in o["errors"]] == []
    assert got["sign"]["waited"] is True and got["sign"]["ok"] is True
    return got["confirm"]


def state(app, ids, own=tuple) -> tuple:
    """(``own()``'s values — what the test module checks of what was imported —,
    whether last month's 月报 of the unit is signed, whether its page says
    「定稿后数据有变化」: the signed document not the live one), read after the race."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import SummaryNote
    from tracker.reports import final
    from tracker.services.summary_notes import FinalMonth

    last = last_month()
    with app.app_context():
        mine = own()
        signed = db.session.scalar(select(SummaryNote.finalized_at).where(
            SummaryNote.unit_id == ids["unit"], SummaryNote.year == last.year,
            SummaryNote.month == last.month)) is not None
        month = FinalMonth(ids["unit"], ids["unit_name"], last.year, last.month)
        changed = final.told_changed([month]).changed == [month]
        db.session.remove()
        db.engine.dispose()
    return (*mine, signed, changed)
