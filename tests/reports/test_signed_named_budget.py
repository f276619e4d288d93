"""Review40b #1: naming the 已定稿 documents an admin's 通过 or 冲销 will change costs no
statement per document nor per card (docs/design.md: at most 6 statements a page, the
same at 10× the data; ``summary_notes.final_naming_places``, one statement for a page).
The budget tests of ``tests/web/test_manage_queries.py`` sign nothing, so the block is
never built there: here a month and its year are signed, and the block is shown — also
naming apart one signed in an earlier wording, and a participant's unit's month
(partnames41: the wordings and the participants' units are read in that statement)."""
from __future__ import annotations

from datetime import date

from tests.page_statements import counted, own_app_context, page_statements
from tests.reports.test_signed_named import (  # noqa: F401 (a fixture)
    EARLIER_WORDING, REWORDED, _kept_copy, moved_in, named, sign_october_and_the_year,
    submitted_with)
from tracker.extensions import db
from tracker.models import SummaryCopy, SummaryNote
from tracker.services import unit_of_work
from tracker.services.funds import add_entry


def test_naming_the_signed_month_and_year_adds_no_statement_before_approval(
        client, login, october, count_queries):
    report = october.tasks["待审核整治"].report
    pages = (f"/manage/reports/{report.id}", "/manage/reviews", "/manage/")
    before = {url: page_statements(client, login, count_queries, october.admin, url)[0]
              for url in pages}
    login(october.admin)
    sign_october_and_the_year(client, october)
    after = {}
    for url in pages:
        after[url], page = page_statements(client, login, count_queries, october.admin, url)
        assert named(page), url  # the block is built and shown
    assert after == before
    assert all(n <= 6 for n in after.values()), after
    # a copy of an earlier wording is named apart, from the same statement
    _kept_copy(SummaryCopy, SummaryNote, october.unit.id, 2022, 10).wording_version = \
        EARLIER_WORDING
    db.session.commit()
    for url in pages:
        statements, page = page_statements(client, login, count_queries, october.admin, url)
        assert statements == before[url] and REWORDED in "".join(named(page)), url


def test_naming_a_participants_units_signed_month_adds_no_statement_before_approval(
        client, login, world, moved_in, count_queries):  # noqa: F811 (the fixture)
    report = submitted_with(world, moved_in["wang"], moved_in["day"])
    pages = (f"/manage/reports/{report.id}", "/manage/reviews", "/manage/")
    before = {url: page_statements(client, login, count_queries, world.admin, url)[0]
              for url in pages}
    moved_in["sign"]()
    after = {}
    for url in pages:
        after[url], page = page_statements(client, login, count_queries, world.admin, url)
        assert moved_in["month"] in "".join(named(page)), url
    assert after == before
    assert all(n <= 6 for n in after.values()), after


def test_naming_the_signed_month_and_year_adds_no_statement_before_reversal(
        client, login, october, count_queries):
    with unit_of_work():
        entry = add_entry(october.liaison, october.unit, october.jiefang, 2022,
                          entry_date=date(2022, 10, 20), amount_fen=900_000,
                          purpose="购置共建活动物资")
    url = f"/funds/entries/{entry.id}/reverse"
    login(october.admin)

    def confirmation() -> tuple[int, str]:
        db.session.commit()  # the test's own session holds no transaction open
        with own_app_context(client):  # warm, as a worker's first request
            client.post(url, data={"reason": "重复录入"})
        statements, response = counted(client, count_queries, url, method="POST",
                                       data={"reason": "重复录入"})
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "确认冲销" in page
        return len(statements), page

    unsigned, page = confirmation()
    assert named(page) == []
    sign_october_and_the_year(client, october)
    signed, page = confirmation()
    assert named(page)
    assert signed == unsigned
