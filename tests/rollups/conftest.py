"""A reported task's raw material, shared by the tests of the derived tables."""
from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.clock import set_app_clock
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus
from tracker.services import unit_of_work
from tracker.services.claims import confirm_participation


def assignment_of(task, member):
    return db.session.scalar(select(Assignment).where(
        Assignment.task_id == task.id, Assignment.member_id == member.id))


@pytest.fixture
def staffed(world):
    """The past task (yesterday), in a category counting a 完成数量 and a 受益, with three
    members on it; two have confirmed their hours."""
    item = f.item(world.unit, world.community, f.category())
    world.past_task.category_id, world.past_task.resource_item_id = item.category_id, item.id
    third = f.member(world.unit, name="赵六")
    db.session.add(Assignment(task_id=world.past_task.id, member_id=third.id,
                              status=AssignmentStatus.claimed))
    world.past_task.taken = 3
    db.session.commit()
    with unit_of_work():
        for member, minutes in ((world.member, 60), (world.leader, 90)):
            confirm_participation(assignment_of(world.past_task, member), member, minutes)
    return world, third


@pytest.fixture
def clock(monkeypatch):
    """clock(day): it is now noon of ``day`` (local time) for the whole application —
    the services' own names for ``utcnow`` too, or they would read the machine's day
    (``tests.clock.set_app_clock``); a test may call it again for a later day."""

    def set_day(day: date) -> None:
        set_app_clock(monkeypatch, day, at=time(12))

    return set_day
