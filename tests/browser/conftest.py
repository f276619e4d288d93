"""Real-browser tests: Playwright for Python driving Debian's /usr/bin/chromium, headless,
at phone size (390×844, zh-CN), against the app served by a real HTTP server.

Fixtures:
    live_server   the app (CSRF on, rate limits off) on a database holding only the
                  schema and the categories — the worker's SQLite file, or its PostgreSQL
                  database when TEST_DATABASE_URL is set, put back to that state before
                  each test — served by werkzeug in a background thread on
                  127.0.0.1:<free port>.
                  ``live_server.url("/auth/login")``; ``with live_server.db(): …`` for
                  direct database work (setup, moving time forward).
    world         a small seeded world in that database (plain values, see BrowserWorld).
    user_page     ``user_page(world.member)`` → a Page in its own browser context,
                  already logged in as that member.
    shot          ``shot(page, "claimed")`` keeps a full-page screenshot of the step as
                  test-artifacts/screenshots/<db>/<test>/<NN>-claimed.png (the pages
                  before and after each action, kept as the run's artifacts). With
                  ``SCREENSHOTS=failures`` (the PostgreSQL half of `make test`) only a
                  failing test keeps pictures: each page it named, as
                  failed-page<N>-after-<last step>.png.

Every test in this folder gets the ``browser`` marker automatically.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from flask import got_request_exception
from werkzeug.serving import make_server

from tests.dbstate import reset_throttle
from tests.scratch_db import PG_URL

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots" / ("postgresql" if PG_URL else "sqlite")
HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config, items):
    # Resolved once per module, not per item: this hook sees every item of the run
    # (3,700), and resolving each path was most of a second of every worker's start.
    in_here: dict[Path, bool] = {}
    for item in items:
        path = Path(item.path)
        if path not in in_here:
            in_here[path] = HERE in path.resolve().parents
        if in_here[path]:
            item.add_marker(pytest.mark.browser)


# ---------------------------------------------------------------- Playwright settings

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-wqy-microhei")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
    }


# ---------------------------------------------------------------- the live server

class LiveServer:
    def __init__(self, app, databases=None, cached=None):
        self.app = app
        self._databases, self._cached = databases, cached
        self.errors: list[BaseException] = []
        got_request_exception.connect(self._record_error, app)
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self._server.server_port
        # serve_forever notices shutdown() between polls: half a second by default, at
        # the end of every test.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        name="live-server", daemon=True)

    def _record_error(self, _sender, exception, **_extra):
        self.errors.append(exception)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @contextmanager
    def db(self):
        """An app context on the server's database; commit what you change."""
        from tracker.extensions import db

        with self.app.app_context():
            try:
                yield db.session
            finally:
                db.session.remove()

    def built(self, name: str, build):
        """``build()`` run in a request context on the server's database (it commits
        what it writes and returns plain values: ids, names, Person) — or, when the same
        build ran on this worker's database less than 30 s ago, the database put back to
        what it was right after it (``WorkerDatabases.built``, as the ``world`` fixture
        of the other tests does). Seeding the demo world takes seconds; a restore, ms."""
        from tracker.extensions import db

        with self.app.test_request_context("/"):
            try:
                return self._databases.built(self._cached, name, build)
            finally:
                db.session.remove()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        got_request_exception.disconnect(self._record_error, self.app)


