"""Every 激活/重设密码 link ended by a change to its member or its maker is on the audit
trail, as the sessions and calendar address ended with it are (secfix49 Open, audit50):
one row a link, naming the link, who did the act, why, whose link it was and who made
it. A link already used, already expired or already replaced is not ended again and
gets no row."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories as f
from tests.audit import work_actions, work_event_count
from tests.imports.helpers import xlsx_bytes
from tests.invites.test_invitations import _issue, _new_member, _set
from tests.invites.test_links_after_changes import _edit
from tracker.extensions import db
from tracker.models import AuditEvent, Invitation
from tracker.services import directory, invitations, merge
from tracker.services import member_import as mi

HER_NEW = "Qingshan-River-9"


def _link_of(token) -> Invitation:
    return invitations.find_invitation(token)


def _ended() -> set[tuple]:
    """(link, by whom, why, whose link, made by) of each link ended on the trail."""
    db.session.expire_all()
    return {(e.entity_id, e.actor_id, e.detail["reason"], e.detail["member_id"],
             e.detail["made_by"])
            for e in db.session.scalars(select(AuditEvent).where(
                AuditEvent.action == "link_revoke", AuditEvent.entity_type == "invitation"))}


def test_her_new_password_ends_her_link_on_the_trail(client, world, http_login):
    token = _issue(world.admin, world.member)
    http_login(world.member)
    assert client.post("/auth/password", data={
        "current": f.PASSWORD, "new_password": HER_NEW, "confirm": HER_NEW}).status_code == 302
    assert _ended() == {(_link_of(token).id, world.member.id, "password_changed",
                         world.member.id, world.admin.id)}


def test_signing_out_everywhere_ends_her_link_on_the_trail(client, world, http_login):
    token = _issue(world.admin, world.member)
    http_login(world.member)
    assert client.post("/auth/logout-everywhere").status_code == 302
    assert _ended() == {(_link_of(token).id, world.member.id, "logout_all",
                         world.member.id, world.admin.id)}


def test_a_sign_out_on_the_way_ends_no_link_and_signing_out_everywhere_is_work(
        client, world, http_login):
    """``tests/audit.py``'s SESSION_ACTIONS are what signing in and out on a test's way
    writes; ``link_revoke`` is not one (audit50 Open): a plain sign-out leaves her
    live link live and writes no work, while ending a link is an act's (退出所有设备,
    a new password, 停用 …) and on the trail as the act's work, as ``calendar_stop``
    is."""
    token = _issue(world.admin, world.member)
    before = work_event_count()
    http_login(world.member)
    client.post("/auth/logout")
    http_login(world.member)
    db.session.expire_all()
    assert work_event_count() == before and _link_of(token).revoked_at is None
    assert client.post("/auth/logout-everywhere").status_code == 302
    assert "link_revoke" in work_actions()[before:]


def test_switching_off_a_liaison_ends_her_link_and_those_she_made(world):
    """停用: the link made for her and the one she made for a new member, each with its
    own row by the admin."""
    member = _new_member(world)
    hers = _issue(world.admin, world.liaison)
    made = _issue(world.liaison, member)
    directory.set_active(world.liaison, world.admin, False)
    db.session.commit()
    assert _ended() == {
        (_link_of(hers).id, world.admin.id, "deactivated", world.liaison.id, world.admin.id),
        (_link_of(made).id, world.admin.id, "deactivated", member.id, world.liaison.id)}


def test_a_member_form_change_ends_the_link_on_the_trail(world):
    member = _new_member(world)
    token = _issue(world.liaison, member)
    _edit(member, world.admin, phone="13900001234")
    assert _ended() == {(_link_of(token).id, world.admin.id, "member_edit", member.id,
                         world.liaison.id)}


def test_the_roster_import_ends_the_link_on_the_trail(world):
    member = _new_member(world)
    token = _issue(world.liaison, member)
    parsed = mi.parse_rows(mi.read_table("名单.xlsx", xlsx_bytes([
        (member.name, member.phone, world.unit.name, "", "社区联络员", world.community.name)])))
    mi.import_members(world.admin, mi.check_rows(parsed.rows, world.admin).rows)
    db.session.commit()
    assert _ended() == {(_link_of(token).id, world.admin.id, "member_import", member.id,
                         world.liaison.id)}


def test_an_account_merged_away_ends_its_link_on_the_trail(world):
    member = _new_member(world, name="重复账号")
    keep = _new_member(world, name="保留账号")
    token = _issue(world.liaison, member)
    merge.merge_members(keep, member, world.admin, shown=merge.preview(keep, member).key())
    db.session.commit()
    assert _ended() == {(_link_of(token).id, world.admin.id, "deactivated", member.id,
                         world.liaison.id)}


def test_a_link_used_expired_or_replaced_is_not_ended_again(client, world):
    """Only a live link is ended: the trail names no link that was already dead (its
    page goes on saying why it died: used, expired, replaced)."""
    used_by = _new_member(world, name="已激活")
    used = _issue(world.liaison, used_by)
    assert _set(client, used).status_code == 302
    client.post("/auth/logout")
    expired = _issue(world.liaison, _new_member(world, name="过期"))
    _link_of(expired).expires_at -= timedelta(days=30)
    replaced_for = _new_member(world, name="换新")
    replaced = _issue(world.liaison, replaced_for)
    _issue(world.admin, replaced_for)  # the live one, made by the admin
    db.session.commit()
    directory.set_active(world.liaison, world.admin, False)
    db.session.commit()
    assert _ended() == set()  # the admin's link for her is not the liaison's to end
    assert "已过期" in client.get(f"/invite/{expired}").get_data(as_text=True)
    assert "更新的链接" in client.get(f"/invite/{replaced}").get_data(as_text=True)
