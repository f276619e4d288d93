"""issue 13 (seed52): the naming check every liaison's and member's write into a month
asks — ``summary_notes.closed_member_units``, "is a participant's own unit's signed
月报 or 年度总结 changed by this?" — was a statement of a dozen subqueries built anew,
and its SQLAlchemy cache key computed anew, at every write: ≈ 10 ms of Python a write,
two of a demo seeding's ten seconds. Asked of other days, units, communities and
people it is one statement, built once, whose values are given as it runs; what it
answers is the rule's as before (the naming tests: tests/reports/
test_approval_named_roll_end.py and friends, on the same function)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import event, select

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Member, RollPeriod, SummaryScope
from tracker.reports import final
from tracker.rollups.batch import forget_built
from tracker.services.summary_notes import (
    Closed,
    TaskParticipants,
    closed_member_units,
    closed_to,
)
from tracker.services.voiding import void_refusal


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


def test_other_days_and_people_ask_the_statement_built_once(october):
    """Two writes — other days (a signed month and an open one), other participants,
    other units, locked or not, with an activity left out or not — ask the very same
    statements, and each answer is its own: 县教育局's signed October names the
    participant of that unit on the roll of October's end, November names nothing."""
    o = october
    education = f.unit("县教育局")
    mover = f.member(o.other_unit, name="调动党员")
    stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == mover.id))
    stay.until = date(2022, 10, 31)
    db.session.add(RollPeriod(member_id=mover.id, unit_id=education.id,
                              since=date(2022, 10, 31)))
    mover.unit_id = education.id
    task = o.tasks["待审核整治"]
    db.session.add(Assignment(task_id=task.id, member_id=mover.id,
                              status=AssignmentStatus.done, minutes=120))
    db.session.commit()
    final.finalize(o.admin, SummaryScope(unit_id=education.id), 2022, 10)
    db.session.commit()
    other = db.session.scalar(select(Member.id).where(Member.unit_id == o.unit.id,
                                                      Member.id != mover.id)
                              .order_by(Member.id).limit(1))

    answers = {}

    def october_write():
        answers["october"] = closed_member_units(
            o.liaison, o.unit.id, o.jiefang.id, date(2022, 10, 30), [mover.id])

    def november_write():
        answers["november"] = closed_member_units(
            o.liaison, o.other_unit.id, o.jiefang.id, date(2022, 11, 3), [other, mover.id],
            lock=False)

    first = _statements(october_write)
    second = _statements(november_write)
    [unit] = answers["october"]
    assert (unit.unit_id, unit.names) == (education.id, ("调动党员",))
    assert answers["november"] == []
    # the read (the last statement of each) is one object, not built again
    assert second[-1] is first[-1]
    left_out = _statements(lambda: closed_member_units(
        o.liaison, o.unit.id, o.jiefang.id, date(2022, 10, 30), [mover.id],
        other_than=[task.id]))
    again = _statements(lambda: closed_member_units(
        o.liaison, o.unit.id, o.jiefang.id, date(2022, 12, 1), [other],
        other_than=[task.id + 1]))
    assert again[-1] is left_out[-1]


def test_the_statements_are_those_of_rollups_batch_built_once(october):
    """One statement cache (bound53): the naming check's statements are plans of
    ``rollups.batch.built_once`` — ``forget_built``, which makes every plan be built
    again (a first request's cost), builds these again too — and, built again, they
    give the same answers."""
    o = october
    education = f.unit("县教育局")
    mover = f.member(education, name="调动党员")
    db.session.commit()
    final.finalize(o.admin, SummaryScope(unit_id=education.id), 2022, 10)
    db.session.commit()
    answers = []

    def ask():
        return _statements(lambda: answers.append(closed_member_units(
            o.liaison, o.unit.id, o.jiefang.id, date(2022, 10, 30), [mover.id])))

    first = ask()
    assert ask()[-1] is first[-1]
    forget_built()
    built_again = ask()
    assert built_again[-1] is not first[-1]
    assert [(u.unit_id, u.names) for u in answers[0]] == [(education.id, ("调动党员",))]
    assert answers[2] == answers[1] == answers[0]


