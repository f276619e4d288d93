"""An admin's save of the member form that changes a roll from a 自何日起 in last month —
韩梅 moved from 县财政局 to 县商务局 from the 10th, 韩梅 of 县商务局 made 计入参与统计 否 from
the 10th, or a new member 安新人 added to 县商务局 from the 10th — posted from a page that
named nothing signed, while another admin signs (定稿) 县商务局's last month, in separate
processes on PostgreSQL. SQLite's writers take turns anyway, so these run only with
TEST_DATABASE_URL.

The rule (docs/design.md, the member form's roll change, "Refused in a 已定稿 month"):
the month's roll is that of its last day, so each change takes 县商务局's last month's
在册人数 and 未参与名单 one member up or down; the page names the signed documents a
change alters before it is saved, and the save compares what it named under the
member's lock and the share locks of the units whose documents it asks about
(``roll.signed_after(lock=True)``), so a 定稿 either committed before that answer —
refused, nothing saved, the month named — or waits for the save to commit and signs it.

Before lock53 only the units of ``roll.unit_now_moved`` (her work on no roll) were
share-locked, never the units of the change's own roll: the stay the save writes takes
only a key-share on the unit, which 定稿's ``FOR NO KEY UPDATE`` does not wait for, so
a 定稿 held open did not hold the save back (nor the save the 定稿) — the month was
signed without the change, which then changed it unnamed (unroll53 Open).

Each order is forced (``tests.races.race_in_order``)."""
from __future__ import annotations

from datetime import date

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL
from tests.services.signed_race_support import admin, last_month

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
FORM_ASKS = "请核对表单上方的说明，确认后再保存。"
NEW_PHONE = "13712345678"
CHANGES = ["_move", "_leave", "_add"]


def _world(url):
    """县商务局 (race_world's, with its checklist item) and 县财政局; 韩梅 on 县财政局's
    roll and 李华 on 县商务局's, both since the first of last year. Last month of neither
    signed: the admin's page named nothing (key "")."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Role

    last = last_month()
    with race_world(url) as (app, unit, _item, _liaison):
        finance = f.unit("县财政局")
        chief = f.member(unit, Role.admin, name="管理员甲")
        signer = f.member(unit, Role.admin, name="管理员乙")
        moving = f.member(finance, name="韩梅")
        leaving = f.member(unit, name="李华")
        for person in (moving, leaving):
            for stay in person.roll_periods:
                stay.since = date(last.year - 1, 1, 1)
        db.session.commit()
        return app, dict(admin=chief.id, signer=signer.id, moving=moving.id,
                         leaving=leaving.id, finance=finance.id, commerce=unit.id,
                         day=date(last.year, last.month, 10).isoformat(), named="")


def _sign(ids):
    """管理员乙 signs 县商务局's last month."""
    from tracker.models import SummaryScope
    from tracker.reports import final

    last = last_month()
    final.finalize(admin(ids, "signer"), SummaryScope(ids["commerce"]), last.year, last.month)


def _save(ids, who: str, **changed):
    """管理员甲 saves ``who``'s form as it is but for ``changed``, 自何日起 last month's
    10th, from the page that named nothing."""
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.services.directory import MemberData, save_member

    person = db.session.get(Member, ids[who])
    fields = dict(name=person.name, phone=person.phone, unit_id=person.unit_id,
                  role=person.role, branch=person.branch, on_roll=person.on_roll,
                  community_ids=[], roll_from=date.fromisoformat(ids["day"]),
                  promised=ids["named"])
    save_member(person, admin(ids), MemberData(**{**fields, **changed}))


def _move(ids):
    """韩梅 moved to 县商务局 from the 10th: its roll of the month's last day gains her."""
    _save(ids, "moving", unit_id=ids["commerce"])


def _leave(ids):
    """李华 made 计入参与统计 否 from the 10th: 县商务局's roll of the month's last day
    loses him."""
    _save(ids, "leaving", on_roll=False)


def _add(ids):
    """安新人 added to 县商务局's roll from the 10th."""
    from tracker.models import Role
    from tracker.services.directory import MemberData, add_member

    add_member(admin(ids), MemberData(
        name="安新人", phone=NEW_PHONE, unit_id=ids["commerce"], role=Role.member,
        on_roll=True, roll_from=date.fromisoformat(ids["day"]), promised=ids["named"]))


def _saved(change: str, ids) -> bool:
    """Whether ``change`` was saved."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Member

    if change == "_move":
        return db.session.get(Member, ids["moving"]).unit_id == ids["commerce"]
    if change == "_leave":
        return db.session.get(Member, ids["leaving"]).on_roll is False
    return db.session.scalar(select(Member.id).where(Member.phone == NEW_PHONE)) is not None


def _state(app, ids, change: str) -> tuple:
    """(``change`` saved, 县商务局's last month signed, its page says 「定稿后数据有变化」 —
    the signed document not the live one)."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import SummaryNote, Unit
    from tracker.reports import final
    from tracker.services.summary_notes import FinalMonth

    last = last_month()
    with app.app_context():
        saved = _saved(change, ids)
        signed = db.session.scalar(select(SummaryNote.finalized_at).where(
            SummaryNote.unit_id == ids["commerce"], SummaryNote.year == last.year,
            SummaryNote.month == last.month)) is not None
        month = FinalMonth(ids["commerce"], db.session.get(Unit, ids["commerce"]).name,
                           last.year, last.month)
        changed = final.told_changed([month]).changed == [month]
        db.session.remove()
        db.engine.dispose()
    return saved, signed, changed


@pytest.mark.parametrize("change", CHANGES)
def test_a_month_signed_just_before_the_dated_change_is_named_nothing_saved(tmp_path, change):
    """定稿 first, held open: the save takes the member's lock, then waits for the share
    lock of 县商务局's row, reads the month signed, which its page did not name — refused
    (the naming page's words), nothing saved, the signed 月报 the live one."""
    with race_database("postgresql", tmp_path, "dated_since" + change) as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_sign", change)
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_sign"]["ok"] is True and got[change]["waited"] is True
        assert got[change]["refused"] == FORM_ASKS
        assert _state(app, ids, change) == (False, True, False)


@pytest.mark.parametrize("change", CHANGES)
def test_a_month_signed_just_after_the_dated_change_signs_it(tmp_path, change):
    """The save first, held open after its naming check: 定稿 waits for it, then signs
    the month with the change — what the page named (nothing signed) was true when it
    was saved, and the signed 月报 is the live one."""
    with race_database("postgresql", tmp_path, "dated_before" + change) as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, change, "_sign")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got[change]["ok"] is True
        assert got["_sign"]["waited"] is True and got["_sign"]["ok"] is True
        assert _state(app, ids, change) == (True, True, False)
