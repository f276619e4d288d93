"""Reset links (重设登录密码) sign in as the member: only an admin makes them for an
account that has a password, and nobody uses one in their own session to become the
member they made it for."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests import factories as f
from tracker.extensions import db
from tracker.models import Invitation, InvitationPurpose
from tracker.services import ServiceError
from tests.plans import password_signs_in
from tracker.services.invitations import issue_links

NEW_PASSWORD = "Hongqi-Piaopiao-88"


def test_a_liaison_cannot_make_a_reset_link(world):
    with pytest.raises(ServiceError, match="重设密码的链接请单位管理员生成"):
        issue_links(world.liaison, [world.member])
    db.session.rollback()
    assert db.session.scalars(select(Invitation)).all() == []


def test_a_liaison_still_makes_first_time_links(world):
    newcomer = f.member(world.unit, name="新党员")
    newcomer.password_hash = None
    db.session.commit()
    [link] = issue_links(world.liaison, [newcomer])
    assert link.purpose == InvitationPurpose.activate


def test_the_liaisons_page_offers_no_reset_and_refuses_one_posted(client, login, world):
    login(world.liaison)
    page = client.get("/invite/manage?status=all").get_data(as_text=True)
    assert world.member.name in page and "由管理员重设" in page
    assert f'name="members" value="{world.member.id}"' not in page
    response = client.post("/invite/manage?status=all", data={"members": [str(world.member.id)]})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "重设密码的链接请单位管理员生成" in text
    assert not re.search(r"/invite/[A-Za-z0-9_-]{40,}", text)
    assert db.session.scalars(select(Invitation)).all() == []


def test_a_link_cannot_be_used_in_the_session_of_its_maker(client, login, world):
    login(world.admin)
    page = client.post("/invite/manage?status=all", data={"members": [str(world.member.id)]})
    token = re.search(r"/invite/([A-Za-z0-9_-]{40,})", page.get_data(as_text=True)).group(1)
    opened = client.get(f"/invite/{token}")
    assert opened.status_code == 403
    assert "不能在您自己的登录状态下使用" in opened.get_data(as_text=True)
    posted = client.post(f"/invite/{token}",
                         data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert posted.status_code == 403
    db.session.expire_all()
    assert password_signs_in(world.member.phone, f.PASSWORD) == world.member  # unchanged
    assert db.session.scalar(select(Invitation)).used_at is None
    # The member, on their own phone, uses it.
    client.post("/auth/logout")
    assert client.post(f"/invite/{token}", data={"new_password": NEW_PASSWORD,
                                                 "confirm": NEW_PASSWORD}).status_code == 302
    db.session.expire_all()
    assert password_signs_in(world.member.phone, NEW_PASSWORD) == world.member
