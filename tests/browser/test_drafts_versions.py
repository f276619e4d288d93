"""A device draft and the pages that guard a record against another's change, in a real
browser at 390×844.

The rule: a form whose page posts the version of the record it was read under keeps
those keys with its draft (static/js/drafts.js), and there are two kinds of key
(tracker/fields.py ``VersionField``):

- a plain key (the roll's ``roll_shown`` and the 更正日期 form's ``roll-change``): any
  change since refuses the post. A draft typed on a page read before the record changed
  is not put back on the page read again (its old values would be posted under the new
  page's version and saved over the other's change): it is dropped, the form says so,
  and the page shows the record as it is now.
- a merge key (the ``shown`` of the task, 需求, 服务对象, 月报 notes and member forms:
  services/shown.py's three-way merge). A draft typed under it — left unsent, or a send
  lost in a stairwell — comes back on the page read again with the key it was typed
  under, and the form says so (review "merged29" #1: before, the liaison's typed words
  were thrown away whenever anyone saved anything on the record). Saved, the server's
  merge decides: the other's change kept in every field the draft left alone; where both
  changed one field, refused on the stale page naming it with both texts, nothing
  written. A merge key the server has refused and shows again unchanged (the member
  form's refused page: posted again it is refused again) is plain from then on: that
  draft is not put back on the page read again.

A draft typed under the version the page still has is restored as any draft is, and a
form with no version keeps its draft as before.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.browser.conftest import Person, follow

RESTORED = "已恢复本机保存的草稿。"
OUTDATED = "本机草稿填写于该记录被修改之前，已不再恢复；页面显示的是现在的内容，请核对后重新填写。"
MERGED = "已恢复本机保存的草稿；该记录此后有过修改，保存时会与之核对。"
UNSENT = "已恢复您上次填写但未提交成功的内容，请核对后重新提交。"
TASK_STALE = "该任务已被他人修改，请核对后重新保存。"
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


def test_a_draft_left_on_the_page_comes_back_over_another_admins_change_and_keeps_it(
        live_server, world, user_page, other_admin, zhang, shot):
    """Typed and left unsaved, the draft comes back on a reload while the record is as
    the page showed it; once 管理员乙 has changed the phone, the page opened again still
    brings the typed 党支部 back (the member form's ``shown`` is a merge key), shows 乙's
    phone, and a save keeps 乙's phone and writes the 党支部."""
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
    assert admin.get_by_label("党支部").input_value() == "第二党支部"
    assert admin.locator(".draft-note").inner_text() == MERGED
    shot(admin, "came-back-over-the-phone-change")

    save(admin)
    assert "/edit" not in admin.url, admin.locator("main").inner_text()[:300]
    assert stored(live_server, world.member.id) == (NEW_PHONE, "第二党支部")
    admin.goto(zhang)  # the accepted draft is gone
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


# ---------------------------------------------------------------- merge keys: a task

TYPED = "三楼东侧扶手松动，请带扳手和手套。"
THEIRS = "请自带扫帚。"
NEW_PLACE = "解放路社区活动室（改到二楼）"


def task_edit(live_server, world) -> str:
    return live_server.url(f"/manage/tasks/{world.task_id}/edit")


def task_stored(live_server, task_id: int) -> tuple[str, str | None]:
    """The task's 地点 and 任务说明 as stored."""
    from tracker.models import Task

    with live_server.db() as session:
        task = session.get(Task, task_id)
        return task.place, task.description


def save_task(page) -> None:
    follow(page.get_by_role("button", name="保存修改", exact=True))


def admin_saves_task(admin, url: str, **labelled) -> None:
    """The admin opens the task's edit page now, fills ``labelled`` (label → text) and
    saves: another's change, made while the liaison's draft waits on the phone."""
    admin.goto(url)
    for label, value in labelled.items():
        admin.get_by_label(label).fill(value)
    save_task(admin)
    assert "/edit" not in admin.url, admin.locator("main").inner_text()[:300]


def test_a_task_draft_comes_back_after_another_changed_another_field(
        live_server, world, user_page, shot):
    """The liaison types a 任务说明 and leaves the page unsent; the admin changes only
    the 地点. Opened again, the form holds the typed 任务说明 and the admin's 地点, and
    says the record changed; saved, both are stored."""
    url = task_edit(live_server, world)
    place = task_stored(live_server, world.task_id)[0]
    liaison = user_page(world.liaison)
    liaison.goto(url)
    liaison.get_by_label("任务说明").fill(TYPED)
    liaison.goto(live_server.url("/manage/tasks"))  # left unsent

    admin_saves_task(user_page(world.admin), url, 地点=NEW_PLACE)
    assert task_stored(live_server, world.task_id) == (NEW_PLACE, None)

    liaison.goto(url)
    assert liaison.get_by_label("任务说明").input_value() == TYPED
    assert liaison.get_by_label("地点").input_value() == NEW_PLACE
    assert liaison.locator(".draft-note").inner_text() == MERGED
    shot(liaison, "typed-words-back")

    save_task(liaison)
    assert "/edit" not in liaison.url, liaison.locator("main").inner_text()[:300]
    assert task_stored(live_server, world.task_id) == (NEW_PLACE, TYPED)
    assert place != NEW_PLACE
    liaison.goto(url)  # the accepted draft is gone
    assert liaison.locator(".draft-note").count() == 0


def test_a_lost_task_send_comes_back_and_a_real_conflict_is_refused_on_the_stale_page(
        live_server, world, user_page, shot):
    """The liaison's send of a 任务说明 is lost on the way; the admin writes another
    任务说明 meanwhile. Opened again, the form holds the typed words and says the send
    did not go through; sent, it is refused on the stale page,
    which names 任务说明 with the admin's words, the typed ones still in the form, and
    nothing is written. Sent again from there (the liaison has now seen the admin's
    words), the typed words are saved."""
    url = task_edit(live_server, world)
    place = task_stored(live_server, world.task_id)[0]
    liaison = user_page(world.liaison)
    liaison.goto(url)
    liaison.get_by_label("任务说明").fill(TYPED)
    liaison.route(url, lambda route: route.abort()
                  if route.request.method == "POST" else route.continue_())
    with liaison.expect_event("requestfailed"):  # the send never reached the server
        liaison.get_by_role("button", name="保存修改", exact=True).click()
    liaison.unroute(url)

    admin_saves_task(user_page(world.admin), url, 任务说明=THEIRS)
    liaison.goto(url)
    assert liaison.get_by_label("任务说明").input_value() == TYPED
    assert liaison.locator(".draft-note").inner_text() == UNSENT

    save_task(liaison)
    main = liaison.locator("main").inner_text()
    assert TASK_STALE in main
    assert f"任务说明：打开页面时为（未填），现为{THEIRS}" in main
    assert liaison.get_by_label("任务说明").input_value() == TYPED
    assert task_stored(live_server, world.task_id) == (place, THEIRS)
    shot(liaison, "conflict-named")

    save_task(liaison)  # seen, and kept: the refused page's own key is not undone by the draft
    assert "/edit" not in liaison.url, liaison.locator("main").inner_text()[:300]
    assert task_stored(live_server, world.task_id) == (place, TYPED)


# ---------------------------------------------------------------- merge keys: 需求, 月报

def test_a_need_draft_comes_back_after_another_changed_the_title(
        live_server, world, user_page):
    """The same for a 需求 / 微心愿: the typed 说明 comes back over the admin's new
    标题, and both are stored."""
    from tests.needs.support import need
    from tracker.models import Community, Member, Need

    with live_server.db() as session:
        row = need(session.scalar(select(Community).where(Community.name == world.community)),
                   session.get(Member, world.liaison.id), title="为独居老人修理轮椅")
        session.commit()
        need_id = row.id
    url = live_server.url(f"/needs/{need_id}/edit")
    liaison = user_page(world.liaison)
    liaison.goto(url)
    liaison.get_by_label("说明").fill(TYPED)
    liaison.goto(live_server.url("/needs/"))  # left unsent

    admin = user_page(world.admin)
    admin.goto(url)
    admin.get_by_label("标题").fill("为独居老人修理轮椅（加急）")
    save(admin)
    assert "/edit" not in admin.url, admin.locator("main").inner_text()[:300]

    liaison.goto(url)
    assert liaison.get_by_label("说明").input_value() == TYPED
    assert liaison.get_by_label("标题").input_value() == "为独居老人修理轮椅（加急）"
    assert liaison.locator(".draft-note").inner_text() == MERGED
    save(liaison)
    assert "/edit" not in liaison.url, liaison.locator("main").inner_text()[:300]
    with live_server.db() as session:
        row = session.get(Need, need_id)
        assert (row.title, row.description) == ("为独居老人修理轮椅（加急）", TYPED)


def test_a_notes_draft_comes_back_after_another_wrote_the_plans(
        live_server, world, user_page):
    """The liaison types 存在问题 on the 月报 and leaves it unsent; the admin writes
    下步打算. Opened again, the typed 存在问题 is there beside the admin's 下步打算, and
    saved, both are stored."""
    from tracker.models import Community, SummaryNote

    with live_server.db() as session:
        community = session.scalar(select(Community).where(Community.name == world.community))
        community_id = community.id
    url = live_server.url(f"/reports/?community={community_id}")
    problems = "3处化粪池井盖破损待修"
    liaison = user_page(world.liaison)
    liaison.goto(url)
    liaison.get_by_label("存在问题", exact=True).fill(problems)
    liaison.goto(live_server.url("/manage/tasks"))  # left unsent

    admin = user_page(world.admin)
    admin.goto(url)
    admin.get_by_label("下步打算", exact=True).fill("12月完成修补")
    follow(admin.locator(".report-notes").get_by_role("button", name="保存", exact=True))
    assert "已保存存在问题和下步打算。" in admin.locator("main").inner_text()

    liaison.goto(url)
    notes = liaison.locator(".report-notes")
    assert notes.get_by_label("存在问题", exact=True).input_value() == problems
    assert notes.get_by_label("下步打算", exact=True).input_value() == "12月完成修补"
    assert notes.locator(".draft-note").inner_text() == MERGED
    follow(notes.get_by_role("button", name="保存", exact=True))
    assert "已保存存在问题和下步打算。" in liaison.locator("main").inner_text()
    with live_server.db() as session:
        note = session.scalar(select(SummaryNote).where(SummaryNote.community_id == community_id))
        assert (note.problems, note.plans) == (problems, "12月完成修补")
