"""The ``login`` fixture (tests/conftest.py) signs the test client in without sending
the logout and login requests (docs/testing.md, session 31). What the tests rely on must
be what the login form leaves: a server-side session the cookie names, Flask-Login's
keys, the trusted-device cookie, the audit rows; and whoever was signed in before is
logged out as 退出登录 does it."""
from __future__ import annotations

import hashlib

from flask import g, request_started
from sqlalchemy import select

from tests import factories as f
from tracker.auth import devices
from tracker.extensions import db
from tracker.models import AuditEvent, LoginSession


def _sessions(member) -> list[LoginSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(LoginSession).where(
        LoginSession.member_id == member.id).order_by(LoginSession.id)))


def _cookie_session(client) -> dict:
    with client.session_transaction() as session:
        return dict(session)


def test_the_fixture_sends_no_request(app, client, world, login):
    sent = []

    def note(sender, **extra):
        sent.append(sender)

    request_started.connect(note, app)
    try:
        login(world.member)
        login(world.leader)  # a logout of the member first
    finally:
        request_started.disconnect(note, app)
    assert sent == []


def test_switching_logs_the_first_member_out_and_the_second_in(app, client, world, login):
    login(world.member)
    login(world.leader)

    [ended] = _sessions(world.member)
    assert ended.ended_at is not None and ended.end_reason == "logout"
    [live] = _sessions(world.leader)
    assert live.ended_at is None and not live.remembered
    events = [(e.action, e.actor_id) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(("login", "logout")))
        .order_by(AuditEvent.id))]
    assert events == [("login", world.member.id), ("logout", world.member.id),
                      ("login", world.leader.id)]

    token = _cookie_session(client)["_user_id"]
    assert hashlib.sha256(token.encode()).hexdigest() == live.token_hash
    g.pop("_login_user", None)  # the next request loads the member from the cookie
    assert client.get("/tasks/mine").status_code == 200


def test_the_cookies_are_those_of_the_login_form(app, client, world, login):
    login(world.member)
    login(world.leader)
    browser = app.test_client()  # the same two logins through the form
    for member in (world.member, world.leader):
        if member is world.leader:
            browser.post("/auth/logout")
        g.pop("_login_user", None)
        assert browser.post("/auth/login", data={"phone": member.phone,
                                                 "password": f.PASSWORD}).status_code == 302

    ours, theirs = _cookie_session(client), _cookie_session(browser)
    assert ours.keys() == theirs.keys()
    assert (ours["_fresh"], ours["_id"]) == (theirs["_fresh"], theirs["_id"])
    # the trusted-device cookie names both members, the last one first
    for who in (client, browser):
        cookie = who.get_cookie(devices.COOKIE).value
        with app.test_request_context(headers={"Cookie": f"{devices.COOKIE}={cookie}"}):
            assert devices.read()[1] == {world.member.id, world.leader.id}


def test_a_remembered_login_is_logged_out_with_its_cookie(app, client, world, login):
    """The remember-me cookie of a login that chose 保持登录 goes, as at 退出登录: else it
    would sign the browser back in once the session cookie is gone."""
    assert client.post("/auth/login", data={"phone": world.member.phone, "password": f.PASSWORD,
                                            "remember": "y"}).status_code == 302
    assert client.get_cookie("remember_token") is not None
    g.pop("_login_user", None)
    login(world.leader)
    assert client.get_cookie("remember_token") is None
    [ended] = _sessions(world.member)
    assert ended.end_reason == "logout"
