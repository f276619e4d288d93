"""Sessions that really end (ASVS V7): cookie flags; a fresh session at login; logout,
"退出所有设备", a new password and the timeouts end the session on the server, so a
replayed session or remember-me cookie gets the login page (and the calendar feed
address stops serving); the "登录设备" page;
every login, failed login, logout and session end is on the audit trail.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select

from tests import factories as f
from tests.security.support import (
    BAD_PASSWORD,
    cookie_attributes,
    login_response,
    set_cookies,
    writes,
)
from tracker.extensions import db
from tracker.models import AuditEvent, LoginSession
from tracker.timeutil import utcnow

WECHAT = ("Mozilla/5.0 (Linux; Android 12; V2134A Build/SP1A.210812.003; wv) AppleWebKit/537.36 "
          "(KHTML, like Gecko) Version/4.0 Chrome/86.0.4240.99 XWEB/4317 MMWEBSDK/20220903 "
          "Mobile Safari/537.36 MicroMessenger/8.0.28.2240(0x28001C57) WeChat/arm64 Weixin")
DESKTOP = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/120.0.0.0 Safari/537.36")


def fresh_get(client, url: str = "/tasks/mine"):
    """A request that loads the user from its cookies: the test's app context is shared
    by every request, and Flask-Login would otherwise reuse the user cached in ``g``."""
    g.pop("_login_user", None)
    return client.get(url)


def signed_in(client) -> bool:
    return fresh_get(client).status_code == 200


def sent_to_login(client) -> bool:
    response = fresh_get(client)
    return response.status_code == 302 and "/auth/login" in response.headers["Location"]


def phone_login(app, member, user_agent=WECHAT, remember=True):
    """Another browser (a new test client) logged in as ``member``."""
    browser = app.test_client()
    g.pop("_login_user", None)
    response = login_response(browser, member, remember=remember,
                              headers={"User-Agent": user_agent})
    assert response.status_code == 302
    return browser


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def sessions_of(member) -> list[LoginSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(LoginSession).where(LoginSession.member_id == member.id)
                                   .order_by(LoginSession.id)))


# ---------------------------------------------------------------- cookies

def test_session_and_remember_cookies_are_httponly_and_lax(client, world):
    response = login_response(client, world.member)
    assert response.status_code == 302
    cookies = set_cookies(response)
    assert "session" in cookies and "remember_token" in cookies, cookies
    for name in ("session", "remember_token", "tracker_device"):
        attributes = cookie_attributes(cookies[name])
        assert "httponly" in attributes, cookies[name]
        assert "samesite=lax" in attributes, cookies[name]
        assert "secure" not in attributes, cookies[name]


class TestSecureCookies:
    @pytest.fixture
    def app_config(self, monkeypatch):
        monkeypatch.setenv("SECURE_COOKIES", "1")  # read when the app is created
        return {}

    def test_cookies_are_secure_when_served_over_https(self, client, world):
        response = client.post("/auth/login", base_url="https://localhost",
                               data={"phone": world.member.phone, "password": f.PASSWORD,
                                     "remember": "y"})
        assert response.status_code == 302
        cookies = set_cookies(response)
        for name in ("session", "remember_token", "tracker_device"):
            attributes = cookie_attributes(cookies[name])
            assert "secure" in attributes and "httponly" in attributes, cookies[name]
            assert "samesite=lax" in attributes, cookies[name]


def test_login_starts_a_fresh_session(client, world):
    client.get("/auth/login")
    with client.session_transaction() as session:
        session["planted"] = "chosen-by-someone-else"
    before = client.get_cookie("session").value
    response = login_response(client, world.member, remember=False)
    assert response.status_code == 302
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id")  # the token of a new server-side session
    assert len([row for row in sessions_of(world.member) if row.ended_at is None]) == 1


def test_remember_me_cookie_lasts_no_longer_than_a_session_may(app, client, world):
    from email.utils import parsedate_to_datetime
    from http.cookies import SimpleCookie

    response = login_response(client, world.member)
    cookie = SimpleCookie(set_cookies(response)["remember_token"])["remember_token"]
    expires = parsedate_to_datetime(cookie["expires"])
    assert expires - utcnow() <= timedelta(days=app.config["SESSION_MAX_DAYS"], minutes=1)


# ---------------------------------------------------------------- logout really ends (case 1)

def test_logout_ends_the_session(client, world, http_login):
    http_login(world.member)
    client.post("/auth/logout")
    assert sent_to_login(client)


def test_a_session_cookie_replayed_after_logout_gets_the_login_page(client, world):
    assert login_response(client, world.member, remember=False).status_code == 302
    stolen = client.get_cookie("session").value
    assert signed_in(client)
    client.post("/auth/logout")
    client.set_cookie("session", stolen, domain="localhost")
    assert sent_to_login(client)


def test_a_remember_cookie_replayed_after_logout_gets_the_login_page(app, client, world):
    assert login_response(client, world.member, remember=True).status_code == 302
    stolen = client.get_cookie("remember_token").value
    client.post("/auth/logout")
    replay = app.test_client()  # nothing but the old remember-me cookie
    replay.set_cookie("remember_token", stolen, domain="localhost")
    assert sent_to_login(replay)


def test_a_remember_cookie_alone_logs_back_in_while_the_session_lives(app, client, world):
    assert login_response(client, world.member, remember=True).status_code == 302
    phone = app.test_client()
    phone.set_cookie("remember_token", client.get_cookie("remember_token").value,
                     domain="localhost")
    assert signed_in(phone)


def test_logout_ends_only_the_session_it_was_sent_from(app, client, world, http_login):
    other_phone = phone_login(app, world.member)
    http_login(world.member)
    client.post("/auth/logout")
    assert sent_to_login(client)
    assert signed_in(other_phone)


def test_log_out_everywhere_ends_every_session_of_the_member(app, client, world, http_login):
    phone = phone_login(app, world.member)
    bystander = phone_login(app, world.other_member)
    http_login(world.member)
    response = client.post("/auth/logout-everywhere")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert sent_to_login(client) and sent_to_login(phone)
    assert signed_in(bystander)
    assert {row.end_reason for row in sessions_of(world.member)} == {"logout_all"}


def test_a_deactivated_member_is_logged_out(app, world):
    phone = phone_login(app, world.member)
    world.member.active = False
    db.session.commit()
    assert sent_to_login(phone)
    assert [row.end_reason for row in sessions_of(world.member)] == ["deactivated"]


def test_an_admins_deactivation_ends_every_session_at_once(app, client, world, http_login):
    """停用 is a sign-out everywhere: the member's sessions end when the admin presses it,
    with the admin's name on the trail, not whenever each phone next calls; an open
    phone then meets the login page, and another member's session goes on."""
    phone = phone_login(app, world.member)
    desktop = phone_login(app, world.member, user_agent=DESKTOP)
    bystander = phone_login(app, world.other_member)
    http_login(world.admin)
    response = client.post(f"/admin/members/{world.member.id}/active", data={"active": "0", "confirmed": "1"})
    assert response.status_code == 302
    rows = sessions_of(world.member)
    assert len(rows) == 2 and all(row.ended_at is not None for row in rows)
    assert {row.end_reason for row in rows} == {"deactivated"}
    ends = [e for e in events("session_end") if e.detail.get("member_id") == world.member.id]
    assert len(ends) == 2 and {e.actor_id for e in ends} == {world.admin.id}
    assert sent_to_login(phone) and sent_to_login(desktop)
    assert signed_in(bystander)


