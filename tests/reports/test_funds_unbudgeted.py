"""A budget belongs to one (unit, community) ledger. Spending in a community where the
unit set no budget is never a share of another community's budget: 预算使用率 and
预算剩余 count the ledgers that have a budget, and the rest is said on its own
(未设预算的支出) — in the 月报's text and table (every format) and on the 进展 card,
which agrees with the checklist row on the same page.

The October dataset: 县商务局 has a budget of 10,000.00 in 解放路社区 and has spent
8,400.00 of it this year (2,800.00 in October); it has no budget in 建设路社区.
"""
import io
import re
from datetime import date

from docx import Document
from openpyxl import load_workbook

from tracker.extensions import db
from tracker.models import FundEntry
from tracker.reports.docx_export import render_docx
from tracker.reports.summary import build_summary
from tracker.reports.xlsx_export import render_xlsx


def spend_in_jianshe(october, fen=300_000):
    db.session.add(FundEntry(unit_id=october.unit.id, community_id=october.jianshe.id,
                             entry_date=date(2022, 10, 20), amount_fen=fen,
                             purpose="建设路慰问物资", created_by_id=october.liaison.id))
    db.session.commit()


def funds_text(summary) -> str:
    return next(re.search(r"本月(?:在[^。]*)?使用共建活动经费[^。]*。", p.text).group()
                for p in summary.paragraphs if "使用共建活动经费" in p.text)


def funds_rows(summary) -> list[list[str]]:
    """The 附表“共建活动经费”: one row per ledger, then the 合计."""
    table = next(t for t in summary.tables() if t.key == "funds")
    return [[str(cell) for cell in row] for row in table.rows]


def test_the_unit_summary_sets_only_the_budgeted_community_against_the_budget(october):
    spend_in_jianshe(october)
    summary = build_summary(2022, 10, unit=october.unit)
    # In all: 2,800 + 3,000 this month; 8,400 + 3,000 this year. Of the budget of 10,000
    # only 解放路's 8,400 is used (84.0%), 1,600 is left; 建设路's 3,000 has no budget.
    # The sentence follows 解放路's pairing work: it names where the money went.
    assert funds_text(summary) == (
        "本月在建设路社区、解放路社区使用共建活动经费5,800.00元，年度累计11,400.00元，"
        "其中8,400.00元占年度预算（10,000.00元）的84.0%，另有未设预算的支出3,000.00元。")
    # one row per ledger, in the communities' order, then the 合计 the sentence states
    assert funds_rows(summary) == [
        ["建设路社区", "3,000.00", "3,000.00", "未设定", "—", "—", "3,000.00"],
        ["解放路社区", "2,800.00", "8,400.00", "10,000.00", "84.0%", "1,600.00", "0.00"],
        ["合计", "5,800.00", "11,400.00", "10,000.00", "84.0%", "1,600.00", "3,000.00"]]


def test_without_spending_elsewhere_the_sentence_is_as_before(october):
    summary = build_summary(2022, 10, unit=october.unit)
    assert funds_text(summary) == (
        "本月使用共建活动经费2,800.00元，年度累计8,400.00元，占年度预算（10,000.00元）的84.0%。")


def test_a_community_without_a_budget_says_not_set_in_every_format(october):
    spend_in_jianshe(october)
    summary = build_summary(2022, 10, community=october.jianshe)
    assert funds_text(summary) == "本月使用共建活动经费3,000.00元。"
    # a community's 月报 names each ledger by its unit: one here, then the 合计
    expected = ["3,000.00", "3,000.00", "未设定", "—", "—", "3,000.00"]
    assert funds_rows(summary) == [["县商务局", *expected], ["合计", *expected]]

    document = Document(io.BytesIO(render_docx(summary)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    index = next(i for i, text in enumerate(headings) if text.endswith("　共建活动经费"))
    assert [c.text for c in document.tables[index].rows[1].cells] == ["县商务局", *expected]

    sheet = load_workbook(io.BytesIO(render_xlsx(summary)))["共建活动经费"]
    values = next(row for row in sheet.iter_rows(values_only=True) if "未设定" in row)
    assert values[3:6] == ("未设定", "—", "—")


def figures_of(html: str) -> dict:
    return {name: value.strip() for name, value in
            re.findall(r'data-figure="([^"]+)">([^<]*)<', html)}


def test_the_progress_card_agrees_with_the_checklist_on_the_same_page(client, login, october):
    spend_in_jianshe(october)
    login(october.liaison)
    page = client.get("/progress/community?period=year&year=2022&community=all")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    shown = figures_of(html)
    assert (shown["fund_ytd"], shown["fund_budget"], shown["fund_used"],
            shown["fund_unbudgeted"]) == ("11,400.00", "10,000.00", "84.0%", "3,000.00")
    # the checklist's 共建活动经费 row, on the same page
    assert "年度预算 10,000.00 元，已使用 8,400.00 元" in html
    assert shown["target-cobuild_funding"] == "完成 84.0%"
    assert "预算剩余 1,600.00 元" in html
