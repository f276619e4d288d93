"""A leader's 提交完成 on a weak signal, in a real browser at 390×844: with JavaScript on,
what was typed is kept on the device; offline, 提交 sends nothing and says so; a reload
restores the draft; the send that gets through is accepted once and the draft goes.
With JavaScript off the form posts as it always did."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.browser.conftest import follow, sign_in

NOTE = "清除楼道小广告6处，张贴文明提示。"
OFFLINE = "网络不佳，内容已保存在本机，恢复网络后重新提交即可。"
UNSENT = "已恢复您上次填写但未提交成功的内容，请核对后重新提交。"


@pytest.fixture
def past_task(live_server, world) -> int:
    """牛皮癣清除 (counts 完成数量 in 处), ended yesterday, led by the leader, the member on it."""
    from tests import factories as f
    from tracker.models import Assignment, AssignmentStatus, Community, Member, Unit

    with live_server.db() as session:
        unit = session.scalar(select(Unit))
        community = session.scalar(select(Community).where(Community.name == world.community))
        liaison, leader = session.get(Member, world.liaison.id), session.get(Member, world.leader.id)
        item = f.item(unit, community, "ad_removal")
        task = f.task(item, liaison, leader=leader, starts_in=-timedelta(days=1), title="清除小广告")
        session.add(Assignment(task_id=task.id, member_id=world.member.id,
                               status=AssignmentStatus.claimed))
        task.taken = 1
        session.commit()
        return task.id


def reports(live_server, task_id: int) -> list[str]:
    """The notes of the task's reports on the server (one report per task is the rule)."""
    from tracker.models import TaskReport

    with live_server.db() as session:
        return list(session.scalars(select(TaskReport.note).where(TaskReport.task_id == task_id)))


def drafts(page) -> int:
    return page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('draft:')).length")


def test_offline_send_keeps_the_draft_and_the_next_send_is_accepted_once(
        live_server, world, user_page, past_task, shot):
    leader = user_page(world.leader)
    leader.goto(live_server.url(f"/tasks/{past_task}/report"))
    leader.get_by_label("完成数量").fill("6")
    leader.get_by_label("情况说明").fill(NOTE)

    leader.context.set_offline(True)
    leader.get_by_role("button", name="提交完成", exact=True).click()
    note = leader.locator(".draft-note")
    note.wait_for()
    assert note.inner_text() == OFFLINE
    assert leader.get_by_label("情况说明").input_value() == NOTE
    shot(leader, "offline-send-kept")
    assert reports(live_server, past_task) == []  # nothing reached the server

    leader.context.set_offline(False)
    leader.reload()
    assert "已恢复本机保存的草稿" in leader.locator(".draft-note").inner_text()
    assert leader.get_by_label("完成数量").input_value() == "6"
    assert leader.get_by_label("情况说明").input_value() == NOTE
    shot(leader, "draft-restored")

    follow(leader.get_by_role("button", name="提交完成", exact=True))
    assert "已提交完成情况" in " ".join(leader.locator(".flash").all_inner_texts())
    assert reports(live_server, past_task) == [NOTE]
    assert drafts(leader) == 0  # accepted: the device's copy is gone
    shot(leader, "accepted")


def test_a_send_lost_on_the_way_says_so_on_the_form_and_goes_through_once_later(
        live_server, world, user_page, past_task, shot):
    """Online, but the send never reaches the server (a stairwell): the browser shows its
    own error page; back on the form, what was typed is there and the page says what
    happened. The next send is accepted once."""
    leader = user_page(world.leader)
    url = live_server.url(f"/tasks/{past_task}/report")
    leader.goto(url)
    leader.get_by_label("完成数量").fill("6")
    leader.get_by_label("情况说明").fill(NOTE)
    leader.route(f"**/tasks/{past_task}/report", lambda route: route.abort()
                 if route.request.method == "POST" else route.continue_())
    # the click returns before the send is even made: wait until it has failed
    with leader.expect_event("requestfailed"):
        leader.get_by_role("button", name="提交完成", exact=True).click()
    leader.unroute(f"**/tasks/{past_task}/report")
    assert reports(live_server, past_task) == []

    leader.goto(url)
    assert leader.locator(".draft-note").inner_text() == UNSENT
    assert leader.get_by_label("情况说明").input_value() == NOTE
    shot(leader, "back-on-the-form-after-a-lost-send")
    follow(leader.get_by_role("button", name="提交完成", exact=True))
    assert reports(live_server, past_task) == [NOTE]
    assert drafts(leader) == 0


