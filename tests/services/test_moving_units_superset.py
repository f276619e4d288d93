"""With a new 手机号 the member form holds her row FOR UPDATE (``roll.lock_member``'s
``key``), which her own writes wait for. So the units a move may ask about
(``roll.moving_units``: her unit before, the form's unit, her stays' units, read under her
lock) are share-locked at once or not at all (``summary_notes.share_scopes_now``,
``directory._lock_for_form``), and the save never waits for a unit while holding her
(review53 #1, deadlock53). That holds only if every unit the save then share-locks while
it asks what is signed (``roll.signed_after(lock=True)``: the change's own units, the
units she is in before and after, those her moved needs count for, and the units whose
rolls hold her at the end of a month or year of her work on no roll) is among those
taken: one outside would be waited for with her row held, the old circle.

For every kind of change the member form builds — a dated move of 单位, 计入参与统计 from
a day (off or on), both at once, a move on no roll (``roll.off_roll_move``) of a liaison,
of one 计入参与统计 否 and of a 停用 member, with work and with needs she claimed alone,
with earlier stays in other units — the save runs with a new 手机号, and what is asked
of ``summary_notes.share_scopes`` during it is recorded: every unit asked must be among
those ``share_scopes_now`` took first. Each case names, in its own terms, the units the
rule says its save locks (so each exercises what it says). A new member (no row to
hold) locks her one unit. Both databases: SQLite ignores the clauses, the calls are the
same (moved54)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Select

from tests import factories as f
from tests.needs.support import need
from tests.reports.test_participation_story import approved_activity
from tracker.extensions import db
from tracker.models import Member, NeedStatus, Role
from tracker.services import directory, roll, summary_notes

_phones = itertools.count(1)


@dataclass
class Asked:
    """What the save asked of the units' locks, in order."""

    at_once: list  # ``share_scopes_now``'s units (``roll.moving_units``)
    shared: list  # ``share_scopes``' (units, communities)


@pytest.fixture
def asked(monkeypatch) -> Asked:
    recorded = Asked([], [])
    now, share = summary_notes.share_scopes_now, summary_notes.share_scopes

    def share_scopes_now(unit_ids):
        recorded.at_once.append(set(unit_ids) - {None})
        return now(unit_ids)

    def share_scopes(unit_ids, community_ids):
        assert not isinstance(unit_ids, Select) and not isinstance(community_ids, Select)
        recorded.shared.append((set(unit_ids) - {None}, set(community_ids) - {None}))
        return share(unit_ids, community_ids)

    monkeypatch.setattr(summary_notes, "share_scopes_now", share_scopes_now)
    monkeypatch.setattr(summary_notes, "share_scopes", share_scopes)
    return recorded


def _save(october, person: Member, unit, *, on_roll: bool, day: date | None = None) -> None:
    """The member form's save of ``person`` moved to ``unit`` / ``on_roll`` from ``day``,
    with a new 手机号 (her row FOR UPDATE), as a script posts it (no page: asked nothing,
    saved)."""
    directory.save_member(person, october.admin, directory.MemberData(
        name=person.name, phone=f"1391111{next(_phones):04d}", unit_id=unit.id,
        role=person.role, branch=person.branch,
        community_ids=[c.id for c in person.communities], on_roll=on_roll, roll_from=day))
    db.session.flush()
    assert (person.unit_id, person.on_roll) == (unit.id, on_roll)


def _within(asked: Asked, *units) -> None:
    """The units were taken at once (one ask), every unit share-locked after is among
    them, and those the case's rule says its save locks are."""
    assert len(asked.at_once) == 1, asked.at_once
    taken = asked.at_once[0]
    locked = set().union(*(u for u, _c in asked.shared)) if asked.shared else set()
    assert all(not communities for _u, communities in asked.shared), asked.shared
    assert locked <= taken, (sorted(locked - taken), sorted(taken))
    assert {u.id for u in units} <= locked, ([u.name for u in units], sorted(locked))


def _on_no_roll_then_joined(october, unit, name="韩梅"):
    """On no roll in ``unit``, on 县商务局's activity of 10 October, then on ``unit``'s
    roll from 15 October: that day counts for the unit she is in now."""
    person = f.member(unit, name=name, on_roll=False)
    approved_activity(october.unit, october.jiefang, october.liaison, 10, [person])
    person.on_roll = True
    roll.settle(person, date(2022, 10, 15))
    db.session.flush()
    return person


def _claimed_alone(october, person, fulfilled_on: date) -> None:
    need(october.jiefang, october.liaison, status=NeedStatus.fulfilled, claimer=person,
         posted_on=date(2022, 10, 8), fulfilled_on=fulfilled_on, wanted_by=date(2022, 12, 30))


def test_a_dated_move_of_one_with_work_on_no_roll(october, asked):
    finance, commerce = october.other_unit, october.unit
    person = _on_no_roll_then_joined(october, finance)
    _save(october, person, commerce, on_roll=True, day=date(2022, 11, 10))
    _within(asked, finance, commerce)


