"""No test sees what the test before it left, now that the ``app`` fixture only marks
``base`` due and a build's snapshot may be put back straight over the last test's
database (tests/dbstate.py, docs/testing.md, session 35).

Successive tests are what this is about, and the suite's own order is not fixed (two
workers, work stealing): tests/restore_sequence.py is run here, in a pytest process of
its own, one test after another in its order, on a database of its own (on PostgreSQL
a database of the run's cluster, dropped afterwards)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.conftest import PG_URL
from tests.deadlines import HUNG_SECONDS

ROOT = Path(__file__).resolve().parent.parent
# The inner run's name for its worker: its PostgreSQL database is this run's, suffixed
# (tests/conftest.py, pytest_configure), never the one this worker's tests use.
INNER_WORKER = "sequence"


def _drop_inner_database() -> None:
    import psycopg

    url = make_url(PG_URL)
    with psycopg.connect(host=url.host, port=url.port, user=url.username,
                         password=url.password, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.database}_{INNER_WORKER}" WITH (FORCE)')


def test_each_test_sees_only_what_its_fixtures_promise_whatever_the_last_one_left():
    env = {**os.environ, "PYTEST_XDIST_WORKER": INNER_WORKER}
    env.pop("TESTS_RESTORE_COUNTS", None)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
             "tests/restore_sequence.py"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=HUNG_SECONDS)
    finally:
        if PG_URL:
            _drop_inner_database()
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    # every test of the sequence ran, in its order, and none was skipped
    assert re.search(r"^24 passed in ", done.stdout, re.M), done.stdout[-2000:]
