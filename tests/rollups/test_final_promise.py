"""The admin's promise about signed months (更正日期, 合并账号) against what happens.

An admin's change of a 已定稿 month is allowed; the page names the months it touches
and promises that their 月报 page will say 「定稿后数据有变化」 (docs/design.md, 定稿).
That page compares the signed document with the live one leaving out what waits for
review (``final.changes``). Each case here makes the change over signed months and
asks the page's own comparison of every one of them (``told``).

The services name the months a change may touch before it is made (the merge's
confirmation page shows them): never fewer than those the page will tell, and none
for work that only waits for review. Which figures a roll correction moves can hang
on the rest of the month (参与情况's 人次 is written only where it differs from the
unit's own activities'), so after the change the message names those of them whose
page does tell (``final.told_changed``, the same comparison: proved on the pages in
tests/web/test_admin_roll_correction.py and test_admin_account_merge.py).
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import AssignmentStatus, ReportStatus, RollPeriod, SummaryNote, SummaryScope
from tracker.reports import final
from tracker.reports.summary import build_summary
from tracker.services import directory, merge, roll, summary_notes

WORKED = date(2025, 10, 10)
MONTHS = ((2025, 9), (2025, 10))  # November: no case reaches it


def sign(admin, units) -> None:
    for unit in units:
        for year, month in MONTHS:
            final.finalize(admin, SummaryScope(unit_id=unit.id), year, month)


def told(units) -> set[tuple[str, int, int]]:
    """The signed months whose 月报 page says 「定稿后数据有变化」: the page's comparison."""
    db.session.expire_all()
    changed = set()
    for unit in units:
        for year, month in MONTHS:
            note = db.session.scalar(select(SummaryNote).where(
                SummaryNote.scope_key == SummaryScope(unit_id=unit.id).key,
                SummaryNote.year == year, SummaryNote.month == month))
            copy = summary_notes.current_copy(note)
            if final.changes(copy, build_summary(year, month, unit=unit)):
                changed.add((unit.name, year, month))
    return changed


def named(months) -> set[tuple[str, int, int]]:
    return {(m.name, m.year, m.month) for m in months}


def data(member, **changes) -> directory.MemberData:
    values = dict(name=member.name, phone=member.phone, unit_id=member.unit_id,
                  role=member.role, branch=member.branch, on_roll=member.on_roll)
    values.update(changes)
    return directory.MemberData(**values)


# (recorded, corrected): within October either way, across its first day, across its
# last day
IN_OCT, IN_OCT_BACK = (date(2025, 10, 5), date(2025, 10, 20)), (date(2025, 10, 20), date(2025, 10, 5))
FIRST_DAY, LAST_DAY = (date(2025, 10, 3), date(2025, 9, 28)), (date(2025, 11, 1), date(2025, 10, 15))
APPROVED, WAITING = ReportStatus.approved, ReportStatus.submitted
CORRECTIONS = [
    *(("move", *dates, APPROVED) for dates in (IN_OCT, IN_OCT_BACK, FIRST_DAY, LAST_DAY)),
    ("move", *IN_OCT, WAITING), ("move", *FIRST_DAY, WAITING),
    *(("leave", *dates, APPROVED) for dates in (IN_OCT, FIRST_DAY, LAST_DAY)),
    *(("join", *dates, APPROVED) for dates in (FIRST_DAY, LAST_DAY)),
]


