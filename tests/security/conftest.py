"""Every request of these tests loads its user from its own cookies.

The test's app context is shared by all requests of a test, and Flask-Login caches the
user in ``g``: without this, a request from one test client could run as the member
another client logged in — exactly what these tests must not be fooled by."""
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
