"""Read-only lists of the progress pages: the communities in reach, the findings
register (摸排问题) a page at a time, and the statements of 社区共建进展 and "双创"进展."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import func, literal, or_, select, union_all
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (
    OPEN_FINDING,
    AuditEvent,
    Community,
    Finding,
    FindingKind,
    FindingStatus,
    Member,
    ReportStatus,
    RollPeriod,
    Task,
    TaskReport,
    Unit,
    Zone,
    liaison_community,
)
from ..lists import current_lists
from ..lists import retired_name as retired
from ..paging import Prepared, limited, paginate_prepared
from ..rollups import Scope
from ..rollups.batch import Plan, built_once, constant, gather
from ..rollups.checklist import resource_progress_by_category_plan, resource_progress_plan
from ..rollups.double import double_progress_plan
from ..rollups.figures import figures_by_category_plan, figures_plan, trend_plan
from ..rollups.double_rows import with_moves
from ..rollups.findings import findings_counts_plan, moves_by_community_plan, moves_plan
from ..rollups.funds import fund_figures_plan
from ..rollups.needs import need_counts_plan
from ..rollups.off_roll import off_roll_plan
from ..rollups.started import start_plan
from ..rollups.scope import trend_window
from ..sql_hints import not_indexed
from ..timeutil import local_today

NOT_REPORTED = "none"  # the review filter's value for a survey with no report yet


def reachable_communities(ids: set[int] | None) -> list[tuple[int, str]]:
    """(id, name) of the communities in ``ids`` (None: all) in natural order: those in
    use, then those switched off that have work, marked 已停用 — their past periods'
    figures stay reachable. From the lists kept under the lists' version
    (tracker/lists.py), so an admin's picker of the county's communities costs one
    row, not a read of every community."""
    lists = current_lists()
    return ([c for c in lists.communities if ids is None or c[0] in ids]
            + [(cid, retired(name)) for cid, name in lists.retired_communities
               if ids is None or cid in ids])


def first_with_zones(community_ids: list[int]) -> int | None:
    """The first of ``community_ids`` (in their order) with a responsibility zone in use:
    where “双创”进展 opens. None when none of them has one."""
    with_zones = set(db.session.scalars(
        select(Zone.community_id).where(Zone.active.is_(True),
                                        Zone.community_id.in_(community_ids)).distinct()))
    return next((cid for cid in community_ids if cid in with_zones), None)


def zone_choices(community_ids) -> list[tuple[int, str, str, int]]:
    """(id, name, community name, community id) of the zones of some communities: those
    in use, and those switched off that have tasks or findings (marked 已停用)."""
    worked = or_(Zone.id.in_(select(Task.zone_id).where(Task.community_id.in_(community_ids))),
                 Zone.id.in_(select(Finding.zone_id).where(
                     Finding.community_id.in_(community_ids))))
    rows = db.session.execute(
        select(Zone.id, Zone.name, Community.name, Zone.active, Zone.community_id)
        .join(Community)
        .where(Zone.community_id.in_(community_ids), or_(Zone.active.is_(True), worked))
        .order_by(Community.sort_key, Zone.active.desc(), Zone.sort_key, Zone.id)
    ).all()
    return [(zid, name if active else retired(name), community, community_id)
            for zid, name, community, active, community_id in rows]


UNIT, COMMUNITY = 0, 1  # the kinds of ``coverage_pickers``' rows


def coverage_pickers(member_id: int, unit_id: int | None, every: bool, also=None
                     ) -> tuple[list[tuple[int, str]], list[tuple[int, str]], object]:
    """The 参与情况 page's two pickers, (units, communities, ``also``), each picker
    (id, name) in natural order, those in use first, then those switched off (marked
    已停用) — in one statement, so the community picker costs the page no statement of
    its own (its budget: ``tests/web/test_coverage_community.py``). ``also``: one more
    value (a scalar subquery) read in the same statement and given third, None without
    it — the communities of the unit's month, whether a liaison's 月报 of it is the
    whole unit, for 我联系的全部社区 (as the 月报 page reads it with the month's words).

    ``every`` (an admin): the units in use, then those switched off that have tasks
    or had a roll (a member's stay on it: their work and 参与率 are counted there even
    on another unit's tasks, walk8 #11) — a retired unit's past 参与情况 stays
    reachable —, and every community in use or switched off with tasks (as the 月报's
    picker offers them to pair with a unit);
    else (a liaison) their own unit, named as it is, and their communities — all of
    them, switched off or not: the part of the unit their 月报 reads
    (``reach.reach_of``)."""
    if every:
        units = select(literal(UNIT), Unit.id, Unit.name, Unit.active, Unit.sort_key).where(
            or_(Unit.active.is_(True), select(Task.id).where(Task.unit_id == Unit.id).exists(),
                select(RollPeriod.id).where(RollPeriod.unit_id == Unit.id).exists()))
        communities = select(literal(COMMUNITY), Community.id, Community.name,
                             Community.active, Community.sort_key).where(
            or_(Community.active.is_(True),
                select(Task.id).where(Task.community_id == Community.id).exists()))
    else:
        # the liaison's own unit as the page has always named it, switched off or not
        units = select(literal(UNIT), Unit.id, Unit.name, literal(True),
                       Unit.sort_key).where(Unit.id == unit_id)
        communities = (select(literal(COMMUNITY), Community.id, Community.name,
                              Community.active, Community.sort_key)
                       .join(liaison_community,
                             liaison_community.c.community_id == Community.id)
                       .where(liaison_community.c.member_id == member_id))
    both = union_all(units, communities).subquery()
    kind, id_, name, active, sort_key = both.c
    rows = db.session.execute(select(kind, id_, name, active,
                                     *([] if also is None else [also]))
                              .order_by(kind, active.desc(), sort_key, id_)).all()
    picked: tuple[list, list] = ([], [])
    for row_kind, row_id, row_name, row_active, *_also in rows:
        picked[row_kind].append((row_id, row_name if row_active else retired(row_name)))
    # every row carries the value; a liaison always has their own unit's row
    return picked[UNIT], picked[COMMUNITY], rows[0][4] if also is not None and rows else None


def task_with_places(task_id: int) -> Task | None:
    """A task with its category, community and zone (the findings page shows them)."""
    return db.session.scalar(
        select(Task).where(Task.id == task_id)
        .options(joinedload(Task.category), joinedload(Task.community), joinedload(Task.zone)))


def findings_of_task(task_id: int) -> list[Finding]:
    """A survey's findings still on the register, in the order they were recorded."""
    return list(db.session.scalars(
        select(Finding).where(Finding.task_id == task_id, Finding.active.is_(True))
        .order_by(Finding.id)))


def finding_with_places(finding_id: int) -> Finding | None:
    """A finding with its survey, community, zone and who recorded it."""
    return db.session.scalar(
        select(Finding).where(Finding.id == finding_id)
        .options(joinedload(Finding.task), joinedload(Finding.community),
                 joinedload(Finding.zone), joinedload(Finding.created_by)))


class FindingStep(NamedTuple):
    """Who recorded a finding's 移交 or 整改, and when (UTC; pages show Asia/Shanghai)."""

    name: str
    at: datetime


# the audit actions of a finding's steps (``services.findings.hand_over`` / ``mark_fixed``)
FINDING_STEPS = {"hand_over_finding": "handed_over", "fix_finding": "fixed"}


def finding_steps(finding_id: int) -> dict[str, FindingStep]:
    """Who recorded the finding's 移交 and its 整改, and when, keyed "handed_over" /
    "fixed": the finding keeps only the steps' dates, the audit log the rest (walk56: the
    page could not say who marked it fixed). One statement. A step recorded by no
    account (none today) is left out: the page then names only its date."""
    rows = db.session.execute(
        select(AuditEvent.action, Member.name, AuditEvent.created_at)
        .join(Member, Member.id == AuditEvent.actor_id)
        .where(AuditEvent.entity_type == Finding.__tablename__,
               AuditEvent.entity_id == finding_id,
               AuditEvent.action.in_(tuple(FINDING_STEPS)))
        .order_by(AuditEvent.id))
    # a step is taken once (``step_refusal``); were it in the log twice, the last says it
    return {FINDING_STEPS[action]: FindingStep(name, at) for action, name, at in rows}


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


# --- the two progress views' figures ---------------------------------------------
# Built once per scope and day in a process (rollups.batch.built_once), like the 月报's:
# building a view's dozen statements, their UNION and SQLAlchemy's key for it took
# about as much of the request's CPU as the database took to run it (the county-wide
# year: 15–20 ms of Python). Every statement still runs on every request; what is kept
# is how to ask, and the answers only under the data's state (rollups.cache).


def community_view_plan(scope: Scope, year: int, today: date) -> Plan:
    """社区共建进展's figures for ``scope`` (in ``year``, the period's): the trend, the
    totals overall and per category, the checklist (per item for one community, per
    category otherwise), funds, findings and needs (per item too for one community),
    when the app started there (``rollups.started``) and how many of its 参与党员 are
    on no roll (``rollups.off_roll``)."""
    return built_once(("progress.community", scope, year, today),
                      lambda: _community_view_plan(scope, year, today))


def _community_view_plan(scope: Scope, year: int, today: date) -> Plan:
    ids = scope.community_ids
    single = ids is not None and len(ids) == 1
    trend_from, trend_to = trend_window(scope.date_from, scope.date_to)
    return gather(
        trend_plan(Scope(date_from=trend_from, date_to=trend_to, community_ids=ids)),
        figures_plan(scope),
        figures_by_category_plan(scope),
        # the checklist as of the period's end, as the funds card counts its year
        resource_progress_plan(year, community_ids=ids, until=scope.date_to) if single
        else resource_progress_by_category_plan(year, community_ids=ids, until=scope.date_to),
        fund_figures_plan(scope, year),
        findings_counts_plan(scope),
        need_counts_plan(scope, today),
        need_counts_plan(scope, today, per="item") if single else constant({}),
        start_plan(year, ids),
        # of 参与党员, those on no roll (不计入参与统计), said as the 月报's lead says them
        off_roll_plan(scope),
        shape=lambda *figures: figures)


def double_view_plan(scope: Scope, by: str) -> Plan:
    """"双创"进展's view of ``scope`` per ``by`` (zone or community), and how many of
    its 参与党员 — the "双创" work's — are on no roll (``rollups.off_roll``), as
    社区共建进展 counts its own."""
    # by day too: a period that ended yesterday counts its findings' statuses as of
    # its end, today's as of today (rollups.findings.reaches_today)
    # with the period's 移交/整改 of findings of any period, from the 月报's own
    # statement (its 「本月移交N处、整改N处」 and 附表“责任区进展”): one question, one number
    # — by community, the county's whole year from the kept steps counted as it counts
    return built_once(("progress.double", scope, by, local_today()),
                      lambda: gather(double_progress_plan(scope, by),
                                     moves_plan(scope) if by == "zone"
                                     else moves_by_community_plan(scope),
                                     off_roll_plan(scope, double_only=True),
                                     shape=lambda view, moves, off_roll: (
                                         with_moves(view, moves), off_roll)))
