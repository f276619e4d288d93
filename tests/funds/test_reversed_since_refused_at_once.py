"""冲销 of an entry reversed already — by another admin after this admin's confirmation
page was read — is refused at once in the service's words, 「该记录已冲销，不能重复冲销。」,
even when a month it changes was signed (定稿) or re-opened (撤销定稿) in between: never a
page asking again first (「…有了变化…」) only to be refused at the next 确认 (docs/design.md,
"Refused in a 已定稿 month": a refusal is said in its own words, review44 #2's shape;
fundsnamed45's Open, adoptorder46). A refusal of 冲销 for good (a reversal taken never
goes away) is read before the page asks (``funds.reversal_refusal``), and the service
compares what the page named only after its refusals (``reverse_entry``'s ``named``).
The same with both in flight at once: ``tests/services/test_reversal_named_race.py``."""
from __future__ import annotations

import pytest

from tests.reports.test_signed_named import named
from tests.web.test_named_first import _confirmation, _sign_october_only
from tests.web.test_named_first_since import SINCE, _october_entry, _reversals
from tracker.extensions import db
from tracker.services import unit_of_work
from tracker.services.funds import reverse_entry

REVERSED = "该记录已冲销，不能重复冲销。"


def _reopen_october(client, o) -> None:
    assert client.post(f"/reports/reopen?unit={o.unit.id}&month=2022-10",
                       data={"confirmed": "1", "reason": "补登遗漏的支出"}).status_code == 302


@pytest.mark.parametrize("signed, meanwhile", [(False, _sign_october_only),
                                               (True, _reopen_october)],
                         ids=["signed since", "re-opened since"])
def test_an_entry_reversed_since_is_refused_at_once_whatever_was_signed_meanwhile(
        client, login, october, signed, meanwhile):
    """The confirmation page read (naming October or nothing); the entry reversed
    elsewhere, then October signed or re-opened; 确认: refused, nothing written twice."""
    entry = _october_entry(october)
    login(october.admin)
    if signed:
        _sign_october_only(client, october)
    page = client.post(f"/funds/entries/{entry.id}/reverse",
                       data={"reason": "重复录入"}).get_data(as_text=True)
    assert "确认冲销" in page and bool(named(page)) is signed
    action, fields = _confirmation(page)
    with unit_of_work():  # another admin's 冲销 (the same account's, in another tab)
        reverse_entry(october.admin, db.session.merge(entry), "误登记")
    meanwhile(client, october)
    before = _reversals()

    response = client.post(action, data={**fields, "reason": "重复录入"})
    answer = response.get_data(as_text=True)
    assert response.status_code == 200 and REVERSED in answer
    assert SINCE not in answer and "确认冲销" not in answer and named(answer) == []
    assert _reversals() == before


def test_an_entry_reversed_already_is_refused_not_asked(client, login, october):
    """A ledger read before the entry was reversed posts its 冲销: there is nothing to
    confirm — refused at once, in the service's words, no page."""
    entry = _october_entry(october)
    login(october.admin)
    _sign_october_only(client, october)
    with unit_of_work():
        reverse_entry(october.admin, db.session.merge(entry), "误登记")
    before = _reversals()
    response = client.post(f"/funds/entries/{entry.id}/reverse", data={"reason": "重复录入"})
    answer = response.get_data(as_text=True)
    assert response.status_code == 200 and REVERSED in answer
    assert "确认冲销" not in answer and named(answer) == []
    assert _reversals() == before
