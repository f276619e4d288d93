"""Reading a spreadsheet cell as a date — one reading for every import.

A bureau's sheets come from Excel and WPS with dates typed every way. A cell reaches
an import as text (a date cell already written as 2026-10-05, see the imports'
``_text``/``_cell``); ``read_day`` reads:

- 2026-10-05, 2026/10/5, 2026.10.5, 2026年10月5日 (blanks around the parts allowed);
- a two-digit year, always 20YY (the sheets are this century's work), only where it
  cannot be a year written last: with 年 (26年10月5日, 26年10月05日), or when the last part
  has one digit (26-10-5, 26/10/5, 26.10.5: a year is never one digit). Two digits first
  and two last without 年 (10/5/22, 26/10/05, 05/10/26) may be a year first or a year
  last (month or day first: 5 October 2022, written 10/5/22 or 05/10/22), and is refused
  as ambiguous, asking for a four-digit year;
- eight digits, 20261005, as text or as a number cell (an int, or a float openpyxl
  gives for a 常规 cell): year, month, day, for the years 1900 to 2099;
- full-width digits and separators as a Chinese input method types them (NFKC);
- the weekday after the date, as Excel's and WPS's long date formats write it or a
  clerk types it: 2026年10月5日星期一, 2026-10-05 周一, 2026/10/5（星期一）, 礼拜一
  (星期日, 星期天, 周日 … for Sunday). It must be the date's own: a weekday that does not
  match says the date is probably mistyped, and the cell is refused saying so;
- a trailing time, as a date-and-time cell or WPS writes it (2026/10/5 0:00:00);
- Excel's serial number, what a date cell formatted 常规 shows (46300 is 2026-10-05;
  46300.5 its noon), for 2000 to 2099 only: any other number is no date.

An impossible date (2026-02-30, month 13, 20261332) is refused, saying why. What could
be read more than one way stays refused: a year last (5/10/2026, 5/10/26 — day or
month first?), a two-digit year that may be first or last (above), a number of any
length but five (a serial) or eight.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta

from ..i18n import lazy_gettext as _l
from ..timeutil import EARLIEST_DAY

EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug included)
SERIAL_FROM, SERIAL_TO = 36526, 73051  # 2000-01-01 … 2099-12-31 (exclusive)
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_TIME = r"(?:\s*[T\s]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
# 星期一, 周一, 礼拜一, in brackets or not (full-width ones are ASCII after NFKC)
_WEEKDAY = r"(?:\s*\(?\s*(?:星期|周|礼拜)\s*([一二三四五六日天])\s*\)?)?"
_DAY = re.compile(r"^(\d{4}|\d{2})\s*([-/.年])\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                  + _WEEKDAY + _TIME + "$")
_EIGHT = re.compile(r"^((?:19|20)\d{2})(\d{2})(\d{2})" + _WEEKDAY + _TIME + "$")
# the typed weekday's number, date.weekday()'s: Monday 0 … Sunday 6
WEEKDAY_NUMBERS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
WEEKDAY_NAMES = [_l("星期一"), _l("星期二"), _l("星期三"), _l("星期四"), _l("星期五"),
                 _l("星期六"), _l("星期日")]

# A date before ``EARLIEST_DAY``, refused where it is typed (a form's field, a sheet's
# row), saying the floor and why. A roll's date (自何日起, 更正日期) may truly be earlier
# (on a bureau's roll since 1990): the floor itself counts the same, so it says so —
# after the year to check first: 0224 is a mistyped 2024, not 2000 (walk11 #4).
TOO_EARLY = _l("日期不能早于%(day)s（本系统不统计更早的工作），请检查年份。",
               day=EARLIEST_DAY.isoformat())
ROLL_TOO_EARLY = _l("日期不能早于%(day)s，请检查年份；如确实更早，请填%(day)s（更早的日期不改变任何统计）。",
                    day=EARLIEST_DAY.isoformat())


def too_early(day: date | None) -> bool:
    """Whether ``day`` is before the floor every form and import keeps (``EARLIEST_DAY``)."""
    return day is not None and day < EARLIEST_DAY


def early_cell(column: str, text: str, message=TOO_EARLY) -> str:
    """An import row's refusal of a date cell before the floor, in the form's words."""
    return on_cell(column, text, message)


def on_cell(column: str, text: str, message) -> str:
    """An import row's refusal of a cell in a form's words (「此项」 on the form): the
    column and what it holds named first."""
    return str(_l("%(column)s“%(value)s”：%(message)s", column=column, value=text.strip(),
                  message=message))


class NotADay(ValueError):
    """The cell is no date; ``message(column)`` says so for a row of the preview."""

    def __init__(self, text: str, parts: tuple[int, int, int] | None = None,
                 day: date | None = None, *, ambiguous_year: bool = False):
        super().__init__(text)
        self.text, self.parts = text, parts  # parts: a date's shape, but impossible
        self.day = day  # a real date, with a weekday typed after it that is not its own
        self.ambiguous_year = ambiguous_year  # two digits first and last: which is the year?

    def message(self, column: str) -> str:
        if self.ambiguous_year:
            return str(_l("%(column)s“%(value)s”的年份不明确（年份在前还是在后？），"
                          "请写四位年份，如2026-10-05。", column=column, value=self.text))
        if self.day is not None:
            return str(_l("%(column)s“%(value)s”中的星期与日期不符：%(day)s是%(weekday)s。"
                          "请核对日期。", column=column, value=self.text,
                          day=self.day.isoformat(), weekday=WEEKDAY_NAMES[self.day.weekday()]))
        if self.parts is not None:
            year, month, day = self.parts
            if 1 <= month <= 12:
                return str(_l("%(column)s“%(value)s”不是有效日期：%(year)d年%(month)d月没有%(day)d日。",
                              column=column, value=self.text, year=year, month=month,
                              day=day))
            return str(_l("%(column)s“%(value)s”不是有效日期：没有%(month)d月。",
                          column=column, value=self.text, month=month))
        return str(_l("%(column)s“%(value)s”无法识别，请填写日期，如2026-10-05。",
                      column=column, value=self.text))


def read_day(text: str | None) -> date | None:
    """The date the cell's text means; None when it is empty; ``NotADay`` otherwise."""
    shown = (text or "").strip()
    text = unicodedata.normalize("NFKC", shown).strip()
    if not text:
        return None
    if _SERIAL.match(text):
        serial = int(float(text))
        if SERIAL_FROM <= serial < SERIAL_TO:
            return EXCEL_EPOCH + timedelta(days=serial)
        raise NotADay(shown)
    match = _DAY.match(text)
    if match is not None:
        year, after_year, month, day, weekday = match.groups()
        if len(year) == 2 and after_year != "年" and len(day) == 2:
            raise NotADay(shown, ambiguous_year=True)  # 10/5/22: 2010 or 2022?
    else:
        match = _EIGHT.match(text)
        if match is None:
            raise NotADay(shown)
        year, month, day, weekday = match.groups()
    parts = (int(year) + 2000 if len(year) == 2 else int(year), int(month), int(day))
    try:
        found = date(*parts)
    except ValueError:
        raise NotADay(shown, parts) from None
    if weekday is not None and WEEKDAY_NUMBERS[weekday] != found.weekday():
        raise NotADay(shown, day=found)
    return found


