"""The roll over a year: who is on a unit's roll (在册) in a month is who was on it, in
that unit, on the month's last day — whatever happens to them afterwards. Leaving and
coming back, moving to another unit, being set 不计入参与统计 and joining all take
effect on a day; the months before that day keep the roll they had, so a finalised
月报 keeps its 参与率 and 未参与名单 (docs/design.md, invariant 2).
"""
from __future__ import annotations

from datetime import date

import pytest

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import Member, Role
from tracker.rollups.coverage import coverage
from tracker.services import ServiceError, directory
from tracker.services import member_import as mi

SEPTEMBER = (date(2025, 9, 1), date(2025, 10, 1))
OCTOBER = (date(2025, 10, 1), date(2025, 11, 1))
NOVEMBER = (date(2025, 11, 1), date(2025, 12, 1))
DECEMBER = (date(2025, 12, 1), date(2026, 1, 1))


def roll(unit, month) -> tuple[int, int, set[str]]:
    """(在册, of them took part, the 未参与名单's names) of a unit in a month."""
    figures = coverage(unit.id, *month)
    return figures.on_roll, figures.took_part, {n.name for n in figures.not_yet}


def data(member: Member, **changes) -> directory.MemberData:
    values = dict(name=member.name, phone=member.phone, unit_id=member.unit_id,
                  role=member.role, branch=member.branch, on_roll=member.on_roll)
    values.update(changes)
    return directory.MemberData(**values)


def took_part_in_november(unit, member, liaison, community) -> None:
    item = f.item(unit, community, "environment_cleanup", year=2025)
    task = b.task_on(item, liaison, date(2025, 11, 12))
    b.join(task, member, minutes=120)
    b.report(task, liaison)


def test_a_member_who_leaves_in_october_and_returns_in_december_is_off_the_months_between(
        world, clock):
    unit = f.unit("县财政局")
    he_jing = f.member(unit, name="何静")
    f.member(unit, name="冯磊")
    db.session.commit()
    clock(date(2025, 10, 10))
    directory.set_active(he_jing, world.admin, False)
    db.session.commit()
    clock(date(2025, 12, 2))
    directory.set_active(he_jing, world.admin, True)
    db.session.commit()

    assert roll(unit, SEPTEMBER) == (2, 0, {"何静", "冯磊"})  # before she left
    assert roll(unit, OCTOBER) == (1, 0, {"冯磊"})  # she left on the 10th
    assert roll(unit, NOVEMBER) == (1, 0, {"冯磊"})  # away the whole month
    assert roll(unit, DECEMBER) == (2, 0, {"何静", "冯磊"})  # back on the 2nd


def test_a_member_moved_on_2_december_counts_in_the_old_units_november_only(world, clock):
    old, new = world.unit, f.unit("县财政局")  # a unit created in December
    zhou = f.member(old, name="周建国")
    took_part_in_november(old, zhou, world.liaison, world.community)
    db.session.commit()
    clock(date(2025, 11, 20))
    before = coverage(old.id, *NOVEMBER)
    clock(date(2025, 12, 2))
    directory.update_member(zhou, world.admin, data(zhou, unit_id=new.id))
    db.session.commit()

    after = coverage(old.id, *NOVEMBER)
    assert (after.on_roll, after.took_part, after.person_times, after.minutes) == (
        before.on_roll, before.took_part, before.person_times, before.minutes)
    assert zhou.name not in {n.name for n in after.not_yet}
    moved_to = coverage(new.id, *NOVEMBER)
    assert (moved_to.on_roll, moved_to.person_times, moved_to.rate_text) == (0, 0, "—")
    assert roll(new, DECEMBER) == (1, 0, {"周建国"})
    assert "周建国" not in roll(old, DECEMBER)[2]


def test_a_move_dated_back_on_the_form_counts_from_that_day(world, clock):
    old, new = world.unit, f.unit("县财政局")
    zhou = f.member(old, name="周建国")
    db.session.commit()
    clock(date(2025, 12, 2))
    directory.update_member(zhou, world.admin,
                            data(zhou, unit_id=new.id, roll_from=date(2025, 11, 15)))
    db.session.commit()
    assert roll(new, NOVEMBER) == (1, 0, {"周建国"})  # with the new unit on 30 November
    assert "周建国" in roll(old, OCTOBER)[2]
    assert "周建国" not in roll(old, NOVEMBER)[2]
    assert [(p.unit_id, p.since, p.until) for p in zhou.roll_history] == [
        (old.id, None, date(2025, 11, 15)), (new.id, date(2025, 11, 15), None)]


def test_set_not_counted_from_december_keeps_november_and_its_list(world, clock):
    unit = f.unit("县财政局")
    dong = f.member(unit, name="董芳")
    f.member(unit, name="冯磊")
    db.session.commit()
    clock(date(2025, 12, 2))
    directory.update_member(dong, world.admin,
                            data(dong, on_roll=False, roll_from=date(2025, 12, 1)))
    db.session.commit()
    assert roll(unit, NOVEMBER) == (2, 0, {"董芳", "冯磊"})
    assert roll(unit, DECEMBER) == (1, 0, {"冯磊"})


