"""转为任务: one click from a need to the task-creation form, filled from the need (title,
description, slots from how many people, the checklist item it names or the only one of
its community and category); saving links the task and the need both ways."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.audit import work_actions
from tests.needs.support import need
from tests.web.manage_support import FMT, local, task_form
from tracker.extensions import db
from tracker.models import NeedStatus, Task
from tracker.services import PermissionDenied, ServiceError, unit_of_work
from tracker.services.needs import create_task_from_need
from tracker.services.tasks import TaskData


def _data(**changes) -> TaskData:
    values = dict(title="修轮椅", place="解放路12号", starts_local=local(3, 9),
                  ends_local=local(3, 11), slots=2)
    values.update(changes)
    return TaskData(**values)


def _convert(actor, wish, item):
    with unit_of_work():
        return create_task_from_need(actor, wish, item, _data())


def test_the_task_made_from_a_need_links_back(world):
    wish = need(world.community, world.liaison, code="environment_cleanup", people=2)
    db.session.commit()
    [task] = _convert(world.liaison, wish, world.item)
    assert wish.task_id == task.id and task.needs == [wish]
    assert work_actions()[-2:] == ["create", "need_to_task"]
    # a need turns into a task once
    with pytest.raises(ServiceError, match="该需求已转为任务"):
        _convert(world.liaison, wish, world.item)


@pytest.mark.parametrize("case,error,message", [
    ("other_liaison", PermissionDenied, "无权操作"),
    ("other_item", ServiceError, "请选择本社区的资源清单项目"),
    ("closed", ServiceError, "该需求已完成或已关闭"),
])
def test_refusals_create_no_task(world, case, error, message):
    wish = need(world.community, world.liaison, code="environment_cleanup",
                status=NeedStatus.closed if case == "closed" else NeedStatus.open)
    db.session.commit()
    actor = world.other_liaison if case == "other_liaison" else world.liaison
    item = world.other_item if case == "other_item" else world.item
    tasks_before = db.session.scalar(select(db.func.count(Task.id)))
    with pytest.raises(error, match=message):
        _convert(actor, wish, item)
    assert db.session.scalar(select(db.func.count(Task.id))) == tasks_before
    assert wish.task_id is None


def test_one_click_fills_the_form_and_saving_links_both_ways(client, login, world):
    wish = need(world.community, world.liaison, code="environment_cleanup", people=3,
                title="清理楼道杂物", description="3号楼1单元")
    db.session.commit()
    login(world.liaison)
    detail = client.get(f"/needs/{wish.id}").get_data(as_text=True)
    assert f'href="/manage/tasks/new?need={wish.id}"' in detail
    page = client.get(f"/manage/tasks/new?need={wish.id}").get_data(as_text=True)
    assert 'value="清理楼道杂物"' in page and "3号楼1单元" in page and 'value="3"' in page
    # the only 环境整治 item of 解放路社区 is chosen; the other community's is not offered
    assert re.search(rf'<option selected value="{world.item.id}"|<option value="{world.item.id}" selected',
                     page)
    assert "牛皮癣清除" not in page
    response = client.post(f"/manage/tasks/new?need={wish.id}", data=task_form(
        resource_item=world.item.id, title="清理楼道杂物", slots="3",
        starts_at=local(4, 9).strftime(FMT), ends_at=local(4, 11).strftime(FMT)))
    task = db.session.scalar(select(Task).where(Task.title == "清理楼道杂物"))
    assert response.headers["Location"].endswith(f"/manage/tasks/{task.id}")
    db.session.refresh(wish)
    assert wish.task_id == task.id
    for url in (f"/manage/tasks/{task.id}", f"/tasks/{task.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "来自需求" in html and f'href="/needs/{wish.id}"' in html
    assert "转为任务" not in client.get(f"/needs/{wish.id}").get_data(as_text=True)


def test_a_need_of_another_community_is_not_found(client, login, world):
    wish = need(world.community, world.liaison)
    db.session.commit()
    login(world.other_liaison)
    assert client.get(f"/manage/tasks/new?need={wish.id}").status_code == 404
    assert client.post(f"/manage/tasks/new?need={wish.id}",
                       data=task_form(resource_item=world.other_item.id)).status_code == 404
    assert db.session.scalar(select(Task).where(Task.title == "周末环境整治")) is None
