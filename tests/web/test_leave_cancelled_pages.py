"""cancelled49 (leave49's Open): the pages do not offer to leave a cancelled task — its
roster and its 候补名单 are the record of who was on it when it was called off. The
liaison's task page shows no 移出; a 取消认领, 退出候补 or 移出 posted from a page read
before the cancel is refused in its own words at once, never asked first on a
confirmation page (the service refuses it again under the task's lock:
tests/services/test_leave_cancelled.py)."""
from __future__ import annotations

from tests import factories as f
from tests.web.manage_support import fresh, text
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, WaitlistEntry, WaitStatus
from tracker.services import unit_of_work
from tracker.services.claims import claim_slot
from tracker.services.tasks import cancel_task
from tracker.services.waitlist import join_waitlist, leave_waitlist


def _called_off(world, waiting=None):
    """A full task (one slot) 张三 claimed and ``waiting`` (李四) waits for, then
    cancelled; 王组长 leads it."""
    task = f.task(world.item, world.liaison, slots=1, title="门前清扫", leader=world.leader)
    db.session.commit()
    with unit_of_work():
        mine = claim_slot(task, world.member)
    with unit_of_work():
        entry = join_waitlist(task, waiting or world.other_member)
    with unit_of_work():
        cancel_task(task, world.liaison, "天气原因")
    return task, mine, entry


def test_the_member_is_told_at_once_she_cannot_withdraw(client, login, world):
    task, mine, _entry = _called_off(world)
    login(world.member)
    page = text(client.get(f"/tasks/{task.id}/withdraw", follow_redirects=True))
    assert "该任务已取消，不能取消认领。" in page and "确认取消认领" not in page
    page = text(client.post(f"/tasks/{task.id}/withdraw", data={"confirmed": "1"},
                            follow_redirects=True))
    assert "该任务已取消，不能取消认领。" in page
    assert fresh(Assignment, mine.id).status == AssignmentStatus.claimed


def test_the_waiting_member_is_told_at_once_she_cannot_leave(client, login, world):
    # 李四 waits, holds no place and does not lead the task: the cancelled task is shown
    # to her (cancelled50), so her stale 退出候补 is answered on its page, not 404
    task, _mine, entry = _called_off(world)
    login(world.other_member)
    response = client.post(f"/tasks/{task.id}/waitlist/leave", follow_redirects=True)
    assert response.status_code == 200
    page = text(response)
    assert "该任务已取消，不能退出候补。" in page and "确认退出候补" not in page
    assert "门前清扫" in page and "已取消" in page
    assert fresh(WaitlistEntry, entry.id).status == WaitStatus.waiting


def test_the_leader_waiting_on_her_own_task_is_told_at_once_too(client, login, world):
    # the 组长 may wait for a place on her own full task (walk12 #8)
    task, _mine, entry = _called_off(world, waiting=world.leader)
    login(world.leader)
    page = text(client.post(f"/tasks/{task.id}/waitlist/leave", follow_redirects=True))
    assert "该任务已取消，不能退出候补。" in page and "确认退出候补" not in page
    assert "您在该任务的候补名单中；任务已取消，候补随之结束。" in page
    assert fresh(WaitlistEntry, entry.id).status == WaitStatus.waiting


def test_a_cancelled_task_is_shown_to_who_waited_on_it_and_to_nobody_else(client, login,
                                                                          world):
    """The house's rule (cancelled50): a cancelled task is seen, read only, by those on
    its 候补名单 when it was called off — the line stays as it stood (cancelled49), the
    任务已取消 reminder links her here, and the page says why her line is gone — as by
    those holding a place. Not by one who left the line before, nor by a stranger."""
    left = f.member(world.unit, name="钱二")
    stranger = f.member(world.unit, name="孙三")
    task = f.task(world.item, world.liaison, slots=1, title="门前清扫", leader=world.leader)
    db.session.commit()
    with unit_of_work():
        claim_slot(task, world.member)
    with unit_of_work():
        join_waitlist(task, world.other_member)
    with unit_of_work():
        gone = join_waitlist(task, left)
    with unit_of_work():
        leave_waitlist(gone, left)
    with unit_of_work():
        cancel_task(task, world.liaison, "天气原因")

    login(world.other_member)
    response = client.get(f"/tasks/{task.id}")
    assert response.status_code == 200
    page = text(response)
    assert "门前清扫" in page and "已取消" in page
    assert "您在该任务的候补名单中；任务已取消，候补随之结束。" in page
    # read only: nothing to claim, join, leave, share or add to a calendar
    for offered in ("退出候补", "认领", "加入日历", "复制链接"):
        assert f">{offered}<" not in response.get_data(as_text=True), offered
    # what hangs on it is not hers, and answers as to one who sees the task (403)
    assert client.get(f"/onsite/tasks/{task.id}/photos").status_code == 403
    assert client.get(f"/onsite/tasks/{task.id}/qr").status_code == 403
    # the one holding a place sees it as before, without the waiter's words
    login(world.member)
    response = client.get(f"/tasks/{task.id}")
    assert response.status_code == 200
    assert "候补随之结束" not in text(response)
    for outsider in (left, stranger):
        login(outsider)
        assert client.get(f"/tasks/{task.id}").status_code == 404
        assert client.post(f"/tasks/{task.id}/waitlist/leave").status_code == 404
        assert client.get(f"/onsite/tasks/{task.id}/photos").status_code == 404
        assert client.get(f"/onsite/tasks/{task.id}/qr").status_code == 404


def test_the_liaison_is_not_offered_a_removal(client, login, world):
    task, mine, entry = _called_off(world)
    login(world.liaison)
    page = client.get(f"/manage/tasks/{task.id}").get_data(as_text=True)
    assert "张三" in page
    assert f"/manage/assignments/{mine.id}/remove" not in page
    assert f"/manage/waitlist/{entry.id}/remove" not in page
    # posted from a page read before the cancel: refused, not asked
    page = text(client.post(f"/manage/assignments/{mine.id}/remove", follow_redirects=True))
    assert "该任务已取消，不能移出。" in page and "确认移出" not in page
    page = text(client.post(f"/manage/waitlist/{entry.id}/remove", follow_redirects=True))
    assert "该任务已取消，不能移出候补。" in page and "确认移出候补" not in page
    assert fresh(Assignment, mine.id).status == AssignmentStatus.claimed
    assert fresh(WaitlistEntry, entry.id).status == WaitStatus.waiting


def test_switching_off_leaves_a_cancelled_tasks_line_as_it_stood(client, login, world):
    """停用 takes the member off every 候补名单 she waits on, but a cancelled task's: that
    line is its record too. Its confirmation names only the lines it leaves."""
    import html

    from tracker.services.claims import deactivate_ends

    task, _mine, entry = _called_off(world)
    still = f.task(world.item, world.liaison, slots=1, title="敬老院包饺子")
    db.session.commit()
    with unit_of_work():
        claim_slot(still, world.member)
    with unit_of_work():
        other = join_waitlist(still, world.other_member)
    assert deactivate_ends(world.other_member) == (0, ["敬老院包饺子"])
    login(world.admin)
    page = client.post(f"/admin/members/{world.other_member.id}/active",
                       data={"active": "0", "confirmed": "1"}, follow_redirects=True)
    assert page.status_code == 200, html.unescape(page.get_data(as_text=True))
    assert fresh(WaitlistEntry, other.id).status == WaitStatus.left
    assert fresh(WaitlistEntry, entry.id).status == WaitStatus.waiting
