"""Read-only lists of the reports pages: the units and communities the 月报 page
offers, as plans (``rollups.batch``) so they come in the summary's one statement."""
from __future__ import annotations

from collections import namedtuple

from sqlalchemy import select

from ..models import Community, Unit
from ..rollups.batch import Plan, plan

# What a picker needs of a unit or community (the form's choices, the tabs).
Choice = namedtuple("Choice", "id name")


def _choices(rows) -> list[Choice]:
    return [Choice(*row) for row in rows]


def active_units_plan() -> Plan:
    """The active units, in natural order."""
    return plan(select(Unit.id, Unit.name).where(Unit.active.is_(True))
                .order_by(Unit.sort_key, Unit.id), shape=_choices)


def communities_plan(reach: set[int] | None) -> Plan:
    """The active communities in ``reach`` (``None``: all), in natural order."""
    query = select(Community.id, Community.name).where(Community.active.is_(True))
    if reach is not None:
        query = query.where(Community.id.in_(reach))
    return plan(query.order_by(Community.sort_key, Community.id), shape=_choices)
