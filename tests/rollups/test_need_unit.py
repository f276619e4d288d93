"""Whose a 需求 / 微心愿 is (docs/design.md, 需求清单 in a unit's 月报): one rule,
``rollups.needs.need_unit``, for every figure of a unit.

- claimed for a unit (以单位名义认领): that unit, whoever moves — what the need's page
  names as 认领人;
- claimed by a member alone: the unit of the member's stay on the day it was
  fulfilled, or — not yet fulfilled — on the day it was claimed (its Beijing date),
  never today's; so a move dated today (or any day after the claim) changes no month
  before it, and a signed 月报 reads as it was signed.
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from sqlalchemy import select

from tests import factories as f
from tests.needs.support import need
from tests.plans import need_counts
from tracker import timeutil
from tracker.extensions import db
from tracker.models import NeedStatus, SummaryNote, SummaryScope
from tracker.reports import final
from tracker.reports.summary import build_summary
from tracker.rollups import Scope
from tracker.services import directory, roll, summary_notes

NOVEMBER = (date(2025, 11, 1), date(2025, 12, 1))
DECEMBER = (date(2025, 12, 1), date(2026, 1, 1))


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """An instant given by its Beijing wall-clock time, as the app stores it (UTC)."""
    local = datetime.combine(day, time(hour, minute), timeutil.LOCAL_TZ)
    return local.astimezone(timezone.utc)


def moved(admin, member, unit, day: date | None = None, promised: str | None = None) -> None:
    """The admin moves ``member`` to ``unit`` on the member form: 自何日起 ``day`` (left
    empty: today), with the key of a confirm step when ``promised`` is given."""
    directory.update_member(member, admin, directory.MemberData(
        name=member.name, phone=member.phone, unit_id=unit.id, role=member.role,
        branch=member.branch, on_roll=member.on_roll, roll_from=day, promised=promised))
    db.session.commit()


def claimed(community, liaison, claimer, when: datetime, **fields):
    row = need(community, liaison, status=NeedStatus.claimed, claimer=claimer, **fields)
    row.claimed_at = when
    return row


def posted(unit, period) -> int:
    return need_counts(Scope(*period, unit_id=unit.id), timeutil.local_today()).posted


def test_a_move_dated_today_leaves_last_months_needs_with_both_units(world, clock):
    """The walk's case: 刘志强 of 县农业局 claimed a 微心愿 posted on 23 November, not yet
    fulfilled; both units' November is signed; on 5 December he is moved to 县财政局
    from today. Neither November changes: the need was 县农业局's when he claimed it."""
    old, new = f.unit("县农业局"), f.unit("县财政局")
    liu = f.member(old, name="刘志强")
    f.member(new, name="何静")
    clock(date(2025, 11, 25))
    claimed(world.community, world.liaison, liu, at(date(2025, 11, 25)),
            posted_on=date(2025, 11, 23), wanted_by=date(2025, 12, 20))
    db.session.commit()
    clock(date(2025, 12, 5))
    for unit in (old, new):
        final.finalize(world.admin, SummaryScope(unit_id=unit.id), 2025, 11)
    db.session.commit()
    assert (posted(old, NOVEMBER), posted(new, NOVEMBER)) == (1, 0)

    moved(world.admin, liu, new)

    assert (posted(old, NOVEMBER), posted(new, NOVEMBER)) == (1, 0)
    db.session.expire_all()
    for unit in (old, new):  # what each 月报 page compares: no 「定稿后数据有变化」
        note = db.session.scalar(select(SummaryNote).where(
            SummaryNote.scope_key == SummaryScope(unit_id=unit.id).key,
            SummaryNote.year == 2025, SummaryNote.month == 11))
        assert not final.changes(summary_notes.current_copy(note),
                                 build_summary(2025, 11, unit=unit)), unit.name


def test_the_claim_day_is_the_beijing_date(world, clock):
    """Claimed at 23:30 on 30 November and at 00:30 on 1 December, Beijing time (both
    30 November in UTC), by a member moved on 1 December: the first is the old unit's,
    the second the new one's."""
    old, new = f.unit("县农业局"), f.unit("县财政局")
    liu = f.member(old, name="刘志强")
    db.session.commit()
    clock(date(2025, 12, 1))
    moved(world.admin, liu, new)
    claimed(world.community, world.liaison, liu, at(date(2025, 11, 30), 23, 30),
            posted_on=date(2025, 11, 20), wanted_by=date(2025, 12, 20))
    claimed(world.community, world.liaison, liu, at(date(2025, 12, 1), 0, 30),
            posted_on=date(2025, 11, 21), wanted_by=date(2025, 12, 20))
    db.session.commit()
    assert (posted(old, NOVEMBER), posted(new, NOVEMBER)) == (1, 1)