def test_the_admin_is_told_a_deactivation_signs_the_member_out(client, world, http_login):
    http_login(world.admin)
    page = client.get(f"/admin/members/{world.member.id}/edit").get_data(as_text=True)
    assert "停用后，该党员在所有设备上的登录立即退出" in page
    response = client.post(f"/admin/members/{world.member.id}/active", data={"active": "0", "confirmed": "1"},
                           follow_redirects=True)
    assert "其在所有设备上的登录已退出，日历订阅地址已失效" in response.get_data(as_text=True)


def test_a_password_reset_link_ends_every_session(app, client, world):
    from tracker.services.invitations import issue_links

    phone = phone_login(app, world.member)
    link = issue_links(world.admin, [world.member])[0]
    db.session.commit()
    g.pop("_login_user", None)
    response = client.post(f"/invite/{link.token}", data={
        "new_password": "Qingshan-River-9", "confirm": "Qingshan-River-9"})
    assert response.status_code == 302
    assert sent_to_login(phone)
    assert signed_in(client)  # the new session begun by the link


def test_a_password_change_ends_the_other_sessions(app, client, world, http_login):
    phone = phone_login(app, world.member)
    http_login(world.member)
    response = client.post("/auth/password", data={
        "current": f.PASSWORD, "new_password": "Qingshan-River-9", "confirm": "Qingshan-River-9"})
    assert response.status_code == 302
    assert signed_in(client) and sent_to_login(phone)
    assert "password_changed" in {row.end_reason for row in sessions_of(world.member)}


# ---------------------------------------------------------------- the calendar feed address
# A credential too: a calendar service holds it, so it ends when the sessions end
# (security review, session 26, finding 4).

def _feed(client, member) -> str:
    """A 加入日历 feed address of ``member``, checked to serve."""
    from tracker.services.notify import new_calendar_token

    address = f"/me/feed/{new_calendar_token(member)}.ics"
    db.session.commit()
    assert client.get(address).status_code == 200
    return address


