"""A member not yet activated: their page (编辑党员干部) says 「账号未激活：等待该党员通过邀请
链接设置密码。」 and leads to where that link is made — 激活链接, showing that member among
those without a password (walk56: the admin who had just added a liaison was told to
wait for a link no page of theirs led to). Not for an activated or a deactivated account."""
from __future__ import annotations

import html as html_lib
import re

from tests import factories as f
from tracker.extensions import db
from tracker.models import Role


def _invite_link(client, member) -> str | None:
    page = client.get(f"/admin/members/{member.id}/edit").get_data(as_text=True)
    found = re.search(r'<a href="([^"]+)" id="invite-link">', page)
    return html_lib.unescape(found.group(1)) if found else None


def test_a_new_liaisons_page_leads_to_their_invitation_link(client, login, world):
    login(world.admin)
    added = client.post("/admin/members/new", data={
        "name": "赵新联", "phone": "13912345678", "unit_id": world.unit.id, "role": "liaison",
        "community_ids": [world.community.id]})
    assert added.status_code == 302
    liaison = db.session.scalar(db.select(type(world.liaison)).where(
        type(world.liaison).phone == "13912345678"))
    link = _invite_link(client, liaison)
    assert link is not None
    listed = client.get(link)
    assert listed.status_code == 200
    assert "赵新联" in listed.get_data(as_text=True)


def test_no_link_for_an_activated_or_deactivated_account(client, login, world):
    login(world.admin)
    assert _invite_link(client, world.member) is None  # has a password
    gone = f.member(world.unit, Role.member, active=False)
    gone.password_hash = None
    db.session.commit()
    assert _invite_link(client, gone) is None
