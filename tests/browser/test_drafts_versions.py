"""A device draft and the pages that guard a record against another's change, in a real
browser at 390×844.

The rule: a form whose page posts the version of the record it was read under (the
member form's ``shown`` and ``roll_shown``, the 更正日期 form's ``roll-change``) is
refused when another admin's change committed since — and the device draft
(static/js/drafts.js) must not undo that. A draft typed on a page read before the record
changed is not put back on the page read again (its old values would be posted under
the new page's version and saved over the other admin's change): it is dropped, the
form says so, and the page shows the record as it is now. (The member form is merged
field by field on the server, tests/web/test_admin_member_merge.py: a draft holds the
fields changed on the old page, and under the new page's keys those old values would
read as changes typed over the other admin's.) A draft typed under the
version the page still has is restored as any draft is, and a form with no version
keeps its draft as before.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.browser.conftest import Person, follow

RESTORED = "已恢复本机保存的草稿"
OUTDATED = "本机草稿填写于该记录被修改之前，已不再恢复；页面显示的是现在的内容，请核对后重新填写。"
MEMBER_STALE = "该党员的信息已被他人修改，请刷新后重试。"
ROLL_STALE = "该党员的在册记录已被他人修改，请刷新后重试。"
NEW_PHONE = "13900003333"


@pytest.fixture
def other_admin(live_server, world) -> Person:
    """管理员乙, a second admin working on the same members."""
    from tests import factories as f
    from tracker.models import Role, Unit

    with live_server.db() as session:
        admin = f.member(session.scalar(select(Unit)), Role.admin, "管理员乙")
        session.commit()
        return Person(admin.name, admin.phone, admin.id)


def as_admin(live_server, admin: Person, member_id: int, change) -> None:
    """``change(member, admin)`` on the member, done by ``admin`` as the service does it for a
    form (committed): another admin's change, made while the page under test is open."""
    from tracker.extensions import db
    from tracker.models import Member

    with live_server.app.test_request_context("/"):
        try:
            change(db.session.get(Member, member_id), db.session.get(Member, admin.id))
            db.session.commit()
        finally:
            db.session.remove()


def member_data(member, **changes):
    from tracker.services.directory import MemberData

    values = dict(name=member.name, phone=member.phone, unit_id=member.unit_id,
                  role=member.role, branch=member.branch, on_roll=member.on_roll,
                  community_ids=[c.id for c in member.communities])
    return MemberData(**(values | changes))


def new_phone(member, admin) -> None:
    """管理员乙 changes 张三's 手机号 from a page read now."""
    from tracker.services import directory

    directory.update_member(member, admin, member_data(member, phone=NEW_PHONE))


def stored(live_server, member_id: int) -> tuple[str, str | None]:
    """The member's 手机号 and 党支部 as stored."""
    from tracker.models import Member

    with live_server.db() as session:
        member = session.get(Member, member_id)
        return member.phone, member.branch


@pytest.fixture
def zhang(live_server, world, other_admin) -> str:
    """The address of 张三's page (world.member) on the admin's side."""
    return live_server.url(f"/admin/members/{world.member.id}/edit")


def save(page) -> None:
    follow(page.get_by_role("button", name="保存", exact=True))


def new_branch(member, admin) -> None:
    """管理员乙 gives 张三 a 党支部 from a page read now."""
    from tracker.services import directory

    directory.update_member(member, admin, member_data(member, branch="机关第一党支部"))


def test_a_save_over_another_admins_change_of_another_field_keeps_it(
        live_server, world, user_page, other_admin, zhang, shot):
    """The admin types a 党支部; 管理员乙 changes the phone meanwhile: the save goes
    through, 乙's phone kept, and the page says so."""
    admin = user_page(world.admin)
    admin.goto(zhang)
    admin.get_by_label("党支部").fill("第二党支部")
    as_admin(live_server, other_admin, world.member.id, new_phone)

    save(admin)
    assert "/edit" not in admin.url, admin.locator("main").inner_text()[:300]
    assert "同时保留了他人在您打开页面之后所做的修改：手机号。" in admin.locator("main").inner_text()
    shot(admin, "saved-phone-kept")
    assert stored(live_server, world.member.id) == (NEW_PHONE, "第二党支部")


def test_a_draft_of_a_refused_save_is_not_restored_on_the_page_read_again(
        live_server, world, user_page, other_admin, zhang, shot):
    """The admin types a 党支部; 管理员乙 gives another; the save is refused, and the
    refusal's link opens the page read again: it shows 乙's 党支部, not the draft's, and
    a save from it keeps 乙's change."""
    admin = user_page(world.admin)
    admin.goto(zhang)
    admin.get_by_label("党支部").fill("第二党支部")
    as_admin(live_server, other_admin, world.member.id, new_branch)

    save(admin)
    assert MEMBER_STALE in admin.locator("main").inner_text()
    shot(admin, "refused")
    follow(admin.get_by_role("link", name="重新打开该党员的页面"))
    assert admin.get_by_label("党支部").input_value() == "机关第一党支部"
    assert admin.locator(".draft-note").inner_text() == OUTDATED
    assert RESTORED not in admin.locator("main").inner_text()
    shot(admin, "read-again-draft-dropped")

    admin.get_by_label("姓名").fill("张叁")
    save(admin)
    assert "/edit" not in admin.url, admin.locator("main").inner_text()[:300]
    assert stored(live_server, world.member.id) == (world.member.phone, "机关第一党支部")


