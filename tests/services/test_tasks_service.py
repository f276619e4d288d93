"""Creating, editing, closing and cancelling tasks, without HTTP."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    ReportStatus,
    Task,
    TaskReport,
    TaskStatus,
)
from tracker.services import PermissionDenied, ServiceError
from tracker.services.claims import claim_slot
from tracker.services.tasks import (
    TaskData,
    TaskDetails,
    cancel_task,
    change_leader,
    close_task,
    create_tasks,
    off_checklist_note,
    update_task,
)
from tracker.rollups.checklist import resource_progress
from tracker.rollups.figures import figures
from tests.plans import figures_by_category
from tracker.rollups.scope import Scope
from tracker.timeutil import LOCAL_TZ, to_local, utcnow


def _local(days: int, hour: int, minute: int = 0) -> datetime:
    """A naive Asia/Shanghai wall-clock time ``days`` from today."""
    today = to_local(utcnow()).date() + timedelta(days=days)
    return datetime(today.year, today.month, today.day, hour, minute)


def _data(**changes) -> TaskData:
    values = dict(title="环境整治", place="解放路12号", starts_local=_local(3, 9),
                  ends_local=_local(3, 11, 30), slots=8, beneficiary="社区居民",
                  description="清理楼道杂物")
    values.update(changes)
    return TaskData(**values)


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def _task_count() -> int:
    return len(db.session.scalars(select(Task.id)).all())


# --- create_tasks -------------------------------------------------------------------------

def test_create_single_task_copies_the_item_and_stores_utc(world):
    [task] = create_tasks(world.liaison, world.item, _data(leader=world.leader))
    assert task.community_id == world.community.id
    assert task.unit_id == world.unit.id
    assert task.category_id == world.item.category_id
    assert task.resource_item_id == world.item.id
    # 09:00 in Shanghai is 01:00 UTC, and the service date is the local date.
    assert task.starts_at.utcoffset() == timedelta(0)
    assert to_local(task.starts_at).hour == 9
    assert (task.starts_at.hour, task.starts_at.minute) == (1, 0)
    assert to_local(task.ends_at).strftime("%H:%M") == "11:30"
    assert task.service_date == _local(3, 9).date()
    assert task.slots == 8 and task.taken == 0
    assert task.status == TaskStatus.open
    assert task.leader_id == world.leader.id
    assert task.series_id is None
    assert len(_events("create")) == 1


def test_service_date_is_the_local_date_when_utc_is_still_the_day_before(world):
    # 07:00 in Shanghai is 23:00 UTC of the previous day.
    [task] = create_tasks(world.liaison, world.item,
                          _data(starts_local=_local(5, 7), ends_local=_local(5, 8)))
    assert task.starts_at.date() == _local(4, 7).date()
    assert task.service_date == _local(5, 7).date()


def test_weekly_series_creates_every_week_until_the_date(world):
    first = _local(2, 19)
    until = (first + timedelta(weeks=3, days=2)).date()
    tasks = create_tasks(world.liaison, world.item,
                         _data(starts_local=first, ends_local=first + timedelta(hours=2),
                               repeat_until=until))
    assert len(tasks) == 4
    assert [t.service_date for t in tasks] == [
        (first + timedelta(weeks=n)).date() for n in range(4)
    ]
    for n, task in enumerate(tasks):
        local = to_local(task.starts_at)
        assert local.tzinfo is not None and local.utcoffset() == timedelta(hours=8)
        assert local.replace(tzinfo=None) == first + timedelta(weeks=n)
        assert task.ends_at - task.starts_at == timedelta(hours=2)
    assert len({t.series_id for t in tasks}) == 1 and tasks[0].series_id
    assert len({t.checkin_token for t in tasks}) == 4
    assert len(_events("create")) == 4


def test_series_ending_on_a_start_day_includes_that_day(world):
    first = _local(1, 9)
    tasks = create_tasks(world.liaison, world.item,
                         _data(starts_local=first, ends_local=first + timedelta(hours=1),
                               repeat_until=(first + timedelta(weeks=2)).date()))
    assert len(tasks) == 3


def test_a_late_evening_series_keeps_local_dates(world):
    first = _local(1, 23, 30)  # 15:30 UTC, same date; local date is what counts
    tasks = create_tasks(world.liaison, world.item,
                         _data(starts_local=first, ends_local=first + timedelta(minutes=30),
                               repeat_until=(first + timedelta(weeks=1)).date()))
    assert [t.service_date for t in tasks] == [first.date(), (first + timedelta(weeks=1)).date()]


def test_liaison_of_another_community_may_not_create(world):
    before = _task_count()
    with pytest.raises(PermissionDenied):
        create_tasks(world.other_liaison, world.item, _data())
    assert _task_count() == before


def test_member_may_not_create(world):
    with pytest.raises(PermissionDenied):
        create_tasks(world.member, world.item, _data())


def test_admin_may_create_anywhere(world):
    [task] = create_tasks(world.admin, world.other_item, _data())
    assert task.community_id == world.other_community.id


@pytest.mark.parametrize("changes, field", [
    ({"title": "  "}, "title"),
    ({"title": "长" * 121}, "title"),
    ({"place": ""}, "place"),
    ({"beneficiary": "人" * 121}, "beneficiary"),
    ({"slots": 0}, "slots"),
    ({"slots": -1}, "slots"),
    ({"slots": 501}, "slots"),
    ({"ends_local": _local(3, 9)}, "ends_at"),
    ({"ends_local": _local(3, 8)}, "ends_at"),
    ({"ends_local": _local(4, 10)}, "ends_at"),
    ({"starts_local": _local(800, 9), "ends_local": _local(800, 10)}, "starts_at"),
    ({"repeat_until": _local(3, 9).date()}, "repeat_until"),
    ({"repeat_until": _local(1, 9).date()}, "repeat_until"),
    ({"repeat_until": _local(400, 9).date()}, "repeat_until"),
])
def test_create_refuses_bad_details(world, changes, field):
    before = _task_count()
    with pytest.raises(ServiceError) as caught:
        create_tasks(world.liaison, world.item, _data(**changes))
    assert caught.value.field == field
    assert _task_count() == before


def test_create_refuses_an_inactive_item_or_leader(world):
    world.leader.active = False
    with pytest.raises(ServiceError):
        create_tasks(world.liaison, world.item, _data(leader=world.leader))
    world.item.active = False
    with pytest.raises(ServiceError):
        create_tasks(world.liaison, world.item, _data())


# --- update_task --------------------------------------------------------------------------

def _details(task: Task, **changes) -> TaskDetails:
    values = dict(title=task.title, place=task.place,
                  starts_local=to_local(task.starts_at).replace(tzinfo=None),
                  ends_local=to_local(task.ends_at).replace(tzinfo=None), slots=task.slots,
                  beneficiary=task.beneficiary, description=task.description)
    values.update(changes)
    return TaskDetails(**values)


def test_update_changes_details_and_recomputes_the_service_date(world):
    task = world.task
    start = _local(10, 7)  # 23:00 UTC the day before
    changes = update_task(task, world.liaison, _details(
        task, title="楼道清理", place="建设路3号", starts_local=start,
        ends_local=start + timedelta(hours=3), slots=12))
    db.session.expire_all()
    task = db.session.get(Task, world.task.id)
    assert task.title == "楼道清理" and task.place == "建设路3号" and task.slots == 12
    assert to_local(task.starts_at).replace(tzinfo=None) == start
    assert task.service_date == start.date()
    assert set(changes) >= {"title", "place", "starts_at", "ends_at", "service_date", "slots"}
    [event] = _events("update")
    # the audit names the text fields changed, not their words (they may name a resident)
    assert {"title", "place"} <= set(event.detail["fields"]) and "title" not in event.detail
    assert event.detail["slots"][1] == 12
    assert event.actor_id == world.liaison.id


def test_update_without_changes_writes_no_audit(world):
    assert update_task(world.task, world.liaison, _details(world.task)) == {}
    assert _events("update") == []


def test_slots_may_not_drop_below_the_number_taken(world):
    task = world.task
    for m in (world.member, world.other_member, world.leader):
        claim_slot(task, m)
    with pytest.raises(ServiceError) as caught:
        update_task(task, world.liaison, _details(task, slots=2))
    assert caught.value.field == "slots"
    db.session.refresh(task)
    assert task.slots == 5 and task.taken == 3
    update_task(task, world.liaison, _details(task, slots=3))
    db.session.refresh(task)
    assert task.slots == 3


def _reported(task: Task, status: ReportStatus) -> Task:
    """``task`` with its leader's report in ``status``, as the task's own rows see it."""
    db.session.add(TaskReport(task_id=task.id, quantity=1, people_served=1, note="好",
                              status=status, submitted_by_id=task.leader_id))
    db.session.flush()
    db.session.refresh(task)
    return task


def test_update_refused_for_other_community_and_cancelled_or_approved(world):
    with pytest.raises(PermissionDenied):
        update_task(world.task, world.other_liaison, _details(world.task, title="x"))
    past = _reported(world.past_task, ReportStatus.approved)
    with pytest.raises(ServiceError):
        update_task(past, world.liaison, _details(past, title="x"))
    cancel_task(world.task, world.liaison, "下雨")
    with pytest.raises(ServiceError):
        update_task(world.task, world.liaison, _details(world.task, title="x"))
    assert db.session.get(Task, world.task.id).title == "环境整治"


def test_an_old_start_may_stay_but_not_be_moved_far_away(world):
    old_start = datetime.now(LOCAL_TZ).replace(tzinfo=None, microsecond=0) - timedelta(days=500)
    old = f.task(world.item, world.liaison, starts_at=(old_start.replace(tzinfo=LOCAL_TZ)))
    update_task(old, world.liaison, _details(old, title="补录"))
    assert old.title == "补录"
    with pytest.raises(ServiceError) as caught:
        update_task(old, world.liaison, _details(old, starts_local=old_start - timedelta(days=1),
                                                 ends_local=old_start))
    assert caught.value.field == "starts_at"


def _confirm(task: Task, member, minutes: int) -> None:
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.task_id == task.id, Assignment.member_id == member.id))
    assignment.status, assignment.minutes = AssignmentStatus.done, minutes
    db.session.flush()


def test_the_times_of_confirmed_work_must_still_hold_it(world):
    """Past task, 2 hours; the member confirmed 2 hours. A one-hour activity would let
    the approval count 2 hours of it; a start moved past now would count work in a
    month still to come."""
    past = world.past_task
    _confirm(past, world.member, 120)
    start = to_local(past.starts_at).replace(tzinfo=None)
    with pytest.raises(ServiceError, match="已有党员确认了2.0小时的服务时长") as caught:
        update_task(past, world.liaison, _details(past, ends_local=start + timedelta(hours=1)))
    assert caught.value.field == "ends_at"
    later = _local(5, 9)
    with pytest.raises(ServiceError, match="结束时间不能晚于现在"):
        update_task(past, world.liaison, _details(past, starts_local=later,
                                                  ends_local=later + timedelta(hours=2)))
    db.session.refresh(past)
    assert to_local(past.ends_at).replace(tzinfo=None) == start + timedelta(hours=2)
    # still allowed: an earlier start that keeps the 2 hours, and any other change
    update_task(past, world.liaison, _details(past, starts_local=start - timedelta(hours=1),
                                              title="楼道清理（更正）"))
    assert past.title == "楼道清理（更正）"


def test_a_reported_task_may_not_move_past_now(world):
    past = _reported(world.past_task, ReportStatus.submitted)
    later = _local(5, 9)
    with pytest.raises(ServiceError, match="结束时间不能晚于现在"):
        update_task(past, world.liaison, _details(past, starts_local=later,
                                                  ends_local=later + timedelta(hours=2)))


def test_a_task_without_done_work_may_still_move_freely(world):
    start = _local(6, 9)
    update_task(world.task, world.liaison, _details(world.task, starts_local=start,
                                                    ends_local=start + timedelta(minutes=30)))
    assert to_local(world.task.starts_at).replace(tzinfo=None) == start


def test_a_survey_moved_to_another_day_takes_its_findings_along(world):
    """Findings count in the month their survey counts in: a corrected date that left
    them behind made one month's text count findings its table put in another."""
    from tracker.models import Finding, FindingKind, FindingStatus

    survey_item = f.item(world.unit, world.community, "facility_survey")
    start = _local(-40, 9)
    survey = f.task(survey_item, world.liaison, leader=world.leader,
                    starts_at=start.replace(tzinfo=LOCAL_TZ))
    for kind in (FindingKind.sewer, FindingKind.road):
        db.session.add(Finding(task_id=survey.id, unit_id=survey.unit_id,
                               community_id=survey.community_id, found_on=survey.service_date,
                               kind=kind, place="建设路5号", status=FindingStatus.found,
                               created_by_id=world.leader.id, active=True))
    db.session.flush()
    moved = _local(-35, 9)
    update_task(survey, world.liaison, _details(survey, starts_local=moved,
                                                ends_local=moved + timedelta(hours=2)))
    db.session.expire_all()
    assert {f_.found_on for f_ in db.session.scalars(
        select(Finding).where(Finding.task_id == survey.id))} == {moved.date()}
    # one handed over on the day after the old date: the survey cannot move past that day
    finding = db.session.scalars(select(Finding).where(Finding.task_id == survey.id)
                                 .order_by(Finding.id)).first()
    finding.status, finding.handed_to = FindingStatus.handed_over, "县住建局"
    finding.handed_over_on = moved.date() + timedelta(days=1)
    db.session.flush()
    too_late = moved + timedelta(days=3)
    with pytest.raises(ServiceError, match="已于.*移交，活动日期不能晚于移交日期"):
        update_task(survey, world.liaison, _details(survey, starts_local=too_late,
                                                    ends_local=too_late + timedelta(hours=2)))


