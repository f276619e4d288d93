"""Reading a spreadsheet cell as a date — one reading for every import.

A bureau's sheets come from Excel and WPS with dates typed every way. A cell reaches
an import as text (a date cell already written as 2026-10-05, see the imports'
``_text``/``_cell``); ``read_day`` reads:

- 2026-10-05, 2026/10/5, 2026.10.5, 2026年10月5日 (blanks around the parts allowed);
- full-width digits and separators as a Chinese input method types them (NFKC);
- a trailing time, as a date-and-time cell or WPS writes it (2026/10/5 0:00:00);
- Excel's serial number, what a date cell formatted 常规 shows (46300 is 2026-10-05;
  46300.5 its noon), for 2000 to 2099 only: any other number is no date.

An impossible date (2026-02-30, month 13) is refused, saying why.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug included)
SERIAL_FROM, SERIAL_TO = 36526, 73051  # 2000-01-01 … 2099-12-31 (exclusive)
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_TIME = r"(?:\s*[T\s]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?" + _TIME + "$")


class NotADay(ValueError):
    """The cell is no date; ``message(column)`` says so for a row of the preview."""

    def __init__(self, text: str, parts: tuple[int, int, int] | None = None):
        super().__init__(text)
        self.text, self.parts = text, parts  # parts: a date's shape, but impossible

    def message(self, column: str) -> str:
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
    if match is None:
        raise NotADay(shown)
    parts = tuple(int(g) for g in match.groups())
    try:
        return date(*parts)
    except ValueError:
        raise NotADay(shown, parts) from None


def day_or_none(text: str | None) -> date | None:
    """``read_day`` for what only shows or groups a row (its shown date, the activity it
    belongs to): None when the cell is no date — its row error says why."""
    try:
        return read_day(text)
    except NotADay:
        return None
