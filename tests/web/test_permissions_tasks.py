"""Permission matrix rows for the member pages (blueprint ``tasks``).

404 when the record is outside the actor's reach (a closed task one is not on,
someone else's assignment); 403 when it is visible but not one's to act on (the
report form for a participant who is not the leader).
"""
import pytest
from sqlalchemy import select

from tests.audit import work_event_count
from tests.web.matrix import HIDDEN, OK, Route, cases_for, check, everyone
from tracker.extensions import db
from tracker.models import Assignment, TaskStatus, WaitlistEntry


def _assignment_id(task, member) -> int:
    return db.session.scalar(
        select(Assignment.id).where(Assignment.task_id == task.id,
                                    Assignment.member_id == member.id)
    )


def _close_past_task(w):
    w.past_task.status = TaskStatus.closed
    db.session.commit()


def _cancel_other_task(w):
    w.other_task.status = TaskStatus.cancelled
    db.session.commit()


def _fill_task(w):
    w.task.taken = w.task.slots
    db.session.commit()


def _member_waiting(w):
    _fill_task(w)
    db.session.add(WaitlistEntry(task_id=w.task.id, member_id=w.member.id))
    db.session.commit()


def _member_waits_on_cancelled_other_task(w):
    """张三 waits on the full task of community B, which is then called off: its line
    stays as it stood (cancelled49) and shows her the task (cancelled50)."""
    w.other_task.taken = w.other_task.slots
    db.session.add(WaitlistEntry(task_id=w.other_task.id, member_id=w.member.id))
    db.session.commit()
    w.other_task.status = TaskStatus.cancelled
    db.session.commit()


def _confirm_url(w):
    return f"/tasks/assignments/{_assignment_id(w.past_task, w.member)}/confirm"


# Who may see a closed task: those on it (member, leader) and staff of its community.
ON_PAST_TASK = {"member": OK, "leader": OK, "liaison": OK, "admin": OK}
REPORTERS = {"leader": OK, "liaison": OK, "admin": OK}
REPORT_DATA = {"quantity": "3", "people_served": "12", "note": "清理完毕"}
# Who may see a cancelled task of B 张三 waited on: she, and B's staff; nobody else.
WAITED_ON_CANCELLED = {"member": OK, "other_liaison": OK, "admin": OK}

