"""Reads a page shares between several of its figures (issue 14, the 月报 page).

The monthly summary shows the month's totals, the same per category and per "双创"
zone; asked of each rollup apart, the same rows are read several times: the totals
and the categories from ``counted_task`` twice, the distinct members four times
(overall, per category, per zone, over the zones), each a COUNT(DISTINCT) over the
month's participations of the whole county (the date index; a unit is its fifth
column). Here each is read once — as ONE statement object, which ``batch.fetch``
runs once however many plans hold it — and every grouping is worked out from the
rows. The figures are the same as the rollups' own (``tests/rollups/
test_shared_members.py``); ``figures_plan``, ``figures_by_category_plan`` and
``double_progress_plan`` take them as ``tasks=`` / ``members=``.
"""
from __future__ import annotations

import functools
import json

from sqlalchemy import select

from ..models import CountedParticipation, ReportStatus
from ..reference import double_category_ids
from ..sql_json import json_rows
from .batch import Plan, given, plan
from .figures import _by_category, _by_month, task_rows
from .scope import Scope, participation_conditions


def category_task_rows(scope: Scope) -> Plan:
    """``task_rows`` per category: for a page that shows both the categories and the
    totals, whose totals are these rows added up (``summed``)."""
    return task_rows(scope, _by_category)


def category_month_task_rows(scope: Scope) -> Plan:
    """``task_rows`` per month and category, in one statement: the 年度总结's months
    (``in_month``), each what ``category_task_rows`` of the month gives — the same
    conditions over the month's dates — without a statement per month."""
    return task_rows(scope, _by_month_and_category)


def _by_month_and_category(model) -> tuple:
    return (*_by_month(model), model.category_id)


def in_month(grouped: Plan, year: int, month: int) -> Plan:
    """``category_month_task_rows`` of one month, keyed by category as
    ``category_task_rows`` is, from the same statement."""
    def shape(rows) -> dict:
        # the month's rows picked before they are shaped: twelve months each shaping
        # the whole year's rows twice (totals, categories) cost more than reading them
        mine = [row for row in rows if row[1] == month and row[0] == year]
        return {key[2:]: values for key, values in grouped.shape(mine).items()}
    return given(grouped, {}, shape)


def summed(grouped: Plan) -> Plan:
    """A grouped ``task_rows`` plan added up over its groups, from the same statement:
    what ``task_rows(scope)`` gives without a grouping (every figure of it adds up;
    a scope without rows gives no group, which reads as zeros)."""
    def shape(*rowsets) -> dict:
        groups = grouped.shape(*rowsets)
        return {(): tuple(sum(values) for values in zip(*groups.values()))} if groups else {}
    return given(grouped, {}, shape)


def participants_part(scope: Scope):
    """The scope's counted participations as ONE row: each (category, zone, member,
    report status, whether the category is a "双创" one, service date, community —
    the key of work on no zone, ``double.zone_place``) in a JSON text
    (``sql_json.json_rows``). A page that needs the distinct members of several
    groupings of one scope (the 月报: overall, per category, per "双创" zone and over
    them; the 年度总结: those of the year and of each of its months) reads the rows
    once, as this one statement object, and counts each grouping from them
    (``members_plan``) instead of a COUNT(DISTINCT) statement per grouping, each
    reading the same rows again. One value, not a row each: in the page's combined
    statement every row is as wide as its widest part, and a year's 2,400
    participations read as rows were a third of the 年度总结's batch on SQLite,
    converted cell by cell."""
    return select(json_rows(
        CountedParticipation.category_id, CountedParticipation.zone_id,
        CountedParticipation.member_id, CountedParticipation.report_status,
        CountedParticipation.category_id.in_(double_category_ids()),
        CountedParticipation.service_date, CountedParticipation.community_id,
    )).where(*participation_conditions(scope))


# the columns of a row of ``participants_part``
_AT = {"": None, "category": 0, "zone": 1}
_MEMBER, _STATUS, _DOUBLE, _DAY, _COMMUNITY = 2, 3, 4, 5, 6
_APPROVED, _SUBMITTED = ReportStatus.approved.value, ReportStatus.submitted.value


def members_plan(part, by: str = "", *, double_only: bool = False,
                 month: tuple[int, int] | None = None) -> Plan:
    """What ``member_rows`` gives — {group key: (distinct members official, distinct
    members pending)} — counted from the rows of ``participants_part``: ``by`` is
    "" (no grouping), "category" or "zone" (keyed as ``double.zone_place``: the zone,
    and the community of work on no zone); ``double_only`` keeps the "双创"
    categories' rows only; ``month`` (year, month) those of one month of the part's
    period (the 年度总结's months, from the year's one read). Groups without a row
    are absent, as there."""
    at = _AT[by]

    def shape(rows) -> dict:
        if month is None:  # a copy: the counts are kept for the plans after this one
            return dict(_counted(rows[0][0], at, double_only, False))
        this = f"{month[0]:04d}-{month[1]:02d}"
        return {key[1:]: counts
                for key, counts in _counted(rows[0][0], at, double_only, True).items()
                if key[0] == this}

    return plan(part, shape=shape)


# The plans of one page each ask one grouping of the same read (the 年度总结's year
# and months: six groupings of 2,400 rows): the JSON is parsed once and each grouping
# counted once per text, whichever plan asks first. Keyed by the text itself, so a
# read that differs by one row is counted afresh; a few kept, as a text may be large
# (a community's year).
@functools.lru_cache(maxsize=2)
def _participations(text: str | None) -> list:
    return json.loads(text) if text else []


@functools.lru_cache(maxsize=8)
def _counted(text: str | None, at: int | None, double_only: bool, monthly: bool) -> dict:
    official: dict[tuple, set] = {}
    pending: dict[tuple, set] = {}
    for row in _participations(text):
        if double_only and not row[_DOUBLE]:
            continue
        key = () if at is None else (row[at],)
        if at == _AT["zone"]:  # work on no zone: its community's (``double.zone_place``)
            key = (row[at], row[_COMMUNITY] if row[at] is None else None)
        if monthly:  # the service date's year and month, "2026-03"
            key = (row[_DAY][:7], *key)
        approved = official.get(key)
        if approved is None:
            approved = official[key] = set()
            pending[key] = set()
        status = row[_STATUS]
        if status == _APPROVED:
            approved.add(row[_MEMBER])
        elif status == _SUBMITTED:
            pending[key].add(row[_MEMBER])
    return {key: (len(official[key]), len(pending[key])) for key in official}
