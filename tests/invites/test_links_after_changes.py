"""An activation link is good only while its maker could still make it (review37 F2).

A liaison makes links for ordinary members (党员干部) without a password in their reach;
an admin for anyone. A liaison's link that outlived the member's promotion let the
liaison open it in another browser and sign in as the new 管理员. So the rule of making
is asked again at use, and a link dies outright when its member's role, unit or active
flag changes, or its maker is switched off or loses the role they made it under."""
from __future__ import annotations

from sqlalchemy import select

from tests import factories as f
from tests.imports.helpers import xlsx_bytes
from tests.invites.test_invitations import NEW_PASSWORD, _issue, _new_member, _set
from tests.plans import password_signs_in
from tracker.extensions import db
from tracker.models import Invitation, Member, Role
from tracker.services import directory, merge
from tracker.services import member_import as mi

WITHDRAWN = "账号的角色、单位、手机号或状态有了变化"


def assert_refused(client, token, member):
    """The link page says the link is dead; setting a password through it does nothing,
    and whoever posted is signed in as nobody."""
    page = client.get(f"/invite/{token}")
    assert page.status_code == 410
    assert WITHDRAWN in page.get_data(as_text=True)
    assert _set(client, token).status_code == 410
    db.session.expire_all()
    assert db.session.get(Member, member.id).password_hash is None
    assert password_signs_in(member.phone, NEW_PASSWORD) is None
    assert client.get("/admin/members").status_code != 200
    assert client.get("/tasks/").status_code != 200  # not signed in at all


def _edit(member, actor, **changes):
    directory.update_member(member, actor, directory.MemberData(**({
        "name": member.name, "phone": member.phone, "unit_id": member.unit_id,
        "role": member.role, "branch": member.branch, "on_roll": member.on_roll,
        "community_ids": [c.id for c in member.communities]} | changes)))
    db.session.commit()


def test_a_liaisons_link_for_a_member_made_admin_since_is_refused(client, login, world):
    member = _new_member(world)
    token = _issue(world.liaison, member)
    login(world.admin)  # the admin promotes the member on the member form
    response = client.post(f"/admin/members/{member.id}/edit", data={
        "name": member.name, "phone": member.phone, "unit_id": member.unit_id,
        "branch": "", "role": "admin"})
    assert response.status_code == 302
    client.post("/auth/logout")
    db.session.expire_all()
    assert db.session.get(Member, member.id).role == Role.admin
    assert db.session.scalar(select(Invitation)).revoked_at is not None
    assert_refused(client, token, member)  # the liaison, in another browser


def test_the_rule_is_asked_again_at_use_whatever_changed_the_member(client, world):
    """However the role came to change (a path that does not kill the link), the link
    is refused at use: a liaison may not make a link for an admin."""
    member = _new_member(world)
    token = _issue(world.liaison, member)
    member.role = Role.admin
    db.session.commit()
    assert db.session.scalar(select(Invitation)).revoked_at is None
    assert_refused(client, token, member)


def test_a_member_made_liaison_by_the_roster_import_loses_the_link(client, world):
    member = _new_member(world)
    token = _issue(world.liaison, member)
    parsed = mi.parse_rows(mi.read_table("名单.xlsx", xlsx_bytes([
        (member.name, member.phone, world.unit.name, "", "社区联络员", world.community.name)])))
    assert not parsed.file_errors
    mi.import_members(world.admin, mi.check_rows(parsed.rows, world.admin).rows)
    db.session.commit()
    assert db.session.scalar(select(Invitation)).revoked_at is not None
    assert_refused(client, token, member)


def test_a_link_dies_when_its_maker_is_switched_off(client, world):
    member = _new_member(world)
    token = _issue(world.liaison, member)
    directory.set_active(world.liaison, world.admin, False)
    db.session.commit()
    assert db.session.scalar(select(Invitation)).revoked_at is not None
    assert_refused(client, token, member)


def test_a_link_whose_maker_is_off_is_refused_at_use(client, world):
    member = _new_member(world)
    token = _issue(world.liaison, member)
    world.liaison.active = False  # however it came about
    db.session.commit()
    assert_refused(client, token, member)


def test_a_link_dies_when_its_maker_is_no_longer_a_liaison(client, world):
    member = _new_member(world)
    token = _issue(world.liaison, member)
    _edit(world.liaison, world.admin, role=Role.member, community_ids=[])
    assert db.session.scalar(select(Invitation)).revoked_at is not None
    assert_refused(client, token, member)


def test_a_link_for_a_member_moved_out_of_reach_is_refused(client, world):
    elsewhere = f.unit("县财政局")  # no checklist item in the liaison's community
    member = _new_member(world)
    token = _issue(world.liaison, member)
    _edit(member, world.admin, unit_id=elsewhere.id)
    assert_refused(client, token, member)


def test_the_links_of_an_account_merged_away_die(client, world):
    member = _new_member(world, name="重复账号")
    keep = _new_member(world, name="保留账号")
    token = _issue(world.liaison, member)
    merge.merge_members(keep, member, world.admin, shown=merge.preview(keep, member).key())
    db.session.commit()
    assert db.session.scalar(select(Invitation)).revoked_at is not None
    assert client.get(f"/invite/{token}").status_code == 410


def test_the_ordinary_link_still_works_and_survives_unrelated_changes(client, world):
    member = _new_member(world)
    token = _issue(world.liaison, member)
    _edit(member, world.admin, name="新党员甲", branch="机关第二党支部")  # not who they are
    assert _set(client, token).status_code == 302
    assert client.get("/tasks/").status_code == 200  # signed in, as the member
    db.session.expire_all()
    assert password_signs_in(member.phone, NEW_PASSWORD) == member
    assert db.session.get(Member, member.id).role == Role.member


def test_a_link_superseded_by_a_newer_one_says_so(client, world):
    member = _new_member(world)
    old = _issue(world.liaison, member)
    _issue(world.admin, member)
    assert "已为您生成了更新的链接" in client.get(f"/invite/{old}").get_data(as_text=True)


def test_a_link_dies_when_the_members_phone_is_changed(client, world):
    """review37b F5: the 手机号 was someone else's (a typo, a number handed on); a link
    already given out for the old number no longer sets this account's password."""
    member = _new_member(world)
    token = _issue(world.liaison, member)
    _edit(member, world.admin, phone="13900001234")
    assert db.session.scalar(select(Invitation)).revoked_at is not None
    assert_refused(client, token, member)


def test_a_link_lives_on_when_only_the_name_is_changed(client, world):
    member = _new_member(world)
    _issue(world.liaison, member)
    _edit(member, world.admin, name="新党员乙")
    assert db.session.scalar(select(Invitation)).revoked_at is None