def test_a_series_across_new_year_goes_on_under_next_years_item(world):
    """Checklist progress counts an item's activities in its year only: the January
    weeks of a series begun in December count toward next year's item of the same line,
    where there is one; without it they stay on the item chosen."""
    year = to_local(utcnow()).year
    start = datetime(year, 12, 28, 9, 0)
    data = _data(starts_local=start, ends_local=start + timedelta(hours=2),
                 repeat_until=date(year + 1, 1, 11))
    no_next = f.item(world.unit, world.community, "ad_removal")  # no item of next year
    alone = create_tasks(world.liaison, no_next, data)
    assert {t.resource_item_id for t in alone} == {no_next.id}
    next_year = f.item(world.unit, world.community, world.item.category, year=year + 1)
    tasks = create_tasks(world.liaison, world.item, data)
    assert [(t.service_date.year, t.resource_item_id) for t in tasks] == [
        (year, world.item.id), (year + 1, next_year.id), (year + 1, next_year.id)]


def _nearest_new_year() -> int:
    """The year that begins at the New Year nearest today: its eve and first days are
    within half a year of today, whatever the day the tests run."""
    today = to_local(utcnow()).date()
    return today.year + 1 if today.month >= 7 else today.year


def test_editing_a_date_across_new_year_moves_the_task_to_that_years_item(world):
    """An edit follows the rule creation follows: a task moved into another year goes
    on that year's line of the checklist (where its progress counts), and back."""
    year = _nearest_new_year()
    before = f.item(world.unit, world.community, "elderly_visit", year=year - 1)
    after = f.item(world.unit, world.community, "elderly_visit", year=year)
    eve = datetime(year - 1, 12, 30, 9, 0)
    [task] = create_tasks(world.liaison, before, _data(starts_local=eve,
                                                       ends_local=eve + timedelta(hours=2)))
    assert task.resource_item_id == before.id
    january = datetime(year, 1, 3, 9, 0)
    changes = update_task(task, world.liaison, _details(
        task, starts_local=january, ends_local=january + timedelta(hours=2)))
    assert task.resource_item_id == after.id and task.resource_item is after
    assert changes["resource_item_id"] == [before.id, after.id]
    assert _events("update")[-1].detail["resource_item_id"] == [before.id, after.id]
    update_task(task, world.liaison, _details(task, starts_local=eve,
                                              ends_local=eve + timedelta(hours=2)))
    assert task.resource_item_id == before.id
    assert off_checklist_note([task], world.liaison) is None


