"""A participant left out of an approved activity, a second record of the same
activity, and 撤销审核 (review findings "past" 1 and 3).

One real activity counts once: a member who took part but is not on it is added to
it (人次 and hours grow, 次 does not), never recorded as a second activity. A mistake
in an approved activity is corrected after an admin's 撤销审核, by the usual path."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests import factories as f
from tests.audit import work_event_count
from tests.services.test_backfill import data, day_scope, people, recorded, task_count  # noqa: F401
from tests.services.test_claims import audits, refused
from tracker.backfill_requests.queries import requestable_tasks
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    ReportStatus,
    SummaryNote,
    Task,
    TaskStatus,
)
from tracker.reports.summary import build_summary
from tracker.rollups.figures import totals
from tracker.services import PermissionDenied, unit_of_work
from tracker.services.backfill import Participant, add_forgotten_participant, record_past_activity
from tracker.services.claims import correct_minutes
from tracker.services.backfill_requests import (
    RequestData,
    adopt_into_task,
    adopt_through_backfill,
    ask_backfill,
    is_requestable,
    needs_backfill_form,
)
from tracker.services.reviews import ReportData, approve_report, reopen_report, submit_report
from tracker.services.tasks import TaskDetails, update_task
from tracker.timeutil import to_local, utcnow


def clean_up_of_three(world, people):  # noqa: F811
    """One clean-up, 09:00–11:00 three days ago, recorded with three members."""
    return recorded(world, data(people, participants=[Participant(m) for m in people[:3]]))


def alone(people, member, **changes):  # noqa: F811
    """The 补录 form's data with ``member`` as its one participant and leader."""
    return data(people, participants=[Participant(member)], leader=member, **changes)


def month_text(world, task) -> str:
    day = task.service_date
    summary = build_summary(day.year, day.month, unit=world.unit)
    return "\n".join(p.heading + p.text for p in summary.paragraphs)


def counted(world, task):
    official = totals(day_scope(world, task.service_date))
    return official.activities, official.person_times, official.minutes


def add(world, task, member, minutes=None, actor=None):
    with unit_of_work():
        return add_forgotten_participant(actor or world.liaison, task, member, minutes)


def finalise_month_of(world, task):
    day = task.service_date
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=day.year, month=day.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()


# --- 添加遗漏的参加人员 ----------------------------------------------------------------------

def test_a_forgotten_member_adds_one_person_time_and_their_hours_not_an_activity(world, people):  # noqa: F811
    tasks_before = task_count()
    task = clean_up_of_three(world, people)
    # by hand: one clean-up, 3 members × 2 h
    assert counted(world, task) == (1, 3, 360)
    assert "环境整治1次（3人次" in month_text(world, task)

    assignment = add(world, task, people[3], 90)
    db.session.expire_all()

    assert (assignment.status, assignment.minutes) == (AssignmentStatus.done, 90)
    assert task.report.status == ReportStatus.approved and task_count() == tasks_before + 1
    # still one clean-up; 4 人次; 6 h + 1.5 h
    assert counted(world, task) == (1, 4, 450)
    assert "环境整治1次（4人次" in month_text(world, task)
    assert task.taken <= task.slots
    [event] = audits("add_participant", assignment)
    assert event.actor_id == world.liaison.id
    assert (event.detail["member_id"], event.detail["minutes"]) == (people[3].id, 90)


def test_hours_left_out_are_the_activitys_length_and_never_longer(world, people):  # noqa: F811
    task = clean_up_of_three(world, people)
    refused(add_forgotten_participant, world.liaison, task, people[3], 180,
            message="服务时长不能超过活动时长")
    assert add(world, task, people[3]).minutes == 120


def test_a_finalised_month_takes_a_forgotten_member_from_an_admin_only(world, people):  # noqa: F811
    task = clean_up_of_three(world, people)
    finalise_month_of(world, task)
    day = task.service_date
    refused(add_forgotten_participant, world.liaison, task, people[3], None,
            message=f"{day.year}年{day.month}月的月报已定稿")
    assert counted(world, task) == (1, 3, 360)
    add(world, task, people[3], actor=world.admin)
    assert counted(world, task) == (1, 4, 480)


