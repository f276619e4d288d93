"""通过 right after an activity ends, with members checked in and not yet confirmed
(walk5 D10).

Approval is final and hours come only from confirmed participation (docs/design.md,
"approve / return"). A check-in is evidence of taking part: 通过 counts those checked
in at the activity's length unless the reviewer unticks it; the 来源 of an activity is
现场签到 only when a counted participation came from a check-in; a member whose
check-in did not count is told why and who can still add it."""
from __future__ import annotations

import html
from datetime import timedelta

import pytest

from tests.web.manage_support import assignment, fresh, submitted_report, text
from tests.web.stale_support import form_on
from tests.plans import ledger_rows
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, AuditEvent, ReportStatus, TaskReport
from tracker.rollups.scope import Scope
from tracker.services import unit_of_work
from tracker.services.backfill import add_forgotten_participant
from tracker.services.reviews import approve_report
from tracker.timeutil import utcnow

pytestmark = pytest.mark.usefixtures("both_figures")


def _checked_in(task, member):
    held = assignment(task, member)
    held.status, held.checked_in_at = AssignmentStatus.checked_in, utcnow() - timedelta(hours=20)
    db.session.commit()
    return held


def _ledger_row(task):
    day = task.service_date
    [row] = ledger_rows(Scope(date_from=day, date_to=day + timedelta(days=1)))
    return row


def test_the_review_names_those_checked_in_and_counts_them_by_default(client, login, world):
    """The page offers 按签到计入, ticked, naming them and the activity's length (the
    past task runs two hours); the one who claimed and never checked in is named apart,
    with the repair after approval (添加遗漏的参加人员)."""
    task = world.past_task
    member = _checked_in(task, world.member)
    leader = assignment(task, world.leader)  # claimed, not checked in
    report = submitted_report(task, world.leader)
    login(world.liaison)
    page = client.get(f"/manage/reports/{report.id}").get_data(as_text=True)
    assert 'name="count_checked_in" value="1" checked' in page
    words = html.unescape(page)
    assert "张三 已签到，尚未确认服务时长" in words
    assert "按签到计入：以上已签到的党员按活动时长（2.0小时）计入服务时长" in words
    assert "王组长 尚未确认服务时长，也没有签到" in words
    assert "添加遗漏的参加人员" in words

    url = f"/manage/reports/{report.id}/approve"
    response = client.post(url, data=form_on(page, url))  # as the page posts it
    assert response.status_code == 302
    assert fresh(TaskReport, report.id).status == ReportStatus.approved
    counted = fresh(Assignment, member.id)
    assert (counted.status, counted.minutes) == (AssignmentStatus.done, 120)
    assert counted.confirmed_at is not None
    assert fresh(Assignment, leader.id).status == AssignmentStatus.claimed
    assert db.session.query(AuditEvent).filter_by(action="count_checked_in").count() == 1
    row = _ledger_row(task)
    assert (row.person_times, row.source) == (1, "现场签到")


def test_unticked_the_check_ins_do_not_count_and_the_source_is_not_checkin(
        client, login, world):
    """Unticked, nobody counts (the reviewer's choice); the ledger's row of 0 人次 then
    does not claim people checked in on site: its 来源 is 组长提交."""
    task = world.past_task
    member = _checked_in(task, world.member)
    report = submitted_report(task, world.leader)
    login(world.liaison)
    page = client.get(f"/manage/reports/{report.id}").get_data(as_text=True)
    url = f"/manage/reports/{report.id}/approve"
    data = form_on(page, url)
    data.pop("count_checked_in")  # unticked
    assert client.post(url, data=data).status_code == 302
    assert fresh(TaskReport, report.id).status == ReportStatus.approved
    assert fresh(Assignment, member.id).status == AssignmentStatus.checked_in
    row = _ledger_row(task)
    assert (row.person_times, row.source) == (0, "组长提交")

    # the member is told why her check-in did not count, and who can add it
    login(world.member)
    words = text(client.get(f"/tasks/{task.id}"))
    assert "该任务审核通过时，您尚未确认服务时长，本次参与没有计入统计" in words
    assert "添加遗漏的参加人员" in words

    # and the liaison can add her: she is offered first, and counted on the activity
    login(world.liaison)
    manage = client.get(f"/manage/tasks/{task.id}").get_data(as_text=True)
    section = manage.split('id="add-participant"', 1)[1]
    assert f'value="{world.member.id}"' in section
    with unit_of_work():
        add_forgotten_participant(world.liaison, task, world.member, None)
    assert fresh(Assignment, member.id).status == AssignmentStatus.done
    row = _ledger_row(task)
    assert (row.person_times, row.source) == (1, "现场签到")


def test_the_queues_approve_counts_check_ins_and_says_so(client, login, world):
    task = world.past_task
    member = _checked_in(task, world.member)
    report = submitted_report(task, world.leader)
    login(world.liaison)
    words = text(client.get("/manage/reviews"))
    assert "张三 已签到，尚未确认服务时长：通过时按活动时长计入" in words
    page = client.get("/manage/reviews").get_data(as_text=True)
    url = f"/manage/reports/{report.id}/approve"
    assert client.post(url, data=form_on(page, url)).status_code == 302
    assert fresh(Assignment, member.id).status == AssignmentStatus.done


def test_the_service_counts_check_ins_only_when_asked(world):
    """``approve_report`` by another path (补录, the demo) changes nobody's hours."""
    task = world.past_task
    member = _checked_in(task, world.member)
    report = submitted_report(task, world.leader)
    with unit_of_work():
        approve_report(report, world.liaison)
    assert fresh(Assignment, member.id).status == AssignmentStatus.checked_in
