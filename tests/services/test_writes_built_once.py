"""issue 13 (seed52, hot53): the statements every write asks — who holds a place at those
hours (``overlap.overlapping``), the members' row locks and who of them is active
(``claims.held_active``), the activity's row locks (``activity_lock.lock_activity``),
whom a 补录 may name and whether it is already recorded (``backfill.nameable_ids``,
``already_recorded``) — were built anew, and their SQLAlchemy cache keys computed anew,
at every call. Each is now built once per shape (``rollups.batch.built_once``) and given
its values as it runs: two calls with other values run the very same statement object,
and each gets the answer of its own values — the rule's (the services' own tests:
test_backfill.py, test_claims.py, test_uncount_places.py, test_lock_order.py,
test_backfill_reach.py, on the same functions). And ``backfill.refuse_overlap``'s own lock
of the members' rows (hot53's Open, moved54)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import AssignmentStatus, Member, Task, TaskReport
from tracker.services.activity_lock import lock_activity
from tracker.services.backfill import already_recorded, nameable_ids, refuse_overlap
from tracker.services.claims import held_active
from tracker.services.overlap import overlapping
from tracker.timeutil import local_today


def _row_locks(ask, *args) -> list:
    """(statement, the values it was given) of each row lock ``ask(*args)`` took."""
    seen = []

    def run(state):
        if state.statement._for_update_arg is not None:
            seen.append((state.statement, dict(state.parameters or {})))

    event.listen(db.session, "do_orm_execute", run)
    try:
        ask(*args)
    finally:
        event.remove(db.session, "do_orm_execute", run)
    return seen


def _statements(ask) -> list:
    """The statement objects ``ask`` ran through the session."""
    seen = []

    def run(state):
        seen.append(state.statement)

    event.listen(db.session, "do_orm_execute", run)
    try:
        ask()
    finally:
        event.remove(db.session, "do_orm_execute", run)
    return seen


def test_overlapping_asks_one_statement_of_other_people_and_hours(world):
    """Two asks — another member, other hours, another activity's 缺席 rule — run one
    statement, each answering of its own values: the member on the morning activity at
    the morning's hours, the other member (缺席 on the same activity of the community
    and category) at the afternoon's."""
    w = world
    day = local_today() - timedelta(days=3)
    morning = b.task_on(w.item, w.liaison, day, hour=9, title="上午清扫")
    afternoon = b.task_on(w.item, w.liaison, day, hour=14, title="下午清扫")
    b.join(morning, w.member)
    b.join(afternoon, w.other_member, AssignmentStatus.absent)
    db.session.commit()
    # plain values, read before the asks (an expired object would load in between)
    member, absentee = w.member.id, w.other_member.id
    same = (w.item.community_id, w.item.category_id)
    am, pm = (morning.id, morning.starts_at, morning.ends_at), (
        afternoon.id, afternoon.starts_at, afternoon.ends_at)
    answers = {}

    def first():
        answers["first"] = [(m.id, t.id, bool(absent))
                            for m, t, absent in overlapping([member], am[1], am[2], same)]

    def second():
        answers["second"] = [(m.id, t.id, bool(absent)) for m, t, absent
                             in overlapping([absentee, member], pm[1], pm[2], same)]

    [one], [other] = _statements(first), _statements(second)
    assert one is other
    assert answers == {"first": [(member, am[0], False)], "second": [(absentee, pm[0], True)]}
    # without the activity's rule a 缺席 is no place: the other shape, its own statement
    assert overlapping([absentee], pm[1], pm[2]) == []


def test_held_active_asks_one_statement_of_other_members(world):
    """The share lock of a 补录's participants and that of a ledger import's: one
    statement, each answering which of ITS members are active (a switched-off one not)."""
    w = world
    w.other_member.active = False
    db.session.commit()
    member, switched_off, leader = w.member.id, w.other_member.id, w.leader.id
    answers = {}

    def first():
        answers["first"] = held_active([member, switched_off])

    def second():
        answers["second"] = held_active([leader], no_key=False)

    [one], [other] = _statements(first), _statements(second)
    assert one is other
    assert answers == {"first": {member}, "second": {leader}}