def test_only_an_approved_activity_and_only_its_own_staff(world, people):  # noqa: F811
    refused(add_forgotten_participant, world.liaison, world.past_task, world.other_member, None,
            message="只有完成情况已审核通过的活动")
    task = clean_up_of_three(world, people)
    refused(add_forgotten_participant, world.other_liaison, task, people[3], None,
            error=PermissionDenied)


def test_someone_already_on_it_or_elsewhere_at_that_time_is_refused(world, people):  # noqa: F811
    task = clean_up_of_three(world, people)
    refused(add_forgotten_participant, world.liaison, task, people[0], None,
            message=f"{people[0].name} 已在该任务中")
    start = to_local(task.starts_at).replace(tzinfo=None)
    recorded(world, alone(people, people[3], title="慰问", starts_local=start,
                         ends_local=start + timedelta(hours=1)))
    before = work_event_count()
    refused(add_forgotten_participant, world.liaison, task, people[3], None,
            message="在同一时间已参加“慰问”")
    assert work_event_count() == before


def test_a_member_on_two_overlapping_activities_is_told_of_both(world, people):  # noqa: F811
    """walk7 D3: adding a forgotten participant names every activity they are on at that
    time, not the first one only."""
    task = clean_up_of_three(world, people)
    start = to_local(task.starts_at).replace(tzinfo=None)
    recorded(world, alone(people, people[3], title="慰问", starts_local=start,
                         ends_local=start + timedelta(hours=1)))
    recorded(world, alone(people, people[3], title="走访", starts_local=start + timedelta(hours=1),
                         ends_local=start + timedelta(hours=2)))
    day = start.strftime("%Y-%m-%d")
    refused(add_forgotten_participant, world.liaison, task, people[3], None,
            message=f"赵六 在同一时间已参加“慰问”（{day} 09:00）；"
                    f"赵六 在同一时间已参加“走访”（{day} 10:00），不能重复记录。")


def test_a_member_wrongly_marked_absent_is_corrected_on_the_activity(world):
    """The leader marked 张三 缺席 and the report was approved: adding him turns that
    participation done — no second row, no second activity."""
    task = world.past_task
    with unit_of_work():
        report = submit_report(task, world.leader, ReportData(quantity=None, people_served=None,
                                                              note="清理", absent_ids={world.member.id}))
    db.session.execute(
        Assignment.__table__.update().where(Assignment.task_id == task.id,
                                            Assignment.member_id == world.leader.id)
        .values(status=AssignmentStatus.done, minutes=60))
    with unit_of_work():
        approve_report(report, world.liaison)
    assert counted(world, task)[:2] == (1, 1)
    rows = db.session.scalar(select(func.count(Assignment.id)).where(Assignment.task_id == task.id))

    assignment = add(world, task, world.member, 60)

    assert assignment.status == AssignmentStatus.done
    assert db.session.scalar(select(func.count(Assignment.id))
                             .where(Assignment.task_id == task.id)) == rows
    assert counted(world, task) == (1, 2, 120)
    assert audits("add_participant", assignment)[0].detail["was_absent"] is True


# --- the same activity recorded twice ---------------------------------------------------

def test_a_second_record_of_the_same_activity_is_refused_and_names_it(world, people):  # noqa: F811
    task = clean_up_of_three(world, people)
    before = task_count(), work_event_count()
    error = refused(record_past_activity, world.liaison, world.item,
                    alone(people, people[3]), message="该活动已记录")
    assert f"任务编号{task.id}" in str(error) and "添加遗漏的参加人员" in str(error)
    assert (task_count(), work_event_count()) == before
    assert counted(world, task) == (1, 3, 360)


