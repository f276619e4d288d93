"""A member page read before another admin changed the member's roll.

The rule: a form acting on the roll as the page showed it is not applied to a history
the admin did not see. 更正日期 corrects the change the page named — if another
admin's move, 更正日期 or 停用 has committed since, the latest change is another one,
and the correction is refused 「该党员的在册记录已被他人修改，请刷新后重试。」 on the same
page with the typed date kept and nothing written; the page then shows the change as it
is now, but the re-shown form still names the change the date was typed for, so posting
it again is refused again; the page read again names the change as it is, and a
correction posted from it is made. The member form is refused the same
way when what it posts would move or switch the member over such a change; when it
leaves the roll as it is, it saves. (A move meanwhile also changed the form's 单位: a
form that left the 单位 as its page showed it keeps the move, one that moves the member
elsewhere is refused, tests/web/test_admin_member_merge.py.)
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests import factories as f
from tests.audit import work_event_count
from tests.web.roll_support import ROLL_STALE as STALE
from tests.web.roll_support import correction, page_of, stays
from tests.web.stale_support import PageForms
from tracker.extensions import db
from tracker.models import AuditEvent, Member, Role
from tracker.services import directory, roll
from tracker.timeutil import local_today

MEMBER_STALE = "该党员的信息已被他人修改，请刷新后重试。"
NOV_1, NOV_10, NOV_20 = date(2022, 11, 1), date(2022, 11, 10), date(2022, 11, 20)


def form_on(page: str, has: str, **typed) -> MultiDict:
    """What the page's form holding the field ``has`` posts, with ``typed`` typed in."""
    parser = PageForms()
    parser.feed(page)
    [fields] = [fields for _action, fields in parser.forms
                if any(name == has for name, _value in fields)]
    data = MultiDict([(k, v) for k, v in fields if k not in typed])
    for name, value in typed.items():
        data[name] = value
    return data


@pytest.fixture
def moved(world):
    """张三 moved from 县商务局 to 县财政局 from 1 November 2022; 县民政局 exists; a
    second admin, 管理员乙, works on the same members."""
    second, third = f.unit("县财政局"), f.unit("县民政局")
    other_admin = f.member(world.unit, Role.admin, name="管理员乙")
    db.session.commit()
    zhang = db.session.get(Member, world.member.id)
    directory.update_member(zhang, world.admin, data(zhang, unit_id=second.id, roll_from=NOV_1))
    db.session.commit()
    return zhang, second, third, other_admin


def data(member: Member, **changes) -> directory.MemberData:
    values = dict(name=member.name, phone=member.phone, unit_id=member.unit_id,
                  role=member.role, branch=member.branch, on_roll=member.on_roll)
    return directory.MemberData(**(values | changes))


def moved_on(zhang, third, other_admin):
    """管理员乙 moves 张三 on to 县民政局 from 20 November."""
    directory.update_member(zhang, other_admin, data(zhang, unit_id=third.id, roll_from=NOV_20))


def corrected(zhang, third, other_admin):
    """管理员乙 corrects the move to 20 October, from a page read now."""
    directory.correct_roll_date(zhang, other_admin, date(2022, 10, 20), "调动文件日期",
                                shown=roll.shown_key(roll.last_change(zhang)))


def switched_off(zhang, third, other_admin):
    """管理员乙 clicks 停用: 张三 is off the roll from today."""
    directory.set_active(zhang, other_admin, False)


@pytest.mark.parametrize("meanwhile, now_named", [
    (moved_on, "最近一次变动：自2022-11-20起由县财政局调入县民政局。"),
    (corrected, "最近一次变动：自2022-10-20起由县商务局调入县财政局。"),
    (switched_off, "最近一次变动：自{today}起不再计入县财政局的在册人数"),
], ids=["move", "correction", "switch-off"])
def test_a_correction_from_a_page_read_before_another_admins_change_is_refused(
        client, login, world, moved, meanwhile, now_named):
    """The page names the move of 1 November; the admin types 10 November (a day the
    other admin's change would also accept), but another admin changed the roll first."""
    zhang, second, third, other_admin = moved
    login(world.admin)
    page = page_of(client.get(f"/admin/members/{zhang.id}/edit"))
    assert "最近一次变动：自2022-11-01起由县商务局调入县财政局。" in correction(page)
    stale = form_on(page, "roll-day", **{"roll-day": "2022-11-10", "roll-reason": "日期记错"})

    meanwhile(db.session.get(Member, zhang.id), third, other_admin)
    db.session.commit()
    before, events = stays(zhang.id), work_event_count()

    response = client.post(f"/admin/members/{zhang.id}/roll-date", data=stale)
    assert response.status_code == 200
    section = correction(page_of(response))
    assert STALE in section
    assert 'value="2022-11-10"' in section and 'value="日期记错"' in section
    assert stays(zhang.id) == before and work_event_count() == events
    assert db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "correct_roll_date", AuditEvent.actor_id == world.admin.id)) is None

    # the page now shows the change as it is; the form re-shown with the typed date is
    # still the one typed for the change the admin saw: 更正 again is refused again, the
    # date meant for the move of 1 November never lands on another admin's change
    assert now_named.format(today=local_today().isoformat()) in section
    retry = form_on(page_of(response), "roll-day")
    assert retry["roll-day"] == "2022-11-10" and retry["roll-change"] == stale["roll-change"]
    response = client.post(f"/admin/members/{zhang.id}/roll-date", data=retry)
    assert response.status_code == 200
    assert STALE in correction(page_of(response))
    assert stays(zhang.id) == before and work_event_count() == events

    # read again, the page names the change as it is; a correction posted from it is made
    page = page_of(client.get(f"/admin/members/{zhang.id}/edit"))
    assert now_named.format(today=local_today().isoformat()) in correction(page)
    fresh = form_on(page, "roll-day", **{"roll-day": "2022-11-10", "roll-reason": "日期记错"})
    response = client.post(f"/admin/members/{zhang.id}/roll-date", data=fresh)
    assert response.status_code == 302, correction(page_of(response))
    assert NOV_10 in {day for _unit, since, until in stays(zhang.id) for day in (since, until)}


