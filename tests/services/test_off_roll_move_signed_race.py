"""An admin's save of the member form (or 确认导入) that moves 韩梅, a member on no roll
(计入参与统计 否), from 县财政局 to 县商务局 — changing no roll — posted from a page that
named nothing signed, while another admin signs (定稿) 县财政局's last month, in separate
processes on PostgreSQL. SQLite's writers take turns anyway, so these run only with
TEST_DATABASE_URL.

The rule (docs/design.md, the member form's roll change; unroll53): her work on no roll
counts for the unit she is in now, so the move takes last month's 人次 and 参与情况 words
from 县财政局 to 县商务局; the save compares what its page named under the member's lock
and the share locks of the units her work moves between (``roll.signed_after(lock=True)``,
the import's ``roll.signed_by(lock=True)``), so a 定稿 either committed before that answer
— refused, nothing saved, the month named — or waits for the save to commit and signs it.
Without those locks, the 定稿 held open did not hold the save back: it saved, and the
month was signed without the move, which then changed it unnamed.

Each order is forced (``tests.races.race_in_order``)."""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL
from tests.services.signed_race_support import ASKED_AGAIN, admin, last_month

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
FORM_ASKS = "请核对表单上方的说明，确认后再保存。"


def _world(url):
    """县财政局's 韩梅 (计入参与统计 否) on 县商务局's activity of last month's 20th, its
    report approved: her 人次 are 县财政局's, the unit she is in now. Last month of
    县财政局 not signed: the admin's page named nothing (key "")."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus, Role
    from tracker.services.reviews import ReportData, approve_report, submit_report
    from tracker.timeutil import local_to_utc

    last = last_month()
    with race_world(url) as (app, unit, item, _liaison):
        finance = f.unit("县财政局")
        liaison = f.member(unit, Role.liaison, name="林联络", communities=[item.community])
        chief = f.member(unit, Role.admin, name="管理员甲")
        signer = f.member(unit, Role.admin, name="管理员乙")
        person = f.member(finance, name="韩梅", on_roll=False)
        start = local_to_utc(datetime.combine(date(last.year, last.month, 20), time(9)))
        task = f.task(item, liaison, title="楼道清理", leader=person, starts_at=start)
        db.session.add(Assignment(task_id=task.id, member_id=person.id,
                                  status=AssignmentStatus.done, minutes=120))
        task.taken = 1
        db.session.flush()
        approve_report(submit_report(task, liaison, ReportData(
            quantity=None, people_served=None, note="完成")), liaison)
        db.session.commit()
        return app, dict(admin=chief.id, signer=signer.id, person=person.id,
                         finance=finance.id, commerce=unit.id, commerce_name=unit.name,
                         phone=person.phone, named="")


def _sign(ids):
    """管理员乙 signs 县财政局's last month."""
    from tracker.models import SummaryScope
    from tracker.reports import final

    last = last_month()
    final.finalize(admin(ids, "signer"), SummaryScope(ids["finance"]), last.year, last.month)


def _form(ids):
    """管理员甲 saves 韩梅's form with 单位 县商务局, from the page that named nothing."""
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.services.directory import MemberData, save_member

    person = db.session.get(Member, ids["person"])
    save_member(person, admin(ids), MemberData(
        name=person.name, phone=person.phone, unit_id=ids["commerce"], role=person.role,
        branch=person.branch, on_roll=False, community_ids=[], promised=ids["named"]))


def _import(ids):
    """管理员甲 presses 确认导入 of a row moving 韩梅 to 县商务局, on the preview that
    named nothing."""
    from tracker.services.member_import import import_members, rows_from_raw

    import_members(admin(ids), rows_from_raw([dict(
        line=2, name="韩梅", phone=ids["phone"], unit=ids["commerce_name"], on_roll="否")]),
        promised=ids["named"])


def _state(app, ids) -> tuple:
    """(韩梅's unit is 县商务局, 县财政局's last month signed, its page says 「定稿后数据有
    变化」 — the signed document not the live one)."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import Member, SummaryNote, Unit
    from tracker.reports import final
    from tracker.services.summary_notes import FinalMonth

    last = last_month()
    with app.app_context():
        moved = db.session.get(Member, ids["person"]).unit_id == ids["commerce"]
        signed = db.session.scalar(select(SummaryNote.finalized_at).where(
            SummaryNote.unit_id == ids["finance"], SummaryNote.year == last.year,
            SummaryNote.month == last.month)) is not None
        month = FinalMonth(ids["finance"], db.session.get(Unit, ids["finance"]).name,
                           last.year, last.month)
        changed = final.told_changed([month]).changed == [month]
        db.session.remove()
        db.engine.dispose()
    return moved, signed, changed


@pytest.mark.parametrize("save, refused", [("_form", FORM_ASKS), ("_import", ASKED_AGAIN)])
def test_a_month_signed_just_before_the_move_is_named_nothing_saved(tmp_path, save, refused):
    """定稿 first, held open: the save takes the member's lock, then waits for the share
    lock of 县财政局's row, reads the month signed, which its page did not name —
    refused, nothing saved, the signed 月报 the live one."""
    with race_database("postgresql", tmp_path, "offroll_since" + save) as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_sign", save)
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_sign"]["ok"] is True and got[save]["waited"] is True
        assert got[save]["refused"] == refused
        assert _state(app, ids) == (False, True, False)


@pytest.mark.parametrize("save", ["_form", "_import"])
def test_a_month_signed_just_after_the_move_signs_it(tmp_path, save):
    """The save first, held open: 定稿 waits for it, then signs the month without her
    work — what the page named (nothing signed) was true when it was saved."""
    with race_database("postgresql", tmp_path, "offroll_before" + save) as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, save, "_sign")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got[save]["ok"] is True
        assert got["_sign"]["waited"] is True and got["_sign"]["ok"] is True
        assert _state(app, ids) == (True, True, False)
