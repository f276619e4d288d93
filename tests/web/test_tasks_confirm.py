"""确认参与 over HTTP: hours in 0.5 h steps, bad input kept and explained in Chinese."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.audit import work_event_count

from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, ReportStatus, TaskReport


def own(world, member=None) -> Assignment:
    member = member or world.member
    return db.session.scalar(select(Assignment).where(
        Assignment.task_id == world.past_task.id, Assignment.member_id == member.id))


def url(assignment) -> str:
    return f"/tasks/assignments/{assignment.id}/confirm"


def test_form_suggests_the_task_span(client, world, login):
    login(world.member)
    html = client.get(url(own(world))).get_data(as_text=True)
    assert "确认参与" in html and "服务时长（小时）" in html
    assert 'inputmode="decimal"' in html and 'type="number"' not in html  # a keypad's 「，」 kept
    assert 'name="hours"' in html and 'value="2"' in html


@pytest.mark.parametrize("typed", ["1.5", "2", " 0.5 ", "1.50"])
def test_confirm_records_whole_minutes(client, world, login, typed):
    login(world.member)
    assignment = own(world)
    response = client.post(url(assignment), data={"hours": typed})
    assert response.status_code == 302
    assert response.headers["Location"] == "/tasks/mine?tab=history"
    db.session.expire_all()
    assert assignment.status == AssignmentStatus.done
    assert assignment.minutes == int(float(typed.strip()) * 60)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已确认参与：楼道清理" in html


@pytest.mark.parametrize("typed,message", [
    ("", "请填写服务时长"),
    ("   ", "请填写服务时长"),
    ("abc", "服务时长须为数字"),
    ("2小时", "服务时长须为数字"),
    ("NaN", "服务时长须为数字"),
    ("Infinity", "服务时长须为数字"),
    ("0", "服务时长须大于0"),
    ("-1", "服务时长须大于0"),
    ("0.3", "0.5小时的整数倍"),
    ("1.25", "0.5小时的整数倍"),
    # the task lasted two hours: its length is the limit named, above 24 too
    ("25", "不能超过活动时长（2.0小时）"),
    ("99999999999999999999", "不能超过活动时长（2.0小时）"),
    ("3", "不能超过活动时长（2.0小时）"),
])
def test_bad_hours_are_refused_on_the_same_form(client, world, login, typed, message):
    login(world.member)
    assignment = own(world)
    response = client.post(url(assignment), data={"hours": typed})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert f'value="{typed}"' in html  # what was typed is kept
    assert "Not a valid" not in html
    db.session.expire_all()
    assert assignment.minutes is None and assignment.status == AssignmentStatus.claimed
    assert work_event_count() == 0


def test_missing_field_is_required(client, world, login):
    login(world.member)
    html = client.post(url(own(world)), data={}).get_data(as_text=True)
    assert "请填写服务时长" in html


def test_before_the_end_the_page_explains_and_refuses(client, world, login):
    login(world.member)
    client.post(f"/tasks/{world.task.id}/claim")
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.task_id == world.task.id, Assignment.member_id == world.member.id))
    html = client.get(url(assignment)).get_data(as_text=True)
    assert "任务结束后才能确认参与" in html
    assert 'name="hours"' not in html
    html = client.post(url(assignment), data={"hours": "1"}).get_data(as_text=True)
    assert "任务结束后才能确认参与" in html
    db.session.expire_all()
    assert assignment.minutes is None


def test_absent_member_cannot_confirm(client, world, login):
    assignment = own(world)
    assignment.status = AssignmentStatus.absent
    db.session.commit()
    login(world.member)
    html = client.post(url(assignment), data={"hours": "1"}).get_data(as_text=True)
    assert "组长已登记您缺席" in html
    db.session.expire_all()
    assert assignment.minutes is None


def test_after_approval_hours_are_read_only(client, world, login):
    assignment = own(world)
    assignment.status, assignment.minutes = AssignmentStatus.done, 60
    db.session.add(TaskReport(task_id=world.past_task.id, quantity=1, people_served=1, note="x",
                              status=ReportStatus.approved, submitted_by_id=world.leader.id))
    db.session.commit()
    login(world.member)
    html = client.get(url(assignment)).get_data(as_text=True)
    assert "该任务已审核通过" in html and "已确认的服务时长：1.0 小时" in html
    client.post(url(assignment), data={"hours": "2"})
    db.session.expire_all()
    assert assignment.minutes == 60


def test_someone_elses_assignment_is_404(client, world, login):
    assignment = own(world, world.leader)
    for actor in (world.member, world.other_member, world.liaison, world.admin):
        login(actor)
        assert client.get(url(assignment)).status_code == 404
        assert client.post(url(assignment), data={"hours": "1"}).status_code == 404
    db.session.expire_all()
    assert assignment.minutes is None


def test_confirmed_hours_can_be_corrected_before_approval(client, world, login):
    login(world.member)
    assignment = own(world)
    client.post(url(assignment), data={"hours": "1"})
    html = client.get(url(assignment)).get_data(as_text=True)
    assert 'value="1"' in html
    client.post(url(assignment), data={"hours": "1.5"})
    db.session.expire_all()
    assert assignment.minutes == 90


def test_absent_after_approval_is_offered_the_backfill_request(client, world, login):
    """walk12 #2: after 通过 the 组长 can no longer change the report, so a member marked
    缺席 is not sent to her; she is told the repair that is left — a 补录申请 naming the
    task (design.md, approve / return: "who can add it") — and the task page links it."""
    assignment = own(world)
    assignment.status = AssignmentStatus.absent
    db.session.add(TaskReport(task_id=world.past_task.id, quantity=1, people_served=1, note="x",
                              status=ReportStatus.approved, submitted_by_id=world.leader.id))
    db.session.commit()
    login(world.member)
    request_link = f"/backfill-requests/new?task={world.past_task.id}"
    page = client.get(f"/tasks/{world.past_task.id}").get_data(as_text=True)
    assert "联系组长修改" not in page
    assert "补录申请" in page and f'href="{request_link}"' in page
    confirm_page = client.get(url(assignment)).get_data(as_text=True)
    assert "联系组长修改" not in confirm_page and "补录申请" in confirm_page
    assert "楼道清理" in client.get(request_link).get_data(as_text=True)


def test_absent_before_approval_still_goes_to_the_leader(client, world, login):
    assignment = own(world)
    assignment.status = AssignmentStatus.absent
    db.session.commit()
    login(world.member)
    page = client.get(f"/tasks/{world.past_task.id}").get_data(as_text=True)
    assert "联系组长修改" in page
    assert "/backfill-requests/new" not in page


def test_an_absent_participation_shows_its_hours_as_not_counted(client, world, login):
    """walk12 #10: hours confirmed before the 组长 ticked her 缺席 are not counted (the
    totals leave them out); the task page and 我的任务's card say so, as they do for a
    cancelled activity, instead of showing them as if they counted."""
    assignment = own(world)
    assignment.status, assignment.minutes = AssignmentStatus.absent, 120
    db.session.add(TaskReport(task_id=world.past_task.id, quantity=1, people_served=1, note="x",
                              status=ReportStatus.approved, submitted_by_id=world.leader.id))
    db.session.commit()
    login(world.member)
    for page in (f"/tasks/{world.past_task.id}", "/tasks/mine?tab=history"):
        html = client.get(page).get_data(as_text=True)
        assert "服务时长 2.0 小时（缺席，不计入）" in html, page
        assert "服务时长 2.0 小时<" not in html.replace("</span>", "<"), page


def test_a_confirmed_participation_opens_as_a_change_saying_what_is_confirmed(
        client, world, login):
    """walk44 #3: 「修改服务时长」 (and a stale 「请确认服务时长」 message) open this page; once
    confirmed it says the hours confirmed and offers a change, not a first 确认参与."""
    login(world.member)
    assignment = own(world)
    first = client.get(url(assignment)).get_data(as_text=True)
    assert "已确认的服务时长" not in first and "修改服务时长" not in first
    client.post(url(assignment), data={"hours": "1.5"})
    html = client.get(url(assignment)).get_data(as_text=True)
    assert "已确认的服务时长：1.5 小时" in html
    assert "<h1>修改服务时长</h1>" in html
    assert '<button type="submit" class="btn primary">修改服务时长</button>' in html
    assert "<h1>确认参与</h1>" not in html


def test_a_change_of_confirmed_hours_is_told_as_a_change(client, world, login):
    """walk44fix Open: after 修改服务时长 the member is told her hours were changed, from
    what to what — not 「已确认参与」, as if confirmed for the first time."""
    login(world.member)
    assignment = own(world)
    first = client.post(url(assignment), data={"hours": "1.5"}, follow_redirects=True)
    assert "已确认参与：" in first.get_data(as_text=True)
    again = client.post(url(assignment), data={"hours": "2"},
                        follow_redirects=True).get_data(as_text=True)
    assert "已确认参与：" not in again
    assert f"已修改服务时长：{world.past_task.title}，由1.5小时改为2.0小时。" in again
    db.session.expire_all()
    assert assignment.minutes == 120
    same = client.post(url(assignment), data={"hours": "2"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已确认参与：" not in same
    assert f"服务时长未改变：{world.past_task.title}，仍为2.0小时。" in same
