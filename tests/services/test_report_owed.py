"""Every path that changes whether a task owes a report keeps its mark
(``Task.report_owed_at``, tracker/report_owed.py) equal to the rule."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.owed_marks import assert_marks_follow_the_rule, stored
from tracker.extensions import db
from tracker.models import Task
from tracker.services import ServiceError, unit_of_work
from tracker.services.reviews import ReportData, approve_report, return_report, submit_report
from tracker.services.tasks import TaskDetails, TaskData, cancel_task, create_tasks, update_task
from tracker.timeutil import to_local


def local_wall(at):
    """What a liaison types: local wall-clock time, to the minute."""
    return to_local(at).replace(tzinfo=None, second=0, microsecond=0)


def mark(task):
    return stored()[task.id]


def submit(world):
    with unit_of_work():
        submit_report(world.past_task, world.leader,
                      ReportData(quantity=None, people_served=None, note="清理楼道。", absent_ids=set()))


def test_the_report_lifecycle_moves_the_mark(world):
    task = world.past_task
    assert mark(task) == task.ends_at  # ended, nothing reported: owes
    assert_marks_follow_the_rule()

    submit(world)
    assert mark(task) is None  # 待审核: nothing owed
    assert_marks_follow_the_rule()

    with unit_of_work():
        return_report(task.report, world.liaison, "请补充受益人数。")
    assert mark(task) == task.ends_at  # 已退回: owed again
    assert_marks_follow_the_rule()

    submit(world)  # resubmitted
    assert mark(task) is None
    with unit_of_work():
        approve_report(task.report, world.liaison)
    assert mark(task) is None
    assert_marks_follow_the_rule()


def test_a_new_task_owes_from_its_end_and_a_cancelled_one_owes_nothing(world):
    start = local_wall(world.task.starts_at + timedelta(days=7))
    with unit_of_work():
        [created] = create_tasks(world.liaison, world.item, TaskData(
            title="新任务", place="社区", starts_local=start,
            ends_local=start + timedelta(hours=2), slots=3))
    assert mark(created) == created.ends_at
    assert_marks_follow_the_rule()

    with unit_of_work():
        cancel_task(created, world.liaison, "下雨")
    assert mark(created) is None
    assert_marks_follow_the_rule()


def test_a_task_moved_to_another_time_owes_from_its_new_end(world):
    task = world.task
    start = local_wall(task.starts_at + timedelta(days=1))
    with unit_of_work():
        update_task(task, world.liaison, TaskDetails(
            title=task.title, place=task.place, starts_local=start,
            ends_local=start + timedelta(hours=3), slots=task.slots))
    db.session.expire_all()
    moved = db.session.get(Task, task.id)
    assert mark(moved) == moved.ends_at
    assert_marks_follow_the_rule()


def test_a_failed_unit_of_work_leaves_the_mark_as_it_was(world):
    task = world.past_task
    before = mark(task)
    with pytest.raises(ServiceError):
        with unit_of_work():
            submit_report(task, world.leader, ReportData(quantity=None, people_served=None,
                                                         note="x", absent_ids=set()))
            raise ServiceError("rolled back")
    assert mark(task) == before == task.ends_at


def test_the_mark_loaded_on_a_task_is_not_stale_after_a_flush(world):
    task = db.session.scalar(select(Task).where(Task.id == world.past_task.id))
    assert task.report_owed_at == task.ends_at
    submit(world)
    assert task.report_owed_at is None
