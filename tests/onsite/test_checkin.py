"""签到 by QR code: the window, full tasks, rotated tokens, login round trip, other communities."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, AuditEvent, TaskStatus
from tracker.services import ServiceError
from tracker.services.checkin import check_in, rotate_token, task_for_token
from tracker.services.claims import claim_slot, confirm_participation


def _task(world, **kwargs):
    task = f.task(world.item, world.liaison, leader=world.leader, **kwargs)
    db.session.commit()
    return task


def _assignment(task, member):
    return db.session.scalar(select(Assignment).where(Assignment.task_id == task.id,
                                                      Assignment.member_id == member.id))


def _checkins(task) -> int:
    return db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.task_id == task.id, Assignment.status == AssignmentStatus.checked_in))


# --- the service ---------------------------------------------------------------------

def test_in_window_a_member_not_on_the_task_is_claimed_and_checked_in(world):
    task = _task(world, starts_in=timedelta(minutes=30))  # the window opened 30 min ago
    assignment = check_in(task, world.member, task.checkin_token)
    db.session.commit()
    assert assignment.status == AssignmentStatus.checked_in
    assert assignment.checked_in_at is not None
    assert task.taken == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "check_in"))
    assert event.entity_id == assignment.id and event.detail["joined"] is True


def test_a_member_who_claimed_keeps_the_slot_and_is_checked_in(world):
    task = _task(world, starts_in=timedelta(days=1))
    claim_slot(task, world.member)
    task.starts_at = task.starts_at - timedelta(days=1, hours=-1)  # now: an hour before start
    task.ends_at = task.starts_at + timedelta(hours=2)
    db.session.commit()
    check_in(task, world.member, task.checkin_token)
    db.session.commit()
    assert _assignment(task, world.member).status == AssignmentStatus.checked_in
    assert task.taken == 1  # no second slot


def test_after_the_start_while_running_check_in_works(world):
    task = _task(world, starts_in=-timedelta(minutes=30), duration=timedelta(hours=2))
    check_in(task, world.member, task.checkin_token)
    assert _assignment(task, world.member).status == AssignmentStatus.checked_in


def test_before_the_window_it_refuses_and_says_when(world):
    task = _task(world, starts_in=timedelta(hours=2))  # window opens in an hour
    with pytest.raises(ServiceError) as error:
        check_in(task, world.member, task.checkin_token)
    assert "活动开始前1小时" in str(error.value.message)
    db.session.rollback()
    assert _assignment(task, world.member) is None and task.taken == 0


def test_after_the_end_it_refuses_and_says_confirming_still_works(world):
    task = _task(world, starts_in=-timedelta(hours=3), duration=timedelta(hours=2))
    with pytest.raises(ServiceError) as error:
        check_in(task, world.member, task.checkin_token)
    assert "活动已结束" in str(error.value.message)
    assert "确认参与" in str(error.value.message)
    db.session.rollback()
    assert _assignment(task, world.member) is None


def test_a_full_task_refuses_a_member_not_on_it(world):
    task = _task(world, starts_in=timedelta(minutes=10), slots=1)
    check_in(task, world.other_member, task.checkin_token)
    db.session.commit()
    with pytest.raises(ServiceError) as error:
        check_in(task, world.member, task.checkin_token)
    assert "名额已满" in str(error.value.message)
    db.session.rollback()
    assert task.taken == 1 and _assignment(task, world.member) is None


def test_a_rotated_token_stops_working(world):
    task = _task(world, starts_in=timedelta(minutes=10))
    old = task.checkin_token
    new = rotate_token(task, world.leader)
    db.session.commit()
    assert new != old
    assert task_for_token(old) is None
    assert task_for_token(new) == task
    with pytest.raises(ServiceError) as error:
        check_in(task, world.member, old)
    assert "签到码无效或已更换" in str(error.value.message)
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "rotate_checkin_token")).entity_id == task.id


def test_cancelled_and_closed_tasks_refuse(world):
    cancelled = _task(world, starts_in=timedelta(minutes=10), status=TaskStatus.cancelled)
    closed = _task(world, starts_in=timedelta(minutes=10), status=TaskStatus.closed)
    with pytest.raises(ServiceError, match="已取消"):
        check_in(cancelled, world.member, cancelled.checkin_token)
    with pytest.raises(ServiceError, match="已结束"):
        check_in(closed, world.member, closed.checkin_token)


def test_checking_in_twice_is_refused(world):
    task = _task(world, starts_in=timedelta(minutes=10))
    check_in(task, world.member, task.checkin_token)
    db.session.commit()
    with pytest.raises(ServiceError, match="已签到"):
        check_in(task, world.member, task.checkin_token)


def test_only_leader_or_liaison_rotates(world):
    from tracker.services import PermissionDenied

    with pytest.raises(PermissionDenied):
        rotate_token(world.task, world.member)
    with pytest.raises(PermissionDenied):
        rotate_token(world.task, world.other_liaison)


def test_check_in_is_never_required_to_confirm(world):
    # past_task: member claimed, never checked in — confirming works all the same.
    assignment = _assignment(world.past_task, world.member)
    assert assignment.checked_in_at is None
    confirm_participation(assignment, world.member, 60)
    assert assignment.status == AssignmentStatus.done


# --- the pages -----------------------------------------------------------------------

def test_not_logged_in_goes_to_login_then_back_to_check_in(client, world):
    task = _task(world, starts_in=timedelta(minutes=20))
    landing = f"/c/{task.checkin_token}"
    response = client.get(landing)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "/auth/login" in location and unquote(location).endswith(f"next={landing}")

    response = client.post(location, data={"phone": world.member.phone,
                                           "password": f.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == landing

    page = client.get(landing)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert task.title in text and "签到" in text
    assert f'action="/c/{task.checkin_token}"' in text
    assert _assignment(task, world.member) is None  # GET changed nothing

    done = client.post(landing, follow_redirects=True)
    assert "签到成功" in done.get_data(as_text=True)
    assert _assignment(task, world.member).status == AssignmentStatus.checked_in


def test_landing_outside_the_window_explains_and_offers_no_button(client, login, world):
    login(world.member)
    text = client.get(f"/c/{world.task.checkin_token}").get_data(as_text=True)  # in two days
    assert "还没到签到时间" in text
    assert 'action="/c/' not in text


def test_posting_outside_the_window_changes_nothing(client, login, world):
    login(world.member)
    response = client.post(f"/c/{world.task.checkin_token}", follow_redirects=True)
    assert "还没到签到时间" in response.get_data(as_text=True)
    assert _assignment(world.task, world.member) is None


def test_full_task_page_says_so(client, login, world):
    task = _task(world, starts_in=timedelta(minutes=5), slots=1)
    check_in(task, world.other_member, task.checkin_token)
    db.session.commit()
    login(world.member)
    text = client.get(f"/c/{task.checkin_token}").get_data(as_text=True)
    assert "名额已满" in text and 'action="/c/' not in text
    # she has no place: nothing will come to confirm in 我的任务 (walk44 #4)
    assert "确认参与" not in text.split("名额已满", 1)[1].split("查看任务详情")[0]


def test_the_standing_line_is_said_where_check_in_is_offered_or_done(client, login, world):
    """签到 is no condition of 确认参与: said beside the button and after checking in."""
    standing = "没有签到，活动结束后也可以在“我的任务”中确认参与"
    task = _task(world, starts_in=timedelta(minutes=5))
    login(world.member)
    assert standing in client.get(f"/c/{task.checkin_token}").get_data(as_text=True)
    client.post(f"/c/{task.checkin_token}")
    assert standing in client.get(f"/c/{task.checkin_token}").get_data(as_text=True)


def test_rotated_token_page_is_a_clear_404(client, login, world):
    task = _task(world, starts_in=timedelta(minutes=5))
    old = task.checkin_token
    login(world.leader)
    assert client.post(f"/onsite/tasks/{task.id}/qr/rotate", data={"confirmed": "1"}).status_code == 302
    login(world.member)
    response = client.get(f"/c/{old}")
    assert response.status_code == 404
    assert "签到码无效" in response.get_data(as_text=True)
    assert client.post(f"/c/{old}").status_code == 404
    assert _checkins(task) == 0


def test_qr_page_shows_an_inline_svg_of_the_absolute_link(client, login, world):
    login(world.leader)
    response = client.get(f"/onsite/tasks/{world.task.id}/qr")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<svg" in text and "style=" not in text
    assert f"http://localhost/c/{world.task.checkin_token}" in text
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("who", ["other_liaison", "member"])
def test_who_sees_the_task_but_does_not_lead_or_manage_it_cannot_show_or_rotate_its_code(
        client, login, world, who):
    """An open task is everyone's to see, its check-in code its leader's and its staff's:
    another community's liaison or a member is refused it (403), the code unchanged; a
    closed task they are not on is out of their reach (404, as its page)."""
    token = world.task.checkin_token
    login(getattr(world, who))
    assert client.get(f"/tasks/{world.task.id}").status_code == 200
    assert client.get(f"/onsite/tasks/{world.task.id}/qr").status_code == 403
    assert client.post(f"/onsite/tasks/{world.task.id}/qr/rotate", data={"confirmed": "1"}).status_code == 403
    db.session.refresh(world.task)
    assert world.task.checkin_token == token
    world.task.status = TaskStatus.closed
    db.session.commit()
    assert client.get(f"/tasks/{world.task.id}").status_code == 404
    assert client.get(f"/onsite/tasks/{world.task.id}/qr").status_code == 404
    assert client.post(f"/onsite/tasks/{world.task.id}/qr/rotate", data={"confirmed": "1"}).status_code == 404
    db.session.refresh(world.task)
    assert world.task.checkin_token == token


def test_a_member_scanning_another_communitys_code_is_checked_in_there_only(client, login, world):
    other = f.task(world.other_item, world.other_liaison, starts_in=timedelta(minutes=5))
    db.session.commit()
    login(world.member)
    client.post(f"/c/{other.checkin_token}")
    assert _assignment(other, world.member).status == AssignmentStatus.checked_in
    assert _assignment(world.task, world.member) is None


def test_a_member_who_withdrew_can_check_in_again_on_a_free_slot(world):
    from tracker.services.claims import withdraw

    task = _task(world, starts_in=timedelta(days=1))
    withdraw(claim_slot(task, world.member), world.member)
    task.starts_at, task.ends_at = (task.starts_at - timedelta(days=1, minutes=-20),
                                    task.ends_at - timedelta(days=1, minutes=-20))
    db.session.commit()
    assert task.taken == 0
    check_in(task, world.member, task.checkin_token)
    db.session.commit()
    assert _assignment(task, world.member).status == AssignmentStatus.checked_in
    assert task.taken == 1


def test_the_qr_page_and_the_task_page_count_places_alike(client, login, world):
    """walk12 #7: the 组长 at the gate reads the places on the code's page in the words
    of the task's page, meaning the same: 剩余名额 is places left, on both."""
    task = f.task(world.item, world.liaison, slots=3, leader=world.leader, title="三个名额")
    db.session.commit()
    login(world.member)
    client.post(f"/tasks/{task.id}/claim")
    login(world.leader)
    task_page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "剩余名额" in task_page and "<b>2</b> / 3" in task_page
    qr_page = client.get(f"/onsite/tasks/{task.id}/qr").get_data(as_text=True)
    assert "剩余名额 2 / 3" in qr_page and "名额 1 / 3" not in qr_page
