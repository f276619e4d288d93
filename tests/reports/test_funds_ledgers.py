"""The 月报's 附表“共建活动经费” has one row per (unit, community) ledger with an entry
or a budget, and a 合计 row that is the figure the funds sentence states and the funds
list's (经费台账) 合计 — rows and total from one rollup (review "funds2, open: 附表 经费
one row of totals").

The October 2022 dataset: 县商务局 has a budget of 10,000.00 in 解放路社区 and spent
3,000.00 (March) + 2,600.00 (July) + 2,800.00 (October; a 500.00 entry there is
reversed) = 8,400.00 of it. Here 建设路社区 gets a ledger of its own: a budget of
5,000.00, 2,000.00 spent in September, 4,500.00 in October and a mistaken 1,200.00 in
October reversed (冲销) the same day.
"""
import io
from datetime import date

from docx import Document
from openpyxl import load_workbook

from tests.reports.funds_support import budget_in_jianshe, funds_list_total, spend
from tracker.extensions import db
from tracker.models import FundEntry
from tracker.reports.docx_export import render_docx
from tracker.reports.summary import build_summary
from tracker.reports.xlsx_export import render_xlsx
from tracker.services.funds import add_entry, reverse_entry


def second_ledger(october):
    budget_in_jianshe(october)
    for day, fen in [(date(2022, 9, 12), 200_000), (date(2022, 10, 21), 450_000)]:
        add_entry(october.admin, october.unit, october.jianshe, 2022, entry_date=day,
                  amount_fen=fen, purpose="建设路共建支出")
    wrong = add_entry(october.admin, october.unit, october.jianshe, 2022,
                      entry_date=date(2022, 10, 22), amount_fen=120_000, purpose="误登记")
    db.session.commit()
    reverse_entry(october.admin, wrong, "重复登记")
    db.session.commit()
    # the reversal is in the ledger as a negative entry on the original's date
    assert db.session.query(FundEntry).filter(FundEntry.amount_fen == -120_000).count() == 1


# by hand, in yuan:
# 建设路社区: October 4,500 + 1,200 − 1,200 = 4,500; year 2,000 + 4,500 = 6,500 of 5,000:
#   130.0%, 1,500 over (剩余 −1,500.00)
# 解放路社区: October 2,800; year 8,400 of 10,000: 84.0%, 1,600 left
# 合计: 7,300; 14,900 of 15,000 (14,900 / 15,000 = 99.33…%): 99.3%, 100 left
ROWS = [
    ["建设路社区", "4,500.00", "6,500.00", "5,000.00", "130.0%", "-1,500.00", "0.00"],
    ["解放路社区", "2,800.00", "8,400.00", "10,000.00", "84.0%", "1,600.00", "0.00"],
    ["合计", "7,300.00", "14,900.00", "15,000.00", "99.3%", "100.00", "0.00"],
]
HEADERS = ["社区", "本月使用（元）", "年度累计（元）", "年度预算（元）", "预算使用率",
           "预算剩余（元）", "未设预算的支出（元）"]


def test_one_row_per_ledger_and_the_total_the_sentence_states(october):
    second_ledger(october)
    summary = build_summary(2022, 10, unit=october.unit)
    table = next(t for t in summary.tables() if t.key == "funds")
    assert table.headers == HEADERS
    assert [[str(cell) for cell in row] for row in table.rows] == ROWS
    assert table.total_row
    sentence = next(p.text for p in summary.paragraphs if "使用共建活动经费" in p.text)
    assert ("本月在建设路社区、解放路社区使用共建活动经费7,300.00元，年度累计14,900.00元，"
            "占年度预算（15,000.00元）的99.3%，建设路社区超出其预算1,500.00元。") in sentence


def test_the_docx_and_xlsx_list_each_ledger_and_the_total(october):
    second_ledger(october)
    summary = build_summary(2022, 10, unit=october.unit)

    document = Document(io.BytesIO(render_docx(summary)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    index = next(i for i, text in enumerate(headings) if text.endswith("　共建活动经费"))
    rows = [[c.text for c in row.cells] for row in document.tables[index].rows]
    assert [h.replace("\n", "") for h in rows[0]] == HEADERS
    assert rows[1:] == ROWS

    sheet = load_workbook(io.BytesIO(render_xlsx(summary)))["共建活动经费"]
    values = [list(r) for r in sheet.iter_rows(min_row=4, values_only=True)]
    # money as numbers of yuan (fen / 100), the rate as the fraction the document
    # rounds it to (one decimal of %: 99.3%)
    assert values == [
        ["建设路社区", 4500, 6500, 5000, 1.3, -1500, 0],
        ["解放路社区", 2800, 8400, 10000, 0.84, 1600, 0],
        ["合计", 7300, 14900, 15000, 0.993, 100, 0],
    ]


def test_a_communitys_month_names_each_units_ledger(october):
    """In 解放路社区's 月报 the ledgers are the units': 县财政局 spends 1,000.00 there in
    October without a budget, beside 县商务局's."""
    spend(october, october.jiefang, date(2022, 10, 9), 100_000, unit=october.other_unit)
    summary = build_summary(2022, 10, community=october.jiefang)
    table = next(t for t in summary.tables() if t.key == "funds")
    assert table.headers[0] == "单位"
    rows = {row[0]: [str(c) for c in row[1:]] for row in table.rows}
    assert rows == {
        "县商务局": ["2,800.00", "8,400.00", "10,000.00", "84.0%", "1,600.00", "0.00"],
        "县财政局": ["1,000.00", "1,000.00", "未设定", "—", "—", "1,000.00"],
        # 3,800; 9,400, of which 8,400 against the budget of 10,000; 1,000 without one
        "合计": ["3,800.00", "9,400.00", "10,000.00", "84.0%", "1,600.00", "1,000.00"],
    }
    assert [row[0] for row in table.rows][-1] == "合计"


def test_the_total_is_the_funds_lists(client, login, october):
    """Nothing is spent after October 2022 here, so the year's 经费台账 list adds up to
    the October 月报's 年度累计 and budget."""
    second_ledger(october)
    login(october.admin)
    assert funds_list_total(client)[:4] == ["合计", "15,000.00", "14,900.00", "99.3%"]
