"""withdraw47: the refusals of giving a place back say what the one refused did.

An assigned member (指派) leaves the task (退出任务, walk47 #4); she never claimed it, so
a refusal does not tell her she cannot 取消认领 — nor that she has no claim once she has
left. A claim keeps its words; a liaison's 移出 is refused as a 移出. The behaviour is
docs/design.md's ("claim / withdraw", "assign"): she may leave before the start, not
after, and not once checked in."""
from __future__ import annotations

from datetime import timedelta

from tests import factories as f
from tests.web.manage_support import fresh, text
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus
from tracker.services.checkin import check_in
from tracker.services.claims import assign_member, claim_slot


def _leave(client, task_id: int) -> str:
    return text(client.post(f"/tasks/{task_id}/withdraw", data={"confirmed": "1"},
                            follow_redirects=True))


def test_an_assigned_member_is_refused_in_the_words_of_leaving(client, login, world):
    # checked in before the start: her place is no longer one she can leave
    soon = f.task(world.item, world.liaison, starts_in=timedelta(minutes=30), title="门前清扫")
    mine = assign_member(soon, world.member, world.liaison)
    # begun: too late to leave
    begun = f.task(world.item, world.liaison, starts_in=-timedelta(minutes=30), title="垃圾分类")
    assign_member(begun, world.member, world.liaison)
    db.session.commit()
    check_in(soon, world.member, soon.checkin_token)
    db.session.commit()
    login(world.member)

    page = _leave(client, soon.id)
    assert "当前状态不能退出任务。" in page and "取消认领" not in page
    assert fresh(Assignment, mine.id).status == AssignmentStatus.checked_in

    page = _leave(client, begun.id)
    assert "任务已开始，不能退出任务。" in page and "取消认领" not in page


def test_an_assigned_member_who_left_is_not_told_she_has_no_claim(client, login, world):
    assign_member(world.task, world.member, world.liaison)
    db.session.commit()
    login(world.member)
    assert "已退出任务：环境整治" in _leave(client, world.task.id)
    # a second tab's 退出任务, or her page read before she left
    page = _leave(client, world.task.id)
    assert "您已不在该任务中。" in page and "您没有认领该任务。" not in page


def test_a_claim_is_still_refused_as_a_claim(client, login, world):
    claim_slot(world.task, world.member)
    db.session.commit()
    login(world.member)
    assert "已取消认领：环境整治" in _leave(client, world.task.id)
    assert "您没有认领该任务。" in _leave(client, world.task.id)


def test_a_liaison_is_refused_a_removal_as_a_removal(client, login, world):
    soon = f.task(world.item, world.liaison, starts_in=timedelta(minutes=30), title="门前清扫")
    mine = assign_member(soon, world.member, world.liaison)
    db.session.commit()
    # she checks in while the liaison's task page still offers 移出
    check_in(soon, world.member, soon.checkin_token)
    db.session.commit()
    login(world.liaison)
    page = text(client.post(f"/manage/assignments/{mine.id}/remove", data={"confirmed": "1"},
                            follow_redirects=True))
    assert "该党员当前的状态不能移出。" in page and "不能取消认领" not in page
    assert fresh(Assignment, mine.id).status == AssignmentStatus.checked_in


def test_the_liaison_no_longer_lists_an_assigned_member_who_left(client, login, world):
    """The liaison's side: she is gone from the task's participants and its 名额 is back,
    not listed as 已取消认领 (the status label of a withdrawn row, which no page of the
    liaison's shows)."""
    assign_member(world.task, world.member, world.liaison)
    db.session.commit()
    login(world.member)
    _leave(client, world.task.id)
    login(world.liaison)
    page = text(client.get(f"/manage/tasks/{world.task.id}"))
    assert "已取消认领" not in page and "已指派" not in page
    assert "还没有党员认领或被指派。" in page


def test_an_assigned_member_who_left_is_not_told_she_withdrew_a_claim_on_confirming(
        client, login, world):
    """Her 确认参与 link of the activity she left (指派 then 退出任务, or 移出) says she is
    no longer on it, as 退出任务 says, not 「您已取消认领该任务。」 (leave48)."""
    left = Assignment(task_id=world.past_task.id, member_id=world.other_member.id,
                      status=AssignmentStatus.withdrawn, assigned_by_id=world.liaison.id)
    db.session.add(left)
    db.session.commit()
    login(world.other_member)
    page = text(client.get(f"/tasks/assignments/{left.id}/confirm"))
    assert "您已不在该任务中。" in page and "取消认领" not in page
