"""Findings (摸排问题) counts: found, 已移交, 已整改 — official and pending.

Findings follow the rule of every official figure (docs/design.md, invariant 2):
a finding counts once the survey it was recorded on has an approved report;
those of a survey still 待审核 are counted apart as pending; those of a returned
(or not yet reported) survey count nowhere. The register still lists them all,
each with its survey's review state (``progress.queries``).

A period's statuses are those of its last day (``status_by``): a finding handed over
or fixed after the period ended counts as found (handed over) in it, so a past month's
figures stay what they were at its end; the month in which a finding is handed over
or fixed tells it (``moves_plan``: 「本月移交N处、整改N处」), whenever it was found.
A finding keeps the day of each step (``handed_over_on``, ``fixed_on``: required by
``services.findings`` since the first schema, never in the future). The whole county's
steps of a calendar year are kept (``CountedFindingStepYear``, counted as
``moves_plan`` counts them): ``moves_by_community_plan`` reads them there.

The survey's report status is read from ``CountedTask`` (one row per task whose
report is 待审核 or approved), whose 完成数量 for a survey is the number of its
active findings: the findings counted here and the survey's 完成数量 are one figure.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from datetime import date

from sqlalchemy import and_, case, func, literal, or_, select, type_coerce

from ..models import (
    Community,
    CountedFindingStepYear,
    CountedTask,
    Finding,
    FindingKind,
    FindingStatus,
    ReportStatus,
    Zone,
)
from ..timeutil import local_today
from . import kept
from .batch import Plan, plan
from .scope import Scope, finding_conditions, scope_conditions


def handed_over_on():
    """SQL: the day a finding was handed over (for one 已移交 or 已整改; a row written
    without the day counts from the day it was found)."""
    return func.coalesce(Finding.handed_over_on, Finding.found_on)


def fixed_on():
    """SQL: the day a finding was fixed (for one 已整改; else as ``handed_over_on``)."""
    return func.coalesce(Finding.fixed_on, Finding.handed_over_on, Finding.found_on)


def handed_over_by(end: date | None):
    """SQL: whether a finding had been handed over (fixed ones included) before
    ``end`` — by the last day of a period ending there; ``None``: by today."""
    handed = Finding.status.in_((FindingStatus.handed_over, FindingStatus.fixed))
    return handed if end is None else and_(handed, handed_over_on() < end)


def fixed_by(end: date | None):
    """SQL: whether a finding had been fixed before ``end`` (``None``: by today)."""
    fixed = Finding.status == FindingStatus.fixed
    return fixed if end is None else and_(fixed, fixed_on() < end)


def status_by(end: date | None):
    """SQL: a finding's status on the last day of a period ending at ``end`` (its
    status today for a period still running, or with no end)."""
    if end is None:
        return Finding.status
    return type_coerce(case(
        (fixed_by(end), literal(FindingStatus.fixed.value)),
        (handed_over_by(end), literal(FindingStatus.handed_over.value)),
        else_=literal(FindingStatus.found.value)), Finding.status.type)


def reaches_today(scope: Scope) -> bool:
    """Whether the period runs up to today (or has no end): its statuses are today's,
    since no step is dated in the future."""
    return scope.date_to is None or scope.date_to > local_today()


def _zeros(kinds) -> dict:
    return {kind: 0 for kind in kinds}


@dataclass(frozen=True)
class FindingCounts:
    """Findings found in a period, by kind and by status on its last day.

    ``handed_over`` counts every finding that has been handed over, including
    those since fixed (已移交); ``fixed`` those fixed (已整改); ``open`` = not fixed.
    """

    total: int = 0
    by_kind: dict = field(default_factory=lambda: _zeros(FindingKind))
    by_status: dict = field(default_factory=lambda: _zeros(FindingStatus))

    @property
    def handed_over(self) -> int:
        return self.by_status[FindingStatus.handed_over] + self.by_status[FindingStatus.fixed]

    @property
    def fixed(self) -> int:
        return self.by_status[FindingStatus.fixed]

    @property
    def open(self) -> int:
        return self.total - self.fixed


@dataclass(frozen=True)
class FindingFigures:
    official: FindingCounts = field(default_factory=FindingCounts)  # approved surveys
    pending: FindingCounts = field(default_factory=FindingCounts)  # surveys 待审核


def findings_counts_plan(scope: Scope) -> Plan:
    """Counts of active findings found in the period by kind and by status on its
    last day, official and pending (one statement; the whole county over whole months
    up to today reads the kept counts, which hold today's statuses)."""
    if kept.county_months(scope) and reaches_today(scope):
        return plan(kept.finding_rows(scope), shape=_counts)
    # grouped by the columns of a subquery: a CASE with parameters written twice
    # (SELECT, GROUP BY) is two expressions to PostgreSQL
    found = (select(CountedTask.report_status.label("report_status"), Finding.kind.label("kind"),
                    status_by(None if reaches_today(scope) else scope.date_to).label("status"))
             .join(CountedTask, CountedTask.task_id == Finding.task_id)
             .where(*finding_conditions(scope))
             .subquery())
    group = (found.c.report_status, found.c.kind, found.c.status)
    return plan(select(*group, func.count()).select_from(found).group_by(*group), shape=_counts)


def _counts(rows) -> FindingFigures:
    counts = {status: (_zeros(FindingKind), _zeros(FindingStatus))
              for status in (ReportStatus.approved, ReportStatus.submitted)}
    for report_status, kind, status, count in rows:
        by_kind, by_status = counts[report_status]
        by_kind[kind] += count
        by_status[FindingStatus(status)] += count

    def made(report_status) -> FindingCounts:
        by_kind, by_status = counts[report_status]
        return FindingCounts(sum(by_kind.values()), by_kind, by_status)

    return FindingFigures(made(ReportStatus.approved), made(ReportStatus.submitted))


@dataclass(frozen=True)
class ZoneMoves:
    """The steps of one responsibility zone (``key`` None: findings without a zone,
    of the community ``community_id``: one per community, as the 附表“责任区进展” has a
    「未分责任区」 row per community)."""

    key: int | None
    name: str
    community_name: str
    handed_over: int = 0
    fixed: int = 0
    community_id: int | None = None  # findings without a zone only

    @property
    def place(self) -> tuple:
        """As ``DoubleRow.place``: the zone, or no zone and the community."""
        return (self.key, self.community_id)


@dataclass(frozen=True)
class FindingMoves:
    """What was done in a period with the findings of approved surveys, whenever
    they were found: handed over (已移交) and fixed (已整改) on a day of the period;
    ``earlier``: how many of those findings were found before it (when none was, the
    steps are those of the period's own findings, which ``FindingCounts`` tells);
    ``stepped``: how many findings had a step in it (one handed over and fixed counts
    once); ``by_zone``: the steps per zone, in the zones' order; ``by_community``:
    ((community id, handed over, fixed), …), the same steps per community (the “双创”
    view of several communities has a row per community); ``earlier_handed_over``,
    ``earlier_fixed``: the steps of the findings found before the period — those the
    period's own figures do not tell (the 月报's 「另整改以前月份发现的问题1处」; not
    read from the county's kept steps, which no document's sentence asks)."""

    handed_over: int = 0
    fixed: int = 0
    earlier: int = 0
    stepped: int = 0
    by_zone: tuple = ()
    by_community: tuple = ()
    earlier_handed_over: int = 0
    earlier_fixed: int = 0

    @property
    def all_earlier(self) -> bool:
        """Whether every finding stepped in the period was found before it."""
        return bool(self.stepped) and self.earlier == self.stepped


def _moves(rows) -> FindingMoves:
    zones: dict = {}
    communities: dict = {}
    totals = [0, 0, 0, 0]
    earlier_steps = [0, 0]
    for (key, name, community_id, community_name, handed, fixed, earlier, stepped,
         earlier_handed, earlier_fixed) in rows:
        counts = (int(handed), int(fixed), int(earlier), int(stepped))
        totals = [a + b for a, b in zip(totals, counts)]
        earlier_steps = [earlier_steps[0] + int(earlier_handed),
                         earlier_steps[1] + int(earlier_fixed)]
        place = (key, community_id if key is None else None)
        was = zones.get(place) or ZoneMoves(key, name or "", community_name or "",
                                            community_id=place[1])
        zones[place] = ZoneMoves(key, was.name, was.community_name,
                                 was.handed_over + counts[0], was.fixed + counts[1], place[1])
        handed_before, fixed_before = communities.get(community_id, (0, 0))
        communities[community_id] = (handed_before + counts[0], fixed_before + counts[1])
    return FindingMoves(*totals, by_zone=tuple(zones.values()),
                        by_community=tuple((key, *steps) for key, steps in communities.items()),
                        earlier_handed_over=earlier_steps[0], earlier_fixed=earlier_steps[1])


def _stepped_within(start: date, end: date):
    """SQL, implied by ``moves_plan``'s conditions and written on the bare columns so
    that each branch is a range scan of its index (ix_finding_handed_over_on,
    ix_finding_fixed_on, ix_finding_found) rather than a scan of every finding: a step
    in the period was dated in it, or — a step written without its day, which counts
    from an earlier step or from the finding's day — the finding was found in it."""
    return or_(and_(Finding.handed_over_on >= start, Finding.handed_over_on < end),
               and_(Finding.fixed_on >= start, Finding.fixed_on < end),
               and_(Finding.found_on >= start, Finding.found_on < end))


def moves_plan(scope: Scope) -> Plan:
    """``FindingMoves`` of a period with a start and an end (one statement): the
    findings of the scope's unit, communities and zone found before its end, of
    approved surveys, handed over or fixed within it, per zone."""
    start, end = scope.date_from, scope.date_to
    handed = and_(handed_over_by(None), handed_over_on() >= start, handed_over_on() < end)
    fixed = and_(fixed_by(None), fixed_on() >= start, fixed_on() < end)
    earlier = Finding.found_on < start
    return plan(
        select(Finding.zone_id, Zone.name, Finding.community_id, Community.name,
               func.count(case((handed, 1))),
               func.count(case((fixed, 1))), func.count(case((earlier, 1))), func.count(),
               func.count(case((and_(handed, earlier), 1))),
               func.count(case((and_(fixed, earlier), 1))))
        .join(CountedTask, and_(CountedTask.task_id == Finding.task_id,
                                CountedTask.report_status == ReportStatus.approved))
        .join(Community, Community.id == Finding.community_id)
        .outerjoin(Zone, Zone.id == Finding.zone_id)
        .where(Finding.active.is_(True), Finding.found_on < end, or_(handed, fixed),
               _stepped_within(start, end),
               *scope_conditions(Scope(None, None, scope.unit_id, scope.community_ids,
                                       scope.zone_id), unit=Finding.unit_id,
                                 community=Finding.community_id, zone=Finding.zone_id))
        .group_by(Finding.zone_id, Zone.name, Zone.sort_key, Finding.community_id,
                  Community.name, Community.sort_key)
        # in the order the 附表“责任区进展” lists zones; findings without a zone last
        .order_by(Finding.zone_id.is_(None), Community.sort_key, Zone.sort_key, Finding.zone_id,
                  Finding.community_id),
        shape=_moves)


def moves_by_community_plan(scope: Scope) -> Plan:
    """``moves_plan`` for a view by community (its ``by_zone`` not asked for): for the
    whole county over one calendar year, the kept steps of that year
    (``CountedFindingStepYear``: ~200 rows, where ``moves_plan`` reads every finding
    handed over or fixed, ~75 ms of CPU at a county's 1M participations — docs/
    performance.md, "The county's steps kept"); otherwise ``moves_plan`` itself. The
    kept rows hold today's statuses, as ``moves_plan`` counts them for any period (a
    step is taken once its finding's status says so, on the step's day)."""
    year = kept.county_year(scope)
    if year is None:
        return moves_plan(scope)
    table = CountedFindingStepYear
    return plan(
        select(table.community_id, table.handed_over, table.fixed, table.earlier,
               table.findings)
        .where(table.year == year, table.report_status == ReportStatus.approved)
        .order_by(table.community_id),
        shape=_kept_moves)


def _kept_moves(rows) -> FindingMoves:
    totals = [0, 0, 0, 0]
    communities = []
    for community_id, handed, fixed, earlier, stepped in rows:
        totals = [a + b for a, b in zip(totals, (handed, fixed, earlier, stepped))]
        communities.append((community_id, handed, fixed))
    return FindingMoves(*totals, by_community=tuple(communities))
