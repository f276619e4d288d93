"""合并账号: one person's two accounts of one unit become one (services/merge.py).

The fixture: 县统计局's 赵六 has two accounts, A (kept) and B (the duplicate), and a
colleague 钱七 who did nothing. In October 2025 A worked 2 hours on one approved
activity, B 1.5 hours on another. Before the merge October's 月报 counts the person
twice on the roll and twice among those who took part; after it, once, with both
accounts' hours on A's 服务记录. Expected figures are stated from that story.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.audit import work_event_count
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    AuditEvent,
    CountedParticipation,
    Member,
    RollPeriod,
    SummaryScope,
)
from tracker.reports import final
from tracker.reports.records import service_record
from tracker.reports.summary import build_summary
from tracker.services import ServiceError, merge

OCT_8, OCT_20, NOV_1 = date(2025, 10, 8), date(2025, 10, 20), date(2025, 11, 1)


def participation(unit) -> tuple[int, int, set[str]]:
    """(在册, 参与, 未参与) as October 2025's 月报 of ``unit`` writes them."""
    text = next(p.text for p in build_summary(2025, 10, unit=unit).paragraphs
                if "在册党员干部" in p.text)
    match = re.search(r"在册党员干部(\d+)人，本月参与(\d+)人", text)
    missing = re.search(r"未参与：(.+?)。", text)
    return (int(match.group(1)), int(match.group(2)),
            set(missing.group(1).split("、")) if missing else set())


@pytest.fixture
def pair(world, clock):
    unit = f.unit("县统计局")
    keep, drop = f.member(unit, name="赵六"), f.member(unit, name="赵六")
    f.member(unit, name="钱七")
    item = f.item(unit, world.community, "environment_cleanup", year=2025)
    tasks = []
    for day, person, minutes in ((OCT_8, keep, 120), (OCT_20, drop, 90)):
        task = b.task_on(item, world.liaison, day)
        b.join(task, person, minutes=minutes)
        b.report(task, world.liaison)
        tasks.append(task)
    db.session.commit()
    clock(date(2025, 12, 2))
    return unit, keep, drop, item, tasks


def do_merge(keep, drop, actor):
    shown = merge.preview(keep, drop).key()
    moved = merge.merge_members(keep, drop, actor, shown=shown)
    db.session.commit()
    return moved


def test_every_foreign_key_to_a_member_is_classified():
    """A new table naming a member fails here until the merge is told what to do with it."""
    assert merge.member_references() == set(merge.REFERENCES)


def test_after_the_merge_the_person_counts_once_with_both_accounts_hours(world, pair):
    unit, keep, drop, _item, _tasks = pair
    # two accounts on the roll, both took part; 钱七 did not
    assert participation(unit) == (3, 2, {"钱七"})
    assert service_record(keep, 2025).minutes == 120

    preview = merge.preview(keep, drop)
    assert (preview.participations, preview.minutes, preview.conflicts) == (1, 90, [])
    do_merge(keep, drop, world.admin)

    assert participation(unit) == (2, 1, {"钱七"})
    record = service_record(keep, 2025)
    assert (record.activities, record.minutes, len(record.rows)) == (2, 210, 2)
    assert service_record(drop, 2025).minutes == 0
    assert db.session.scalar(select(func.count()).select_from(CountedParticipation).where(
        CountedParticipation.member_id == drop.id)) == 0
    db.session.refresh(drop)
    assert (drop.active, merge.merged_into(drop)) == (False, keep)
    assert db.session.scalars(select(RollPeriod).where(RollPeriod.member_id == drop.id)).all() == []


def test_b_on_the_roll_before_a_keeps_the_person_on_those_months_roll_as_a(world, pair):
    """A joined the roll on 1 November (a later account), B was on it since always: in
    October the person was on the roll as B, and after the merge is, as A."""
    unit, keep, drop, _item, _tasks = pair
    stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == keep.id))
    stay.since = NOV_1
    db.session.commit()
    # October's roll: B and 钱七; of them B took part (A's work counts in 人次, not here)
    assert participation(unit) == (2, 1, {"钱七"})

    do_merge(keep, drop, world.admin)

    assert participation(unit) == (2, 1, {"钱七"})
    assert [(p.unit_id, p.since, p.until) for p in keep.roll_history] == [
        (unit.id, None, NOV_1), (unit.id, NOV_1, None)]


def test_a_task_both_took_part_in_refuses_the_merge_and_writes_nothing(world, pair):
    _unit, keep, drop, item, _tasks = pair
    both = b.task_on(item, world.liaison, date(2025, 10, 25), title="楼道粉刷")
    b.join(both, keep)
    b.join(both, drop)
    db.session.commit()
    events = work_event_count()
    shown = merge.preview(keep, drop).key()

    with pytest.raises(ServiceError) as refused:
        merge.merge_members(keep, drop, world.admin, shown=shown)
    db.session.rollback()

    assert "2025-10-25 楼道粉刷" in str(refused.value.message)
    assert work_event_count() == events
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.member_id == drop.id)) == 2
    db.session.refresh(drop)
    assert (drop.active, merge.merged_into(drop)) == (True, None)


