"""An admin's 冲销 that changes a 已定稿 月报 or 年度总结 names them before it is done,
scripts on or off (design.md, signed months: every change named; docread40 #5). The
ledger's in-page question (confirm.js posts ``confirmed`` with it) would skip the
server's confirmation page, the one that names them: so such an entry's form asks no
question of its own, and what it posts reaches that page (review41 #1). An entry of an
unsigned month keeps the quick in-page question."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from tests.reports.test_signed_named import named, sign_october_and_the_year
from tracker.extensions import db
from tracker.models import FundEntry
from tracker.services import unit_of_work
from tracker.services.funds import add_entry


def _form(ledger: str, entry_id: int) -> str:
    return re.search(r'<form[^>]*action="/funds/entries/%d/reverse".*?</form>' % entry_id,
                     ledger, re.S).group(0)


def _posted(form: str, reason: str) -> dict:
    """What the form posts, its reason typed — with scripts on, confirm.js also sets
    ``confirmed`` to 1 when the form carries a question (``data-confirm``) and the
    question is accepted."""
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    data["reason"] = reason
    if "data-confirm=" in form.split(">", 1)[0] and "confirmed" in data:
        data["confirmed"] = "1"
    return data


def test_the_signed_month_is_named_before_a_reversal_with_scripts_on(client, login, october):
    with unit_of_work():
        signed = add_entry(october.liaison, october.unit, october.jiefang, 2022,
                           entry_date=date(2022, 10, 20), amount_fen=900_000,
                           purpose="购置共建活动物资")
    login(october.admin)
    sign_october_and_the_year(client, october)
    ledger = client.get(f"/funds/{october.unit.id}/{october.jiefang.id}/2022").get_data(as_text=True)

    response = client.post(f"/funds/entries/{signed.id}/reverse",
                           data=_posted(_form(ledger, signed.id), "重复录入"))
    assert response.status_code == 200  # the confirmation page, not the reversal
    (words,) = named(response.get_data(as_text=True))
    assert "冲销会改变以下已定稿月报的当前数据：县商务局2022年10月。" in words
    assert db.session.scalar(select(FundEntry).where(FundEntry.reverses_id == signed.id)) is None


def test_an_unsigned_months_entry_keeps_the_question_in_the_page(client, login, october):
    with unit_of_work():
        entry = add_entry(october.liaison, october.unit, october.jiefang, 2022,
                          entry_date=date(2022, 11, 20), amount_fen=10_000, purpose="购买工具")
    login(october.admin)
    sign_october_and_the_year(client, october)  # the year too: November is then signed
    ledger = client.get(f"/funds/{october.unit.id}/{october.jiefang.id}/2022").get_data(as_text=True)
    assert "data-confirm" not in _form(ledger, entry.id)  # 2022's 年度总结 counts November

    with unit_of_work():  # an open year
        fresh = add_entry(october.liaison, october.unit, october.jiefang, 2023,
                          entry_date=date(2023, 1, 5), amount_fen=10_000, purpose="购买工具")
    ledger = client.get(f"/funds/{october.unit.id}/{october.jiefang.id}/2023").get_data(as_text=True)
    form = _form(ledger, fresh.id)
    assert "data-confirm=" in form and 'name="confirmed"' in form
    response = client.post(f"/funds/entries/{fresh.id}/reverse", data=_posted(form, "录入有误"))
    assert response.status_code == 302  # asked in the page, done
    assert db.session.scalar(select(FundEntry).where(FundEntry.reverses_id == fresh.id))
