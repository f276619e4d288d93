"""How a request's transaction ends on PostgreSQL (issue 14, tracker/db_setup.py).

psycopg prepares a statement once it has been used often enough on a connection
(DB_PREPARE_THRESHOLD), and forgets every prepared statement at a ROLLBACK. A request
that only read — a page, or a POST such as a refused claim — ends in COMMIT, so its
statements stay prepared on the worker's connection; a request that wrote, whose
statement failed, or that left something to flush ends in ROLLBACK as before — the
COMMIT must never save what a request was not meant to write."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Task, Unit


@pytest.fixture
def app_config():
    # one kept connection, as a sync gunicorn worker has: the statements are prepared
    # on it, and the check below reads that connection's list
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "pool_pre_ping": True,
                                          "hide_parameters": True}}


@pytest.fixture(autouse=True)
def _postgresql_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("psycopg's prepared statements and PostgreSQL's transactions")


def _prepared_statements() -> list[str]:
    db.session.commit()
    statements = db.session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
    db.session.commit()
    return statements


def _each_in_a_thread_of_its_own(request, times: int = 6) -> list:
    """``request()`` ``times`` times, one after the other, each in a thread of its own:
    without the test's app context, each request has its own app context and session,
    closed at its end, as under gunicorn."""
    results: list = []
    for _ in range(times):
        thread = threading.Thread(target=lambda: results.append(request()))
        thread.start()
        thread.join()
    return results


def test_a_page_requested_again_runs_on_prepared_statements(client, login, world,
                                                            new_connections):
    login(world.member)
    db.session.close()  # the test's session gives the one pooled connection back
    assert _each_in_a_thread_of_its_own(lambda: client.get("/tasks/").status_code) == [200] * 6
    prepared = _prepared_statements()
    # the open list's own page statement
    assert any("FROM task JOIN community" in statement for statement in prepared), prepared


def test_refused_claims_keep_the_connections_prepared_statements(client, login, world,
                                                                 new_connections):
    """A tap on a full task only reads (the storm's thousands of them): it ends in COMMIT
    like a page, so the next tap finds its statements prepared instead of asking
    PostgreSQL to parse and plan them again after a ROLLBACK."""
    task = f.task(world.item, world.liaison, slots=1)
    db.session.add(Assignment(task_id=task.id, member_id=world.other_member.id,
                              status=AssignmentStatus.claimed))
    task.taken = 1
    db.session.commit()
    task_id = task.id
    url = f"/tasks/{task_id}/claim"
    login(world.member)
    db.session.close()
    assert _each_in_a_thread_of_its_own(lambda: client.post(url).status_code) == [302] * 6
    prepared = _prepared_statements()
    # the claim's own question: the task's slots with my row in it
    assert any("LEFT OUTER JOIN assignment" in statement for statement in prepared), prepared
    assert db.session.scalar(select(Task.taken).where(Task.id == task_id)) == 1


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_request_that_wrote_without_committing_keeps_nothing(app, world, method):
    """A write slipped into a page (not through ``writing()``), or one a POST's view left
    uncommitted, is not committed by the end of the request: its transaction ends in
    ROLLBACK — the COMMIT of a request that only read is never that."""
    with app.test_request_context("/", method=method):
        app.preprocess_request()
        db.session.execute(update(Unit).where(Unit.id == world.unit.id).values(name="改名"))
        app.do_teardown_request(None)
    db.session.rollback()
    assert db.session.scalar(select(Unit.name).where(Unit.id == world.unit.id)) == "县商务局"


def test_a_read_request_with_something_to_flush_keeps_nothing(app, world):
    with app.test_request_context("/", method="GET"):
        app.preprocess_request()
        db.session.scalar(select(func.count()).select_from(Unit))
        db.session.add(Unit(name="未提交的单位"))
        app.do_teardown_request(None)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).where(Unit.name == "未提交的单位")) == 0


def test_a_read_request_whose_statement_failed_ends_cleanly(app, world):
    """A page that caught a database error (as /healthz does) still ends its request
    without a second error, and the next request reads normally."""
    with app.test_request_context("/", method="GET"):
        app.preprocess_request()
        with pytest.raises(DBAPIError):
            db.session.execute(text("SELECT 1 / 0"))
        app.do_teardown_request(None)
    db.session.rollback()
    assert db.session.scalar(select(Unit.name).where(Unit.id == world.unit.id)) == "县商务局"
