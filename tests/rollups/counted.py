"""Comparing the derived tables (CountedTask, CountedParticipation) with a fresh
derivation from task × report × assignment."""
from __future__ import annotations

from sqlalchemy import select

from tracker import participation
from tracker.extensions import db
from tracker.models import CountedParticipation, CountedTask


def _rows(conn) -> tuple[set, set]:
    return (set(conn.execute(select(CountedTask.__table__)).tuples()),
            set(conn.execute(select(CountedParticipation.__table__)).tuples()))


def stored() -> tuple[set, set]:
    return _rows(db.session.connection())


def derived() -> tuple[set, set]:
    """The same rows computed from scratch, in a savepoint that is thrown away."""
    savepoint = db.session.begin_nested()
    conn = db.session.connection()
    participation.rebuild(conn)
    rows = _rows(conn)
    savepoint.rollback()
    return rows


def assert_in_sync():
    db.session.expire_all()
    assert stored() == derived()