CASES = [
    Route("tasks.open_tasks", "GET", lambda w: "/tasks/", everyone(), id="open-list"),
    Route("tasks.open_tasks", "GET", lambda w: "/tasks/?community=abc&category=-1&day=x&page=zz",
          everyone(), id="open-list-bad-filters"),
    # every community for the list's filter (its select names the unit's own only)
    Route("tasks.communities", "GET", lambda w: "/tasks/communities?q=楼道&category=-1&day=x",
          everyone(), id="open-list-communities"),
    Route("tasks.mine", "GET", lambda w: "/tasks/mine", everyone(), id="mine"),
    Route("tasks.mine", "GET", lambda w: "/tasks/mine?tab=lead&page=3", everyone(), id="mine-lead"),
    # Detail: an open task is visible to everyone logged in …
    Route("tasks.detail", "GET", lambda w: f"/tasks/{w.task.id}", everyone(), id="detail-open"),
    # … a closed one only to those on it and staff of its community.
    Route("tasks.detail", "GET", lambda w: f"/tasks/{w.past_task.id}", ON_PAST_TASK,
          setup=_close_past_task, default=HIDDEN, id="detail-closed"),
    Route("tasks.detail", "GET", lambda w: "/tasks/999999", everyone(HIDDEN),
          id="detail-missing"),
    # … and a cancelled one to those on its 候补名单 when it was called off, read only.
    Route("tasks.detail", "GET", lambda w: f"/tasks/{w.other_task.id}", WAITED_ON_CANCELLED,
          setup=_member_waits_on_cancelled_other_task, default=HIDDEN,
          id="detail-cancelled-waiting"),
    # Claim: anyone may try an open task (a refusal is a flash, not an error) …
    Route("tasks.claim", "POST", lambda w: f"/tasks/{w.task.id}/claim", everyone(),
          id="claim-open"),
    # … but a cancelled task in B is out of reach for all but B's staff.
    Route("tasks.claim", "POST", lambda w: f"/tasks/{w.other_task.id}/claim",
          {"other_liaison": OK, "admin": OK}, setup=_cancel_other_task, default=HIDDEN,
          id="claim-cancelled"),
    Route("tasks.withdraw", "GET", lambda w: f"/tasks/{w.past_task.id}/withdraw", ON_PAST_TASK,
          setup=_close_past_task, default=HIDDEN, id="withdraw-confirmation"),
    Route("tasks.withdraw", "POST", lambda w: f"/tasks/{w.task.id}/withdraw", everyone(),
          id="withdraw-open"),
    Route("tasks.withdraw", "POST", lambda w: f"/tasks/{w.past_task.id}/withdraw", ON_PAST_TASK,
          setup=_close_past_task, default=HIDDEN, id="withdraw-closed"),
    # 候补: anyone may queue for (or leave the queue of) a full open task; a refusal
    # (not waiting, already waiting) is a flash. A cancelled task in B is out of reach.
    Route("tasks.waitlist_join", "POST", lambda w: f"/tasks/{w.task.id}/waitlist", everyone(),
          setup=_fill_task, id="waitlist-join"),
    Route("tasks.waitlist_join", "POST", lambda w: f"/tasks/{w.other_task.id}/waitlist",
          {"other_liaison": OK, "admin": OK}, setup=_cancel_other_task,
          default=HIDDEN, id="waitlist-join-cancelled"),
    Route("tasks.waitlist_leave", "POST", lambda w: f"/tasks/{w.task.id}/waitlist/leave",
          everyone(), setup=_member_waiting, id="waitlist-leave"),
    # her stale 退出候补 on a task since cancelled: refused on its page (a flash)
    Route("tasks.waitlist_leave", "POST", lambda w: f"/tasks/{w.other_task.id}/waitlist/leave",
          WAITED_ON_CANCELLED, setup=_member_waits_on_cancelled_other_task, default=HIDDEN,
          id="waitlist-leave-cancelled"),
    Route("tasks.claim", "POST", lambda w: f"/tasks/{w.other_task.id}/claim",
          WAITED_ON_CANCELLED, setup=_member_waits_on_cancelled_other_task, default=HIDDEN,
          id="claim-cancelled-waiting"),
    # 确认参与: only the member's own assignment; everybody else (admin too) gets 404.
    Route("tasks.confirm", "GET", _confirm_url, {"member": OK}, default=HIDDEN,
          id="confirm"),
    Route("tasks.confirm", "POST", _confirm_url, {"member": OK}, data={"hours": "1.5"},
          default=HIDDEN, id="confirm"),
    Route("tasks.confirm", "GET", lambda w: "/tasks/assignments/999999/confirm", everyone(HIDDEN),
          id="confirm-missing"),
    # 提交完成: the leader, or staff of the task's community.
    Route("tasks.report", "GET", lambda w: f"/tasks/{w.past_task.id}/report", REPORTERS,
          id="report"),
    Route("tasks.report", "POST", lambda w: f"/tasks/{w.past_task.id}/report", REPORTERS,
          data=REPORT_DATA, id="report"),
    Route("tasks.report", "POST", lambda w: f"/tasks/{w.other_task.id}/report",
          {"other_liaison": OK, "admin": OK}, data=REPORT_DATA, id="report-other-community"),
]


@pytest.mark.parametrize(**cases_for(CASES))
def test_tasks_permissions(client, login, route_world, route, actor):
    check(client, login, route_world, route, actor)


def test_denied_actions_change_nothing(client, login, world):
    """Acting on someone else's assignment or report writes nothing."""
    from tracker.models import TaskReport

    login(world.other_member)
    assert client.post(_confirm_url(world), data={"hours": "1"}).status_code == 404
    assert client.post(f"/tasks/{world.past_task.id}/report",
                       data=REPORT_DATA).status_code == 403
    login(world.other_liaison)
    assert client.post(f"/tasks/{world.past_task.id}/report",
                       data=REPORT_DATA).status_code == 403
    db.session.expire_all()
    assignment = db.session.get(Assignment, _assignment_id(world.past_task, world.member))
    assert assignment.minutes is None
    assert db.session.scalar(select(TaskReport)) is None
    assert work_event_count() == 0

