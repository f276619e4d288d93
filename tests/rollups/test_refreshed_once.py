"""``participation.refreshed_once``: a block of many writes (the demo's seeding) whose
counted rows are rewritten once, at its end or at a commit inside it, instead of flush
by flush. What it leaves must be what the flushes leave: the counted rows and the
county-wide summaries equal to a derivation from scratch (``assert_in_sync``), and the
activity counted as a person would count it.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.rollups.conftest import assignment_of
from tests.rollups.counted import assert_in_sync, people_of, row_of
from tracker import participation
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    CountedMonth,
    ReportStatus,
    ResourceItem,
)
from tracker.services.claims import confirm_participation
from tracker.services.reviews import ReportData, approve_report, return_report, submit_report


def month_of(task) -> int:
    """The activities the county-wide month summary counts for the task's month."""
    day = task.service_date
    return sum(db.session.scalars(select(CountedMonth.activities).where(
        CountedMonth.month == day.year * 100 + day.month)))


def reported_and_approved(world, absent=()):
    """Submitted, returned, submitted again and approved: four decisions, each its own
    flushes, as the demo's "resubmitted then approved" activities are."""
    task = world.past_task
    data = ReportData(quantity=7, people_served=30, note="清理楼道。", absent_ids=set(absent))
    report = submit_report(task, world.leader, data)
    return_report(report, world.liaison, "请补充情况说明。")
    submit_report(task, world.leader, data)
    approve_report(report, world.liaison)


def test_the_rows_wait_for_the_blocks_end_then_are_the_flushes_rows(staffed):
    world, third = staffed
    task = world.past_task
    activities = month_of(task)
    with participation.refreshed_once(db.session()):
        reported_and_approved(world, absent={third.id})
        db.session.flush()
        # inside the block nothing is rewritten: the task has no counted row yet
        assert row_of(task) is None
    # at its end, once: approved, with the two who confirmed their hours
    row = row_of(task)
    assert (row.report_status, row.quantity, row.people_served, row.person_times,
            row.minutes) == (ReportStatus.approved, 7, 30, 2, 150)
    assert people_of(task) == {world.member.id: 60, world.leader.id: 90}
    db.session.commit()
    assert month_of(task) == activities + 1  # the summaries moved at the commit, as always
    assert_in_sync()


def test_a_commit_inside_the_block_refreshes_first(staffed):
    world, _third = staffed
    task = world.past_task
    activities = month_of(task)
    with participation.refreshed_once(db.session()):
        reported_and_approved(world)
        db.session.commit()
        assert row_of(task).report_status == ReportStatus.approved
        assert month_of(task) == activities + 1
        assert_in_sync()
        # and the block goes on, noting what comes after
        submit_report(_another_past_task(world), world.liaison,
                      ReportData(quantity=3, people_served=5, note="又一次。"))
    db.session.commit()
    assert_in_sync()


def test_a_rollback_inside_the_block_counts_nothing_it_undid(staffed):
    world, _third = staffed
    task = world.past_task
    with participation.refreshed_once(db.session()):
        reported_and_approved(world)
        db.session.flush()
        db.session.rollback()
    db.session.commit()
    assert row_of(task) is None and people_of(task) == {}
    assert_in_sync()


def test_a_savepoint_rolled_back_inside_the_block_forgets_nothing_noted_before(staffed):
    world, _third = staffed
    task = world.past_task
    with participation.refreshed_once(db.session()):
        report = submit_report(task, world.leader,
                               ReportData(quantity=7, people_served=30, note="清理楼道。"))
        savepoint = db.session.begin_nested()
        approve_report(report, world.liaison)
        db.session.flush()
        savepoint.rollback()
    db.session.commit()
    db.session.expire_all()
    assert row_of(task).report_status == ReportStatus.submitted
    assert_in_sync()


def test_the_block_may_not_end_inside_a_savepoint(staffed):
    world, _third = staffed
    with pytest.raises(RuntimeError, match="savepoint"):
        with participation.refreshed_once(db.session()):
            submit_report(world.past_task, world.leader,
                          ReportData(quantity=7, people_served=30, note="清理楼道。"))
            db.session.begin_nested()
    db.session.rollback()


def _another_past_task(world):
    """A task of the past task's checklist line two days ago, the member's hours on it
    confirmed."""
    item = db.session.get(ResourceItem, world.past_task.resource_item_id)
    task = f.task(item, world.liaison, starts_in=timedelta(days=-2), leader=world.leader,
                  slots=2)
    db.session.add(Assignment(task_id=task.id, member_id=world.member.id,
                              status=AssignmentStatus.claimed))
    task.taken = 1
    db.session.flush()
    confirm_participation(assignment_of(task, world.member), world.member, 60)
    return task


def test_writes_kept_after_an_exception_out_of_the_block_are_counted(staffed):
    """review37b F2: a caller catches an exception out of the block and commits what
    was flushed in it: the counted rows are those of the committed writes."""
    world, third = staffed
    task = world.past_task
    with pytest.raises(ValueError):
        with participation.refreshed_once(db.session()):
            reported_and_approved(world, absent={third.id})
            db.session.flush()
            raise ValueError("the caller catches it and goes on")
    db.session.commit()
    db.session.expire_all()
    assert row_of(task).report_status == ReportStatus.approved
    assert third.id not in people_of(task)
    assert_in_sync()
