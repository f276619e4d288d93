"""认领 / 取消认领 over HTTP: redirect back with a flash; refusals change nothing."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, AuditEvent, TaskStatus
from tracker.timeutil import utcnow

CONFIRMED = {"confirmed": "1"}  # what the confirmation page (or confirm.js) posts


def rows(task) -> list[Assignment]:
    db.session.expire_all()
    return list(db.session.scalars(select(Assignment).where(Assignment.task_id == task.id)))


def audit_count() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


def test_claim_from_the_list_returns_to_the_list_with_a_flash(client, world, login):
    login(world.member)
    response = client.post(f"/tasks/{world.task.id}/claim?next=/tasks/%3Fcommunity%3D{world.community.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/tasks/?community={world.community.id}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "认领成功：环境整治" in html
    [row] = rows(world.task)
    assert row.member_id == world.member.id and row.status == AssignmentStatus.claimed
    assert world.task.taken == 1


def test_claim_without_next_goes_to_the_detail(client, world, login):
    login(world.member)
    response = client.post(f"/tasks/{world.task.id}/claim")
    assert response.headers["Location"] == f"/tasks/{world.task.id}"


def test_unsafe_next_is_ignored(client, world, login):
    login(world.member)
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        db.session.execute(Assignment.__table__.delete())
        world.task.taken = 0
        db.session.commit()
        response = client.post(f"/tasks/{world.task.id}/claim", query_string={"next": target})
        assert response.headers["Location"] == f"/tasks/{world.task.id}", target


def test_claim_twice_says_so_and_changes_nothing(client, world, login):
    login(world.member)
    client.post(f"/tasks/{world.task.id}/claim")
    before = audit_count()
    html = client.post(f"/tasks/{world.task.id}/claim", follow_redirects=True).get_data(as_text=True)
    assert "您已认领该任务" in html
    assert len(rows(world.task)) == 1 and world.task.taken == 1
    assert audit_count() == before


def test_claim_of_a_full_task_says_full(client, world, login):
    task = f.task(world.item, world.liaison, slots=1)
    db.session.add(Assignment(task_id=task.id, member_id=world.other_member.id,
                              status=AssignmentStatus.claimed))
    task.taken = 1
    db.session.commit()
    login(world.member)
    html = client.post(f"/tasks/{task.id}/claim", follow_redirects=True).get_data(as_text=True)
    assert "名额已满" in html
    assert [r.member_id for r in rows(task)] == [world.other_member.id]
    assert task.taken == 1


def test_claim_of_a_started_task_is_refused(client, world, login):
    task = f.task(world.item, world.liaison, starts_in=-timedelta(minutes=1))
    db.session.commit()
    login(world.member)
    html = client.post(f"/tasks/{task.id}/claim", follow_redirects=True).get_data(as_text=True)
    assert "该任务已开始，不能再认领" in html
    assert rows(task) == []


def test_claim_of_a_cancelled_task_is_404_for_members(client, world, login):
    world.task.status = TaskStatus.cancelled
    db.session.commit()
    login(world.member)
    assert client.post(f"/tasks/{world.task.id}/claim").status_code == 404
    assert rows(world.task) == []


def test_get_never_claims(client, world, login):
    login(world.member)
    assert client.get(f"/tasks/{world.task.id}/claim").status_code == 405
    assert rows(world.task) == []


def test_withdraw_before_start(client, world, login):
    login(world.member)
    client.post(f"/tasks/{world.task.id}/claim")
    response = client.post(f"/tasks/{world.task.id}/withdraw?next=/tasks/mine", data=CONFIRMED)
    assert response.headers["Location"] == "/tasks/mine"
    html = client.get("/tasks/mine").get_data(as_text=True)
    assert "已取消认领：环境整治" in html
    [row] = rows(world.task)
    assert row.status == AssignmentStatus.withdrawn and world.task.taken == 0
    # … and it can be claimed again.
    client.post(f"/tasks/{world.task.id}/claim")
    [row] = rows(world.task)
    assert row.status == AssignmentStatus.claimed and world.task.taken == 1


def test_withdraw_after_start_is_refused(client, world, login):
    login(world.member)
    client.post(f"/tasks/{world.task.id}/claim")
    world.task.starts_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    before = audit_count()
    html = client.post(f"/tasks/{world.task.id}/withdraw", data=CONFIRMED,
                       follow_redirects=True).get_data(as_text=True)
    assert "任务已开始，不能取消认领" in html
    [row] = rows(world.task)
    assert row.status == AssignmentStatus.claimed and world.task.taken == 1
    assert audit_count() == before


def test_withdraw_without_a_claim_says_so(client, world, login):
    login(world.member)
    html = client.post(f"/tasks/{world.task.id}/withdraw", data=CONFIRMED,
                       follow_redirects=True).get_data(as_text=True)
    assert "您没有认领该任务" in html
    assert rows(world.task) == []


def test_withdraw_only_touches_my_own_claim(client, world, login):
    db.session.add(Assignment(task_id=world.task.id, member_id=world.other_member.id,
                              status=AssignmentStatus.claimed))
    world.task.taken = 1
    db.session.commit()
    login(world.member)
    client.post(f"/tasks/{world.task.id}/withdraw", data=CONFIRMED)
    [row] = rows(world.task)
    assert row.member_id == world.other_member.id and row.status == AssignmentStatus.claimed
    assert world.task.taken == 1
