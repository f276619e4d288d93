"""Read-only lists of the progress pages: the communities in reach, and the
findings register (摸排问题), a page at a time."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (
    OPEN_FINDING,
    Community,
    Finding,
    FindingKind,
    FindingStatus,
    ReportStatus,
    Task,
    TaskReport,
    Zone,
)
from ..paging import Prepared, limited, paginate_prepared
from ..sql_hints import not_indexed

NOT_REPORTED = "none"  # the review filter's value for a survey with no report yet


def reachable_communities(ids: set[int] | None) -> list[tuple[int, str]]:
    """(id, name) of the active communities in ``ids`` (None: all), in natural order."""
    query = select(Community.id, Community.name).where(Community.active.is_(True))
    if ids is not None:
        query = query.where(Community.id.in_(ids))
    return [tuple(row) for row in db.session.execute(
        query.order_by(Community.sort_key, Community.id))]


def zone_choices(community_ids) -> list[tuple[int, str, str]]:
    """(id, name, community name) of the active zones of some communities."""
    return db.session.execute(
        select(Zone.id, Zone.name, Community.name).join(Community)
        .where(Zone.community_id.in_(community_ids), Zone.active.is_(True))
        .order_by(Community.sort_key, Zone.sort_key, Zone.id)
    ).all()


@dataclass
class FindingFilter:
    reach: set[int] | None  # the actor's communities (None: all)
    community_id: int | None = None
    zone_id: int | None = None
    kind: FindingKind | None = None
    status: str | None = None  # a FindingStatus value, or "open"
    review: str | None = None  # a ReportStatus value, or NOT_REPORTED
    month: tuple[date, date] | None = None  # found in this half-open range


def _conditions(flt: FindingFilter, *, newest_first: bool = False) -> list:
    """The filter's WHERE conditions; ``newest_first`` for the statement that picks a
    page in date order (see below)."""
    conditions = [Finding.active.is_(True)]
    if flt.reach is not None:
        conditions.append(Finding.community_id.in_(flt.reach))
    if flt.community_id:
        conditions.append(Finding.community_id == flt.community_id)
    if flt.zone_id:
        conditions.append(Finding.zone_id == flt.zone_id)
    if flt.kind:
        conditions.append(Finding.kind == flt.kind)
    # A page in date order is not picked from the status index on SQLite (sql_hints):
    # a status holds tens of thousands of a county's findings, which SQLite then sorted
    # to list the newest 20 (15 ms); read newest first from the date index, it stops at
    # the page's last. Counting them all, the status index is the right one.
    status = not_indexed(Finding.status) if newest_first else Finding.status
    if flt.status == "open":
        conditions.append(status.in_(OPEN_FINDING))
    elif flt.status:
        conditions.append(status == FindingStatus(flt.status))
    if flt.review == NOT_REPORTED:
        conditions.append(TaskReport.id.is_(None))
    elif flt.review:
        conditions.append(TaskReport.status == ReportStatus(flt.review))
    if flt.month:
        conditions += [Finding.found_on >= flt.month[0], Finding.found_on < flt.month[1]]
    return conditions


def findings_page(flt: FindingFilter, page: int | None, per_page: int):
    """Every finding in reach matching the filter, newest first, each with its
    survey and the survey's report (its review state: 待审核, 已通过, 已退回, or none
    yet) — whether or not it counts in the official figures.

    The page's findings are picked (and all of them counted) from the findings alone,
    and only those of the page joined to what their rows show; the report is joined
    for the pick only when the filter reads it (a survey has at most one report, so
    the join never changes how many there are). Sorted after all the joins, the
    county's 27,000 open findings took SQLite 75 ms to list and 27 to count (1M set)."""
    def matching(*columns, newest_first=False):
        found = select(*columns).select_from(Finding)
        if flt.review:
            found = found.outerjoin(TaskReport, TaskReport.task_id == Finding.task_id)
        return found.where(*_conditions(flt, newest_first=newest_first))

    newest_first = (Finding.found_on.desc(), Finding.id.desc())
    picked = limited(matching(Finding.id, newest_first=True).order_by(*newest_first)).subquery()
    listed = (
        select(Finding).join(picked, picked.c.id == Finding.id)
        .options(joinedload(Finding.community), joinedload(Finding.zone),
                 joinedload(Finding.task).joinedload(Task.report))
        .order_by(*newest_first)
    )
    return paginate_prepared(Prepared(listed, matching(func.count(Finding.id))), {},
                             lambda row: row[0], page, per_page)
