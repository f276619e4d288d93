"""Fixtures: an app on an isolated database (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set), a client, a login helper, a small world, and a SQL
statement counter.

Each test gets the database exactly as a fresh ``create_all`` + ``ensure_categories``
leaves it (or, with ``world``, plus the small world), but not by building it: each
xdist worker keeps one app per distinct configuration and puts a snapshot of the
database back before each test — see tests/dbstate.py and docs/testing.md.
"""
from __future__ import annotations

import gc
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from flask import redirect, url_for
from sqlalchemy import event

from tests import factories as f
from tests.dbstate import (
    WorkerDatabases,
    end_test_session,
    keep_out_of_gc,
    reset_throttle,
    reverse_unordered_everywhere,
)
from tests.scratch_db import MigratedHeads, MigratedRevisions
from tracker.extensions import db
from tracker.models import Role

PG_URL = os.environ.get("TEST_DATABASE_URL")

# The garbage collector's thresholds in the test processes (pytest and its workers; not
# the processes they start: racers, ``flask`` commands, gunicorn keep Python's own).
# With Python's (700, 10, 10) a worker collected young objects after every 700
# allocations, and the whole heap left unfrozen every few thousand: 8 % of a worker's
# CPU on the permission matrix and the data-security tests, for garbage a test's end
# frees anyway (docs/testing.md, session 57). Collected less often, the same garbage is
# still collected; only later, in larger batches.
TEST_GC_THRESHOLD = (50_000, 20, 100)


def pytest_configure(config):
    """SQLite's unordered rows come back reversed (``reverse_unordered_everywhere``).
    The garbage collector runs less often (``TEST_GC_THRESHOLD``).
    Under pytest-xdist each worker gets its own PostgreSQL database, so the per-test
    restore of one worker never empties another worker's tables."""
    global PG_URL
    reverse_unordered_everywhere()
    gc.set_threshold(*TEST_GC_THRESHOLD)
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


def pytest_unconfigure(config):
    """The run is over: what is alive now goes out of the collector's sight (``gc.freeze``,
    no collection first). pytest's own clean-up then collects five times to report the
    exceptions raised in the finalizers of the last garbage — which this suite's
    ``filterwarnings`` ignores (pytest.ini) — and each of those collections walked every
    object the worker still held: ≈ 2.5 s of CPU a worker (session 57)."""
    gc.freeze()