@pytest.mark.parametrize("kind,recorded,corrected,status", CORRECTIONS)
def test_a_correction_names_the_months_whose_page_will_say_so(
        world, clock, kind, recorded, corrected, status):
    """张三 of 县农业局 worked on 10 October on an activity of his unit (approved, or
    still 待审核); his latest roll change — a move to 县财政局, leaving the roll, or
    joining it — recorded on one day is corrected to another. Both units' September
    to November are 已定稿."""
    old, new = f.unit("县农业局"), f.unit("县财政局")
    zhang = f.member(old, name="张三", on_roll=kind != "join")
    f.member(old, name="李四")
    f.member(new, name="王五")
    task = b.task_on(f.item(old, world.community, "environment_cleanup", year=2025),
                     world.liaison, WORKED)
    b.join(task, zhang, minutes=120)
    b.report(task, world.liaison, status=status)
    db.session.commit()
    clock(date(2025, 12, 2))
    change = {"move": dict(unit_id=new.id), "leave": dict(on_roll=False),
              "join": dict(on_roll=True)}[kind]
    directory.update_member(zhang, world.admin, data(zhang, roll_from=recorded, **change))
    sign(world.admin, (old, new))
    db.session.commit()

    months = directory.correct_roll_date(zhang, world.admin, corrected, "日期记错",
                                         shown=roll.shown_key(roll.last_change(zhang))).months
    db.session.commit()

    told_now = told((old, new))
    assert named(months) >= told_now
    if status == WAITING:  # moving work that waits for review names nothing more
        assert named(months) == told_now


@pytest.mark.parametrize("case,status", [
    *((case, APPROVED) for case in ("typo", "both_on_roll", "a_joined_later", "b_off_roll",
                                    "a_worked_too")),
    ("typo", WAITING), ("b_off_roll", WAITING)])
def test_a_merge_names_the_months_whose_page_will_say_so(world, clock, case, status):
    """B worked on 10 October on an activity of the unit (approved, or still 待审核);
    A is kept. ``typo``: B is 赵陆, both on the roll; ``both_on_roll``: one name, both
    on the roll since always; ``a_joined_later``: one name, A on the roll only since
    November; ``b_off_roll``: one name, B not counted in participation; ``a_worked_too``:
    one name, A on the roll from November and also working in October (approved)."""
    unit = f.unit("县统计局")
    keep = f.member(unit, name="赵六")
    drop = f.member(unit, name="赵陆" if case == "typo" else "赵六",
                    on_roll=case != "b_off_roll")
    f.member(unit, name="钱七")
    if case in ("a_joined_later", "a_worked_too"):
        stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == keep.id))
        stay.since = date(2025, 11, 1)
    item = f.item(unit, world.community, "environment_cleanup", year=2025)
    task = b.task_on(item, world.liaison, WORKED)
    b.join(task, drop, minutes=120)
    b.report(task, world.liaison, status=status)
    if case == "a_worked_too":
        other = b.task_on(item, world.liaison, date(2025, 10, 12))
        b.join(other, keep, minutes=60, status=AssignmentStatus.done)
        b.report(other, world.liaison)
    db.session.commit()
    clock(date(2025, 12, 2))
    sign(world.admin, (unit,))
    db.session.commit()

    moved = merge.merge_members(keep, drop, world.admin, shown=merge.preview(keep, drop).key())
    db.session.commit()

    assert named(moved.final_months) == told((unit,))  # the confirmation page's, exactly


# --- the signed years (年度总结): its roll on 31 December, its work over the year ----

def sign_years(admin, scopes) -> None:
    from tracker.reports import annual_final
    for scope in scopes:
        annual_final.finalize_year(admin, scope, 2025)


def told_years(scopes) -> set[tuple]:
    """The signed 2025 年度总结 whose page says 「定稿后数据有变化」: the page's comparison."""
    from tracker.reports import annual_final
    db.session.expire_all()
    years = [summary_notes.FinalYear(s.unit_id, s.community_id, None, None, 2025)
             for s in scopes]
    return {(y.scope.key, y.year) for y in annual_final.told_changed_years(years)}


def named_years(years) -> set[tuple]:
    return {(y.scope.key, y.year) for y in years}


@pytest.mark.parametrize("case", ["both_on_roll", "a_later_same_name", "a_later_typo",
                                  "a_later_typo_idle", "b_off_roll", "both_worked_there"])
