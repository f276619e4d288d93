"""Time zone rules: store UTC, show Asia/Shanghai, group by the local service date."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
# The earliest day any form or import takes (fuzz38 F3): no page counts anything before
# it — the 月报, 年度总结 and 进展 pickers, the funds' and the checklists' years all start
# in its year — so an earlier date changes no figure and is most likely a typo (0224
# for 2024). One floor for the whole app (``cell_dates.TOO_EARLY`` says it); a field
# with a tighter one (补录申请's 90 days, a task's start within a year of today) keeps
# its own. Rows stored before it stay as they are, shown and kept when re-saved.
EARLIEST_DAY = date(2000, 1, 1)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def now_default() -> datetime:
    """A model column's ``default=``/``onupdate=`` stamp. ``default=utcnow`` would keep
    the function object found when the class is defined, so a test that sets the app's
    clock (``tests.clock.set_app_clock`` replaces this module's ``utcnow``) still got
    rows stamped by the machine's clock; this looks ``utcnow`` up when the row is
    written."""
    return utcnow()


def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(LOCAL_TZ)


def local_to_utc(value: datetime) -> datetime:
    """A naive wall-clock time typed in China → aware UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(timezone.utc)


def iso_local(value: date | datetime | None) -> str | None:
    """A value for a download a person reads (the personal-data copies): an instant as
    ISO 8601 in Beijing time with its offset (``2026-12-03T09:00:00+08:00``), the same
    time every page shows; a date as it is (already a local date)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return to_local(value).isoformat(timespec="seconds")
    return value.isoformat()


def local_today() -> date:
    return utcnow().astimezone(LOCAL_TZ).date()


def local_date(value: datetime) -> date:
    return to_local(value).date()


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First day of the month and first day of the next (half-open range)."""
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    return start, end


def year_elapsed(year: int, today: date | None = None) -> tuple[int, int]:
    """时序进度 of ``year``: the days of it passed by the end of today in Asia/Shanghai,
    and the number of its days (a past year has passed whole, a coming one not at all)."""
    today = today or local_today()
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    if today.year != year:
        return (days if today.year > year else 0), days
    return today.timetuple().tm_yday, days


def schedule_day(last_day: date, today: date | None = None) -> date:
    """The day 时序进度 is read at for a period ending on ``last_day`` (included): a
    period's figures count up to its end, so a past period's schedule stops on its last
    day (a November 月报 signed in December reads 30 November), while the period still
    running reads today."""
    return min(last_day, today or local_today())


def period_elapsed(last_day: date, today: date | None = None) -> tuple[int, int]:
    """时序进度 beside figures of a period ending on ``last_day``: ``year_elapsed`` of
    the period's year (the year of its last day) at ``schedule_day``."""
    return year_elapsed(last_day.year, schedule_day(last_day, today))