# The app the live server runs: CSRF on (the pages are posted as a phone posts them), no
# rate limits, and no SERVER_NAME (requests come to 127.0.0.1:<port>).
LIVE_APP = {"WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False, "SERVER_NAME": None}


@pytest.fixture
def live_server(_databases):
    """The app served over HTTP for one test, on a database holding only the schema and
    the reference categories.

    The app and its database are the worker's cached ones (tests/dbstate.py): built once
    per worker, the database put back to its ``base`` snapshot before each test and the
    config to what create_app left — the same isolation the ``app`` fixture gives, without
    a new app, schema and PostgreSQL database per test (docs/testing.md). The HTTP server
    itself is new for each test and stopped at its end, so no request of one test can
    reach the next."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    cached = _databases.app_for(LIVE_APP)
    # due, as in the ``app`` fixture: the first request (or the body's start) puts
    # ``base`` back, unless the browser world's snapshot comes first
    _databases.due(cached, "base")
    folder = _databases.test_folder()
    cached.restore_config(folder / "uploads", {})
    reset_throttle(cached.app)
    server = LiveServer(cached.app, _databases, cached)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    assert not server.errors, f"the server raised: {server.errors!r}"


# ---------------------------------------------------------------- a small world

@dataclass
class Person:
    name: str
    phone: str
    id: int


@dataclass
class BrowserWorld:
    community: str
    other_community: str
    category: str
    admin: Person
    liaison: Person
    member: Person
    leader: Person
    task_id: int  # open, starts in two days, five slots, led by `leader`
    task_title: str


def _build_world() -> BrowserWorld:
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Role

    unit = f.unit("县商务局")
    community = f.community("解放路社区")
    other = f.community("建设路社区")
    item = f.item(unit, community, "environment_cleanup")
    admin = f.member(unit, Role.admin, "管理员")
    liaison = f.member(unit, Role.liaison, "联络员甲", communities=[community])
    member = f.member(unit, name="张三")
    leader = f.member(unit, name="王组长")
    task = f.task(item, liaison, leader=leader, title="环境整治：清理楼道杂物",
                  starts_in=timedelta(days=2), slots=5)
    db.session.commit()

    def person(m) -> Person:
        return Person(m.name, m.phone, m.id)

    return BrowserWorld(
        community=community.name, other_community=other.name, category=item.category.name,
        admin=person(admin), liaison=person(liaison), member=person(member),
        leader=person(leader), task_id=task.id, task_title=task.title,
    )


@pytest.fixture
def world(live_server) -> BrowserWorld:
    return live_server.built("browser-world", _build_world)


# ---------------------------------------------------------------- helpers

def follow(control) -> None:
    """Click a link or a submit button and wait until the page it leads to has loaded.

    Playwright's click returns once the click is dispatched, and wait_for_load_state
    right after it is satisfied by the page still showing: a read that follows can see
    the old page (a CI run read an empty flash that way). Every step of these tests
    that leaves the page goes through here.
    """
    with control.page.expect_navigation():
        control.click()


def sign_in(page, live_server, person: Person, password: str | None = None, *,
            form: bool = False) -> None:
    """Sign the page's browser context in as ``person`` and open the page they land on.

    By default the login is posted by the context's own HTTP client (Playwright's
    ``context.request``: same cookie jar, same user agent), then the landing page is
    opened in the browser — the state the login form leaves, without rendering and
    typing into the form each time. ``form=True`` types into the real form, as a person
    does; the tests of the login itself do that (test_smoke.py, test_sessions_flow.py).
    """
    from tests.factories import PASSWORD

    password = password or PASSWORD
    login = live_server.url("/auth/login")
    if form:
        response = page.goto(login)
        if response is None or not response.ok:
            raise AssertionError(f"login page: {response and response.status} "
                                 f"{page.inner_text('body')[:300]}")
        page.get_by_label("手机号").fill(person.phone)
        page.get_by_label("密码", exact=True).fill(password)
        follow(page.get_by_role("button", name="登录", exact=True))
        if "/auth/login" in page.url:
            raise AssertionError(f"login as {person.name} failed: {page.inner_text('main')[:300]}")
        return
    http = page.context.request
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', http.get(login).text())
    if token is None:
        raise AssertionError("the login page has no CSRF token")
    response = http.post(login, form={"csrf_token": token.group(1), "phone": person.phone,
                                      "password": password}, max_redirects=0)
    landing = response.headers.get("location", "")
    if response.status != 302 or "/auth/login" in landing:
        raise AssertionError(f"login as {person.name} failed: {response.status} "
                             f"{response.text()[:300]}")
    follow_to = landing if landing.startswith("http") else live_server.url(landing)
    opened = page.goto(follow_to)
    if opened is None or not opened.ok:
        raise AssertionError(f"landing page after login: {opened and opened.status}")


@pytest.fixture
def user_page(new_context, live_server):
    """user_page(person) → a logged-in Page in a browser context of its own."""

    def _open(person: Person):
        page = new_context().new_page()
        sign_in(page, live_server, person)
        return page

    return _open


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text, flags=re.UNICODE).strip("_")[:80] or "step"


# The step screenshots are the run's picture of every page before and after each action
# (kept as test artifacts, issue 16); no test reads them. They cost about a seventh of
# the browser tests' CPU (Chromium renders the whole page and encodes a PNG; 122 of
# them, ≈ 20 s of 145 s in one process). The pages are the same on either database, so
# `make test` keeps them from its SQLite half and runs the PostgreSQL half with
# SCREENSHOTS=failures: pictures only of a test that fails (docs/testing.md).
STEP_SCREENSHOTS = os.environ.get("SCREENSHOTS", "steps") != "failures"


@pytest.fixture
def shot(request):
    """shot(page, "step name"): keep a full-page screenshot of this step (unless
    SCREENSHOTS=failures); when the test fails, each page's last step is kept either way."""
    folder = ARTIFACTS / _slug(request.node.name)
    shutil.rmtree(folder, ignore_errors=True)  # no stale pictures of an earlier run
    counter = iter(range(1, 1000))
    last_step: dict = {}  # page → the name of its last step

    def _shot(page, name: str) -> Path | None:
        last_step[page] = name
        if not STEP_SCREENSHOTS:
            return None
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{next(counter):02d}-{_slug(name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    yield _shot
    # On failure, keep what each page showed at that moment.
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for index, (page, name) in enumerate(last_step.items(), start=1):
            try:
                if not page.is_closed():
                    folder.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(folder / f"failed-page{index}-after-{_slug(name)}.png"),
                                    full_page=True)
            except Exception:  # noqa: BLE001 — best effort only
                pass