def test_a_merge_names_the_years_whose_page_will_say_so(world, clock, case):
    """The unit's and 解放路社区's own 2025 年度总结 are 已定稿, none of their months;
    A is kept. ``both_on_roll``: one name, both on the roll since always, B worked in
    October; ``a_later_same_name``: one name, A on the roll only from 2026, B worked;
    ``a_later_typo``: B is 赵陆, A from 2026, B worked (B took part: named nowhere);
    ``a_later_typo_idle``: the same, B's work still 待审核 (B is in the 全年未参与名单 by
    name); ``b_off_roll``: one name, B not counted in participation, worked, A on the
    roll; ``both_worked_there``: one name, both on the roll and working in the community
    (its own year's people fall by one). The confirmation page's years are those told."""
    unit = f.unit("县统计局")
    typo = case.startswith("a_later_typo")
    keep = f.member(unit, name="赵六")
    drop = f.member(unit, name="赵陆" if typo else "赵六", on_roll=case != "b_off_roll")
    f.member(unit, name="钱七")
    if case.startswith("a_later"):
        stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == keep.id))
        stay.since = date(2026, 1, 2)
    item = f.item(unit, world.community, "environment_cleanup", year=2025)
    task = b.task_on(item, world.liaison, WORKED)
    b.join(task, drop, minutes=120)
    b.report(task, world.liaison, status=WAITING if case == "a_later_typo_idle" else APPROVED)
    if case == "both_worked_there":
        other = b.task_on(item, world.liaison, date(2025, 10, 12))
        b.join(other, keep, minutes=60, status=AssignmentStatus.done)
        b.report(other, world.liaison)
    db.session.commit()
    clock(date(2026, 1, 10))
    scopes = (SummaryScope(unit_id=unit.id), SummaryScope(community_id=world.community.id))
    sign_years(world.admin, scopes)
    db.session.commit()

    moved = merge.merge_members(keep, drop, world.admin, shown=merge.preview(keep, drop).key())
    db.session.commit()

    assert named_years(moved.years) == told_years(scopes)  # the confirmation page's, exactly


def moved_b(world):
    """B (赵陆, a typo) was on 县财政局's roll until 1 June 2025, then on 县统计局's, no
    work; A (赵六, 县统计局) is on the roll only from 2026. 县财政局's periods after June
    lose no one: A takes over B's stay there unchanged (review38 #4)."""
    old, new = f.unit("县统计局"), f.unit("县财政局")
    keep = f.member(old, name="赵六")
    drop = f.member(old, name="赵陆")
    f.member(old, name="钱七")
    f.member(new, name="王五")
    stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == keep.id))
    stay.since = date(2026, 1, 2)
    first = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == drop.id))
    first.since = date(2025, 6, 1)
    db.session.add(RollPeriod(member_id=drop.id, unit_id=new.id, until=date(2025, 6, 1)))
    db.session.commit()
    return old, new, keep, drop


def test_a_merge_of_one_who_moved_in_the_year_names_the_years_whose_page_will_say_so(world,
                                                                                    clock):
    """Both units' 2025 年度总结 are signed: only a year B was on that unit's roll at
    its end can be named for B's place on the roll."""
    old, new, keep, drop = moved_b(world)
    clock(date(2026, 1, 10))
    scopes = (SummaryScope(unit_id=old.id), SummaryScope(unit_id=new.id))
    sign_years(world.admin, scopes)
    db.session.commit()

    moved = merge.merge_members(keep, drop, world.admin, shown=merge.preview(keep, drop).key())
    db.session.commit()

    assert named_years(moved.years) == told_years(scopes)  # the confirmation page's, exactly


def test_a_merge_of_one_who_moved_in_the_year_names_the_months_whose_page_will_say_so(world,
                                                                                     clock):
    """The same for the months: both units' September and October 2025 are signed."""
    old, new, keep, drop = moved_b(world)
    clock(date(2025, 12, 2))
    sign(world.admin, (old, new))
    db.session.commit()

    moved = merge.merge_members(keep, drop, world.admin, shown=merge.preview(keep, drop).key())
    db.session.commit()

    assert named(moved.final_months) == told((old, new))  # the confirmation page's, exactly


