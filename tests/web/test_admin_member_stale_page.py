"""A member form posted from a page read before someone else changed the member.

The rule: the member form saves what its admin typed over the member as stored now,
field by field (tests/web/test_admin_member_merge.py states the merge per kind of
field): a field the post leaves as its page showed it keeps another's change made since
— another admin's form, the member import, anything — and the page after the save names
it. A field another changed since to something else than what the post changes it to is
a conflict: the post is refused 「该党员的信息已被他人修改，请刷新后重试。」 on the same
page, what was typed kept and nothing written; the page names the conflicting field (as
the page showed it, as it is now), apart from the other's changes that would be kept,
and links to the page read again. The re-shown form is still the old page's: saved again
unchanged, it is refused again. The page read again shows the other change, and what is
typed there is saved.

What the form does not show does not count: the member's own new password, an
invitation used, another member's change — such a post saves with nothing to merge.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from flask import g

from tests import factories as f
from tests.audit import work_event_count
from tests.web.roll_support import ROLL_STALE, STALE, edit, member, page_of
from tests.web.test_admin_roll_stale_page import data, form_on
from tracker.extensions import db
from tracker.models import AuditEvent, Member, Role
from tracker.services import directory, roll
from tracker.services import member_import as mi



def notice(page: str) -> str:
    """The page's note of what changed since the form was read ("" when none)."""
    start = page.find('id="stale"')
    return "" if start < 0 else page[start:page.find("</section>", start)]


def last_update_by(member_id: int) -> int:
    """Who made the member's latest ``update``."""
    return db.session.scalar(select(AuditEvent.actor_id).where(
        AuditEvent.action == "update", AuditEvent.entity_type == "member",
        AuditEvent.entity_id == member_id).order_by(AuditEvent.id.desc()).limit(1))


def by(browser):
    """``browser``, to send a request as the one signed in on it: Flask-Login keeps a
    request's user on ``g``, which the test's app context shares between requests (and
    here two browsers); a served request starts without it."""
    for name in ("_login_user", "_login_session"):
        g.pop(name, None)
    return browser


def signed_in(app, person: Member):
    """A browser of its own, signed in as ``person`` (another admin, the member)."""
    browser = app.test_client()
    response = by(browser).post("/auth/login",
                                data={"phone": person.phone, "password": f.PASSWORD})
    assert response.status_code == 302
    return browser


def refused(response, typed: dict, events: int) -> str:
    """The post was answered on the page with the refusal, what was typed is in the form
    again, and no work was recorded. Returns the page."""
    assert response.status_code == 200
    page = page_of(response)
    assert STALE in page
    for name, value in typed.items():
        assert f'value="{value}"' in page, name
    assert work_event_count() == events
    return page


def test_of_two_pages_read_at_once_both_changes_of_different_fields_land(
        app, client, login, world):
    """管理员 and 管理员乙 open 张三's page; 乙 saves a new phone first. 管理员's page,
    which still shows the old phone, saves a new 党支部: saved, 乙's phone kept, and the
    page after the save says so."""
    other_admin = f.member(world.unit, Role.admin, name="管理员乙")
    db.session.commit()
    zhang = world.member
    login(world.admin)
    mine = form_on(page_of(by(client).get(edit(zhang.id))), "phone", branch="第二党支部")
    other = signed_in(app, other_admin)
    theirs = form_on(page_of(by(other).get(edit(zhang.id))), "phone", phone="13900001111")

    assert by(other).post(edit(zhang.id), data=theirs).status_code == 302
    response = by(client).post(edit(zhang.id), data=mine)
    assert response.status_code == 302, page_of(response)[:2000]
    assert (member(zhang.id).phone, member(zhang.id).branch) == ("13900001111", "第二党支部")
    assert last_update_by(zhang.id) == world.admin.id
    page = page_of(by(client).get(response.headers["Location"]))
    assert "同时保留了他人在您打开页面之后所做的修改：手机号。" in page


