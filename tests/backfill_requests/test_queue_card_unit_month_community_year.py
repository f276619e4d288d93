"""cards52's Open: a card whose request changes a unit's own 月报 of the month while the
year is signed only as the community's own 年度总结 (解放路社区's, its unit's not signed)
names the two documents apart, each with its name — the unit's month, the community's
year — never one name for both, which would read the unit's year as signed
(``backfill_requests._signed_documents``; docs/design.md: a change that alters a signed
document says which one). On the queue page, for the admin, in Chinese and in English.

调动党员 moves from 县财政局 to 县教育局 on 31 October 2022 and stays
(tests/reports/test_approval_named_roll_end.py's ``_mover``): her request naming
县财政局's approved 「财政局宣讲」 counts in 县教育局's October and its year."""
from __future__ import annotations

from datetime import date

from tests.backfill_requests.test_queue_cards_name_units import _notices
from tests.reports.test_adoption_named_roll_end import _request
from tests.reports.test_approval_named_roll_end import _mover
from tracker.extensions import db
from tracker.models import SummaryScope
from tracker.reports import annual_final, final

CARD = {
    "zh": "县教育局2022年10月的月报、解放路社区2022年度总结已定稿：采纳该申请会改变已定稿的文件，"
          "采纳前会列出这些文件，确认后才计入。",
    "en": "These documents are final: the monthly summary of October 2022 of 县教育局, the "
          "annual summary of 2022 of 解放路社区. Adopting this request changes finalised "
          "documents. They are listed before it is adopted, and it counts only once you "
          "confirm.",
}


def test_a_units_month_and_the_communitys_own_year_are_named_apart(client, login, october):
    o = october
    education, _task = _mover(o, date(2022, 10, 31))
    final.finalize(o.admin, SummaryScope(unit_id=education.id), 2022, 10)
    annual_final.finalize_year(o.admin, SummaryScope(community_id=o.jiefang.id), 2022)
    db.session.commit()
    task = o.tasks["财政局宣讲"]
    assert task.report_approved
    named = _request(o, task.service_date, task)
    login(o.admin)
    seen = {lang: _notices(client, lang)[named.id] for lang in ("zh", "en")}
    assert seen == {lang: [CARD[lang]] for lang in ("zh", "en")}
