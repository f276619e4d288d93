"""walk47 #4: a place the liaison assigned (指派) is not worded as the member's claim.

Her task page and 我的任务's card showed 「已指派」 beside 「取消认领」. She may leave an
assignment before the start as she may a claim (``claims.withdraw`` takes either:
docs/design.md "claim / withdraw"), so the behaviour stays; the button, its question,
the confirmation page and the flash name what it does to an assignment: 退出任务."""
from __future__ import annotations

from tests.web.manage_support import fresh, text
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Task
from tracker.services.claims import assign_member, claim_slot

LEAVE = 'data-confirm="这个任务是联络员指派给您的，确定退出吗？"'


def _buttons(page: str) -> str:
    return "".join(part.split("</div>")[0] for part in page.split('class="card-actions"')[1:])


def test_an_assigned_member_is_offered_to_leave_the_task_not_to_withdraw_a_claim(
        client, login, world):
    mine = assign_member(world.task, world.member, world.liaison)
    db.session.commit()
    login(world.member)
    for url in (f"/tasks/{world.task.id}", "/tasks/mine?tab=upcoming"):
        page = text(client.get(url))
        assert "已指派" in page and world.task.title in page, url
        buttons = _buttons(page)
        assert "退出任务" in buttons and LEAVE in buttons, url
        assert "取消认领" not in buttons, url

    # without JavaScript the confirmation page says the same
    response = client.post(f"/tasks/{world.task.id}/withdraw")
    page = text(client.get(response.headers["Location"]))
    assert "<h1>退出任务</h1>" in page and "确认退出任务" in page
    assert "这个任务是联络员指派给您的" in page and "取消认领" not in page
    # … and leaving still works, as for a claim
    response = client.post(f"/tasks/{world.task.id}/withdraw", data={"confirmed": "1"},
                           follow_redirects=True)
    assert "已退出任务：环境整治" in text(response)
    assert fresh(Assignment, mine.id).status == AssignmentStatus.withdrawn
    assert fresh(Task, world.task.id).taken == 0


def test_a_claim_is_still_withdrawn_as_a_claim(client, login, world):
    claim_slot(world.task, world.member)
    db.session.commit()
    login(world.member)
    for url in (f"/tasks/{world.task.id}", "/tasks/mine?tab=upcoming"):
        buttons = _buttons(text(client.get(url)))
        assert 'data-confirm="确定取消认领这个任务吗？"' in buttons and "退出任务" not in buttons
