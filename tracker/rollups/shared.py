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

from sqlalchemy import select

from ..models import CountedParticipation, ReportStatus
from ..reference import double_category_ids
from .batch import Plan, plan
from .figures import _by_category, task_rows
from .scope import Scope, participation_conditions


def category_task_rows(scope: Scope) -> Plan:
    """``task_rows`` per category: for a page that shows both the categories and the
    totals, whose totals are these rows added up (``summed``)."""
    return task_rows(scope, _by_category)


def summed(grouped: Plan) -> Plan:
    """A grouped ``task_rows`` plan added up over its groups, from the same statement:
    what ``task_rows(scope)`` gives without a grouping (every figure of it adds up;
    a scope without rows gives no group, which reads as zeros)."""
    def shape(*rowsets) -> dict:
        groups = grouped.shape(*rowsets)
        return {(): tuple(sum(values) for values in zip(*groups.values()))} if groups else {}
    return Plan(grouped.parts, shape)


def participants_part(scope: Scope):
    """The scope's counted participations, one row each: (category, zone, member,
    report status, whether the category is a "双创" one). A page that needs the
    distinct members of several groupings of one scope (the 月报: overall, per
    category, per "双创" zone and over them) reads the rows once, as this one
    statement object, and counts each grouping from them (``members_plan``) instead
    of a COUNT(DISTINCT) statement per grouping, each reading the same rows again."""
    return select(
        CountedParticipation.category_id, CountedParticipation.zone_id,
        CountedParticipation.member_id, CountedParticipation.report_status,
        CountedParticipation.category_id.in_(double_category_ids()),
    ).where(*participation_conditions(scope))


def members_plan(part, by: str = "", *, double_only: bool = False) -> Plan:
    """What ``member_rows`` gives — {group key: (distinct members official, distinct
    members pending)} — counted from the rows of ``participants_part``: ``by`` is
    "" (no grouping), "category" or "zone"; ``double_only`` keeps the "双创"
    categories' rows only. Groups without a row are absent, as there."""
    at = {"": None, "category": 0, "zone": 1}[by]

    def shape(rows) -> dict:
        official: dict[tuple, set] = {}
        pending: dict[tuple, set] = {}
        for row in rows:
            if double_only and not row[4]:
                continue
            key = () if at is None else (row[at],)
            official.setdefault(key, set())
            pending.setdefault(key, set())
            if row[3] == ReportStatus.approved:
                official[key].add(row[2])
            elif row[3] == ReportStatus.submitted:
                pending[key].add(row[2])
        return {key: (len(official[key]), len(pending[key])) for key in official}

    return plan(part, shape=shape)
