"""When the database is locked or down (case 6): the error page renders without touching
the database, in Chinese, as a 503 "系统繁忙，请稍后再试" with Retry-After, and nothing is
half-written. Real faults: a SQLite write lock held by another process, a PostgreSQL
table lock held by another connection, a PostgreSQL server that is stopped.
"""
from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import func, select

from tests import factories as f
from tests.scratch_db import PG_URL
from tracker import create_app
from tracker.extensions import db
from tracker.models import HOLDING, Assignment, Member, Role, Task, WaitlistEntry, WaitStatus
from tracker.reference import ensure_categories

ROOT = Path(__file__).resolve().parent.parent.parent
BUSY = "系统繁忙，请稍后再试"


@contextmanager
def own_app(url: str, **config):
    """An app on a database of its own, with a member logged in and an open task."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_METHOD": f.PASSWORD_HASH_METHOD, "SERVER_NAME": "localhost",
                      "RATELIMIT_ENABLED": False, **config})
    with app.app_context():
        db.create_all()
        ensure_categories()
        unit = f.unit()
        liaison = f.member(unit, Role.liaison, communities=[f.community()])
        task = f.task(f.item(unit, liaison.communities[0]), liaison)
        member = f.member(unit)
        db.session.commit()
        client = app.test_client()
        assert client.post("/auth/login", data={"phone": member.phone,
                                                "password": f.PASSWORD}).status_code == 302
        ids = (task.id, member.id)
        db.session.remove()  # the test holds no transaction of its own
        try:
            yield app, client, ids
        finally:
            db.session.remove()
            db.engine.dispose()


def assert_busy_page(response) -> None:
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert BUSY in page
    assert 'class="card error-page"' in page  # the real template, not the last-resort page


def assert_nothing_written(task_id: int, member_id: int) -> None:
    db.session.remove()
    assert db.session.scalar(select(func.count(Assignment.id)).where(
        Assignment.task_id == task_id, Assignment.member_id == member_id)) == 0


# ---------------------------------------------------------------- SQLite: a lock held elsewhere

LOCKER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")  # what every transaction of the app begins with
print("locked", flush=True)
sys.stdin.read()  # hold the lock until the test closes stdin
connection.execute("ROLLBACK")
"""


@contextmanager
def sqlite_locked(path: Path):
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert locker.stdout.readline().strip() == "locked"
        yield
    finally:
        locker.stdin.close()
        locker.wait(timeout=30)


@pytest.mark.sqlite_file
def test_a_claim_while_sqlite_is_locked_is_a_chinese_503_and_saves_nothing(tmp_path):
    path = tmp_path / "locked.sqlite3"
    with own_app(f"sqlite:///{path}", SQLITE_BUSY_TIMEOUT_MS=200) as (_app, client, ids):
        task_id, member_id = ids
        with sqlite_locked(path):
            claim = client.post(f"/tasks/{task_id}/claim")
            page = client.get("/tasks/mine")
        assert_busy_page(claim)
        # a page only reads, and readers need no lock under WAL (issue 14)
        assert page.status_code == 200 and "我的任务" in page.get_data(as_text=True)
        assert_nothing_written(task_id, member_id)
        # The lock gone, the same session works again.
        assert client.post(f"/tasks/{task_id}/claim").status_code == 302


def _one_slot_held_by(task_id: int, member_id: int | None) -> None:
    """The task down to one slot, claimed by ``member_id`` (or by a member of the same
    unit when None: the task is full for the logged-in member)."""
    from tracker.services import unit_of_work
    from tracker.services.claims import claim_slot

    task = db.session.get(Task, task_id)
    member = db.session.get(Member, member_id) if member_id else f.member(
        db.session.get(Member, task.created_by_id).unit)
    task.slots = 1
    db.session.commit()
    with unit_of_work():
        claim_slot(task, member)
    db.session.remove()


def _holds(task_id: int, member_id: int) -> bool:
    db.session.remove()
    return db.session.scalar(select(Assignment.status).where(
        Assignment.task_id == task_id, Assignment.member_id == member_id)) in HOLDING


def _waiting(task_id: int, member_id: int) -> bool:
    db.session.remove()
    return db.session.scalar(select(WaitlistEntry.status).where(
        WaitlistEntry.task_id == task_id, WaitlistEntry.member_id == member_id)) == (
        WaitStatus.waiting)