def test_a_send_the_server_refused_is_not_called_a_network_failure(
        live_server, world, user_page, past_task):
    leader = user_page(world.leader)
    leader.goto(live_server.url(f"/tasks/{past_task}/report"))
    leader.get_by_label("完成数量").fill("2000000")  # over the maximum: refused on the same form
    leader.get_by_label("情况说明").fill(NOTE)
    follow(leader.get_by_role("button", name="提交完成", exact=True))
    assert leader.locator(".has-error").count() >= 1
    assert OFFLINE not in leader.locator("main").inner_text()
    assert UNSENT not in leader.locator("main").inner_text()
    assert reports(live_server, past_task) == []


def tasks_titled(live_server, title: str) -> int:
    from tracker.models import Task

    with live_server.db() as session:
        return session.scalar(select(func.count(Task.id)).where(Task.title == title))


def test_a_send_whose_answer_was_lost_is_not_applied_twice(live_server, world, user_page, shot):
    """创建任务 reaches the server, but its answer never reaches the phone. Coming back to
    the form, the liaison finds the draft restored — with the token of that send — and
    sends it again: the server recognises it and creates no second task."""
    from tracker.timeutil import local_today

    title = "周六清理小区死角"
    day = (local_today() + timedelta(days=3)).isoformat()
    liaison = user_page(world.liaison)
    liaison.goto(live_server.url("/manage/tasks/new"))
    liaison.get_by_label("资源清单项目").select_option(index=1)  # the one item there is
    liaison.get_by_label("任务名称").fill(title)
    liaison.get_by_label("地点").fill("解放路社区3号楼")
    liaison.get_by_label("开始时间").fill(f"{day}T09:00")
    liaison.get_by_label("结束时间").fill(f"{day}T11:00")
    liaison.get_by_label("名额").fill("6")

    def lose_the_answer(route):
        route.fetch()  # the server gets the send and answers …
        route.abort()  # … but the phone never sees the answer

    liaison.route("**/manage/tasks/new", lambda route: lose_the_answer(route)
                  if route.request.method == "POST" else route.continue_())
    # wait until the send has reached the server and its answer has been dropped
    with liaison.expect_event("requestfailed"):
        liaison.get_by_role("button", name="创建任务", exact=True).click()
    liaison.unroute("**/manage/tasks/new")
    assert tasks_titled(live_server, title) == 1

    liaison.goto(live_server.url("/manage/tasks/new"))
    assert liaison.locator(".draft-note").inner_text() == UNSENT  # no answer came back
    assert liaison.get_by_label("任务名称").input_value() == title
    shot(liaison, "draft-of-a-lost-answer")
    follow(liaison.get_by_role("button", name="创建任务", exact=True))
    assert "已提交，无需重复提交" in " ".join(liaison.locator(".flash").all_inner_texts())
    assert tasks_titled(live_server, title) == 1
    assert drafts(liaison) == 0
    shot(liaison, "recognised-as-sent")


def test_without_javascript_the_form_posts_as_always(new_context, live_server, world, past_task):
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, world.leader)
    page.goto(live_server.url(f"/tasks/{past_task}/report"))
    page.get_by_label("完成数量").fill("6")
    page.get_by_label("情况说明").fill(NOTE)
    follow(page.get_by_role("button", name="提交完成", exact=True))
    assert "已提交完成情况" in " ".join(page.locator(".flash").all_inner_texts())
    assert reports(live_server, past_task) == [NOTE]
    assert page.locator(".draft-note").count() == 0


