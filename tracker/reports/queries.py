"""Read-only lists of the reports pages: the units and communities the 月报 page
offers, as plans (``rollups.batch``) so they come in the summary's one statement;
built once, so that the page's whole batch is (``batch.built_once``)."""
from __future__ import annotations

from collections import namedtuple

from sqlalchemy import select

from ..models import Community, Unit
from ..reach import Reach
from ..services.summary_notes import unit_month_community_ids
from ..rollups.batch import Plan, built_once, plan
from ..sql_json import json_rows_in_order, rows_of

# What a picker needs of a unit or community (the form's choices, the tabs).
Choice = namedtuple("Choice", "id name")


def active_units_plan() -> Plan:
    """The active units, in natural order."""
    return built_once("active units", lambda: _listed(Unit, Unit.active.is_(True)))


def communities_plan(reach: Reach) -> Plan:
    """The active communities in ``reach``, in natural order."""
    return built_once(("active communities", reach), lambda: _listed(
        Community, Community.active.is_(True), *reach.conditions(Community.id)))


def _listed(model, *conditions) -> Plan:
    """(id, name) of ``model``'s rows in natural order, as one row of the page's batch
    (``sql_json``)."""
    return plan(json_rows_in_order(select(model.id, model.name).where(*conditions),
                                   model.sort_key, model.id),
                shape=lambda rows: [Choice(id_, name) for id_, name in rows_of(rows[0][0])])


def unit_month_communities_plan(unit_id: int, year: int, month: int) -> Plan:
    """The communities a unit's month touches (``summary_notes.unit_month_community_ids``),
    in natural order, as one row of the page's batch: whether a liaison sees the whole
    unit costs the page no statement of its own."""
    return _listed(Community, Community.id.in_(unit_month_community_ids(unit_id, year, month)))
