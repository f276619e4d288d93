"""The member import's optional 自何日起 column: a move, a changed 计入参与统计 or a new
member made by import takes effect on the day it gives, within the member form's
bounds — not in the future, not before the member's last recorded change — and on
the day of the import when it is empty."""
from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.clock import set_app_clock
from tests.imports.helpers import HEADER, xlsx_bytes
from tracker.extensions import db
from tracker.models import AuditEvent, Member
from tracker.services import directory, member_import as mi

WITH_DAY = [*HEADER, "自何日起"]
TODAY = date(2025, 12, 2)


@pytest.fixture
def today(monkeypatch):
    """It is noon of TODAY for the whole application (``tests.clock.set_app_clock``)."""
    return set_app_clock(monkeypatch, TODAY, at=time(12))


def preview_of(rows, actor=None):
    parsed = mi.parse_rows(mi.read_table("members.xlsx", xlsx_bytes(rows, header=WITH_DAY)))
    assert not parsed.file_errors, parsed.file_errors
    return mi.check_rows(parsed.rows, actor)


def imported(world, rows):
    preview = preview_of(rows, world.admin)
    assert preview.ok, [r.errors for r in preview.error_rows]
    mi.import_members(world.admin, preview.rows)
    db.session.commit()


def history(member_id: int) -> list[tuple[str, date | None, date | None]]:
    """(单位, 自, the first day off it) of each stay, as the member page lists them."""
    db.session.expire_all()
    member = db.session.get(Member, member_id)
    return [(p.unit.name, p.since, p.until) for p in member.roll_history]


@pytest.mark.parametrize("typed", [date(2025, 10, 15), "2025-10-15", "2025/10/15",
                                   "2025年10月15日", "２０２５－１０－１５"])
def test_a_move_by_import_takes_effect_on_the_day_given(world, today, typed):
    f.unit("县财政局")
    db.session.commit()
    m = world.member
    imported(world, [(m.name, m.phone, "县财政局", "", "", "", "", typed)])
    assert history(m.id) == [("县商务局", None, date(2025, 10, 15)),
                             ("县财政局", date(2025, 10, 15), None)]
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "import_update", AuditEvent.entity_id == m.id))
    assert event.detail["roll_from"] == "2025-10-15"


def test_without_the_column_or_the_day_a_move_takes_effect_today(world, today):
    f.unit("县财政局")
    db.session.commit()
    m = world.member
    imported(world, [(m.name, m.phone, "县财政局", "", "", "", "", "")])
    assert history(m.id) == [("县商务局", None, TODAY), ("县财政局", TODAY, None)]


def test_set_not_counted_from_a_day_and_a_new_member_joining_on_one(world, today):
    m = world.member
    imported(world, [(m.name, m.phone, "县商务局", "", "", "", "否", "2025-11-01"),
                     ("新同志", "13712345699", "县商务局", "", "", "", "", "2025-11-10")])
    assert history(m.id) == [("县商务局", None, date(2025, 11, 1))]
    new = db.session.scalar(select(Member).where(Member.phone == "13712345699"))
    assert history(new.id) == [("县商务局", date(2025, 11, 10), None)]


def test_the_day_is_refused_in_the_future_before_the_last_change_or_unreadable(world, today):
    """张三 moved on the form from 1 November: an import may not date his next change
    before it; nobody's change may be dated tomorrow; 「下月」 is no day."""
    other = f.unit("县财政局")
    db.session.commit()
    m = world.member
    directory.update_member(m, world.admin, directory.MemberData(
        name=m.name, phone=m.phone, unit_id=other.id, role=m.role, branch=m.branch,
        on_roll=True, roll_from=date(2025, 11, 1)))
    db.session.commit()
    before = history(m.id)
    rows = [(m.name, m.phone, "县商务局", "", "", "", "", "2025-10-31"),
            ("新同志", "13712345699", "县商务局", "", "", "", "", "2025-12-03"),
            ("新同志乙", "13712345698", "县商务局", "", "", "", "", "下月"),
            ("新同志丙", "13712345697", "县商务局", "", "", "", "", "2025-02-30")]
    preview = preview_of(rows, world.admin)
    assert [(r.line, r.errors) for r in preview.error_rows] == [
        (2, ["自何日起：生效日期不能早于2025-11-01（该党员上一次在册变动的日期）。"]),
        (3, ["自何日起：生效日期不能晚于今天。"]),
        (4, ["自何日起“下月”无法识别，请填写日期，如2026-10-05。"]),
        (5, ["自何日起“2025-02-30”不是有效日期：2025年2月没有30日。"])]
    with pytest.raises(mi.ServiceError):
        mi.import_members(world.admin, preview.rows)
    db.session.rollback()
    assert history(m.id) == before
    # the day of the last change itself is allowed, as on the form: back on the day he
    # left, his stay in 县财政局 was of no day at all, and 县商务局's goes on
    imported(world, [(m.name, m.phone, "县商务局", "", "", "", "", "2025-11-01")])
    assert history(m.id) == [("县商务局", None, None)]