def test_personal_data_is_never_a_draft_and_signing_out_drops_the_members_drafts(
        live_server, world, user_page, shot):
    """The resident register's form keeps nothing on the device (the residents' pages
    are no-store, a draft would undo that); 退出登录 — here from a page with no form of
    its own — removes every draft of the member, and only theirs."""
    liaison = user_page(world.liaison)
    # A draft of another member who used this device, still in progress: not ours to drop.
    liaison.evaluate("localStorage.setItem('draft:99999:/x', "
                     "JSON.stringify({at: Date.now(), values: {}}))")
    # Left by a version that still kept such drafts: removed once the form is opened.
    liaison.evaluate(f"localStorage.setItem('draft:{world.liaison.id}:/residents/new', "
                     "JSON.stringify({at: Date.now(), values: {address: '旧草稿里的住址'}}))")

    liaison.goto(live_server.url("/residents/new"))
    liaison.get_by_label("姓名").fill("钱爷爷")
    liaison.get_by_label("住址").fill("解放路12号3单元201")
    liaison.get_by_label("联系电话").fill("13912345678")
    liaison.get_by_label("备注").fill("独居，钥匙放在邻居家")
    liaison.get_by_label("备注").blur()
    mine = f"Object.keys(localStorage).filter(k => k.startsWith('draft:{world.liaison.id}:'))"
    assert liaison.evaluate(mine) == []
    assert "解放路12号" not in liaison.evaluate("JSON.stringify(localStorage)")
    shot(liaison, "resident-form-keeps-no-draft")

    liaison.goto(live_server.url("/manage/tasks/new"))  # an ordinary form keeps its draft
    liaison.get_by_label("任务名称").fill("周六清理小区死角")
    assert len(liaison.evaluate(mine)) == 1

    liaison.goto(live_server.url("/residents/"))  # no form to keep here: the footer's only
    follow(liaison.get_by_role("button", name="退出登录", exact=True))
    assert "/auth/login" in liaison.url
    assert liaison.evaluate(mine) == []
    assert liaison.evaluate("Object.keys(localStorage)") == ["draft:99999:/x"]
    shot(liaison, "signed-out-drafts-gone")


def test_a_search_in_the_form_is_not_called_a_lost_send(live_server, world, user_page):
    """查找组长 on the new-task form sends the form to list the matches and answers with
    the form again: that is no send lost on the way, and the typed title stays."""
    liaison = user_page(world.liaison)
    liaison.goto(live_server.url("/manage/tasks/new"))
    liaison.get_by_label("资源清单项目").select_option(index=1)
    liaison.get_by_label("任务名称").fill("周日楼道清理")
    liaison.get_by_label("查找组长").fill("组长")
    follow(liaison.get_by_role("button", name="查找", exact=True))
    assert liaison.get_by_label("任务名称").input_value() == "周日楼道清理"
    assert liaison.locator(".draft-note").count() == 0


def test_signing_out_from_a_page_without_drafts_js_drops_the_drafts(live_server, world,
                                                                     user_page):
    """A page with no form to keep loads only static/js/signout.js, not drafts.js (the
    first-load budget): its 退出登录 still removes every draft of the member, only theirs."""
    member = user_page(world.member)
    member.goto(live_server.url("/me/data"))
    scripts = member.evaluate("Array.from(document.scripts, s => s.src)")
    assert any("/static/js/signout.js" in s for s in scripts)
    assert not any("/static/js/drafts.js" in s for s in scripts)
    member.evaluate(f"localStorage.setItem('draft:{world.member.id}:/tasks/1/report', "
                    "JSON.stringify({at: Date.now(), values: {note: '写了一半'}}))")
    member.evaluate("localStorage.setItem('draft:99999:/x', "
                    "JSON.stringify({at: Date.now(), values: {}}))")
    follow(member.get_by_role("button", name="退出登录", exact=True))
    assert "/auth/login" in member.url
    assert member.evaluate("Object.keys(localStorage)") == ["draft:99999:/x"]