def test_a_deactivated_members_feed_is_no_longer_served(client, world):
    address = _feed(client, world.member)
    world.member.active = False
    db.session.commit()
    assert client.get(address).status_code == 404


def test_a_member_switched_off_and_on_again_needs_a_new_calendar_address(client, world,
                                                                         http_login):
    """停用 ends the feed address with the account, on the audit trail as 退出所有设备's
    does: a member 重新启用 finds the old address gone (a calendar service still
    holding it gets nothing), and a new one made on 日历订阅 serves."""
    address = _feed(client, world.member)
    http_login(world.admin)
    for active in ("0", "1"):
        response = client.post(f"/admin/members/{world.member.id}/active",
                               data={"active": active, "confirmed": "1"})
        assert response.status_code == 302
    assert db.session.get(type(world.member), world.member.id).active
    assert client.get(address).status_code == 404
    assert events("calendar_stop")[-1].detail == {"reason": "deactivated"}
    _feed(client, world.member)  # made again on 日历订阅: it works


def test_log_out_everywhere_ends_the_calendar_address(client, world, http_login):
    address = _feed(client, world.member)
    http_login(world.member)
    client.post("/auth/logout-everywhere")
    assert client.get(address).status_code == 404
    assert events("calendar_stop")[-1].detail == {"reason": "logout_all"}


def test_a_password_change_ends_the_calendar_address(client, world, http_login):
    address = _feed(client, world.member)
    http_login(world.member)
    response = client.post("/auth/password", data={
        "current": f.PASSWORD, "new_password": "Qingshan-River-9", "confirm": "Qingshan-River-9"})
    assert response.status_code == 302
    assert client.get(address).status_code == 404


def test_a_password_reset_link_ends_the_calendar_address(client, world):
    from tracker.services.invitations import issue_links

    address = _feed(client, world.member)
    link = issue_links(world.admin, [world.member])[0]
    db.session.commit()
    response = client.post(f"/invite/{link.token}", data={
        "new_password": "Qingshan-River-9", "confirm": "Qingshan-River-9"})
    assert response.status_code == 302
    assert client.get(address).status_code == 404


def test_a_new_calendar_address_after_log_out_everywhere_serves(client, world, http_login):
    _feed(client, world.member)
    http_login(world.member)
    client.post("/auth/logout-everywhere")
    _feed(client, world.member)  # made again on 日历订阅: it works


def test_the_devices_page_says_the_calendar_address_ends_with_them(client, world, http_login):
    http_login(world.member)
    page = client.get("/auth/sessions").get_data(as_text=True)
    assert "退出所有设备或修改密码后，日历订阅地址也随之失效" in page


# ---------------------------------------------------------------- timeouts

def _age(member, *, created=None, seen=None):
    for row in sessions_of(member):
        if created is not None:
            row.created_at = utcnow() - created
        if seen is not None:
            row.last_seen_at = utcnow() - seen
    db.session.commit()


def test_an_idle_session_ends(app, world):
    phone = phone_login(app, world.member, remember=False)
    _age(world.member, seen=timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1))
    assert sent_to_login(phone)
    assert [row.end_reason for row in sessions_of(world.member)] == ["idle"]
    ended = events("session_end")
    assert ended and ended[-1].detail["reason"] == "idle"


def test_a_remembered_phone_gets_a_longer_idle_window(app, world):
    phone = phone_login(app, world.member, remember=True)
    _age(world.member, seen=timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1))
    assert signed_in(phone)
    _age(world.member, seen=timedelta(days=app.config["SESSION_REMEMBERED_IDLE_DAYS"], minutes=1))
    assert sent_to_login(phone)


def test_no_session_outlives_the_absolute_lifetime(app, world):
    phone = phone_login(app, world.member, remember=True)
    _age(world.member, created=timedelta(days=app.config["SESSION_MAX_DAYS"], minutes=1),
         seen=timedelta(minutes=1))
    assert sent_to_login(phone)
    assert [row.end_reason for row in sessions_of(world.member)] == ["expired"]


def test_last_seen_is_written_every_few_minutes_not_on_every_request(app, world):
    phone = phone_login(app, world.member)
    with writes() as written:
        assert signed_in(phone) and signed_in(phone)
    assert not written  # just logged in: seen now
    _age(world.member, seen=timedelta(minutes=app.config["SESSION_TOUCH_MINUTES"] + 1))
    with writes() as written:
        assert signed_in(phone)
        assert signed_in(phone)
    assert len(written) == 1 and "login_session" in written[0].lower()
    assert utcnow() - sessions_of(world.member)[0].last_seen_at < timedelta(minutes=1)


