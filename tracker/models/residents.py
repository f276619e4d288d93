"""Residents served (服务对象): 困难群众 and 空巢老人 of a community — personal data.

Only the community's liaison, admins and the paired members (结对党员) may see a
resident's record (see ``tracker.services.residents.may_view``). A resident that
tasks refer to is archived, never deleted.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Column, Date, Enum, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..extensions import db
from ..name_order import KEY_MAX, name_key
from ..privacy import mask_phone
from ..timeutil import now_default
from .types import UTCDateTime


class ResidentCategory(str, enum.Enum):
    needy = "needy"  # 困难群众
    elderly = "elderly"  # 空巢老人


# 结对党员: the members paired with a resident.
resident_member = Table(
    "resident_member",
    db.metadata,
    Column("resident_id", ForeignKey("resident.id"), primary_key=True),
    Column("member_id", ForeignKey("member.id"), primary_key=True, index=True),
)

# The residents a visit or assistance task served.
task_resident = Table(
    "task_resident",
    db.metadata,
    Column("task_id", ForeignKey("task.id"), primary_key=True),
    Column("resident_id", ForeignKey("resident.id"), primary_key=True, index=True),
)


def _default_name_key(context) -> str:
    # for rows inserted without the ORM (bulk loads): the key of the inserted name
    return name_key(context.get_current_parameters().get("name"))


class Resident(db.Model):
    __table_args__ = (Index("ix_resident_community_active", "community_id", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    name: Mapped[str] = mapped_column(String(40))
    # The name in pinyin order (tracker/name_order.py), as ``Member.name_key``: the
    # residents list and every picker of residents order by it. It follows the name.
    name_key: Mapped[str] = mapped_column(String(KEY_MAX), default=_default_name_key,
                                          server_default="")
    category: Mapped[ResidentCategory] = mapped_column(
        Enum(ResidentCategory, native_enum=False, length=16, validate_strings=True)
    )
    address: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    consent_date: Mapped[date] = mapped_column(Date)  # when the resident agreed to be recorded
    consent_method: Mapped[str] = mapped_column(String(80))  # how: 书面签字, 口头（家属在场）…
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # False = archived
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Erased (PIPL Art. 47): the personal fields are blanked, the history that names
    # the record (which tasks served it) stays, so activity counts do not change.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)

    community: Mapped["Community"] = relationship()  # noqa: F821
    # by name; namesakes (two units' 张三) by id, or the database's row order decides
    paired_members: Mapped[list["Member"]] = relationship(  # noqa: F821
        secondary=resident_member, order_by="[Member.name_key, Member.id]"
    )

    @validates("name")
    def _keep_name_key(self, _key, name):
        self.name_key = name_key(name)
        return name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def __str__(self) -> str:
        return self.name


