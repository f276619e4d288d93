"""Findings (摸排问题): what the facility surveys found, by kind and by status today.

What the community progress page and the monthly summary count; the findings
register itself is a listing (``tracker/progress``), not a figure.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Finding, FindingKind, FindingStatus
from .scope import Scope, finding_conditions


@dataclass(frozen=True)
class FindingCounts:
    """Findings found in a period, by kind and by status today.

    ``handed_over`` counts every finding that has been handed over, including
    those since fixed (已移交); ``fixed`` those fixed (已整改); ``open`` = not fixed.
    """

    total: int = 0
    by_kind: dict = None  # FindingKind -> int (every kind present, zeros included)
    by_status: dict = None  # FindingStatus -> int

    @property
    def handed_over(self) -> int:
        return self.by_status[FindingStatus.handed_over] + self.by_status[FindingStatus.fixed]

    @property
    def fixed(self) -> int:
        return self.by_status[FindingStatus.fixed]

    @property
    def open(self) -> int:
        return self.total - self.fixed


def findings_counts(scope: Scope) -> FindingCounts:
    """Counts of active findings by kind and status (one statement)."""
    by_kind = {kind: 0 for kind in FindingKind}
    by_status = {status: 0 for status in FindingStatus}
    total = 0
    rows = db.session.execute(
        select(Finding.kind, Finding.status, func.count(Finding.id))
        .where(*finding_conditions(scope))
        .group_by(Finding.kind, Finding.status)
    )
    for kind, status, count in rows:
        by_kind[kind] += count
        by_status[status] += count
        total += count
    return FindingCounts(total, by_kind, by_status)
