"""Building residents and visit tasks for the resident tests and matrix."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories as f
from tracker import participation
from tracker.extensions import db
from tracker.models import Resident, ResidentCategory, ResourceItem, Task, task_resident
from tracker.timeutil import local_today


def resident(community, creator, *, name="赵奶奶", phone="13800000001", paired=(),
             category=ResidentCategory.elderly, active=True) -> Resident:
    r = Resident(community_id=community.id, name=name, category=category,
                 address="解放路12号3单元201", phone=phone, notes="独居，腿脚不便",
                 consent_date=local_today() - timedelta(days=30), consent_method="本人书面签字",
                 created_by_id=creator.id, active=active)
    r.paired_members = list(paired)
    db.session.add(r)
    db.session.flush()
    return r


def world_resident(w) -> Resident:
    """The matrix's resident: in community A, paired with ``member``."""
    # a test may name another 赵奶奶 of A after this one: the matrix's is the first
    found = db.session.scalar(select(Resident).where(Resident.community_id == w.community.id,
                                                     Resident.name == "赵奶奶")
                              .order_by(Resident.id).limit(1))
    if found is None:
        found = resident(w.community, w.liaison, paired=[w.member])
        db.session.commit()
    return found


def visit_task(w) -> Task:
    """An elderly_visit task in A, led by ``leader``, started yesterday."""
    # as the task below: another unit's or year's visit item of A may follow this one
    item = db.session.scalar(select(ResourceItem).where(ResourceItem.community_id == w.community.id,
                                                        ResourceItem.category.has(code="elderly_visit"))
                             .order_by(ResourceItem.id).limit(1))
    if item is None:
        item = f.item(w.unit, w.community, "elderly_visit")
    # Other visits may share the item (the budget test adds some): the first task of the
    # item is the one this built — without an order PostgreSQL may return any of them.
    task = db.session.scalar(select(Task).where(Task.resource_item_id == item.id)
                             .order_by(Task.id).limit(1))
    if task is None:
        task = f.task(item, w.liaison, leader=w.leader, starts_in=-timedelta(days=1),
                      title="慰问空巢老人")
        db.session.commit()
    return task


def name_served(task: Task, residents) -> None:
    """The task names these residents as its 服务对象, written as history is (any kind,
    any month, whoever's: no service's checks), and its kept households move with them
    in the same transaction, as ``residents.set_task_residents`` moves them: an approved
    visit's ``CountedServed`` rows and the county's year (``participation.tasks_changed``
    — a Core INSERT the flush hook does not see)."""
    rows = [{"task_id": task.id, "resident_id": r.id} for r in residents]
    if rows:
        db.session.execute(task_resident.insert(), rows)
        participation.tasks_changed(db.session(), {task.id})
