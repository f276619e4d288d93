"""A member promoted to 社区联络员 on the member form keeps 计入参与统计 as it was — it is
the member's own dated setting (docs/design.md, "the roll") — and the admin is told
so on saving, with the role's default beside it (review "setup" #8)."""
from __future__ import annotations

import html

import pytest

from tracker.extensions import db
from tracker.models import Member, Role

STILL_ON = "的角色已改为社区联络员，仍计入参与统计（新建的社区联络员默认不计入）"
STILL_OFF = "的角色已改为党员干部，仍不计入参与统计（新建的党员干部默认计入）"


def _edit(client, world, member, **changes) -> str:
    data = {"name": member.name, "phone": member.phone, "unit_id": member.unit_id,
            "branch": member.branch or "", "role": member.role.value,
            "on_roll": "1" if member.on_roll else "0"}  # as the form shows it
    data.update(changes)
    response = client.post(f"/admin/members/{member.id}/edit", data=data, follow_redirects=True)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_a_member_promoted_to_liaison_stays_on_the_roll_and_the_admin_is_told(client, world, admin):
    page = _edit(client, world, world.member, role="liaison", community_ids=[world.community.id])
    assert "已保存党员干部" in page
    assert world.member.name + STILL_ON in page
    assert "本单位的在册人数、参与率和未参与名单包括其本人" in page
    db.session.expire_all()
    promoted = db.session.get(Member, world.member.id)
    assert promoted.role == Role.liaison and promoted.on_roll is True


def test_a_liaison_made_a_member_stays_off_the_roll_and_the_admin_is_told(client, world, admin):
    page = _edit(client, world, world.liaison, role="member", community_ids=[])
    assert world.liaison.name + STILL_OFF in page
    db.session.expire_all()
    assert db.session.get(Member, world.liaison.id).on_roll is False


@pytest.mark.parametrize("changes", [
    # promoted, and taken off the roll on the same form: the role's default, nothing to say
    {"role": "liaison", "on_roll": "0"},
    # no role change
    {"branch": "机关第二党支部"},
])
def test_nothing_is_said_when_the_roll_follows_the_role_or_the_role_is_kept(client, world, admin,
                                                                           changes):
    changes = dict(changes)
    if changes.get("role") == "liaison":
        changes["community_ids"] = [world.community.id]
    page = _edit(client, world, world.member, **changes)
    assert "已保存党员干部" in page and "仍计入参与统计" not in page


def test_the_form_says_a_role_change_leaves_the_setting(client, world, admin):
    page = html.unescape(client.get(f"/admin/members/{world.member.id}/edit").get_data(as_text=True))
    assert "改变角色不会改变此项。" in page