def test_an_activity_without_its_years_item_stays_and_the_liaison_is_told(world):
    """Without that year's item the task stays on the item chosen: it counts toward no
    year's checklist, and the liaison is told so (in Chinese, not refused); the 月报's
    and the community view's figures still count it under its category and month."""
    year = _nearest_new_year()
    before = f.item(world.unit, world.community, "elderly_visit", year=year - 1)
    eve = datetime(year - 1, 12, 30, 9, 0)
    [task] = create_tasks(world.liaison, before, _data(starts_local=eve,
                                                       ends_local=eve + timedelta(hours=2)))
    january = datetime(year, 1, 3, 9, 0)
    update_task(task, world.liaison, _details(task, starts_local=january,
                                              ends_local=january + timedelta(hours=2)))
    assert task.resource_item_id == before.id
    note = str(off_checklist_note([task], world.liaison))
    assert f"{year}年的资源清单中没有“{world.community.name} 慰问“空巢”老人”" in note
    assert f"仍记在{year - 1}年的项目下" in note and "仍按日期和类别计入" in note

    # approved, with one member's two hours
    db.session.add(Assignment(task_id=task.id, member_id=world.member.id,
                              status=AssignmentStatus.done, minutes=120))
    db.session.add(TaskReport(task_id=task.id, quantity=0, people_served=3, note="",
                              status=ReportStatus.approved, submitted_by_id=world.liaison.id))
    db.session.commit()
    january_scope = Scope(date(year, 1, 1), date(year, 2, 1), world.unit.id)
    [visits] = [row for row in figures_by_category(january_scope) if row.code == "elderly_visit"]
    assert (visits.official.activities, visits.official.people_served,
            visits.official.person_times, visits.official.minutes) == (1, 3, 1, 120)
    assert figures(january_scope).official.activities == 1
    for checklist_year in (year - 1, year):  # the checklist's own rule: its year only
        assert all(row.done == 0 for row in resource_progress(checklist_year,
                                                              unit_id=world.unit.id)
                   if row.item_id == before.id)