def test_the_effective_day_is_neither_in_the_future_nor_inside_the_recorded_history(world, clock):
    old, new = world.unit, f.unit("县财政局")
    zhou = f.member(old, name="周建国")
    db.session.commit()
    clock(date(2025, 12, 2))
    directory.update_member(zhou, world.admin,
                            data(zhou, unit_id=new.id, roll_from=date(2025, 11, 15)))
    db.session.commit()
    for day in (date(2025, 12, 3), date(2025, 11, 14)):  # tomorrow; before the last change
        with pytest.raises(ServiceError) as refused:
            directory.update_member(zhou, world.admin, data(zhou, unit_id=old.id, roll_from=day))
        assert refused.value.field == "roll_from"
        db.session.rollback()
    # a change of nothing on the roll ignores the day
    directory.update_member(zhou, world.admin, data(zhou, branch="第二党支部",
                                                    roll_from=date(2025, 1, 1)))
    db.session.commit()
    assert len(zhou.roll_periods) == 2


def import_one(actor, name: str, phone: str, unit) -> Member:
    rows = [mi.ImportRow(line=2, name=name, phone=phone, unit=unit.name)]
    mi.import_members(actor, rows)
    db.session.commit()
    return db.session.scalar(db.select(Member).where(Member.phone == phone))


def test_one_imported_in_a_running_installation_joins_today(world, clock):
    """The finalised November does not list a new hire imported on 2 December."""
    clock(date(2025, 12, 2))
    new_hire = import_one(world.admin, "新同志", "13712345601", world.unit)
    assert [(p.since, p.until) for p in new_hire.roll_periods] == [(date(2025, 12, 2), None)]
    assert "新同志" not in roll(world.unit, NOVEMBER)[2]
    assert "新同志" in roll(world.unit, DECEMBER)[2]


def test_the_first_roll_before_any_work_counts_in_the_months_recorded_afterwards(app, clock):
    """A bureau set up on 2 December: the people added on the form and by import before
    any task exist are on the roll of October, whose work is then recorded (补录)."""
    clock(date(2025, 12, 2))
    unit = f.unit("县商务局")
    admin = f.member(unit, Role.admin, "管理员")
    on_form = directory.create_member(admin, directory.MemberData(
        name="甲同志", phone="13712345611", unit_id=unit.id, role=Role.member))
    imported = import_one(admin, "丙同志", "13712345612", unit)
    db.session.commit()
    assert [(p.since, p.until) for p in on_form.roll_periods] == [(None, None)]
    assert [(p.since, p.until) for p in imported.roll_periods] == [(None, None)]
    item = f.item(unit, f.community("解放路社区"), "environment_cleanup", year=2025)
    task = b.task_on(item, admin, date(2025, 10, 20))
    for person in (on_form, imported):
        b.join(task, person)
    b.report(task, admin)
    db.session.commit()
    assert roll(unit, OCTOBER) == (2, 2, set())  # 2 在册, 2 参与: the 月报 agrees with itself
    # once work is recorded, someone added joins on the day
    later = directory.create_member(admin, directory.MemberData(
        name="乙同志", phone="13712345613", unit_id=unit.id, role=Role.member))
    assert [(p.since, p.until) for p in later.roll_periods] == [(date(2025, 12, 2), None)]


def test_reimporting_a_switched_off_member_says_she_stays_switched_off(world, clock):
    clock(date(2025, 10, 10))
    directory.set_active(world.member, world.admin, False)
    db.session.commit()
    clock(date(2026, 1, 4))
    rows = [mi.ImportRow(line=2, name=world.member.name, phone=world.member.phone,
                         unit=world.unit.name, branch="第二党支部")]
    preview = mi.check_rows(rows, world.admin)
    assert [(r.action, r.inactive) for r in preview.rows] == [("update", True)]
    mi.import_members(world.admin, rows)
    db.session.commit()
    member = db.session.get(Member, world.member.id)
    assert (member.active, member.branch) == (False, "第二党支部")
    assert [p.until for p in member.roll_periods] == [date(2025, 10, 10)]


def test_a_member_moved_later_is_the_old_units_own_in_its_past_months(world, clock):
    """The lead's 「其中外单位党员干部」 and the unit's 完成微心愿 read the unit a member
    had on the day of the work, as 参与情况 does: moving 周建国 in December leaves the
    old unit's November saying he was its own, and his wish done in November its."""
    from tests.needs.support import need
    from tracker.models import NeedStatus
    from tracker.reports.summary import build_summary
    from tracker.rollups import Scope
    from tests.plans import need_counts

    old, new = world.unit, f.unit("县财政局")
    zhou = f.member(old, name="周建国")
    took_part_in_november(old, zhou, world.liaison, world.community)
    need(world.community, world.liaison, claimer=zhou, status=NeedStatus.fulfilled,
         fulfilled_on=date(2025, 11, 18), posted_on=date(2025, 11, 10))
    db.session.commit()
    clock(date(2025, 12, 2))
    directory.update_member(zhou, world.admin, data(zhou, unit_id=new.id))
    db.session.commit()

    lead = next(p.text for p in build_summary(2025, 11, unit=old).paragraphs if "人次" in p.text)
    assert "外单位" not in lead
    assert need_counts(Scope(*NOVEMBER, unit_id=old.id), date(2025, 12, 2)).wishes_fulfilled == 1
    assert need_counts(Scope(*NOVEMBER, unit_id=new.id), date(2025, 12, 2)).wishes_fulfilled == 0
