"""通过 from a page read before the report was resubmitted (review "forms", session 29:
the liaison's approval made official figures the liaison had never seen).

The rule: the 通过 button carries which submission its page showed. When the leader
has (re)submitted the report since — other figures, another 缺席 list — the approval
is refused in Chinese naming who resubmitted it, nothing approved, and the report's
page shows it as it is now; approved from that page, it is approved.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.web.stale_support import by, form_on, signed_in, text
from tracker.extensions import db
from tracker.models import ReportStatus, Task, TaskReport
from tracker.timeutil import utcnow


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def submitted(world):
    """The past task's report, 待审核, as the leader submitted it an hour ago."""
    task = db.session.get(Task, world.past_task.id)
    db.session.add(TaskReport(task_id=task.id, quantity=0, people_served=0, note="楼道清理完毕",
                              status=ReportStatus.submitted, submitted_by_id=world.leader.id,
                              submitted_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    return db.session.get(Task, task.id).report.id


def status_now(report_id: int) -> ReportStatus:
    db.session.expire_all()
    return db.session.get(TaskReport, report_id).status


def approve_on(browser, page: str, report_id: int):
    url = f"/manage/reports/{report_id}/approve"
    return by(browser).post(url, data=form_on(page, url))


@pytest.mark.parametrize("where", ["/manage/reports/{id}", "/manage/reviews"])
def test_a_report_resubmitted_since_the_page_is_not_approved_unseen(app, world, submitted,
                                                                     where):
    liaison, leader = signed_in(app, world.liaison), signed_in(app, world.leader)
    page = text(by(liaison).get(where.format(id=submitted)))
    # the leader resubmits: 张三 was not there after all
    report_url = f"/tasks/{world.past_task.id}/report"
    report_page = text(by(leader).get(report_url))
    data = form_on(report_page, report_url, note="楼道清理完毕，张三缺席",
                   absent=str(world.member.id))
    assert by(leader).post(report_url, data=data).status_code == 302
    response = approve_on(liaison, page, submitted)
    assert response.status_code == 302
    assert status_now(submitted) == ReportStatus.submitted  # not approved unseen
    shown = text(by(liaison).get(response.headers["Location"]))
    assert "您打开页面之后，王组长重新提交了该完成情况，请查看现在的内容后再审核。" in shown
    assert "楼道清理完毕，张三缺席" in shown
    # approved from the page read again
    fresh = text(by(liaison).get(f"/manage/reports/{submitted}"))
    assert approve_on(liaison, fresh, submitted).status_code == 302
    assert status_now(submitted) == ReportStatus.approved


def test_a_report_unchanged_since_the_page_is_approved(app, world, submitted):
    liaison = signed_in(app, world.liaison)
    page = text(by(liaison).get(f"/manage/reports/{submitted}"))
    assert re.search(r'name="shown"', page)
    assert approve_on(liaison, page, submitted).status_code == 302
    assert status_now(submitted) == ReportStatus.approved


def test_a_report_resubmitted_since_the_page_is_not_returned_unseen(app, world, submitted):
    """退回 likewise: the reason typed against the old submission is kept on the report's
    page, which now shows the new one; sent again from it, the report goes back."""
    liaison, leader = signed_in(app, world.liaison), signed_in(app, world.leader)
    page = text(by(liaison).get(f"/manage/reports/{submitted}"))
    report_url = f"/tasks/{world.past_task.id}/report"
    data = form_on(text(by(leader).get(report_url)), report_url, note="楼道清理完毕，已补拍照片")
    assert by(leader).post(report_url, data=data).status_code == 302
    url = f"/manage/reports/{submitted}/return"
    response = by(liaison).post(url, data=form_on(page, url, reason="请补充现场照片"))
    assert response.status_code == 200
    refused = text(response)
    assert "您打开页面之后，王组长重新提交了该完成情况，请查看现在的内容后再审核。" in refused
    assert "楼道清理完毕，已补拍照片" in refused  # the report as it is now
    assert form_on(refused, url)["reason"] == "请补充现场照片"
    assert status_now(submitted) == ReportStatus.submitted
    assert by(liaison).post(url, data=form_on(refused, url)).status_code == 302
    assert status_now(submitted) == ReportStatus.returned
