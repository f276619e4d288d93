"""Locks on names rather than rows: what a unique index cannot hold (a rate limit's key,
an active category's name a 停用 one may share) is held by a lock on the name itself."""
from __future__ import annotations

import hashlib

from sqlalchemy import text

from .extensions import db


def hold_keys(keys: list[str]) -> None:
    """PostgreSQL: a transaction-scoped advisory lock per key, taken in the order given
    (callers sort: no deadlock between two transactions sharing two keys). A statement
    after the lock, under READ COMMITTED (the app's level), sees every row the lock's
    previous holder committed. SQLite needs none: a writing transaction there begins
    IMMEDIATE, holding the database's write lock (``db_setup``), so writers take turns
    already."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for key in keys:
        number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        db.session.execute(text("SELECT pg_advisory_xact_lock(:n)"), {"n": number})
