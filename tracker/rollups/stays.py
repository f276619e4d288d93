"""A member's stays on the roll as SQL: which stay covers a day, and the unit a member
had on a day — what a unit's roll (``coverage``) and a member's work and claimed needs
(``reports.figures``, ``needs``) are counted by. Apart from ``coverage`` so that the
needs' rule can be read by the services (``summary_notes``, ``roll``) without the
figures' imports."""
from __future__ import annotations

from sqlalchemy import func, or_, select

from ..models import Member, RollPeriod


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