def test_a_correction_from_a_page_read_after_the_change_is_made(client, login, world, moved):
    zhang, second, third, other_admin = moved
    moved_on(zhang, third, other_admin)
    db.session.commit()
    login(world.admin)
    page = page_of(client.get(f"/admin/members/{zhang.id}/edit"))
    fresh = form_on(page, "roll-day", **{"roll-day": "2022-11-10", "roll-reason": "日期记错"})
    assert client.post(f"/admin/members/{zhang.id}/roll-date", data=fresh).status_code == 302
    assert stays(zhang.id) == [(world.unit.id, None, NOV_1), (second.id, NOV_1, NOV_10),
                               (third.id, NOV_10, None)]


def test_a_phone_from_a_page_read_before_another_admins_move_keeps_the_move(
        client, login, world, moved):
    """The page shows 张三 in 县财政局; the admin only changes his phone, but meanwhile
    管理员乙 moved him to 县民政局: the form's 县财政局 is what the page showed, not a
    move back — the phone is saved, 乙's move and its roll kept, and the page says so."""
    zhang, second, third, other_admin = moved
    login(world.admin)
    page = page_of(client.get(f"/admin/members/{zhang.id}/edit"))
    stale = form_on(page, "phone", phone="13900001111")
    assert stale["unit_id"] == str(second.id)

    moved_on(db.session.get(Member, zhang.id), third, other_admin)
    db.session.commit()
    before = stays(zhang.id)

    response = client.post(f"/admin/members/{zhang.id}/edit", data=stale)
    assert response.status_code == 302, page_of(response)[:2000]
    db.session.expire_all()
    assert db.session.get(Member, zhang.id).phone == "13900001111"
    assert db.session.get(Member, zhang.id).unit_id == third.id
    assert stays(zhang.id) == before
    assert "同时保留了他人在您打开页面之后所做的修改：单位。" in page_of(
        client.get(response.headers["Location"]))


def test_a_move_from_a_page_read_before_another_admins_move_is_refused(
        client, login, world, moved):
    """The page shows 张三 in 县财政局; the admin moves him to 县商务局, but meanwhile
    管理员乙 moved him to 县民政局: two moves of one field — refused, naming the move,
    nothing written; read again, the page shows 县民政局 and the admin's move saves."""
    zhang, second, third, other_admin = moved
    login(world.admin)
    page = page_of(client.get(f"/admin/members/{zhang.id}/edit"))
    stale = form_on(page, "phone", unit_id=str(world.unit.id))

    moved_on(db.session.get(Member, zhang.id), third, other_admin)
    db.session.commit()
    before, events = stays(zhang.id), work_event_count()

    response = client.post(f"/admin/members/{zhang.id}/edit", data=stale)
    assert response.status_code == 200
    page = page_of(response)
    assert MEMBER_STALE in page
    assert "单位：打开页面时为县财政局，现为县民政局" in page
    assert stays(zhang.id) == before and work_event_count() == events

    page = page_of(client.get(f"/admin/members/{zhang.id}/edit"))
    fresh = form_on(page, "phone", unit_id=str(world.unit.id))
    assert client.post(f"/admin/members/{zhang.id}/edit", data=fresh).status_code == 302
    db.session.expire_all()
    assert db.session.get(Member, zhang.id).unit_id == world.unit.id


def test_a_stale_member_form_that_leaves_the_roll_as_it_is_saves(client, login, world, moved):
    """管理员乙 corrected the date of the move meanwhile; the page's 县财政局 is still
    张三's unit, so the form's phone is saved and the corrected history kept."""
    zhang, second, third, other_admin = moved
    login(world.admin)
    page = page_of(client.get(f"/admin/members/{zhang.id}/edit"))
    stale = form_on(page, "phone", phone="13900001111")
    corrected(db.session.get(Member, zhang.id), third, other_admin)
    db.session.commit()
    before = stays(zhang.id)

    assert client.post(f"/admin/members/{zhang.id}/edit", data=stale).status_code == 302
    assert db.session.get(Member, zhang.id).phone == "13900001111"
    assert stays(zhang.id) == before
