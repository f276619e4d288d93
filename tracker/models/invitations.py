"""One-time links (激活链接) that let a member set a password: first login or reset.

Only the SHA-256 of a token is stored; the link itself is shown once, to whoever
generated it. A link dies when used, when it expires, or when a newer one is made
for the same member.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import now_default, utcnow
from .types import UTCDateTime


class InvitationPurpose(str, enum.Enum):
    activate = "activate"  # first password
    reset = "reset"  # forgotten password


class Invitation(db.Model):
    __table_args__ = (Index("ix_invitation_member_created", "member_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[InvitationPurpose] = mapped_column(
        Enum(InvitationPurpose, native_enum=False, length=16, validate_strings=True)
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # superseded by a newer link

    member: Mapped["Member"] = relationship(foreign_keys=[member_id])  # noqa: F821
    created_by: Mapped["Member"] = relationship(foreign_keys=[created_by_id])  # noqa: F821

    def is_live(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.used_at is None and self.revoked_at is None and self.expires_at > now
