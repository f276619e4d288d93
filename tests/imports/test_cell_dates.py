"""A date in a spreadsheet cell, however Excel or WPS and the person typing wrote it, is
read the same way by both imports: the 台账's 日期 (bulk 补录) and the member list's
自何日起. Each form goes through each import's own entry points — the file read, the
preview, the import — and the day the import writes is the one stated here; an
impossible date or a word is refused on its row, naming the column."""
from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from tests.clock import set_app_clock
from tests.imports.helpers import HEADER, xlsx_bytes
from tests.imports.test_ledger_import_service import (
    errors_by_line,
    imported,
    preview,
    row,
    sheet,
)
from tracker.extensions import db
from tracker.models import Member, Task
from tracker.services import member_import as mi
from tracker.services.cell_dates import NotADay, read_day

# Every way 5 October 2022 reaches an import.
FIFTH_OF_OCTOBER = [
    pytest.param(datetime(2022, 10, 5), id="date cell"),
    pytest.param(datetime(2022, 10, 5, 0, 0), id="date-and-time cell at midnight"),
    pytest.param(44839, id="serial number (a date cell formatted 常规)"),
    pytest.param(44839.5, id="serial number with a time"),
    pytest.param("44839", id="serial number stored as text"),
    pytest.param("2022-10-05", id="ISO"),
    pytest.param("2022/10/5", id="slashes"),
    pytest.param("2022.10.5", id="dots"),
    pytest.param("2022年10月5日", id="年月日"),
    pytest.param("2022 年 10 月 5 日", id="年月日 with blanks"),
    pytest.param("２０２２－１０－０５", id="full-width digits"),
    pytest.param("２０２２年１０月５日", id="full-width 年月日"),
    pytest.param("  2022-10-05　", id="surrounding spaces"),
    pytest.param("2022-10-05 00:00:00", id="trailing time"),
    pytest.param("2022/10/5 0:00", id="WPS date and time"),
    # eight digits: year, month, day
    pytest.param(20221005, id="eight digits in a number cell"),
    pytest.param(20221005.0, id="eight digits in a number cell, as a float"),
    pytest.param("20221005", id="eight digits as text"),
    # a two-digit year is 20YY, where it cannot be a year written last: with 年, or
    # with a one-digit day last
    pytest.param("22-10-5", id="two-digit year"),
    pytest.param("22/10/5", id="two-digit year, slashes"),
    pytest.param("22年10月5日", id="two-digit year, 年月日"),
    pytest.param("22年10月05日", id="two-digit year, 年月日, two-digit day"),
    # the weekday after the date (5 October 2022 was a Wednesday)
    pytest.param("2022年10月5日星期三", id="weekday 星期三"),
    pytest.param("2022-10-05 周三", id="weekday 周三"),
    pytest.param("2022/10/5(星期三)", id="weekday in brackets"),
    pytest.param("2022年10月5日（星期三）", id="weekday in full-width brackets"),
    pytest.param("2022.10.5 礼拜三", id="weekday 礼拜三"),
    pytest.param("20221005星期三", id="eight digits and the weekday"),
]
# (typed, the message of the ledger's 日期 and of the member list's 自何日起, after the name)
REFUSED = [
    pytest.param("2022-02-30", "“2022-02-30”不是有效日期：2022年2月没有30日。", id="30 February"),
    pytest.param("2022-13-01", "“2022-13-01”不是有效日期：没有13月。", id="month 13"),
    pytest.param("十月五日", "“十月五日”无法识别，请填写日期，如2026-10-05。", id="words"),
    pytest.param(12345, "“12345”无法识别，请填写日期，如2026-10-05。", id="serial of 1933"),
    pytest.param("2022-10-05 下午", "“2022-10-05 下午”无法识别，请填写日期，如2026-10-05。",
                 id="not a time after it"),
    pytest.param(20221332, "“20221332”不是有效日期：没有13月。", id="eight digits, month 13"),
    pytest.param("20220230", "“20220230”不是有效日期：2022年2月没有30日。",
                 id="eight digits, 30 February"),
    pytest.param("22年2月30日", "“22年2月30日”不是有效日期：2022年2月没有30日。",
                 id="two-digit year, 30 February"),
    pytest.param("2022年10月5日星期一", "“2022年10月5日星期一”中的星期与日期不符：2022-10-05是星期三。请核对日期。",
                 id="a weekday not the date's"),
    pytest.param("5/10/22", "“5/10/22”无法识别，请填写日期，如2026-10-05。",
                 id="the year last"),
    # two digits first and last: 5 October 2022 written month first, 22/10/05 or 2010?
    pytest.param("10/5/22", "“10/5/22”的年份不明确（年份在前还是在后？），请写四位年份，如2026-10-05。",
                 id="two digits first and last, month first"),
    pytest.param("12/1/22", "“12/1/22”的年份不明确（年份在前还是在后？），请写四位年份，如2026-10-05。",
                 id="two digits first and last, 1 December or 12 January"),
    pytest.param("22/10/05", "“22/10/05”的年份不明确（年份在前还是在后？），请写四位年份，如2026-10-05。",
                 id="two digits first and last, year first"),
    pytest.param(2022105, "“2022105”无法识别，请填写日期，如2026-10-05。", id="seven digits"),
]

WITH_DAY = [*HEADER, "自何日起"]