@pytest.mark.parametrize("reader, remedy", [
    ("liaison", "如需计入，请联系单位管理员添加{year}年的这一项目。"),
    ("admin", "如需计入，请在资源清单中添加{year}年的这一项目。"),
], ids=["liaison", "admin"])
def test_the_note_names_the_remedy_by_who_reads_it(world, reader, remedy):
    """A series running from December into a year without its item is told how many of
    its tasks are in that year. Adding next year's item is the admin's: the admin
    reading the note is told to add it in the 资源清单, a liaison to ask the admin — for
    one task and for a series."""
    year = _nearest_new_year() - 1
    start = datetime(year, 12, 28, 9, 0)
    no_next = f.item(world.unit, world.community, "ad_removal", year=year)
    tasks = create_tasks(world.liaison, no_next, _data(
        starts_local=start, ends_local=start + timedelta(hours=2),
        repeat_until=date(year + 1, 1, 11)))
    says = remedy.format(year=year + 1)
    series = str(off_checklist_note(tasks, getattr(world, reader)))
    assert series.startswith(f"其中2个任务在{year + 1}年") and series.endswith(says)
    assert str(off_checklist_note(tasks[-1:], getattr(world, reader))).endswith(says)


def test_a_funds_item_takes_no_tasks(world):
    """共建活动经费 counts money (the funds ledger), not activities."""
    funds = f.item(world.unit, world.community, "cobuild_funding")
    with pytest.raises(ServiceError, match="不按活动计") as caught:
        create_tasks(world.liaison, funds, _data())
    assert caught.value.field == "resource_item"