def test_of_two_pages_read_at_once_two_phones_conflict_and_the_second_is_refused(
        app, client, login, world):
    """Both admins give 张三 a new phone, and 管理员 a 党支部 too, from pages read before
    either saved: 乙's is saved, 管理员's refused with what was typed kept, the page
    naming the phone; saved again as re-shown: refused again. The page read again (its
    link) shows 乙's phone, and the branch typed there is saved beside it."""
    other_admin = f.member(world.unit, Role.admin, name="管理员乙")
    db.session.commit()
    zhang = world.member
    old_phone = zhang.phone
    login(world.admin)
    mine = form_on(page_of(by(client).get(edit(zhang.id))), "phone", branch="第二党支部",
                   phone="13700003333")
    other = signed_in(app, other_admin)
    theirs = form_on(page_of(by(other).get(edit(zhang.id))), "phone", phone="13900001111")

    assert by(other).post(edit(zhang.id), data=theirs).status_code == 302
    assert last_update_by(zhang.id) == other_admin.id
    events = work_event_count()
    response = by(client).post(edit(zhang.id), data=mine)
    page = refused(response, {"branch": "第二党支部", "phone": "13700003333"}, events)
    said = notice(page)
    assert f"手机号：打开页面时为{old_phone}，现为13900001111" in said
    assert "党支部：" not in said  # only what the other admin changed is named
    assert f'href="{edit(zhang.id)}"' in said and "重新打开该党员的页面" in said
    assert (member(zhang.id).phone, member(zhang.id).branch) == ("13900001111", None)

    # the form as re-shown still holds the page's key and the phone typed against it:
    # saving it again would put that phone over 乙's, so it is refused again
    retry = form_on(page, "phone")
    assert retry["branch"] == "第二党支部" and retry["phone"] == "13700003333"
    refused(by(client).post(edit(zhang.id), data=retry), {"branch": "第二党支部"}, events)
    assert member(zhang.id).phone == "13900001111"

    # the link: the page read again shows the phone as it is now, no note; saved from it
    page = page_of(by(client).get(edit(zhang.id)))
    assert 'value="13900001111"' in page and not notice(page) and STALE not in page
    fresh = form_on(page, "phone", branch="第二党支部")
    assert by(client).post(edit(zhang.id), data=fresh).status_code == 302
    assert (member(zhang.id).phone, member(zhang.id).branch) == ("13900001111", "第二党支部")
    assert last_update_by(zhang.id) == world.admin.id


def renamed(zhang, world, other_admin):
    directory.update_member(zhang, other_admin, data(zhang, name="张三丰"))
    return "姓名：打开页面时为张三，现为张三丰"


def rephoned(zhang, world, other_admin):
    before = zhang.phone
    directory.update_member(zhang, other_admin, data(zhang, phone="13900002222"))
    return f"手机号：打开页面时为{before}，现为13900002222"


def moved(zhang, world, other_admin):
    other_unit = f.unit("县财政局")
    directory.update_member(zhang, other_admin, data(zhang, unit_id=other_unit.id))
    return "单位：打开页面时为县商务局，现为县财政局"


def rebranched(zhang, world, other_admin):
    directory.update_member(zhang, other_admin, data(zhang, branch="机关第一党支部"))
    return "党支部：打开页面时为（未填），现为机关第一党支部"


def made_liaison(zhang, world, other_admin):
    directory.update_member(zhang, other_admin, data(
        zhang, role=Role.liaison, community_ids=[world.community.id], on_roll=True))
    return "角色：打开页面时为党员干部，现为社区联络员"


def taken_off_the_roll(zhang, world, other_admin):
    directory.update_member(zhang, other_admin, data(zhang, on_roll=False))
    return "计入参与统计：打开页面时为计入，现为不计入"


def imported(zhang, world, other_admin):
    """The member import (another admin's file) gives 张三 a 党支部."""
    row = mi.ImportRow(line=2, name=zhang.name, phone=zhang.phone, unit=world.unit.name,
                       branch="机关第二党支部")
    mi.import_members(other_admin, [row])
    return "党支部：打开页面时为（未填），现为机关第二党支部"


@pytest.mark.parametrize("meanwhile", [
    renamed, rephoned, moved, rebranched, made_liaison, taken_off_the_roll, imported])
def test_a_change_of_any_field_the_form_shows_survives_a_post_that_left_it(
        client, login, world, meanwhile):
    """The admin's page of 张三; meanwhile one field of it changes. The admin's post —
    a new name, or a new phone when the name is what changed — is saved, and the field
    changed meanwhile is as the other change left it."""
    other_admin = f.member(world.unit, Role.admin, name="管理员乙")
    db.session.commit()
    zhang = world.member
    login(world.admin)
    typed = {"phone": "13700003333"} if meanwhile is renamed else {"name": "张叁"}
    page = form_on(page_of(client.get(edit(zhang.id))), "phone", **typed)

    said = meanwhile(member(zhang.id), world, other_admin)
    db.session.commit()
    after = directory.shown_values(member(zhang.id))

    response = client.post(edit(zhang.id), data=page)
    assert response.status_code == 302, page_of(response)[:2000]
    assert directory.shown_values(member(zhang.id)) == after | typed
    field = said.split("：")[0]
    assert f"所做的修改：{field}" in page_of(client.get(response.headers["Location"]))


def test_a_liaisons_communities_changed_meanwhile_are_kept_beside_a_new_name(
        client, login, world):
    """Only the link rows change when another admin gives 联络员甲 a second community;
    the page that showed one saves her new name, and she keeps both communities."""
    other_admin = f.member(world.unit, Role.admin, name="管理员乙")
    db.session.commit()
    liaison = world.liaison
    login(world.admin)
    mine = form_on(page_of(client.get(edit(liaison.id))), "phone", name="联络员甲甲")

    directory.update_member(member(liaison.id), other_admin, data(
        member(liaison.id), community_ids=[world.community.id, world.other_community.id]))
    db.session.commit()
    assert client.post(edit(liaison.id), data=mine).status_code == 302
    now = member(liaison.id)
    assert (now.name, sorted(c.id for c in now.communities)) == (
        "联络员甲甲", sorted([world.community.id, world.other_community.id]))