def test_a_dated_move_moving_a_need_she_claimed_after_its_day(october, asked):
    """On 县财政局's roll since always; a 微心愿 posted in October, fulfilled on 20
    November, after the move's day: it moves to 县商务局 (``roll.moved_needs``)."""
    finance, commerce = october.other_unit, october.unit
    person = f.member(finance, name="韩梅")
    _claimed_alone(october, person, date(2022, 11, 20))
    _save(october, person, commerce, on_roll=True, day=date(2022, 11, 10))
    _within(asked, finance, commerce)


def test_a_dated_move_whose_months_roll_holds_her_in_a_third_unit(october, asked):
    """She joined 县财政局's roll on 15 October (her work of the 10th on no roll), moved
    to 县教育局 on 5 November: 县财政局's October roll holds her. Moved on to 县商务局."""
    finance, commerce, education = october.other_unit, october.unit, f.unit("县教育局")
    person = _on_no_roll_then_joined(october, finance)
    person.unit_id = education.id
    roll.settle(person, date(2022, 11, 5))
    db.session.flush()
    _save(october, person, commerce, on_roll=True, day=date(2022, 12, 1))
    _within(asked, finance, education, commerce)


def test_off_the_roll_from_a_day(october, asked):
    """计入参与统计 否 from 5 October: her work of the 10th, her stay's, counts for her
    unit now (the same unit)."""
    finance = october.other_unit
    person = f.member(finance, name="韩梅")
    approved_activity(october.unit, october.jiefang, october.liaison, 10, [person])
    _save(october, person, finance, on_roll=False, day=date(2022, 10, 5))
    _within(asked, finance)


def test_off_the_roll_and_moved_from_a_day_with_a_need(october, asked):
    """计入参与统计 否 and 单位 县商务局 from 5 October: her covered work and a need move."""
    finance, commerce = october.other_unit, october.unit
    person = f.member(finance, name="韩梅")
    approved_activity(october.unit, october.jiefang, october.liaison, 10, [person])
    _claimed_alone(october, person, date(2022, 10, 20))
    _save(october, person, commerce, on_roll=False, day=date(2022, 10, 5))
    _within(asked, finance, commerce)


def test_on_the_roll_from_a_day_in_another_unit(october, asked):
    """On no roll in 县教育局 (her work of the 10th on no roll), 计入参与统计 是 in 县商务局
    from 5 October: the work from the day moves to the joined stay's unit."""
    education, commerce = f.unit("县教育局"), october.unit
    person = f.member(education, name="韩梅", on_roll=False)
    approved_activity(october.unit, october.jiefang, october.liaison, 10, [person])
    _save(october, person, commerce, on_roll=True, day=date(2022, 10, 5))
    _within(asked, education, commerce)


@pytest.mark.parametrize("kind", ["not_counted", "liaison", "inactive"])
@pytest.mark.parametrize("moves", ["work", "need", "both"])
def test_a_move_on_no_roll(october, asked, kind, moves):
    finance, commerce = october.other_unit, october.unit
    if kind == "liaison":
        person = f.member(finance, Role.liaison, name="韩梅", communities=[october.jiefang])
    else:
        person = f.member(finance, name="韩梅", active=kind != "inactive",
                          on_roll=False if kind == "not_counted" else None)
    if moves in ("work", "both"):
        approved_activity(october.unit, october.jiefang, october.liaison, 10, [person])
    if moves in ("need", "both"):
        _claimed_alone(october, person, date(2022, 10, 20))
    db.session.flush()
    assert roll.open_period(person) is None
    _save(october, person, commerce, on_roll=person.on_roll)
    _within(asked, finance, commerce)


def test_a_move_on_no_roll_with_an_earlier_stay_in_another_unit(october, asked):
    """Her work of 3 October on no roll in 县教育局; on its roll from 10 October, off it
    and in 县财政局 from 5 November: 县教育局's October roll holds her. Moved on no roll
    to 县商务局, that October's 参与情况 names the unit she is in now."""
    finance, commerce, education = october.other_unit, october.unit, f.unit("县教育局")
    person = f.member(education, name="韩梅", on_roll=False)
    approved_activity(october.unit, october.jiefang, october.liaison, 3, [person])
    person.on_roll = True
    roll.settle(person, date(2022, 10, 10))
    person.unit_id, person.on_roll = finance.id, False
    roll.settle(person, date(2022, 11, 5))
    db.session.flush()
    assert roll.open_period(person) is None
    _save(october, person, commerce, on_roll=False)
    _within(asked, finance, education, commerce)


def test_a_new_member_from_a_day_locks_her_unit_alone(october, asked):
    """No row of hers to hold: nothing is taken at once; her one unit is share-locked,
    the one ``roll.moving_units`` gives for her."""
    commerce = october.unit
    added = directory.add_member(october.admin, directory.MemberData(
        name="安新人", phone=f"1391111{next(_phones):04d}", unit_id=commerce.id,
        role=Role.member, on_roll=True, roll_from=date(2022, 10, 10)))
    assert asked.at_once == []
    assert [u for u, _c in asked.shared] == [{commerce.id}]
    assert roll.moving_units(added.member, commerce.id) == {commerce.id}
