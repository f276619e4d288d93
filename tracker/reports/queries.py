"""Read-only lists of the reports pages: the units and communities the 月报 page
offers, as plans (``rollups.batch``) so they come in the summary's one statement;
built once, so that the page's whole batch is (``batch.built_once``)."""
from __future__ import annotations

from collections import namedtuple

from sqlalchemy import select

from ..models import Community, Unit
from ..rollups.batch import Plan, built_once, plan

# What a picker needs of a unit or community (the form's choices, the tabs).
Choice = namedtuple("Choice", "id name")


def _choices(rows) -> list[Choice]:
    return [Choice(*row) for row in rows]


def active_units_plan() -> Plan:
    """The active units, in natural order."""
    return built_once("active units", lambda: plan(
        select(Unit.id, Unit.name).where(Unit.active.is_(True))
        .order_by(Unit.sort_key, Unit.id), shape=_choices))


def communities_plan(reach: set[int] | None) -> Plan:
    """The active communities in ``reach`` (``None``: all), in natural order."""
    ids = tuple(sorted(reach)) if reach is not None else None
    return built_once(("active communities", ids), lambda: _communities_plan(ids))


def _communities_plan(ids: tuple[int, ...] | None) -> Plan:
    query = select(Community.id, Community.name).where(Community.active.is_(True))
    if ids is not None:
        query = query.where(Community.id.in_(ids))
    return plan(query.order_by(Community.sort_key, Community.id), shape=_choices)