@pytest.fixture
def today(monkeypatch):
    """It is noon of 2 December 2025 for the whole application
    (``tests.clock.set_app_clock``)."""
    set_app_clock(monkeypatch, date(2025, 12, 2), at=time(12))


def member_preview(typed):
    parsed = mi.parse_rows(mi.read_table("members.xlsx", xlsx_bytes(
        [("新同志", "13712345699", "县商务局", "", "", "", "", typed)], header=WITH_DAY)))
    assert not parsed.file_errors, parsed.file_errors
    return parsed


@pytest.mark.parametrize("typed", FIFTH_OF_OCTOBER)
def test_the_member_import_reads_every_form_as_the_same_day(world, today, typed):
    parsed = member_preview(typed)
    checked = mi.check_rows(parsed.rows, world.admin)
    assert checked.ok, [r.errors for r in checked.error_rows]
    mi.import_members(world.admin, checked.rows)
    db.session.commit()
    new = db.session.scalar(select(Member).where(Member.phone == "13712345699"))
    assert [(p.unit.name, p.since, p.until) for p in new.roll_history] == [
        ("县商务局", date(2022, 10, 5), None)]


@pytest.mark.parametrize("typed", FIFTH_OF_OCTOBER)
def test_the_ledger_import_reads_every_form_as_the_same_day(october, cleanup_category, today,
                                                            typed):
    # the clock set (``today``): a 补录's day must be over by now (on 1 October 2022 this
    # row is refused), so the machine's day must not decide
    data = sheet([row(october, october.members["郑某某"], leader="是", category=cleanup_category,
                      day=typed)])
    checked = preview(october.liaison, data)
    assert errors_by_line(checked) == {}
    assert [r.shown_day for r in checked.rows] == ["2022-10-05"]
    imported(october.liaison, data)
    task = db.session.scalar(select(Task).where(Task.title == "补录活动"))
    assert task.service_date == date(2022, 10, 5)


@pytest.mark.parametrize(("typed", "message"), REFUSED)
def test_the_member_import_refuses_what_is_no_day_on_its_row(world, today, typed, message):
    checked = mi.check_rows(member_preview(typed).rows, world.admin)
    assert [(r.line, r.errors) for r in checked.error_rows] == [(2, ["自何日起" + message])]
    with pytest.raises(mi.ServiceError):
        mi.import_members(world.admin, checked.rows)


@pytest.mark.parametrize(("typed", "message"), REFUSED)
def test_the_ledger_import_refuses_what_is_no_day_on_its_row(
        october, cleanup_category, typed, message):
    data = sheet([row(october, october.members["郑某某"], leader="是", category=cleanup_category,
                      day=typed)])
    assert errors_by_line(preview(october.liaison, data)) == {2: ["日期" + message]}


@pytest.mark.parametrize(("typed", "day"), [
    ("20261005", date(2026, 10, 5)),
    ("20000101", date(2000, 1, 1)),
    ("26-10-5", date(2026, 10, 5)),           # a one-digit day last: 26 is the year, 20YY
    ("26/10/5", date(2026, 10, 5)),
    ("26年10月5日", date(2026, 10, 5)),        # 年 says which is the year
    ("26年10月05日", date(2026, 10, 5)),
    ("99年12月31日", date(2099, 12, 31)),      # not 1999: the sheets are this century's
    ("05年10月26日", date(2005, 10, 26)),
    ("2026年10月5日星期一", date(2026, 10, 5)),  # a Monday
    ("2026-10-05 周一 09:00", date(2026, 10, 5)),
    ("2026年10月4日星期日", date(2026, 10, 4)),  # Sunday is 日 …
    ("2026年10月4日星期天", date(2026, 10, 4)),  # … or 天
    ("2026/10/4 周日", date(2026, 10, 4)),
    ("2026.10.4（礼拜天）", date(2026, 10, 4)),
])
def test_eight_digits_two_digit_years_and_weekdays_read_as_the_day_they_say(typed, day):
    assert read_day(typed) == day


@pytest.mark.parametrize("typed", ["10/5/22", "12/1/22", "31/12/22", "11/30/22", "26/10/05",
                                   "05/10/26", "26-10-05", "26.10.05 星期一"])
def test_two_digits_first_and_last_are_refused_asking_for_a_four_digit_year(typed):
    """10/5/22 is 5 October 2022 written month first, or 22 May 2010 year first; 05/10/26
    5 October 2026 written day first, or 26 October 2005: without 年 nothing says which
    part is the year."""
    with pytest.raises(NotADay) as refused:
        read_day(typed)
    assert refused.value.message("日期") == (
        f"日期“{typed}”的年份不明确（年份在前还是在后？），请写四位年份，如2026-10-05。")


@pytest.mark.parametrize("typed", ["2026-10-05 星期日", "2026-10-04 周一", "20261005礼拜二"])
def test_a_weekday_that_is_not_the_dates_own_is_refused_naming_the_dates_weekday(typed):
    with pytest.raises(NotADay) as refused:
        read_day(typed)
    weekday = "星期一" if refused.value.day == date(2026, 10, 5) else "星期日"
    assert refused.value.message("日期") == (
        f"日期“{typed}”中的星期与日期不符：{refused.value.day.isoformat()}是{weekday}。请核对日期。")
