"""A 作废 changes the months a need moves to, not only the month it leaves (review40fix
#1a, #1b). A signed month's figures are changed by an admin only, whichever unit's month
it is (docs/design.md): a liaison is refused, naming the need, the unit and the month;
an admin is told first which signed documents it will change.

- #1a: a recurring need is done once, by the first approved week of its series; voided,
  that week's approval no longer did it, and another approved week of the series does —
  on the day that week was approved, for the unit the need counts for on that day (a
  claimer's unit of the day). Its 完成 arrives in that month.
- #1b: a need a member claimed alone is the unit's of her stay on the day it was
  fulfilled, or — not fulfilled — on the day she claimed it. Voided with no other week to
  take it over, it is to do again: for a claimer who moved unit between the claim and the
  fulfilment, it becomes her old unit's again, and its posted month's 本月发布 moves back
  to that unit."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.needs.support import need
from tests.plans import need_counts
from tests.rollups import builders as b
from tracker import timeutil
from tracker.extensions import db
from tracker.models import Need, NeedStatus, RollPeriod, SummaryScope
from tracker.reports import annual_final, final
from tracker.rollups import Scope
from tracker.services import ServiceError, summary_notes
from tracker.services.voiding import void_activity, void_refusal, void_signed

NOVEMBER = (date(2025, 11, 1), date(2025, 12, 1))
DECEMBER = (date(2025, 12, 1), date(2026, 1, 1))
TODAY = date(2026, 12, 5)


def at(day: date, hour: int = 10) -> datetime:
    """A Beijing wall-clock time, as the app stores it (UTC)."""
    local = datetime.combine(day, time(hour), timeutil.LOCAL_TZ)
    return local.astimezone(timezone.utc)


def moved(member, unit, day: date) -> None:
    """``member`` left her unit's roll for ``unit``'s on ``day`` (the history, as written)."""
    stay = db.session.scalar(select(RollPeriod).where(RollPeriod.member_id == member.id,
                                                      RollPeriod.until.is_(None)))
    stay.until = day
    db.session.add(RollPeriod(member_id=member.id, unit_id=unit.id, since=day))
    member.unit = unit
    db.session.flush()


def approved_on(task, reviewer, day: date):
    report = b.report(task, reviewer)
    report.reviewed_by_id, report.reviewed_at = reviewer.id, at(day)
    return report


def sign(admin, unit, year: int, month: int) -> None:
    final.finalize(admin, SummaryScope(unit_id=unit.id), year, month)
    db.session.commit()


def counts(unit, period):
    got = need_counts(Scope(*period, unit_id=unit.id), TODAY)
    return got.posted, got.fulfilled


def named(page: str) -> list[str]:
    """The words of each block naming the signed documents an action will change."""
    return [re.sub(r"<[^>]+>", "", block) for block in
            re.findall(r'data-figure="signed_named">(.*?)</div>', page, re.S)]


def _page(client, url: str) -> str:
    """The task page, or 作废's confirmation page (a post without ``confirmed``)."""
    if url.endswith("/void"):
        return client.post(url, data={"void-reason": "录入错误"}).get_data(as_text=True)
    return client.get(url).get_data(as_text=True)


@pytest.fixture
def weekly(world):
    """A weekly 代购 series made from 何静's need: its November week approved on 20
    November (fulfilling the need), its December week approved on 5 December. 何静 was on
    the activity's unit's roll until 1 December, then on 县财政局's, which signed its
    December."""
    finance = f.unit("县财政局")
    he = f.member(world.unit, name="何静")
    moved(he, finance, date(2025, 12, 1))
    weeks = [b.task_on(world.item, world.liaison, day, title="每周代购")
             for day in (date(2025, 11, 20), date(2025, 12, 4))]
    for task, day in zip(weeks, (date(2025, 11, 20), date(2025, 12, 5))):
        task.series_id = "weekly-errand"
        b.join(task, world.member)
        approved_on(task, world.liaison, day)
    wish = need(world.community, world.liaison, claimer=he, status=NeedStatus.fulfilled,
                title="每周代购生活用品", posted_on=date(2025, 11, 3),
                wanted_by=date(2025, 11, 30))
    wish.claimed_at = at(date(2025, 11, 5))
    wish.task_id, wish.fulfilled_on = weeks[0].id, date(2025, 11, 20)
    wish.fulfilled_at, wish.fulfilled_by_id = at(date(2025, 11, 20)), world.liaison.id
    db.session.commit()
    sign(world.admin, finance, 2025, 12)
    return finance, weeks[0]


def test_a_liaisons_void_is_refused_when_the_week_taking_its_need_over_is_in_a_signed_month(
        world, weekly):
    finance, november_week = weekly
    assert counts(finance, DECEMBER) == (0, 0)  # the need is not 县财政局's December's

    refusal = void_refusal(november_week, world.liaison, lock=False)
    assert refusal is not None, "the page offers a liaison 作废"
    assert str(refusal) == ("需求“每周代购生活用品”计入的单位（县财政局）2025年12月的月报已定稿，"
                            "作废这次活动须由单位管理员操作（或由单位管理员先重新打开该月的月报）。")
    with pytest.raises(ServiceError) as refused:
        void_activity(november_week, world.liaison, "录入错误")
    db.session.rollback()
    assert str(refused.value) == str(refusal)
    assert counts(finance, DECEMBER) == (0, 0), "a liaison changed 县财政局's signed December"


