"""Reporting a task's result and reviewing it, without HTTP."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.services.test_claims import assignment_of, audits, refused
from tracker.extensions import db
from tracker.models import AssignmentStatus, ReportStatus, TaskReport, TaskStatus
from tracker.services import PermissionDenied, ServiceErrors, unit_of_work
from tracker.services.claims import confirm_participation
from tracker.services.reviews import (
    ReportData,
    approve_report,
    report_refusal,
    return_report,
    submit_report,
)
from tracker.services.tasks import cancel_task
from tracker.timeutil import local_today, to_local


# the past task in a category counting both a 完成数量 and a 受益 (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("both_figures")


def data(**overrides) -> ReportData:
    values = {"quantity": 12, "people_served": 40, "note": "清理楼道杂物。"}
    values.update(overrides)
    return ReportData(**values)


def report_count(task) -> int:
    return db.session.scalar(select(func.count(TaskReport.id)).where(TaskReport.task_id == task.id))


def submitted(world, **overrides) -> TaskReport:
    with unit_of_work():
        return submit_report(world.past_task, world.leader, data(**overrides))


# ------------------------------------------------------------------ submit


def test_leader_submits_a_report(world):
    report = submitted(world)
    db.session.expire_all()
    assert report.status == ReportStatus.submitted
    assert (report.quantity, report.people_served, report.note) == (12, 40, "清理楼道杂物。")
    assert report.submitted_by_id == world.leader.id
    [event] = audits("submit", report)
    assert event.actor_id == world.leader.id
    assert event.detail["quantity"] == 12


@pytest.mark.parametrize("actor", ["liaison", "admin"])
def test_staff_of_the_community_may_report(world, actor):
    with unit_of_work():
        report = submit_report(world.past_task, getattr(world, actor), data())
    assert report.submitted_by_id == getattr(world, actor).id


@pytest.mark.parametrize("actor", ["member", "other_member", "other_liaison"])
def test_others_may_not_report(world, actor):
    refused(submit_report, world.past_task, getattr(world, actor), data(), error=PermissionDenied)
    assert report_count(world.past_task) == 0


def test_report_before_start_is_refused(world):
    assert report_refusal(world.task) is not None
    refused(submit_report, world.task, world.leader, data(), message="任务开始后")
    assert report_count(world.task) == 0


def test_report_on_a_cancelled_task_is_refused(world):
    with unit_of_work():
        cancel_task(world.past_task, world.liaison, "下雨")
    refused(submit_report, world.past_task, world.leader, data(), message="已取消")
    assert report_count(world.past_task) == 0


@pytest.mark.parametrize("field", ["quantity", "people_served"])
def test_a_figure_past_a_million_is_refused_whatever_the_path(world, field):
    """The forms stop at 1,000,000; the service does too, for every path that does not
    come through a form (the ledger import, a script): a phone number typed into 受益
    is not a figure."""
    error = refused(submit_report, world.past_task, world.leader,
                    data(**{field: 13800000002}), message="请输入0到1000000之间的整数")
    assert error.field == field
    assert report_count(world.past_task) == 0
    with unit_of_work():
        report = submit_report(world.past_task, world.leader, data(**{field: 1_000_000}))
    assert getattr(report, field) == 1_000_000


def test_report_marks_absent_members(world):
    submitted(world, absent_ids={world.member.id})
    db.session.expire_all()
    assert assignment_of(world.past_task, world.member).status == AssignmentStatus.absent
    assert assignment_of(world.past_task, world.leader).status == AssignmentStatus.claimed


def test_absent_list_must_name_participants(world):
    refused(submit_report, world.past_task, world.leader,
            data(absent_ids={world.other_member.id}), message="缺席名单")
    assert report_count(world.past_task) == 0


def test_taking_someone_off_the_absent_list_restores_their_status(world):
    assignment = assignment_of(world.past_task, world.member)
    with unit_of_work():
        confirm_participation(assignment, world.member, 60)
    report = submitted(world, absent_ids={world.member.id})
    with unit_of_work():
        return_report(report, world.liaison, "张三其实到场了")
    with unit_of_work():
        submit_report(world.past_task, world.leader, data(absent_ids=set()))
    db.session.expire_all()
    assert assignment.status == AssignmentStatus.done
    assert assignment.minutes == 60


# ------------------------------------------------------------------ review


def test_approve_makes_the_report_official_and_closes_the_task(world):
    report = submitted(world)
    with unit_of_work():
        approve_report(report, world.liaison)
    db.session.expire_all()
    assert report.status == ReportStatus.approved
    assert report.reviewed_by_id == world.liaison.id
    assert world.past_task.status == TaskStatus.closed
    [event] = audits("approve", report)
    assert event.actor_id == world.liaison.id


def test_approving_into_a_finalised_month_needs_an_admin(world):
    """Approved work becomes the month's figures: once its 月报 is 已定稿 only an admin
    changes them (as for 补录 and the funds)."""
    from datetime import datetime, timezone

    from tracker.models import SummaryNote

    day = world.past_task.service_date
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=day.year, month=day.month,
                               finalized_at=datetime.now(timezone.utc),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    report = submitted(world)
    refused(approve_report, report, world.liaison,
            message=f"{day.year}年{day.month}月的月报已定稿，审核通过该月的完成情况须由单位管理员操作")
    db.session.expire_all()
    assert report.status == ReportStatus.submitted
    with unit_of_work():
        approve_report(report, world.admin)
    assert report.status == ReportStatus.approved


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "not signed"])
def test_approving_a_survey_whose_finding_was_handed_over_in_a_finalised_month(world, signed):
    """A survey's findings count once it is approved, each step (移交, 整改) in the 月报
    of the month it is dated in: approving a survey of an open month whose finding was
    handed over in a signed one changes that signed month's 本月移交, so it is an
    admin's too."""
    from datetime import datetime, timezone

    from tests.rollups import builders as b
    from tracker.models import FindingStatus, SummaryNote
    from tracker.timeutil import local_today

    last_month = local_today().replace(day=1) - timedelta(days=1)
    before = last_month.replace(day=1) - timedelta(days=1)  # the month before: open
    survey = b.task_on(f.item(world.unit, world.community, "facility_survey"), world.liaison,
                       before, leader=world.leader)
    report = b.report(survey, world.leader, ReportStatus.submitted, quantity=1)
    finding = b.finding(survey, world.leader)
    finding.status, finding.handed_to, finding.handed_over_on = (
        FindingStatus.handed_over, "县住建局", last_month)
    if signed:
        db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                                   year=last_month.year, month=last_month.month,
                                   finalized_at=datetime.now(timezone.utc),
                                   finalized_by_id=world.admin.id))
    db.session.commit()
    if signed:
        refused(approve_report, report, world.liaison,
                message=f"该活动的数据也计入{last_month.year}年{last_month.month}月的月报")
        db.session.expire_all()
        assert report.status == ReportStatus.submitted
    with unit_of_work():
        approve_report(report, world.admin if signed else world.liaison)
    assert report.status == ReportStatus.approved