def test_the_same_activity_is_one_rule_item_title_start_and_end(world, people):  # noqa: F811
    """What counts as "the same activity" is written once (``backfill.same_activity``;
    code review #5), and the one-form 补录's refusal and the ledger import's 已存在 /
    已作废 look-ups all read it: the same checklist line (any year's item of it), title
    (blanks around it are not part of it), start and end, in any state; any one of them
    different is another activity."""
    from tracker.services.backfill import already_recorded, same_activity

    task = clean_up_of_three(world, people)
    other_item = f.item(world.unit, world.community, "epidemic_duty")
    db.session.commit()
    same = dict(item=world.item, title=f"  {task.title} ", starts_at=task.starts_at,
                ends_at=task.ends_at)

    def matches(**changes) -> list[int]:
        return list(db.session.scalars(select(Task.id).where(
            *same_activity(**(same | changes)))))

    assert matches() == [task.id] and already_recorded(**same) == task
    assert matches(title="另一条街清理") == []
    assert matches(item=other_item) == []
    # another year's item of the same checklist line is the same line: the same activity
    next_year = f.item(world.unit, world.community, "environment_cleanup",
                       year=world.item.year + 1)
    db.session.commit()
    assert matches(item=next_year) == [task.id] and already_recorded(**same | {
        "item": next_year}) == task
    assert matches(starts_at=task.starts_at + timedelta(minutes=30)) == []
    assert matches(ends_at=task.ends_at + timedelta(minutes=30)) == []
    task.status = TaskStatus.cancelled  # still the same activity, no longer on record
    db.session.commit()
    assert matches() == [task.id] and already_recorded(**same) is None


def test_an_activity_on_last_years_item_is_still_the_same_once_its_years_item_is_added(
        world, people):  # noqa: F811
    """Recorded while its year's checklist had no such line, an activity stays on last
    year's item; once the admin adds this year's, the 补录 form would put the same
    activity on the new item — and it is refused as already recorded, naming it, from
    either item, not as an overlap of its own participant."""
    payload = alone(people, people[0], quantity=3)
    year = payload.starts_local.year
    last_years = f.item(world.unit, world.community, "ad_removal", year=year - 1)
    db.session.commit()
    with unit_of_work():
        task = record_past_activity(world.liaison, last_years, payload)
    assert task.resource_item_id == last_years.id
    this_years = f.item(world.unit, world.community, "ad_removal", year=year)
    db.session.commit()
    before = task_count(), work_event_count()
    for item in (this_years, last_years):
        again = alone(people, people[0], quantity=3)
        error = refused(record_past_activity, world.liaison, item, again, message="该活动已记录")
        assert f"任务编号{task.id}" in str(error) and "添加遗漏的参加人员" in str(error)
    assert (task_count(), work_event_count()) == before


def test_another_activity_at_the_same_time_is_still_recordable(world, people):  # noqa: F811
    clean_up_of_three(world, people)
    other = recorded(world, alone(people, people[3], title="另一条街清理"))
    assert other.report.status == ReportStatus.approved


def test_a_cancelled_activity_does_not_stop_recording_it(world, people):  # noqa: F811
    task = world.past_task
    start = to_local(task.starts_at).replace(tzinfo=None)
    end = to_local(task.ends_at).replace(tzinfo=None)
    task.status = TaskStatus.cancelled
    db.session.commit()
    recorded(world, alone(people, people[3], title=task.title, starts_local=start,
                         ends_local=end))


def test_a_member_marked_absent_on_the_same_activity_is_corrected_there_not_recorded_again(
        world, people):  # noqa: F811
    task = clean_up_of_three(world, people)
    db.session.execute(Assignment.__table__.update().where(
        Assignment.task_id == task.id, Assignment.member_id == people[0].id)
        .values(status=AssignmentStatus.absent, minutes=None))
    db.session.commit()
    start = to_local(task.starts_at).replace(tzinfo=None)
    error = refused(record_past_activity, world.liaison, world.item,
                    alone(people, people[0], title="背街清理",
                         starts_local=start + timedelta(minutes=30),
                         ends_local=start + timedelta(hours=1)),
                    message=f"{people[0].name} 在同一活动")
    assert "缺席" in str(error) and f"任务编号{task.id}" in str(error)