def test_an_admin_is_told_first_that_the_void_changes_the_month_the_need_arrives_in(
        client, login, world, weekly):
    finance, november_week = weekly
    months = void_signed(world.admin, november_week).months
    assert [(m.unit_name, m.year, m.month) for m in months] == [("县财政局", 2025, 12)]
    login(world.admin)
    for url in (f"/manage/tasks/{november_week.id}", f"/manage/tasks/{november_week.id}/void"):
        # the task page names 撤销审核's documents too, in a block of its own
        (words,) = [w for w in named(_page(client, url)) if "作废" in w]
        assert "作废该活动会改变以下已定稿月报的当前数据：县财政局2025年12月。" in words, url

    void_activity(november_week, world.admin, "录入错误")
    db.session.commit()
    # what was named is what changed: the December week did it, on its approval day, for
    # the unit 何静 was in then
    assert counts(finance, DECEMBER) == (0, 1)
    wish = db.session.scalar(select(Need).where(Need.title == "每周代购生活用品"))
    assert wish.fulfilled_on == date(2025, 12, 5)


@pytest.fixture
def moved_claimer(world):
    """何静 of 县财政局 claimed a 微心愿 posted on 3 November on 5 November, moved to the
    activity's unit on 10 November; the activity that fulfilled it was approved on 20
    November, so it is the activity's unit's. 县财政局 signed its November."""
    finance = f.unit("县财政局")
    he = f.member(finance, name="何静")
    moved(he, world.unit, date(2025, 11, 10))
    task = b.task_on(world.item, world.liaison, date(2025, 11, 20))
    b.join(task, world.member)
    approved_on(task, world.liaison, date(2025, 11, 20))
    wish = need(world.community, world.liaison, claimer=he, status=NeedStatus.fulfilled,
                title="给独居老人送年货", posted_on=date(2025, 11, 3),
                wanted_by=date(2025, 11, 30))
    wish.claimed_at = at(date(2025, 11, 5))
    wish.task_id, wish.fulfilled_on = task.id, date(2025, 11, 20)
    wish.fulfilled_at, wish.fulfilled_by_id = at(date(2025, 11, 20)), world.liaison.id
    db.session.commit()
    sign(world.admin, finance, 2025, 11)
    return finance, task


def test_a_liaisons_void_is_refused_when_the_need_goes_back_to_a_signed_month_of_the_claimers_old_unit(
        world, moved_claimer):
    finance, task = moved_claimer
    assert counts(finance, NOVEMBER) == (0, 0)  # fulfilled after the move: not 县财政局's

    refusal = void_refusal(task, world.liaison, lock=False)
    assert refusal is not None, "the page offers a liaison 作废"
    assert str(refusal) == ("需求“给独居老人送年货”计入的单位（县财政局）2025年11月的月报已定稿，"
                            "作废这次活动须由单位管理员操作（或由单位管理员先重新打开该月的月报）。")
    with pytest.raises(ServiceError) as refused:
        void_activity(task, world.liaison, "录入错误")
    db.session.rollback()
    assert str(refused.value) == str(refusal)
    assert counts(finance, NOVEMBER) == (0, 0), "a liaison changed 县财政局's signed November"


def test_an_admin_is_told_first_that_the_void_moves_the_needs_posted_month_to_the_old_unit(
        client, login, world, moved_claimer):
    finance, task = moved_claimer
    months = void_signed(world.admin, task).months
    assert [(m.unit_name, m.year, m.month) for m in months] == [("县财政局", 2025, 11)]
    login(world.admin)
    for url in (f"/manage/tasks/{task.id}", f"/manage/tasks/{task.id}/void"):
        # the task page names 撤销审核's documents too, in a block of its own
        (words,) = [w for w in named(_page(client, url)) if "作废" in w]
        assert "作废该活动会改变以下已定稿月报的当前数据：县财政局2025年11月。" in words, url

    void_activity(task, world.admin, "录入错误")
    db.session.commit()
    assert counts(finance, NOVEMBER) == (1, 0)  # its 本月发布 is 县财政局's again


def test_nothing_is_named_while_no_month_the_need_touches_is_signed(client, login, world):
    """A guard: a void whose need moves in no signed month is the liaison's, and names
    nothing to an admin."""
    task = b.task_on(world.item, world.liaison, date(2025, 11, 20))
    b.join(task, world.member)
    approved_on(task, world.liaison, date(2025, 11, 20))
    wish = need(world.community, world.liaison, claimer=world.member,
                status=NeedStatus.fulfilled, posted_on=date(2025, 11, 3),
                wanted_by=date(2025, 11, 30))
    wish.task_id, wish.fulfilled_on = task.id, date(2025, 11, 20)
    db.session.commit()
    assert void_signed(world.admin, task) is None
    assert void_refusal(task, world.liaison, lock=False) is None