def test_a_day_before_the_floor_is_refused_on_its_row_in_the_form_s_words(world, today):
    """fuzz38 F3: 0224 typed for 2024, or a true 1990, is refused as the member form
    refuses it (2000-01-01, ``timeutil.EARLIEST_DAY``), moving the roll or not; the floor
    itself is taken."""
    f.unit("县财政局")
    db.session.commit()
    m = world.member
    said = "日期不能早于2000-01-01，请检查年份；如确实更早，请填2000-01-01（更早的日期不改变任何统计）。"
    rows = [(m.name, m.phone, "县财政局", "", "", "", "", "0224-10-05"),
            ("新同志", "13712345699", "县商务局", "", "", "", "", "1990-05-01"),
            ("新同志乙", "13712345698", "县商务局", "", "", "", "", date(1999, 12, 31)),
            ("新同志丙", "13712345697", "县商务局", "", "", "", "", "2000-01-01")]
    preview = preview_of(rows, world.admin)
    assert [(r.line, r.errors) for r in preview.error_rows] == [
        (2, [f"自何日起“0224-10-05”：{said}"]),
        (3, [f"自何日起“1990-05-01”：{said}"]),
        (4, [f"自何日起“1999-12-31”：{said}"])]
    with pytest.raises(mi.ServiceError):
        mi.import_members(world.admin, preview.rows)
    db.session.rollback()
    assert history(m.id) == [("县商务局", None, None)]
    imported(world, [("新同志丙", "13712345697", "县商务局", "", "", "", "", "2000-01-01")])
    new = db.session.scalar(select(Member).where(Member.phone == "13712345697"))
    assert history(new.id) == [("县商务局", date(2000, 1, 1), None)]


def test_a_move_dated_with_two_digits_first_and_last_is_refused(world, today):
    """10/5/25 (5 October 2025 written month first) is no date: read year first it would
    move 张三 from 22 May 2010, and every month since onto the other unit's roll."""
    f.unit("县财政局")
    db.session.commit()
    m = world.member
    preview = preview_of([(m.name, m.phone, "县财政局", "", "", "", "", "10/5/25")],
                         world.admin)
    assert [(r.line, r.errors) for r in preview.error_rows] == [
        (2, ["自何日起“10/5/25”的年份不明确（年份在前还是在后？），请写四位年份，如2026-10-05。"])]
    with pytest.raises(mi.ServiceError):
        mi.import_members(world.admin, preview.rows)
    db.session.rollback()
    assert history(m.id) == [("县商务局", None, None)]


def test_a_row_that_changes_no_roll_ignores_the_day(world, today):
    """As on the form: a new 党支部 only, dated before the records, moves nobody."""
    m = world.member
    imported(world, [(m.name, m.phone, "县商务局", "第二党支部", "", "", "", "2020-01-01")])
    assert history(m.id) == [("县商务局", None, None)]
    assert db.session.get(Member, m.id).branch == "第二党支部"


def test_the_template_has_the_column_and_says_what_it_does():
    assert mi.TEMPLATE_HEADERS[-1] == "自何日起"
    assert any("自何日起" in note and "不能晚于今天" in note for note in mi.TEMPLATE_NOTES)
    # and its floor, as the row's refusal says it
    assert any("自何日起" in note and "不能早于2000-01-01" in note for note in mi.TEMPLATE_NOTES)
