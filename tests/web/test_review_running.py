"""A report sent while its activity runs (walk5 D3).

The rule (``services/reviews``): 通过 waits for the activity's end — members confirm
their hours once it has ended, and approval is final. The pages that offer 通过 (the
工作台, 待审核, the report's page) say instead that the activity is running and from
when it can be approved, with no 通过; 退回 needs no wait and stays. The 组长 who
reports early is told when it becomes reviewable."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests import factories as f
from tests.web.manage_support import assignment, submitted_report, text
from tracker.extensions import db
from tracker.models import Task
from tracker.services.reviews import running_refusal
from tracker.timeutil import local_to_utc, to_local, utcnow

pytestmark = pytest.mark.usefixtures("both_figures")


def _until(task) -> str:
    """The activity's end as the pages name it: its local time, with the date when it
    is not today."""
    end, today = to_local(task.ends_at), to_local(utcnow()).date()
    return f"{end:%H:%M}" if end.date() == today else f"{end:%Y-%m-%d %H:%M}"


@pytest.fixture
def running(world):
    """Started half an hour ago, two hours long; its 组长 reported already."""
    task = f.task(world.item, world.liaison, leader=world.leader,
                  starts_in=-timedelta(minutes=30), title="电商直播带货培训")
    db.session.commit()
    assignment(task, world.leader)
    return task, submitted_report(task, world.leader)


def test_the_words_name_the_end_today_and_the_day_when_it_is_another():
    task = Task(starts_at=local_to_utc(datetime(2026, 12, 5, 13, 30)),
                  ends_at=local_to_utc(datetime(2026, 12, 5, 15, 30)))
    at_two = local_to_utc(datetime(2026, 12, 5, 14, 2))
    assert str(running_refusal(task, at_two)) == "活动进行中，15:30 结束后可审核通过。"
    the_eve = local_to_utc(datetime(2026, 12, 4, 23, 0))
    assert str(running_refusal(task, the_eve)) == \
        "活动进行中，2026-12-05 15:30 结束后可审核通过。"
    assert running_refusal(task, task.ends_at) is None  # ended: no wait
    assert running_refusal(task, datetime(2026, 12, 6, tzinfo=timezone.utc)) is None


@pytest.mark.parametrize("where", ["/manage/reviews", "/manage/reports/{id}", "/manage/"])
def test_review_pages_say_it_is_running_and_offer_no_approval(client, login, world, running,
                                                              where):
    task, report = running
    login(world.liaison)
    page = client.get(where.format(id=report.id)).get_data(as_text=True)
    assert f"活动进行中，{_until(task)} 结束后可审核通过。" in page
    assert f"/manage/reports/{report.id}/approve" not in page
    assert f"/manage/reports/{report.id}/return" in page or "#return" in page  # 退回 stays


def test_once_it_has_ended_approval_is_offered(client, login, world, running):
    task, report = running
    task.starts_at, task.ends_at = task.starts_at - timedelta(hours=3), utcnow() - timedelta(
        minutes=1)
    db.session.commit()
    login(world.liaison)
    for where in ("/manage/reviews", f"/manage/reports/{report.id}"):
        page = client.get(where).get_data(as_text=True)
        assert "活动进行中" not in page
        assert f"/manage/reports/{report.id}/approve" in page


def test_the_leader_reporting_early_is_told_when_it_becomes_reviewable(client, login, world):
    task = f.task(world.item, world.liaison, leader=world.leader,
                  starts_in=-timedelta(minutes=30))
    db.session.commit()
    login(world.leader)
    url = f"/tasks/{task.id}/report"
    until = _until(task)
    assert f"活动进行中：可以现在提交，{until} 活动结束后联络员才能审核通过" in text(client.get(url))
    response = client.post(url, data={"note": "培训完成。"},
                           follow_redirects=True)
    assert f"已提交完成情况。活动进行中，{until} 结束后联络员才能审核通过。" in text(response)
    # an ended activity's form says nothing of a wait
    assert "活动进行中" not in text(client.get(f"/tasks/{world.past_task.id}/report"))
