"""Communities and their responsibility zones (责任区).

Units, communities and zones keep ``sort_key``, their name in natural order
(``tracker.natural``): every list, drop-down, chart and table orders by it, so
一区 < 二区 < 十区 in SQL as in Python. It follows the name by itself.
"""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..extensions import db
from ..natural import KEY_MAX, sort_key


def _default_sort_key(context) -> str:
    # for rows inserted without the ORM (bulk loads): the key of the inserted name
    return sort_key(context.get_current_parameters().get("name"))


class NaturallyNamed:
    """A ``name`` with its natural-order ``sort_key``, set whenever the name is (by the
    ORM, and by the column default for a bulk insert)."""

    sort_key: Mapped[str] = mapped_column(String(KEY_MAX), index=True,
                                          default=_default_sort_key)

    @validates("name")
    def _keep_sort_key(self, _key, name):
        self.sort_key = sort_key(name)
        return name


class Community(NaturallyNamed, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    zones: Mapped[list["Zone"]] = relationship(
        back_populates="community", order_by="Zone.sort_key"
    )

    def __str__(self) -> str:
        return self.name


class Zone(NaturallyNamed, db.Model):
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