# ---------------------------------------------------------------- 登录设备

def test_the_devices_page_lists_live_sessions_and_marks_this_one(app, client, world, http_login):
    phone_login(app, world.member, user_agent=WECHAT)
    ended = phone_login(app, world.member, user_agent=DESKTOP)
    ended.post("/auth/logout")
    g.pop("_login_user", None)
    client.post("/auth/login", data={"phone": world.member.phone, "password": f.PASSWORD},
                headers={"User-Agent": DESKTOP})
    page = fresh_get(client, "/auth/sessions").get_data(as_text=True)
    assert "Android · 微信" in page
    assert page.count("Windows · Chrome") == 1  # the logged-out one is gone
    assert "本设备" in page
    assert page.count('action="/auth/sessions/') == 2


def test_signing_out_anywhere_drops_this_members_drafts_on_the_device(client, world, http_login):
    """drafts.js clears the member's saved drafts when a form marked data-drop-drafts is
    sent: 退出登录 on every page and 退出所有设备 here (tests/browser/test_drafts_offline.py
    proves the clearing itself)."""
    http_login(world.member)
    page = fresh_get(client, "/auth/sessions").get_data(as_text=True)
    marked = re.findall(r'<form method="post" action="([^"]+)"[^>]*data-drop-drafts', page)
    assert sorted(marked) == ["/auth/logout", "/auth/logout-everywhere"]


def test_ending_a_session_from_the_devices_page(app, client, world, http_login):
    phone = phone_login(app, world.member)
    http_login(world.member)
    row = next(r for r in sessions_of(world.member) if r.device == "Android · 微信")
    response = client.post(f"/auth/sessions/{row.id}/end")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/sessions")
    assert sent_to_login(phone) and signed_in(client)
    assert sessions_of(world.member)[0].end_reason == "ended_by_member"


def test_ending_this_session_from_the_devices_page_logs_out(client, world, http_login):
    http_login(world.member)
    row = sessions_of(world.member)[-1]
    response = client.post(f"/auth/sessions/{row.id}/end")
    assert "/auth/login" in response.headers["Location"]
    assert sent_to_login(client)


def test_nobody_ends_another_members_session(app, client, world, http_login):
    phone = phone_login(app, world.other_member)
    http_login(world.member)
    row = sessions_of(world.other_member)[0]
    assert client.post(f"/auth/sessions/{row.id}/end").status_code == 404
    assert signed_in(phone)


# ---------------------------------------------------------------- audit trail

def test_logins_failures_logouts_and_ends_are_audited_without_secrets(app, client, world):
    client.post("/auth/login", data={"phone": world.member.phone, "password": BAD_PASSWORD})
    client.post("/auth/login", data={"phone": "13712345678", "password": BAD_PASSWORD})
    assert login_response(client, world.member).status_code == 302
    token = client.get_cookie("remember_token").value
    client.post("/auth/logout")
    phone = phone_login(app, world.member)
    g.pop("_login_user", None)
    phone.post("/auth/logout-everywhere")

    failed = events("login_failed")
    assert [(e.actor_id, e.entity_type, e.entity_id) for e in failed] == [
        (None, "member", world.member.id), (None, "member", None)]
    assert failed[1].detail["phone"] == "137****5678"  # an unknown phone, masked
    assert [e.actor_id for e in events("login")] == [world.member.id] * 2
    assert [e.actor_id for e in events("logout")] == [world.member.id]
    assert [e.detail["reason"] for e in events("session_end")] == ["logout_all"]
    everything = " ".join(str(e.detail) for e in db.session.scalars(select(AuditEvent)))
    for secret in (BAD_PASSWORD, f.PASSWORD, token.split("|")[0]):
        assert secret not in everything


def test_the_session_lookup_brings_a_liaisons_communities_in_its_one_statement(
        world, count_queries):
    """Every signed-in request looks its session up by the cookie's token
    (``sessions.find_live``); a liaison's pages then ask which communities they manage.
    Those come in the lookup's one statement, so no liaison page spends a statement of
    its budget of 6 on them (the 摸排问题 register ran 7, docs/performance.md session 34)."""
    from sqlalchemy import inspect

    from tracker.permissions import managed_community_ids
    from tracker.services.sessions import begin_session, find_live

    world.liaison.communities = [world.community, world.other_community]
    token = begin_session(world.liaison, device="test", remembered=False, address=None)
    db.session.commit()
    theirs = {world.community.id, world.other_community.id}
    db.session.expunge_all()  # a new request: nothing of the liaison in memory
    with count_queries() as q:
        row, why = find_live(token)
        managed = managed_community_ids(row.member)
    assert why is None and "communities" not in inspect(row.member).unloaded
    assert managed == theirs
    assert q.count == 1, q.statements