def test_lock_activity_locks_each_activitys_own_rows_with_one_statement(world):
    """Two activities' decisions lock their task and report rows by the same two
    statements, each given its own activity's ids, task first (one order)."""
    w = world
    reported = b.task_on(w.item, w.liaison, local_today() - timedelta(days=5), title="已报告")
    b.report(reported, w.leader, quantity=1)
    other = b.task_on(w.item, w.liaison, local_today() - timedelta(days=6), title="另一次")
    b.report(other, w.leader, quantity=2)
    db.session.commit()

    first, second = _row_locks(lock_activity, reported), _row_locks(lock_activity, other)
    assert [s.selected_columns[0].table for s, _values in first] == [Task.__table__,
                                                                     TaskReport.__table__]
    assert all(a is b_ for (a, _), (b_, _) in zip(first, second, strict=True))
    assert [v for _s, v in first] == [{"row_id": reported.id}, {"row_id": reported.report.id}]
    assert [v for _s, v in second] == [{"row_id": other.id}, {"row_id": other.report.id}]


def test_nameable_ids_asks_one_statement_of_other_communities_days_and_people(world):
    """Whom a 补录 may name: asked of two communities, days and lists of people, one
    statement, each answer its community's — a member of a unit working only in 建设路
    is named there, not in 解放路."""
    w = world
    elsewhere = f.unit("县水务局")
    f.item(elsewhere, w.other_community, "ad_removal")
    worker = f.member(elsewhere, name="水务党员")
    db.session.commit()
    ids = [worker.id, w.member.id]
    jiefang, jianshe = w.community.id, w.other_community.id
    day = local_today() - timedelta(days=2)
    answers = {}

    def first():
        answers["first"] = nameable_ids(jiefang, day, ids)

    def second():
        answers["second"] = nameable_ids(jianshe, day - timedelta(days=1), ids)

    [one], [other] = _statements(first), _statements(second)
    assert one is other
    assert answers == {"first": {ids[1]}, "second": set(ids)}


def test_already_recorded_asks_one_statement_of_other_activities(world):
    """The 补录 form's 「该活动已记录」: two activities of the same checklist line, each
    found by its own title and times (the title compared stripped) through the same
    statement; another time finds none."""
    w = world
    day = local_today() - timedelta(days=4)
    first_task = b.task_on(w.item, w.liaison, day, hour=9, title="河道清理")
    second_task = b.task_on(w.item, w.liaison, day, hour=15, title="楼道清理")
    db.session.commit()
    item = w.item
    item.unit_id  # loaded before the asks (expired by the commit)
    one = (first_task.id, first_task.title, first_task.starts_at, first_task.ends_at)
    two = (second_task.id, second_task.title, second_task.starts_at, second_task.ends_at)
    answers = {}

    def first():
        answers["first"] = already_recorded(item, f" {one[1]} ", one[2], one[3]).id

    def second():
        answers["second"] = already_recorded(item, two[1], two[2], two[3]).id

    [a], [b_] = _statements(first), _statements(second)
    assert a is b_
    assert answers == {"first": one[0], "second": two[0]}
    assert already_recorded(item, one[1], two[2], two[3]) is None


def test_refuse_overlap_locks_each_calls_own_members_with_one_statement(world):
    """Two 补录's checks of other members at other hours lock the members' rows by the
    same statement, each given its own members' ids (in id order), ``FOR NO KEY UPDATE``
    as before; neither finds a clash."""
    w = world
    day = local_today() - timedelta(days=3)
    task = b.task_on(w.item, w.liaison, day, hour=9, title="上午清扫")
    db.session.commit()
    starts, ends = task.starts_at, task.ends_at
    member, other, leader = w.member.id, w.other_member.id, w.leader.id

    def locks(member_ids, hours) -> list:
        return _row_locks(refuse_overlap, member_ids, starts + hours, ends + hours)

    # days before the task's: the world's own activities (the 组长's 楼道清理 a day ago,
    # at this hour) lie after them, so no clash whatever the hour the test runs at
    [(one, first)] = locks([other, member], -timedelta(days=1))
    [(again, second)] = locks([leader], -timedelta(days=2))
    assert one is again
    assert one.selected_columns[0].table is Member.__table__
    assert one._for_update_arg.key_share and not one._for_update_arg.read
    assert [str(c) for c in one._order_by_clauses] == ["member.id"]  # one order
    assert first == {"member_ids": sorted([other, member])}
    assert second == {"member_ids": [leader]}
