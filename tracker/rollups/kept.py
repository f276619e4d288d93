"""The county-wide figures of whole months from the kept summaries.

``CountedMonth`` adds up the counted tasks per month, category and report status;
``CountedMemberYear``, ``CountedMemberCategoryYear`` and ``CountedDoubleMemberYear``
hold one row per member (per member and category; per member and community in the
"双创" categories) with counted participations in a year, and
``CountedCategoryMemberTotal`` how many members each category has there;
``CountedFindingMonth`` and ``CountedFindingCommunityYear`` count the findings of
surveys 待审核 or approved per month (per community and year). ``tracker/
participation.py`` keeps them in the same flush as the counted rows. A county-wide
year is then a few hundred rows for what adds up and one row per member for the
distinct counts, instead of every reported task and participation of the year (at
a county's 1,000,000 participations, about 28,000 and 234,000; docs/performance.md,
"Issue 14: the county-wide year from kept summaries").

They answer only scopes with no unit, community or zone filter (the admin's 全部社区),
over whole months — and, for distinct members, one whole calendar year: members of
two months are not the sum of each month's. At a county's density a summary row
per community, zone or member-month would be barely fewer than the rows it sums, so
every other scope reads the counted rows (``rollups.figures``), as before.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from ..models import (
    CountedCategoryMemberTotal,
    CountedDoubleCommunityYear,
    CountedDoubleMemberAnyYear,
    CountedDoubleMemberYear,
    CountedFindingCommunityYear,
    CountedFindingMonth,
    CountedItemYear,
    CountedMemberYear,
    CountedMonth,
    CountedServedCategoryYear,
    CountedServedTotal,
    FindingStatus,
    ReportStatus,
    ResourceItem,
)
from .batch import Plan, plan
from .scope import ONE, Scope, if_approved, if_submitted


def county_months(scope: Scope) -> bool:
    """Whether the scope is the whole county over whole months."""
    return (scope.unit_id is None and scope.community_ids is None and scope.zone_id is None
            and scope.date_from is not None and scope.date_to is not None
            and scope.date_from.day == 1 and scope.date_to.day == 1)


def county_year(scope: Scope) -> int | None:
    """The year, when the scope is the whole county over one calendar year."""
    if county_months(scope) and (scope.date_from.month, scope.date_to.month) == (1, 1) \
            and scope.date_to.year == scope.date_from.year + 1:
        return scope.date_from.year
    return None


def _month(day: date) -> int:
    return day.year * 100 + day.month  # as CountedMonth keys it


def _in_months(scope: Scope) -> list:
    conditions = [CountedMonth.month >= _month(scope.date_from),
                  CountedMonth.month < _month(scope.date_to)]
    if scope.category_id is not None:
        conditions.append(CountedMonth.category_id == scope.category_id)
    return conditions


def _sums(columns) -> list:
    return [func.coalesce(func.sum(column), 0) for column in columns]


def _keyed(query, by: str, group: tuple) -> Plan:
    """{key: figures} of the grouped rows; a month comes back as (year, month)."""
    n = len(group)

    def key(values):
        return divmod(int(values[0]), 100) if by == "month" else tuple(values)

    return plan(query.group_by(*group) if group else query, shape=lambda rows: {
        key(row[:n]): tuple(int(v) for v in row[n:]) for row in rows})


def month_rows(scope: Scope, by: str) -> Plan:
    """``figures.task_rows`` of a county-wide scope of whole months: {key: (activities,
    quantity, people served, 人次, minutes) official, then pending}; ``by`` is "",
    "category" or "month"."""
    group = {"": (), "category": (CountedMonth.category_id,),
             "month": (CountedMonth.month,)}[by]
    status = CountedMonth.report_status
    columns = (CountedMonth.activities, CountedMonth.quantity, CountedMonth.people_served,
               CountedMonth.person_times, CountedMonth.minutes)
    return _keyed(
        select(*group, *_sums(if_approved(c, status) for c in columns),
               *_sums(if_submitted(c, status) for c in columns))
        .where(*_in_months(scope)),
        by, group)


def trend_rows(scope: Scope) -> Plan:
    """``figures.trend`` of a county-wide scope of whole months: {(year, month):
    (activities, 人次, minutes official, activities, 人次 pending)}."""
    status = CountedMonth.report_status
    return _keyed(
        select(CountedMonth.month, *_sums((
            if_approved(CountedMonth.activities, status),
            if_approved(CountedMonth.person_times, status),
            if_approved(CountedMonth.minutes, status),
            if_submitted(CountedMonth.activities, status),
            if_submitted(CountedMonth.person_times, status))))
        .where(*_in_months(scope)),
        "month", (CountedMonth.month,))


def member_rows(scope: Scope, year: int, by: str) -> Plan:
    """``figures.member_rows`` of the whole county in ``year``: {key: (distinct members
    official, pending)}; ``by`` is "" or "category". Overall, a summary row is one
    member, so counting rows counts distinct members; per category the counts are
    kept (``CountedCategoryMemberTotal``) and read as they are."""
    if by or scope.category_id is not None:
        table = CountedCategoryMemberTotal
        group = (table.category_id,) if by else ()
        query = select(*group, *_sums((if_approved(table.members, table.report_status),
                                       if_submitted(table.members, table.report_status))))
        if scope.category_id is not None:
            query = query.where(table.category_id == scope.category_id)
    else:
        table, group = CountedMemberYear, ()
        query = select(func.count(if_approved(ONE, table.report_status)),
                       func.count(if_submitted(ONE, table.report_status)))
    return _keyed(query.where(table.year == year), by, group)


def double_member_rows(year: int, by_community: bool) -> Plan:
    """The “双创” view's distinct members in its categories, for the whole county in
    ``year``: {(community,): (official, pending)} per community, or {(): …} across
    communities (a member of two communities counts once). A row of either table is
    one member there, so rows are counted."""
    table = CountedDoubleMemberYear if by_community else CountedDoubleMemberAnyYear
    counted = (func.count(if_approved(ONE, table.report_status)),
               func.count(if_submitted(ONE, table.report_status)))
    group = (table.community_id,) if by_community else ()
    return _keyed(select(*group, *counted).where(table.year == year), "", group)


def double_work_rows(year: int) -> Plan:
    """The “双创” view's work per community and category for the whole county in
    ``year``, in the rows ``double._work`` gives: (community, category, quantity
    official, pending, of the year to date, then activities, 人次, minutes official and
    the same pending, then activities of the year to date). The period is the year, so
    the year to date is the period."""
    table = CountedDoubleCommunityYear
    status = table.report_status
    figures = (table.activities, table.person_times, table.minutes)
    return plan(
        select(table.community_id, table.category_id,
               *_sums(if_kept(table.quantity, status)
                      for if_kept in (if_approved, if_submitted, if_approved)),
               *_sums(if_approved(c, status) for c in figures),
               *_sums(if_submitted(c, status) for c in figures),
               *_sums([if_approved(table.activities, status)]))
        .where(table.year == year)
        .group_by(table.community_id, table.category_id),
        shape=list)


def finding_rows(scope: Scope):
    """``findings.findings_counts_plan``'s rows for a county-wide scope of whole months
    (the category filter does not apply to findings): (report status, kind, status,
    findings), summed from one row per month and those keys."""
    table = CountedFindingMonth
    group = (table.report_status, table.kind, table.status)
    return (select(*group, func.sum(table.findings))
            .where(table.month >= _month(scope.date_from), table.month < _month(scope.date_to))
            .group_by(*group))


def double_finding_rows(year: int) -> Plan:
    """The “双创” view's findings of approved surveys per community for the whole
    county in ``year``, in the rows ``double._findings`` gives: (community, found,
    handed over — fixed included —, fixed, found in the year to date: the period)."""
    table = CountedFindingCommunityYear
    handed = case((table.status.in_((FindingStatus.handed_over, FindingStatus.fixed)),
                   table.findings))
    fixed = case((table.status == FindingStatus.fixed, table.findings))
    return plan(
        select(table.community_id, *_sums((table.findings, handed, fixed, table.findings)))
        .where(table.year == year, table.report_status == ReportStatus.approved)
        .group_by(table.community_id),
        shape=list)


def item_years(year: int) -> tuple[tuple, tuple]:
    """What each resource item's counted tasks did in ``year`` in the whole county, as
    ``rollups.checklist`` joins its items with it: the item's kept row of ``year``
    approved, then 待审核 — each an (alias, ON clause) found by its primary key, one
    lookup per item, instead of every counted task of the year (or a grouped
    subquery the database would have to build and search)."""
    joins = []
    for status in (ReportStatus.approved, ReportStatus.submitted):
        row = aliased(CountedItemYear)
        joins.append((row, and_(row.year == year, row.resource_item_id == ResourceItem.id,
                                row.report_status == status)))
    return joins[0], joins[1]


def served_rows(year: int, category_id: int | None):
    """``served.named_rows``'s statement for the whole county in ``year``: (category, the
    distinct 服务对象 its approved activities named, or NULL when one of them does not
    name exactly as many as its 受益), one row per category in 户 or 人 with approved
    activities — read from the kept rows (``CountedServedCategoryYear`` and its
    ``CountedServedTotal``) instead of every named row of the year."""
    kept, total = CountedServedCategoryYear, CountedServedTotal
    query = (select(kept.category_id, case((kept.others == 0, total.households)))
             .outerjoin(total, and_(total.year == kept.year,
                                    total.category_id == kept.category_id))
             .where(kept.year == year))
    if category_id is not None:
        query = query.where(kept.category_id == category_id)
    return query
