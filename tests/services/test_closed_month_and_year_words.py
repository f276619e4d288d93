"""A liaison refused in a month whose 月报 is signed and whose 年度总结 is signed too is
told what would let her (walk45 #4). docs/design.md: a signed month's figures are changed
by an admin only, and a signed 年度总结 closes every month of its year alike — so, with
both signed, re-opening the month alone leaves her refused by the year. The refusal's
parenthesis, one wording for every action (``summary_notes.Closed``), names the month's
月报 and the 年度总结 then; the month's alone, or the year's alone, when only that one is
signed. Each is checked by doing what it says: after it she is not refused."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests import factories as f
from tests.rollups import builders as b
from tests.services.test_backfill import data, people  # noqa: F401
from tests.services.test_signed_year_closes_months import (DAY, SIGNED, TODAY,  # noqa: F401
                                                       sign_year, spend)
from tracker.extensions import db
from tracker.models import ReportStatus, SummaryNote, SummaryScope
from tracker.services import ServiceError, summary_notes, unit_of_work, year_notes
from tracker.services import findings as findings_service
from tracker.services.backfill import record_past_activity
from tracker.timeutil import utcnow

pytestmark = pytest.mark.usefixtures("today_held")  # TODAY (imported) stays the app's today

MONTH = f"{SIGNED}年{DAY.month}月"
BOTH = f"（或由单位管理员先重新打开该月的月报和{SIGNED}年度总结）。"
MONTH_ONLY = "（或由单位管理员先重新打开该月的月报）。"
YEAR_ONLY = "（或由单位管理员先重新打开该年度总结）。"


def sign_month(world) -> None:
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=DAY.year, month=DAY.month, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()


def refusal(act) -> str:
    with pytest.raises(ServiceError) as refused:
        with unit_of_work():
            act()
    db.session.rollback()
    return str(refused.value)


def reopen_month(world) -> None:
    summary_notes.reopen(world.admin, SummaryScope(unit_id=world.unit.id), DAY.year, DAY.month)
    db.session.commit()


def reopen_year(world) -> None:
    year_notes.reopen_year(world.admin, SummaryScope(unit_id=world.unit.id), SIGNED)
    db.session.commit()


def test_a_funds_entry_names_both_then_what_is_left(world):
    sign_year(world)
    sign_month(world)
    assert refusal(lambda: spend(world, world.liaison)) == (
        f"{MONTH}的月报已定稿，登记或冲销该月的经费须由单位管理员操作{BOTH}")
    # the month re-opened alone (what the old words asked): still refused, by the year
    reopen_month(world)
    assert refusal(lambda: spend(world, world.liaison)) == (
        f"{SIGNED}年度总结已定稿，登记或冲销该年的经费须由单位管理员操作{YEAR_ONLY}")
    reopen_year(world)
    with unit_of_work():
        spend(world, world.liaison)  # both re-opened, as said: hers


def test_a_month_signed_alone_names_the_month_and_that_is_enough(world):
    sign_month(world)
    assert refusal(lambda: spend(world, world.liaison)) == (
        f"{MONTH}的月报已定稿，登记或冲销该月的经费须由单位管理员操作{MONTH_ONLY}")
    reopen_month(world)
    with unit_of_work():
        spend(world, world.liaison)


def test_a_findings_fix_and_hand_over_name_both(world):
    survey = f.item(world.unit, world.community, "facility_survey", year=SIGNED)
    task = b.task_on(survey, world.liaison, DAY, leader=world.leader)
    b.report(task, world.leader, ReportStatus.approved, quantity=1)
    finding = b.finding(task, world.leader)
    db.session.commit()
    sign_year(world)
    sign_month(world)
    assert refusal(lambda: findings_service.hand_over(
        finding, world.liaison, "县住建局", DAY)) == (
        f"{MONTH}的月报已定稿，登记该月的移交须由单位管理员操作{BOTH}")
    findings_service.hand_over(finding, world.admin, "县住建局", DAY)
    db.session.commit()
    assert refusal(lambda: findings_service.mark_fixed(finding, world.liaison, DAY)) == (
        f"{MONTH}的月报已定稿，登记该月的整改须由单位管理员操作{BOTH}")


def test_a_backfill_names_both(world, people):  # noqa: F811
    item = f.item(world.unit, world.community, "environment_cleanup", year=SIGNED)
    db.session.commit()
    sign_year(world)
    sign_month(world)
    payload = data(people, starts_local=datetime(SIGNED, DAY.month, 10, 9),
                   ends_local=datetime(SIGNED, DAY.month, 10, 11))
    assert refusal(lambda: record_past_activity(world.liaison, item, payload)) == (
        f"资源清单项目所属单位（{world.unit.name}）{MONTH}的月报已定稿，补录该月的活动须由单位管理员操作"
        f"{BOTH}")


def test_a_closed_carrying_the_signed_months_names_them_in_the_one_wording(app):
    """A fund entry is in a later month's 年度累计 too (fundslater45): the refusal's
    remedy names every signed month, and the year, through ``Closed`` — the one place
    the re-open words are made (notices46) — and still says 「该月」 when the day's own
    month is the one signed."""
    from datetime import date

    day = date(2022, 10, 5)
    with app.test_request_context():
        later = summary_notes.Closed.signed(day, [(2022, 11), (2022, 10)], year_signed=True)
        assert str(later.say("X", None)) == (
            "X（或由单位管理员先重新打开2022年10月、2022年11月的月报和2022年度总结）。")
        own = summary_notes.Closed.signed(day, [(2022, 10)])
        assert str(own.say("X", None)) == "X" + MONTH_ONLY
        named = summary_notes.Closed.signed(day, [(2022, 10)], named=True)
        assert str(named.say("X", None)) == "X（或由单位管理员先重新打开2022年10月的月报）。"
        year = summary_notes.Closed.signed(day, [], year_signed=True)
        assert str(year.say(None, "Y")) == "Y" + YEAR_ONLY
