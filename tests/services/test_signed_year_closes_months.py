"""A signed 年度总结 closes its months as a signed 月报 closes its own (walk3 defects 1
and 5). docs/design.md: the year is finalised as a month is, and a finalised month's
figures are changed by an admin only, however they would change (补录, an approval,
作废, a finding's 移交 or 整改, the funds). So a liaison's change dated in a year whose
年度总结 is 已定稿 is refused, naming the year, with nothing written, though none of
the year's months is signed; an admin's goes through; an unsigned year is the
liaison's as ever. The scopes are the month's: the unit's year, the community's, or
the unit's in this community close it; another unit's or another community's do not."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.audit import work_event_count
from tests.rollups import builders as b
from tests.services.test_backfill import data, people  # noqa: F401
from tracker.extensions import db
from tracker.models import (
    Finding,
    FindingStatus,
    FundEntry,
    ReportStatus,
    SummaryNote,
    Task,
    TaskStatus,
    YearNote,
)
from tracker.services import ServiceError, unit_of_work
from tracker.services import findings as findings_service
from tracker.services import funds
from tracker.services.backfill import record_past_activity
from tracker.services.reviews import approval_refusal, approval_refusals, approve_report
from tracker.services.voiding import void_activity
from tracker.timeutil import local_today, utcnow

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")  # TODAY stays the app's today
SIGNED = TODAY.year - 1  # a year over, as a 年度总结 is signed after it
DAY = date(SIGNED, 6, 15)  # a month of it whose 月报 nobody signed


def sign_year(world, year=SIGNED, *, unit=True, community=None):
    """Mark the 年度总结 of ``year`` 已定稿: the unit's (with ``community``: the unit's in
    that community), or (``unit`` False) the community's own."""
    unit_id = world.unit.id if unit else None
    community_id = community.id if community is not None else None
    key = "/".join(part for part in (unit and f"unit:{unit_id}",
                                     community is not None and f"community:{community_id}")
                   if part)
    db.session.add(YearNote(scope_key=key, unit_id=unit_id, community_id=community_id,
                            year=year, finalized_at=utcnow(), finalized_by_id=world.admin.id))
    db.session.commit()


def year_words(action: str, year: int = SIGNED) -> str:
    return f"{year}年度总结已定稿，{action}须由单位管理员操作"


def entries() -> int:
    return db.session.scalar(select(func.count()).select_from(FundEntry))


def spend(world, actor, day=DAY, fen=1_000):
    return funds.add_entry(actor, world.unit, world.community, day.year, entry_date=day,
                           amount_fen=fen, purpose="慰问品")


# --- 经费 -------------------------------------------------------------------------------

def test_a_funds_entry_in_a_signed_year_is_an_admins(world):
    sign_year(world)
    with pytest.raises(ServiceError, match=year_words("登记或冲销该年的经费")) as info:
        spend(world, world.liaison)
    assert info.value.field == "entry_date"
    db.session.rollback()
    assert entries() == 0
    spend(world, world.admin)
    db.session.commit()
    assert entries() == 1


def test_a_reversal_in_a_signed_year_is_an_admins(world):
    entry = spend(world, world.liaison)
    db.session.commit()
    sign_year(world)
    with pytest.raises(ServiceError, match=year_words("登记或冲销该年的经费")):
        funds.reverse_entry(world.liaison, entry, "重复")
    db.session.rollback()
    assert entries() == 1
    funds.reverse_entry(world.admin, entry, "重复")
    db.session.commit()
    assert entries() == 2


def test_an_unsigned_year_is_the_liaisons_as_ever(world):
    sign_year(world, SIGNED - 1)
    spend(world, world.liaison)
    spend(world, world.liaison, day=local_today())
    db.session.commit()
    assert entries() == 2


def test_the_months_own_signature_is_named_first(world):
    sign_year(world)
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=DAY.year, month=DAY.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    with pytest.raises(ServiceError, match=f"{SIGNED}年6月的月报已定稿，登记或冲销该月的经费"):
        spend(world, world.liaison)


@pytest.mark.parametrize("signed, closed", [
    (dict(unit=True), True),  # the unit's year
    (dict(unit=False, community="mine"), True),  # the community's own year
    (dict(unit=True, community="mine"), True),  # the unit's year in this community
    (dict(unit=True, community="other"), False),  # the unit's year in another community
], ids=["unit", "community", "unit-in-community", "unit-in-other-community"])
def test_the_year_closes_by_the_months_scopes(world, signed, closed):
    where = signed.get("community")
    community = {"mine": world.community, "other": world.other_community, None: None}[where]
    sign_year(world, unit=signed["unit"], community=community)
    if closed:
        with pytest.raises(ServiceError, match=year_words("登记或冲销该年的经费")):
            spend(world, world.liaison)
        db.session.rollback()
        assert entries() == 0
    else:
        spend(world, world.liaison)
        db.session.commit()
        assert entries() == 1