def test_a_withdrawn_claim_of_b_in_a_task_a_did_stays_on_b(world, pair):
    """B claimed and withdrew where A took part: no conflict, and the withdrawal stays
    B's (it held nothing; moving it would break the one record per task and member)."""
    _unit, keep, drop, _item, tasks = pair
    b.join(tasks[0], drop, status=AssignmentStatus.withdrawn)
    db.session.commit()

    do_merge(keep, drop, world.admin)

    assert db.session.scalars(select(Assignment.status).where(
        Assignment.member_id == drop.id)).all() == [AssignmentStatus.withdrawn]
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.member_id == keep.id)) == 2


def test_a_page_read_before_b_took_part_again_is_refused(world, pair):
    _unit, keep, drop, item, _tasks = pair
    shown = merge.preview(keep, drop).key()
    b.join(b.task_on(item, world.liaison, date(2025, 11, 3)), drop)
    db.session.commit()
    with pytest.raises(ServiceError):
        merge.merge_members(keep, drop, world.admin, shown=shown)
    db.session.rollback()
    db.session.refresh(drop)
    assert drop.active


def test_a_finalised_month_the_merge_changes_is_named_and_audited(world, pair):
    unit, keep, drop, _item, _tasks = pair
    final.finalize(world.admin, SummaryScope(unit_id=unit.id), 2025, 10)
    db.session.commit()

    preview = merge.preview(keep, drop)
    assert [(m.unit_name, m.year, m.month) for m in preview.final_months] == [
        ("县统计局", 2025, 10)]
    do_merge(keep, drop, world.admin)

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "merge"))
    assert (event.actor_id, event.entity_id, event.detail["into"]) == (
        world.admin.id, drop.id, keep.id)
    assert event.detail["final_months"] == [[unit.id, 2025, 10]]
    assert (event.detail["participations"], event.detail["minutes"]) == (1, 90)


@pytest.mark.parametrize("why", ["same", "other_unit", "merged"])
def test_what_cannot_be_merged_is_refused(world, pair, why):
    unit, keep, drop, _item, _tasks = pair
    if why == "same":
        drop = keep
    elif why == "other_unit":
        drop = f.member(f.unit("县财政局"), name="赵六")
    else:
        do_merge(keep, drop, world.admin)
    with pytest.raises(ServiceError):
        merge.preview(keep, drop)


def test_an_admin_cannot_merge_their_own_account_away(world, pair):
    with pytest.raises(ServiceError):
        merge.merge_members(world.liaison, world.admin, world.admin, shown="")
    db.session.rollback()
    assert db.session.get(Member, world.admin.id).active


def test_a_duplicate_switched_off_before_the_merge_still_brings_its_work(world, pair):
    """The way duplicates were handled before: B switched off on 1 November. October
    counted both accounts; merged, the person counts once, with B's hours on A."""
    from tracker.services import directory

    unit, keep, drop, _item, _tasks = pair
    directory.set_active(drop, world.admin, False)
    db.session.commit()
    stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == drop.id))
    stay.until = NOV_1  # (switched off on 1 November, not on the test's today)
    db.session.commit()
    assert participation(unit) == (3, 2, {"钱七"})

    do_merge(keep, drop, world.admin)

    assert participation(unit) == (2, 1, {"钱七"})
    assert service_record(keep, 2025).minutes == 210


def test_a_merged_account_cannot_be_switched_back_on(world, pair):
    from tracker.services import directory

    _unit, keep, drop, _item, _tasks = pair
    do_merge(keep, drop, world.admin)
    with pytest.raises(ServiceError):
        directory.set_active(drop, world.admin, True)
    db.session.rollback()
    assert not db.session.get(Member, drop.id).active


def test_b_leading_waiting_and_serving_communities_passes_to_a_once(world, pair):
    """Both accounts are liaisons: A serves 解放路社区, B serves it and 建设路社区. B leads
    a task and waits for a place on another. After the merge A leads and waits, and serves
    both communities, each once; the tasks B created stay B's (who did an act)."""
    from tracker.models import Role, Task, TaskStatus, WaitlistEntry
    from tracker.models.waitlist import WaitStatus

    _unit, keep, drop, item, _tasks = pair
    keep.role = drop.role = Role.liaison
    keep.communities = [world.community]
    drop.communities = [world.community, world.other_community]
    led = b.task_on(item, drop, date(2025, 12, 10), leader=drop, status=TaskStatus.open)
    full = b.task_on(item, world.liaison, date(2025, 12, 11), status=TaskStatus.open)
    db.session.add(WaitlistEntry(task_id=full.id, member_id=drop.id, status=WaitStatus.waiting))
    db.session.commit()
    preview = merge.preview(keep, drop)
    assert (preview.led, preview.waitlist, preview.communities) == (1, 1, 1)

    do_merge(keep, drop, world.admin)

    task = db.session.get(Task, led.id)
    assert (task.leader_id, task.created_by_id) == (keep.id, drop.id)
    assert db.session.scalars(select(WaitlistEntry.member_id).where(
        WaitlistEntry.task_id == full.id)).all() == [keep.id]
    assert sorted(c.id for c in db.session.get(Member, keep.id).communities) == sorted(
        [world.community.id, world.other_community.id])
    assert db.session.get(Member, drop.id).communities == []
