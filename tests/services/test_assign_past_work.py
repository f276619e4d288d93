"""指派 to an activity that has ended is past work — the member confirms the hours
herself — so it asks 补录's rule (``backfill.nameable``): a member is put on it only when
their unit on its day worked in its community, and the task page's 指派 list offers only
them (review39 #7; ``test_backfill_reach`` asks every way of adding past work)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import factories as f
from tests.services.test_backfill_reach import BEFORE, CHANGE, days_ago, past_work, refused
from tracker.extensions import db
from tracker.manage.queries import assign_candidates
from tracker.models import AssignmentStatus, RollPeriod
from tracker.services.assigning import assign_member
from tracker.services.backfill import record_past_activity
from tracker.services.claims import confirm_participation


def joined_since(world):
    """周建国, in 县商务局 since ``CHANGE`` days ago; before, in 县财政局 (works nowhere)."""
    finance = f.unit("县财政局")
    joined = f.member(world.unit, name="周建国")
    db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == joined.id)).since = \
        days_ago(CHANGE)
    db.session.add(RollPeriod(member_id=joined.id, unit_id=finance.id, until=days_ago(CHANGE)))
    return joined


def test_a_member_who_joined_the_unit_since_is_not_assigned_to_its_earlier_work(world):
    joined = joined_since(world)
    task = f.task(world.item, world.liaison, starts_in=-timedelta(days=BEFORE))  # ended
    db.session.commit()
    why = (f"周建国 在{days_ago(BEFORE):%Y-%m-%d}所在的单位（县财政局）不在该社区开展共建，"
           "不能补录该日的活动。")
    # 补录 of that day refuses him: his unit that day was 县财政局 ...
    assert refused(lambda: record_past_activity(
        world.liaison, world.item, past_work(world, joined, days_ago(BEFORE)))) == why
    # ... and so does 指派 to the ended activity of that day, in the same words
    assert refused(lambda: confirm_participation(
        assign_member(task, joined, world.liaison), joined, 120)) == why
    assert all(a.status != AssignmentStatus.done for a in task.assignments)


def test_the_ended_tasks_list_offers_whom_the_rule_names_that_day(world):
    joined = joined_since(world)
    ended = f.task(world.item, world.liaison, starts_in=-timedelta(days=BEFORE))
    after = f.task(world.item, world.liaison, starts_in=-timedelta(days=CHANGE - 2))
    coming = f.task(world.item, world.liaison, starts_in=timedelta(days=2))
    off = f.member(world.unit, name="陈丽华", active=False)  # 停用 today: a stay till now
    db.session.commit()
    assert joined not in assign_candidates(ended)  # not of 县商务局 that day
    assert joined not in assign_candidates(ended, "周建国")  # nor found by name
    assert world.member in assign_candidates(ended)
    assert off not in assign_candidates(ended)  # 指派's member confirms: an account in use
    assert joined in assign_candidates(after) and joined in assign_candidates(coming)


def test_a_member_the_rule_names_is_assigned_after_the_end_and_confirms(world):
    task = f.task(world.item, world.liaison, starts_in=-timedelta(days=BEFORE))
    db.session.commit()
    assignment = assign_member(task, world.other_member, world.liaison)
    confirm_participation(assignment, world.other_member, 120)
    db.session.commit()
    assert (assignment.status, assignment.minutes) == (AssignmentStatus.done, 120)


def test_a_member_whose_time_counts_elsewhere_is_not_assigned_after_the_end(world):
    """walk11 #8: 李四 is done on another activity at the same hours; 指派 to the ended
    one would give her a 确认 she could never make (her time counts once). 指派 after
    the end refuses her in 补录's words, naming the other activity; before the end (a
    claim, not yet past work) it is the ordinary 指派."""
    from tests.rollups import builders as b
    from tracker.timeutil import to_local

    task = f.task(world.item, world.liaison, starts_in=-timedelta(days=BEFORE))
    elsewhere = f.task(world.item, world.liaison, title="慰问空巢老人",
                       starts_at=task.starts_at + timedelta(minutes=30))
    b.join(elsewhere, world.other_member)
    db.session.commit()
    when = to_local(elsewhere.starts_at).strftime("%Y-%m-%d %H:%M")
    assert refused(lambda: assign_member(task, world.other_member, world.liaison)) == (
        f"{world.other_member.name} 在同一时间已参加“慰问空巢老人”（{when}），不能重复记录。")
    assert all(a.member_id != world.other_member.id for a in task.assignments)
