"""A period's 参与情况 is counted against that period's roll: the members on it on the
period's last day (today for one still running). Someone who joined afterwards was not
there to take part; someone who has left since still was. So a past month — one whose
月报 is 已定稿 — keeps its 参与率 whoever joins or leaves later."""
from __future__ import annotations

from datetime import date, timedelta

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import Member, Role
from tracker.rollups.coverage import coverage
from tracker.services import directory
from tracker.timeutil import local_today


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month(first: date) -> date:
    return month_start(first - timedelta(days=1))


def stay(member: Member, since: date | None = None, until: date | None = None) -> Member:
    """The member's one stay on their unit's roll, from ``since`` up to ``until``."""
    (period,) = member.roll_periods
    period.since, period.until = since, until
    return member


def roll_of(unit, start: date, end: date) -> tuple[int, int, set[str]]:
    """(on the roll, of them took part, the names of those who did not)."""
    figures = coverage(unit.id, start, end)
    not_yet = {n.name for n in figures.not_yet}
    return figures.on_roll, figures.took_part, not_yet


def test_each_period_counts_the_roll_of_its_last_day(world):
    today = local_today()
    this_month = month_start(today)
    last_month = previous_month(this_month)
    before = previous_month(last_month)
    unit = f.unit("县财政局")
    f.member(unit, name="甲在册")
    stay(f.member(unit, name="乙上月加入"), since=last_month + timedelta(days=14))
    stay(f.member(unit, name="丙今天加入"), since=today)
    left_last_month = stay(f.member(unit, name="丁上月离开"), until=last_month + timedelta(days=9))
    left_last_month.active = False
    left_long_ago = f.member(unit, name="戊早已停用", active=False)  # left before dates were kept
    f.member(unit, name="己不计入", on_roll=False)
    # 丁 took part in the month before last, while on the roll
    item = f.item(unit, world.community, "environment_cleanup", year=before.year)
    task = b.task_on(item, world.liaison, before + timedelta(days=3))
    b.join(task, left_last_month)
    b.report(task, world.liaison)
    db.session.commit()

    on_roll, took_part, not_yet = roll_of(unit, before, last_month)
    assert (on_roll, took_part) == (2, 1)
    assert not_yet == {"甲在册"}  # 丁 was on it and took part; 乙 and 丙 came later
    on_roll, took_part, not_yet = roll_of(unit, last_month, this_month)
    assert (on_roll, took_part) == (2, 0)
    assert not_yet == {"甲在册", "乙上月加入"}  # 丁 had left by its last day
    next_month = month_start(this_month + timedelta(days=31))
    on_roll, took_part, not_yet = roll_of(unit, this_month, next_month)
    assert not_yet == {"甲在册", "乙上月加入", "丙今天加入"}
    assert left_long_ago.name not in not_yet


def test_the_admin_pages_set_the_dates_a_past_month_keeps(world):
    """A member added today (once work is recorded) joins the roll today; one switched
    off leaves it today, and is on it again when switched back on."""
    today = local_today()
    last_month = previous_month(month_start(today))
    end = month_start(today)
    unit = world.unit
    on_before = coverage(unit.id, last_month, end).on_roll
    added = directory.create_member(world.admin, directory.MemberData(
        name="新党员甲", phone="13712340001", unit_id=unit.id, role=Role.member))
    db.session.commit()
    assert [(p.since, p.until) for p in added.roll_periods] == [(today, None)]
    assert coverage(unit.id, last_month, end).on_roll == on_before
    directory.set_active(world.member, world.admin, False)
    db.session.commit()
    assert [p.until for p in db.session.get(Member, world.member.id).roll_periods] == [today]
    assert coverage(unit.id, last_month, end).on_roll == on_before
    assert world.member.name in {n.name for n in coverage(unit.id, last_month, end).not_yet}
    directory.set_active(world.member, world.admin, True)
    db.session.commit()
    # back the same day: one stay again, as if never away
    assert [p.until for p in db.session.get(Member, world.member.id).roll_periods] == [None]
