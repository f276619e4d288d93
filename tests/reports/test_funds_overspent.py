"""A budget belongs to one (unit, community) ledger, and so does its overspend: the
budgets added up must not hide one community's overspend behind another's unspent
budget (review "resources" #1). And one budget shows one use rate on a page: the
checklist's 共建活动经费 row and the funds card count the year up to the period's end
(review "resources" #2).

The October dataset: 县商务局 has a budget of 10,000.00 in 解放路社区 and has spent
3,000.00 (March) + 2,600.00 (July) + 2,800.00 (October; a 500.00 entry there is reversed)
= 8,400.00 of it this year.
"""
import io
import re
from datetime import date

from docx import Document
from openpyxl import load_workbook

from tests import factories as f
from tests.reports.funds_support import budget_in_jianshe, funds_list_total, spend
from tracker.models import TargetMeasure
from tracker.reports.csv_export import render_csv
from tracker.reports.docx_export import render_docx
from tracker.reports.summary import build_summary
from tracker.reports.xlsx_export import render_xlsx


def spend_within_jianshes_budget(october):
    """建设路社区 gets a budget of 5,000.00 and spends 1,000.00 of it."""
    budget_in_jianshe(october)
    spend(october, october.jianshe, date(2022, 10, 20), 100_000)


def overspend_in_jiefang(october):
    """As ``spend_within_jianshes_budget``, and 解放路社区 spends 3,000.00 more: 11,400.00
    of its 10,000.00, over by 1,400.00, while the unit's 12,400.00 is within the
    15,000.00 of both budgets added up."""
    spend_within_jianshes_budget(october)
    spend(october, october.jiefang, date(2022, 10, 25), 300_000)


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])


def xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return "\n".join(str(v) for s in book.worksheets for r in s.iter_rows(values_only=True)
                     for v in r if v is not None)


def test_a_ledger_over_its_budget_is_named_in_the_units_month(client, login, october):
    overspend_in_jiefang(october)
    summary = build_summary(2022, 10, unit=october.unit)
    # 2,800 + 1,000 + 3,000 this month; 8,400 + 1,000 + 3,000 this year; 12,400 of
    # 15,000 is 82.7%; 解放路社区's 11,400 is 1,400 above its own 10,000
    sentence = ("本月在建设路社区、解放路社区使用共建活动经费6,800.00元，年度累计12,400.00元，"
                "占年度预算（15,000.00元）的82.7%，解放路社区超出其预算1,400.00元。")
    assert any(sentence in p.text for p in summary.paragraphs)
    assert sentence in render_csv(summary).decode("utf-8-sig")
    assert sentence in docx_text(render_docx(summary))
    assert sentence in xlsx_text(render_xlsx(summary)).replace("\n", "")  # lines wrapped
    login(october.admin)
    page = client.get(f"/reports/?unit={october.unit.id}&month=2022-10").get_data(as_text=True)
    assert sentence in page


def test_a_unit_within_every_budget_says_no_overspend(october):
    spend_within_jianshes_budget(october)
    summary = build_summary(2022, 10, unit=october.unit)
    text = "".join(p.text for p in summary.paragraphs)
    assert "超出" not in text and "超出" not in render_csv(summary).decode("utf-8-sig")


def test_the_funds_list_adds_its_ledgers_up_and_counts_the_ones_over(client, login, october):
    overspend_in_jiefang(october)
    login(october.admin)
    # by hand: budgets 10,000 + 5,000; spent 11,400 + 1,000; 12,400 / 15,000 = 82.7%
    assert funds_list_total(client) == ["合计", "15,000.00", "12,400.00", "82.7%",
                                        "1个台账超出预算"]


def test_the_progress_card_names_the_ledger_over_its_budget(client, login, october):
    overspend_in_jiefang(october)
    login(october.admin)
    html = client.get("/progress/community?period=year&year=2022&community=all"
                      ).get_data(as_text=True)
    over = re.search(r'data-figure="fund_overspent">(.*?)</ul>', html, re.S).group(1)
    assert "县商务局在解放路社区超出其预算 1,400.00 元" in over
    assert "预算剩余 2,600.00 元" in html


def figures_of(html: str) -> dict:
    return {name: value.strip() for name, value in
            re.findall(r'data-figure="([^"]+)">([^<]*)<', html)}


def test_one_budget_has_one_use_rate_on_a_past_months_progress_page(client, login, october):
    login(october.admin)
    html = client.get(f"/progress/community?community={october.jiefang.id}"
                      "&period=month&month=2022-09").get_data(as_text=True)
    # by the end of September: 3,000 (March) + 2,600 (July) of 10,000, on the card and in
    # the checklist's row alike (October's 2,800 is after the period)
    assert figures_of(html)["fund_ytd"] == "5,600.00"
    assert figures_of(html)["fund_used"] == "56.0%"
    assert "年度预算 10,000.00 元，已使用 5,600.00 元" in html


def test_a_range_across_new_year_says_which_year_each_figure_is_of(client, login, october):
    spend(october, october.jiefang, date(2021, 12, 10), 100_000)
    login(october.admin)
    html = client.get(f"/progress/community?community={october.jiefang.id}"
                      "&period=range&start=2021-12-01&end=2022-09-30").get_data(as_text=True)
    shown = figures_of(html)
    # the period spent 1,000 (2021) + 5,600 (2022); the year's figures are 2022's only
    assert (shown["fund_spent"], shown["fund_ytd"]) == ("6,600.00", "5,600.00")
    assert "2022年累计（元）" in html and "2022年预算（元）" in html
    assert shown["fund_years"] == ("本期跨年度：其中2022年使用5,600.00元，2022年以前使用1,000.00元；"
                                   "年度累计、年度预算和预算使用率只计2022年。")


def test_a_communitys_month_names_the_unit_over_its_budget(october):
    # 财政局 (the other unit) has 5,000.00 in 解放路社区 and spends 1,000.00; 县商务局
    # spends 3,000.00 more there: 11,400.00 of its 10,000.00
    f.item(october.other_unit, october.jiefang, "cobuild_funding", year=2022, target=500_000,
           measure=TargetMeasure.money)
    spend(october, october.jiefang, date(2022, 10, 20), 100_000, unit=october.other_unit)
    spend(october, october.jiefang, date(2022, 10, 25), 300_000)
    summary = build_summary(2022, 10, community=october.jiefang)
    text = "".join(p.text for p in summary.paragraphs)
    assert f"{october.unit.name}超出其预算1,400.00元" in text
    assert f"{october.other_unit.name}超出" not in text