def test_approval_waits_for_the_end_of_the_activity(world):
    running = f.task(world.item, world.liaison, leader=world.leader,
                     starts_in=-timedelta(minutes=30))
    db.session.commit()
    with unit_of_work():
        report = submit_report(running, world.leader, data(quantity=None, people_served=None))
    end = to_local(running.ends_at)
    refused(approve_report, report, world.liaison,
            message=f"活动进行中，{end:%H:%M} 结束后可审核通过" if end.date() == local_today()
            else f"活动进行中，{end:%Y-%m-%d %H:%M} 结束后可审核通过")


def test_a_report_left_waiting_on_a_cancelled_task_is_not_approved(world):
    """A report 待审核 on a task cancelled since (a state only data from before a task
    with a report could no longer be cancelled has; set directly): approving it would
    count an activity that was called off. Refused; the task stays cancelled."""
    report = submitted(world)
    world.past_task.status = TaskStatus.cancelled
    db.session.commit()
    refused(approve_report, report, world.admin, message="该任务已取消")
    db.session.expire_all()
    assert report.status == ReportStatus.submitted
    assert world.past_task.status == TaskStatus.cancelled
    assert audits("approve", report) == []


def test_approve_twice_is_refused(world):

    report = submitted(world)
    with unit_of_work():
        approve_report(report, world.liaison)
    refused(approve_report, report, world.admin, message="不在待审核状态")
    db.session.expire_all()
    assert report.reviewed_by_id == world.liaison.id
    assert len(audits("approve", report)) == 1


