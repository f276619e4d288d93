"""Login, remember-me and logout as a phone browser sees them."""
import re

import pytest
from flask import g

from tests import factories as f
from tracker.extensions import db


def test_remember_me_cookie_is_set_at_login_and_deleted_at_logout(client, world):
    response = client.post("/auth/login", data={"phone": world.member.phone,
                                                "password": "Gongjian-2026", "remember": "y"})
    assert response.status_code == 302
    assert client.get_cookie("remember_token") is not None

    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert client.get_cookie("remember_token") is None
    # Logged out for real: a member page sends us to the login page again.
    assert "/auth/login" in client.get("/tasks/mine").headers["Location"]


def _touched(statement: str) -> tuple[str, str]:
    """("SELECT", "member"), ("INSERT", "login_session"): what a statement does, to what."""
    found = re.match(r"\s*(SELECT)\b.*?\bFROM\s+(\w+)|\s*(INSERT) INTO (\w+)"
                     r"|\s*(UPDATE) (\w+)|\s*(DELETE) FROM (\w+)", statement, re.S)
    assert found, statement
    return tuple(part for part in found.groups() if part)


def test_a_login_reads_the_account_once_before_it_writes_its_session_and_audit_row(
        client, world, count_queries):
    """The throttle's question (a device this account has used?) and the password's
    are answered from one read of the account; then the session and its audit row are
    written. After the commit, Flask-Login's is-active check reads the account once
    more (the commit expired it), which leaves the member loaded for the request."""
    phone = world.member.phone
    with count_queries() as q:
        response = client.post("/auth/login", data={"phone": phone, "password": f.PASSWORD})
    assert response.status_code == 302
    assert [_touched(s) for s in q.statements] == [
        ("SELECT", "member"), ("INSERT", "login_session"), ("INSERT", "audit_event"),
        ("SELECT", "member")]
    assert client.get("/tasks/mine").status_code == 200  # and signed in it is


def test_a_logout_ends_the_session_its_sign_in_check_read_without_reading_it_again(
        app, client, world, count_queries):
    """The request's sign-in check reads the session (with its member); the logout
    ends that row and records it, without asking for it a second time."""
    phone = world.member.phone
    assert client.post("/auth/login", data={"phone": phone, "password": f.PASSWORD}).status_code == 302
    db.session.remove()  # the login request's transaction, which ends with it in production
    # An app context of its own, as every request has in production: the test's would
    # hand the request the member the login request left in ``g``.
    with app.app_context(), count_queries() as q:
        assert client.post("/auth/logout").status_code == 302
    touched = [_touched(s) for s in q.statements]
    assert touched[0] == ("SELECT", "login_session")
    assert sorted(touched[1:]) == [("INSERT", "audit_event"), ("UPDATE", "login_session")]
    with app.app_context():  # and out it is
        assert "/auth/login" in client.get("/tasks/mine").headers["Location"]


def test_wrong_password_keeps_phone_and_says_so_in_chinese(client, world):
    response = client.post("/auth/login", data={"phone": world.member.phone, "password": "nope"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "手机号或密码不正确。" in page
    assert world.member.phone in page


def test_deactivated_member_cannot_log_in(client, world, app):
    world.member.active = False
    db.session.commit()
    response = client.post("/auth/login", data={"phone": world.member.phone,
                                                "password": "Gongjian-2026"})
    assert response.status_code == 200
    assert "该账号已停用，请联系单位管理员。" in response.get_data(as_text=True)
    assert client.get("/tasks/mine").status_code == 302  # no session


def test_change_password(client, world, http_login):
    http_login(world.member)
    response = client.post("/auth/password", data={
        "current": "Gongjian-2026", "new_password": "Qingshan-River-9", "confirm": "Qingshan-River-9"})
    assert response.status_code == 302
    http_login(world.member, "Qingshan-River-9")


def test_change_password_refuses_a_common_one(client, world, http_login):
    http_login(world.member)
    response = client.post("/auth/password", data={
        "current": "Gongjian-2026", "new_password": "12345678", "confirm": "12345678"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "密码太常见或太简单" in page


def _fresh_request(client, url: str = "/tasks/mine"):
    """A request that loads the user from its cookies: the test's app context is
    shared by every request, and Flask-Login caches the user in ``g`` otherwise."""
    g.pop("_login_user", None)
    return client.get(url)


def _signed_in(client) -> bool:
    return _fresh_request(client).status_code == 200


def _sent_to_login(client) -> bool:
    return _fresh_request(client).headers.get("Location", "").startswith("/auth/login")


def test_changing_the_password_ends_the_other_sessions(app, client, world, http_login):
    http_login(world.member)
    other = app.test_client()  # the same member on another phone
    g.pop("_login_user", None)
    assert other.post("/auth/login", data={"phone": world.member.phone,
                                           "password": "Gongjian-2026"}).status_code == 302
    assert _signed_in(other)
    g.pop("_login_user", None)
    response = client.post("/auth/password", data={
        "current": "Gongjian-2026", "new_password": "Qingshan-River-9", "confirm": "Qingshan-River-9"})
    assert response.status_code == 302
    assert _signed_in(client)  # this session carries on
    assert _sent_to_login(other)


def test_a_remembered_login_survives_its_own_password_change(client, world):
    client.post("/auth/login", data={"phone": world.member.phone, "password": "Gongjian-2026",
                                     "remember": "y"})
    client.post("/auth/password", data={
        "current": "Gongjian-2026", "new_password": "Qingshan-River-9", "confirm": "Qingshan-River-9"})
    client.delete_cookie("session", domain="localhost")  # the browser session ends …
    assert _signed_in(client)  # … and the renewed remember-me cookie logs back in


def test_the_session_carries_a_random_token_stored_only_as_its_hash(client, world, http_login):
    import hashlib

    from tracker.models import LoginSession

    http_login(world.member)
    with client.session_transaction() as session:
        token = session["_user_id"]
    assert len(token) >= 40  # secrets.token_urlsafe(32): nothing guessable in it
    rows = db.session.scalars(db.select(LoginSession).where(
        LoginSession.member_id == world.member.id)).all()
    assert [row.token_hash for row in rows] == [hashlib.sha256(token.encode()).hexdigest()]


@pytest.mark.parametrize("value", ["{id}", "{id}:", "{id}:0123456789abcdef0123456789abcdef",
                                   "x:y", "", "a" * 43, "x" * 500])
def test_a_session_id_that_does_not_match_is_logged_out(client, world, http_login, value):
    http_login(world.member)
    with client.session_transaction() as session:
        session["_user_id"] = value.format(id=world.member.id)
    assert _sent_to_login(client)