def test_another_units_signed_year_closes_nothing_of_this_one(world):
    other = f.unit("县税务局")
    db.session.add(YearNote(scope_key=f"unit:{other.id}", unit_id=other.id, year=SIGNED,
                            finalized_at=utcnow(), finalized_by_id=world.admin.id))
    db.session.commit()
    spend(world, world.liaison)
    db.session.commit()
    assert entries() == 1


# --- 补录 ---------------------------------------------------------------------------------

def test_a_backfill_in_a_signed_year_is_an_admins(world, people):  # noqa: F811
    item = f.item(world.unit, world.community, "environment_cleanup", year=SIGNED)
    db.session.commit()
    sign_year(world)
    payload = data(people, starts_local=datetime(SIGNED, 6, 10, 9),
                   ends_local=datetime(SIGNED, 6, 10, 11))
    tasks, events = db.session.scalar(select(func.count(Task.id))), work_event_count()
    with pytest.raises(ServiceError, match=year_words("补录该年的活动")) as info:
        with unit_of_work():
            record_past_activity(world.liaison, item, payload)
    assert info.value.field == "starts_at"
    db.session.rollback()
    assert db.session.scalar(select(func.count(Task.id))) == tasks
    assert work_event_count() == events
    with unit_of_work():
        record_past_activity(world.admin, item, payload)
    assert db.session.scalar(select(func.count(Task.id))) == tasks + 1


# --- 审核通过, 作废 ---------------------------------------------------------------------------

def test_an_approval_in_a_signed_year_is_an_admins_and_the_pages_say_so(world):
    item = f.item(world.unit, world.community, "environment_cleanup", year=SIGNED)
    task = b.task_on(item, world.liaison, DAY, leader=world.leader)
    b.join(task, world.leader)
    report = b.report(task, world.leader, ReportStatus.submitted)
    db.session.commit()
    sign_year(world)
    words = year_words("审核通过该年的完成情况")
    # 工作台 and 审核 say it instead of 通过 (one task's page, and the lists)
    assert words in str(approval_refusal(task, world.liaison, lock=False))
    assert words in str(approval_refusals([task], world.liaison)[task.id])
    with pytest.raises(ServiceError, match=words):
        approve_report(report, world.liaison)
    db.session.rollback()
    assert db.session.get(Task, task.id).report.status == ReportStatus.submitted
    assert approval_refusal(task, world.admin, lock=False) is None
    assert approval_refusals([task], world.admin) == {}
    approve_report(report, world.admin)
    db.session.commit()
    assert db.session.get(Task, task.id).report.status == ReportStatus.approved


def test_a_void_in_a_signed_year_is_an_admins(world, people):  # noqa: F811
    item = f.item(world.unit, world.community, "environment_cleanup", year=SIGNED)
    db.session.commit()
    with unit_of_work():
        task = record_past_activity(world.admin, item, data(
            people, starts_local=datetime(SIGNED, 6, 10, 9),
            ends_local=datetime(SIGNED, 6, 10, 11)))
    sign_year(world)
    events = work_event_count()
    with pytest.raises(ServiceError, match=year_words("作废该年的活动")):
        with unit_of_work():
            void_activity(task, world.liaison, "误录")
    db.session.rollback()
    assert work_event_count() == events
    assert db.session.get(Task, task.id).status != TaskStatus.cancelled
    with unit_of_work():
        void_activity(task, world.admin, "误录")
    assert db.session.get(Task, task.id).status == TaskStatus.cancelled


# --- 摸排问题 ---------------------------------------------------------------------------------

def test_a_findings_step_in_a_signed_year_is_an_admins(world):
    survey = f.item(world.unit, world.community, "facility_survey", year=SIGNED)
    task = b.task_on(survey, world.liaison, DAY, leader=world.leader)
    b.report(task, world.leader, ReportStatus.approved, quantity=1)
    finding = b.finding(task, world.leader)
    db.session.commit()
    sign_year(world)
    with pytest.raises(ServiceError, match=year_words("登记该年的移交")) as info:
        findings_service.hand_over(finding, world.liaison, "县住建局", DAY)
    assert info.value.field == "handed_over_on"
    db.session.rollback()
    finding = db.session.get(Finding, finding.id)
    assert finding.status == FindingStatus.found and finding.handed_over_on is None
    # dated in this year, not signed: the liaison's as ever
    findings_service.hand_over(finding, world.liaison, "县住建局", local_today())
    db.session.rollback()
    findings_service.hand_over(finding, world.admin, "县住建局", DAY)
    assert finding.handed_over_on == DAY
