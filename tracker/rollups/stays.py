"""A member's stays on the roll as SQL: which stay covers a day, and the unit a member
had on a day — what a unit's roll (``coverage``) and a member's work and claimed needs
(``reports.figures``, ``needs``) are counted by. Apart from ``coverage`` so that the
needs' rule can be read by the services (``summary_notes``, ``roll``) without the
figures' imports."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, and_, bindparam, cast, exists, extract, func, or_, select
from sqlalchemy.sql.elements import BindParameter

from ..models import CountedParticipation, Member, ReportStatus, RollPeriod


def covers(day) -> list:
    """WHERE conditions: a ``RollPeriod`` (a stay on a unit's roll) that includes
    ``day`` (from ``since``, unset: as far back as the records go, up to the day before
    ``until``, unset: still on it)."""
    return [or_(RollPeriod.since.is_(None), RollPeriod.since <= day),
            or_(RollPeriod.until.is_(None), RollPeriod.until > day)]


def unit_then(member_id, day, unit_now=None):
    """SQL: the unit of ``member_id`` on ``day`` — that of their stay on a unit's roll
    then, else the unit they are in now (off every roll: staff off it, 补录 before they
    joined). A member moved since keeps, for the days before, the unit they had.
    ``unit_now``: the unit they are in now as a column of the query (``Member.unit_id``,
    asked of ``Member`` rows, whose own id the lookup could not be correlated to)."""
    if unit_now is None:
        unit_now = (select(Member.unit_id).where(Member.id == member_id)
                    .correlate_except(Member).scalar_subquery())
    return func.coalesce(
        select(RollPeriod.unit_id).where(RollPeriod.member_id == member_id, *covers(day))
        .correlate_except(RollPeriod).scalar_subquery(), unit_now)


class BoundDay:
    """A day given when a statement is executed, not when it is built: its date and its
    year, month and ``period_of`` values as bound parameters (``day``, ``year``,
    ``month``, ``month_period``; ``params`` gives their values). A statement asked
    often of other days is built once with it and keeps SQLAlchemy's cache key
    (``summary_notes.closed_member_units``: building it anew cost ≈ 10 ms a write,
    most of a demo seeding's asking, issue 13). Used where a date is (``covers``,
    ``period_of``, ``day.year``); the SQL is the same as a date's."""

    def __init__(self) -> None:
        self.day = bindparam("day", type_=Date)
        self.year = bindparam("year", type_=Integer)
        self.month = bindparam("month", type_=Integer)
        self.month_period = bindparam("month_period", type_=Integer)

    def __clause_element__(self):
        return self.day

    @staticmethod
    def params(day: date) -> dict:
        return {"day": day, "year": day.year, "month": day.month,
                "month_period": day.year * 12 + day.month}


def period_of(value, by_month: bool):
    """The month (year × 12 + month) or the year of ``value`` — a date, a date column
    (SQL) or a ``BoundDay`` —: what the roll of a period's last day and its
    participations are matched by, without writing the last day out (SQLite and
    PostgreSQL build dates differently)."""
    if isinstance(value, BoundDay):
        return value.month_period if by_month else value.year
    if isinstance(value, date):
        return value.year * 12 + value.month if by_month else value.year
    year = cast(extract("year", value), Integer)
    return year * 12 + cast(extract("month", value), Integer) if by_month else year


def stay_at_end(stay, member_id, day, by_month: bool):
    """Join conditions: ``stay`` (an alias of ``RollPeriod``) is ``member_id``'s stay on
    the roll of the last day of ``day``'s month (``by_month``) or year — the roll that
    month's (year's) 参与情况 counts her in (``coverage.roll_day``: its last day; a
    signed month or year has ended, so today never comes before it). A stay covers the
    last day when it began in the period or before and ends after it."""
    period = period_of(day, by_month)
    return and_(stay.member_id == member_id,
                or_(stay.since.is_(None), period_of(stay.since, by_month) <= period),
                or_(stay.until.is_(None), period_of(stay.until, by_month) > period))


def took_part_in_period(member_id, day, by_month: bool, other_than=(), community_id=None):
    """SQL: ``member_id`` has a done participation in an approved activity of ``day``'s
    month (``by_month``) or year — in ``community_id``, when given — other than those of
    ``other_than`` (task ids): what ``coverage`` counts as having taken part
    (``_took_part``), so one more or one less of them changes nothing of her unit's
    参与 count and 未参与名单."""
    # a bound parameter: a list given when executed, never empty (``BoundDay``'s users)
    ids = other_than if isinstance(other_than, BindParameter) else sorted(set(other_than))
    return exists(select(CountedParticipation.task_id).where(
        CountedParticipation.member_id == member_id,
        CountedParticipation.report_status == ReportStatus.approved,
        period_of(CountedParticipation.service_date, by_month) == period_of(day, by_month),
        *([CountedParticipation.task_id.not_in(ids)]
          if isinstance(ids, BindParameter) or ids else []),
        *([CountedParticipation.community_id == community_id]
          if community_id is not None else [])))
