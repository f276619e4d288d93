"""Every request of these tests loads its user from its own cookies.

The test's app context is shared by all requests of a test, and Flask-Login caches the
user in ``g``: without this, a request from one test client could run as the member
another client logged in — exactly what these tests must not be fooled by."""
import shutil
import socket
import subprocess
import time

import pytest
from flask import g


@pytest.fixture(autouse=True)
def _user_from_each_requests_cookies(app):
    def forget_cached_user():
        g.pop("_login_user", None)

    # The app is the worker's cached one (tests/dbstate.py), kept for every later test:
    # the hook goes when the test ends. Left in, each test added one more, and every
    # request of every later test ran them all (hundreds, by the end of this folder).
    hooks = app.before_request_funcs.setdefault(None, [])
    hooks.insert(0, forget_cached_user)
    yield
    hooks.remove(forget_cached_user)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    """A redis-server of the test's own on a free loopback port: (its URL, its process)."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed (.ci/run installs it)")
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0", process
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(params=["database", "redis"])
def storage(request):
    """Where a race test's counters live (RATELIMIT_STORAGE_URI): the database (the
    default) or a Redis server of the test's own, as in production."""
    if request.param == "database":
        return "database"
    return request.getfixturevalue("redis_url")[0]
