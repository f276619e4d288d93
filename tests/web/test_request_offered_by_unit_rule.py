"""walk47 #1: who may be named on past work is one rule (docs/design.md, 补录:
``backfill.nameable`` — the member's unit on the activity's day works in its community),
and a 补录申请 and its 采纳 ask it. Claims are open to any unit (review39 #7), so a member
of a unit working elsewhere may be on an activity, be marked 缺席, and after 通过 not be
counted: her task page must not send her to a 「我参加了但没有记录」 the form cannot take
(its 社区 and task lists leave the activity out), but say why and what is left — an
admin's 撤销审核, after which the 组长 corrects the 缺席 (the report's own path, which the
unit rule does not limit). One not confirmed at 通过 is likewise not sent to
添加遗漏的参加人员, which the same rule refuses. A member of a working unit keeps the
button (tests/web/test_absent_held_elsewhere_told.py)."""
from __future__ import annotations

from tests import factories as f
from tests.page_statements import page_statements
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus
from tracker.services.backfill_requests import is_requestable

SENT_TO_IT = "请点“我参加了但没有记录”提交补录申请"
SENT_TO_ADD = "在任务页“添加遗漏的参加人员”中补上"
OFFERED = "/backfill-requests/new"
WHY = "您在该活动当日所在的单位不在该社区开展共建"
WHAT_LEFT = "须由单位管理员撤销审核"


def outsider_on_past_task(world, status: AssignmentStatus, *, approved: bool = True):
    """周建国 of 县财政局 (no item, no zone in 解放路社区) on 楼道清理 with ``status``,
    its report sent (and approved)."""
    outsider = f.member(f.unit("县财政局"), name="周建国")
    past = world.past_task
    db.session.add(Assignment(task_id=past.id, member_id=outsider.id, status=status))
    past.taken += 1
    db.session.commit()
    f.reported(past, world.leader, approved=approved)
    return outsider


def _task_list_of_form(page: str) -> str:
    return page.split('name="task"', 1)[-1].split("</select>", 1)[0]


def test_absent_outsider_is_told_what_is_left_not_sent_to_the_form(
        client, login, world, count_queries):
    outsider = outsider_on_past_task(world, AssignmentStatus.absent)
    n, page = page_statements(client, login, count_queries, outsider,
                              f"/tasks/{world.past_task.id}")
    assert "组长已登记您缺席，该任务已审核通过，本次参与没有计入统计。" in page
    assert WHY in page and WHAT_LEFT in page and "组长更正缺席登记" in page
    assert OFFERED not in page and SENT_TO_IT not in page
    # what the page read it read with her own row: no more than a member done there
    # (tests/web/test_task_page_not_counted_budget.py)
    assert n == 5, n
    # the form agrees: it offers neither the activity nor its community
    form = client.get(f"/backfill-requests/new?task={world.past_task.id}").get_data(
        as_text=True)
    assert f'value="{world.past_task.id}"' not in _task_list_of_form(form)


def test_the_confirm_page_says_the_same(client, login, world):
    outsider = outsider_on_past_task(world, AssignmentStatus.absent)
    assignment = db.session.scalar(db.select(Assignment).where(
        Assignment.member_id == outsider.id))
    login(outsider)
    page = client.get(f"/tasks/assignments/{assignment.id}/confirm").get_data(as_text=True)
    assert WHY in page and WHAT_LEFT in page and SENT_TO_IT not in page


def test_unconfirmed_outsider_is_not_sent_to_add_forgotten(client, login, world):
    outsider = outsider_on_past_task(world, AssignmentStatus.claimed)
    login(outsider)
    page = client.get(f"/tasks/{world.past_task.id}").get_data(as_text=True)
    assert "该任务审核通过时，您尚未确认服务时长，本次参与没有计入统计。" in page
    assert WHY in page and WHAT_LEFT in page
    assert SENT_TO_ADD not in page and OFFERED not in page


def test_outsider_not_on_an_ended_task_is_offered_no_request(client, login, world):
    outsider = outsider_on_past_task(world, AssignmentStatus.withdrawn, approved=False)
    login(outsider)
    page = client.get(f"/tasks/{world.past_task.id}").get_data(as_text=True)
    assert "楼道清理" in page and OFFERED not in page
    # a member of the task's unit, not on it, still is
    login(world.other_member)
    page = client.get(f"/tasks/{world.past_task.id}").get_data(as_text=True)
    assert OFFERED in page


def test_is_requestable_asks_the_unit_rule(app, world):
    outsider = outsider_on_past_task(world, AssignmentStatus.absent)
    assert not is_requestable(world.past_task, outsider)
    own = db.session.scalar(db.select(Assignment).where(
        Assignment.task_id == world.past_task.id, Assignment.member_id == world.member.id))
    own.status = AssignmentStatus.absent
    db.session.commit()
    assert is_requestable(world.past_task, world.member)
