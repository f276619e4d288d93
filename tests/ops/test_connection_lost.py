"""PostgreSQL going away (a restart, a failover) while a page is being built is the
Chinese 503 with Retry-After — also when it happens inside the psycopg pipeline that
可认领任务 (the members' busiest page) opens for its generic plans
(tracker/sql_hints.py): not a 500 with "cannot exit pipeline mode while busy"."""
from __future__ import annotations

import contextlib
import logging
import select

import psycopg
import pytest

import tracker.tasks.queries as task_queries
from tests.pg_locks import terminate_backend
from tracker.extensions import db
from tracker.sql_hints import PIPELINE


@pytest.fixture
def app_config():
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "hide_parameters": True}}


@pytest.fixture
def postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a server that can drop a connection, and psycopg's pipeline: PostgreSQL")


def _get_tasks_page(client, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.get("/tasks/")
    return response, [r for r in caplog.records if r.levelno >= logging.ERROR]


class _EndsOnADeadConnection:
    """The page's pipeline, whose server goes away when its end is asked for: after the
    statement following it was sent, before the results were read."""

    def __init__(self, pipeline, pid: int):
        self.pipeline, self.pid = pipeline, pid

    def __exit__(self, *error):
        terminate_backend(self.pid)
        return self.pipeline.__exit__(*error)


@pytest.mark.parametrize("moment", ["noticed", "sent", "synced"])
def test_the_server_going_away_inside_the_pipeline_is_the_503(
        postgresql, client, login, world, monkeypatch, caplog, moment):
    """``noticed``: the server is gone, and its last words have reached the connection,
    before the pipeline opens; ``sent``: the server is gone before the pipelined
    statement is sent; ``synced``:
    the statement was sent, and the server goes before the pipeline's results are read
    (the end of the pipeline meets the dead connection)."""
    real, calls = task_queries.generic_plans, []

    def server_goes_away(session):
        connection = session.connection()
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        calls.append(pid)
        if moment in ("noticed", "sent"):
            terminate_backend(pid)
        if moment == "noticed":
            raw = connection.connection.dbapi_connection
            assert select.select([raw.fileno()], [], [], 30)[0]
            with contextlib.suppress(psycopg.OperationalError):
                raw.pgconn.consume_input()  # libpq has read them
        real(session)
        if moment == "synced":
            connection.info[PIPELINE] = _EndsOnADeadConnection(connection.info[PIPELINE], pid)

    login(world.member)
    monkeypatch.setattr(task_queries, "generic_plans", server_goes_away)
    response, errors = _get_tasks_page(client, caplog)
    assert calls, "the page opened no pipeline"
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.headers.get("Retry-After")
    assert "系统繁忙，请稍后再试" in response.get_data(as_text=True)
    assert errors == []  # a WARNING, not an ERROR with a traceback
    monkeypatch.setattr(task_queries, "generic_plans", real)
    assert client.get("/tasks/").status_code == 200  # the pool is renewed
