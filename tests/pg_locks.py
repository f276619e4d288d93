"""Two transactions on PostgreSQL, step by step: the app's session holds one side's row
locks as the service takes them, and a second connection does the other side's next
step. Used by the tests that prove a lock leaves a write alone, or still excludes
another lock (``tests/services/test_lock_order.py``, ``test_need_series_race.py``); and a
server process ended from outside, as a restart or failover ends every connection
(``tests/ops/test_idle_ping.py``, ``test_connection_lost.py``)."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool


@contextmanager
def other_transaction():
    """A second connection, as another gunicorn worker's transaction: a write that
    would wait for a lock fails after 3 s instead (``lock_timeout``)."""
    from tracker.extensions import db

    with db.engine.connect() as conn:
        conn.execute(text("SET lock_timeout = '3s'"))
        yield conn
        conn.rollback()


def refused_at_once(statement) -> bool:
    """Whether a fresh transaction asking for ``statement``'s lock (NOWAIT) is refused:
    the lock is held elsewhere."""
    from tracker.extensions import db

    with db.engine.connect() as conn:
        try:
            conn.execute(statement)
        except OperationalError as error:
            return "could not obtain lock" in str(error)
        finally:
            conn.rollback()
    return False


class ServiceThread:
    """``work()`` in a unit of work of its own request, in a thread: another gunicorn
    worker's request, run while the test's second connection holds a lock. ``start()``
    it, wait for it to wait, ``join()``; ``outcome`` is "ok" or the error's repr (None:
    it never ended)."""

    def __init__(self, app, work):
        import threading

        self.outcome: str | None = None
        self._thread = threading.Thread(target=self._run, args=(app, work))

    def _run(self, app, work) -> None:
        from tracker.extensions import db
        from tracker.services import unit_of_work

        with app.test_request_context("/"):
            try:
                with unit_of_work():
                    work()
                self.outcome = "ok"
            except Exception as error:  # noqa: BLE001 — the test asserts on it
                self.outcome = repr(error)
            db.session.remove()

    def start(self) -> None:
        self._thread.start()

    def join(self) -> None:
        self._thread.join(timeout=60)


def terminate_backend(pid: int) -> None:
    """End the PostgreSQL server process ``pid`` (a pooled connection's) from a
    connection of another pool (``pg_terminate_backend``)."""
    from tracker.extensions import db

    other = create_engine(db.engine.url, poolclass=NullPool)
    try:
        with other.connect() as connection:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"),
                                      {"pid": pid}).scalar_one()
    finally:
        other.dispose()