@pytest.mark.parametrize("actor", ["leader", "member", "other_liaison"])
def test_only_staff_of_the_community_may_review(world, actor):
    report = submitted(world)
    refused(approve_report, report, getattr(world, actor), error=PermissionDenied)
    refused(return_report, report, getattr(world, actor), "不对", error=PermissionDenied)
    db.session.expire_all()
    assert report.status == ReportStatus.submitted


def test_return_needs_a_reason(world):
    report = submitted(world)
    for reason in ("", "   ", None):
        refused(return_report, report, world.liaison, reason, message="退回原因")
    db.session.expire_all()
    assert report.status == ReportStatus.submitted
    assert audits("return", report) == []


def test_return_keeps_the_content_and_the_reason(world):
    report = submitted(world)
    with unit_of_work():
        return_report(report, world.liaison, "  数量与照片不符  ")
    db.session.expire_all()
    assert report.status == ReportStatus.returned
    assert report.return_reason == "数量与照片不符"
    assert report.quantity == 12
    [event] = audits("return", report)
    assert event.detail["reason"] == "数量与照片不符"


def test_return_of_an_approved_report_is_refused(world):
    report = submitted(world)
    with unit_of_work():
        approve_report(report, world.liaison)
    refused(return_report, report, world.liaison, "改一下", message="不在待审核状态")
    db.session.expire_all()
    assert report.status == ReportStatus.approved


def test_approve_of_a_returned_report_is_refused(world):
    report = submitted(world)
    with unit_of_work():
        return_report(report, world.liaison, "缺少说明")
    refused(approve_report, report, world.liaison)
    db.session.expire_all()
    assert report.status == ReportStatus.returned


def test_resubmit_after_return(world):
    report = submitted(world)
    with unit_of_work():
        return_report(report, world.liaison, "数量有误")
    with unit_of_work():
        again = submit_report(world.past_task, world.leader, data(quantity=10, note="已更正"))
    db.session.expire_all()
    assert again.id == report.id
    assert report_count(world.past_task) == 1
    assert report.status == ReportStatus.submitted
    assert (report.quantity, report.note) == (10, "已更正")
    assert len(audits("resubmit", report)) == 1
    with unit_of_work():
        approve_report(report, world.liaison)
    db.session.expire_all()
    assert report.status == ReportStatus.approved
    assert report.return_reason is None


def test_report_after_approval_is_refused(world):
    report = submitted(world)
    with unit_of_work():
        approve_report(report, world.liaison)
    refused(submit_report, world.past_task, world.leader, data(quantity=99), message="审核通过")
    db.session.expire_all()
    assert report.quantity == 12
    assert audits("resubmit", report) == []


def test_a_task_with_a_report_cannot_be_cancelled(world):
    submitted(world)
    refused(cancel_task, world.past_task, world.liaison, "x", message="不能取消")
    db.session.expire_all()
    assert world.past_task.status == TaskStatus.open


def test_report_on_a_task_that_started_but_has_not_ended(world):
    running = f.task(world.item, world.liaison, leader=world.leader,
                     starts_in=-timedelta(minutes=30))
    db.session.commit()
    with unit_of_work():
        report = submit_report(running, world.leader, data(quantity=None, people_served=None))
    assert report.status == ReportStatus.submitted


