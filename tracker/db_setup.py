"""Engine settings that make SQLite safe for concurrent claims.

pysqlite's own transaction handling would start a deferred transaction and fail
with "database is locked" when two writers meet. We take transactions over:
autocommit in the driver, WAL, a busy timeout, and BEGIN IMMEDIATE so a writer
waits for the lock up front instead of failing half-way.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 15000


def configure_engine(engine: Engine, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
    """``busy_timeout_ms``: how long a request waits for another writer's lock before
    the database counts as busy (a 503 page, tracker/errors.py)."""
    if engine.dialect.name != "sqlite":
        return
    busy_timeout_ms = int(busy_timeout_ms)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
