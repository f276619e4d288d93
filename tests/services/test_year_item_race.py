"""An activity recorded while the admin copies the checklist (review "itemlink", finding 3).

In January a liaison creates a task, or records a 补录, dated in the new year on last
year's item of a line, at the moment the admin copies last year's checklist into the new
year. ``tasks.item_of_year`` reads "no item of this year" and puts the activity on last
year's item; the copy then adds the year's item and moves the year's activities onto it
(``tasks.move_onto_year_items``). Whichever commits first, the activity must end on the
new year's item: left on last year's, it counts toward no year's checklist, and nothing
would move it again (the year's item exists now).

Two processes in a forced order (``tests.races.race_in_order``): the first holds its
transaction open until the second is seen (on PostgreSQL, by the server) waiting for a
lock the first holds. Activity first: the copy waits, then sees and moves it. Copy
first: the activity waits, then reads the new item. On SQLite the writers take turns
(BEGIN IMMEDIATE), so it holds there without a lock; on PostgreSQL only the line's row
locks (``tasks.hold_item`` / ``tasks.lock_lines``) keep it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import BACKENDS

pytestmark = pytest.mark.slow

MODULE = __name__


def _day():
    """Yesterday (a 补录 is of the past), in Beijing: the year whose item comes later."""
    from tracker.timeutil import local_today

    return local_today() - timedelta(days=1)


def _world(url: str, record: str):
    """Last year's 环境整治 line of 建设路社区, and nothing of this year on it — but, to
    be edited (``_edit``), a task of this year put there before."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Role
    from tracker.timeutil import local_to_utc

    with race_world(url) as (app, unit, _item, liaison):
        community = f.community("建设路社区")
        old = f.item(unit, community, year=_day().year - 1)
        liaison.role = Role.liaison
        liaison.communities.append(community)
        admin = f.member(unit, Role.admin, name="王管理")
        member = f.member(unit, name="李党员")
        task = f.task(old, liaison, starts_at=local_to_utc(_starts()[0])) \
            if record == "_edit" else None
        db.session.commit()
        return app, dict(old=old.id, community=community.id, liaison=liaison.id,
                         admin=admin.id, member=member.id, task=task.id if task else None)


def _starts():
    day = _day()
    return datetime(day.year, day.month, day.day, 9), datetime(day.year, day.month, day.day, 11)


def _create(ids) -> None:
    from tracker.extensions import db
    from tracker.models import Member, ResourceItem
    from tracker.services.tasks import TaskData, create_tasks

    starts, ends = _starts()
    create_tasks(db.session.get(Member, ids["liaison"]), db.session.get(ResourceItem, ids["old"]),
                 TaskData(title="清理楼道", place="3号楼", starts_local=starts, ends_local=ends,
                          slots=3))


def _backfill(ids) -> None:
    from tracker.extensions import db
    from tracker.models import Member, ResourceItem
    from tracker.services.backfill import BackfillData, Participant, record_past_activity

    starts, ends = _starts()
    member = db.session.get(Member, ids["member"])
    record_past_activity(db.session.get(Member, ids["liaison"]),
                         db.session.get(ResourceItem, ids["old"]),
                         BackfillData(title="清理楼道", place="3号楼", starts_local=starts,
                                      ends_local=ends, participants=[Participant(member)],
                                      leader=member, note="清理完毕。"))


def _edit(ids) -> None:
    """The liaison corrects the task's place: an edit re-reads its item of the year
    (``update_task``). The task's own row already kept this case apart from the copy's
    move; it is here for the order: the edit holds the item before the activity, as the
    copy does, so neither order ends in a deadlock."""
    import dataclasses

    from tracker.extensions import db
    from tracker.models import Member, Task
    from tracker.services.tasks import TaskDetails, update_task

    task = db.session.get(Task, ids["task"])
    details = TaskDetails(title=task.title, place=task.place, starts_local=_starts()[0],
                          ends_local=_starts()[0] + (task.ends_at - task.starts_at),
                          slots=task.slots)
    update_task(task, db.session.get(Member, ids["liaison"]),
                dataclasses.replace(details, place="5号楼"))


def _copy(ids) -> None:
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.services.directory import copy_items_from_previous_year

    copy_items_from_previous_year(db.session.get(Member, ids["admin"]), _day().year,
                                  community_id=ids["community"])


def _where_it_ended(app, ids) -> tuple:
    """(the activity's item's year, how many items of the line this year)."""
    from tracker.extensions import db
    from tracker.models import ResourceItem, Task

    with app.app_context():
        years = db.session.scalars(select(ResourceItem.year).join(
            Task, Task.resource_item_id == ResourceItem.id)).all()
        new = db.session.scalars(select(ResourceItem.id).where(
            ResourceItem.community_id == ids["community"],
            ResourceItem.year == _day().year)).all()
        db.session.remove()
        db.engine.dispose()
    return years, len(new)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("record", ["_create", "_backfill", "_edit"])
@pytest.mark.parametrize("activity_first", [True, False], ids=["activity_first", "copy_first"])
def test_an_activity_recorded_during_the_copy_ends_on_the_new_years_item(
        backend, record, activity_first, tmp_path):
    with race_database(backend, tmp_path, "yearitemrace") as url:
        app, ids = _world(url, record)
        first, second = (record, "_copy") if activity_first else ("_copy", record)
        got = race_in_order(MODULE, url, ids, first, second)

        assert [e for o in got.values() for e in o["errors"]] == []
        assert got[first]["ok"] and got[second]["ok"]
        assert got[second]["waited"] is (True if backend == "postgresql" else None)
        # one activity, on this year's item of its line — the one item the copy made
        assert _where_it_ended(app, ids) == ([_day().year], 1)
