"""Engine settings that make SQLite safe for concurrent claims without making readers
wait for writers.

pysqlite's own transaction handling would start a deferred transaction and fail
with "database is locked" when two writers meet. We take transactions over:
autocommit in the driver, WAL, a busy timeout, and BEGIN IMMEDIATE so a writer
waits for the lock up front instead of failing half-way.

Readers need no lock under WAL, and holding the write lock through a page's queries
and rendering made requests from different workers run one at a time. So a GET (or
HEAD) request's transactions begin deferred and read-only (``PRAGMA query_only``: a
write there fails loudly instead of racing), and every other transaction — a form
POST, a command, a job — still begins IMMEDIATE. A GET that must write (a session's
last-seen time, a counted link guess) does it in ``writing()``, which ends the read
transaction first: a deferred read-then-write transaction would fail with "database
is locked" when another writer commits in between (PITFALLS).

On SQLite a form POST marked ``reads_first`` is treated the same way: it reads (who is
signed in, the record it acts on) without the lock, and its one unit of work takes the
lock for the writing part only. On the claim button, the storm's hottest path, that lock
used to span the whole request, so the two workers' claims ran one at a time.

On PostgreSQL a request's transaction that sent only SELECTs (a page, a refused claim,
a form sent back with its errors) ends in COMMIT, not in the ROLLBACK of the session's
close: psycopg drops its prepared statements at every
ROLLBACK, so each page's statements were parsed and planned again on every request
(see ``_end_read_request``). Anything that wrote, failed or is still pending ends in
ROLLBACK as before.
"""
from __future__ import annotations

import os
import time
import weakref
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, current_app, g, has_app_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

from .sql_hints import GENERIC_TO_THE_END, PIPELINE, PIPELINE_THEN

BUSY_TIMEOUT_MS = 15000
PING_AFTER_IDLE_SECONDS = 1.0
READ_METHODS = ("GET", "HEAD", "OPTIONS")

_writing: ContextVar[bool] = ContextVar("tracker_writing", default=False)


def configure_engine(engine: Engine, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
                     ping_after_idle: float | None = PING_AFTER_IDLE_SECONDS) -> None:
    """``busy_timeout_ms``: how long a request waits for another writer's lock before
    the database counts as busy (a 503 page, tracker/errors.py). ``ping_after_idle``:
    see ``_ping_when_idle`` (None: not at all, for a pool with ``pool_pre_ping``)."""
    _engines_to_forget_at_fork.add(engine)
    if ping_after_idle is not None:
        _ping_when_idle(engine, ping_after_idle)
    if engine.dialect.name == "postgresql":
        _note_writes(engine)
        _end_pipelines(engine)
        _no_jit(engine)
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
        read = _reading()
        if connection.info.get("query_only", False) != read:
            connection.exec_driver_sql(f"PRAGMA query_only={int(read)}")
            connection.info["query_only"] = read
        connection.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")

    _note_writes(engine)  # after the listener above: its BEGIN is not a write


