"""Findings (摸排问题) counts: found, 已移交, 已整改 — official and pending.

Findings follow the rule of every official figure (docs/design.md, invariant 2):
a finding counts once the survey it was recorded on has an approved report;
those of a survey still 待审核 are counted apart as pending; those of a returned
(or not yet reported) survey count nowhere. The register still lists them all,
each with its survey's review state (``progress.queries``).

The survey's report status is read from ``CountedTask`` (one row per task whose
report is 待审核 or approved), whose 完成数量 for a survey is the number of its
active findings: the findings counted here and the survey's 完成数量 are one figure.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..models import CountedTask, Finding, FindingKind, FindingStatus, ReportStatus
from . import kept
from .batch import Plan, plan, run
from .scope import Scope, finding_conditions


def _zeros(kinds) -> dict:
    return {kind: 0 for kind in kinds}


@dataclass(frozen=True)
class FindingCounts:
    """Findings found in a period, by kind and by status today.

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
    """Counts of active findings by kind and status, official and pending (one
    statement; the whole county over whole months reads the kept counts)."""
    if kept.county_months(scope):
        return plan(kept.finding_rows(scope), shape=_counts)
    return plan(
        select(CountedTask.report_status, Finding.kind, Finding.status, func.count(Finding.id))
        .join(CountedTask, CountedTask.task_id == Finding.task_id)
        .where(*finding_conditions(scope))
        .group_by(CountedTask.report_status, Finding.kind, Finding.status),
        shape=_counts)


def findings_counts(scope: Scope) -> FindingFigures:
    return run(findings_counts_plan(scope))


def _counts(rows) -> FindingFigures:
    counts = {status: (_zeros(FindingKind), _zeros(FindingStatus))
              for status in (ReportStatus.approved, ReportStatus.submitted)}
    for report_status, kind, status, count in rows:
        by_kind, by_status = counts[report_status]
        by_kind[kind] += count
        by_status[status] += count

    def made(report_status) -> FindingCounts:
        by_kind, by_status = counts[report_status]
        return FindingCounts(sum(by_kind.values()), by_kind, by_status)

    return FindingFigures(made(ReportStatus.approved), made(ReportStatus.submitted))
