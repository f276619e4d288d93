"""What people write into a monthly summary (月报): 存在问题 and 下步打算, and
whether the month's summary is final (已定稿); and the finalised document itself
(``SummaryCopy``): what it said when it was signed, in every format, and the
communities it covers (``summary_copy_community``), which decide who may read it.

A summary is about a unit, a community, or a unit in one community
(``SummaryScope``); its words are kept per unit-or-community and month, under the
summary's ``key``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime


@dataclass(frozen=True)
class SummaryScope:
    """Which summary: a unit's, a community's, or a unit's in one community. A
    liaison's part of their unit (``community_ids``) narrows the figures, not the
    document: its words are the unit's."""

    unit_id: int | None = None
    community_id: int | None = None
    community_ids: tuple[int, ...] | None = None  # a liaison's part of the unit

    @property
    def key(self) -> str:
        parts = []
        if self.unit_id is not None:
            parts.append(f"unit:{self.unit_id}")
        if self.community_id is not None:
            parts.append(f"community:{self.community_id}")
        return "/".join(parts)


class SummaryWords:
    """What people write into a summary, kept per summary (``SummaryScope.key``) and
    period: 存在问题 and 下步打算, who last saved them, and whether the summary is
    已定稿 (who signed it, when). The 月报's (``SummaryNote``, a month) and the 年度总结's
    (``YearNote``, a year) are kept alike, so one set of functions writes, signs and
    re-opens both (``services.summary_notes``), as ``KeptDocument`` is for their copies."""

    # the key's columns first (sort_order), so that a SummaryNote's ``month`` follows
    # ``year`` as in the migrated tables: the table a test's create_all makes is theirs
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    scope_key: Mapped[str] = mapped_column(String(255), sort_order=-1)  # SummaryScope.key
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), sort_order=-1)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), sort_order=-1)
    year: Mapped[int] = mapped_column(Integer, sort_order=-1)
    problems: Mapped[str | None] = mapped_column(Text)  # 存在问题
    plans: Mapped[str | None] = mapped_column(Text)  # 下步打算
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 已定稿
    finalized_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))

    @declared_attr
    def finalized_by(cls) -> Mapped["Member | None"]:  # noqa: F821
        # two keys name a member: say which, of each class's own column
        return relationship("Member", foreign_keys=lambda: [cls.finalized_by_id])

    @property
    def final(self) -> bool:
        return self.finalized_at is not None


class SummaryNote(SummaryWords, db.Model):
    """The 月报's words (``SummaryWords``), kept per summary and month."""

    __table_args__ = (UniqueConstraint("scope_key", "year", "month"),)

    month: Mapped[int] = mapped_column(Integer)


class YearNote(SummaryWords, db.Model):
    """存在问题 and 下步打算 of a 年度总结 (annual summary), kept per summary
    (``SummaryScope.key``) and year, and whether the year is 已定稿 (``SummaryWords``).
    Apart from ``SummaryNote``, whose readers (its kept copies, who may change a signed
    month) all take a row for a month; the year's kept documents are ``YearCopy``."""

    __table_args__ = (UniqueConstraint("scope_key", "year"),)


summary_copy_community = Table(
    "summary_copy_community",
    db.metadata,
    Column("copy_id", ForeignKey("summary_copy.id"), primary_key=True),
    Column("community_id", ForeignKey("community.id"), primary_key=True),
)
"""The communities a kept 月报 covers, fixed at 定稿: a unit's month, every community
its month touched then (``summary_notes.unit_month_community_ids``); a community's
summary, or a unit's in one community, that community. A liaison reads the copy only
when they manage them all (``services.summary_notes.copy_within``), whatever the month's data
becomes afterwards."""


class KeptDocument:
    """A document as it was signed (定稿): the rendered page section and the .csv,
    .docx and .xlsx bytes, served instead of the live figures, and when and by whom it
    was signed and re-opened. The 月报's (``SummaryCopy``) and the 年度总结's
    (``YearCopy``) are kept alike, so one set of functions keeps, serves and compares
    both (``reports.final``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    finalized_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finalized_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    title: Mapped[str] = mapped_column(String(255))  # the file name without its extension
    page: Mapped[str] = mapped_column(Text)  # the page's document section (HTML, escaped)
    csv: Mapped[bytes] = mapped_column(LargeBinary)  # also what the live figures are compared to
    docx: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    xlsx: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    # the wording of the code that rendered it (``reports.wording.WORDING_VERSION``;
    # 0: kept before it was recorded): another than today's differs in wording, not
    # necessarily in data
    wording_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # when an erasure (删除个人信息) took a person's name, address and phone out of the
    # kept text (``services.erasure.redact_copies``; the figures stay as signed); None:
    # as signed. Deferred: read only where a copy is shown, so the code that re-opens or
    # lists copies also runs on a database of before the column (tests/test_migrations.py
    # re-opens a month at 0044, the only state holding two current copies)
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, deferred=True)


class SummaryCopy(KeptDocument, db.Model):
    """The 月报 as it was when the month was marked 已定稿 (``KeptDocument``), served
    for the finalised month instead of the live figures (the signed document does not
    change afterwards). Re-opening the month keeps the copy as history
    (``reopened_at``); the note's current copy is the one not re-opened — one at most,
    which the database holds to as well (``uq_summary_copy_current``: 定稿's lock keeps
    two 定稿 apart, the index backs it)."""

    __table_args__ = (
        Index("uq_summary_copy_current", "note_id", unique=True,
              sqlite_where=text("reopened_at IS NULL"),
              postgresql_where=text("reopened_at IS NULL")),
    )

    note_id: Mapped[int] = mapped_column(ForeignKey("summary_note.id"), index=True)


year_copy_community = Table(
    "year_copy_community",
    db.metadata,
    Column("copy_id", ForeignKey("year_copy.id"), primary_key=True),
    Column("community_id", ForeignKey("community.id"), primary_key=True),
)
"""The communities a kept 年度总结 covers, fixed at 定稿, as ``summary_copy_community``
for a month: a unit's year, every community one of its months touched then."""


class YearCopy(KeptDocument, db.Model):
    """The 年度总结 as it was when the year was marked 已定稿 (``KeptDocument``), kept
    as the 月报's are: one current copy per year at most, re-opened ones kept as
    history. A table of its own rather than ``summary_copy`` rows: every reader of
    ``summary_copy`` (the 定稿记录, the year's comparison with its signed months, an
    erasure's redaction, one current copy per month) takes its copies for a month."""

    __table_args__ = (
        Index("uq_year_copy_current", "note_id", unique=True,
              sqlite_where=text("reopened_at IS NULL"),
              postgresql_where=text("reopened_at IS NULL")),
    )

    note_id: Mapped[int] = mapped_column(ForeignKey("year_note.id"), index=True)
