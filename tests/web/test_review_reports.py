"""The review queue (待审核), one report, 通过 / 退回, and the stale list."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.web.manage_support import assignment, audit_count, fresh, submitted_report, text
from tracker.extensions import db
from tracker.models import (
    AssignmentStatus,
    AuditEvent,
    ReportStatus,
    Task,
    TaskReport,
    TaskStatus,
)
from tracker.services.reviews import ReportData, submit_report


# the past task in a category counting both a 完成数量 and a 受益 (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("both_figures")


def _ended(world, title, days=2, item=None, **kw):
    task = f.task(item or world.item, world.liaison, starts_in=-timedelta(days=days),
                  title=title, **kw)
    db.session.commit()
    return task


def test_the_review_says_who_will_not_count_if_approved_now(client, login, world):
    """Approval is final: a member who has not confirmed by then cannot any more, and
    this participation never counts. The liaison is told who, before approving."""
    report = submitted_report(world.past_task, world.leader)
    done = assignment(world.past_task, world.member)
    done.status, done.minutes = AssignmentStatus.done, 120
    db.session.commit()
    login(world.liaison)
    page = text(client.get(f"/manage/reports/{report.id}"))
    assert "王组长 尚未确认服务时长，也没有签到。审核通过后将不能再确认" in page
    done.status = AssignmentStatus.absent
    leader = assignment(world.past_task, world.leader)
    leader.status, leader.minutes = AssignmentStatus.done, 60
    db.session.commit()
    assert "尚未确认服务时长" not in text(client.get(f"/manage/reports/{report.id}"))


def test_a_report_of_a_task_still_running_cannot_be_approved(client, login, world):
    """Members confirm once it has ended; approved while it runs, nobody's hours
    could ever count."""
    running = f.task(world.item, world.liaison, leader=world.leader,
                     starts_in=-timedelta(minutes=30))
    db.session.commit()
    report = submitted_report(running, world.leader)
    login(world.liaison)
    response = client.post(f"/manage/reports/{report.id}/approve", follow_redirects=True)
    assert "活动进行中，" in text(response) and " 结束后可审核通过。" in text(response)
    db.session.expire_all()
    assert db.session.get(TaskReport, report.id).status == ReportStatus.submitted


# --- 待审核 ---------------------------------------------------------------------------------

def test_queue_lists_submitted_reports_oldest_first_with_participants(client, login, world):
    newer = _ended(world, "新近的活动", days=3)
    submitted_report(newer, world.liaison, days_ago=1)
    submitted_report(world.past_task, world.leader, days_ago=3)
    done = assignment(world.past_task, world.member)
    done.status, done.minutes = AssignmentStatus.done, 120
    db.session.commit()
    approved = _ended(world, "已通过的活动")
    submitted_report(approved, world.leader, status=ReportStatus.approved)
    other = _ended(world, "别社区的活动", item=world.other_item)
    submitted_report(other, world.other_liaison)

    login(world.liaison)
    page = text(client.get("/manage/reviews"))
    titles = re.findall(r'<h2><a href="/manage/reports/\d+">([^<]+)</a></h2>', page)
    assert titles == ["楼道清理", "新近的活动"]
    assert "共 2 条" in page
    # Participants with their confirmed hours; who has not confirmed is flagged.
    assert "张三" in page and "2.0 小时" in page
    assert "王组长" in page and "未确认参与" in page
    assert "12棵" in page and "30人" in page  # 完成数量 and 受益, each in the category's unit


def test_queue_flags_reports_waiting_too_long(client, login, world):
    submitted_report(world.past_task, world.leader, days_ago=8)
    login(world.liaison)
    assert "等待超过7天" in text(client.get("/manage/reviews"))


def test_empty_queue_says_so(client, login, world):
    login(world.liaison)
    assert "没有待审核的完成情况" in text(client.get("/manage/reviews"))


def test_staff_pages_show_an_absent_participation_as_not_counted(client, login, world):
    """walk12 #10 on the staff pages: hours a member confirmed before the 组长 ticked her
    缺席 do not count (the totals leave them out), so the 组长's report form, the liaison's
    审核 page, the queue and the task page say so in the member's own words rather than
    listing 「缺席 2.0 小时」 as if counted."""
    report = submitted_report(world.past_task, world.leader)
    absent = assignment(world.past_task, world.member)
    absent.status, absent.minutes = AssignmentStatus.absent, 120
    done = assignment(world.past_task, world.leader)
    done.status, done.minutes = AssignmentStatus.done, 60
    db.session.commit()
    not_counted = "服务时长 2.0 小时（缺席，不计入）"
    login(world.liaison)
    for page in (f"/manage/reports/{report.id}", "/manage/reviews",
                 f"/manage/tasks/{world.past_task.id}"):
        html = text(client.get(page))
        assert not_counted in html, page
        assert "1.0 小时" in html, page  # the leader's own hours still shown as counted
    login(world.leader)
    html = text(client.get(f"/tasks/{world.past_task.id}/report"))
    assert not_counted in html
    assert ">2.0 小时<" not in html


def test_report_page_shows_the_report_and_review_forms(client, login, world):
    report = submitted_report(world.past_task, world.leader)
    login(world.liaison)
    page = text(client.get(f"/manage/reports/{report.id}"))
    assert "清理楼道杂物12处" in page and "12棵" in page and "30人" in page
    assert f"/manage/reports/{report.id}/approve" in page
    assert f"/manage/reports/{report.id}/return" in page
    assert 'name="reason"' in page


# --- 通过 / 退回 -------------------------------------------------------------------------------

def test_approve_closes_the_task(client, login, world):
    report = submitted_report(world.past_task, world.leader)
    login(world.liaison)
    response = client.post(f"/manage/reports/{report.id}/approve")
    assert response.status_code == 302 and response.headers["Location"].endswith("/manage/reviews")
    report = fresh(TaskReport, report.id)
    assert report.status == ReportStatus.approved and report.reviewed_by_id == world.liaison.id
    assert report.task.status == TaskStatus.closed
    assert "已通过：楼道清理" in text(client.get("/manage/reviews"))
    again = client.post(f"/manage/reports/{report.id}/approve", follow_redirects=True)
    assert "该完成情况不在待审核状态" in text(again)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "approve")).all()
    assert len(events) == 1


@pytest.mark.parametrize("reason, message", [
    ("", "请填写退回原因"),
    ("    ", "请填写退回原因"),
    ("长" * 501, "不能超过500个字"),
])
def test_return_needs_a_reason(client, login, world, reason, message):
    report = submitted_report(world.past_task, world.leader)
    login(world.liaison)
    events = audit_count()
    response = client.post(f"/manage/reports/{report.id}/return", data={"reason": reason})
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert "清理楼道杂物12处" in page  # the same report page
    if reason.strip():
        assert reason in page  # what was typed is kept
    assert fresh(TaskReport, report.id).status == ReportStatus.submitted
    assert audit_count() == events


def test_return_with_a_reason_and_resubmit(client, login, world):
    report = submitted_report(world.past_task, world.leader)
    login(world.liaison)
    response = client.post(f"/manage/reports/{report.id}/return",
                           data={"reason": "  请补充受益人数的依据  "})
    assert response.status_code == 302
    report = fresh(TaskReport, report.id)
    assert report.status == ReportStatus.returned
    assert report.return_reason == "请补充受益人数的依据"
    assert "已退回：楼道清理" in text(client.get("/manage/reviews"))
    # Returned and not yet resubmitted: on the stale list, off the queue.
    assert "楼道清理" in text(client.get("/manage/stale"))
    assert "楼道清理" not in text(client.get("/manage/reviews"))
    # The leader corrects it; it comes back to the queue and leaves the stale list.
    submit_report(report.task, world.leader, ReportData(quantity=12, people_served=28,
                                                        note="已补充"))
    db.session.commit()
    assert "楼道清理" in text(client.get("/manage/reviews"))
    assert "楼道清理" not in _stale_titles(text(client.get("/manage/stale")))


def test_return_of_an_approved_report_is_refused(client, login, world):
    report = submitted_report(world.past_task, world.leader, status=ReportStatus.approved)
    login(world.liaison)
    response = client.post(f"/manage/reports/{report.id}/return", data={"reason": "晚了"},
                           follow_redirects=True)
    assert "该完成情况不在待审核状态" in text(response)
    assert fresh(TaskReport, report.id).status == ReportStatus.approved


@pytest.mark.parametrize("action, data", [("approve", {}), ("return", {"reason": "越权"})])
def test_other_liaison_cannot_review(client, login, world, action, data):
    report = submitted_report(world.past_task, world.leader)
    login(world.other_liaison)
    events = audit_count()
    assert client.get(f"/manage/reports/{report.id}").status_code == 404
    assert client.post(f"/manage/reports/{report.id}/{action}", data=data).status_code == 404
    assert fresh(TaskReport, report.id).status == ReportStatus.submitted
    assert audit_count() == events


def test_missing_report_is_404(client, login, world):
    login(world.admin)
    assert client.get("/manage/reports/999999").status_code == 404


# --- stale ---------------------------------------------------------------------------------

def _stale_titles(page: str) -> list[str]:
    section = page.split('id="unreported"', 1)[1]
    return re.findall(r'<h3><a (?:class="stretch" )?href="/manage/tasks/\d+">([^<]+)</a></h3>', section)


def _overdue_titles(page: str) -> list[str]:
    section = page.split('id="overdue"', 1)[1].split('id="unreported"', 1)[0]
    return re.findall(r'<h3><a (?:class="stretch" )?href="/manage/reports/\d+">([^<]+)</a></h3>', section)


def test_stale_list_contents(client, login, world):
    # past_task (ended yesterday, no report) is stale.
    returned = _ended(world, "退回未改", days=4)
    submitted_report(returned, world.leader, status=ReportStatus.returned, reason="缺照片")
    fresh = _ended(world, "刚提交", days=3)
    submitted_report(fresh, world.leader, days_ago=2)
    old = _ended(world, "久未审核", days=12)
    submitted_report(old, world.leader, days_ago=8)
    approved = _ended(world, "早已通过", days=5)
    submitted_report(approved, world.leader, status=ReportStatus.approved)
    _ended(world, "已取消的", days=5, status=TaskStatus.cancelled)
    _ended(world, "别社区未报", item=world.other_item)
    running = f.task(world.item, world.liaison, starts_in=-timedelta(hours=1),
                     duration=timedelta(hours=3), title="正在进行")
    db.session.commit()

    login(world.liaison)
    page = text(client.get("/manage/stale"))
    assert _stale_titles(page) == ["退回未改", "楼道清理"]  # the longest overdue first
    assert _overdue_titles(page) == ["久未审核"]
    for absent in ("刚提交", "早已通过", "已取消的", "别社区未报", running.title):
        assert absent not in page


def test_stale_review_days_is_configurable(app, client, login, world):
    app.config["STALE_REVIEW_DAYS"] = 1
    submitted_report(world.past_task, world.leader, days_ago=2)
    login(world.liaison)
    assert _overdue_titles(text(client.get("/manage/stale"))) == ["楼道清理"]


def test_admin_sees_stale_tasks_of_every_community(client, login, world):
    _ended(world, "别社区未报", item=world.other_item)
    login(world.admin)
    assert set(_stale_titles(text(client.get("/manage/stale")))) == {"楼道清理", "别社区未报"}


def test_home_counts_match_the_lists(client, login, world):
    submitted_report(world.past_task, world.leader, days_ago=9)
    _ended(world, "未报一")
    _ended(world, "未报二")
    login(world.liaison)
    page = text(client.get("/manage/"))
    stats = dict((label, int(n)) for n, label in re.findall(
        r'<a class="stat [a-z]+" href="[^"]+"><b>(\d+)</b><span>([^<]+)</span>', page))
    assert stats["待审核"] == 1
    assert stats["等待审核超过7天"] == 1
    assert stats["已结束未提交"] == 2
    assert stats["已退回待修改"] == 0
    # action first: the counts, then the lists, and the month's figures below them
    assert page.index("等待审核超过7天") < page.index('id="pending"') < page.index("本月")
    stale_page = text(client.get("/manage/stale"))
    assert len(_stale_titles(stale_page)) == 2
    assert db.session.get(Task, world.past_task.id).report is not None


def test_a_report_whose_approval_a_finalised_month_refuses_says_so_instead_of_offering_it(
        client, login, world):
    """The liaison is told on the report's page that the signed month makes the
    approval an admin's, with no 通过 button that would be refused; an admin approves;
    退回 is no figure and stays offered to both."""
    from tracker.models import SummaryNote
    from tracker.timeutil import utcnow

    report = submitted_report(world.past_task, world.leader)
    day = world.past_task.service_date
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=day.year, month=day.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    approve = f'action="/manage/reports/{report.id}/approve"'
    returned = f'action="/manage/reports/{report.id}/return"'
    login(world.liaison)
    page = text(client.get(f"/manage/reports/{report.id}"))
    assert f"{day.year}年{day.month}月的月报已定稿，审核通过该月的完成情况须由单位管理员操作" in page
    assert approve not in page and returned in page
    login(world.admin)
    page = text(client.get(f"/manage/reports/{report.id}"))
    assert approve in page and "月报已定稿" not in page
    assert client.post(f"/manage/reports/{report.id}/approve").status_code == 302
    assert fresh(TaskReport, report.id).status == ReportStatus.approved


@pytest.mark.parametrize("url", ["/manage/reviews", "/manage/"], ids=["待审核", "工作台"])
def test_the_queue_says_which_approvals_a_finalised_month_makes_an_admins(
        client, login, world, url):
    """The queue (and the 工作台's list of it) offers 通过 only where the liaison's
    approval would be accepted: for a report whose approval would change a 已定稿 月报 —
    the activity's own month, or the month a survey's finding was handed over in — it
    says why, in the words of the report's own page, and still offers 退回 (no figure).
    An admin approves any of them and sees 通过 on each."""
    from tests.rollups import builders as b
    from tracker.models import FindingStatus, SummaryNote
    from tracker.timeutil import local_today, utcnow

    signed = local_today().replace(day=1) - timedelta(days=1)  # last month: 已定稿
    open_month = signed.replace(day=1) - timedelta(days=1)  # the month before: not
    in_signed = b.task_on(world.item, world.liaison, signed, title="已定稿月份的活动")
    in_open = b.task_on(world.item, world.liaison, open_month, title="未定稿月份的活动")
    survey = b.task_on(f.item(world.unit, world.community, "facility_survey"), world.liaison,
                       open_month, title="问题移交在已定稿月份的摸排")
    finding = b.finding(survey, world.leader)
    finding.status, finding.handed_to, finding.handed_over_on = (
        FindingStatus.handed_over, "县住建局", signed)
    reports = {task.title: b.report(task, world.leader, ReportStatus.submitted, quantity=1)
               for task in (in_signed, in_open, survey)}
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=signed.year, month=signed.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()

    def cards() -> dict[str, str]:
        page = text(client.get(url))
        parts = re.split(r'<article class="card', page)[1:]
        titled = (re.search(r'<a [^>]*href="/manage/reports/\d+">([^<]+)</a>', part)
                  for part in parts)
        return {found[1]: part for found, part in zip(titled, parts) if found}

    def approve(title):
        return f'action="/manage/reports/{reports[title].id}/approve'

    def return_(title):
        return f"/manage/reports/{reports[title].id}" + ("#return" if "reviews" in url
                                                          else "/return")

    login(world.liaison)
    shown = cards()
    assert set(reports) <= set(shown)
    own = f"{signed.year}年{signed.month}月的月报已定稿，审核通过该月的完成情况须由单位管理员操作（或由单位管理员先重新打开该月的月报）。"
    step = f"该活动的数据也计入{signed.year}年{signed.month}月的月报"
    for title, words in (("已定稿月份的活动", own), ("问题移交在已定稿月份的摸排", step)):
        card = shown[title]
        assert words in card and approve(title) not in card, card
        assert return_(title) in card  # 退回 stays
        # the report's own page says the same, up front
        own_page = text(client.get(f"/manage/reports/{reports[title].id}"))
        said = re.search(r'<p class="muted">([^<]*月报已定稿[^<]*)</p>', card)[1]
        assert said in own_page
    card = shown["未定稿月份的活动"]
    assert approve("未定稿月份的活动") in card and "月报已定稿" not in card

    login(world.admin)
    shown = cards()
    for title in reports:
        assert approve(title) in shown[title] and "月报已定稿" not in shown[title]
