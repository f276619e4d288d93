"""A form sent twice over HTTP (a retry on a weak signal, a double tap, the back
button): the change is applied once, and the second send lands where the first one
went with 「已提交，无需重复提交」 — never an error page. The token is the one the page
itself carries; a POST without one works as before (the rest of the suite)."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from tests import factories as f
from tests.audit import work_actions
from tests.web.manage_support import local, FMT, submitted_report, task_form
from tracker.extensions import db
from tracker.models import (Assignment, AssignmentStatus, ReportStatus, Task, TaskReport,
                            WaitlistEntry)

ALREADY = "已提交，无需重复提交"


def token_of(html: str, action: str) -> str:
    """The submission token of the form posting to ``action`` on the page."""
    form = re.search(r'<form[^>]*action="' + re.escape(action) + r'"[^>]*>(.*?)</form>', html, re.S)
    assert form, f"no form posting to {action}"
    found = re.search(r'name="submission_token" value="([^"]+)"', form.group(1))
    assert found, f"the form posting to {action} carries no submission token"
    return found.group(1)


def send_twice(client, action: str, data: dict, page: str, second: dict | None = None,
               form_action: str | None = None):
    html = client.get(page).get_data(as_text=True)
    token = token_of(html, action if form_action is None else form_action)
    first = client.post(action, data={**data, "submission_token": token})
    assert first.status_code in (302, 303), first.get_data(as_text=True)[:800]
    again = client.post(action, data={**(second or data), "submission_token": token})
    return first, again


def lands_where_the_first_went(client, first, again) -> None:
    assert again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert ALREADY in client.get(again.headers["Location"]).get_data(as_text=True)


def participations(task, member) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Assignment.id)).where(
        Assignment.task_id == task.id, Assignment.member_id == member.id))


def my_place(world) -> Assignment:
    """The member's participation in the task that ended yesterday (to confirm)."""
    return db.session.scalar(select(Assignment).where(
        Assignment.task_id == world.past_task.id, Assignment.member_id == world.member.id))


def test_claim_sent_twice_claims_once(client, world, login):
    login(world.member)
    task = world.task
    action = f"/tasks/{task.id}/claim?next=/tasks/{task.id}"
    first, again = send_twice(client, action, {}, f"/tasks/{task.id}")
    lands_where_the_first_went(client, first, again)
    # one participation per member and task, one slot taken, one claim on the record
    assert participations(task, world.member) == 1
    assert db.session.get(Task, task.id).taken == 1
    assert work_actions().count("claim") == 1


def test_confirm_sent_twice_keeps_the_first_hours(client, world, login):
    login(world.member)
    mine = my_place(world)
    action = f"/tasks/assignments/{mine.id}/confirm"
    first, again = send_twice(client, action, {"hours": "1.5"}, action, second={"hours": "2"})
    lands_where_the_first_went(client, first, again)
    db.session.expire_all()
    mine = db.session.get(Assignment, mine.id)
    assert mine.status == AssignmentStatus.done and mine.minutes == 90
    assert work_actions().count("confirm") == 1


def test_report_sent_twice_is_submitted_once(client, world, login):
    login(world.leader)
    action = f"/tasks/{world.past_task.id}/report"
    data = {"note": "清理楼道杂物。"}  # 环境整治 counts no 完成数量 or 受益
    first, again = send_twice(client, action, data, action,
                              second={**data, "note": "清理楼道杂物。（重发）"})
    lands_where_the_first_went(client, first, again)
    db.session.expire_all()
    [report] = db.session.scalars(select(TaskReport).where(TaskReport.task_id == world.past_task.id)).all()
    assert report.status == ReportStatus.submitted and report.note == "清理楼道杂物。"
    assert len([a for a in work_actions() if a in ("submit", "resubmit")]) == 1


def test_task_created_twice_is_created_once(client, world, login):
    login(world.liaison)
    data = task_form(resource_item=world.item.id, title="重发测试任务",
                     starts_at=local(4, 7).strftime(FMT), ends_at=local(4, 9).strftime(FMT))
    first, again = send_twice(client, "/manage/tasks/new", data, "/manage/tasks/new",
                               form_action="")
    lands_where_the_first_went(client, first, again)
    assert db.session.scalar(select(func.count(Task.id)).where(Task.title == "重发测试任务")) == 1


