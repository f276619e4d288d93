"""Correcting the date of a member's latest roll change (更正日期 on the member page).

An admin who moved 张三 to another unit "from 1 November" when he moved on 15 October
corrects the date: the days between count in the other stay, so October's 参与情况 of
both units read him where he was on 31 October. The correction is bounded — later than
the change before it, not in the future — needs a reason, and is audited.

The expected figures are recounted here from the dates the test states (who was on
which unit's roll on the month's last day, who took part in the month), not from the
roll the code keeps; the figures compared are those the 月报 writes.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import AuditEvent, Member, Role
from tracker.reports.summary import build_summary
from tracker.services import ServiceError, directory, roll, unit_of_work

OCT_31 = date(2025, 10, 31)
NOV_1 = date(2025, 11, 1)
OCT_15 = date(2025, 10, 15)


def correct(member, actor, day, reason):
    """更正日期 posted from the member page as it is now: it names the latest change."""
    return directory.correct_roll_date(member, actor, day, reason,
                                       shown=roll.shown_key(roll.last_change(member)))


def data(member: Member, **changes) -> directory.MemberData:
    values = dict(name=member.name, phone=member.phone, unit_id=member.unit_id,
                  role=member.role, branch=member.branch, on_roll=member.on_roll)
    values.update(changes)
    return directory.MemberData(**values)


def recount(stays: dict, worked: dict, unit: str, last_day: date,
            first_day: date) -> tuple[int, int, set[str]]:
    """(在册, 参与, 未参与) of ``unit`` for the month from ``first_day`` to ``last_day``
    by the dates alone: on the roll whoever has a stay in the unit covering the last
    day (since ≤ day < until, an open end never ends); took part whoever of them worked
    on a day of the month."""
    on_roll = {name for name, periods in stays.items()
               for where, since, until in periods
               if where == unit and (since is None or since <= last_day)
               and (until is None or last_day < until)}
    took = {name for name in on_roll
            if any(first_day <= day <= last_day for day in worked.get(name, ()))}
    return len(on_roll), len(took), on_roll - took


def participation(unit) -> tuple[int, int, set[str]]:
    """(在册, 参与, 未参与) as October's 月报 of ``unit`` writes them."""
    summary = build_summary(2025, 10, unit=unit)
    text = next(p.text for p in summary.paragraphs if "在册党员干部" in p.text)
    match = re.search(r"在册党员干部(\d+)人，本月参与(\d+)人", text)
    missing = re.search(r"未参与：(.+?)。", text)
    names = set(missing.group(1).split("、")) if missing else set()
    return int(match.group(1)), int(match.group(2)), names


def lead_others(unit) -> int:
    """The lead's 「其中外单位党员干部N人」 of October's 月报 (0 when it says none)."""
    lead = build_summary(2025, 10, unit=unit).paragraphs[0].text
    found = re.search(r"外单位党员干部(\d+)人", lead)
    return int(found.group(1)) if found else 0


@pytest.fixture
def moved(world, clock):
    """县农业局's 张三 moved to 县财政局 on the form "from 1 November"; in October 李四
    worked in 县农业局's activity (8th), 张三 in 县财政局's (20th), 王五 nowhere."""
    old, new = f.unit("县农业局"), f.unit("县财政局")
    zhang, li = f.member(old, name="张三"), f.member(old, name="李四")
    f.member(new, name="王五")
    for unit, day, person in ((old, date(2025, 10, 8), li), (new, date(2025, 10, 20), zhang)):
        task = b.task_on(f.item(unit, world.community, "environment_cleanup", year=2025),
                         world.liaison, day)
        b.join(task, person, minutes=120)
        b.report(task, world.liaison)
    db.session.commit()
    clock(date(2025, 12, 2))
    directory.update_member(zhang, world.admin, data(zhang, unit_id=new.id, roll_from=NOV_1))
    db.session.commit()
    return old, new, zhang


WORKED = {"李四": [date(2025, 10, 8)], "张三": [date(2025, 10, 20)]}


