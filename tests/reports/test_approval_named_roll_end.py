"""naming49 (found, not fixed; naming50): a participant who moves units after the
activity's day. A unit's 参与情况 — its 参与 count and 未参与名单, in its 月报 and its
年度总结, whole and each part in a community — counts the unit's roll of the period's
last day, and whether each of them took part in any approved activity of the period
(``rollups.coverage``). So 通过 (作废, 撤销审核) of an activity changes the signed
document of the unit she is on the roll of at the month's (year's) end when she took
part in nothing else approved there in that period — whichever unit she was in on the
activity's day. docs/design.md: a naming page names exactly the signed documents the
change alters — all of them, never one it does not; a liaison is refused a change of a
signed month.

On the October dataset: a new member of 县财政局, 调动党员, took part (confirmed) in
县商务局's 「待审核整治」 in 解放路社区 on 30 October 2022, still 待审核; her stay moves to
县教育局 from a later day. The expected values are the signed documents' own notices
after the change (「定稿后数据有变化」), and the words a liaison is refused in."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.reports.test_approval_named_participants import (
    ACTION,
    ACTION_YEAR,
    CHANGED,
    _approve,
    _changed,
    _year_changed,
)
from tests.reports.test_signed_named import named
from tests.web.stale_support import text
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, Member, RollPeriod, SummaryScope
from tracker.reports import annual_final, final
from tracker.services.reviews import (
    admin_only_units,
    approval_refusal,
    approval_refusals,
    approval_signed,
)
from tracker.services.named_first import counted_places, import_places_signed, work_signed
from tracker.services.summary_notes import FinalMonth, FinalYear, closed_member_units
from tracker.services.voiding import uncount_signed, void_activity, void_refusal

MOVER = "调动党员"


def _mover(o, moved_on: date, *, also_in: str | None = None):
    """调动党员 of 县财政局, on its roll until ``moved_on`` and on 县教育局's from then on,
    confirmed in 「待审核整治」 (30 Oct) — and in the approved ``also_in`` too, when
    given. The new unit and the activity."""
    education = f.unit("县教育局")
    mover = f.member(o.other_unit, name=MOVER)
    stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == mover.id))
    stay.until = moved_on
    db.session.add(RollPeriod(member_id=mover.id, unit_id=education.id, since=moved_on))
    mover.unit_id = education.id
    task = o.tasks["待审核整治"]
    for key in ("待审核整治", *([also_in] if also_in else [])):
        db.session.add(Assignment(task_id=o.tasks[key].id, member_id=mover.id,
                                  status=AssignmentStatus.done, minutes=120))
        o.tasks[key].taken += 1
    db.session.commit()
    return education, task


def _unit_changed(client, unit, month: str = "2022-10", community=None) -> bool:
    part = f"&community={community.id}" if community is not None else ""
    return _changed(client, f"unit={unit.id}{part}", month)


def _refused_words(unit_name: str, action: str) -> str:
    return f"{MOVER}所在单位（{unit_name}）2022年10月的月报已定稿，{action}须由单位管理员操作"


def test_her_unit_on_the_months_roll_is_named_refused_for_a_liaison_and_changes(
        client, login, october):
    """She moves to 县教育局 on 31 October: its October counts her as its own; 通过
    names it, a liaison is refused it, and after 通过 it is the one that changed."""
    o = october
    education, task = _mover(o, date(2022, 10, 31))
    final.finalize(o.admin, SummaryScope(unit_id=education.id), 2022, 10)
    db.session.commit()

    naming = approval_signed([task], o.admin)[task.id]
    assert naming.months == [FinalMonth(education.id, "县教育局", 2022, 10)]
    assert naming.years == []
    words = _refused_words("县教育局", "审核通过该活动")
    assert words in str(approval_refusal(task, o.liaison, lock=False))
    assert words in str(approval_refusals([task], o.liaison)[task.id])
    # the 待单位管理员处理 digest tells 县教育局's admins too
    assert admin_only_units([task])[task.id] == {task.unit_id, education.id}

    login(o.admin)
    (shown,) = named(text(client.get(f"/manage/reports/{task.report.id}")))
    assert f"{ACTION}县教育局2022年10月。" in shown
    assert not _unit_changed(client, education)
    _approve(client, task.report)
    assert _unit_changed(client, education)


def test_her_unit_on_the_years_roll_is_named_for_the_year_alone(client, login, october):
    """She moves to 县教育局 on 15 December: its 年度总结 counts her as its own, its
    October does not (her roll then was 县财政局's, her unit of the day)."""
    o = october
    education, task = _mover(o, date(2022, 12, 15))
    whole = SummaryScope(unit_id=education.id)
    final.finalize(o.admin, whole, 2022, 10)
    annual_final.finalize_year(o.admin, whole, 2022)
    db.session.commit()

    naming = approval_signed([task], o.admin)[task.id]
    assert naming.months == []
    assert naming.years == [FinalYear(education.id, None, "县教育局", None, 2022)]
    refusal = str(approval_refusal(task, o.liaison, lock=False))
    assert f"{MOVER}所在单位（县教育局）2022年度总结已定稿，审核通过该活动须由单位管理员操作" in refusal
    assert "月报" not in refusal

    login(o.admin)
    (shown,) = named(text(client.get(f"/manage/reports/{task.report.id}")))
    assert f"{ACTION_YEAR}县教育局2022年。" in shown
    assert ACTION not in shown
    _approve(client, task.report)
    assert _year_changed(client, f"unit={education.id}")
    assert not _unit_changed(client, education)


@pytest.mark.parametrize("also_in, part_changes", [
    # 县财政局's 「财政局宣讲」, 解放路社区, 10 Oct: she took part there already
    ("财政局宣讲", False),
    # 「牛皮癣一区」, 建设路社区, 16 Oct: the whole unit has her; its part in 解放路社区 not
    ("牛皮癣一区", True),
])
def test_another_approved_participation_that_month_leaves_what_it_counts(
        client, login, october, also_in, part_changes):
    """She took part in another approved activity in October: 县教育局's whole October
    counts her already and does not change; its part in 解放路社区 changes only when
    that other activity was elsewhere."""
    o = october
    education, task = _mover(o, date(2022, 10, 31), also_in=also_in)
    final.finalize(o.admin, SummaryScope(unit_id=education.id), 2022, 10)
    final.finalize(o.admin, SummaryScope(unit_id=education.id, community_id=o.jiefang.id),
                   2022, 10)
    db.session.commit()

    naming = approval_signed([task], o.admin).get(task.id)
    months = naming.months if naming else []
    assert months == ([FinalMonth(education.id, "县教育局", 2022, 10)] if part_changes
                      else [])
    refusal = approval_refusal(task, o.liaison, lock=False)
    assert (_refused_words("县教育局", "审核通过该活动") in str(refusal)) is part_changes

    login(o.admin)
    _approve(client, task.report)
    assert not _unit_changed(client, education)
    assert _unit_changed(client, education, community=o.jiefang) is part_changes


def test_voiding_the_approved_activity_names_her_unit_on_the_months_roll(
        client, login, october):
    """The same shape, approved before 县教育局's October was signed: its 作废 (and
    撤销审核) takes her 参与 out of that October, names it, and a liaison is refused."""
    o = october
    education, task = _mover(o, date(2022, 10, 31))
    login(o.admin)
    _approve(client, task.report)
    final.finalize(o.admin, SummaryScope(unit_id=education.id), 2022, 10)
    db.session.commit()
    assert not _unit_changed(client, education)

    void, reopen = uncount_signed(o.admin, task)
    assert void.months == reopen.months == [FinalMonth(education.id, "县教育局", 2022, 10)]
    assert void.years == reopen.years == []
    assert _refused_words("县教育局", "作废这次活动") in str(
        void_refusal(task, o.liaison, lock=False))

    void_activity(task, o.admin, "误登记")
    db.session.commit()
    assert _unit_changed(client, education)
    assert CHANGED not in text(client.get(f"/reports/?unit={o.other_unit.id}&month=2022-09"))


def test_an_admins_backfill_names_her_unit_on_the_months_roll(client, login, october):
    """补录 of her work on 30 October (an activity of 县商务局's in 解放路社区): the naming
    before an admin's (``named_first.work_signed``, also 添加遗漏的参加人员's and 采纳's)
    names 县教育局's October, and a liaison is refused it, as for 通过."""
    o = october
    education, task = _mover(o, date(2022, 10, 31))
    mover = db.session.scalar(select(Member).where(Member.name == MOVER))
    final.finalize(o.admin, SummaryScope(unit_id=education.id), 2022, 10)
    db.session.commit()
    day = date(2022, 10, 30)

    naming = work_signed(o.admin, o.unit.id, o.jiefang.id, day, [mover.id])
    assert naming.months == [FinalMonth(education.id, "县教育局", 2022, 10)]
    assert naming.years == []
    [unit] = closed_member_units(o.liaison, o.unit.id, o.jiefang.id, day, [mover.id],
                                 lock=False)
    assert (unit.unit_id, unit.names) == (education.id, (MOVER,))
    # her other participation that month, counted (approved): nothing of 县教育局's changes
    login(o.admin)
    _approve(client, task.report)
    assert work_signed(o.admin, o.unit.id, o.jiefang.id, day, [mover.id]) is None
    assert closed_member_units(o.liaison, o.unit.id, o.jiefang.id, day, [mover.id],
                               lock=False) == []


def test_a_ledger_imports_places_name_her_unit_on_the_months_roll(client, login, october):
    """The ledger import names what its recorded activities count in
    (``named_first.counted_places`` → ``import_places_signed``): 县教育局's October, her
    unit on the roll of October's end, kept as a place of the month alone; and 县财政局's
    signed 2022, her unit of the day's (its 人次)."""
    o = october
    education, task = _mover(o, date(2022, 10, 31))
    login(o.admin)
    _approve(client, task.report)  # recorded, as an import's activities are
    final.finalize(o.admin, SummaryScope(unit_id=education.id), 2022, 10)
    annual_final.finalize_year(o.admin, SummaryScope(unit_id=o.other_unit.id), 2022)
    db.session.commit()

    places = counted_places([task.id])
    assert (education.id, o.jiefang.id, 2022, 10, 0, 1, 0) in places
    naming = import_places_signed(o.admin, places)
    assert naming.months == [FinalMonth(education.id, "县教育局", 2022, 10)]
    # her unit of the day's year (县财政局, whose 人次 it is) is named; 县教育局's is not
    assert naming.years == [FinalYear(o.other_unit.id, None, "县财政局", None, 2022)]
