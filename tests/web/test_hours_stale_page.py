"""改正服务时长 posted from a page read before someone else corrected the same hours
(review "forms", session 29: the correction was last-writer-wins).

The rule: the page names the participant's hours now (「现在的服务时长：2 小时」) and the
correction is typed against them. The community's liaison and an admin may both
correct them; a correction from a page read before the other's is refused on the same
page in Chinese (「该党员的服务时长已被他人修改，请核对后重新保存。」), what was typed kept,
the hours now named, nothing written — the other's correction stays. Posted again from
the refused page, what was typed is saved knowingly.
"""
from __future__ import annotations

import pytest

from tests.web.stale_support import by, form_on, signed_in, text
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus

REFUSAL = "该党员的服务时长已被他人修改，请核对后重新保存。"


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def done(world):
    """张三's confirmed participation in the past task: 2 hours."""
    assignment = db.session.scalar(db.select(Assignment).where(
        Assignment.task_id == world.past_task.id, Assignment.member_id == world.member.id))
    assignment.status, assignment.minutes = AssignmentStatus.done, 120
    db.session.commit()
    return assignment.id


def post(browser, url: str, page: str, **typed):
    return by(browser).post(url, data=form_on(page, url, **typed))


def minutes_now(assignment_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Assignment, assignment_id).minutes


def test_a_correction_from_an_older_page_is_refused_and_names_the_hours_now(app, world, done):
    liaison, admin = signed_in(app, world.liaison), signed_in(app, world.admin)
    url = f"/manage/assignments/{done}/hours"
    liaison_page, admin_page = text(by(liaison).get(url)), text(by(admin).get(url))
    assert post(liaison, url, liaison_page, hours="1.5", reason="实际到场一个半小时").status_code == 302
    response = post(admin, url, admin_page, hours="1", reason="只参加了一小时")
    assert response.status_code == 200
    refused = text(response)
    assert REFUSAL in refused
    assert "1.5 小时" in refused[refused.find('id="stale"'):]  # the liaison's correction
    assert (form_on(refused, url)["hours"], form_on(refused, url)["reason"]) == \
        ("1", "只参加了一小时")
    assert minutes_now(done) == 90
    # read on the refused page: posted again, what was typed is saved knowingly
    assert post(admin, url, refused).status_code == 302
    assert minutes_now(done) == 60


def test_a_fresh_page_corrects_at_once(app, world, done):
    admin = signed_in(app, world.admin)
    url = f"/manage/assignments/{done}/hours"
    response = post(admin, url, text(by(admin).get(url)), hours="1", reason="只参加了一小时")
    assert response.status_code == 302
    assert minutes_now(done) == 60
