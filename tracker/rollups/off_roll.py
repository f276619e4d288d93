"""Who of a view's 参与党员 is counted in no unit's 参与情况: on no roll on any day of
the period — a liaison, an admin (计入参与统计 否) ticked on a 补录. Work done is work
done: they are in the view's 参与党员, and the view says how many of them there are, in
the words of the 月报's lead (「19人，其中不计入参与统计的1人」, ``narrative.people_text``),
so that it reads beside 参与情况, which does not count them (walk55). The 工作台's
card and “双创”进展 say it of their own 参与党员 (the latter of its categories' work)."""
from __future__ import annotations

from sqlalchemy import distinct, func, select

from ..models import (
    CountedDoubleMemberAnyYear,
    CountedMemberYear,
    CountedParticipation,
    ReportStatus,
)
from ..reference import double_category_ids
from . import kept
from .batch import Plan, plan
from .coverage import on_roll_during
from .scope import Scope, participation_conditions


def off_roll_plan(scope: Scope, *, double_only: bool = False) -> Plan:
    """Of the scope's distinct members with approved work, those on no unit's roll on
    any day of the period up to its roll day (``coverage.on_roll_during`` of any unit):
    the 月报 of a unit counts the unit's own such people as 不计入参与统计
    (``reports.figures._people_apart_plan``), a page of several units every one. One
    statement; the whole county over a year reads its members from the kept rows
    (``CountedMemberYear``, one per member), as its 参与党员 does (``kept.member_rows``).
    ``double_only``: of the "双创" categories' work only, the people “双创”进展's
    参与党员 counts (``double.double_progress_plan``; the county's year from
    ``CountedDoubleMemberAnyYear``, as ``kept.double_member_rows`` counts them)."""
    year = kept.county_year(scope)
    if year is not None:
        table = CountedDoubleMemberAnyYear if double_only else CountedMemberYear
        people = select(table.member_id.label("member_id")).where(
            table.year == year, table.report_status == ReportStatus.approved)
    else:
        only = ((CountedParticipation.category_id.in_(double_category_ids()),)
                if double_only else ())
        people = select(distinct(CountedParticipation.member_id).label("member_id")).where(
            *participation_conditions(scope), *only,
            CountedParticipation.report_status == ReportStatus.approved)
    people = people.subquery("people")
    return plan(
        select(func.count()).select_from(people).where(
            ~on_roll_during(people.c.member_id, None, scope.date_from, scope.date_to)),
        shape=lambda rows: int(rows[0][0]))
