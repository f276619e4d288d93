"""Co-building funds (共建活动经费): an append-only ledger per unit × community.

The year's budget is the money target of the unit's 共建活动经费 resource item in
that community (``ResourceItem.target``), entered once, there. Amounts are integer
fen. Entries are never edited or deleted: a mistake is put right by a reversing
entry that points at the entry it cancels.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import now_default
from .types import UTCDateTime


class FundEntry(db.Model):
    __table_args__ = (Index("ix_fund_entry_unit_community_date", "unit_id", "community_id", "entry_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    entry_date: Mapped[date] = mapped_column(Date)  # local date the money was spent
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # negative for a reversal
    purpose: Mapped[str] = mapped_column(String(200))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("fund_entry.id"), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)

    unit: Mapped["Unit"] = relationship()  # noqa: F821
    community: Mapped["Community"] = relationship()  # noqa: F821
    task: Mapped["Task | None"] = relationship()  # noqa: F821
    created_by: Mapped["Member"] = relationship()  # noqa: F821