# --- change_leader, close, cancel ---------------------------------------------------------

def test_change_leader_sets_and_clears_with_audit(world):
    change_leader(world.task, world.member, world.liaison)
    assert world.task.leader_id == world.member.id
    change_leader(world.task, None, world.admin)
    assert world.task.leader_id is None
    assert [e.detail["leader_id"] for e in _events("change_leader")] == [world.member.id, None]


def test_change_leader_refuses_other_community_and_inactive_members(world):
    with pytest.raises(PermissionDenied):
        change_leader(world.task, world.member, world.other_liaison)
    world.other_member.active = False
    with pytest.raises(ServiceError):
        change_leader(world.task, world.other_member, world.liaison)
    assert world.task.leader_id == world.leader.id


@pytest.mark.parametrize("approved, signed, refused", [
    (True, True, True), (True, False, False), (False, True, False)],
    ids=["approved-signed", "approved-open-month", "pending-signed"])
def test_an_approved_activitys_leader_in_a_finalised_month_is_changed_by_an_admin(
        world, approved, signed, refused):
    """An approved activity's 组长 is in its month's 月报 (the 台账's 组长 column): once the
    month is signed, only an admin changes it. Before approval it is no figure yet."""
    task, day = world.past_task, world.past_task.service_date
    f.reported(task, world.leader, approved=approved, signed_by=world.admin if signed else None)
    if refused:
        with pytest.raises(ServiceError, match=f"{day.year}年{day.month}月的月报已定稿，"
                                               "更换该月活动的组长须由单位管理员操作"):
            change_leader(task, world.member, world.liaison)
        assert task.leader_id == world.leader.id
        change_leader(task, world.member, world.admin)
    else:
        change_leader(task, world.member, world.liaison)
    assert task.leader_id == world.member.id


