"""The ledger offers no 冲销 (nor 登记支出) that the service would refuse (walk3 defect
5): as 工作台 says why instead of 通过, an entry dated in a 已定稿 month — or in a year
whose 年度总结 is 已定稿 — shows the refusal's sentence to a liaison, not a reason box
and a button; a signed year's ledger says a liaison cannot record into it instead of
the 登记支出 form. An admin, who may, is offered both."""
from __future__ import annotations

import re
from datetime import date

from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import SummaryNote, YearNote
from tracker.timeutil import local_today, utcnow

REVERSE = re.compile(r'action="/funds/entries/(\d+)/reverse"')
ENTRY_FORM = "/entries\""


def ledger(client, world, year):
    response = client.get(f"/funds/{world.unit.id}/{world.community.id}/{year}?lang=zh")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def reversible(page) -> set[int]:
    return {int(i) for i in REVERSE.findall(page)}


def test_a_signed_months_entries_offer_no_reversal(client, login, world):
    signed, other = date(2025, 3, 10), date(2025, 4, 10)
    closed = b.fund(world.unit, world.community, world.admin, signed, 1_500_00)
    open_ = b.fund(world.unit, world.community, world.admin, other, 800_00)
    db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                               year=2025, month=3, finalized_at=utcnow(),
                               finalized_by_id=world.admin.id))
    db.session.commit()
    login(world.liaison)
    page = ledger(client, world, 2025)
    assert reversible(page) == {open_.id}
    assert "2025年3月的月报已定稿，登记或冲销该月的经费须由单位管理员操作（或由单位管理员先重新打开该月的月报）。" in page
    # another month is open: the 登记支出 form stays, the service answers for the date
    assert ENTRY_FORM in page
    login(world.admin)
    assert reversible(ledger(client, world, 2025)) == {closed.id, open_.id}


def test_a_signed_years_ledger_offers_neither_form_to_a_liaison(client, login, world):
    year = local_today().year - 1
    entry = b.fund(world.unit, world.community, world.admin, date(year, 6, 15), 500_00)
    db.session.add(YearNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                            year=year, finalized_at=utcnow(), finalized_by_id=world.admin.id))
    db.session.commit()
    login(world.liaison)
    page = ledger(client, world, year)
    words = f"{year}年度总结已定稿，登记或冲销该年的经费须由单位管理员操作（或由单位管理员先重新打开该年度总结）。"
    assert reversible(page) == set() and page.count(words) == 2  # the row, and the form's place
    assert ENTRY_FORM not in page
    # this year is not signed: the liaison's ledger as ever
    assert ENTRY_FORM in ledger(client, world, local_today().year)
    login(world.admin)
    page = ledger(client, world, year)
    assert reversible(page) == {entry.id} and ENTRY_FORM in page and words not in page


def test_the_sentence_in_english(client, login, world):
    year = local_today().year - 1
    b.fund(world.unit, world.community, world.admin, date(year, 6, 15), 500_00)
    db.session.add(YearNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                            year=year, finalized_at=utcnow(), finalized_by_id=world.admin.id))
    db.session.commit()
    login(world.liaison)
    page = client.get(f"/funds/{world.unit.id}/{world.community.id}/{year}?lang=en"
                      ).get_data(as_text=True)
    assert f"The annual summary of {year} is final" in page
