"""Numbers read the same everywhere (tracker/formatting.py), and names sort the way
people count (tracker/natural.py)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from tracker import timeutil
from tracker.formatting import (
    amount,
    hours,
    in_unit_order,
    pending_sentence,
    per_unit,
    percent,
    served,
    target_pace,
    target_unit,
    yuan,
)
from tracker.models import TargetMeasure
from tracker.natural import chinese_number, sort_key
from tracker.rollups.figures import Pending
from tracker.timeutil import year_elapsed


@pytest.mark.parametrize("minutes, text", [(0, "0.0"), (30, "0.5"), (90, "1.5"), (2160, "36.0"),
                                           (7590, "126.5"), (20, "0.3"), (None, "")])
def test_hours_always_one_decimal(minutes, text):
    assert hours(minutes) == text


@pytest.mark.parametrize("part, whole, text", [(265, 1000, "26.5%"), (2, 3, "66.7%"),
                                               (13, 15, "86.7%"), (1, 1, "100.0%"),
                                               (11, 10, "110.0%"), (5, 0, "—")])
def test_rates_one_decimal_half_up(part, whole, text):
    assert percent(part, whole) == text


def test_money_and_counts():
    assert yuan(1_000_000) == "10,000.00" and yuan(652_100) == "6,521.00"
    assert amount(58, "人次") == "58人次" and amount(3, None) == "3"
    assert per_unit([(132, "处"), (0, "个"), (5, "户")]) == "132处、5户"


def test_a_total_lists_its_units_in_the_declared_order():
    # the closed units as declared (场, 次; 人次, 户, 人), a unit's visits after it; a
    # unit an admin typed after them all, in the order given (docs/design.md, "Categories")
    given = [(5, "户次"), (2, "棵"), (4, "人"), (5, "人次"), (1, "处"), (3, "户"), (2, "次"),
             (1, "场")]
    assert in_unit_order(given) == [(1, "场"), (2, "次"), (5, "人次"), (3, "户"), (5, "户次"),
                                    (4, "人"), (2, "棵"), (1, "处")]


@pytest.mark.parametrize("unit, measure, written", [
    # 受益 in 户 / 人 added up over the year's activities: visits, whatever their number
    ("户", TargetMeasure.beneficiaries, "户次"), ("人", TargetMeasure.beneficiaries, "人次"),
    ("人次", TargetMeasure.beneficiaries, "人次"),
    # every other measure keeps the category's own unit
    ("场", TargetMeasure.activities, "场"), ("次", TargetMeasure.activities, "次"),
    ("处", TargetMeasure.quantity, "处"), ("户", TargetMeasure.quantity, "户"),
    ("元", TargetMeasure.money, "元"),
])
def test_a_target_of_households_or_people_served_counts_visits(unit, measure, written):
    """docs/design.md, "Categories": a checklist target of 受益 in 户 or 人 is compared
    with the year's 受益 added up, so it and its progress are written 户次 / 人次."""
    assert target_unit(unit, measure) == written
    assert target_unit(unit, measure.value) == written  # as a row from the database


@pytest.mark.parametrize("value, unit, activities, distinct, written", [
    # one activity: its households / people, named or not
    (5, "户", 1, 5, "5户"), (5, "户", 1, None, "5户"), (4, "人", 1, None, "4人"),
    # a sum of several: visits, after the households / people when they are known
    (6, "户", 2, 3, "3户（6户次）"), (5, "户", 2, 5, "5户（5户次）"),
    (8, "人", 2, 4, "4人（8人次）"),
    (6, "户", 2, None, "6户次"), (8, "人", 2, None, "8人次"),
    # 人次 of trainees are visits already: nothing to count apart
    (58, "人次", 2, 30, "58人次"),
])
def test_a_sum_of_households_or_people_served(value, unit, activities, distinct, written):
    """docs/design.md, "Categories": 受益 in 户 or 人 over more than one activity is
    written in visits, with the distinct households / people first when every activity
    named its 服务对象 (``distinct``; None when one did not)."""
    assert served(value, unit, activities, distinct) == written


def test_the_pending_sentence():
    assert pending_sentence(Pending()) == ""
    pending = Pending(reports=2, person_times=8, minutes=720,
                      results=(("牛皮癣清除", 20, "处"),),
                      beneficiaries=(("电子商务培训", 22, "人次"), ("慰问“空巢”老人", 3, "人")))
    # Each 受益 figure names its category, as the results do: 22人次 trained, 3人 visited.
    assert pending_sentence(pending) == (
        "另有2份完成情况待审核（参与8人次，服务时长12.0小时，牛皮癣清除20处，"
        "电子商务培训受益22人次，慰问“空巢”老人受益3人），未计入以上数据。")
    assert pending_sentence(Pending(reports=1)) == "另有1份完成情况待审核，未计入以上数据。"


@pytest.mark.parametrize("text, value", [("一", 1), ("十", 10), ("十一", 11), ("二十", 20),
                                         ("二十三", 23), ("一百零五", 105), ("两千", 2000),
                                         ("一二", 12)])
def test_chinese_numbers(text, value):
    assert chinese_number(text) == value


def test_names_sort_naturally():
    names = ["十区", "二区", "一区", "三区", "十一区", "10号楼", "2号楼", "１号楼", "二十区"]
    assert sorted(names, key=sort_key) == ["一区", "１号楼", "二区", "2号楼", "三区", "十区",
                                           "10号楼", "十一区", "二十区"]
    assert sorted(["解放路社区", "建设路社区"], key=sort_key) == ["建设路社区", "解放路社区"]