def test_a_new_password_of_the_member_does_not_make_the_page_stale(app, client, login, world):
    """张三 changes his own password (and signs in) while the admin's page is open: no
    field the form shows changed, so the admin's new phone is saved at once."""
    zhang = world.member
    login(world.admin)
    mine = form_on(page_of(by(client).get(edit(zhang.id))), "phone", phone="13700004444")

    own = signed_in(app, zhang)
    assert by(own).post("/auth/password", data={
        "current": f.PASSWORD, "new_password": "Lvse-Xiangcun-2026",
        "confirm": "Lvse-Xiangcun-2026"}).status_code == 302
    assert member(zhang.id).check_password("Lvse-Xiangcun-2026")

    response = by(client).post(edit(zhang.id), data=mine)
    assert response.status_code == 302, page_of(response)[:2000]
    assert member(zhang.id).phone == "13700004444"


def test_another_members_change_does_not_make_the_page_stale(client, login, world):
    """Another admin renames 李四 and the unit while the admin's page of 张三 is open."""
    other_admin = f.member(world.unit, Role.admin, name="管理员乙")
    db.session.commit()
    zhang = world.member
    login(world.admin)
    mine = form_on(page_of(client.get(edit(zhang.id))), "phone", name="张叁")
    li = member(world.other_member.id)
    directory.update_member(li, other_admin, data(li, name="李肆"))
    directory.update_unit(world.unit, other_admin, directory.UnitData(name="县商务和经济局"))
    db.session.commit()
    assert client.post(edit(zhang.id), data=mine).status_code == 302
    assert member(zhang.id).name == "张叁"


def test_a_move_over_a_correction_made_meanwhile_says_the_roll_changed(client, login, world):
    """张三 moved to 县财政局 on 1 November 2022; 管理员乙 corrects that date meanwhile —
    no field of the form changes, but the admin's move to 县民政局 was chosen against
    the history the page showed: refused 「该党员的在册记录已被他人修改…」, the page
    pointing at the roll history and to the page read again, from which the move saves."""
    other_admin = f.member(world.unit, Role.admin, name="管理员乙")
    second, third = f.unit("县财政局"), f.unit("县民政局")
    db.session.commit()
    zhang = member(world.member.id)
    directory.update_member(zhang, world.admin, data(zhang, unit_id=second.id,
                                                     roll_from=date(2022, 11, 1)))
    db.session.commit()
    login(world.admin)
    typed = {"unit_id": str(third.id), "roll_from": "2022-11-20"}
    stale = form_on(page_of(client.get(edit(zhang.id))), "phone", **typed)
    zhang = member(zhang.id)
    directory.correct_roll_date(zhang, other_admin, date(2022, 10, 20), "调动文件日期",
                                shown=roll.shown_key(roll.last_change(zhang)))
    db.session.commit()
    events = work_event_count()

    response = client.post(edit(zhang.id), data=stale)
    assert response.status_code == 200
    page = page_of(response)
    assert ROLL_STALE in page and STALE not in page and work_event_count() == events
    said = notice(page)
    assert "在册记录：已有新的变动" in said and f'href="{edit(zhang.id)}"' in said
    assert member(zhang.id).unit_id == second.id

    fresh = form_on(page_of(client.get(edit(zhang.id))), "phone", **typed)
    assert client.post(edit(zhang.id), data=fresh).status_code == 302
    assert member(zhang.id).unit_id == third.id


def test_the_first_refusal_names_every_conflict_the_roll_history_too(client, login, world):
    """管理员乙 renames 张三 张三乙 and moves him to 县财政局; 管理员, from a page read
    before, renames him 张三甲 and takes him off 计入参与统计 — which would change the
    roll over 乙's move. Refused once for all of it: the note names the name, 乙's move
    and the roll history, and does not say the move «will be kept» (it is what the
    计入 change conflicts with). With the name and 计入参与统计 put back as the note
    says, the re-shown form saves, keeping 乙's name and move."""
    other_admin = f.member(world.unit, Role.admin, name="管理员乙")
    second = f.unit("县财政局")
    db.session.commit()
    login(world.admin)
    mine = form_on(page_of(client.get(edit(world.member.id))), "phone",
                   name="张三甲", on_roll="0")
    zhang = member(world.member.id)
    directory.update_member(zhang, other_admin, data(zhang, name="张三乙", unit_id=second.id))
    db.session.commit()
    after, events = directory.shown_values(member(zhang.id)), work_event_count()

    page = refused(client.post(edit(zhang.id), data=mine), {"name": "张三甲"}, events)
    said = notice(page)
    conflicts, _sep, kept = said.partition("保存时会保留")
    assert "<li>姓名：打开页面时为张三，现为张三乙</li>" in conflicts
    assert "<li>单位：打开页面时为县商务局，现为县财政局</li>" in conflicts
    assert "<li>在册记录：已有新的变动" in conflicts
    assert "单位" not in kept
    assert directory.shown_values(member(zhang.id)) == after

    retry = form_on(page, "phone", name="张三乙", on_roll="1")
    assert client.post(edit(zhang.id), data=retry).status_code == 302
    now = member(zhang.id)
    assert (now.name, now.unit_id, now.on_roll) == ("张三乙", second.id, True)