def day_or_none(text: str | None) -> date | None:
    """``read_day`` for what only shows or groups a row (its shown date, the activity it
    belongs to): None when the cell is no date — its row error says why."""
    try:
        return read_day(text)
    except NotADay:
        return None


# A date, then a time of day as a clock shows it (9:00, 09:00:00), blanks or a T between
# (after NFKC: full-width digits, colon and T are ASCII).
_MOMENT = re.compile(r"^(.+?)[T\s]*(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def read_moment(text: str | None) -> datetime | None:
    """A date and a time of day, the date read as ``read_day`` reads one (a form's
    开始时间 typed 「2026/12/10 9:00」, 「2026年12月10日 9:00」, 「２０２６－１２－１０Ｔ０９：００」);
    None when empty; ``NotADay`` when there is no date or no time of day in it."""
    shown = (text or "").strip()
    text = unicodedata.normalize("NFKC", shown).strip()
    if not text:
        return None
    match = _MOMENT.match(text)
    if match is None:
        raise NotADay(shown)
    day_text, hour, minute, second = match.groups()
    try:
        day = read_day(day_text)
    except NotADay:
        raise NotADay(shown) from None
    if day is None or int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59:
        raise NotADay(shown)
    return datetime.combine(day, time(int(hour), int(minute), int(second or 0)))
