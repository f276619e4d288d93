"""Comparing the derived tables (CountedTask, CountedParticipation, CountedFinding and the
county-wide summaries kept from them) with a fresh derivation from task × report × assignment."""
from __future__ import annotations

from sqlalchemy import select

from tracker import participation
from tracker.extensions import db
from tracker.models import (
    CountedCategoryMemberTotal,
    CountedDoubleCommunityYear,
    CountedDoubleMemberAnyYear,
    CountedDoubleMemberYear,
    CountedFinding,
    CountedFindingCommunityYear,
    CountedFindingMonth,
    CountedFindingStepYear,
    CountedItemYear,
    CountedMemberCategoryYear,
    CountedMemberYear,
    CountedMonth,
    CountedParticipation,
    CountedServed,
    CountedServedCategoryYear,
    CountedServedTotal,
    CountedServedYear,
    CountedTask,
)

DERIVED = (CountedTask, CountedParticipation, CountedMonth, CountedMemberYear,
           CountedMemberCategoryYear, CountedCategoryMemberTotal, CountedDoubleMemberYear,
           CountedItemYear, CountedDoubleCommunityYear, CountedDoubleMemberAnyYear,
           CountedFinding, CountedFindingMonth, CountedFindingCommunityYear,
           CountedFindingStepYear, CountedServed, CountedServedYear, CountedServedTotal,
           CountedServedCategoryYear)


def row_of(task):
    return db.session.get(CountedTask, task.id)


def people_of(task):
    return dict(db.session.execute(
        select(CountedParticipation.member_id, CountedParticipation.minutes)
        .where(CountedParticipation.task_id == task.id)).all())


def _rows(conn) -> tuple[set, ...]:
    return tuple(set(conn.execute(select(model.__table__)).tuples()) for model in DERIVED)


def stored() -> tuple[set, ...]:
    return _rows(db.session.connection())


def derived() -> tuple[set, ...]:
    """The same rows computed from scratch, in a savepoint that is thrown away."""
    savepoint = db.session.begin_nested()
    conn = db.session.connection()
    participation.rebuild(conn)
    rows = _rows(conn)
    savepoint.rollback()
    return rows


def assert_in_sync():
    db.session.expire_all()
    assert stored() == derived()