def pytest_collection_modifyitems(config, items):
    """A PostgreSQL run leaves out the tests marked ``sqlite_file``: they build SQLite
    files of their own whatever TEST_DATABASE_URL says, so on PostgreSQL they would
    repeat, unchanged, what `make test`'s SQLite run has just run (docs/testing.md)."""
    if not PG_URL:
        return
    kept, left_out = [], []
    for item in items:
        (left_out if item.get_closest_marker("sqlite_file") else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def pytest_collection_finish(session):
    """Keep what lives for the whole run out of the garbage collector's sight: the
    collected modules and items are never garbage, yet every full collection walked them
    again (the collector was 7.7 % of a worker's CPU on the matrix tests: docs/testing.md,
    sessions 30 and 31). Each worker's apps join them when built (tests/dbstate.py)."""
    keep_out_of_gc()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    """The test's body sees the database its fixtures promised: a restore still due
    (no fixture touched the database, and no build came) is carried out now, before
    the body can start a process or a server that reaches the database on its own."""
    databases = item.funcargs.get("_databases") if hasattr(item, "funcargs") else None
    if databases is not None:
        databases.ensure_restored()


@pytest.fixture(scope="session")
def _databases():
    """This worker's cached apps and database snapshots (tests/dbstate.py)."""
    databases = WorkerDatabases(PG_URL)
    yield databases
    databases.close()


@pytest.fixture(scope="session")
def _migrated_heads(tmp_path_factory):
    heads = MigratedHeads(tmp_path_factory.mktemp("migrated-head"))
    yield heads
    heads.close()


@pytest.fixture
def migrated_database(_migrated_heads, tmp_path):
    """``with migrated_database(backend, "name") as url:`` — a new database of its own
    (as ``tests.scratch_db.fresh_database`` gives) already at the migrations' head, as
    ``flask db upgrade`` leaves it; dropped afterwards (tests/scratch_db.py)."""

    def _copy(backend: str, name: str = "scratch"):
        return _migrated_heads.copy(backend, tmp_path, name)

    return _copy


@pytest.fixture(scope="session")
def _migrated_revisions(tmp_path_factory):
    revisions = MigratedRevisions(tmp_path_factory.mktemp("migrated-revisions"))
    yield revisions
    revisions.close()


@pytest.fixture
def database_at(_migrated_revisions, tmp_path):
    """``with database_at(backend, revision, "name") as url:`` — a new, empty database of
    its own at an older ``revision``, as ``flask db upgrade <revision>`` from nothing
    leaves it; dropped afterwards (tests/scratch_db.py: ``MigratedRevisions``)."""

    def _copy(backend: str, revision: str, name: str = "scratch"):
        return _migrated_revisions.copy(backend, revision, tmp_path, name)

    return _copy


@pytest.fixture
def app_config():
    """Override per test module to change settings (e.g. enable CSRF)."""
    return {}


@pytest.fixture
def _cached_app(_databases, app_config):
    if "SQLALCHEMY_DATABASE_URI" in app_config:
        pytest.fail("app_config cannot choose the database: use "
                    "tests.scratch_db.fresh_database and create_app for a database of your own")
    return _databases.app_for(app_config)


@pytest.fixture
def app(_databases, _cached_app, app_config):
    """The app for this test's configuration, on a database holding only the schema and
    the reference categories; its own app context, config and upload folder.

    The ``base`` snapshot is marked due, not put back here: the first connection the
    app's engine hands out puts it back (so does ``_databases.ensure_restored()``, and,
    at the latest, the start of the test's body: ``pytest_runtest_call`` below), unless
    a build (``world``, ``cached_build``, …) with a fresh snapshot comes first — then
    that snapshot is due instead, and a build on top of it takes its place again: the
    test pays one restore, however many builds (tests/dbstate.py, docs/testing.md,
    sessions 35 and 36)."""
    _databases.due(_cached_app, "base")
    app = _cached_app.app
    folder = _databases.test_folder()
    _cached_app.restore_config(folder / "uploads", app_config)
    reset_throttle(app)
    with app.app_context():
        yield app
        # one that only read ends in COMMIT: the pooled connection keeps its prepared
        # statements for the next test, as a worker of the app keeps them (dbstate.py)
        end_test_session(db.session)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def new_connections(app):
    """The test's statements go out on new connections. PostgreSQL's prepared statements
    and their plan counts belong to a connection, and the pool keeps a connection from
    test to test with what earlier tests on the worker prepared on it (tests/dbstate.py,
    ``end_read_transaction``): a test reading ``pg_prepared_statements`` must see only
    what it asked itself. Put it after the fixtures that build (``world``): their
    objects stay in the session, expired."""
    db.session.rollback()  # the session's connection back in the pool, to be closed
    db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def commit_fails():
    """``commit_fails()``: from then on the database refuses every COMMIT (a restart or
    failover at that moment)."""
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    def refuse(session):
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    def arm():
        event.listen(Session, "before_commit", refuse)
    yield arm
    if event.contains(Session, "before_commit", refuse):
        event.remove(Session, "before_commit", refuse)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _has_login_cookie(client, app) -> bool:
    # A client without a cookie yet has nobody to log out.
    return any(client.get_cookie(name) is not None
               for name in (app.config["SESSION_COOKIE_NAME"],
                            app.config.get("REMEMBER_COOKIE_NAME", "remember_token")))


@contextmanager
def _posted(client, app, path: str):
    """What the view of a POST to ``path`` does, done here without the request: a request
    context with the client's address, browser and cookies (the test's app context stays,
    as with a request of the test client); the cookies the response sets go back to the
    client. Flask's ``session_transaction`` does the same with the session alone."""
    context = app.test_request_context(path, method="POST", environ_base=client.environ_base)
    client._add_cookies_to_wsgi(context.request.environ)
    with context:
        response = redirect(url_for("main.index"))
        yield response
        # Flask-Login's remember-me cookie and the session cookie, as after a request
        response = app.process_response(response)
    client._update_cookies_from_response(context.request.host.partition(":")[0],
                                         context.request.path,
                                         response.headers.getlist("Set-Cookie"))


@pytest.fixture
def login(client, app):
    """login(member) signs the test client in as that member: what a logout of whoever is
    in and then the login form would do — the same services, the same session row, audit
    rows, throttle and cookies — without sending the two requests (a third of the
    permission matrices' time went on them: docs/testing.md, session 31). The tests of
    logging in itself use ``http_login``."""
    from flask_login import current_user

    from tracker.auth.loader import current_session
    from tracker.auth.routes import login_attempt, signed_in, signed_out
    from tracker.services import unit_of_work
    from tracker.services.accounts import log_in
    from tracker.services.sessions import log_out

    def _login(member, password: str = f.PASSWORD):
        if _has_login_cookie(client, app):
            with _posted(client, app, "/auth/logout"):
                # an ended login is only sent to the login page, which starts afresh
                if current_user.is_authenticated:
                    with unit_of_work():
                        log_out(current_user, current_session())
                    signed_out()
        with _posted(client, app, "/auth/login") as response:
            started = log_in(login_attempt(member.phone, password, remember=False))
            signed_in(started, False, response)
        return member

    return _login


@pytest.fixture
def http_login(client, app):
    """http_login(member) signs the test client in through the login form: POST
    /auth/logout (when someone may be in), then POST /auth/login, as a browser does."""

    def _login(member, password: str = f.PASSWORD):
        if _has_login_cookie(client, app):
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


def _build_world() -> World:
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


@pytest.fixture
def cached_build(app, _databases, _cached_app):
    """cached_build(name, build) → what ``build()`` returns; ``build`` writes data and
    commits. The first time, it runs; for the next tests (up to 30 s, the same local
    day, starting from the same database state) the database is put back to the state
    right after it ran and the objects it returned (ORM objects, in dataclasses, dicts,
    lists) are re-made in this test's session, expired. See WorkerDatabases.built."""

    def _cached_build(name: str, build):
        return _databases.built(_cached_app, name, build)

    return _cached_build


@pytest.fixture
def world(cached_build) -> World:
    """A small world, committed (built once per 30 s, see ``cached_build``)."""
    return cached_build("world", _build_world)


@pytest.fixture
def route_world(world, cached_build, route) -> World:
    """The world with the permission-matrix row ``route``'s setup done on it
    (tests/web/matrix.py, ``set_up``; ``route`` is the test's parameter). In the test's
    set-up, not its body: the setup's snapshot then takes the world's place as the
    restore due, and the test pays one restore instead of two (tests/dbstate.py, session
    36); in the body the world would already have been put back."""
    from tests.web.matrix import set_up

    set_up(route, world, cached_build)
    return world


# The demo world, seeded, is kept for longer than the 30 s of other builds: ten modules
# of tests/ seed it (8-14 s each on the shared machine), far apart in a run. Its times
# are relative to the moment it was seeded (reports dated as if submitted the day after
# their activity, capped at "now"; devices last seen days ago) — and ``seeded_demo``
# stops the application's clock at 10:00 of the day it seeds for, both for the seeding
# and for every test reading it (``set_app_clock``): a world seeded an hour ago is the
# very world seeded now, the random tokens and salted hashes apart, and a snapshot is
# never used on another local day (``WorkerDatabases.fresh``; the day is in its name
# too). So it is kept for the whole run: with fifteen minutes, a worker seeded
# today's demo a second time late in a PostgreSQL half, which runs about twenty
# (issue 13, speedb52).
DEMO_MAX_AGE = float("inf")


@pytest.fixture(scope="session", autouse=True)
def _app_clock_dispatched():
    """The application's clock is looked up per test (``tests.clock.dispatch_app_clock``),
    so that ``_day_kept`` costs each test one name set, not a hundred."""
    from tests.clock import dispatch_app_clock

    with pytest.MonkeyPatch.context() as patch:
        dispatch_app_clock(patch)
        yield


@pytest.fixture(autouse=True)
def _day_kept(request, monkeypatch):
    """Every test: the application's clock never leaves the local day the test was set
    up on (``tests.clock.keep_app_clock_on``), as ``today_held`` keeps a module's
    ``TODAY``. A test reading the day (its form's dates, its expected figures) and the
    application reading it after, at each request, agree even when midnight passes in
    Asia/Shanghai between them: under libfaketime with midnight 0.1 s into each body,
    4 of 55 such tests failed (test_typed_dates, test_absent_past_request_window,
    test_voiding; clock55). Until 23:59 it is the machine's clock."""
    if "today_held" in request.fixturenames:
        return  # kept on its module's TODAY instead
    from tests.clock import keep_app_clock_on
    from tracker.timeutil import local_today

    keep_app_clock_on(monkeypatch, local_today())


@pytest.fixture
def today_held(request, monkeypatch):
    """For a test module whose ``TODAY`` (a date, or its ISO text) was read once, when
    the module was collected: the application's clock never leaves ``TODAY``
    (``tests.clock.keep_app_clock_on``), so the module's expected days and the
    application's agree in a run crossing midnight in Asia/Shanghai — whether midnight
    passed before the test began (the clock is then at 23:59 on ``TODAY``, the last
    minute the module's days were right) or passes while it runs (a test started at
    23:59:58 saw the new day halfway, session 54, when the clock was only held for a
    test set up after midnight). Before 23:59 on ``TODAY`` it runs as the machine's.
    From 23:59 it ticks, a microsecond a read: a clock standing still stamped an
    assignment and the task's move after it with one moment, and the reminders rightly
    read her as claimed after the change (session 54). A module opts in with
    ``pytestmark = pytest.mark.usefixtures("today_held")``."""
    from datetime import date as _date

    from tests.clock import keep_app_clock_on

    day = request.module.TODAY
    keep_app_clock_on(monkeypatch, _date.fromisoformat(day) if isinstance(day, str) else day)


@pytest.fixture
def seeded_demo(app, _databases, _cached_app, monkeypatch):
    """seeded_demo(today) → ``tracker.demo.seed_demo(today)``'s DemoWorld, committed —
    seeded the first time; after that (same worker, same local day, up to
    ``DEMO_MAX_AGE``, starting from the bare database) the database is put back to the
    state right after that seeding and the world's objects re-made, expired, in this
    test's session (``WorkerDatabases.built``).

    From then on it is 10:00 on ``today`` for the application and the test
    (``tests.clock.set_app_clock``): the demo is dated from ``today``, and its seeding
    goes through services that check dates against the clock (a need's 需要完成的日期
    not before today), as the pages read after it do. A run crossing midnight in
    Asia/Shanghai once seeded half on one day and half on the next; a test seeding for
    ``local_today()`` now stays on that day, whatever the hour it runs at."""
    from tests.clock import set_app_clock
    from tracker.demo import seed_demo

    def _seeded(today):
        set_app_clock(monkeypatch, today)
        def seed_the_demo():
            demo = seed_demo(today)
            db.session.commit()
            return demo

        return _databases.built(_cached_app, f"demo-{today.isoformat()}", seed_the_demo,
                                max_age=DEMO_MAX_AGE)

    return _seeded


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


@pytest.fixture
def builds(monkeypatch):
    """The 月报 and 年度总结 built from here on (a page's comparison builds one): what a
    request after a change of signed data costs, counted without a clock."""
    from tracker.reports import annual_final, final

    built = []
    summary, annual = final.build_summary, annual_final.build_annual
    monkeypatch.setattr(final, "build_summary",
                        lambda *a, **k: built.append("月报") or summary(*a, **k))
    monkeypatch.setattr(annual_final, "build_annual",
                        lambda *a, **k: built.append("年度总结") or annual(*a, **k))
    return built


@pytest.fixture
def both_figures(world):
    """The past task in a category that counts both a 完成数量 (棵) and a 受益 (人), so a
    report asks both (the categories counting one or none are tested where they matter).
    A module uses it with ``pytestmark = pytest.mark.usefixtures("both_figures")``."""
    item = f.item(world.unit, world.community, f.category())
    world.past_task.category_id, world.past_task.resource_item_id = item.category_id, item.id
    db.session.commit()


ENGLISH_PO = (Path(__file__).resolve().parent.parent / "tracker" / "translations" / "en"
              / "LC_MESSAGES" / "messages.po")


@pytest.fixture(scope="module")
def catalog():
    """The English catalog (messages.po) as babel reads it."""
    from babel.messages.pofile import read_po

    with ENGLISH_PO.open("rb") as handle:
        return read_po(handle)


@pytest.fixture
def october(cached_build):
    """The October 2022 dataset (tests/reports/dataset.py), committed: a month of
    activities to report on, export and re-import (built once, then put back from a
    snapshot: see ``cached_build``)."""
    from tests.reports import dataset

    return cached_build("october", dataset.build)
