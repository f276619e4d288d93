"""Task detail: what it shows, to whom, and which actions it offers."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, ReportStatus, TaskReport, TaskStatus


def detail(client, task, status=200) -> str:
    response = client.get(f"/tasks/{task.id}")
    assert response.status_code == status
    return response.get_data(as_text=True)


def test_detail_shows_every_field_and_who_claimed_without_phones(client, world, login):
    zone = f.zone(world.community, "二号责任区")
    item = f.item(world.unit, world.community, "elderly_visit", zone=zone)
    task = f.task(item, world.liaison, leader=world.leader, slots=6, title="看望空巢老人")
    task.beneficiary = "独居老人"
    task.description = "带上慰问品，注意防滑。"
    for m in (world.leader, world.other_member):
        db.session.add(Assignment(task_id=task.id, member_id=m.id, status=AssignmentStatus.claimed))
    task.taken = 2
    db.session.commit()
    login(world.member)
    html = detail(client, task)
    for text in ("看望空巢老人", "慰问“空巢”老人", "解放路社区", "二号责任区", "社区活动中心",
                 "独居老人", "带上慰问品，注意防滑。", "王组长", "李四", "<b>4</b> / 6",
                 "服务对象", "剩余名额", "组长", "已认领的党员（2）"):
        assert text in html, text
    for m in (world.leader, world.other_member, world.liaison):
        assert m.phone not in html
        assert m.masked_phone not in html
    assert "您未认领该任务" in html
    assert f'action="/tasks/{task.id}/claim' in html


def test_a_web_address_in_the_description_is_a_link_and_nothing_else_is(client, world, login):
    """A 公众号 link pasted into 任务说明 opens with a tap; the rest stays text: markup is
    shown as typed, and only http(s) addresses become links."""
    task = f.task(world.item, world.liaison)
    task.description = ("报名请看通知：https://mp.weixin.qq.com/s/AbC?a=1&b=2。"
                        "<script>alert(1)</script> javascript:alert(2) "
                        'http://x.example/"onmouseover="alert(3)')
    db.session.commit()
    login(world.member)
    html = detail(client, task)
    assert ('<a href="https://mp.weixin.qq.com/s/AbC?a=1&amp;b=2" rel="noopener noreferrer '
            'nofollow">https://mp.weixin.qq.com/s/AbC?a=1&amp;b=2</a>。') in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert 'href="javascript' not in html
    assert '<a href="http://x.example/" rel=' in html and 'onmouseover="' not in html


def test_claimed_member_sees_withdraw_and_no_claim(client, world, login):
    db.session.add(Assignment(task_id=world.task.id, member_id=world.member.id,
                              status=AssignmentStatus.claimed))
    world.task.taken = 1
    db.session.commit()
    login(world.member)
    html = detail(client, world.task)
    assert f'action="/tasks/{world.task.id}/withdraw' in html
    assert f'action="/tasks/{world.task.id}/claim' not in html
    assert "已认领" in html
    assert "/tasks/assignments/" not in html  # 确认参与 only after the task has ended


def test_full_task_says_full(client, world, login):
    task = f.task(world.item, world.liaison, slots=1)
    task.taken = 1
    db.session.commit()
    login(world.member)
    html = detail(client, task)
    assert "已满" in html and f"/tasks/{task.id}/claim" not in html


def test_ended_task_offers_confirm_to_a_participant(client, world, login):
    login(world.member)
    html = detail(client, world.past_task)
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.task_id == world.past_task.id, Assignment.member_id == world.member.id))
    assert f'href="/tasks/assignments/{assignment.id}/confirm"' in html
    tid = world.past_task.id
    assert f"/tasks/{tid}/withdraw" not in html and f"/tasks/{tid}/claim" not in html
    assert f"/tasks/{world.past_task.id}/report" not in html  # not the leader


def test_leader_sees_report_action_and_its_status(client, world, login):
    db.session.add(TaskReport(task_id=world.past_task.id, quantity=3, people_served=5, note="x",
                              status=ReportStatus.returned, return_reason="请补充人数",
                              submitted_by_id=world.leader.id))
    db.session.commit()
    login(world.leader)
    html = detail(client, world.past_task)
    assert f'href="/tasks/{world.past_task.id}/report"' in html
    assert "已退回" in html and "请补充人数" in html


def test_future_task_has_no_report_action_for_the_leader(client, world, login):
    login(world.leader)
    html = detail(client, world.task)
    assert f"/tasks/{world.task.id}/report" not in html
    assert "您是本任务的组长" in html


def test_cancelled_task_shows_cancelled_to_those_on_it(client, world, login):
    db.session.add(Assignment(task_id=world.task.id, member_id=world.member.id,
                              status=AssignmentStatus.claimed))
    world.task.status = TaskStatus.cancelled
    db.session.commit()
    login(world.member)
    html = detail(client, world.task)
    assert "已取消" in html
    tid = world.task.id
    assert f"/tasks/{tid}/withdraw" not in html and f"/tasks/{tid}/claim" not in html


def test_closed_task_is_hidden_from_those_not_on_it(client, world, login):
    world.past_task.status = TaskStatus.closed
    db.session.commit()
    login(world.other_member)
    detail(client, world.past_task, status=404)
    login(world.other_liaison)
    detail(client, world.past_task, status=404)
    login(world.member)
    detail(client, world.past_task)
    login(world.liaison)
    detail(client, world.past_task)


def test_a_member_who_withdrew_no_longer_sees_a_closed_task(client, world, login):
    task = f.task(world.item, world.liaison, starts_in=-timedelta(days=3), status=TaskStatus.closed)
    db.session.add(Assignment(task_id=task.id, member_id=world.member.id,
                              status=AssignmentStatus.withdrawn))
    db.session.commit()
    login(world.member)
    detail(client, task, status=404)


def test_unknown_task_is_404_in_chinese(client, world, login):
    login(world.member)
    response = client.get("/tasks/424242")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_absurd_ids_and_pages_are_404_or_empty_not_500(client, world, login):
    login(world.member)
    huge = "9" * 30
    for url in (f"/tasks/{huge}", f"/tasks/assignments/{huge}/confirm", f"/tasks/{huge}/report"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/tasks/{huge}/claim").status_code == 404
    assert client.get(f"/tasks/?page={huge}").status_code == 200
    assert client.get(f"/tasks/mine?tab=history&page={huge}").status_code == 200