# 时序进度: the share of the year passed, Asia/Shanghai days; 30 November is day 334 of
# 365 in 2026 (91.5%), day 335 of 366 in a leap year (91.5%).
@pytest.mark.parametrize("year, today, passed", [
    (2026, date(2026, 11, 30), (334, 365)),
    (2024, date(2024, 11, 30), (335, 366)),
    (2026, date(2026, 1, 1), (1, 365)),
    (2026, date(2026, 12, 31), (365, 365)),
    (2025, date(2026, 3, 1), (365, 365)),  # a past year has passed whole
    (2027, date(2026, 3, 1), (0, 365)),  # a coming one not at all
])
def test_share_of_the_year_passed(year, today, passed):
    assert year_elapsed(year, today) == passed


def test_year_elapsed_counts_days_in_asia_shanghai(monkeypatch):
    # 31 Dec 2026 17:00 UTC is already 1 Jan 2027 in China: 2026 has passed whole.
    monkeypatch.setattr(timeutil, "utcnow",
                        lambda: datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc))
    assert year_elapsed(2026) == (365, 365) and year_elapsed(2027) == (1, 365)


@pytest.mark.parametrize("done, target, reading, behind", [
    (46, 100, "慢于时序进度 45.5 个百分点", True),  # 46.0% done, 91.5% of the year gone
    (95, 100, "快于时序进度 3.5 个百分点", False),
    (183, 200, "与时序进度持平", False),  # 91.5% = 91.5%
    (100, 100, "已完成全年目标", False),
    (130, 100, "已完成全年目标", False),
])
def test_a_target_against_the_time_passed(done, target, reading, behind):
    # a November 2026 period read on 30 November
    pace = target_pace(done, target, date(2026, 11, 30), today=date(2026, 11, 30))
    assert (pace.schedule, pace.reading, pace.behind) == ("91.5%", reading, behind)


@pytest.mark.parametrize("done, reading, behind", [
    (46, "未完成全年目标", True),  # not 「慢于时序进度 54.0 个百分点」 against 100%
    (100, "已完成全年目标", False),
])
def test_a_year_over_reads_its_target_met_or_not(done, reading, behind):
    # the year 2025 read on 4 December 2026: the schedule is the whole year, no pace left
    pace = target_pace(done, 100, date(2025, 12, 31), today=date(2026, 12, 4))
    assert (pace.schedule, pace.reading, pace.behind) == ("100.0%", reading, behind)
    # the document's unspaced reading is the same words
    assert target_pace(done, 100, date(2025, 12, 31), today=date(2026, 12, 4),
                       spaced=False).reading == reading


def test_a_past_month_of_a_year_still_reads_its_pace():
    # November 2025 read a year later: the schedule stops on 30 November, 91.5%
    pace = target_pace(46, 100, date(2025, 11, 30), today=date(2026, 12, 4))
    assert (pace.schedule, pace.reading) == ("91.5%", "慢于时序进度 45.5 个百分点")


def test_no_target_no_pace():
    assert target_pace(5, 0, date(2026, 11, 30), today=date(2026, 11, 30)) is None


# 时序进度 beside a period's figures is read where the figures stop: a past period's last
# day, today while the period runs (review "funds2, open: 时序进度 as of today").
@pytest.mark.parametrize("last_day, today, schedule", [
    # the November 2026 月报 signed on 4 December: 30 November, day 334 of 365
    (date(2026, 11, 30), date(2026, 12, 4), "91.5%"),
    # the current month, December 2026, on 4 December: day 338 of 365 (92.60…%)
    (date(2026, 12, 31), date(2026, 12, 4), "92.6%"),
    # March 2025 read in December 2026: 31 March 2025, day 90 of 365 (24.65…%), not 100%
    (date(2025, 3, 31), date(2026, 12, 4), "24.7%"),
    # the year 2025 read in 2026: all of it
    (date(2025, 12, 31), date(2026, 12, 4), "100.0%"),
    # February 2024 (a leap year) read later: 29 February, day 60 of 366 (16.39…%)
    (date(2024, 2, 29), date(2026, 12, 4), "16.4%"),
    # a period of next year asked about today: none of its year has passed
    (date(2027, 1, 31), date(2026, 12, 4), "0.0%"),
])
def test_schedule_is_read_at_the_end_of_the_period(last_day, today, schedule):
    assert target_pace(1, 1000, last_day, today=today).schedule == schedule


def test_the_november_report_signed_in_december_reads_november():
    # 46 of 100 done by 30 November: 46.0% against 91.5%, not against 4 December's 92.6%
    pace = target_pace(46, 100, date(2026, 11, 30), today=date(2026, 12, 4))
    assert (pace.schedule, pace.reading) == ("91.5%", "慢于时序进度 45.5 个百分点")


def test_hours_are_written_from_minutes_by_one_rule():
    """A participation's hours come from ``formatting.hours`` / ``hours_value`` only:
    there is no second, unrounded minutes → hours on the model a template could reach
    for (80 minutes read 1.3333… there, 1.3 everywhere else)."""
    from tracker.models import Assignment

    assert not hasattr(Assignment, "hours")
    assert hours(80) == "1.3"
