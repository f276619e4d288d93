"""Communities and their responsibility zones (责任区)."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Community(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    zones: Mapped[list["Zone"]] = relationship(
        back_populates="community", order_by="Zone.name"
    )

    def __str__(self) -> str:
        return self.name


class Zone(db.Model):
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    community: Mapped[Community] = relationship(back_populates="zones")
    unit: Mapped["Unit | None"] = relationship()  # noqa: F821

    def __str__(self) -> str:
        return self.name
