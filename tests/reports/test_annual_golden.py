"""The 年度总结 of a fixed year, read end to end (``year_dataset``: October 2022's
dataset plus March and June, people joining, leaving and moving, needs, funds in a
community without a budget, a voided activity).

The expected documents are golden files — the text, then each 附表 as the .csv lists it —
written after every figure was worked out by hand from the data and docs/design.md's
rules. The arithmetic is below; the golden files are its result in the document's
words. The .docx and .xlsx hold the same text and tables (the 月报's exporters).

The 县商务局's year, activity by activity (approved; 人次 × minutes):

    March   电子商务培训 1场 张伟 王芳 何离职 3×120=360, 受益25人次
            环境整治 1次 张伟 李娜 2×90=180
    June    摸排 一区 1次 刘洋 林新 2×150=300, 4 findings (2 下水道 1 人行道 1 破损道路)
            牛皮癣 二区 1次 张伟 陈静 林新 3×120=360, 30处
            慰问 1次 王芳 1×120=120, 受益6人
            (环境整治 of 28 June: 作废 — nowhere)
    Sept    电子商务培训 1场 张伟 王芳 2×120=240, 受益20人次
    October 14 activities, 3场 11次, 48人次, 7590 min (the 月报's golden file)
    Nov     环境整治 1次 张伟 王芳 2×120=240
    (October's 待审核 环境整治 and 退回 牛皮癣 count nowhere but the pending note)

    activities: 场 1+1+3 = 5; 次 1+3+11+1 = 16 → 「5场、16次」
    人次: 5 + 6 + 2 + 48 + 2 = 63
    minutes: 540 + 780 + 240 + 7590 + 240 = 9390 = 156.5 小时
    people: October's 13, and 何离职, 林新 → 15 (张伟 in five months is one)
      of whom 杨磊 moved to 县财政局 on 1 December (年内调离) and 何离职 left the roll
      on 1 August (年内离册): 15 − 2 = 13 of the unit's roll of 31 December took part in
      its activities
    roll of 31 December: October's 15 − 杨磊 + 林新 (since 1 June) + 财政局党员 (since
      15 November) = 16; took part in the year: the 13 + 财政局党员, whose only work
      was 县财政局's briefing of 10 October, as its member then (so 年内调入, its 人次
      县财政局's: figures50 #1) = 14 → 87.5%;
      未参与: 冯某某, 郑某某
      人次 of the unit's people by their unit on the day: the 63 (财政局党员's October
      work is 县财政局's), so no second 人次 sentence
    一: 电子商务培训 4场 (Mar, Sep, Oct×2), 受益 25+20+35+36 = 116人次; 宣讲 1场 40人次;
        帮扶 5户; needs the unit's members claimed, fulfilled in 2022: 微心愿 张伟
        (June) and 财政局党员 (5 December, after his move: the unit's), 社区需求 王芳
        (October) → 微心愿2个、社区需求1条
    二: 环境整治 1+2+1 = 4次, 2+11+2 = 15人次; 疫情防控 3次 9人次 36.0小时;
        慰问 受益 6+9 = 15人次 (人 added over two visits are 人次: the same elders may be
        visited twice); the 分类统计 合计 adds them to the trainees' 人次: 156+15 = 171人次
    三: 牛皮癣 30+132 = 162处 (一区47, 二区85+30 = 115); 楼道 9个; 摸排 4+17 = 21处
        (下水道 2+5 = 7, 人行道 1+7 = 8, 破损道路 1+5 = 6); on 31 December 已移交
        (handed over or fixed) 3+11 = 14, 已整改 2+3 = 5
    四: items with a target that is not money: 解放路社区 6, 建设路社区 一区 ads,
        stairs, survey (June's), 二区 ads, survey = 11; the 共建活动经费 budget is not
        one of them (附表3 lists 12 rows). At their target: 电商 116≥10, 宣讲 40≥10,
        慰问 15≥10, ads 47 and 115 ≥10, 二区 survey 17≥10 → 6. By category: ads
        20 / 162 = 810.0%, survey 20 / 21 = 105.0%, stairs 10 / 9 = 90.0%, …; the
        帮扶 and 慰问 targets (受益, the category in 户 / 人) are compared with the year's
        受益 added up, so they read as visits, target and done alike (docs/design.md,
        "Categories"): 帮扶 10户次, 5户次 from its one October activity = 50.0%; 慰问
        10人次, 6+9 = 15人次 = 150.0% — in the sentence and in 附表3's rows
    五: above. 六: 3,000.00 + 2,600.00 + 2,800.00 (+500.00 − 500.00) = 8,400.00 in
        解放路社区 of its 10,000.00 budget = 84.0%; 1,200.50 in 建设路社区, no budget
        → 9,600.50 spent.
    分月统计: 3月 1场、1次 5 9.0; 6月 3次 6 13.0; 9月 1场 2 4.0; 10月 3场、11次 48 126.5;
        11月 1次 2 4.0; 合计 5场、16次 63 156.5; by section 结对 1场 | 1场 | 3场、1次 →
        5场、1次; 志愿 1+1+6+1 = 9次; 双创 2+4 = 6次
    分类统计 参与人数: 电商 {张伟 王芳 李娜 刘洋 陈静 何离职} = 6; 环境整治 Oct's 11
        (张伟 王芳 李娜 … in both months) = 11; 牛皮癣 Oct's 9 + 林新 = 10; 摸排 {王芳
        李娜 刘洋} + 林新 = 4; 合计 15

解放路社区's year (every unit's work there): 县商务局's above less 建设路社区's (ads,
stairs, surveys), plus 县财政局's briefing of 10 October (1场, 财政局党员, 120 min, 受益25人次):
    activities 场 1+1+4 = 6, 次 1+1+7+1 = 10; 人次 5 + 1 + 2 + 33 + 2 = 43;
    minutes 540 + 120 + 240 + 5130 + 240 = 6270 = 104.5 小时; people: October's 14 and
    何离职 = 15; 宣讲 2场 40+25 = 65人次; needs of 解放路社区 fulfilled in 2022: the same
    three; funds: 8,400.00 (建设路社区's 1,200.50 is not this community's).

附表“需求清单和微心愿” (the 月报's table, 全年 for 本月): 解放路社区's four needs were all
posted in 2022 (1 June, 3 June, 2 October, 1 December) and three fulfilled (20 June,
15 October, 5 December), two of them 微心愿 → 4 | 3 | 2. 县商务局's needs are those its
members claimed (the one nobody claimed, of 3 June, is no unit's) → 3 | 3 | 2. By month
the unit's posted are June 1, October 1, December 1; 解放路社区's June 2, October 1,
December 1: each adds up to the year.
"""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.plans import paragraph_text
from tests.reports import year_dataset
from tracker.reports.annual import build_annual
from tracker.reports.csv_export import render_csv
from tracker.reports.docx_export import render_docx
from tracker.reports.summary import build_summary
from tracker.reports.tables import cell_text
from tracker.reports.xlsx_export import render_xlsx

