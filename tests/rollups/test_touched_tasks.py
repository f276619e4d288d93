"""One rule for "which tasks did this flush touch" (review "maintain" #5): the counted
rows (tracker/participation.py) and the report-owed mark (tracker/report_owed.py) each
say what they read in a map kept side by side (participation.COUNTED_ROWS_READ,
OWED_MARK_READS), and one walk over the session reads them. A change to each listed
column marks the row's task — a moved row its old task and its new one — and a new or
deleted row marks its task; nothing is flushed, so no other hook is involved."""
from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

import pytest

from tests.rollups.builders import finding, join, report
from tracker.extensions import db
from tracker.models import AssignmentStatus, ReportStatus
from tracker.participation import COUNTED_ROWS_READ, OWED_MARK_READS, touched_task_ids

MAPS = {"counted rows": COUNTED_ROWS_READ, "owed mark": OWED_MARK_READS}
CASES = [(label, model.__name__, field) for label, reads in MAPS.items()
         for model, watched in reads.items() for field in watched.fields]


def _another(model, field, value):
    """A value of the column other than ``value`` (nothing is flushed: an id need not
    name a row)."""
    if value is None:
        kind = model.__table__.c[field].type.python_type
        return {bool: True, date: date(2026, 1, 5)}.get(kind, 1)
    kind = type(value)
    if issubclass(kind, enum.Enum):
        return next(member for member in kind if member != value)
    if kind is bool:
        return not value
    if kind in (date, datetime):
        return value + timedelta(days=1)
    if kind is int:
        return value + 1
    return f"{value}改"


@pytest.fixture
def rows(world):
    """The past task with a done participation, a submitted report and a finding."""
    task = world.past_task
    objects = {
        "Task": task,
        "Assignment": join(task, world.other_member, AssignmentStatus.done, 60),
        "TaskReport": report(task, world.leader, ReportStatus.submitted, quantity=2, people=3),
        "Finding": finding(task, world.leader),
    }
    db.session.commit()
    for obj in objects.values():
        db.session.refresh(obj)  # loaded, as a service has them when it changes them
    yield world, objects
    db.session.rollback()


@pytest.mark.parametrize(("label", "model", "field"), CASES)
def test_a_change_to_each_read_column_marks_the_task(rows, label, model, field):
    world, objects = rows
    obj = objects[model]
    if field == "task_id":
        obj.task_id = world.task.id
        assert touched_task_ids(db.session, MAPS[label]) == {world.past_task.id, world.task.id}
    else:
        setattr(obj, field, _another(type(obj), field, getattr(obj, field)))
        assert touched_task_ids(db.session, MAPS[label]) == {world.past_task.id}


@pytest.mark.parametrize("label", MAPS)
def test_a_change_to_a_column_no_mark_reads_marks_nothing(rows, label):
    _, objects = rows
    objects["Task"].place = "另一处"
    objects["TaskReport"].note = "改了说明"
    assert touched_task_ids(db.session, MAPS[label]) == set()


def test_a_new_or_deleted_report_marks_its_task_for_both(rows):
    world, objects = rows
    db.session.delete(objects["TaskReport"])
    for reads in MAPS.values():
        assert touched_task_ids(db.session, reads) == {world.past_task.id}


def test_a_participation_not_done_is_not_counted(rows):
    world, objects = rows
    claimed = join(world.task, world.member, AssignmentStatus.claimed)
    db.session.commit()
    db.session.refresh(claimed)
    claimed.minutes = 30
    assert touched_task_ids(db.session, COUNTED_ROWS_READ) == set()


def test_the_maps_name_the_models_each_mark_reads():
    assert {m.__name__ for m in COUNTED_ROWS_READ} == {"Task", "Assignment", "TaskReport",
                                                        "Finding"}
    assert {m.__name__ for m in OWED_MARK_READS} == {"Task", "TaskReport"}
