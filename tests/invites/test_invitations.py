"""激活链接: one-time, hashed, 7 days, weak passwords refused, reset, who may issue."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.plans import password_signs_in
from tracker.extensions import db
from tracker.models import AuditEvent, Invitation, InvitationPurpose, Member, Role
from tracker.services import PermissionDenied, ServiceError
from tracker.services.invitations import (
    accept_invitation,
    invitable_members_query,
    issue_links,
)

NEW_PASSWORD = "Hongqi-Piaopiao-88"


def _new_member(world, name="新党员", **kwargs):
    member = f.member(world.unit, name=name, **kwargs)
    member.password_hash = None  # as created by an admin or an import
    db.session.commit()
    return member


def _issue(actor, member) -> str:
    [link] = issue_links(actor, [member])
    db.session.commit()
    return link.token


def _set(client, token, password=NEW_PASSWORD, confirm=None):
    return client.post(f"/invite/{token}",
                       data={"new_password": password, "confirm": confirm or password})


# --- the service ---------------------------------------------------------------------

def test_tokens_are_random_and_stored_hashed(world):
    member = _new_member(world)
    token = _issue(world.admin, member)
    invitation = db.session.scalar(select(Invitation))
    assert len(token) >= 40
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invitation.token_hash
    assert invitation.purpose == InvitationPurpose.activate
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "issue"))
    assert token not in str(event.detail)


def test_a_new_link_kills_the_older_one(world):
    member = _new_member(world)
    old = _issue(world.admin, member)
    new = _issue(world.liaison, member)
    with pytest.raises(ServiceError, match="已失效"):
        accept_invitation(old, NEW_PASSWORD)
    db.session.rollback()
    assert accept_invitation(new, NEW_PASSWORD).member == member


def test_a_member_with_a_password_gets_a_reset_link(world):
    [link] = issue_links(world.admin, [world.member])
    assert link.purpose == InvitationPurpose.reset


def may_invite(actor, member) -> bool:
    """Whether ``actor`` may make ``member`` a link: the members the 激活链接 page lists
    and ``issue_links`` accepts (one query, ``invitable_members_query``)."""
    return member.id in db.session.scalars(
        invitable_members_query(actor).with_only_columns(Member.id)).all()


def test_who_may_issue(world):
    admin_of_other_unit = f.member(f.unit("县财政局"), name="外单位党员")
    db.session.commit()
    # A liaison: members of the units working in the liaison's communities …
    assert may_invite(world.liaison, world.member)
    assert may_invite(world.other_liaison, world.member)  # the unit works in B as well
    # … but not members of unrelated units, other liaisons or admins.
    assert not may_invite(world.liaison, admin_of_other_unit)
    assert not may_invite(world.liaison, world.other_liaison)
    assert not may_invite(world.liaison, world.admin)
    # An admin: anyone. A member: no one.
    assert may_invite(world.admin, admin_of_other_unit)
    assert may_invite(world.admin, world.liaison)
    assert not may_invite(world.member, world.other_member)
    with pytest.raises(PermissionDenied):
        issue_links(world.liaison, [admin_of_other_unit])
    with pytest.raises(PermissionDenied):
        issue_links(world.member, [world.other_member])


def test_an_empty_selection_is_refused(world):
    with pytest.raises(ServiceError, match="至少选择"):
        issue_links(world.admin, [])


# --- opening a link ------------------------------------------------------------------

def test_a_member_opens_the_link_sets_a_password_and_is_logged_in(client, world):
    member = _new_member(world)
    token = _issue(world.liaison, member)
    page = client.get(f"/invite/{token}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert member.name in text and member.masked_phone in text
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"

    response = _set(client, token)
    assert response.status_code == 302
    assert client.get("/tasks/").status_code == 200  # logged in
    db.session.expire_all()
    assert password_signs_in(member.phone, NEW_PASSWORD) == member
    assert db.session.scalar(select(Invitation)).used_at is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "accept"))


def test_a_used_link_is_dead(client, world):
    member = _new_member(world)
    token = _issue(world.admin, member)
    assert _set(client, token).status_code == 302
    client.post("/auth/logout")
    again = client.get(f"/invite/{token}")
    assert again.status_code == 410
    assert "已使用过" in again.get_data(as_text=True)
    response = _set(client, token, "Another-Secret-77")
    assert response.status_code == 410
    db.session.expire_all()
    assert password_signs_in(member.phone, "Another-Secret-77") is None
    assert password_signs_in(member.phone, NEW_PASSWORD) == member


def test_an_expired_link_is_dead(client, world):
    member = _new_member(world)
    token = _issue(world.admin, member)
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = invitation.created_at - timedelta(seconds=1)
    db.session.commit()
    response = client.get(f"/invite/{token}")
    assert response.status_code == 410
    assert "已过期" in response.get_data(as_text=True)
    assert _set(client, token).status_code == 410
    db.session.expire_all()
    assert member.password_hash is None


def test_a_link_for_a_deactivated_account_is_dead(client, world):
    member = _new_member(world)
    token = _issue(world.admin, member)
    member.active = False
    db.session.commit()
    assert client.get(f"/invite/{token}").status_code == 410


def test_an_unknown_token_is_a_404_with_a_message(client, world):
    response = client.get("/invite/made-up-token")
    assert response.status_code == 404
    assert "链接无效" in response.get_data(as_text=True)


@pytest.mark.parametrize("password,confirm,message", [
    ("", "", "请输入新密码"),
    ("Ab1-x", "Ab1-x", "密码长度须为8到128个字符"),
    ("12345678", "12345678", "密码太常见或太简单"),
    ("password", "password", "密码太常见或太简单"),
    ("aaaaaaaaaa", "aaaaaaaaaa", "密码太常见或太简单"),
    (NEW_PASSWORD, "something-else-1", "两次输入的密码不一致"),
])
def test_weak_passwords_are_refused_and_the_link_stays_usable(client, world, password, confirm,
                                                              message):
    member = _new_member(world)
    token = _issue(world.admin, member)
    response = _set(client, token, password, confirm)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert member.password_hash is None
    assert db.session.scalar(select(Invitation)).used_at is None
    assert _set(client, token).status_code == 302  # still good for a proper password


def test_reset_replaces_a_forgotten_password(client, login, world):
    login(world.admin)
    response = client.post("/invite/manage?status=all", data={"members": [str(world.member.id)]})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "重设密码链接" in text
    assert response.headers["Cache-Control"] == "no-store"
    token = re.search(r"/invite/([A-Za-z0-9_-]{40,})", text).group(1)
    assert "<svg" in text  # a QR code for each link
    client.post("/auth/logout")
    assert _set(client, token).status_code == 302
    db.session.expire_all()
    assert password_signs_in(world.member.phone, f.PASSWORD) is None
    assert password_signs_in(world.member.phone, NEW_PASSWORD) == world.member


def test_setting_a_password_switches_the_session_to_the_member(client, login, world):
    member = _new_member(world)
    token = _issue(world.liaison, member)
    login(world.admin)  # someone else's phone, signed in: not the link's maker
    _set(client, token)
    page = client.get("/tasks/").get_data(as_text=True)
    assert member.name in page and "管理员" not in page.split("<footer")[1].split("</footer>")[0]


# --- the management page -------------------------------------------------------------

def test_the_list_shows_members_without_a_password(client, login, world):
    member = _new_member(world)
    login(world.liaison)
    text = client.get("/invite/manage").get_data(as_text=True)
    assert member.name in text
    assert world.member.name not in text  # has a password: only under 全部党员
    assert world.member.name in client.get("/invite/manage?status=all").get_data(as_text=True)


def test_with_everyone_activated_the_page_opens_on_everyone_in_reach(client, login, world):
    # Nobody in the liaison's reach lacks a password: the list they need is everyone
    # (to send a reset link), not an empty one.
    login(world.liaison)
    text = client.get("/invite/manage").get_data(as_text=True)
    assert world.member.name in text and world.other_member.name in text
    assert '<option value="all" selected>' in text
    assert "没有符合条件的党员" not in text
    # Asked for by name, the pending list is shown as asked, empty as it is.
    asked = client.get("/invite/manage?status=pending").get_data(as_text=True)
    assert world.member.name not in asked and "没有符合条件的党员" in asked


def test_links_for_all_pending_members_at_once(client, login, world):
    first, second = _new_member(world), _new_member(world, phone="13911112222")
    login(world.liaison)
    response = client.post("/invite/manage", data={"pending": "1"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert first.masked_phone in text and second.masked_phone in text
    assert len(set(re.findall(r"/invite/([A-Za-z0-9_-]{40,})", text))) == 2
    assert db.session.query(Invitation).count() == 2


def test_a_liaison_cannot_post_ids_outside_reach(client, login, world):
    login(world.liaison)
    response = client.post("/invite/manage?status=all", data={"members": [str(world.admin.id)]})
    assert response.status_code == 403
    assert db.session.query(Invitation).count() == 0


def test_nobody_gets_a_default_password(world):
    member = _new_member(world)
    _issue(world.admin, member)
    assert member.password_hash is None  # until the member sets one


def test_members_cannot_reach_the_management_page(client, login, world):
    login(world.member)
    assert client.get("/invite/manage").status_code == 403
    assert client.post("/invite/manage", data={"pending": "1"}).status_code == 403
    assert db.session.query(Invitation).count() == 0


def test_a_reset_ends_the_sessions_opened_with_the_old_password(app, client, world):
    """Someone who got hold of a phone that is still logged in is put out by a reset."""
    from flask import g

    stolen = app.test_client()
    assert stolen.post("/auth/login", data={"phone": world.member.phone,
                                            "password": f.PASSWORD}).status_code == 302
    g.pop("_login_user", None)  # requests share the test's app context: reload the user
    assert stolen.get("/tasks/mine").status_code == 200
    token = _issue(world.admin, world.member)
    g.pop("_login_user", None)
    assert _set(client, token).status_code == 302
    g.pop("_login_user", None)
    assert client.get("/tasks/mine").status_code == 200  # the member, with the new password
    g.pop("_login_user", None)
    assert stolen.get("/tasks/mine").headers["Location"].startswith("/auth/login")


def _links_on(text: str) -> set[str]:
    return set(re.findall(r"/invite/([A-Za-z0-9_-]{40,})", text))


def test_more_pending_members_than_a_batch_get_their_links_batch_after_batch(
        client, login, world, monkeypatch):
    """More members without a password than one batch holds (200; 2 here) is no dead
    end: the first batch by name is made and shown, and 下一批 makes the next, until
    everyone has a link — nobody twice, nobody left out."""
    import tracker.invites.routes as routes
    import tracker.services.invitations as invitations
    monkeypatch.setattr(routes, "MAX_BATCH", 2)
    monkeypatch.setattr(invitations, "MAX_BATCH", 2)
    names = ["安一", "白二", "陈三", "丁四", "方五"]
    for n, name in enumerate(reversed(names)):
        _new_member(world, phone=f"1391111000{n}").name = name
    db.session.commit()
    login(world.admin)
    page = client.get(f"/invite/manage?unit={world.unit.id}").get_data(as_text=True)
    assert "为未激活党员生成链接（前2人）" in page and "请先按单位筛选" not in page

    shown, data = [], {"pending": "1"}
    for _batch in range(3):
        response = client.post(f"/invite/manage?unit={world.unit.id}", data=data)
        text = response.get_data(as_text=True)
        assert response.status_code == 200
        shown.append([name for name in names if name in text])
        assert len(_links_on(text)) == len(shown[-1])
        follow = re.search(r'name="after" value="(\d+)">\s*<input type="hidden" name="done" '
                           r'value="(\d+)">', text)
        if follow is None:
            break
        assert "下一批" in text
        data = {"pending": "1", "after": follow.group(1), "done": follow.group(2)}
    assert shown == [["安一", "白二"], ["陈三", "丁四"], ["方五"]]
    assert "按姓名顺序第5–5人" in text
    assert db.session.query(Invitation).count() == 5


def test_the_page_filters_by_role_liaisons_first(client, login, world):
    liaison = _new_member(world, role=Role.liaison)
    liaison.name = "待激活联络员"
    member = _new_member(world, phone="13911113333")
    db.session.commit()
    login(world.admin)
    page = client.get("/invite/manage").get_data(as_text=True)
    options = re.findall(r'<option value="(\w+)"', page.split('name="role"')[1].split("</select>")[0])
    assert options[0] == "liaison"
    assert page.index("待激活联络员") < page.index(member.masked_phone)  # liaisons first
    liaisons = client.get("/invite/manage?role=liaison").get_data(as_text=True)
    assert "待激活联络员" in liaisons and member.masked_phone not in liaisons
    made = client.post("/invite/manage?role=liaison", data={"pending": "1"})
    assert _links_on(made.get_data(as_text=True)) and (
        db.session.query(Invitation).one().member_id == liaison.id)
