"""CountedTask and CountedParticipation always equal what they are derived from.

They are refreshed by an after_flush hook (tracker/participation.py), so every step
of the report lifecycle is checked here against a fresh derivation from task ×
report × assignment — and against the numbers a person would count by hand.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.rollups.counted import assert_in_sync, people_of, row_of, stored
from tracker import participation
from tracker.extensions import db
from tracker.models import (
    Assignment,
    CountedParticipation,
    ReportStatus,
)
from tracker.services import ServiceError, unit_of_work
from tracker.services.claims import confirm_participation
from tracker.services.reviews import ReportData, approve_report, return_report, submit_report
from tracker.services.tasks import TaskDetails, update_task
from tracker.timeutil import to_local


def report(world, absent=()):
    with unit_of_work():
        return submit_report(world.past_task, world.leader,
                             ReportData(quantity=7, people_served=30, note="清理楼道。",
                                        absent_ids=set(absent)))


def test_nothing_is_counted_before_a_report(staffed):
    world, _third = staffed
    assert row_of(world.past_task) is None
    assert people_of(world.past_task) == {}
    assert_in_sync()


def test_a_submitted_report_counts_as_pending(staffed):
    world, third = staffed
    report(world, absent={third.id})
    row = row_of(world.past_task)
    assert row.report_status == ReportStatus.submitted
    assert (row.quantity, row.people_served, row.person_times, row.minutes) == (7, 30, 2, 150)
    assert (row.community_id, row.category_id, row.service_date) == (
        world.community.id, world.past_task.category_id, world.past_task.service_date)
    assert people_of(world.past_task) == {world.member.id: 60, world.leader.id: 90}
    assert_in_sync()


def test_a_pending_report_corrected_before_review_is_counted_as_corrected(staffed):
    world, _third = staffed
    report(world)
    with unit_of_work():
        submit_report(world.past_task, world.leader,
                      ReportData(quantity=9, people_served=35, note="更正数量。"))
    row = row_of(world.past_task)
    assert (row.report_status, row.quantity, row.people_served) == (ReportStatus.submitted, 9, 35)
    assert_in_sync()


def test_minutes_changed_without_loading_the_status_are_counted(staffed):
    world, _third = staffed
    report(world)
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.task_id == world.past_task.id, Assignment.member_id == world.member.id))
    db.session.expire(assignment, ["status"])  # the hook cannot see that it is done
    with unit_of_work():
        assignment.minutes = 120
    assert people_of(world.past_task)[world.member.id] == 120
    assert row_of(world.past_task).minutes == 210
    assert_in_sync()


def test_hours_confirmed_while_pending_are_counted(staffed):
    world, third = staffed
    report(world)
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.task_id == world.past_task.id, Assignment.member_id == third.id))
    with unit_of_work():
        confirm_participation(assignment, third, 30)
    assert row_of(world.past_task).person_times == 3
    assert people_of(world.past_task)[third.id] == 30
    assert_in_sync()


def test_marking_absent_takes_a_participation_out(staffed):
    world, _third = staffed
    report(world)
    with unit_of_work():
        return_report(world.past_task.report, world.liaison, "张三当天没来。")
    report(world, absent={world.member.id})
    assert people_of(world.past_task) == {world.leader.id: 90}
    assert row_of(world.past_task).minutes == 90
    assert_in_sync()


def test_a_returned_report_counts_nowhere(staffed):
    world, _third = staffed
    report(world)
    with unit_of_work():
        return_report(world.past_task.report, world.liaison, "数量有误。")
    assert row_of(world.past_task) is None
    assert people_of(world.past_task) == {}
    assert_in_sync()


def test_approval_makes_the_rows_official(staffed):
    world, _third = staffed
    report(world)
    with unit_of_work():
        approve_report(world.past_task.report, world.liaison)
    assert row_of(world.past_task).report_status == ReportStatus.approved
    assert set(db.session.scalars(select(CountedParticipation.report_status).where(
        CountedParticipation.task_id == world.past_task.id))) == {ReportStatus.approved}
    assert_in_sync()


def test_moving_a_pending_task_to_another_day_moves_its_rows(staffed):
    world, _third = staffed
    report(world)
    task = world.past_task
    starts = to_local(task.starts_at) - timedelta(days=1)
    ends = to_local(task.ends_at) - timedelta(days=1)
    with unit_of_work():
        update_task(task, world.liaison, TaskDetails(
            title=task.title, beneficiary=task.beneficiary, place=task.place,
            description=task.description, starts_local=starts.replace(tzinfo=None),
            ends_local=ends.replace(tzinfo=None), slots=task.slots))
    assert row_of(task).service_date == starts.date()
    assert_in_sync()


def test_a_failed_unit_of_work_leaves_the_rows_as_they_were(staffed):
    world, _third = staffed
    report(world)
    before = stored()
    with pytest.raises(ServiceError):
        with unit_of_work():
            approve_report(world.past_task.report, world.liaison)
            db.session.flush()  # the hook has run: the copies say "approved" …
            raise ServiceError("后续步骤失败")  # … until the transaction rolls back
    assert stored() == before
    assert row_of(world.past_task).report_status == ReportStatus.submitted


def test_rebuild_equals_the_rows_kept_one_flush_at_a_time(staffed):
    world, third = staffed
    report(world, absent={third.id})
    with unit_of_work():
        approve_report(world.past_task.report, world.liaison)
    kept = stored()
    with unit_of_work():
        count = participation.rebuild(db.session.connection())
    db.session.expire_all()
    assert stored() == kept
    assert count == 2


def test_figures_count_only_where_the_category_has_a_unit(world):
    """A 完成数量 or 受益 typed for a category that has no unit for it (an older report)
    stays on the report and counts nowhere; hours are the confirmed minutes."""
    from tests.rollups import builders as b

    task = b.task_on(world.item, world.liaison, world.past_task.service_date)  # 环境整治
    b.join(task, world.member, minutes=90)
    b.report(task, world.leader, ReportStatus.approved, quantity=14, people=300)
    db.session.commit()
    row = row_of(task)
    assert (row.quantity, row.people_served, row.minutes) == (0, 0, 90)
    assert (task.report.quantity, task.report.people_served) == (14, 300)  # kept
    assert_in_sync()


def test_a_surveys_quantity_is_its_findings(world):
    from tests.rollups import builders as b
    from tracker.services.findings import deactivate

    survey = b.task_on(f.item(world.unit, world.community, "facility_survey"), world.liaison,
                       world.past_task.service_date)
    b.report(survey, world.leader, ReportStatus.submitted, quantity=9)  # typed: not counted
    first = b.finding(survey, world.leader)
    b.finding(survey, world.leader)
    db.session.commit()
    assert row_of(survey).quantity == 2
    with unit_of_work():
        deactivate(first, world.liaison, "登记重复")
    assert row_of(survey).quantity == 1
    assert_in_sync()
