"""naming51's Open: the 补录申请 queue's cards say which signed documents 采纳 would
change as the documents are — the month's 月报 and the year's 年度总结 together when
both are signed, and each unit's named with its unit when more than one unit's are —,
never one unit's month read as another's year (docs/design.md: a change that alters a
signed document says which one; a signed month's figures are changed by an admin only).

调动党员 of 县财政局 (open) moves to 县教育局 on 31 October 2022 (tests/reports/
test_approval_named_roll_end.py's ``_mover``): her work of 30 October (a request through
the 补录 form) and of 县财政局's approved 「财政局宣讲」 (a request naming it) count in
县教育局's October and its year, the rolls of their ends. (a) She stays: 县教育局's
October and 2022 are both signed — one unit, month and year. (b) She moves on to
县卫健局 on 1 December: 县教育局 holds her on October's roll, 县卫健局 on the year's;
both units signed — 县教育局's month, 县卫健局's year, two units.

Each card's whole sentence, on the queue page, for the admin and the liaison, in
Chinese and in English."""
from __future__ import annotations

from datetime import date

import lxml.html
from flask import g
from flask_babel import force_locale

from tests.reports.test_adoption_named_roll_end import (
    _moved_again,
    _request,
    _saved_refusal,
    _sign,
)
from tests.reports.test_approval_named_roll_end import _mover

DECLINE_IF_UNTRUE = {"zh": "如不属实请拒绝。", "en": " Decline it if it is not true."}

ADMIN_CARD = {
    # (a): one unit, its month and its year signed
    ("a", "zh"): "2022年10月的月报和2022年度总结已定稿：采纳该申请会改变已定稿的文件，"
                 "采纳前会列出这些文件，确认后才计入。",
    ("a", "en"): "The monthly summary of October 2022 and the annual summary of 2022 are "
                 "final: adopting this request changes finalised documents. They are "
                 "listed before it is adopted, and it counts only once you confirm.",
    # (b): each unit's own document, with its unit (县卫健局 first: ``Unit.sort_key``,
    # the order 保存 and the liaison's 采纳 name them in)
    ("b", "zh"): "县卫健局2022年度总结、县教育局2022年10月的月报已定稿：采纳该申请会改变"
                 "已定稿的文件，采纳前会列出这些文件，确认后才计入。",
    ("b", "en"): "These documents are final: the annual summary of 2022 of 县卫健局, the "
                 "monthly summary of October 2022 of 县教育局. Adopting this request "
                 "changes finalised documents. They are listed before it is adopted, and "
                 "it counts only once you confirm.",
}

# (b)'s card of the request through the 补录 form: no item chosen yet, and the form's 保存
# changes and names only the documents the item chosen there touches — not 「会改变已定稿的
# 文件，采纳前会列出这些文件」 of every one on the card (stale53's Open, then53). (a) names
# one unit's month and year, which any item chosen changes: the card above.
ADMIN_FORM_CARD = {
    ("b", "zh"): "县卫健局2022年度总结、县教育局2022年10月的月报已定稿：采纳该申请会改变"
                 "其中与补录时所选项目有关的已定稿文件，保存补录前会列出这些文件，确认后才计入。",
    ("b", "en"): "These documents are final: the annual summary of 2022 of 县卫健局, the "
                 "monthly summary of October 2022 of 县教育局. Adopting this request "
                 "changes those of them that the item chosen in the “Record a past "
                 "activity” form touches. They are listed before that form is saved, and "
                 "it counts only once you confirm.",
}

# the liaison's card of the request naming the approved activity: the admin's to adopt,
# and what to re-open to let her
LIAISON_NAMED_CARD = {
    ("a", "zh"): "2022年10月的月报已定稿，该申请须由单位管理员采纳"
                 "（或由单位管理员先重新打开该月的月报和2022年度总结）。",
    ("a", "en"): "The monthly summary of October 2022 is final: a unit administrator must "
                 "adopt this request (or have a unit administrator reopen both that "
                 "month's summary and the 2022 annual summary first).",
    ("b", "zh"): "县卫健局2022年度总结、县教育局2022年10月的月报已定稿，该申请须由单位管理员"
                 "采纳（或由单位管理员先重新打开这些文件）。",
    ("b", "en"): "These documents are final: the annual summary of 2022 of 县卫健局, the "
                 "monthly summary of October 2022 of 县教育局. A unit administrator must "
                 "adopt this request (or have a unit administrator reopen them first).",
}


def _notices(client, lang: str) -> dict[int, list[str]]:
    """Each card's notices, by request id (its 拒绝 link), as the page shows them."""
    g.pop("_flask_babel", None)  # a served request starts without the last one's locale
    page = client.get(f"/backfill-requests/?lang={lang}")
    assert page.status_code == 200
    cards = {}
    for card in lxml.html.fromstring(page.get_data(as_text=True)).xpath(
            "//article[contains(@class, 'card')]"):
        link = card.xpath(".//a[contains(@href, '/decline')]/@href")[0]
        request_id = int(link.rstrip("/").split("/")[-2])
        cards[request_id] = [p.text_content() for p in
                             card.xpath(".//p[contains(concat(' ', @class, ' '), ' notice ')]")]
    return cards


def _saved(app, o, lang: str) -> str:
    """What 保存 of the form request's 补录 refuses the liaison with, in ``lang``."""
    g.pop("_flask_babel", None)
    with app.test_request_context("/"), force_locale("en" if lang == "en" else "zh_CN"):
        return _saved_refusal(o, date(2022, 10, 30))


def _requests(o):
    task = o.tasks["财政局宣讲"]
    assert task.report_approved
    return _request(o, date(2022, 10, 30)), _request(o, task.service_date, task)


def _assert_cards(app, client, login, o, case: str) -> None:
    """Every card, each role and language, compared at once: a failure shows them all."""
    form, named = _requests(o)
    seen, expected = {}, {}
    for lang in ("zh", "en"):
        login(o.admin)
        cards = _notices(client, lang)
        seen["admin", lang] = (cards[form.id], cards[named.id])
        expected["admin", lang] = ([ADMIN_FORM_CARD.get((case, lang), ADMIN_CARD[case, lang])],
                                   [ADMIN_CARD[case, lang]])

        login(o.liaison)
        cards = _notices(client, lang)
        # through the form: each unit named as 保存 names it (unchanged, pinned here)
        saved = _saved(app, o, lang)
        assert ("is final" in saved) == (lang == "en")
        seen["liaison", lang] = (cards[form.id], cards[named.id])
        expected["liaison", lang] = (
            [saved + DECLINE_IF_UNTRUE[lang]],
            [LIAISON_NAMED_CARD[case, lang] + DECLINE_IF_UNTRUE[lang]])
    assert seen == expected


def test_one_units_month_and_year_are_named_together_on_each_card(app, client, login,
                                                                   october):
    o = october
    education, _task = _mover(o, date(2022, 10, 31))
    _sign(o, education)
    _assert_cards(app, client, login, o, "a")


def test_a_month_of_one_unit_and_the_year_of_another_are_each_named_with_its_unit(
        app, client, login, october):
    o = october
    education, _task = _mover(o, date(2022, 10, 31))
    health = _moved_again(o, education, date(2022, 12, 1))
    _sign(o, education, health)
    _assert_cards(app, client, login, o, "b")