GOLDEN = Path(__file__).parent / "golden"
WRITTEN = date(2023, 1, 10)  # the day the summary is written (not 已定稿): its 落款


@pytest.fixture
def year2022(cached_build):
    return cached_build("year 2022", year_dataset.build)


def text_lines(summary) -> list[str]:
    lines = [summary.title, *summary.subtitle,
             *(p.heading + p.text for p in summary.paragraphs),
             summary.signer, summary.signed_on, summary.appendix]
    return [line for line in lines if line]


def table_lines(summary) -> list[str]:
    lines = []
    for caption, table in summary.captioned_tables():
        lines += ["", caption, " | ".join(table.headers)]
        lines += [" | ".join(cell_text(v) for v in row).rstrip() for row in table.rows]
    return lines


def document_of(summary) -> str:
    return "\n".join(text_lines(summary) + table_lines(summary)) + "\n"


def build(world, who):
    if who == "unit":
        return build_annual(2022, unit=world.unit, today=WRITTEN)
    return build_annual(2022, community=world.jiefang, today=WRITTEN)


CASES = [("unit", "县商务局-2022-annual.txt"), ("jiefang", "解放路社区-2022-annual.txt")]


@pytest.mark.parametrize("who,golden", CASES)
def test_golden_annual(year2022, who, golden):
    assert document_of(build(year2022, who)) == (GOLDEN / golden).read_text("utf-8")


@pytest.mark.parametrize("who,golden", CASES)
def test_the_docx_and_xlsx_say_what_the_golden_file_says(year2022, who, golden):
    summary = build(year2022, who)
    text = (GOLDEN / golden).read_text("utf-8").split("\n\n")[0].splitlines()
    document = Document(io.BytesIO(render_docx(summary)))
    paragraphs = [p.text for p in document.paragraphs if p.text]
    assert [line for line in paragraphs if not line.startswith("附表") or "：" in line] == text
    for table, expected in zip(document.tables, summary.tables()):
        cells = [[c.text.replace("\n", "") for c in row.cells] for row in table.rows]
        assert cells == [expected.headers,
                         *([cell_text(v) for v in row] for row in expected.rows)]
    book = load_workbook(io.BytesIO(render_xlsx(summary)))
    front = [paragraph_text(c.value) for row in book["汇总"].iter_rows() for c in row
             if c.value]
    assert front == text
    # 附表1 as numbers: each month's 人次 and hours, and the 合计
    months = [[c.value for c in row] for row in book["分月统计"].iter_rows(min_row=4)]
    assert [(m[0], m[2], round(m[3], 1)) for m in months] == [
        (row[0], row[2], float(cell_text(row[3]))) for row in summary.tables()[0].rows]