def test_a_need_claimed_for_the_unit_is_the_units_whoever_moves(world, clock):
    """陈丽华 claimed 「帮空巢老人修理轮椅」 for 县农业局 (its page: 认领人 县农业局（联系人：
    陈丽华）), then moved to 县财政局: it stays 县农业局's, in the month it was posted,
    when it is fulfilled after the move, and among the communities its month touches."""
    old, new = f.unit("县农业局"), f.unit("县财政局")
    chen = f.member(old, name="陈丽华")
    db.session.commit()
    clock(date(2025, 12, 3))
    wish = claimed(world.community, world.liaison, chen, at(date(2025, 12, 3)),
                   posted_on=date(2025, 12, 2), wanted_by=date(2025, 12, 15),
                   claimed_unit_id=old.id)
    db.session.commit()
    clock(date(2025, 12, 5))
    moved(world.admin, chen, new)
    assert (posted(old, DECEMBER), posted(new, DECEMBER)) == (1, 0)

    clock(date(2025, 12, 10))
    wish.status, wish.fulfilled_on = NeedStatus.fulfilled, date(2025, 12, 10)
    db.session.commit()
    today = date(2025, 12, 10)
    assert need_counts(Scope(*DECEMBER, unit_id=old.id), today).fulfilled == 1
    assert need_counts(Scope(*DECEMBER, unit_id=new.id), today).fulfilled == 0
    touched = set(db.session.scalars(summary_notes.unit_month_community_ids(old.id, 2025, 12)))
    assert world.community.id in touched
    assert world.community.id not in set(db.session.scalars(
        summary_notes.unit_month_community_ids(new.id, 2025, 12)))


def test_fulfilled_after_a_move_is_the_unit_of_the_fulfilment_day(world, clock):
    """刘志强 claimed a need alone in 县农业局 on 20 November, was moved to 县财政局 on 2
    December and did it; the liaison confirmed it on 10 December: December's 完成 is
    县财政局's, the unit he was in on the day it was fulfilled."""
    old, new = f.unit("县农业局"), f.unit("县财政局")
    liu = f.member(old, name="刘志强")
    clock(date(2025, 11, 20))
    wish = claimed(world.community, world.liaison, liu, at(date(2025, 11, 20)),
                   posted_on=date(2025, 11, 18), wanted_by=date(2025, 12, 20))
    db.session.commit()
    clock(date(2025, 12, 2))
    moved(world.admin, liu, new)
    clock(date(2025, 12, 10))
    wish.status, wish.fulfilled_on = NeedStatus.fulfilled, date(2025, 12, 10)
    db.session.commit()
    today = date(2025, 12, 10)
    assert need_counts(Scope(*DECEMBER, unit_id=old.id), today).fulfilled == 0
    assert need_counts(Scope(*DECEMBER, unit_id=new.id), today).fulfilled == 1


def test_review38b_a_correction_names_the_month_a_need_was_posted_in(world, clock):
    """review38b #2: 刘志强 moved 县农业局 → 县财政局 on 1 December, then on 10 December
    claimed alone a need posted on 18 November: November's 本月发布 is 县财政局's. Both
    units' November is signed. 更正日期 of the move to 15 December makes the claim day a
    县农业局 day: both signed Novembers change, and the correction names them before it
    is made (``corrected_months``: a need counts in the month it was posted in)."""
    old, new = f.unit("县农业局"), f.unit("县财政局")
    liu = f.member(old, name="刘志强")
    f.member(new, name="何静")
    db.session.commit()
    clock(date(2025, 12, 1))
    moved(world.admin, liu, new)
    clock(date(2025, 12, 10))
    claimed(world.community, world.liaison, liu, at(date(2025, 12, 10)),
            posted_on=date(2025, 11, 18), wanted_by=date(2025, 12, 30))
    db.session.commit()
    clock(date(2025, 12, 20))
    for unit in (old, new):
        final.finalize(world.admin, SummaryScope(unit_id=unit.id), 2025, 11)
    db.session.commit()
    assert (posted(old, NOVEMBER), posted(new, NOVEMBER)) == (0, 1)
    person = db.session.get(type(liu), liu.id)
    foreseen = directory.foresee_roll_correction(person, date(2025, 12, 15))
    named = {(m.unit_id, m.year, m.month) for m in foreseen.months}
    assert {(old.id, 2025, 11), (new.id, 2025, 11)} <= named, named

    done = directory.correct_roll_date(person, world.admin, date(2025, 12, 15), "录入日期有误",
                                       shown=roll.shown_key(roll.last_change(person)),
                                       promised=roll.corrected_key(foreseen, date(2025, 12, 15)))
    db.session.commit()
    assert (posted(old, NOVEMBER), posted(new, NOVEMBER)) == (1, 0)  # both Novembers changed
    # the message after it (``final.told_changed`` of what was named) names both
    told = {(m.unit_id, m.year, m.month) for m in final.told_changed(done.months).changed}
    assert {(old.id, 2025, 11), (new.id, 2025, 11)} <= told, told


