"""Fixtures: an app per test on an isolated database (SQLite file, or PostgreSQL
when TEST_DATABASE_URL is set), a client, a login helper, a small world, and a
SQL statement counter."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import event, text

from tests import factories as f
from tracker import create_app
from tracker.extensions import db
from tracker.models import Role
from tracker.reference import ensure_categories

PG_URL = os.environ.get("TEST_DATABASE_URL")


def pytest_configure(config):
    """Under pytest-xdist each worker gets its own PostgreSQL database, so the
    per-test TRUNCATE of one worker never empties another worker's tables."""
    global PG_URL
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not PG_URL or not worker:
        return
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    name = f"{url.database}_{worker}"
    with psycopg.connect(host=url.host, port=url.port, user=url.username,
                         password=url.password, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    PG_URL = url.set(database=name).render_as_string(hide_password=False)
    os.environ["TEST_DATABASE_URL"] = PG_URL


def _reset_postgres(app) -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture(scope="session")
def _pg_schema():
    """On PostgreSQL, build the schema once per run; tests truncate between them."""
    if not PG_URL:
        yield
        return
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": PG_URL})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.commit()
    yield


@pytest.fixture
def app_config(tmp_path):
    """Override per test module to change settings (e.g. enable CSRF)."""
    return {}


@pytest.fixture
def app(tmp_path, _pg_schema, app_config):
    url = PG_URL or f"sqlite:///{tmp_path / 'test.sqlite3'}"
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        # The factories' cheap hash (tests/factories.py): no rehash at every test login.
        "PASSWORD_HASH_METHOD": f.PASSWORD_HASH_METHOD,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "SERVER_NAME": "localhost",
    }
    config.update(app_config)
    app = create_app(config)
    with app.app_context():
        if PG_URL:
            _reset_postgres(app)
        else:
            db.create_all()
        ensure_categories()
        db.session.commit()
        yield app
        db.session.remove()
        if not PG_URL:
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(client):
    """login(member) signs the test client in as that member."""

    def _login(member, password: str = f.PASSWORD):
        client.post("/auth/logout")
        response = client.post("/auth/login", data={"phone": member.phone, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return member

    return _login


@dataclass
class World:
    unit: object
    community: object
    other_community: object
    item: object
    other_item: object
    admin: object
    liaison: object
    other_liaison: object
    member: object
    other_member: object
    leader: object
    task: object  # open, starts in two days, led by `leader`
    past_task: object  # ended yesterday, `member` and `leader` on it
    other_task: object  # in the other community


@pytest.fixture
def world(app) -> World:
    unit = f.unit("县商务局")
    com = f.community("解放路社区")
    other = f.community("建设路社区")
    item = f.item(unit, com, "environment_cleanup")
    other_item = f.item(unit, other, "ad_removal")
    admin = f.member(unit, Role.admin, "管理员")
    liaison = f.member(unit, Role.liaison, "联络员甲", communities=[com])
    other_liaison = f.member(unit, Role.liaison, "联络员乙", communities=[other])
    member = f.member(unit, name="张三")
    other_member = f.member(unit, name="李四")
    leader = f.member(unit, name="王组长")
    task = f.task(item, liaison, leader=leader, title="环境整治")
    past = f.task(item, liaison, leader=leader, starts_in=-timedelta(days=1), title="楼道清理")
    other_task = f.task(other_item, other_liaison, title="清除牛皮癣")
    from tracker.models import Assignment, AssignmentStatus

    for m in (member, leader):
        db.session.add(Assignment(task_id=past.id, member_id=m.id, status=AssignmentStatus.claimed))
    past.taken = 2
    db.session.commit()
    return World(unit, com, other, item, other_item, admin, liaison, other_liaison, member,
                 other_member, leader, task, past, other_task)


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """with count_queries() as q: … ; q.count is the number of SQL statements run."""
    from contextlib import contextmanager

    @contextmanager
    def _count():
        counter = QueryCounter()

        def before(conn, cursor, statement, params, context, executemany):
            if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE")):
                counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return _count