# by hand (the module's docstring): each month's activities, 人次 and minutes
UNIT_MONTHS = {3: ("1场、1次", 5, 540), 6: ("3次", 6, 780), 9: ("1场", 2, 240),
               10: ("3场、11次", 48, 7590), 11: ("1次", 2, 240)}
JIEFANG_MONTHS = {3: ("1场、1次", 5, 540), 6: ("1次", 1, 120), 9: ("1场", 2, 240),
                  10: ("4场、7次", 33, 5130), 11: ("1次", 2, 240)}


@pytest.mark.parametrize("who,by_hand,year,people", [
    ("unit", UNIT_MONTHS, (21, 63, 9390), 15), ("jiefang", JIEFANG_MONTHS, (16, 43, 6270), 15)])
def test_the_year_is_its_twelve_monthly_summaries(year2022, who, by_hand, year, people):
    """分月统计's rows are the 月报 of each month, and the year adds them up — but for the
    distinct people, who are the year's own (张伟 in five months is one person)."""
    summary = build(year2022, who)
    scope = dict(unit=year2022.unit) if who == "unit" else dict(community=year2022.jiefang)
    monthly = [build_summary(2022, m, today=WRITTEN, **scope) for m in range(1, 13)]
    for row, month in zip(summary.months, monthly):
        expected = by_hand.get(row.month, ("", 0, 0))
        assert (row.activities(), row.totals.person_times, row.totals.minutes) == expected
        assert (month.totals.person_times, month.totals.minutes) == expected[1:]
    t = summary.figures.totals
    assert (t.activities, t.person_times, t.minutes) == year
    assert t.members == people < sum(m.totals.members for m in monthly)
    # 受益 and 完成数量 add up too, category by category
    for category in summary.figures.categories:
        of_months = [c for m in monthly for c in m.categories if c.code == category.code]
        assert category.official.people_served == sum(c.official.people_served for c in of_months)
        assert category.official.quantity == sum(c.official.quantity for c in of_months)


def test_the_checklist_sentence_does_not_count_the_budget_nor_list_categories_as_met(year2022):
    """「全年资源清单共11项，已完成全年目标6项，其中…疫情防控目标10次、完成3次（30.0%）」
    read as if 疫情防控 were one of the six met, and 11 items against 附表3's 12 rows (the
    budget among them) did not add up."""
    summary = build(year2022, "unit")
    text = next(p.text for p in summary.paragraphs if p.heading.endswith("资源清单完成情况。"))
    assert text.startswith("全年资源清单共11项（不含共建活动经费），已完成全年目标6项。各类别完成情况：")
    assert "，其中" not in text
    checklist = next(t for t in summary.tables() if t.key == "checklist")
    assert len(checklist.rows) == 11 + 1


NEEDS = {"unit": ["3", "3", "2"], "jiefang": ["4", "3", "2"]}  # by hand (the docstring)


@pytest.mark.parametrize("who", ["unit", "jiefang"])
def test_the_needs_appendix_is_the_monthly_one_over_the_year(year2022, who):
    summary = build(year2022, who)
    needs = {t.key: t for t in summary.tables()}["needs"]
    assert needs.headers == ["全年发布（条）", "全年完成（条）", "其中微心愿（个）"]
    assert [[cell_text(v) for v in row] for row in needs.rows] == [NEEDS[who]]
    # the twelve 月报's 附表 of the same name add up to it (one table function)
    scope = {"unit": year2022.unit} if who == "unit" else {"community": year2022.jiefang}
    monthly = [0, 0, 0]
    for month in range(1, 13):
        table = {t.key: t for t in build_summary(2022, month, **scope).tables()}.get("needs")
        for row in table.rows if table else []:  # a month with nothing else has no 附表
            monthly = [a + int(b) for a, b in zip(monthly, row)]
    assert [str(n) for n in monthly] == NEEDS[who]
    # and every format carries it
    book = load_workbook(io.BytesIO(render_xlsx(summary)))
    sheet = [[c.value for c in row] for row in book["需求清单和微心愿"].iter_rows(min_row=4)]
    assert sheet == [[int(n) for n in NEEDS[who]]]
    csv = render_csv(summary)
    csv = csv.decode("utf-8-sig") if isinstance(csv, bytes) else csv
    assert "需求清单和微心愿" in csv and "全年发布（条）,全年完成（条）,其中微心愿（个）" in csv
    assert ",".join(NEEDS[who]) in csv