def test_approve_sent_twice_shows_no_refusal(client, world, login):
    report = submitted_report(world.past_task, world.leader)
    login(world.liaison)
    action = f"/manage/reports/{report.id}/approve"
    first, again = send_twice(client, action, {}, f"/manage/reports/{report.id}")
    lands_where_the_first_went(client, first, again)
    assert "该完成情况不在待审核状态" not in client.get(again.headers["Location"]).get_data(as_text=True)
    assert work_actions().count("approve") == 1


def test_a_refused_send_can_be_sent_again_with_the_same_token(client, world, login):
    login(world.member)
    mine = my_place(world)
    action = f"/tasks/assignments/{mine.id}/confirm"
    token = token_of(client.get(action).get_data(as_text=True), action)
    refused = client.post(action, data={"hours": "abc", "submission_token": token})
    assert refused.status_code == 200 and "服务时长须为数字" in refused.get_data(as_text=True)
    accepted = client.post(action, data={"hours": "1", "submission_token": token})
    assert accepted.status_code == 302
    assert db.session.get(Assignment, mine.id).minutes == 60


def test_the_login_form_carries_no_token(client):
    """A login sent again must log in again: only its answer carries the session."""
    assert "submission_token" not in client.get("/auth/login").get_data(as_text=True)


def test_a_filter_form_carries_no_token(client, world, login):
    login(world.member)
    html = client.get("/tasks/").get_data(as_text=True)
    filters = re.search(r'<form method="get".*?</form>', html, re.S).group(0)
    assert "submission_token" not in filters


def list_form(html: str) -> tuple[dict, list[str]]:
    """The open list's one form for every card: its hidden fields (the CSRF token, the
    page's one-time token) and the action each card's button posts it to."""
    form = re.search(r'<form method="post" class="task-list">(.*?)</form>', html, re.S)
    assert form, "the open list has no form for its cards' buttons"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(1)))
    return fields, re.findall(r'formaction="([^"]+)"', form.group(1))


def test_claim_from_the_list_sent_twice_claims_once(client, world, login):
    """The list's cards share one token for the page: a claim sent twice still claims
    once, and the second send is told 「已提交，无需重复提交」."""
    login(world.member)
    fields, actions = list_form(client.get("/tasks/").get_data(as_text=True))
    action = f"/tasks/{world.task.id}/claim?next=/tasks/"
    assert action in actions and "submission_token" not in fields
    first = client.post(action, data=fields)
    assert first.status_code == 302
    again = client.post(action, data=fields)
    lands_where_the_first_went(client, first, again)
    assert participations(world.task, world.member) == 1
    assert db.session.get(Task, world.task.id).taken == 1
    assert work_actions().count("claim") == 1


def test_two_cards_sent_from_one_list_are_two_sends(client, world, login):
    """Back to the same rendering of the list (the back button, a second tab), another
    card's button is another send — a claim, or joining the line of a full task — never
    「已提交」 for something not done; each of them sent again is applied once."""
    full = f.task(world.item, world.liaison, slots=1, title="满员的活动")
    full.taken = 1
    db.session.commit()
    login(world.member)
    fields, actions = list_form(client.get("/tasks/").get_data(as_text=True))
    sends = [f"/tasks/{world.task.id}/claim?next=/tasks/",
             f"/tasks/{world.other_task.id}/claim?next=/tasks/",
             f"/tasks/{full.id}/waitlist?next=/tasks/"]
    assert set(sends) <= set(actions)
    for action in sends:
        response = client.post(action, data=fields)
        assert response.status_code == 302, action
        assert ALREADY not in client.get(response.headers["Location"]).get_data(as_text=True)
    assert participations(world.task, world.member) == participations(world.other_task, world.member) == 1
    assert db.session.scalar(select(func.count(WaitlistEntry.id)).where(
        WaitlistEntry.task_id == full.id, WaitlistEntry.member_id == world.member.id)) == 1
    for action in sends:
        again = client.post(action, data=fields)
        assert again.status_code == 303, action
        assert ALREADY in client.get(again.headers["Location"]).get_data(as_text=True)
    assert work_actions().count("claim") == 2
    assert db.session.scalar(select(func.count(WaitlistEntry.id)).where(
        WaitlistEntry.task_id == full.id)) == 1
