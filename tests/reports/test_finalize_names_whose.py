"""The 定稿 confirmation pages name whose document they sign (walk45 #5): a liaison of
both communities reads her unit's whole 月报 and each community's own, and an admin
signs any 年度总结, so 「2022年10月月报」 alone leaves her to tell them apart by the
address. Each page names the document as its title and the naming pages do — the
unit's, the community's own, or the unit's in that community — in either language."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import SummaryNote, YearNote

TYPED = {"problems": "问题X", "plans": "打算Y"}


def _subject(client, url: str) -> str:
    """The confirmation page's heading of what it signs (``confirm.html``'s ``subject``)."""
    page = client.post(url, data=TYPED).get_data(as_text=True)
    assert 'name="confirmed" value="1"' in page, url
    return re.search(r'<section class="card confirm-box">\s*<h2>(.*?)</h2>', page, re.S).group(1)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_months_signing_page_names_whose_month_it_is(client, login, october, lang):
    login(october.liaison)
    if lang == "en":
        client.get("/reports/?lang=en")
    unit, jiefang = october.unit.id, october.jiefang.id
    said = {whose: _subject(client, f"/reports/finalize?{query}&month=2022-10")
            for whose, query in (("unit", f"unit={unit}"), ("community", f"community={jiefang}"),
                                 ("both", f"unit={unit}&community={jiefang}"))}
    if lang == "zh":
        assert said == {"unit": "县商务局2022年10月月报", "community": "解放路社区2022年10月月报",
                        "both": "县商务局在解放路社区2022年10月月报"}
    else:
        assert said == {"unit": "县商务局 monthly summary, 2022-10",
                        "community": "解放路社区 monthly summary, 2022-10",
                        "both": "县商务局 in 解放路社区 monthly summary, 2022-10"}
    assert db.session.scalar(select(SummaryNote.id)) is None  # asked only


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_years_signing_page_names_whose_year_it_is(client, login, october, lang):
    login(october.admin)
    if lang == "en":
        client.get("/reports/?lang=en")
    said = [_subject(client, f"/reports/annual/finalize?{query}&year=2022")
            for query in (f"unit={october.unit.id}", f"community={october.jiefang.id}")]
    assert said == (["县商务局2022年度总结", "解放路社区2022年度总结"] if lang == "zh"
                    else ["县商务局 annual summary 2022", "解放路社区 annual summary 2022"])
    assert db.session.scalar(select(YearNote.id)) is None