def stays(moved_on: date) -> dict:
    return {"张三": [("old", None, moved_on), ("new", moved_on, None)],
            "李四": [("old", None, None)], "王五": [("new", None, None)]}


def test_a_move_corrected_from_1_november_to_15_october_moves_octobers_participation(
        world, moved):
    old, new, zhang = moved
    october = (OCT_31, date(2025, 10, 1))
    assert participation(old) == recount(stays(NOV_1), WORKED, "old", *october) == (2, 2, set())
    assert participation(new) == recount(stays(NOV_1), WORKED, "new", *october) == (1, 0, {"王五"})
    assert lead_others(new) == 1  # 张三 worked with 县财政局 while still 县农业局's

    correct(zhang, world.admin, OCT_15, "调动文件日期为10月15日")
    db.session.commit()

    assert participation(old) == recount(stays(OCT_15), WORKED, "old", *october) == (1, 1, set())
    assert participation(new) == recount(stays(OCT_15), WORKED, "new", *october) == (
        2, 1, {"王五"})
    assert lead_others(new) == 0  # on 20 October he was 县财政局's own
    assert [(p.unit_id, p.since, p.until) for p in zhang.roll_history] == [
        (old.id, None, OCT_15), (new.id, OCT_15, None)]


def test_a_move_corrected_later_gives_the_old_unit_back_its_days(world, moved, clock):
    """The other way: recorded on 15 October, made on 1 November."""
    old, new, zhang = moved
    correct(zhang, world.admin, OCT_15, "先改到10月15日")
    db.session.commit()
    correct(zhang, world.admin, NOV_1, "实为11月1日")
    db.session.commit()
    october = (OCT_31, date(2025, 10, 1))
    assert participation(old) == recount(stays(NOV_1), WORKED, "old", *october)
    assert participation(new) == recount(stays(NOV_1), WORKED, "new", *october)


def test_the_correction_is_audited_with_both_dates_and_the_reason(world, moved):
    _old, _new, zhang = moved
    correct(zhang, world.admin, OCT_15, "  调动文件日期为10月15日 ")
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "correct_roll_date", AuditEvent.entity_id == zhang.id))
    assert event.actor_id == world.admin.id and event.entity_type == "member"
    assert (event.detail["before"], event.detail["after"], event.detail["reason"]) == (
        "2025-11-01", "2025-10-15", "调动文件日期为10月15日")


def refusal(member, actor, day, reason="日期记错") -> str:
    with pytest.raises(ServiceError) as refused, unit_of_work(once=False):
        correct(member, actor, day, reason)
    return str(refused.value.message)


def test_the_corrected_day_is_after_the_change_before_and_not_in_the_future(world, clock):
    """张三 joined 县农业局 on 1 March and moved on 1 November (recorded): the correction
    must leave him at least one day in 县农业局 and may not date the move tomorrow."""
    old, new = f.unit("县农业局"), f.unit("县财政局")
    db.session.commit()
    clock(date(2025, 12, 2))
    zhang = directory.create_member(world.admin, directory.MemberData(
        name="张三", phone="13712345690", unit_id=old.id, role=Role.member, roll_from=date(2025, 3, 1)))
    db.session.commit()
    directory.update_member(zhang, world.admin, data(zhang, unit_id=new.id, roll_from=NOV_1))
    db.session.commit()
    history = [(p.unit_id, p.since, p.until) for p in zhang.roll_history]

    assert refusal(zhang, world.admin, date(2025, 3, 1)) == (
        "更正后的日期须晚于2025-03-01（此前一次在册变动的日期）。")
    assert refusal(zhang, world.admin, date(2025, 2, 1)).startswith("更正后的日期须晚于2025-03-01")
    assert refusal(zhang, world.admin, date(2025, 12, 3)) == "更正后的日期不能晚于今天。"
    assert refusal(zhang, world.admin, NOV_1) == "更正后的日期与原日期相同。"
    assert refusal(zhang, world.admin, OCT_15, reason="  ") == "请填写更正的原因。"
    assert refusal(zhang, world.member, OCT_15) == "只有单位管理员可以管理基础数据。"
    db.session.expire_all()
    assert [(p.unit_id, p.since, p.until) for p in zhang.roll_history] == history
    assert db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "correct_roll_date")) is None

    # the bounds themselves are allowed: the day after the change before, and today
    for day in (date(2025, 3, 2), date(2025, 12, 2)):
        correct(zhang, world.admin, day, "日期记错")
        db.session.commit()
    assert [(p.since, p.until) for p in zhang.roll_history] == [
        (date(2025, 3, 1), date(2025, 12, 2)), (date(2025, 12, 2), None)]


