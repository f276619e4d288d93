"""A visit task's free text reaches every member, their calendars, SMS and the 月报,
while the register shows a resident to the liaison and the paired members only. So
the task form and the 补录 form of a category that serves residents (走访慰问, 结对帮扶)
ask, as the need form does, for no name, address or phone in 任务名称, 服务对象, 地点
and 情况说明 — a hint, nothing refused — and a mobile number typed into a task's text
is masked on the pages members read and in the calendar feed.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus
from tracker.services.notify import new_calendar_token

HINT = "请勿填写服务对象的姓名、住址、电话"
PLACE_HINT = "请勿填写服务对象的门牌号、姓名、电话"
PHONE, MASKED = "13907940001", "139****0001"


@pytest.fixture
def visits(world):
    item = f.item(world.unit, world.community, "elderly_visit")
    db.session.commit()
    return item


def test_the_task_form_of_a_visit_asks_for_no_personal_data(client, login, world, visits):
    login(world.liaison)
    page = client.get(f"/manage/tasks/new?item={visits.id}").get_data(as_text=True)
    assert page.count(HINT) >= 2 and PLACE_HINT in page
    # a clean-up serves no resident: no hint
    page = client.get(f"/manage/tasks/new?item={world.item.id}").get_data(as_text=True)
    assert HINT not in page and PLACE_HINT not in page
    task = f.task(visits, world.liaison, title="慰问空巢老人")
    db.session.commit()
    page = client.get(f"/manage/tasks/{task.id}/edit").get_data(as_text=True)
    assert HINT in page and PLACE_HINT in page


def test_the_backfill_form_of_a_visit_asks_for_no_personal_data(client, login, world, visits):
    login(world.liaison)
    page = client.get(f"/manage/backfill?item={visits.id}").get_data(as_text=True)
    assert HINT in page and PLACE_HINT in page
    assert HINT not in client.get(f"/manage/backfill?item={world.item.id}").get_data(
        as_text=True)


def test_a_phone_in_a_tasks_text_is_masked_for_members_and_calendars(client, login, world,
                                                                     visits):
    task = f.task(visits, world.liaison, title=f"慰问老人（{PHONE}）",
                  starts_in=timedelta(days=3))
    task.beneficiary = f"独居老人，电话{PHONE}"
    task.place = f"幸福里2栋（联系{PHONE}）"
    task.description = f"请先打{PHONE}联系"
    db.session.add(Assignment(task_id=task.id, member_id=world.member.id,
                              status=AssignmentStatus.claimed))
    task.taken = 1
    db.session.commit()
    login(world.other_member)  # anyone: open tasks are county-wide
    for path in (f"/tasks/{task.id}", "/tasks/"):
        page = client.get(path).get_data(as_text=True)
        assert PHONE not in page and MASKED in page, path
    login(world.member)
    assert PHONE not in client.get("/tasks/mine").get_data(as_text=True)
    token = new_calendar_token(world.member)
    db.session.commit()
    feed = client.get(f"/me/feed/{token}.ics").get_data(as_text=True)
    assert PHONE not in feed.replace("\r\n ", "") and MASKED in feed.replace("\r\n ", "")
