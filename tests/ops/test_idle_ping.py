"""A pooled connection is pinged before use only when it sat idle longer than
DB_PING_AFTER_IDLE_SECONDS (tracker/db_setup.py): under load no request pays a round
trip for it, and after a quiet spell a connection the server dropped is replaced before
a request sees it.

The pool's clock is the test's (``pool_clock``): the idle spells are set, not slept, so a
busy machine neither makes "a moment ago" idle nor shortens a quiet spell."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.pg_locks import terminate_backend
from tracker.extensions import db

IDLE = 30.0  # seconds of the test's clock: the wall clock never reaches it


@pytest.fixture
def app_config():
    # one kept connection, as a sync gunicorn worker has
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "hide_parameters": True},
            "DB_PING_AFTER_IDLE_SECONDS": IDLE}


@pytest.fixture
def pool_clock(app, monkeypatch):
    """The seconds the pool reads (tracker/db_setup.py's ``time.monotonic``);
    ``pool_clock.pass_(s)`` lets ``s`` seconds go by."""
    now = [1000.0]

    def pass_(seconds: float) -> None:
        now[0] += seconds

    monkeypatch.setattr("tracker.db_setup.time", SimpleNamespace(monotonic=lambda: now[0]))
    return SimpleNamespace(pass_=pass_)


@pytest.fixture
def pings(app, pool_clock, monkeypatch):
    """How many times the pool pinged a connection (each ping is the real one)."""
    dialect, seen = db.engine.dialect, []
    real = dialect.do_ping

    def counted(dbapi_connection):
        seen.append(dbapi_connection)
        return real(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return seen


def _request() -> int:
    """One request's use of the database: a checkout, a statement, the return."""
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT 1")).scalar_one()


def test_a_connection_used_a_moment_ago_is_not_pinged(pings, pool_clock):
    _request()
    pings.clear()
    for _ in range(5):
        pool_clock.pass_(IDLE * 0.9)  # each request within the setting of the one before
        assert _request() == 1
    assert pings == []


def test_a_connection_idle_longer_than_the_setting_is_pinged_once(pings, pool_clock):
    _request()
    pings.clear()
    pool_clock.pass_(IDLE + 0.1)
    assert _request() == 1
    assert _request() == 1  # and not again right after
    assert len(pings) == 1


def _backend_pid() -> int:
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


@pytest.fixture
def postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a server that can drop a connection: PostgreSQL")


def test_after_a_quiet_spell_a_connection_the_server_dropped_is_replaced(postgresql, pings,
                                                                         pool_clock):
    dropped = _backend_pid()
    terminate_backend(dropped)
    pool_clock.pass_(IDLE + 0.1)
    assert _backend_pid() != dropped  # answered, on a new connection
    assert len(pings) == 1


def test_in_steady_use_a_dropped_connection_fails_one_request_and_the_pool_recovers(
        postgresql, pings):
    """The cost of not pinging under load (docs/performance.md): the request that
    first meets the dead connection fails, as one under way when it died would; the
    pool is renewed and the next request is served."""
    dropped = _backend_pid()
    terminate_backend(dropped)
    with pytest.raises(DBAPIError):
        _request()
    assert _backend_pid() != dropped
    assert pings == []
