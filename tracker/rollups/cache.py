"""A page's figures computed once per state of the database, per worker process.

An admin who reloads the county-wide year (社区共建进展, “双创”进展 of 全部社区) asks
for the same figures again and again while nothing has changed; computing them costs
tens of milliseconds of a worker's CPU that the members' pages, served by the same
few workers, are waiting for (docs/performance.md, "Issue 14: the county's figures
once per state of the database").

The key of a cached result is what the page asked for *and* a stamp of the data
every one of its statements would have read, so a hit is exactly what a recount
would give — never "a few seconds old":

- PostgreSQL: the transaction snapshot (``pg_current_snapshot()``: the oldest
  transaction still running, the next transaction id, the ones in progress). Two
  equal snapshots see the same committed transactions, so the same rows; any
  transaction that writes takes an id, and once it commits no later snapshot equals
  an earlier one. (Under READ COMMITTED the figures of a miss may see a commit made
  just after the stamp was read: that result is filed under a stamp no later request
  can have, so only requests already running alongside that commit can read it —
  as they could have read the commit itself.) The server's start time and the
  database's name and URL go in too: transaction ids are per cluster.
- SQLite: ``PRAGMA data_version`` of the connection, which changes whenever another
  connection (of this process or any other) has committed, plus the number of write
  transactions this connection committed itself (counted by ``db_setup``), plus the
  connection's own identity — each pooled connection counts on its own.

Not cached: a transaction that has written or holds unflushed changes (its figures
would include what it has not committed), and anything outside a request's app
context. The results are shared between requests: callers must not mutate them.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import text

from ..extensions import db
from ..lru import LRU

T = TypeVar("T")

MAX_ENTRIES = 64  # a few pages × periods × locales; each entry is a page's figures

_PG_STAMP = text("SELECT pg_current_snapshot()::text, pg_postmaster_start_time()::text, "
                 "current_database()")
_SQLITE_STAMP = text("PRAGMA data_version")


_cache = LRU(MAX_ENTRIES)
_tokens = itertools.count(1)  # never reused, unlike the id() of a collected object


def data_stamp() -> tuple | None:
    """The state of the data this request's next statements read, or None when it
    cannot be told (the transaction has written, or has changes not yet flushed)."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        return None
    connection = session.connection()
    if connection.info.get("wrote", True):
        return None
    if connection.dialect.name == "postgresql":
        snapshot, started, database = connection.execute(_PG_STAMP).one()
        return ("postgresql", str(connection.engine.url), database, started, snapshot)
    if connection.dialect.name == "sqlite":
        version = connection.execute(_SQLITE_STAMP).scalar_one()
        info = connection.info  # the pooled DB-API connection's own, kept across checkouts
        if "stamp_identity" not in info:
            info["stamp_identity"] = next(_tokens)
        return ("sqlite", info["stamp_identity"], info.get("own_commits", 0), version)
    return None


def cached(name: str, key: Hashable, compute: Callable[[], T]) -> tuple[T, tuple | None]:
    """``compute()``, or what it returned for the same ``name`` and ``key`` in this
    process when the data was in the same state (see the module's docstring); and the
    full key the value is filed under — the state of the data included — or None when
    it was computed without being kept. The key must hold everything the figures
    depend on besides the data (scope, period, today's date); the UI language and the
    app are added here. A page keeps what it renders from the value under the full
    key (``templating.cached_fragment``), so the rendering is as fresh as the figures."""
    stamp = data_stamp()
    if stamp is None:
        return compute(), None
    # the app too: two apps of one process (tests) may differ in what they show
    app = current_app.extensions.setdefault("figure_cache", next(_tokens))
    full_key = (name, key, str(get_locale()), app, stamp)
    value = _cache.get(full_key)
    if value is None:
        value = compute()
        _cache.put(full_key, value)
    return value, full_key


def clear() -> None:
    """Forget every cached result (tests that count statements start from here)."""
    _cache.clear()

