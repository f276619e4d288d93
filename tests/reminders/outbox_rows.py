"""The outbox as the tests read it: fresh from the database, in the order written."""
from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Outbox


def rows(**where) -> list[Outbox]:
    """The outbox rows whose columns equal ``where`` (e.g. ``kind="tomorrow"``)."""
    db.session.expire_all()
    stmt = select(Outbox).order_by(Outbox.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(Outbox, name) == value)
    return list(db.session.scalars(stmt))
