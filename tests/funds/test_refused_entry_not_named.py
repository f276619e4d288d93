"""登记支出 by an admin in a 已定稿 month (docs/design.md, "Refused in a 已定稿 month"): the
signed documents an entry changes are named before it is written, but only for an entry
that will be written — what the service refuses is said on the form at once, in its own
words, never asked and never answered with a naming page (checkfirst43, review44 #2).
Since fundsnamed45 the refusal is read in the naming page's own question (its ``ask``
declines the page), so a refused post names nothing, and the service compares what
was named only after its refusals (``funds.add_entry``'s ``named``): these hold the two
ends of that — a refused post refused, a post the service takes still named first. The
race between them (a month signed while a refused post is on its way) is
``tests/services/test_entry_refused_named_race.py``."""
from __future__ import annotations

import html
from datetime import date

import pytest

from tests.reports.test_signed_named import named, sign_october_and_the_year
from tests.web.test_named_first import MONTH, _entries
from tracker.services import ServiceError
from tracker.services.funds import add_entry


def test_an_entry_the_service_refuses_is_refused_in_its_words_not_named(
        client, login, october):
    """A date in 2022's signed October typed on the 2023 ledger: the ledger takes dates of
    its own year only, so the form says so — no page naming October, nothing written."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    before = _entries()
    response = client.post(f"/funds/{october.unit.id}/{october.jiefang.id}/2023/entries",
                           data={"entry_date": "2022-10-25", "amount": "300",
                                 "purpose": "补登购买垃圾桶", "task_id": ""})
    assert response.status_code == 200 and _entries() == before
    page = html.unescape(response.get_data(as_text=True))
    assert "日期须在2023年内。" in page
    assert named(page) == [] and "确认登记" not in page and "有了变化" not in page
    assert 'value="补登购买垃圾桶"' in page and 'value="2022-10-25"' in page  # as typed


def test_an_entry_the_service_takes_is_still_named_first(client, login, october):
    """The same entry on its own year's ledger: the page naming October comes first."""
    login(october.admin)
    sign_october_and_the_year(client, october)
    before = _entries()
    response = client.post(f"/funds/{october.unit.id}/{october.jiefang.id}/2022/entries",
                           data={"entry_date": "2022-10-25", "amount": "300",
                                 "purpose": "补登购买垃圾桶", "task_id": ""})
    assert response.status_code == 200 and _entries() == before
    page = response.get_data(as_text=True)
    (words,) = named(page)
    assert f"登记支出会改变以下已定稿月报的当前数据：{MONTH}。" in words
    assert "确认登记" in page


def test_the_service_compares_after_its_refusals(october):
    """``named`` is the page's comparison: asked only of an entry that passed every rule,
    once — a refused entry is refused in its words whatever the signed documents now."""
    compared = []

    def compare():
        compared.append(1)

    with pytest.raises(ServiceError) as refused:
        add_entry(october.admin, october.unit, october.jiefang, 2023,
                  entry_date=date(2022, 10, 25), amount_fen=30000, purpose="购买工具",
                  named=compare)
    assert str(refused.value.message) == "日期须在2023年内。" and compared == []
    add_entry(october.admin, october.unit, october.jiefang, 2022,
              entry_date=date(2022, 10, 25), amount_fen=30000, purpose="购买工具",
              named=compare)
    assert compared == [1]
