"""A member's own new password and her 退出所有设备 end her live 激活/重设密码 links, as
they end her sessions and her calendar address (security review, session 49,
finding 1). An admin makes a reset link (she said she forgot her password; it is sent
in a chat); she then remembers it and changes it herself, or signs out everywhere
because she suspects someone. Whoever holds the link must not set a password through
it and be signed in as her: the link answers as a withdrawn link does."""
from __future__ import annotations

from flask import g
from sqlalchemy import select

from tests import factories as f
from tests.invites.test_invitations import NEW_PASSWORD, _issue, _set
from tests.plans import password_signs_in
from tracker.extensions import db
from tracker.models import Invitation, LoginSession
from tracker.services import directory, invitations

HER_NEW = "Qingshan-River-9"
# the withdrawn link's words (``invitations.WITHDRAWN``) name the member's own change
WITHDRAWN = "账号修改了密码或退出了所有设备"


def _refused_elsewhere(app, token, member, password):
    """Opened in another browser, the link is dead; posting to it sets nothing and signs
    nobody in; the member's own password is still hers."""
    other = app.test_client()
    g.pop("_login_user", None)  # the request context's cached user: none in that browser
    page = other.get(f"/invite/{token}")
    assert page.status_code == 410
    assert WITHDRAWN in page.get_data(as_text=True)
    assert _set(other, token).status_code == 410
    assert other.get("/tasks/").status_code != 200  # not signed in at all
    db.session.expire_all()
    assert password_signs_in(member.phone, password) is not None
    assert password_signs_in(member.phone, NEW_PASSWORD) is None


def test_a_reset_link_dies_when_the_member_changes_her_password(app, client, world,
                                                                http_login):
    token = _issue(world.admin, world.member)
    http_login(world.member)
    response = client.post("/auth/password", data={
        "current": f.PASSWORD, "new_password": HER_NEW, "confirm": HER_NEW})
    assert response.status_code == 302
    assert client.get("/tasks/").status_code == 200  # her own session is kept
    _refused_elsewhere(app, token, world.member, HER_NEW)


def test_a_reset_link_dies_when_the_member_signs_out_everywhere(app, client, world,
                                                                http_login):
    token = _issue(world.admin, world.member)
    http_login(world.member)
    assert client.post("/auth/logout-everywhere").status_code == 302
    _refused_elsewhere(app, token, world.member, f.PASSWORD)


def test_only_her_links_die(app, client, world, http_login):
    """Another member's link, made in the same batch, is not hers to end."""
    links = invitations.issue_links(world.admin, [world.member, world.other_member])
    db.session.commit()
    http_login(world.member)
    client.post("/auth/logout-everywhere")
    db.session.expire_all()
    live = {link.member.id: db.session.get(Invitation, link.invitation.id).is_live()
            for link in links}
    assert live == {world.member.id: False, world.other_member.id: True}


def test_a_link_used_leaves_its_member_signed_in_on_that_phone_alone(app, client, world):
    """The link's own use sets a password the same way (``accounts.set_new_password``):
    the link is used, not withdrawn, and the session it begins is the member's one."""
    token = _issue(world.admin, world.member)
    assert _set(client, token).status_code == 302
    db.session.expire_all()
    [invitation] = db.session.scalars(select(Invitation)).all()
    assert invitation.used_at is not None and invitation.revoked_at is None
    live = db.session.scalars(select(LoginSession).where(
        LoginSession.member_id == world.member.id, LoginSession.ended_at.is_(None))).all()
    assert len(live) == 1
    assert client.get("/tasks/").status_code == 200
    assert password_signs_in(world.member.phone, NEW_PASSWORD) is not None


def test_deactivation_ends_her_links_with_her_sessions(world):
    """停用 ended her sessions and her links already (``directory._sign_out``); checked
    here beside the two paths that now do too."""
    token = _issue(world.admin, world.member)
    directory.set_active(world.member, world.admin, False)
    db.session.commit()
    assert invitations.find_invitation(token).revoked_at is not None
