"""A test's end on PostgreSQL (tests/conftest.py's ``app``, tests/dbstate.py's
``end_test_session``): a test whose transaction only read ends it in COMMIT, as the app
ends a request that only read, so the pooled connection keeps its prepared statements
for the next test. Ended by the session's ROLLBACK, every test had its statements parsed
and planned afresh — planning was most of the test cluster's CPU on the reports' and
rollups' tests (docs/testing.md, session 53). A test that left a write uncommitted still
ends in ROLLBACK: the COMMIT never saves what a test did not commit itself."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import PG_URL
from tests.dbstate import end_test_session
from tracker.extensions import db

pytestmark = pytest.mark.skipif(not PG_URL, reason="psycopg's prepared statements")

# a statement of this module's own, so no other test's can be taken for it
PROBE = "SELECT count(*) AS kept_statement_probe FROM category"


def _asked_twice():
    """PROBE asked twice through the test's session (prepared from its second use:
    DB_PREPARE_THRESHOLD); the psycopg connection it went out on."""
    for _ in range(2):
        assert db.session.execute(text(PROBE)).scalar() > 0
    return db.session.connection().connection.dbapi_connection


def _prepared_on(raw) -> list[str]:
    """The statements prepared on the psycopg connection ``raw`` (back in the pool,
    idle), read on it; its transaction ends in COMMIT, which keeps them."""
    statements = [row[0] for row in raw.execute("SELECT statement FROM pg_prepared_statements")]
    raw.commit()
    return statements


def test_a_test_that_only_read_leaves_its_statements_prepared_for_the_next(app):
    raw = _asked_twice()
    assert PROBE in _prepared_on(raw)  # prepared, and the transaction still open
    _asked_twice()
    end_test_session(db.session)
    assert PROBE in _prepared_on(raw)


def test_a_test_that_left_a_write_uncommitted_commits_nothing(app):
    raw = _asked_twice()
    first = "SELECT min(id) FROM category"
    name = db.session.execute(text(f"SELECT name FROM category WHERE id = ({first})")).scalar()
    db.session.execute(text(f"UPDATE category SET name = '改过的' WHERE id = ({first})"))
    end_test_session(db.session)
    assert db.session.execute(text(f"SELECT name FROM category WHERE id = ({first})")
                              ).scalar() == name
    db.session.commit()
    assert PROBE not in _prepared_on(raw)  # the ROLLBACK forgot them, as before