def _ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Make sure a pooled connection is alive before a request uses it, if it has sat
    in the pool longer than ``idle_seconds``: the server may have restarted, or a
    firewall dropped the idle connection. A dead one is replaced before the request
    sees it (DisconnectionError: the pool connects again).

    SQLAlchemy's ``pool_pre_ping`` pings on every checkout: on PostgreSQL one more round
    trip for every request, the claim button's included (about 0.15 ms of the worker's
    CPU and as much of the server's). A connection back in the pool a moment ago is
    alive as far as a ping can tell, so under load none is sent (HikariCP skips its
    check the same way, for 500 ms). If the server restarts while connections are in
    steady use, the first request on each of them fails and the pool is renewed."""

    @event.listens_for(engine, "checkin")
    def _note_return(_dbapi_connection, record):
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < idle_seconds:
            return  # just connected, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("the pooled connection did not answer") from error


# gunicorn loads the app once in its master and forks the workers from it
# (deploy/gunicorn.conf.py, preload_app). A connection the master's pool held would be
# one socket shared by every worker, their statements and results interleaved: a child
# starts with empty pools. close=False: the parent's connections stay the parent's.
_engines_to_forget_at_fork: weakref.WeakSet[Engine] = weakref.WeakSet()


def _forget_inherited_connections() -> None:
    for engine in list(_engines_to_forget_at_fork):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_inherited_connections)


# Statements that change nothing: a SELECT, and the stamp of the figures' cache
# (tracker/rollups/cache.py), which reads a counter. A transaction of only these ends
# in COMMIT on PostgreSQL (see _end_read_request). The planner's setting of
# sql_hints.generic_plans goes to psycopg directly, unseen here: it changes nothing.
_READS = ("SELECT", "PRAGMA DATA_VERSION")
_READS_LONGEST = max(map(len, _READS))


def _note_writes(engine: Engine) -> None:
    """Remember whether the connection's transaction sent anything but a read, so that
    the end of a read request can tell a clean transaction from a dirty one and the
    figures' cache knows what the connection sees; count the write transactions each
    connection commits (the cache's stamp on SQLite, whose own ``data_version`` moves
    only with other connections' commits)."""

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.info["wrote"] = False

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(connection, _cursor, statement, _parameters, _context, _many):
        if not statement.lstrip()[:_READS_LONGEST].upper().startswith(_READS):
            connection.info["wrote"] = True

    @event.listens_for(engine, "commit")
    def _on_commit(connection):
        if connection.info.get("wrote", True):
            connection.info["own_commits"] = connection.info.get("own_commits", 0) + 1


def _no_jit(engine: Engine) -> None:
    """No JIT compilation on the app's connections. PostgreSQL compiles a statement
    whose estimated cost passes ``jit_above_cost``, on every execution, prepared or
    not: the 年度总结's one batch estimates about 150,000 (the year's people apart, a
    few subqueries per participation guessed at thousands of rows), and compiling it
    took about 145 ms of a statement that runs in 10 (docs/performance.md, "the 年度总结
    at county scale"). The app's statements are a page's aggregates over indexed
    ranges; none gains from JIT. Set once per connection and committed, so the
    request's first rollback does not undo it."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()


def _end_pipelines(engine: Engine) -> None:
    """End the psycopg pipeline ``sql_hints.generic_plans`` (and ``generic_plan_of_next``)
    leaves open as soon as the next statement is sent, before SQLAlchemy reads its
    result: what was held back, that statement and what is to follow it (the setting
    undone) go to the server with one Sync, and their results come back together. A
    statement that fails to be sent ends it too (nothing sent after it), and so does the
    end of the transaction: a connection never goes back to the pool in pipeline mode."""

    def end(connection, error: BaseException | None = None, ending: bool = False) -> None:
        if connection.invalidated:
            return  # its DBAPI connection is gone, and a pipeline with it
        if ending:  # the transaction's SET LOCAL ends with it
            connection.info.pop(GENERIC_TO_THE_END, None)
        pipeline = connection.info.pop(PIPELINE, None)
        then = connection.info.pop(PIPELINE_THEN, None)
        if pipeline is None:
            return
        try:
            if then is not None and error is None:
                # after the statement, in its round trip (sql_hints.generic_plan_of_next)
                connection.connection.dbapi_connection.execute(then)
            # with an error, psycopg logs a failure to end the pipeline and raises the error
            pipeline.__exit__(type(error) if error else None, error,
                              error.__traceback__ if error else None)
        except Exception:
            # The pipeline could not end: the server went away with its results unread
            # (a restart, a failover: "cannot exit pipeline mode while busy" on top of
            # AdminShutdown). The connection is of no more use; closed, it is what
            # SQLAlchemy takes for a disconnect — dropped from the pool, the request a
            # 503 (errors.database_unavailable) like any other that meets the restart.
            connection.connection.dbapi_connection.close()
            raise

    @event.listens_for(engine, "after_cursor_execute")
    def _after_statement(connection, *_args):
        end(connection)

    @event.listens_for(engine, "handle_error")
    def _on_error(context):
        if context.connection is not None:
            end(context.connection, context.original_exception)

    @event.listens_for(engine, "commit")
    def _before_commit(connection):
        end(connection, ending=True)

    @event.listens_for(engine, "rollback")
    def _before_rollback(connection):
        end(connection, ending=True)


def _reading() -> bool:
    return not _writing.get() and has_app_context() and g.get("_read_request", False)


def reads_first(view):
    """Mark a POST view whose every write goes through ``unit_of_work`` (or
    ``writing()``): its reads before that run without the write lock. A stray write
    outside fails loudly (``PRAGMA query_only``), it never races."""
    view.reads_first = True
    return view


def _reads_first() -> bool:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "reads_first", False)


def install(app: Flask) -> None:
    """Mark the requests whose transactions only read (see the module's docstring)."""
    from .extensions import db

    @app.before_request
    def _mark_read_request():
        # PostgreSQL needs no such split: a claim's lock is its task row's, taken by the
        # UPDATE itself; ending the read transaction first would only cost a commit and
        # the reloads of what it had read.
        if request.method in READ_METHODS or (_reads_first()
                                               and db.engine.dialect.name == "sqlite"):
            g._read_request = True

    @app.teardown_request
    def _end_read_request(error):
        read = g.pop("_read_request", False)
        if db.engine.dialect.name == "sqlite":
            if read:
                # The app context (and its session) can outlive the request, as in
                # tests: its read-only transaction must not be the one a later write
                # finds open.
                db.session.rollback()
        elif error is None and _clean_transaction(db.session()):
            # psycopg forgets its prepared statements at every ROLLBACK (a rolled-back
            # transaction may have prepared them), and the session's close ends in one:
            # PostgreSQL parsed and planned each page's statements on every request. A
            # transaction that only read ends the same with COMMIT, and they stay
            # prepared on the worker's connection (from their second use, see
            # DB_PREPARE_THRESHOLD in config.py). Any request's: a GET, and as much a
            # POST that only read — a refused claim, a form sent back with its errors.
            db.session.commit()


def _clean_transaction(session) -> bool:
    """An open, healthy transaction that has sent only SELECTs and has nothing to flush."""
    if not (session.in_transaction() and session.is_active) or (
            session.new or session.dirty or session.deleted):
        return False
    connection = session.connection()
    if connection.info.get("wrote", True):
        return False
    from psycopg.pq import TransactionStatus

    # not INERROR: a statement that failed (and was caught) ends in ROLLBACK as before
    status = connection.connection.dbapi_connection.info.transaction_status
    return status == TransactionStatus.INTRANS


@contextmanager
def writing():
    """A block that writes, inside a request that otherwise only reads: it runs in a
    transaction of its own that takes the write lock up front."""
    from .extensions import db

    if _writing.get() or not _reading():
        yield
        return
    db.session.commit()  # ends the read transaction (it wrote nothing)
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)