def test_the_queue_asks_of_many_reports_what_a_report_asks_alone(world):
    """``approval_refusals`` (the review queue's question, one statement for a page)
    answers for each activity exactly what ``approval_refusal`` (its report's page and
    the approval itself) does: closed by the unit's 月报, by the community's, by the
    unit's in this community, or by a month its finding was handed over or fixed in;
    open under the unit's 月报 in another community, another unit's, or one not
    finalised; never closed to an admin."""
    from tests.rollups import builders as b
    from tracker.models import FindingStatus, SummaryNote
    from tracker.services.reviews import approval_refusal, approval_refusals
    from tracker.timeutil import local_today, utcnow

    months, day = [], local_today().replace(day=1)
    for _ in range(8):
        day = (day.replace(day=1) - timedelta(days=1)).replace(day=15)  # months back
        months.append(day)
    c, u = world.community.id, world.unit.id
    other = f.unit()
    notes = [(u, None), (None, c), (u, c), (u, world.other_community.id), (other.id, None),
             (other.id, c), (u, None)]
    for k, (unit_id, community_id) in enumerate(notes):
        scope = "/".join(([f"unit:{unit_id}"] if unit_id else [])
                         + ([f"community:{community_id}"] if community_id else []))
        db.session.add(SummaryNote(scope_key=scope, unit_id=unit_id, community_id=community_id,
                                   year=months[k].year, month=months[k].month,
                                   finalized_at=None if k == 6 else utcnow(),
                                   finalized_by_id=None if k == 6 else world.admin.id))
    tasks = [b.task_on(world.item, world.liaison, month) for month in months]
    surveys = f.item(world.unit, world.community, "facility_survey")
    for step_month in (months[0], months[3], months[2]):
        survey = b.task_on(surveys, world.liaison, months[7])
        handed = b.finding(survey, world.leader, status=FindingStatus.handed_over)
        handed.handed_over_on = step_month
        fixed = b.finding(survey, world.leader, status=FindingStatus.fixed)
        fixed.handed_over_on, fixed.fixed_on = months[7], step_month
        tasks.append(survey)
    off = b.finding(tasks[-2], world.leader, status=FindingStatus.handed_over, active=False)
    off.handed_over_on = months[1]  # no longer counts: changes no month
    db.session.commit()

    alone = {t.id: str(r) for t in tasks if (r := approval_refusal(t, world.liaison))}
    assert [t.id in alone for t in tasks] == [
        True, True, True, False, False, False, False, False, True, False, True]
    assert {k: str(v) for k, v in approval_refusals(tasks, world.liaison).items()} == alone
    assert approval_refusals(tasks, world.admin) == {}
    assert all(approval_refusal(t, world.admin) is None for t in tasks)


def test_a_figure_the_category_does_not_count_is_refused_each_under_its_box(world):
    """import56: 提交完成's one rule with 补录 and the ledger import — 环境整治 counts
    no 完成数量 and no 受益: both given are refused at once, each under its box, nothing
    written; 0 and nothing are no figure."""
    task = f.task(world.item, world.liaison, leader=world.leader,
                  starts_in=-timedelta(days=1))
    db.session.commit()
    with pytest.raises(ServiceErrors) as refusal:
        with unit_of_work():
            submit_report(task, world.leader, data(quantity=3, people_served=20))
    assert [(e.field, str(e.message)) for e in refusal.value.errors] == [
        ("people_served", "“环境整治”不统计受益，请清空此项。"),
        ("quantity", "“环境整治”不统计完成数量，请清空此项。")]
    assert report_count(task) == 0
    with unit_of_work():
        report = submit_report(task, world.leader, data(quantity=0, people_served=None))
    assert (report.quantity, report.people_served) == (0, 0)


def test_every_refused_figure_is_named_at_once(world):
    """Both figures of a category counting both, negative: each named under its box in
    one refusal, not the first alone (import56: ``report_figures`` collects)."""
    with pytest.raises(ServiceErrors) as refusal:
        with unit_of_work():
            submit_report(world.past_task, world.leader, data(quantity=-1, people_served=-2))
    assert [(e.field, str(e.message)) for e in refusal.value.errors] == [
        ("quantity", "数量不能为负数。"), ("people_served", "数量不能为负数。")]
    assert report_count(world.past_task) == 0