def test_a_switch_off_clicked_late_is_dated_back(world, clock):
    """停用 takes effect on the day of the click; 李四 left on 20 November, the admin
    clicked on 2 December: corrected, November's roll is without him."""
    unit = f.unit("县农业局")
    li, wang = f.member(unit, name="李四"), f.member(unit, name="王五")
    db.session.commit()
    clock(date(2025, 12, 2))
    directory.set_active(li, world.admin, False)
    db.session.commit()
    november = (date(2025, 11, 30), date(2025, 11, 1))
    left = {"李四": [("u", None, date(2025, 12, 2))], "王五": [("u", None, None)]}
    assert recount(left, {}, "u", *november) == (2, 0, {"李四", "王五"})

    correct(li, world.admin, date(2025, 11, 20), "11月20日已调离")
    db.session.commit()
    left["李四"] = [("u", None, date(2025, 11, 20))]
    figures = build_summary(2025, 11, unit=unit)
    table = next(t for t in figures.tables() if t.key == "coverage")
    assert table.rows[0][0] == recount(left, {}, "u", *november)[0] == 1
    assert wang.name in {p.name for p in figures.coverage.not_yet}
    assert li.name not in {p.name for p in figures.coverage.not_yet}


def test_a_history_with_no_date_has_nothing_to_correct(world):
    """On the roll since always: no change recorded, nothing to correct."""
    assert refusal(world.other_member, world.admin, date(2020, 1, 1)) == (
        "该党员的在册记录没有可更正的日期。")


def test_a_correction_across_a_finalised_month_names_it(world, moved):
    """October of both units finalised: the correction is the admin's to make, and it
    names the finalised months whose live figures it changes (the signed ones stay)."""
    from tracker.models import SummaryScope
    from tracker.reports import final

    old, new, zhang = moved
    for unit in (old, new):
        final.finalize(world.admin, SummaryScope(unit_id=unit.id), 2025, 10)
    final.finalize(world.admin, SummaryScope(unit_id=old.id), 2025, 9)
    db.session.commit()
    # within November: no finalised month
    assert correct(zhang, world.admin, date(2025, 11, 5), "日期记错").months == []
    db.session.commit()
    months = correct(zhang, world.admin, OCT_15, "实为10月15日").months
    db.session.commit()
    assert {(m.unit_name, m.year, m.month) for m in months} == {
        ("县农业局", 2025, 10), ("县财政局", 2025, 10)}
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "correct_roll_date").order_by(AuditEvent.id.desc()).limit(1))
    assert sorted(event.detail["final_months"]) == sorted(
        [[old.id, 2025, 10], [new.id, 2025, 10]])


def test_the_correction_finds_every_signed_year_between_the_dates_under_its_lock(world, moved):
    """The message after 更正日期 compares every signed 年度总结 of the change's units
    whose year holds a day between the two dates, not only those foreseen: the service
    finds them with what it may change, under the member's lock (renamebound; before,
    the page read them after the commit) — not another unit's year, nor a year outside
    the dates."""
    from tracker.models import SummaryScope
    from tracker.reports import annual_final

    old, new, zhang = moved
    elsewhere = f.unit("县教育局")
    for unit, year in ((old, 2024), (new, 2024), (new, 2023), (elsewhere, 2024)):
        annual_final.finalize_year(world.admin, SummaryScope(unit_id=unit.id), year)
    db.session.commit()
    done = correct(zhang, world.admin, date(2024, 3, 1), "实为2024年3月调动")
    assert {(y.unit_id, y.year) for y in done.asked_years} == {(old.id, 2024), (new.id, 2024)}