def test_close_only_an_open_task(world):
    close_task(world.task, world.liaison)
    assert world.task.status == TaskStatus.closed
    with pytest.raises(ServiceError):
        close_task(world.task, world.liaison)
    with pytest.raises(PermissionDenied):
        close_task(world.other_task, world.liaison)
    assert world.other_task.status == TaskStatus.open


def test_a_closed_task_cannot_be_claimed(world):
    close_task(world.task, world.liaison)
    with pytest.raises(ServiceError):
        claim_slot(world.task, world.member)


def test_cancel_needs_a_reason_and_keeps_it_in_the_audit(world):
    with pytest.raises(ServiceError) as caught:
        cancel_task(world.task, world.liaison, "   ")
    assert caught.value.field == "reason"
    assert world.task.status == TaskStatus.open
    cancel_task(world.task, world.liaison, "  暴雨预警  ")
    assert world.task.status == TaskStatus.cancelled
    [event] = _events("cancel")
    assert event.detail == {"reason": "暴雨预警"}
    with pytest.raises(ServiceError):
        cancel_task(world.task, world.liaison, "再次")


def test_cancel_refused_after_a_report_and_for_other_community(world):
    past = _reported(world.past_task, ReportStatus.submitted)
    with pytest.raises(ServiceError):
        cancel_task(past, world.liaison, "原因")
    with pytest.raises(PermissionDenied):
        cancel_task(world.task, world.other_liaison, "原因")
    assert past.status == TaskStatus.open and world.task.status == TaskStatus.open