def test_review38b_a_backdated_move_names_the_month_a_need_was_posted_in(world, clock):
    """review38b #2: 刘志强 of 县农业局 claimed alone on 10 December a need posted on 18
    November; both units' November is signed. On 20 December the admin moves him to
    县财政局 from 1 December (the member form, 自何日起): November's 本月发布 moves from
    one unit to the other, so the save is held and both Novembers named
    (``roll.signed_after``); confirmed with what was named, it is made."""
    old, new = f.unit("县农业局"), f.unit("县财政局")
    liu = f.member(old, name="刘志强")
    f.member(new, name="何静")
    db.session.commit()
    clock(date(2025, 12, 10))
    claimed(world.community, world.liaison, liu, at(date(2025, 12, 10)),
            posted_on=date(2025, 11, 18), wanted_by=date(2025, 12, 30))
    db.session.commit()
    clock(date(2025, 12, 20))
    for unit in (old, new):
        final.finalize(world.admin, SummaryScope(unit_id=unit.id), 2025, 11)
    db.session.commit()
    assert (posted(old, NOVEMBER), posted(new, NOVEMBER)) == (1, 0)

    def save(promised):
        moved(world.admin, liu, new, date(2025, 12, 1), promised)

    try:
        save("")
        refused = None
    except directory.SignedUnconfirmed as error:
        refused = error
        db.session.rollback()
    assert refused is not None, "saved at once, naming nothing"
    assert (posted(old, NOVEMBER), posted(new, NOVEMBER)) == (1, 0)  # nothing saved
    named = {(m.unit_id, m.year, m.month) for m in refused.signed.months}
    assert {(old.id, 2025, 11), (new.id, 2025, 11)} <= named, named

    save(refused.key)  # the admin confirms what was named
    assert (posted(old, NOVEMBER), posted(new, NOVEMBER)) == (0, 1)
    # and the page after the save names both (``admin.told.tell_roll_changes``' months)
    change = roll.last_change(db.session.get(type(liu), liu.id))
    told = {(m.unit_id, m.year, m.month) for m in final.told_changed(
        roll.need_months([change])).changed}
    assert {(old.id, 2025, 11), (new.id, 2025, 11)} <= told, told


def test_a_move_touching_no_needs_month_names_no_more(world, clock):
    """The months a roll change names grow only by those of the needs it moves: 刘志强
    claimed alone on 25 November a need posted on 18 November (before the move: stays
    县农业局's) and on 10 December one posted on 3 December (December is not signed).
    Moved from 1 December, with both Novembers signed, the form names nothing and saves
    at once; 更正日期 of the move to 5 December names nothing either."""
    old, new = f.unit("县农业局"), f.unit("县财政局")
    liu = f.member(old, name="刘志强")
    f.member(new, name="何静")
    db.session.commit()
    clock(date(2025, 11, 25))
    claimed(world.community, world.liaison, liu, at(date(2025, 11, 25)),
            posted_on=date(2025, 11, 18), wanted_by=date(2025, 12, 30))
    clock(date(2025, 12, 10))
    claimed(world.community, world.liaison, liu, at(date(2025, 12, 10)),
            posted_on=date(2025, 12, 3), wanted_by=date(2025, 12, 30))
    db.session.commit()
    clock(date(2025, 12, 20))
    for unit in (old, new):
        final.finalize(world.admin, SummaryScope(unit_id=unit.id), 2025, 11)
    db.session.commit()

    moved(world.admin, liu, new, date(2025, 12, 1), promised="")  # not refused
    assert (posted(old, NOVEMBER), posted(new, NOVEMBER)) == (1, 0)
    person = db.session.get(type(liu), liu.id)
    assert roll.need_months([roll.last_change(person)]) == []
    foreseen = directory.foresee_roll_correction(person, date(2025, 12, 5))
    assert (foreseen.months, foreseen.years) == ([], [])
