"""Reporting periods as half-open ranges of local dates (the rollups' Scope dates)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from ..i18n import month_name
from ..timeutil import month_bounds


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year | range
    date_from: date  # inclusive
    date_to: date  # exclusive
    label: str

    @property
    def last_day(self) -> date:
        return self.date_to - timedelta(days=1)

    @property
    def year(self) -> int:
        return self.last_day.year

    @property
    def month_arg(self) -> str | None:
        """'2025-10' for a month (the findings register's month filter), else None."""
        return f"{self.date_from:%Y-%m}" if self.kind == "month" else None


def so_far_note(period: Period, today: date) -> str | None:
    """The line a period not yet over needs beside its figures, or None: they count up
    to today, so on 1 January a year's 0.0% and everyone 未参与 is a year just begun,
    not a year nobody worked."""
    if today < period.date_from:
        return _("该期间尚未开始。")
    if today < period.date_to:  # its last day included: the day is not over either
        return _("统计至今天，该期间尚未结束。")
    return None


def month_period(year: int, month: int) -> Period:
    start, end = month_bounds(year, month)
    return Period("month", start, end, month_name(year, month))


def quarter_period(year: int, quarter: int) -> Period:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return Period("quarter", start, end, _("%(y)s年第%(q)s季度", y=year, q=quarter))


def year_period(year: int) -> Period:
    return Period("year", date(year, 1, 1), date(year + 1, 1, 1), _("%(y)s年", y=year))


def range_period(first: date, last: date) -> Period:
    """From ``first`` to ``last``, both days included."""
    return Period("range", first, last + timedelta(days=1),
                  _("%(a)s 至 %(b)s", a=first.isoformat(), b=last.isoformat()))


def previous_month(day: date) -> tuple[int, int]:
    return (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)
