"""The permission matrix: every route × every kind of visitor → what must happen.

Each area of the app keeps its rows in ``tests/web/test_permissions_<area>.py`` as a
list ``CASES`` of ``Route``; ``test_permission_coverage.py`` fails when a route of
the app appears in no list, so a new route must join the matrix.

Expectations per actor:
    OK         the page answers (2xx, or a redirect that is not to the login page)
    HIDDEN     404, and nothing changed: the record is out of the actor's reach and
               answers as if it did not exist (invariant 5) — another community's or
               another unit's record, someone else's assignment, a record that is none
    FORBIDDEN  403, and nothing changed: the actor may see the record (or the page
               has none) but the action is not theirs — a member on a staff page, a
               liaison on an admin's
    LOGIN      a redirect to the login page

A row's actors left out get its ``default``, FORBIDDEN unless said otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

ACTORS = ("anonymous", "member", "other_member", "leader", "liaison", "other_liaison", "admin")
OK, HIDDEN, FORBIDDEN, LOGIN = "ok", "hidden", "forbidden", "login"


@dataclass
class Route:
    endpoint: str  # the Flask endpoint this row covers, e.g. "tasks.claim"
    method: str
    url: Callable  # world -> url
    expect: dict  # actor -> OK | HIDDEN | FORBIDDEN | LOGIN ; actors left out: `default`
    default: str = FORBIDDEN
    data: Callable | dict | None = None  # world -> form data, for POST
    id: str = ""
    setup: Callable | None = None  # world -> None, run before the request
    # False for a setup whose effect a data snapshot cannot hold (DDL: a table it creates)
    snapshot_setup: bool = True
    extra: dict = field(default_factory=dict)

    def expectation(self, actor: str) -> str:
        if actor == "anonymous":
            return self.expect.get("anonymous", LOGIN)
        return self.expect.get(actor, self.default)


def everyone(expect=OK, **overrides) -> dict:
    """All logged-in actors get `expect`; anonymous is sent to log in."""
    table = {actor: expect for actor in ACTORS if actor != "anonymous"}
    table.update(overrides)
    return table


# A record of community A (``world.community``): its liaison and admins; the liaison
# of B does not see it. Members (and the leader) are refused the staff page: 403.
STAFF_OF_COMMUNITY = {"liaison": OK, "admin": OK, "other_liaison": HIDDEN}
# The same for a record of community B (``world.other_community``).
STAFF_OF_OTHER_COMMUNITY = {"other_liaison": OK, "admin": OK, "liaison": HIDDEN}
STAFF_ANY = {"liaison": OK, "other_liaison": OK, "admin": OK}
# A staff page asking for a record that does not exist (or is none of the kind):
# staff get 404, members the 403 of the staff page.
STAFF_NOT_FOUND = {"liaison": HIDDEN, "other_liaison": HIDDEN, "admin": HIDDEN}
ADMIN_ONLY = {"admin": OK}


def cases_for(module_cases: list[Route]):
    """pytest parametrize arguments: one test per (route, actor)."""
    params, ids = [], []
    for route in module_cases:
        for actor in ACTORS:
            params.append((route, actor))
            ids.append(f"{route.id or route.endpoint}-{route.method}-{actor}")
    return {"argnames": "route,actor", "argvalues": params, "ids": ids}


def set_up(route: Route, world, cached_build=None) -> None:
    """Run ``route.setup`` on the world. Through ``cached_build`` (conftest) when given:
    the first test of a row runs it; the next ones, within its 30 s, get the database as
    it left it and the world attributes it set or replaced put back (the setups build
    worlds of their own, e.g. 双创 zones and findings, which take longer than the request)."""
    if route.setup is None:
        return
    if cached_build is None or not route.snapshot_setup:
        route.setup(world)
        return
    from tracker.extensions import db

    def build() -> dict:
        before = dict(vars(world))
        route.setup(world)
        db.session.commit()
        return {name: value for name, value in vars(world).items()
                if name not in before or before[name] is not value}

    # id(): the rows' setups live as long as the worker; closures made in a loop share
    # a name, not an identity.
    vars(world).update(cached_build(f"setup-{id(route.setup)}", build))


def check(client, login, world, route: Route, actor: str) -> None:
    """``route`` opened as ``actor`` answers as its row expects; ``world`` is the
    ``route_world`` fixture's (conftest.py): the row's setup done already."""
    if actor != "anonymous":
        login(getattr(world, actor))
    url = route.url(world)
    data = route.data(world) if callable(route.data) else route.data
    response = client.open(url, method=route.method, data=data or {})
    expected = route.expectation(actor)
    status = response.status_code
    location = response.headers.get("Location", "")
    detail = f"{route.method} {url} as {actor}: {status} {location}"
    if expected == LOGIN:
        assert status == 302 and "/auth/login" in location, detail
    elif expected == HIDDEN:
        assert status == 404, detail
    elif expected == FORBIDDEN:
        assert status == 403, detail
    else:
        assert expected == OK, f"unknown expectation {expected!r}"
        assert status < 400 and "/auth/login" not in location, detail
