"""保存组长 from a task page read before someone else changed the task's 组长 (review
"forms", session 29: the leader's select was last-writer-wins).

The rule: the community's liaison and an admin may both change a task's 组长. A choice
made on a page that showed another leader than the one stored now is refused on the
same page, under 组长, in Chinese naming the leader now (「您打开此页之后，组长已被他人改为
张三，请核对后重新保存。」), the choice made kept and nothing written; chosen again on the
refused page, it is saved knowingly.
"""
from __future__ import annotations

import pytest

from tests.web.stale_support import by, form_on, signed_in, text
from tracker.extensions import db
from tracker.models import Task


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def post(browser, url: str, page: str, **typed):
    return by(browser).post(url, data=form_on(page, url, **typed))


def leader_now(task_id: int) -> int | None:
    db.session.expire_all()
    return db.session.get(Task, task_id).leader_id


def test_a_leader_chosen_on_an_older_page_is_refused_naming_the_leader_now(app, world):
    liaison, admin = signed_in(app, world.liaison), signed_in(app, world.admin)
    task_id = world.task.id
    page_url, url = f"/manage/tasks/{task_id}", f"/manage/tasks/{task_id}/leader"
    liaison_page, admin_page = text(by(liaison).get(page_url)), text(by(admin).get(page_url))
    assert post(liaison, url, liaison_page, leader=str(world.member.id)).status_code == 302
    response = post(admin, url, admin_page, leader=str(world.other_member.id))
    assert response.status_code == 200
    refused = text(response)
    assert "您打开此页之后，组长已被他人改为张三，请核对后重新保存。" in refused
    assert form_on(refused, url)["leader"] == str(world.other_member.id)
    assert leader_now(task_id) == world.member.id
    # chosen again on the refused page: saved knowingly
    assert post(admin, url, refused).status_code == 302
    assert leader_now(task_id) == world.other_member.id


def test_a_fresh_page_changes_the_leader_at_once(app, world):
    admin = signed_in(app, world.admin)
    task_id = world.task.id
    page = text(by(admin).get(f"/manage/tasks/{task_id}"))
    url = f"/manage/tasks/{task_id}/leader"
    assert post(admin, url, page, leader=str(world.other_member.id)).status_code == 302
    assert leader_now(task_id) == world.other_member.id
