"""Permission matrix rows for the landing page, health check and auth routes."""
import pytest

from tests.web.matrix import LOGIN, OK, Route, cases_for, check, everyone

CASES = [
    Route("main.index", "GET", lambda w: "/", everyone(), id="index"),
    Route("main.healthz", "GET", lambda w: "/healthz", everyone(anonymous=OK)),
    Route("auth.login", "GET", lambda w: "/auth/login", everyone(anonymous=OK)),
    Route("auth.login", "POST", lambda w: "/auth/login", everyone(anonymous=OK),
          data={"phone": "13900000000", "password": "wrong-password"}),
    # Logging out sends everyone to the login page.
    Route("auth.logout", "POST", lambda w: "/auth/logout", everyone(LOGIN)),
    Route("auth.password", "GET", lambda w: "/auth/password", everyone()),
    Route("auth.password", "POST", lambda w: "/auth/password", everyone(),
          data={"current": "x", "new_password": "y", "confirm": "z"}),
]


@pytest.mark.parametrize(**cases_for(CASES))
def test_core_permissions(client, login, world, route, actor):
    check(client, login, world, route, actor)