@pytest.mark.parametrize("state,on_record,message", [
    ("nothing", False, None),
    ("claimed and 缺席", False, None),
    ("report submitted", True, "该任务已提交完成情况，不能取消。"),
    ("report returned", True, "该任务已提交完成情况，不能取消。"),
    ("hours confirmed", True, "已有1名党员在该任务中的服务时长已确认"),
])
def test_an_activity_on_record_is_not_cancelled_and_the_refusal_says_why(
        world, state, on_record, message):
    """One rule (code review #1): a task is cancelled unless the activity is on record —
    a report in any state, or a member's confirmed hours (``has_recorded_work``, the
    rule 作废 asks too); the refusal names which of the two it holds. A member who only
    claimed it, or was marked 缺席, puts nothing on record."""
    from tracker.services.tasks import cancel_refusal, has_recorded_work

    past = world.past_task
    mine, theirs = sorted(past.assignments, key=lambda a: a.member_id != world.member.id)
    if state == "claimed and 缺席":
        theirs.status = AssignmentStatus.absent
    elif state.startswith("report"):
        db.session.add(TaskReport(task_id=past.id, quantity=1, people_served=1, note="好",
                                  status=ReportStatus(state.split()[1]),
                                  submitted_by_id=world.leader.id))
    elif state == "hours confirmed":
        mine.status, mine.minutes = AssignmentStatus.done, 60
    db.session.flush()
    db.session.refresh(past)
    assert has_recorded_work(past) is on_record
    if not on_record:
        assert cancel_refusal(past) is None
        cancel_task(past, world.liaison, "下雨")
        assert past.status == TaskStatus.cancelled
        assert str(cancel_refusal(past)) == "该任务已取消。"
        return
    with pytest.raises(ServiceError) as caught:
        cancel_task(past, world.liaison, "原因")
    assert message in str(caught.value.message)
    assert past.status == TaskStatus.open


def test_members_on_a_cancelled_task_keep_their_participation(world):
    claim_slot(world.task, world.member)
    cancel_task(world.task, world.liaison, "场地临时占用")
    assignment = db.session.scalar(select(Assignment).where(Assignment.task_id == world.task.id))
    assert assignment.status == AssignmentStatus.claimed
    assert assignment.task.status == TaskStatus.cancelled


def test_weekly_series_refuses_until_before_start_date(world):
    first = _local(5, 9)
    with pytest.raises(ServiceError):
        create_tasks(world.liaison, world.item,
                     _data(starts_local=first, ends_local=first + timedelta(hours=1),
                           repeat_until=date(first.year - 1, 1, 1)))


def test_an_edit_names_every_rule_it_breaks_at_once(world):
    """名额 below the 2 places taken and an activity shorter than the 2 hours confirmed:
    both refused together, under their fields, nothing written."""
    from tracker.services import ServiceErrors

    past = world.past_task
    _confirm(past, world.member, 120)
    start = to_local(past.starts_at).replace(tzinfo=None)
    with pytest.raises(ServiceErrors) as refused:
        update_task(past, world.liaison, _details(past, slots=1, title="  ",
                                                  ends_local=start + timedelta(hours=1)))
    assert [(e.field, str(e.message)) for e in refused.value.errors] == [
        ("title", "此项必填。"), ("slots", "名额不能少于已认领的人数（2人）。"),
        ("ends_at", "已有党员确认了2.0小时的服务时长，活动时长不能短于此。")]
    db.session.refresh(past)
    assert (past.slots, past.title) != (1, "  ")
    assert to_local(past.ends_at).replace(tzinfo=None) == start + timedelta(hours=2)
