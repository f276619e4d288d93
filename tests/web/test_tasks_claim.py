"""认领 / 取消认领 over HTTP: redirect back with a flash; refusals change nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
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


# ---------------------------------------------------------------- the last-slot storm's path
# Issue 14: 200 members tapping 认领 on ten tasks of five slots — nearly every tap meets a
# full task. That refusal is decided from the rows the request reads anyway (who is
# signed in, the task, my row in it): no write, no write lock, no row lock.

TOKEN = "storm-token-0123456789"  # the one-time submission token a real card's button sends


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]


def _full_task(world):
    task = f.task(world.item, world.liaison, slots=1)
    db.session.add(Assignment(task_id=task.id, member_id=world.other_member.id,
                              status=AssignmentStatus.claimed))
    task.taken = 1
    db.session.commit()
    return task


def test_a_claim_on_a_full_task_reads_two_statements_writes_nothing_and_says_why(
        client, world, login, count_queries):
    task = _full_task(world)
    login(world.member)
    audits = audit_count()
    url = f"/tasks/{task.id}/claim?next=/tasks/"
    db.session.expire_all()  # the view finds nothing loaded, as a request of its own
    with count_queries() as seen:
        response = client.post(url, data={"submission_token": TOKEN})
    # is the token spent already? who is signed in (a real request's login-session
    # lookup); the task with the member's own row in it, as plain values — nothing written
    assert _writes(seen.statements) == []
    assert seen.count == 3, "\n".join(s[:60] for s in seen.statements)
    assert response.status_code == 302 and response.headers["Location"] == "/tasks/"
    assert "名额已满" in client.get("/tasks/").get_data(as_text=True)
    assert [r.member_id for r in rows(task)] == [world.other_member.id] and task.taken == 1
    assert audit_count() == audits
    # the refused send left its token free: the same button works once a slot is free
    db.session.execute(Assignment.__table__.delete().where(Assignment.task_id == task.id))
    task.taken = 0
    db.session.commit()
    client.post(f"/tasks/{task.id}/claim", data={"submission_token": TOKEN})
    assert [r.member_id for r in rows(task)] == [world.member.id]


def test_a_second_tap_by_a_holder_of_a_full_task_says_already_claimed(client, world, login):
    task = f.task(world.item, world.liaison, slots=1)
    db.session.commit()
    login(world.member)
    client.post(f"/tasks/{task.id}/claim")
    html = client.post(f"/tasks/{task.id}/claim", follow_redirects=True).get_data(as_text=True)
    assert "您已认领该任务" in html and "名额已满" not in html
    assert len(rows(task)) == 1 and task.taken == 1


@pytest.mark.parametrize("back, asked", [(None, 0), ("/tasks/", 1)],
                         ids=["to its page", "to the list"])
def test_a_winning_claim_post_writes_the_slot_the_row_and_the_audit_event(
        client, world, login, count_queries, back, asked):
    login(world.member)
    audits = audit_count()
    url = f"/tasks/{world.task.id}/claim" + (f"?next={back}" if back else "")
    db.session.expire_all()  # the view finds nothing loaded, as a request of its own
    with count_queries() as seen:
        response = client.post(url)
    assert response.status_code == 302
    # who is signed in; the task's slots with my row in it; the task to claim. On SQLite
    # read without the write lock, so the write transaction reads the task, me and my
    # row again (what the read transaction loaded is expired: another writer may have
    # changed it since); on PostgreSQL one transaction, my row checked again — then the
    # slot taken, my member row locked and read again after it (am I still active, not
    # merged away meanwhile: ``claims.hold_member``), and the three other writes; once
    # taken, returning elsewhere than the task's page (which says it itself), whether I
    # hold a place at the same hours elsewhere (walk12 #6: said, not refused)
    sqlite = db.engine.dialect.name == "sqlite"
    assert seen.count == (11 if sqlite else 9) + asked, "\n".join(
        s[:60] for s in seen.statements)
    assert [" ".join(s.split()[:3]) for s in _writes(seen.statements)] == [
        "UPDATE task SET",                   # the slot, under taken < slots
        "INSERT INTO assignment",            # my participation
        "UPDATE waitlist_entry SET",         # I stop waiting, if I was
        "INSERT INTO audit_event",           # the record of it
    ]
    [row] = rows(world.task)
    assert row.member_id == world.member.id and world.task.taken == 1
    assert audit_count() == audits + 1


def test_a_claim_at_the_hours_of_another_is_taken_and_says_only_one_counts(
        client, world, login):
    """walk12 #6: claims do not refuse overlapping activities (design.md: one may move
    between two items of one event), but the same person's time counts once — her
    second 确认参与 would be refused — so the claim's answer names the other activity
    (here returning to the open list; the task's own page says it in its own words:
    tests/web/test_claims_at_the_same_hours_shown.py)."""
    first = f.task(world.item, world.liaison, title="慰问空巢老人", starts_in=timedelta(days=3))
    second = f.task(world.item, world.liaison, title="楼前空地清理",
                    starts_in=timedelta(days=3, minutes=30))
    later = f.task(world.item, world.liaison, title="晚间巡逻", starts_in=timedelta(days=4))
    db.session.commit()
    login(world.member)
    to_list = {"next": "/tasks/"}
    quiet = client.get(client.post(f"/tasks/{first.id}/claim", query_string=to_list)
                       .headers["Location"])
    assert "同一时间" not in quiet.get_data(as_text=True)
    response = client.post(f"/tasks/{second.id}/claim", query_string=to_list)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "认领成功：楼前空地清理" in html
    assert "同一时间还认领了“慰问空巢老人”" in html and "只有一项能计入" in html
    assert [r.status for r in rows(second)] == [AssignmentStatus.claimed]  # not refused
    html = client.get(client.post(f"/tasks/{later.id}/claim", query_string=to_list)
                      .headers["Location"]).get_data(as_text=True)
    assert "认领成功：晚间巡逻" in html and "同一时间" not in html
