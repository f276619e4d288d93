"""Findings (摸排问题): defects found by a facility survey, tracked until fixed.

A finding copies unit, community, zone and the survey's local service date from
its task when it is recorded (as Task copies them from its resource item), so the
register and the "双创" rollups filter and GROUP BY on this table alone.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow
from .types import UTCDateTime


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
        # The liaison home: open findings of the liaison's communities.
        Index("ix_finding_community_status", "community_id", "status"),
        # The admin's home (every community): open findings counted from this index
        # alone, not from the whole table.
        Index("ix_finding_status_active", "status", "active"),
        # The register over every community (admin): newest first, a page at a time.
        Index("ix_finding_found", "found_on", "id"),
        CheckConstraint(
            "handed_over_on IS NULL OR handed_over_on >= found_on", name="handed_after_found"
        ),
        CheckConstraint(
            "fixed_on IS NULL OR handed_over_on IS NULL OR fixed_on >= handed_over_on",
            name="fixed_after_handed",
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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    task: Mapped["Task"] = relationship()  # noqa: F821
    community: Mapped["Community"] = relationship()  # noqa: F821
    zone: Mapped["Zone | None"] = relationship()  # noqa: F821
    created_by: Mapped["Member"] = relationship()  # noqa: F821

    def __str__(self) -> str:
        return self.place
