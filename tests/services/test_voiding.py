"""作废: a whole recorded activity that did not happen (review finding "past" 3, open in
session 20). A 补录 typed by mistake — or imported twice, or approved by mistake — could
not be taken back: 撤销审核 then 取消 was refused once members' hours were confirmed.
Voided, it counts nowhere — the month's 活动次数, 人次 and hours, the member's own hours
and 服务记录, 参与情况 and the checklist go back to what they were before it was recorded —
and nothing is deleted: the task, its participations, its report stay, marked, with who,
when and why."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests import factories as f
from tests.audit import work_event_count
from tests.owed_marks import assert_marks_follow_the_rule
from tests.services.test_backfill import data, day_scope, people, recorded  # noqa: F401
from tests.services.test_claims import audits, refused
from tests.services.test_forgotten_participant import finalise_month_of, month_text
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    Finding,
    FindingKind,
    ReportStatus,
    Task,
    TaskStatus,
)
from tracker.reports.records import service_record
from tracker.rollups.checklist import resource_progress
from tracker.rollups.coverage import coverage
from tracker.rollups.member_status import member_totals
from tracker.rollups.figures import totals
from tracker.services import PermissionDenied, unit_of_work
from tracker.services.backfill import (
    Participant,
    add_forgotten_participant,
    record_past_activity,
)
from tracker.services.backfill_requests import RequestData, adopt_through_backfill, ask_backfill
from tracker.services.findings import FindingData
from tracker.services.reviews import ReportData, approve_report, reopen_report, submit_report
from tracker.services.tasks import cancel_task
from tracker.services.voiding import void_activity


def void(task, actor, reason="误录：当天并未开展该活动"):
    with unit_of_work():
        void_activity(task, actor, reason)
    db.session.expire_all()


def confirm_hours(task, minutes):
    """Everyone on ``task`` confirmed ``minutes``."""
    for assignment in task.assignments:
        assignment.status, assignment.minutes = AssignmentStatus.done, minutes
    db.session.commit()


def month_of(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    return start, (start + timedelta(days=32)).replace(day=1)


def figures(world, member, day, item_id=None):
    """What the activity would move, each as the page that shows it counts it: the day's
    活动次数, 人次 and hours; the member's own activities and hours of the year and the
    rows of their 服务记录; the unit's 参与情况 of the month (took part, 人次); the
    checklist item's 完成 in the day's year (``item_id``: the line's item of that year;
    by default the world's)."""
    official = totals(day_scope(world, day))
    year = (date(day.year, 1, 1), date(day.year + 1, 1, 1))
    cover = coverage(world.unit.id, *month_of(day))
    [item] = [i for i in resource_progress(day.year, [world.community.id])
              if i.item_id == (item_id or world.item.id)]
    return dict(day=(official.activities, official.person_times, official.minutes),
                member=member_totals(member.id, *year),
                record=len(service_record(member, day.year).rows),
                coverage=(cover.took_part, cover.person_times),
                checklist=item.done)


def test_a_voided_record_counts_nowhere_and_every_figure_is_back_to_before(world, people):  # noqa: F811
    day = (recorded_day := data(people).starts_local.date())
    # Three days ago: last year's on 1-3 January, when the line's item of that year is
    # the one the activity counts toward.
    line = world.item.id
    if day.year != world.item.year:
        line = f.item(world.unit, world.community, world.item.category, year=day.year).id
        db.session.commit()
    before = figures(world, people[0], recorded_day, line)
    text_before = month_text(world, world.past_task)  # nothing of the 补录 yet
    task = recorded(world, data(people, participants=[Participant(m) for m in people[:3]]))
    recorded_ = figures(world, people[0], day, line)
    # one clean-up more, 3 人次 and 3 × 2 h more; the member's year one activity and 2 h more
    assert recorded_["day"] == (before["day"][0] + 1, before["day"][1] + 3,
                                before["day"][2] + 360)
    assert recorded_["member"] == (before["member"][0] + 1, before["member"][1] + 120)
    assert recorded_["record"] == before["record"] + 1
    assert recorded_["checklist"] == before["checklist"] + 1
    assert recorded_["coverage"][1] == before["coverage"][1] + 3
    assert "环境整治" in month_text(world, task)

    void(task, world.liaison, "误录：当天并未开展该活动。")

    assert figures(world, people[0], day, line) == before
    assert month_text(world, task) == text_before
    assert_marks_follow_the_rule()  # a voided activity owes no report either

    # nothing deleted: the task, its people with their hours, its report — marked
    task = db.session.get(Task, task.id)
    assert task.status == TaskStatus.cancelled and task.report.status == ReportStatus.voided
    assert {(a.member_id, a.status, a.minutes) for a in task.assignments} == \
        {(m.id, AssignmentStatus.done, 120) for m in people[:3]}
    [event] = audits("void", task)
    assert event.actor_id == world.liaison.id
    assert event.detail["reason"] == "误录：当天并未开展该活动。"
    assert event.detail["report_status"] == "approved" and event.detail["backfilled"] is True
    assert event.detail["participants"] == {str(m.id): 120 for m in people[:3]}


def test_a_reason_is_required_and_an_activity_is_voided_once(world, people):  # noqa: F811
    task = recorded(world, data(people))
    events = work_event_count()
    refused(void_activity, task, world.liaison, "  ", message="请填写作废的原因")
    refused(void_activity, task, world.liaison, "x" * 501, message="不能超过500个字")
    assert work_event_count() == events and task.report.status == ReportStatus.approved

    void(task, world.liaison)
    events = work_event_count()
    refused(void_activity, task, world.admin, "再次作废", message="该活动已作废")
    refused(cancel_task, task, world.liaison, "取消", message="已取消")
    assert work_event_count() == events


def test_the_communitys_liaison_or_an_admin_and_in_a_finalised_month_an_admin_only(world, people):  # noqa: F811
    task = recorded(world, data(people))
    for stranger in (world.member, world.leader, world.other_liaison):
        refused(void_activity, task, stranger, "误录", error=PermissionDenied)

    finalise_month_of(world, task)
    day = task.service_date
    refused(void_activity, task, world.liaison, "误录",
            message=f"{day.year}年{day.month}月的月报已定稿，作废该月的活动须由单位管理员操作")
    assert task.report.status == ReportStatus.approved
    void(task, world.admin)
    assert db.session.get(Task, task.id).report.status == ReportStatus.voided


def test_an_activity_approved_by_mistake_is_voided_the_same_way(world):
    """Not only a 补录: a task claimed, confirmed, reported and approved for an activity
    that did not take place."""
    task = world.past_task
    before = totals(day_scope(world, task.service_date))
    confirm_hours(task, 60)
    with unit_of_work():
        report = submit_report(task, world.leader, ReportData(None, None, "已完成"))
    with unit_of_work():
        approve_report(report, world.liaison)
    assert totals(day_scope(world, task.service_date)).activities == before.activities + 1

    void(task, world.liaison)
    after = totals(day_scope(world, task.service_date))
    assert (after.activities, after.person_times, after.minutes) == \
        (before.activities, before.person_times, before.minutes)


def test_confirmed_hours_without_a_report_are_voided_and_a_task_with_nothing_is_cancelled(world):
    """取消任务 is refused once hours are confirmed (they would vanish unannounced): 作废 is
    the way, and the members are told. A task with nothing on record is simply cancelled."""
    task = world.past_task
    confirm_hours(task, 60)
    refused(cancel_task, task, world.liaison, "没有开展", message="不能取消")
    void(task, world.liaison)
    task = db.session.get(Task, task.id)
    assert task.status == TaskStatus.cancelled and task.report is None

    empty = f.task(world.item, world.liaison, title="无人参加", starts_in=-timedelta(days=2))
    db.session.commit()
    refused(void_activity, empty, world.liaison, "误录", message="请取消任务")


def test_after_voiding_the_activity_may_be_recorded_again_correctly(world, people):  # noqa: F811
    """The usual reason: typed wrong or imported twice. The voided one does not block a
    new record of the same activity (it is no longer "already recorded")."""
    task = recorded(world, data(people))
    void(task, world.liaison, "重复录入")
    again = recorded(world, data(people))
    assert again.id != task.id and again.report.status == ReportStatus.approved
    assert totals(day_scope(world, again.service_date)).activities >= 1


def test_a_record_adopted_from_a_request_is_voided_and_its_member_loses_the_hours(world, people):  # noqa: F811
    with unit_of_work():
        request = ask_backfill(world.member, world.community,
                               RequestData(service_date=data(people).starts_local.date(),
                                           minutes=120, description="晚上楼道清理"))
    year = (date(request.service_date.year, 1, 1), date(request.service_date.year + 1, 1, 1))
    before = member_totals(world.member.id, *year)
    with unit_of_work():
        task = adopt_through_backfill(world.liaison, world.item,
                                      data(people, participants=[Participant(world.member)],
                                           leader=world.member), request)
    assert member_totals(world.member.id, *year) == (before[0] + 1, before[1] + 120)
    void(task, world.liaison)
    assert member_totals(world.member.id, *year) == before


def test_a_voided_survey_takes_its_findings_off_the_register(world, people):  # noqa: F811
    item = f.item(world.unit, world.community, "facility_survey")
    db.session.commit()
    payload = data(people, findings=[FindingData(FindingKind.sewer, "解放路12号", "井盖破损")])
    with unit_of_work():
        task = record_past_activity(world.liaison, item, payload)
    [finding] = db.session.scalars(select(Finding).where(Finding.task_id == task.id))
    assert finding.active
    void(task, world.liaison)
    assert not db.session.get(Finding, finding.id).active
    assert [e.detail["voided"] for e in audits("deactivate_finding", finding)] == [True]


def test_nothing_more_is_added_to_or_reopened_on_a_voided_activity(world, people):  # noqa: F811
    task = recorded(world, data(people, participants=[Participant(m) for m in people[:3]]))
    void(task, world.liaison)
    refused(add_forgotten_participant, world.liaison, task, people[3], None,
            message="该任务已取消")
    # 作废's own words, not a report merely not approved (since49b's Open)
    refused(reopen_report, task.report, world.admin, "恢复", message="该活动已作废。")
    assert db.session.query(Assignment).filter_by(task_id=task.id).count() == 3


def test_a_task_voided_before_any_report_is_voided(world):
    """作废 has one meaning, with or without a report (code review #1): a task whose
    members confirmed their hours but whose report was never written, once voided, is
    voided — a second 作废 says so, not 「该任务已取消。」 — and a task cancelled before
    anything was recorded is not voided."""
    from tracker.services.voiding import is_voided

    task = world.past_task
    confirm_hours(task, 60)
    void(task, world.liaison)
    task = db.session.get(Task, task.id)
    assert task.report is None and is_voided(task)
    refused(void_activity, task, world.admin, "再次作废", message="该活动已作废。")

    with unit_of_work():
        cancel_task(world.task, world.liaison, "下雨")
    cancelled = db.session.get(Task, world.task.id)
    assert not is_voided(cancelled)
    refused(void_activity, cancelled, world.admin, "作废", message="该任务已取消。")


def _signed(world, day):
    from tracker.models import SummaryNote
    from tracker.timeutil import utcnow

    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=day.year, month=day.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()


def _approved_two_months_ago(world, code="facility_survey", item=None):
    """An approved activity of the month before last (open), and last month's last day."""
    from tests.rollups import builders as b
    from tracker.timeutil import local_today

    last_month = local_today().replace(day=1) - timedelta(days=1)
    before = last_month.replace(day=1) - timedelta(days=1)
    item = item or f.item(world.unit, world.community, code)
    task = b.task_on(item, world.liaison, before, leader=world.leader, hour=14)
    b.join(task, world.leader, minutes=60)
    b.report(task, world.leader, ReportStatus.approved, quantity=1)
    return task, last_month


def test_a_survey_whose_finding_was_handed_over_in_a_finalised_month_is_voided_by_an_admin(
        world):
    """Its finding's 移交 counts in the signed month's 月报 (本月移交): voiding the survey
    takes it out of that month, so it is an admin's, though the survey's own month is open."""
    from tracker.models import FindingStatus

    task, last_month = _approved_two_months_ago(world)
    finding = Finding(task_id=task.id, unit_id=task.unit_id, community_id=task.community_id,
                      found_on=task.service_date, kind=FindingKind.sewer, place="路口",
                      status=FindingStatus.handed_over, handed_to="县住建局",
                      handed_over_on=last_month, created_by_id=world.leader.id, active=True)
    db.session.add(finding)
    db.session.commit()
    void(task, world.liaison)  # last month not signed: the liaison's
    assert db.session.get(Task, task.id).report.status == ReportStatus.voided

    task, last_month = _approved_two_months_ago(world, item=task.resource_item)
    db.session.add(Finding(task_id=task.id, unit_id=task.unit_id, community_id=task.community_id,
                           found_on=task.service_date, kind=FindingKind.road, place="路口",
                           status=FindingStatus.fixed, handed_to="县住建局",
                           handed_over_on=task.service_date, fixed_on=last_month,
                           created_by_id=world.leader.id, active=True))
    _signed(world, last_month)
    refused(void_activity, task, world.liaison, "误录",
            message=f"该活动的数据也计入{last_month.year}年{last_month.month}月的月报")
    assert task.report.status == ReportStatus.approved
    void(task, world.admin)
    assert db.session.get(Task, task.id).report.status == ReportStatus.voided


def test_an_activity_whose_approval_fulfilled_a_need_in_a_finalised_month_is_voided_by_an_admin(
        world):
    """The need its approval fulfilled counts in the 月报 of the day it was fulfilled
    (完成微心愿N个): a void gives it back, which changes that signed month."""
    from tests.needs.support import need
    from tracker.models import NeedStatus
    from tracker.timeutil import utcnow

    task, last_month = _approved_two_months_ago(world, "environment_cleanup")
    need(world.community, world.liaison, status=NeedStatus.fulfilled, task_id=task.id,
         fulfilled_on=last_month, fulfilled_at=utcnow(), fulfilled_by_id=world.liaison.id)
    _signed(world, last_month)
    refused(void_activity, task, world.liaison, "误录",
            message=f"该活动的数据也计入{last_month.year}年{last_month.month}月的月报")
    void(task, world.admin)
    assert db.session.get(Task, task.id).report.status == ReportStatus.voided
def test_a_confirmation_from_a_page_read_before_the_void_is_refused(world):
    """The member opened 确认参与 while the activity was live and sends it after the
    liaison voided it (session 22's open item): the confirmation reads the task again
    under the activity's lock, finds it voided, and is refused in so many words; nothing
    is written — no hours, no 确认 in the trail — so no done participation sits unseen
    on the voided activity. (The two-process race: test_confirm_void_race.py.)"""
    from sqlalchemy.orm.attributes import set_committed_value

    from tests.services.test_claims import assignment_of
    from tracker.services.claims import confirm_participation

    task = world.past_task
    leader = assignment_of(task, world.leader)
    leader.status, leader.minutes = AssignmentStatus.done, 120  # on record: it may be voided
    db.session.commit()
    void(task, world.liaison)
    mine = assignment_of(task, world.member)
    set_committed_value(mine.task, "status", TaskStatus.open)  # what the page had read
    events = work_event_count()
    refused(confirm_participation, mine, world.member, 60,
            message="该任务已取消或作废，服务时长不再计入，不能确认参与。")
    db.session.expire_all()
    mine = db.session.get(Assignment, mine.id)
    assert (mine.status, mine.minutes, mine.confirmed_at) == \
        (AssignmentStatus.claimed, None, None)
    assert work_event_count() == events