@pytest.mark.sqlite_file
@pytest.mark.parametrize("action", ["withdraw", "waitlist"])
def test_a_withdrawal_or_a_waitlist_join_while_sqlite_is_locked_is_a_chinese_503(tmp_path,
                                                                                 action):
    """The two writes of tests/services/test_waitlist_race.py, sent by a member while
    another writer holds SQLite's lock past SQLITE_BUSY_TIMEOUT_MS (there, racers queued
    longer than the 15 s on a saturated machine): the member gets the 503 page, the
    slot and the line are as they were, and the same tap works once the lock is gone."""
    path = tmp_path / "locked.sqlite3"
    with own_app(f"sqlite:///{path}", SQLITE_BUSY_TIMEOUT_MS=200) as (app, client, ids):
        task_id, member_id = ids
        with app.app_context():
            _one_slot_held_by(task_id, member_id if action == "withdraw" else None)
            tap = ((f"/tasks/{task_id}/withdraw", {"confirmed": "1"}) if action == "withdraw"
                   else (f"/tasks/{task_id}/waitlist", {}))
            with sqlite_locked(path):
                refused = client.post(tap[0], data=tap[1])
            assert_busy_page(refused)
            assert _holds(task_id, member_id) == (action == "withdraw")
            assert not _waiting(task_id, member_id)
            assert db.session.get(Task, task_id).taken == 1
            assert client.post(tap[0], data=tap[1]).status_code == 302
            assert _holds(task_id, member_id) is False
            assert _waiting(task_id, member_id) == (action == "waitlist")


def test_the_error_page_reads_nothing_from_the_database(client, world, login, count_queries):
    login(world.member)
    with count_queries() as queries:
        response = client.get("/no-such-page")  # no view runs: only the error page
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)
    assert queries.count == 0, queries.statements


# ---------------------------------------------------------------- PostgreSQL

@pytest.mark.skipif(not PG_URL, reason="PostgreSQL run only (make test-pg)")
def test_a_claim_while_postgres_holds_a_lock_is_a_chinese_503(tmp_path):
    import psycopg
    from sqlalchemy.engine import make_url

    from tests.scratch_db import fresh_database

    with fresh_database("postgresql", tmp_path, "locked") as url, \
            own_app(url, SQLALCHEMY_ENGINE_OPTIONS={
                "connect_args": {"options": "-c lock_timeout=300"}}) as (_app, client, ids):
        task_id, member_id = ids
        parts = make_url(url)
        with psycopg.connect(host=parts.host, port=parts.port, user=parts.username,
                             dbname=parts.database) as other:
            other.execute("LOCK TABLE task IN ACCESS EXCLUSIVE MODE")
            claim = client.post(f"/tasks/{task_id}/claim")
            other.rollback()
        assert_busy_page(claim)
        assert_nothing_written(task_id, member_id)


@pytest.fixture
def private_postgres(tmp_path):
    """A throw-away PostgreSQL cluster of this test's own (scripts/pg.sh), so it can be
    stopped without disturbing the suite's server."""
    if not Path("/usr/lib/postgresql/15/bin/initdb").exists():
        pytest.fail("PostgreSQL 15 is not installed (.ci/run installs postgresql-15)")
    directory = Path(subprocess.run(["mktemp", "-d"], capture_output=True, text=True,
                                    check=True).stdout.strip())
    env = {**os.environ, "PG_TEST_DIR": str(directory), "PG_TEST_DB": "down_test"}
    script = str(ROOT / "scripts" / "pg.sh")
    url = subprocess.run([script, "start"], env=env, capture_output=True, text=True,
                         check=True).stdout.strip()
    stopped = False

    def stop():
        nonlocal stopped
        if not stopped:
            subprocess.run([script, "stop"], env=env, check=True)
            stopped = True

    try:
        yield url, stop
    finally:
        stop()


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL run only (make test-pg)")
def test_pages_while_postgres_is_stopped_are_a_chinese_503(private_postgres):
    url, stop = private_postgres
    with own_app(url) as (app, client, ids):
        task_id, _member_id = ids
        stop()
        assert_busy_page(client.get("/tasks/mine"))
        assert_busy_page(client.post(f"/tasks/{task_id}/claim"))
        fresh = app.test_client()  # a visitor whose member must be loaded from cookies
        fresh.set_cookie("session", client.get_cookie("session").value, domain="localhost")
        g.pop("_login_user", None)
        assert_busy_page(fresh.get("/tasks/mine"))