def test_a_draft_left_on_the_page_is_restored_until_the_record_changes(
        live_server, world, user_page, other_admin, zhang, shot):
    """Typed and left unsaved, the draft comes back on a reload while the record is as
    the page showed it; once 管理员乙 has changed the phone, the page opened again shows
    the phone as it is now and the draft is gone, and a save keeps 乙's phone."""
    admin = user_page(world.admin)
    admin.goto(zhang)
    admin.get_by_label("党支部").fill("第二党支部")
    admin.reload()
    assert admin.locator(".draft-note").inner_text() == RESTORED
    assert admin.get_by_label("党支部").input_value() == "第二党支部"

    admin.goto(live_server.url("/admin/members"))  # left unsaved
    as_admin(live_server, other_admin, world.member.id, new_phone)
    admin.goto(zhang)
    assert admin.get_by_label("手机号").input_value() == NEW_PHONE
    assert admin.get_by_label("党支部").input_value() == ""
    assert admin.locator(".draft-note").inner_text() == OUTDATED
    shot(admin, "came-back-draft-dropped")

    save(admin)
    assert stored(live_server, world.member.id) == (NEW_PHONE, None)
    admin.goto(zhang)  # the dropped draft stays dropped
    assert admin.locator(".draft-note").count() == 0


def test_a_correction_typed_for_a_change_replaced_since_is_not_restored(
        live_server, world, user_page, other_admin, zhang, shot):
    """张三 moved to 县财政局 20 days ago; the admin types 更正为 (10 days ago) for that
    move; 管理员乙 moves him on to 县民政局 (5 days ago). The correction is refused; the
    page read again names 乙's move, and the date typed for the other one is not on it —
    sent, nothing is corrected."""
    from tests import factories as f
    from tracker.models import Member, RollPeriod
    from tracker.services import directory
    from tracker.timeutil import local_today

    today = local_today()
    with live_server.db() as session:
        second, third = f.unit("县财政局"), f.unit("县民政局")
        session.commit()
        second_id, third_id = second.id, third.id

    def move(unit_id, days_ago):
        def change(member, admin):
            directory.update_member(member, admin, member_data(
                member, unit_id=unit_id, roll_from=today - timedelta(days=days_ago)))
        return change

    as_admin(live_server, world.admin, world.member.id, move(second_id, 20))
    admin = user_page(world.admin)
    admin.goto(zhang)
    section = admin.locator("#roll-date")
    assert (today - timedelta(days=20)).isoformat() in section.inner_text()
    section.get_by_label("更正为").fill((today - timedelta(days=10)).isoformat())
    section.get_by_label("更正的原因").fill("日期记错")

    as_admin(live_server, other_admin, world.member.id, move(third_id, 5))
    with live_server.db() as session:
        before = session.execute(select(RollPeriod.unit_id, RollPeriod.since, RollPeriod.until)
                                 .where(RollPeriod.member_id == world.member.id)
                                 .order_by(RollPeriod.id)).all()
    follow(section.get_by_role("button", name="更正日期", exact=True))
    assert ROLL_STALE in admin.locator("#roll-date").inner_text()
    shot(admin, "correction-refused")

    admin.goto(zhang)  # 刷新, as the refusal says
    section = admin.locator("#roll-date")
    assert (today - timedelta(days=5)).isoformat() in section.inner_text()
    assert section.get_by_label("更正为").input_value() == ""
    assert section.get_by_label("更正的原因").input_value() == ""
    assert section.locator(".draft-note").inner_text() == OUTDATED
    shot(admin, "read-again-draft-dropped")

    follow(section.get_by_role("button", name="更正日期", exact=True))
    assert "请填写更正后的日期。" in admin.locator("#roll-date").inner_text()
    with live_server.db() as session:
        assert session.get(Member, world.member.id).unit_id == third_id
        assert session.execute(select(RollPeriod.unit_id, RollPeriod.since, RollPeriod.until)
                               .where(RollPeriod.member_id == world.member.id)
                               .order_by(RollPeriod.id)).all() == before


def test_a_form_without_a_version_keeps_its_draft(live_server, world, user_page):
    """创建任务 names no version of anything stored: its draft is restored on the page
    opened again, as every draft was."""
    liaison = user_page(world.liaison)
    liaison.goto(live_server.url("/manage/tasks/new"))
    liaison.get_by_label("任务名称").fill("周六清理小区死角")
    liaison.get_by_label("地点").fill("解放路社区3号楼")
    liaison.goto(live_server.url("/manage/tasks"))
    liaison.goto(live_server.url("/manage/tasks/new"))
    assert liaison.locator(".draft-note").inner_text() == RESTORED
    assert liaison.get_by_label("任务名称").input_value() == "周六清理小区死角"
    assert liaison.get_by_label("地点").input_value() == "解放路社区3号楼"