YEAR_END = (date(2026, 1, 5), date(2025, 12, 20))  # across 31 December
IN_YEAR = (date(2025, 11, 20), date(2025, 11, 5))  # within the year, away from its ends


@pytest.mark.parametrize("kind,recorded,corrected", [
    (kind, *dates) for kind in ("move", "leave", "join") for dates in (YEAR_END, IN_YEAR)])
def test_a_correction_names_the_years_whose_page_will_say_so(world, clock, kind, recorded,
                                                             corrected):
    """张三 of 县农业局 worked on 10 October 2025 (approved); his latest roll change —
    a move to 县财政局, leaving the roll, or joining it — is corrected across the year's
    end or within November. Both units' 2025 年度总结 are 已定稿, none of their months.
    The years named before the change are never fewer than those told after it."""
    old, new = f.unit("县农业局"), f.unit("县财政局")
    zhang = f.member(old, name="张三", on_roll=kind != "join")
    f.member(old, name="李四")
    f.member(new, name="王五")
    task = b.task_on(f.item(old, world.community, "environment_cleanup", year=2025),
                     world.liaison, WORKED)
    b.join(task, zhang, minutes=120)
    b.report(task, world.liaison)
    db.session.commit()
    clock(date(2026, 1, 10))
    change = {"move": dict(unit_id=new.id), "leave": dict(on_roll=False),
              "join": dict(on_roll=True)}[kind]
    directory.update_member(zhang, world.admin, data(zhang, roll_from=recorded, **change))
    scopes = (SummaryScope(unit_id=old.id), SummaryScope(unit_id=new.id))
    sign_years(world.admin, scopes)
    db.session.commit()

    years = directory.correct_roll_date(zhang, world.admin, corrected, "日期记错",
                                        shown=roll.shown_key(roll.last_change(zhang))).years
    db.session.commit()

    told_now = told_years(scopes)
    assert named_years(years) >= told_now
    if recorded.year == corrected.year:  # no year's end, no work between: nothing moves
        assert named_years(years) == told_now == set()


def test_a_correction_confirmed_after_a_rename_is_made(world, clock):
    """review45fix Open: 更正日期's page posts back its key (``roll.corrected_key``), which
    lists the two units' months in the order of their names. 张三's work of 10 October
    moves from 县农业局 to 县财政局 when his move is corrected from the 20th to the 5th,
    so the page names both units' October; a rename of one unit between the page and the
    save names the same documents, and the correction is made, not refused as changed."""
    old, new = f.unit("县农业局"), f.unit("县财政局")
    zhang = f.member(old, name="张三")
    task = b.task_on(f.item(old, world.community, "environment_cleanup", year=2025),
                     world.liaison, WORKED)
    b.join(task, zhang, minutes=120)
    b.report(task, world.liaison, status=APPROVED)
    db.session.commit()
    clock(date(2025, 12, 2))
    recorded, corrected = IN_OCT_BACK
    directory.update_member(zhang, world.admin, data(zhang, roll_from=recorded, unit_id=new.id))
    sign(world.admin, (old, new))
    db.session.commit()

    def key():
        change = roll.last_change(zhang)
        months = roll.corrected_months(zhang, change, corrected)
        return roll.corrected_key(
            roll.Corrected(months, roll.corrected_years(zhang, change, corrected, months)),
            corrected)

    shown = key()
    assert {(m.name, m.year, m.month) for m in roll.corrected_months(
        zhang, roll.last_change(zhang), corrected)} >= {("县农业局", 2025, 10), ("县财政局", 2025, 10)}
    # a name sorting after 县财政局's when 县农业局 came first, before it otherwise
    old.name = ("县财政局二所" if roll.promised_named(shown).startswith(f"{old.id}-")
                else "县一局")
    db.session.commit()
    assert key() != shown  # the premise: the same documents, listed in another order

    directory.correct_roll_date(zhang, world.admin, corrected, "日期记错",
                                shown=roll.shown_key(roll.last_change(zhang)), promised=shown)
    db.session.commit()
    assert roll.last_change(zhang).day == corrected
