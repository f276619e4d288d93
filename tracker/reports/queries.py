"""Read-only lists of the reports pages: the units and communities the 月报 page
offers, as plans (``rollups.batch``) so they come in the summary's one statement;
built once, so that the page's whole batch is (``batch.built_once``). And the
communities of a unit's month, read with the month's words before the batch."""
from __future__ import annotations

from collections import namedtuple

from datetime import date

from sqlalchemy import or_, select

from ..lists import retired_name
from ..models import Community, RollPeriod, SummaryScope, Task, Unit
from ..reach import Reach
from ..services.summary_notes import reach_community_ids
from ..services.year_notes import year_reach
from ..rollups.batch import Plan, built_once, plan
from ..sql_json import json_rows_in_order, rows_of

# What a picker needs of a unit or community (the form's choices, the tabs).
Choice = namedtuple("Choice", "id name")


def active_units_plan(month: tuple[date, date] | None = None) -> Plan:
    """The units in use, in natural order, then those switched off that have work in
    ``month`` (a half-open range of dates; marked 已停用) or a roll in it (a member's
    stay on it overlapping the month: its 月报 counts them, walk8 #11): a past month's
    月报 of a unit switched off since stays one pick away."""
    def stayed(start: date, end: date):
        return select(RollPeriod.id).where(
            RollPeriod.unit_id == Unit.id,
            or_(RollPeriod.since.is_(None), RollPeriod.since < end),
            or_(RollPeriod.until.is_(None), RollPeriod.until > start)).exists()

    return built_once(("units", month), lambda: _listed(Unit, Task.unit_id, month,
                                                        also=stayed))


def communities_plan(reach: Reach, month: tuple[date, date] | None = None) -> Plan:
    """The communities in ``reach`` in use, in natural order, then those switched off
    that have work in ``month`` (marked 已停用)."""
    return built_once(("communities", reach, month), lambda: _listed(
        Community, Task.community_id, month, *reach.conditions(Community.id)))


def _listed(model, task_column, month, *conditions, also=None) -> Plan:
    """(id, name) of ``model``'s rows in natural order, as one row of the page's batch
    (``sql_json``). ``also(start, end)``: another reason to list a row switched off."""
    shown = model.active.is_(True)
    if month is not None:
        worked = select(Task.id).where(task_column == model.id, Task.service_date >= month[0],
                                       Task.service_date < month[1]).exists()
        shown = or_(shown, worked, *([also(*month)] if also is not None else []))
    return plan(json_rows_in_order(select(model.id, model.name, model.active)
                                   .where(shown, *conditions),
                                   model.active.desc(), model.sort_key, model.id),
                shape=lambda rows: [Choice(id_, name if active else retired_name(name))
                                    for id_, name, active in rows_of(rows[0][0])])


def unit_month_communities_value(unit_id: int, year: int, month: int):
    """The communities a unit's month touches, and those its signed document covers
    (``summary_notes.reach_community_ids``), switched off since or not, in natural
    order, as one value (a scalar subquery) of the statement that reads the month's
    words before the page's batch (``final.words_and_signed_copy``): whether a liaison
    sees the whole unit costs the page no statement of its own, and the batch then asks
    for the part or for the whole, never both. ``communities_of`` reads it."""
    touched = select(Community.id, Community.name).where(
        Community.id.in_(reach_community_ids(unit_id, year, month)))
    return json_rows_in_order(touched, Community.sort_key, Community.id).scalar_subquery()


def unit_year_communities_value(unit_id: int, year: int):
    """The communities of a unit's year (``year_notes.year_reach``: each month begun as
    the 月报 reaches it, and those the year's signed document covers), in natural
    order, as one value (a scalar subquery) of another statement, as
    ``unit_month_communities_value`` is of a month: 参与情况's 我联系的全部社区 of a
    year reads it with its pickers, not in a statement of its own. ``communities_of``
    reads it."""
    touched = select(Community.id, Community.name).where(
        year_reach(SummaryScope(unit_id), year))
    return json_rows_in_order(touched, Community.sort_key, Community.id).scalar_subquery()


def communities_of(value: str | None) -> list[Choice]:
    """``unit_month_communities_value`` (or ``unit_year_communities_value``) as read:
    (id, name) in natural order."""
    return [Choice(id_, name) for id_, name in rows_of(value)]