def test_an_activitys_participants_ask_the_statement_built_once(october):
    """通过's check (``reviews.approval_refusal``) names the participants of the activity
    in the same statement: two activities, each its own answer — 县教育局's signed
    October named for 「待审核整治」's 调动党员, nothing for another activity without
    her — from one statement built once."""
    o = october
    education = f.unit("县教育局")
    mover = f.member(education, name="调动党员")
    task = o.tasks["待审核整治"]
    db.session.add(Assignment(task_id=task.id, member_id=mover.id,
                              status=AssignmentStatus.done, minutes=120))
    db.session.commit()
    final.finalize(o.admin, SummaryScope(unit_id=education.id), 2022, 10)
    db.session.commit()
    other = next(t for key, t in o.tasks.items() if key != "待审核整治")
    done = (AssignmentStatus.done, AssignmentStatus.checked_in)
    answers = []

    def ask(activity):
        return _statements(lambda: answers.append(closed_member_units(
            o.liaison, activity.unit_id, activity.community_id, date(2022, 10, 30),
            TaskParticipants(activity.id, done), other_than=(activity.id,))))

    first, second = ask(task), ask(other)
    [unit], nothing = answers
    assert (unit.unit_id, unit.names) == (education.id, ("调动党员",))
    assert nothing == []
    assert second[-1] is first[-1]


def test_voidings_check_asks_the_statement_built_once(october):
    """作废's locked check (``voiding.void_refusal``) names an approved activity's
    participants by the activity (``TaskParticipants``), so it asks the statement built
    once for every activity (bound53: ≈ 1 ms a call against ≈ 9 ms for a select built
    anew) — and still refuses a liaison, naming 县教育局's signed October, which the
    作废 would take 调动党员's 参与 out of."""
    o = october
    education = f.unit("县教育局")
    mover = f.member(o.other_unit, name="调动党员")
    stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == mover.id))
    stay.until = date(2022, 10, 31)
    db.session.add(RollPeriod(member_id=mover.id, unit_id=education.id,
                              since=date(2022, 10, 31)))
    mover.unit_id = education.id
    task = o.tasks["财政局宣讲"]
    db.session.add(Assignment(task_id=task.id, member_id=mover.id,
                              status=AssignmentStatus.done, minutes=120))
    task.taken += 1
    db.session.commit()
    final.finalize(o.admin, SummaryScope(unit_id=education.id), 2022, 10)
    db.session.commit()
    assert task.report_approved
    other = next(t for t in o.tasks.values() if t.id != task.id)

    refusals = []
    voids = _statements(lambda: refusals.append(void_refusal(task, o.liaison, lock=True)))
    built = _statements(lambda: closed_member_units(
        o.liaison, other.unit_id, other.community_id, other.service_date,
        TaskParticipants(other.id, (AssignmentStatus.done,)), other_than=(other.id,)))
    assert built[-1] in voids
    assert ("调动党员所在单位（县教育局）2022年10月的月报已定稿，作废这次活动须由单位管理员操作"
            in str(refusals[0]))


def test_a_months_check_asks_the_statement_built_once(october):
    """``closed_to``, asked at every write into a month (≈ 270 times a demo seeding), is
    one statement built once for every unit, community and day (bound53: ≈ 0.09 ms a
    call against ≈ 0.6 ms built anew), each answer its own: the unit's signed October
    closes it, its November and another unit's October are open."""
    o = october
    final.finalize(o.admin, SummaryScope(unit_id=o.unit.id), 2022, 10)
    db.session.commit()
    answers = {}

    def ask(name, unit, day, lock=True):
        return _statements(lambda: answers.__setitem__(name, closed_to(
            o.liaison, unit.id, o.jiefang.id, day, lock=lock)))

    first = ask("october", o.unit, date(2022, 10, 30))
    others = [ask("november", o.unit, date(2022, 11, 3), lock=False),
              ask("other unit", o.other_unit, date(2022, 10, 30))]
    assert answers["october"] == Closed(date(2022, 10, 30), by_year=False, and_year=False)
    assert answers["november"] is None and answers["other unit"] is None
    assert all(seen[-1] is first[-1] for seen in others)