def test_a_need_nobody_claimed_leaves_its_units_signed_posted_month_with_its_only_task(
        world):
    """A need nobody claimed is its task's unit's; voided, the only task of it no longer
    holds it and it is no unit's, so its posted month's 本月发布 leaves that unit — signed,
    a liaison's 作废 is refused, naming the month."""
    task = b.task_on(world.item, world.liaison, date(2025, 12, 4))
    b.join(task, world.member)
    approved_on(task, world.liaison, date(2025, 12, 5))
    need(world.community, world.liaison, status=NeedStatus.fulfilled, title="清理楼道杂物",
         posted_on=date(2025, 11, 3), wanted_by=date(2025, 12, 30), task_id=task.id,
         fulfilled_on=date(2025, 12, 5))
    db.session.commit()
    sign(world.admin, world.unit, 2025, 11)
    assert counts(world.unit, NOVEMBER) == (1, 0)

    refusal = void_refusal(task, world.liaison, lock=False)
    assert refusal is not None, "the page offers a liaison 作废"
    assert f"（{world.unit.name}）2025年11月的月报已定稿" in str(refusal)
    months = void_signed(world.admin, task).months
    assert [(m.unit_name, m.year, m.month) for m in months] == [(world.unit.name, 2025, 11)]
    void_activity(task, world.admin, "录入错误")
    db.session.commit()
    assert counts(world.unit, NOVEMBER) == (0, 0)


@pytest.fixture
def community_signed(world):
    """The activity of the world unit on 31 October, approved; a 微心愿 of the community
    claimed by 何静 of 县财政局, fulfilled by that approval on 2 November (review41 #3).
    Neither 县财政局's nor the activity's unit's November is signed: only the
    community's own 月报, or 年度总结 (the test signs which)."""
    finance = f.unit("县财政局")
    claimer = f.member(finance, name="何静")
    task = b.task_on(world.item, world.liaison, date(2025, 10, 31))
    b.join(task, world.member)
    b.report(task, world.liaison)
    wish = need(world.community, world.liaison, claimer=claimer, status=NeedStatus.fulfilled,
                title="给独居老人送年货", posted_on=date(2025, 10, 3), wanted_by=date(2025, 11, 30))
    wish.task_id, wish.fulfilled_on = task.id, date(2025, 11, 2)
    db.session.commit()
    return task


def test_a_refusal_for_the_communitys_own_signed_month_names_no_unit(world, community_signed):
    """review41 #3's case: the need's 完成 leaves the community's own 月报 of November
    as well as 县财政局's; only the community's is signed, so 县财政局's month, which
    cannot be re-opened, is not named (the month the activity's data counts in is)."""
    final.finalize(world.admin, SummaryScope(community_id=world.community.id), 2025, 11)
    db.session.commit()
    refusal = void_refusal(community_signed, world.liaison, lock=False)
    assert refusal is not None, "the page offers a liaison 作废"
    assert "县财政局" not in str(refusal), str(refusal)
    assert "2025年11月的月报" in str(refusal), str(refusal)


def test_the_month_a_need_arrives_in_names_the_communitys_own_signed_month(world, weekly):
    """The December week takes the need over (its 完成 arrives on 5 December): with only
    the community's own December signed — not 县财政局's, whose December the fixture
    signed, re-opened here — the community's December is named."""
    finance, november_week = weekly
    summary_notes.reopen(world.admin, SummaryScope(unit_id=finance.id), 2025, 12)
    final.finalize(world.admin, SummaryScope(community_id=world.community.id), 2025, 12)
    db.session.commit()
    refusal = str(void_refusal(november_week, world.liaison, lock=False))
    assert "县财政局" not in refusal, refusal
    assert f"{world.community.name}2025年12月的月报已定稿" in refusal, refusal


def test_the_year_a_need_arrives_in_names_the_communitys_own_signed_year(world):
    """As for the month: a weekly need done on 19 December 2025 by its first week, whose
    second week (approved on 3 January 2026) takes it over when the first is voided.
    Only the community's own 2026 年度总结 is signed; it is the one named, not the
    need's unit's."""
    weeks = [b.task_on(world.item, world.liaison, day, title="每周代购")
             for day in (date(2025, 12, 19), date(2026, 1, 2))]
    for task, day in zip(weeks, (date(2025, 12, 19), date(2026, 1, 3))):
        task.series_id = "weekly-errand"
        b.join(task, world.member)
        approved_on(task, world.liaison, day)
    wish = need(world.community, world.liaison, claimer=world.member,
                status=NeedStatus.fulfilled, title="每周代购生活用品",
                posted_on=date(2025, 12, 3), wanted_by=date(2025, 12, 30))
    wish.task_id, wish.fulfilled_on = weeks[0].id, date(2025, 12, 19)
    db.session.commit()
    annual_final.finalize_year(world.admin, SummaryScope(community_id=world.community.id),
                               2026, today=date(2027, 1, 10))
    db.session.commit()
    refusal = str(void_refusal(weeks[0], world.liaison, lock=False))
    assert f"（{world.unit.name}）" not in refusal, refusal
    assert f"{world.community.name}2026年度总结已定稿" in refusal, refusal