# --- 补录申请 naming an approved activity ----------------------------------------------------

def test_a_request_naming_an_approved_activity_adds_the_member_to_it(world, people):  # noqa: F811
    task = clean_up_of_three(world, people)
    tasks_before = task_count()
    with unit_of_work():
        request = ask_backfill(people[3], world.community,
                               RequestData(service_date=None, minutes=120, task=task))
    assert not needs_backfill_form(request)
    refused(adopt_through_backfill, world.liaison, world.item, alone(people, people[3]),
            request, message="请在补录申请列表中直接采纳")

    with unit_of_work():
        assignment = adopt_into_task(request, world.liaison).assignment

    assert assignment.task_id == task.id and request.result_task_id == task.id
    assert task_count() == tasks_before
    assert counted(world, task) == (1, 4, 480)
    assert "环境整治1次（4人次" in month_text(world, task)


def asks_and_is_added(world, task):
    """``world.member``, on the approved ``task`` but not counted, may ask for it; 采纳
    adds her to it, done."""
    assert is_requestable(task, world.member)
    assert task in requestable_tasks(world.member, [world.community.id])
    with unit_of_work():
        request = ask_backfill(world.member, world.community,
                               RequestData(service_date=None, minutes=60, task=task))
    with unit_of_work():
        adopt_into_task(request, world.liaison)
    assert db.session.scalar(select(Assignment.status).where(
        Assignment.task_id == task.id, Assignment.member_id == world.member.id)) \
        == AssignmentStatus.done


def test_a_member_marked_absent_on_an_approved_activity_may_ask_for_it(world):
    task = world.past_task
    with unit_of_work():
        report = submit_report(task, world.leader, ReportData(quantity=None, people_served=None,
                                                              note="清理", absent_ids={world.member.id}))
    assert not is_requestable(task, world.member)  # the leader can still correct it
    with unit_of_work():
        approve_report(report, world.liaison)
    asks_and_is_added(world, task)


@pytest.mark.parametrize("left_as", [AssignmentStatus.claimed, AssignmentStatus.checked_in])
def test_a_member_not_counted_at_approval_may_ask_for_the_activity(world, left_as):
    """Approval is final: a claim or a check-in not confirmed by 通过 does not count, and
    only the liaison can add the member then — so the member may ask, as one marked 缺席
    may (review37c 2: the task page sends her to the liaison, the request must reach them)."""
    task = world.past_task
    db.session.execute(update(Assignment).where(
        Assignment.task_id == task.id, Assignment.member_id == world.member.id
    ).values(status=left_as))
    db.session.commit()
    with unit_of_work():
        report = submit_report(task, world.leader, ReportData(quantity=None, people_served=None,
                                                              note="清理", absent_ids=set()))
    assert not is_requestable(task, world.member)  # still hers to confirm
    with unit_of_work():
        approve_report(report, world.liaison, count_checked_in=False)
    asks_and_is_added(world, task)


# --- 撤销审核 ------------------------------------------------------------------------------

def test_an_admin_reopens_a_mistyped_record_and_it_is_corrected_by_the_usual_path(world, people):  # noqa: F811
    task = clean_up_of_three(world, people)
    refused(reopen_report, task.report, world.liaison, "时间填错", message="只有单位管理员")
    refused(reopen_report, task.report, world.admin, "  ", message="请填写撤销审核的原因")
    assert task.report.status == ReportStatus.approved

    with unit_of_work():
        reopen_report(task.report, world.admin, "结束时间填错")
    db.session.expire_all()
    assert task.report.status == ReportStatus.returned
    assert task.report.return_reason == "结束时间填错"
    assert task.status == TaskStatus.open
    # counts nowhere until approved again
    assert counted(world, task) == (0, 0, 0)
    assert "环境整治" not in month_text(world, task)
    [event] = audits("reopen_report", task.report)
    assert event.actor_id == world.admin.id and event.detail["reason"] == "结束时间填错"

    # the usual path: edit (the hours fit), assign, report again, approve
    start = to_local(task.starts_at).replace(tzinfo=None)
    with unit_of_work():
        update_task(task, world.admin, TaskDetails(title="背街小巷清理", place=task.place,
                                                   starts_local=start,
                                                   ends_local=start + timedelta(hours=2),
                                                   slots=task.slots))
    with unit_of_work():
        report = submit_report(task, world.liaison, ReportData(quantity=None, people_served=None,
                                                               note="清理（更正名称）"))
    with unit_of_work():
        approve_report(report, world.liaison)
    assert counted(world, task) == (1, 3, 360)
    assert db.session.get(Task, task.id).title == "背街小巷清理"


