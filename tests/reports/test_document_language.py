"""A document is in the document's language whoever downloads it: the 月报 and the
服务记录 are Chinese (they are handed in to the county's offices) even when the site is
read in English — every word of them, not only the headers. The .ics file is not a
document handed in: its words follow the language of whoever asks for it."""
from __future__ import annotations

import io

import pytest
from flask import g
from flask_babel import force_locale, get_translations
from openpyxl import load_workbook

from tracker.extensions import db


def fresh_locale():
    """Flask-Babel keeps the locale on ``g``, which a test's app context shares between
    requests; a served request starts without it."""
    g.pop("_flask_babel", None)


def english(client, url: str = "/tasks/"):
    """The session reads the site in English from now on (?lang= on a page)."""
    fresh_locale()
    assert client.get(f"{url}?lang=en").status_code == 200
    fresh_locale()


def test_the_service_record_says_where_a_row_came_from_in_chinese(client, login, october):
    zhang = october.members["张伟"]
    login(zhang)
    english(client)
    response = client.get(f"/reports/records/{zhang.id}.xlsx?year=2022")
    sheet = load_workbook(io.BytesIO(response.data))["服务记录"]
    assert sheet.cell(row=3, column=13).value == "来源"
    sources = [row[12] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert sources and set(sources) == {"组长提交"}
    # the page is read, not filed: its headers and 来源 are in the reader's language
    page = client.get(f"/reports/records/{zhang.id}?year=2022").get_data(as_text=True)
    with force_locale("en"):
        leader = get_translations().ugettext("组长提交")
        source, day = get_translations().ugettext("来源"), get_translations().ugettext("日期")
    assert leader != "组长提交"
    assert leader in page and "组长提交" not in page
    assert f">{source}<" in page
    for chinese in ("来源", "序号", "日期", "活动名称", "服务时长（小时）"):
        assert chinese not in page, chinese
    assert day in page


def test_the_monthly_page_captions_its_tables_in_chinese(client, login, october):
    login(october.admin)
    fresh_locale()
    page = client.get(f"/reports/?unit={october.unit.id}&month=2022-10&lang=en").get_data(
        as_text=True)
    assert "<h2>附表1　本月活动台账</h2>" in page and "<h2>附表2　分类统计</h2>" in page
    assert "Table 1" not in page
    empty = client.get("/reports/?month=2021-01&lang=en").get_data(as_text=True)
    assert "<h2>附表1　本月活动台账</h2>" in empty
    assert "（无）" in empty and "(none)" not in empty


BENEFICIARY = "服务对象：%(who)s"


@pytest.fixture
def beneficiary_in_english(app, monkeypatch):
    """The English catalog's entry for the .ics label (added here until the catalog
    has it, so that this test does not depend on when the catalogs are regenerated)."""
    with app.test_request_context(), force_locale("en"):
        catalog = get_translations()._catalog
    monkeypatch.setitem(catalog, BENEFICIARY, catalog.get(BENEFICIARY) or "Beneficiaries: %(who)s")
    return catalog[BENEFICIARY] % {"who": "独居老人"}


def test_the_calendar_file_is_in_the_language_of_who_asks(client, login, world,
                                                           beneficiary_in_english):
    world.task.beneficiary = "独居老人"
    db.session.commit()
    login(world.member)
    url = f"/tasks/{world.task.id}/calendar.ics"
    chinese = client.get(url).get_data().replace(b"\r\n ", b"").decode()
    assert "服务对象：独居老人" in chinese
    english(client, f"/tasks/{world.task.id}")
    ics = client.get(url).get_data().replace(b"\r\n ", b"").decode()
    assert beneficiary_in_english in ics and "服务对象" not in ics


def test_the_changed_since_final_notice_leads_in_once_and_says_summary(client, login,
                                                                      october):
    """Review docread40, #3: a signed 月报 and 年度总结 changed since, read in English.
    The notice says once that the data changed since the summary was finalised, then
    names the parts — not a second lead-in of its own — and calls the document a
    summary, as the glossary does (a 月报 is a "monthly summary", not a "report")."""
    import re

    from tracker.services import unit_of_work
    from tracker.services.reviews import approve_report

    login(october.admin)
    month = f"unit={october.unit.id}&month=2022-10"
    year = f"unit={october.unit.id}&year=2022"
    assert client.post(f"/reports/finalize?{month}", data={"confirmed": "1"}).status_code == 302
    assert client.post(f"/reports/annual/finalize?{year}",
                       data={"confirmed": "1"}).status_code == 302
    with unit_of_work():
        approve_report(october.tasks["待审核整治"].report, october.admin)
    for url in (f"/reports/?{month}", f"/reports/annual?{year}"):
        fresh_locale()
        page = client.get(f"{url}&lang=en").get_data(as_text=True)
        notice = re.search(r'data-figure="changed_since_final">(.*?)</p>', page, re.S).group(1)
        text = re.sub(r"<[^>]+>", "", notice)
        assert text.startswith("The data have changed since the summary was finalised: "), text
        assert text.count("finalised:") == 1 and "Not as finalised" not in text, text
        assert "report" not in text.lower(), text
    fresh_locale()
