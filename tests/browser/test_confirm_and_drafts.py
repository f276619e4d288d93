"""Walk10 in a real browser at 390×844: 定稿 asks first and signs what was typed and not
saved (D12); 移出 asks in the page and a 「取消」 changes nothing (D9); 补录 keeps its
device draft like 创建任务, saying the photo must be chosen again (D8)."""
from __future__ import annotations

from sqlalchemy import select

from tests.browser.conftest import follow

OFFLINE = "网络不佳，内容已保存在本机，恢复网络后重新提交即可。"
PROBLEMS = "部分党员参与不足，需加强动员。"
PLANS = "下月开展楼道清洁专项行动。"


def _flash(page) -> str:
    return " ".join(page.locator(".flash").all_inner_texts())


def test_finalise_asks_first_and_signs_the_words_typed_but_not_saved(
        live_server, world, user_page, shot):
    from tracker.models import SummaryNote, Unit
    from tracker.reports.routes import default_month

    with live_server.db() as session:
        unit_id = session.scalar(select(Unit.id))
    admin = user_page(world.admin)
    month = default_month()
    admin.goto(live_server.url(f"/reports/?unit={unit_id}&month={month}"))
    admin.get_by_role("textbox", name="存在问题").fill(PROBLEMS)
    admin.get_by_role("textbox", name="下步打算").fill(PLANS)
    # no 保存 tapped: 定稿 straight away
    follow(admin.get_by_role("button", name="标记本月月报已定稿"))
    assert admin.locator("h1").inner_text() == "定稿本月月报"
    assert "不能再修改" in admin.locator(".confirm-box").inner_text()
    assert admin.get_by_role("textbox", name="存在问题").input_value() == PROBLEMS
    assert admin.get_by_role("textbox", name="下步打算").input_value() == PLANS
    shot(admin, "finalise-asked")
    with live_server.db() as session:
        assert session.scalar(select(SummaryNote.finalized_at)) is None
    follow(admin.get_by_role("button", name="确认定稿"))
    assert "本月月报已定稿" in _flash(admin)
    main = admin.locator("main").inner_text()
    assert PROBLEMS in main and PLANS in main
    shot(admin, "finalised-with-the-words")
    with live_server.db() as session:
        note = session.scalar(select(SummaryNote))
        assert (note.problems, note.plans) == (PROBLEMS, PLANS) and note.finalized_at


def test_going_back_from_the_finalise_question_keeps_the_words_and_says_no_failure(
        live_server, world, user_page, shot):
    """定稿, then 「返回，不操作」 (walk11 #1, #6): the 月报 again with the words typed,
    nothing saved, and no 「未提交成功」 alert: going back on purpose is no failed send."""
    from tracker.models import SummaryNote, Unit
    from tracker.reports.routes import default_month

    with live_server.db() as session:
        unit_id = session.scalar(select(Unit.id))
    admin = user_page(world.admin)
    admin.goto(live_server.url(f"/reports/?unit={unit_id}&month={default_month()}"))
    admin.get_by_role("textbox", name="存在问题").fill(PROBLEMS)
    admin.get_by_role("textbox", name="下步打算").fill(PLANS)
    follow(admin.get_by_role("button", name="标记本月月报已定稿"))
    assert admin.locator("h1").inner_text() == "定稿本月月报"
    follow(admin.get_by_role("button", name="返回，不操作"))
    assert admin.get_by_role("textbox", name="存在问题").input_value() == PROBLEMS
    assert admin.get_by_role("textbox", name="下步打算").input_value() == PLANS
    assert admin.locator(".flash-error").count() == 0
    assert "未提交成功" not in admin.locator("main").inner_text()
    shot(admin, "finalise-back")
    with live_server.db() as session:
        assert session.scalar(select(SummaryNote)) is None
    # read again later (a plain reload of the 月报): the device draft, as an info note
    admin.goto(live_server.url(f"/reports/?unit={unit_id}&month={default_month()}"))
    assert admin.get_by_role("textbox", name="存在问题").input_value() == PROBLEMS
    assert admin.locator(".flash-error").count() == 0


def test_removing_a_participant_asks_in_the_page_and_cancel_keeps_her(
        live_server, world, user_page, shot):
    from tracker.models import Assignment, AssignmentStatus, Task

    with live_server.db() as session:
        session.add(Assignment(task_id=world.task_id, member_id=world.member.id,
                               status=AssignmentStatus.claimed))
        session.get(Task, world.task_id).taken = 1
        session.commit()

    def status():
        with live_server.db() as session:
            return session.scalar(select(Assignment.status).where(
                Assignment.task_id == world.task_id, Assignment.member_id == world.member.id))

    liaison = user_page(world.liaison)
    liaison.goto(live_server.url(f"/manage/tasks/{world.task_id}"))
    asked = []
    liaison.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    liaison.locator("#participants").get_by_role("button", name="移出").click()
    liaison.wait_for_timeout(300)
    assert asked and "张三" in asked[0] and "候补" not in asked[0]  # no one waits (walk11 #5)
    assert status() == AssignmentStatus.claimed  # 取消: nothing sent
    liaison.once("dialog", lambda dialog: dialog.accept())
    follow(liaison.locator("#participants").get_by_role("button", name="移出"))
    assert "已将 张三 移出该任务" in _flash(liaison)
    assert status() == AssignmentStatus.withdrawn
    shot(liaison, "removed-after-asking")


def test_backfill_keeps_its_draft_offline_and_asks_for_the_photo_again(
        live_server, world, user_page, shot):
    liaison = user_page(world.liaison)
    url = live_server.url("/manage/backfill")
    liaison.goto(url)
    liaison.get_by_label("地点").fill("解放路12号")
    liaison.get_by_label("情况说明").fill("清理楼道杂物，张贴文明提示。")
    liaison.get_by_label("张三", exact=False).first.check()
    liaison.set_input_files("input[type=file]", files=[{
        "name": "scene.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff\xe0 not really"}])

    liaison.context.set_offline(True)
    liaison.get_by_role("button", name="保存补录").click()
    note = liaison.locator(".draft-note")
    note.wait_for()
    assert note.inner_text() == OFFLINE
    shot(liaison, "backfill-offline-kept")

    liaison.context.set_offline(False)
    liaison.goto(url)  # opened again (from 工作台, a reload): the draft comes back
    said = liaison.locator(".draft-note").first.inner_text()  # the form's, at its top
    assert said == "已恢复本机保存的草稿。所选的照片或文件不能保存在本机，请重新选择。"  # walk11 #7
    # said again at the photo field itself, far down the phone's page
    photo = liaison.locator("input[type=file]").first
    assert photo.locator("xpath=preceding-sibling::*[1]").inner_text() == (
        "所选的照片或文件不能保存在本机，请重新选择。")
    assert liaison.get_by_label("地点").input_value() == "解放路12号"
    assert liaison.get_by_label("情况说明").input_value() == "清理楼道杂物，张贴文明提示。"
    assert liaison.get_by_label("张三", exact=False).first.is_checked()
    shot(liaison, "backfill-draft-restored")