def test_only_an_approved_report_is_reopened(world):
    from tests.web.manage_support import submitted_report
    report = submitted_report(world.past_task, world.leader)
    refused(reopen_report, report, world.admin, "错了", message="只有已审核通过的完成情况")


def test_participant_default_is_all_the_time(world, people):  # noqa: F811
    """(a guard for the helpers above: a Participant without minutes serves it all)"""
    assert Participant(people[0]).minutes is None


# --- 改正服务时长 ----------------------------------------------------------------------------

def test_hours_typed_wrong_in_a_record_are_corrected_after_reopening(world, people):  # noqa: F811
    """The reviewer's case: a 补录 typed 19:00–03:00 gives each member 8 hours for a
    2-hour activity. After 撤销审核 the liaison corrects each member's hours (with a
    reason, audited), the end is moved back, and approved again it counts 2 hours each.
    While approved, hours are not corrected."""
    start = to_local(utcnow()).replace(tzinfo=None, hour=19, minute=0, second=0,
                                       microsecond=0) - timedelta(days=3)
    task = recorded(world, data(people, starts_local=start, ends_local=start + timedelta(hours=8),
                                participants=[Participant(m) for m in people[:2]],
                                leader=people[0]))
    first, second = sorted(task.assignments, key=lambda a: a.id)
    assert counted(world, task) == (1, 2, 960)
    refused(correct_minutes, first, world.liaison, 120, "时间填错", message="请由单位管理员先撤销审核")

    with unit_of_work():
        reopen_report(task.report, world.admin, "结束时间填错")
    refused(correct_minutes, first, world.liaison, 120, "  ", message="请填写改正的原因")
    refused(correct_minutes, first, world.liaison, 45, "时间填错", message="0.5小时的整数倍")
    refused(correct_minutes, first, world.leader, 120, "时间填错", error=PermissionDenied)
    for assignment in (first, second):
        with unit_of_work():
            assert correct_minutes(assignment, world.liaison, 120, "实际只有两小时") == 480
    [event] = audits("correct_minutes", first)
    assert (event.detail["old_minutes"], event.detail["minutes"]) == (480, 120)
    assert event.detail["reason"] == "实际只有两小时"

    with unit_of_work():  # the end can now be moved back: no confirmed hours exceed it
        update_task(task, world.liaison, TaskDetails(title=task.title, place=task.place,
                                                     starts_local=start,
                                                     ends_local=start + timedelta(hours=2),
                                                     slots=task.slots))
    with unit_of_work():
        report = submit_report(task, world.liaison, ReportData(quantity=None, people_served=None,
                                                               note="更正时长"))
    with unit_of_work():
        approve_report(report, world.liaison)
    assert counted(world, task) == (1, 2, 240)


def test_only_confirmed_hours_of_a_live_task_are_corrected(world):
    """A member who has not confirmed has no hours to correct; a cancelled task's hours
    count nowhere."""
    task = world.past_task
    mine = db.session.scalar(select(Assignment).where(Assignment.task_id == task.id,
                                                      Assignment.member_id == world.member.id))
    mine.status, mine.minutes = AssignmentStatus.assigned, None
    db.session.commit()
    refused(correct_minutes, mine, world.liaison, 60, "改正", message="只有已确认参与")
    mine.status, mine.minutes, task.status = AssignmentStatus.done, 60, TaskStatus.cancelled
    db.session.commit()
    refused(correct_minutes, mine, world.liaison, 30, "改正", message="该任务已取消")
