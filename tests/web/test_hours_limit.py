"""服务时长 is refused with the limit that applies (review "walk", #4): where the
activity's length is known — 确认参与, the liaison's 改正服务时长 and 添加遗漏的参加人员,
each row of the 补录 form, a 补录申请 for a task — more than it gets 「服务时长不能超过
活动时长（N小时）」 at once, even above 24 hours; a member told 「不能超过24小时」 for a
2-hour activity who then typed 3 was refused a second time. The 24-hour ceiling stays
where no activity's length applies (a 补录申请 without a task). Each refusal is on the
same page, with what was typed kept, and nothing written."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.audit import work_event_count
from tests.web.manage_support import backfill_form, task_count, text
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, BackfillRequest

TWO_HOURS = "服务时长不能超过活动时长（2.0小时）。"  # the world's tasks last two hours
DAY = "服务时长不能超过24小时。"


def _mine(world) -> Assignment:
    return db.session.scalar(select(Assignment).where(
        Assignment.task_id == world.past_task.id, Assignment.member_id == world.member.id))


@pytest.mark.parametrize("typed", ["3", "30", "99999"])
def test_confirming_names_the_activity_length_first(client, login, world, typed):
    login(world.member)
    mine = _mine(world)
    response = client.post(f"/tasks/assignments/{mine.id}/confirm", data={"hours": typed})
    assert response.status_code == 200
    page = text(response)
    assert TWO_HOURS in page and DAY not in page
    assert f'value="{typed}"' in page
    db.session.expire_all()
    assert (mine.status, mine.minutes) == (AssignmentStatus.claimed, None)
    assert work_event_count() == 0


def test_the_liaisons_correction_names_the_activity_length(client, login, world):
    mine = _mine(world)
    mine.status, mine.minutes = AssignmentStatus.done, 120
    db.session.commit()
    login(world.liaison)
    response = client.post(f"/manage/assignments/{mine.id}/hours",
                           data={"hours": "30", "reason": "多填了"})
    assert response.status_code == 200
    page = text(response)
    assert TWO_HOURS in page and DAY not in page and 'value="30"' in page
    db.session.expire_all()
    assert mine.minutes == 120


def test_a_forgotten_participant_added_with_too_many_hours(client, login, world):
    login(world.liaison)
    response = client.post("/manage/backfill", data=backfill_form(world))  # 9:00–11:00
    assert response.status_code == 302
    task_id = int(response.headers["Location"].rsplit("/", 1)[1])
    response = client.post(f"/manage/tasks/{task_id}/add-participant",
                           data={"member": world.other_member.id, "hours": "30"})
    assert response.status_code == 200
    page = text(response)
    assert TWO_HOURS in page and DAY not in page and 'value="30"' in page
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.task_id == task_id)) == 2


def test_a_backfill_row_names_the_length_of_the_times_typed(client, login, world):
    login(world.liaison)
    before = task_count()
    response = client.post("/manage/backfill", data=backfill_form(world) | {
        f"hours_{world.member.id}": "30", f"hours_{world.leader.id}": ""})
    assert response.status_code == 200
    page = text(response)
    assert TWO_HOURS in page and DAY not in page and 'value="30"' in page
    assert task_count() == before


def test_a_request_for_a_task_names_its_length(client, login, world):
    login(world.other_member)
    response = client.post("/backfill-requests/new", data={
        "community": str(world.community.id), "task": str(world.past_task.id), "hours": "30"})
    assert response.status_code == 200
    page = text(response)
    assert TWO_HOURS in page and DAY not in page and 'value="30"' in page
    assert db.session.scalar(select(func.count(BackfillRequest.id))) == 0


def test_without_an_activity_the_ceiling_is_24_hours(client, login, world):
    login(world.other_member)
    response = client.post("/backfill-requests/new", data={
        "community": str(world.community.id), "hours": "30", "description": "参加了清扫"})
    assert response.status_code == 200
    page = text(response)
    assert DAY in page and "活动时长" not in page.split('id="form-errors"')[1][:600]
    assert db.session.scalar(select(func.count(BackfillRequest.id))) == 0
