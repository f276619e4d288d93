"""Findings (摸排问题): defects found by a facility survey, tracked until fixed.

A finding copies unit, community, zone and the survey's local service date from
its task when it is recorded (as Task copies them from its resource item), so the
register and the "双创" rollups filter and GROUP BY on this table alone.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import now_default
from .types import UTCDateTime
from .work import ReportStatus


class FindingKind(str, enum.Enum):
    sewer = "sewer"  # 下水道
    sidewalk = "sidewalk"  # 人行道
    road = "road"  # 破损道路
    other = "other"  # 其他


class FindingStatus(str, enum.Enum):
    found = "found"  # 已发现
    handed_over = "handed_over"  # 已移交
    fixed = "fixed"  # 已整改


# Findings still waiting for someone to act (the liaison home counts them).
OPEN_FINDING = (FindingStatus.found, FindingStatus.handed_over)


def _enum(cls):
    return Enum(cls, native_enum=False, length=16, validate_strings=True)


class Finding(db.Model):
    __table_args__ = (
        # The community and "双创" views: WHERE community_id IN (…) AND found_on in a
        # period, GROUP BY zone/kind/status — a range scan on this index.
        Index("ix_finding_community_found", "community_id", "found_on"),
        # The register of some communities by status (open: found or handed over).
        # (The 工作台's open count reads the counted findings kept per community and
        # year, CountedFindingCommunityYear: rollups/home.py.)
        Index("ix_finding_community_status", "community_id", "status"),
        # The register over every community by status, and its count.
        Index("ix_finding_status_active", "status", "active"),
        # The register over every community (admin): newest first, a page at a time.
        Index("ix_finding_found", "found_on", "id"),
        # A unit's findings of a period (the 月报's and the 年度总结's counts, zones and
        # survey sentence): by the unit, not the county's period through ix_finding_found
        # (over a year, 100 units' findings read to keep one's).
        Index("ix_finding_unit_found", "unit_id", "found_on"),
        # A month's hand-overs and fixes of findings found whenever (the 月报's
        # 「本月移交N处、整改N处」, rollups.findings.moves_plan): range scans by the day.
        Index("ix_finding_handed_over_on", "handed_over_on"),
        Index("ix_finding_fixed_on", "fixed_on"),
        CheckConstraint(
            "handed_over_on IS NULL OR handed_over_on >= found_on", name="handed_after_found"
        ),
        CheckConstraint(
            "fixed_on IS NULL OR handed_over_on IS NULL OR fixed_on >= handed_over_on",
            name="fixed_after_handed",
        ),
        # 移交给 and 移交日期 are one step (``services.findings.hand_over``): both set or
        # both empty (migration 0046 repaired the rows written otherwise before it)
        CheckConstraint(
            "(handed_to IS NULL AND handed_over_on IS NULL)"
            " OR (handed_to IS NOT NULL AND handed_over_on IS NOT NULL)",
            name="handed_together",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"), index=True)
    found_on: Mapped[date] = mapped_column(Date)  # the survey task's local service date
    kind: Mapped[FindingKind] = mapped_column(_enum(FindingKind))
    place: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[FindingStatus] = mapped_column(_enum(FindingStatus), default=FindingStatus.found)
    handed_to: Mapped[str | None] = mapped_column(String(120))  # 移交给（部门或单位）
    handed_over_on: Mapped[date | None] = mapped_column(Date)
    fixed_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    task: Mapped["Task"] = relationship()  # noqa: F821
    community: Mapped["Community"] = relationship()  # noqa: F821
    zone: Mapped["Zone | None"] = relationship()  # noqa: F821
    created_by: Mapped["Member"] = relationship()  # noqa: F821

    def __str__(self) -> str:
        return self.place


class CountedFinding(db.Model):
    """An active finding of a survey whose report is 待审核 or approved, with that
    report's status: what the county's finding counts are kept from.

    Derived like ``CountedTask`` and refreshed with it by ``tracker/participation.py``
    (a finding recorded, edited, handed over, fixed or deactivated refreshes its
    survey), so the refresh's DELETE and INSERT return each finding's before and after
    image and ``CountedFindingMonth`` / ``CountedFindingCommunityYear`` /
    ``CountedFindingStepYear`` move by the difference. Findings follow the
    official-figure rule (docs/design.md): one of a returned or unreported survey has
    no row here.

    ``handed_over_on`` / ``fixed_on`` are the days of its steps as the rollups read them
    (``rollups.findings.handed_over_on()`` / ``fixed_on()``: a step written without its
    day counts from the step before, or from the day found), so never empty; whether
    the step was taken is ``status``.
    """

    __table_args__ = (Index("ix_counted_finding_task", "task_id"),)

    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id"), primary_key=True)
    task_id: Mapped[int] = mapped_column(Integer)
    report_status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus))
    found_on: Mapped[date] = mapped_column(Date)
    community_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[FindingKind] = mapped_column(_enum(FindingKind))
    status: Mapped[FindingStatus] = mapped_column(_enum(FindingStatus))
    handed_over_on: Mapped[date] = mapped_column(Date)
    fixed_on: Mapped[date] = mapped_column(Date)


class CountedFindingMonth(db.Model):
    """The county's counted findings of one local month (of the day found), report
    status, kind and status today: the findings figures of a county-wide range of
    whole months, a few hundred rows a year instead of every finding joined with its
    survey's report (docs/performance.md, "Issue 14: the county's findings kept")."""

    month: Mapped[int] = mapped_column(Integer, primary_key=True)  # year × 100 + month
    report_status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus), primary_key=True)
    kind: Mapped[FindingKind] = mapped_column(_enum(FindingKind), primary_key=True)
    status: Mapped[FindingStatus] = mapped_column(_enum(FindingStatus), primary_key=True)
    findings: Mapped[int] = mapped_column(Integer)


class CountedFindingCommunityYear(db.Model):
    """The same per community and year, without the kind: the “双创”进展 view's
    found / handed over / fixed per community for the whole county's year, and the
    工作台's open 摸排问题 of every year (``rollups.home.open_findings_count``)."""

    __table_args__ = (
        # the 工作台: a report status's open findings (status IN …) of some communities
        # or all, every year — an index range, its figure read from the index
        Index("ix_counted_finding_community_year_open", "report_status", "status",
              "community_id", "findings"),
    )

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus), primary_key=True)
    status: Mapped[FindingStatus] = mapped_column(_enum(FindingStatus), primary_key=True)
    findings: Mapped[int] = mapped_column(Integer)


class CountedFindingStepYear(db.Model):
    """The county's counted findings with a step (移交 or 整改) in a year, per community
    and report status, whenever they were found: the “双创”进展 view's 移交 / 整改 of the
    period for the whole county's year (``rollups.findings.moves_by_community_plan``), 200 rows
    instead of every handed-over or fixed finding of the county read with its survey
    (docs/performance.md, "The county's steps kept").

    Counted as ``rollups.findings.moves_plan`` counts a period's steps, the period a
    year: ``findings`` the findings with a step in it (a finding handed over and fixed
    in it counts once; one handed over in one year and fixed in the next is in both),
    ``handed_over`` those handed over in it (today 已移交 or 已整改), ``fixed`` those fixed
    in it (today 已整改), ``earlier`` those of them found in an earlier year. A finding
    found after the year has no step in it."""

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus), primary_key=True)
    findings: Mapped[int] = mapped_column(Integer)
    handed_over: Mapped[int] = mapped_column(Integer)
    fixed: Mapped[int] = mapped_column(Integer)
    earlier: Mapped[int] = mapped_column(Integer)
