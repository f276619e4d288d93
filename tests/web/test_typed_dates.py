"""A date typed, not picked, is read as the imports read a date cell (review "forms" #7).

Where the browser has no date picker (older WeChat/X5 builds) or JS is off, the field is
a text box and people type the date as they write it: 2026/12/3, 2026年12月3日, or in
full-width digits from a Chinese keyboard. The imports read all of these
(``cell_dates.read_day``); the forms' date fields and the task form's 开始时间 now take
them the same way, and still refuse what is no date with the message they gave before.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.security.support import error_texts
from tests.web.manage_support import local, task_form, text
from tracker.extensions import db
from tracker.models import BackfillRequest, Task
from tracker.timeutil import local_today, to_local

FULL_WIDTH = str.maketrans("0123456789-:T", "０１２３４５６７８９－：Ｔ")


def written(day: date) -> list[str]:
    """The ways people write ``day``."""
    return [f"{day.year}/{day.month}/{day.day}", f"{day.year}年{day.month}月{day.day}日",
            day.isoformat().translate(FULL_WIDTH)]


@pytest.mark.parametrize("way", range(3), ids=["slashes", "年月日", "full-width"])
def test_the_backfill_requests_activity_date_takes_a_date_as_written(client, login, world, way):
    day = local_today() - timedelta(days=3)
    login(world.other_member)
    response = client.post("/backfill-requests/new", data={
        "community": str(world.community.id), "hours": "2", "description": "清理楼道杂物",
        "service_date": written(day)[way]})
    assert response.status_code == 302, error_texts(text(response))
    assert db.session.scalar(select(BackfillRequest.service_date)) == day


@pytest.mark.parametrize("typed", ["12-03", "昨天", "2026-02-30"])
def test_what_is_no_date_is_refused_with_the_message_as_before(client, login, world, typed):
    login(world.other_member)
    page = text(client.post("/backfill-requests/new", data={
        "community": str(world.community.id), "hours": "2", "description": "清理楼道杂物",
        "service_date": typed}))
    assert "日期格式不正确，请按“年-月-日”填写。" in error_texts(page)
    assert f'value="{typed}"' in page
    assert db.session.scalar(select(BackfillRequest.id)) is None


@pytest.mark.parametrize("way", range(3), ids=["slashes", "年月日", "full-width"])
def test_the_task_forms_start_takes_a_date_as_written_with_its_time(client, login, world, way):
    starts = local(4, 9)
    typed = written(starts.date())[way] + (" 9:00" if way < 2 else "Ｔ０９：００")
    login(world.liaison)
    response = client.post("/manage/tasks/new", data=task_form(
        resource_item=world.item.id, leader=world.leader.id, starts_at=typed))
    assert response.status_code == 302, error_texts(text(response))
    task = db.session.scalar(select(Task).where(Task.title == "周末环境整治"))
    assert to_local(task.starts_at).replace(tzinfo=None) == starts


@pytest.mark.parametrize("typed", ["12-03 9:00", "2026/12/3", "2026/12/3 25:00", "明天上午"])
def test_a_start_with_no_date_or_no_time_is_refused_as_before(client, login, world, typed):
    login(world.liaison)
    response = client.post("/manage/tasks/new", data=task_form(
        resource_item=world.item.id, leader=world.leader.id, starts_at=typed))
    assert response.status_code == 200
    assert "时间格式不正确，请按“年-月-日 时:分”填写。" in error_texts(text(response))
    assert db.session.scalar(select(Task.id).where(Task.title == "周末环境整治")) is None
