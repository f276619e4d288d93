"""Read-only lists of the progress pages: the communities in reach, and the
findings register (摸排问题), a page at a time."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
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
from ..paging import paginate

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


def _conditions(flt: FindingFilter) -> list:
    conditions = [Finding.active.is_(True)]
    if flt.reach is not None:
        conditions.append(Finding.community_id.in_(flt.reach))
    if flt.community_id:
        conditions.append(Finding.community_id == flt.community_id)
    if flt.zone_id:
        conditions.append(Finding.zone_id == flt.zone_id)
    if flt.kind:
        conditions.append(Finding.kind == flt.kind)
    if flt.status == "open":
        conditions.append(Finding.status.in_(OPEN_FINDING))
    elif flt.status:
        conditions.append(Finding.status == FindingStatus(flt.status))
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
    yet) — whether or not it counts in the official figures."""
    return paginate(
        select(Finding)
        .outerjoin(TaskReport, TaskReport.task_id == Finding.task_id)
        .where(*_conditions(flt))
        .options(joinedload(Finding.community), joinedload(Finding.zone),
                 joinedload(Finding.task).joinedload(Task.report))
        .order_by(Finding.found_on.desc(), Finding.id.desc()),
        page, per_page)
