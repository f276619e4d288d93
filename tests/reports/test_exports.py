"""The .docx, .xlsx and .csv of a month, opened as their readers would, hold the
same text as the page and exactly the rollup figures (asked of the rollups here,
independently of the summary object)."""
import csv
import io
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, ReportStatus, TaskReport
from tracker.reports.csv_export import neutralise, render_csv
from tracker.reports.docx_export import render_docx
from tracker.reports.summary import build_summary
from tracker.reports.xlsx_export import render_xlsx
from tracker.rollups import Scope
from tracker.rollups.coverage import coverage as unit_coverage
from tracker.rollups.double import double_progress
from tracker.rollups.figures import figures, figures_by_category
from tracker.rollups.findings import findings_counts
from tracker.rollups.funds import fund_figures
from tracker.templating import hours

OCT = (date(2022, 10, 1), date(2022, 11, 1))


@pytest.fixture
def scope(october):
    return Scope(*OCT, unit_id=october.unit.id)


@pytest.fixture
def summary(october):
    return build_summary(2022, 10, unit=october.unit)


def lines(summary):
    return [p.heading + p.text for p in summary.paragraphs]


# --- Word ---------------------------------------------------------------------------------

@pytest.fixture
def docx(summary):
    return Document(io.BytesIO(render_docx(summary)))


def docx_table(document, title):
    """The table under the heading '附表N　<title>' (one table per heading, in order)."""
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    index = next(i for i, text in enumerate(headings) if text.endswith("　" + title))
    return [[cell.text for cell in row.cells] for row in document.tables[index].rows]


def test_docx_text_is_the_summary(docx, summary):
    paragraphs = [p.text for p in docx.paragraphs if p.text]
    assert paragraphs[0] == summary.title == "县商务局2022年10月社区共建工作情况"
    assert paragraphs[1:1 + len(summary.paragraphs)] == lines(summary)
    assert docx.paragraphs[0].style.name == "Title"


def test_docx_layout_a4_and_chinese_fonts(docx):
    first = docx.sections[0]
    assert (round(first.page_width.mm), round(first.page_height.mm)) == (210, 297)
    assert round(docx.sections[1].page_width.mm) == 297  # the appendix is landscape A4
    for name, font in [("Normal", "仿宋_GB2312"), ("Title", "方正小标宋简体"), ("Heading 1", "黑体")]:
        rfonts = docx.styles[name].element.rPr.rFonts
        assert rfonts.get(qn("w:eastAsia")) == font, name
        assert rfonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would win
    assert docx.styles["Normal"].font.size.pt == 16
    # Section headings inside the text are in 黑体.
    heading_runs = [p.runs[0] for p in docx.paragraphs if p.text.startswith("一、")]
    assert heading_runs[0].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    # Tables have borders.
    assert all(t.style.name == "Table Grid" for t in docx.tables)


def test_docx_figures_are_rollup_figures(docx, october, scope):
    rows = docx_table(docx, "分类统计")
    assert rows[0][:3] == ["类别", "活动次数", "完成数量"]
    expected = {c.name: c.official for c in figures_by_category(scope, include_empty=False)
                if c.official.activities}
    body = {row[0]: row for row in rows[1:-1]}
    assert body.keys() == expected.keys()
    for name, o in expected.items():
        row = body[name]
        assert [int(row[1]), int(row[2]), int(row[4]), int(row[5]), int(row[6])] == \
               [o.activities, o.quantity, o.people_served, o.person_times, o.members]
        assert row[7] == hours(o.minutes)
    total = figures(scope).official
    assert rows[-1][0] == "合计"
    assert [int(rows[-1][1]), int(rows[-1][5]), int(rows[-1][6])] == \
           [total.activities, total.person_times, total.members]
    assert rows[-1][7] == hours(total.minutes) == "126.5"

    ledger = docx_table(docx, "本月活动台账")
    assert len(ledger) - 1 == total.activities
    assert sum(int(r[9]) for r in ledger[1:]) == total.person_times

    zones = docx_table(docx, "责任区进展")
    double = double_progress(scope, by="zone")
    by_zone = {r.name: r for r in double.rows}
    for row in zones[1:-1]:
        z = by_zone[row[1]]
        assert [int(v) for v in row[2:8]] == [z.ads, z.stairs, z.found, z.handed_over, z.fixed,
                                              z.person_times]
    findings = findings_counts(scope)
    assert [int(v) for v in zones[-1][4:7]] == [findings.total, findings.handed_over, findings.fixed]

    coverage = unit_coverage(october.unit.id, *OCT)
    assert docx_table(docx, "参与情况")[1] == [str(coverage.on_roll), str(coverage.took_part),
                                              coverage.rate_text, str(len(coverage.not_yet))]
    assert [r[1] for r in docx_table(docx, "未参与名单")[1:]] == [p.name for p in coverage.not_yet]

    funds = fund_figures(scope, 2022)
    assert docx_table(docx, "共建活动经费")[1] == [
        "2,800.00", "8,400.00", "10,000.00", "84.0%", "1,600.00"]
    assert (funds.spent_fen, funds.year_to_date_fen, funds.budget_fen) == (280_000, 840_000, 1_000_000)


# --- Excel --------------------------------------------------------------------------------

@pytest.fixture
def book(summary):
    return load_workbook(io.BytesIO(render_xlsx(summary)))


def sheet_rows(sheet, first=1):
    return [list(r) for r in sheet.iter_rows(min_row=first, values_only=True)]


def test_xlsx_summary_sheet_has_the_same_text(book, summary):
    front = book["汇总"]
    texts = [r[0] for r in sheet_rows(front) if r and r[0]]
    assert texts == [summary.title] + lines(summary)
    assert book.sheetnames == ["汇总", "结对共建", "志愿服务", "“双创”", "分类统计", "责任区进展",
                               "参与情况", "未参与名单", "共建活动经费"]


def test_xlsx_section_sheets_are_the_ledger(book, october, scope):
    header = ["序号", "日期", "社区（责任区）", "活动", "地点", "类别", "服务对象", "活动内容",
              "参与人员", "人次", "服务时长（小时）", "完成数量", "计量单位", "受益人数", "组长", "审核人"]
    rows = []
    for name in ("结对共建", "志愿服务", "“双创”"):
        sheet = book[name]
        assert sheet_rows(sheet)[0] == header
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["H"].width >= 40  # 活动内容 is wide
        rows += sheet_rows(sheet, first=2)
    total = figures(scope).official
    assert len(rows) == total.activities
    assert sum(r[9] for r in rows) == total.person_times
    assert sum(r[10] for r in rows) == Decimal(total.minutes) / 60
    assert {type(r[1]) for r in rows} == {datetime}  # real dates, not text
    for c in figures_by_category(scope, include_empty=False):
        mine = [r for r in rows if r[5] == c.name]
        assert len(mine) == c.official.activities
        assert sum(r[11] for r in mine) == c.official.quantity
        assert sum(r[13] for r in mine) == c.official.people_served
    first = next(r for r in rows if r[3] == "电商培训一")
    assert first[1:9] == [datetime(2022, 10, 8), "解放路社区", "电商培训一", "解放路社区党群服务中心",
                          "电子商务培训", "社区居民", "讲解网店开设和直播带货。", "张伟、王芳、李娜"]
    assert first[14:] == ["张伟", "钱联络"]


def test_xlsx_other_sheets_are_rollup_figures(book, october, scope):
    categories = {r[0]: r for r in sheet_rows(book["分类统计"], first=2)}
    for c in figures_by_category(scope, include_empty=False):
        o = c.official
        assert categories[c.name][1:8] == [o.activities, o.quantity, c.measure, o.people_served,
                                           o.person_times, o.members, Decimal(hours(o.minutes))]
    coverage = unit_coverage(october.unit.id, *OCT)
    on_roll, took_part, rate, idle = sheet_rows(book["参与情况"], first=2)[0]
    assert (on_roll, took_part, idle) == (coverage.on_roll, coverage.took_part, len(coverage.not_yet))
    assert f"{rate:.1%}" == coverage.rate_text
    funds = fund_figures(scope, 2022)
    spent, ytd, budget, used, remaining = sheet_rows(book["共建活动经费"], first=2)[0]
    assert (spent * 100, ytd * 100, budget * 100) == (funds.spent_fen, funds.year_to_date_fen,
                                                     funds.budget_fen)
    assert remaining * 100 == funds.remaining_fen
    assert book["共建活动经费"]["A2"].number_format == "#,##0.00"


# --- CSV ----------------------------------------------------------------------------------

def test_csv_utf8_bom_and_same_content(summary):
    data = render_csv(summary)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [summary.title]
    assert [r[0] for r in rows[1:1 + len(summary.paragraphs)]] == lines(summary)
    ledger_at = rows.index(["本月活动台账"])
    assert rows[ledger_at + 1][:3] == ["序号", "日期", "社区（责任区）"]
    assert rows[ledger_at + 2][:4] == ["1", "2022-10-08", "解放路社区", "电商培训一"]
    funds_at = rows.index(["共建活动经费"])
    assert rows[funds_at + 2] == ["2,800.00", "8,400.00", "10,000.00", "84.0%", "1,600.00"]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+1", "@SUM(A1)", "\tx", "\rx",
                                  '=HYPERLINK("http://evil","点我")'])
def test_neutralise(text):
    assert neutralise(text) == "'" + text


def test_typed_text_cannot_become_a_formula(october):
    evil_title = '=HYPERLINK("http://evil.example","点我")'
    item = f.item(october.unit, october.jiefang, "elderly_visit", year=2022)
    task = f.task(item, october.liaison, title=evil_title,
                  starts_at=datetime(2022, 10, 3, 1, tzinfo=timezone.utc))
    task.place = "+cmd|' /C calc'!A0"
    task.beneficiary = "@SUM(1+1)"
    evil = f.member(october.unit, name="-2+3")
    db.session.add(Assignment(task_id=task.id, member_id=evil.id,
                              status=AssignmentStatus.done, minutes=60))
    db.session.add(TaskReport(task_id=task.id, quantity=1, people_served=1, note="\t=1+1",
                              status=ReportStatus.approved, submitted_by_id=october.liaison.id,
                              reviewed_by_id=october.liaison.id))
    db.session.commit()
    summary = build_summary(2022, 10, unit=october.unit)

    rows = list(csv.reader(io.StringIO(render_csv(summary).decode("utf-8-sig"))))
    row = next(r for r in rows if len(r) > 3 and evil_title in r[3])
    assert row[3] == "'" + evil_title
    assert row[4] == "'+cmd|' /C calc'!A0"
    assert row[6] == "'@SUM(1+1)"
    assert row[7] == "'\t=1+1"
    assert row[8] == "'-2+3"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r)

    book = load_workbook(io.BytesIO(render_xlsx(summary)))
    sheet = book["志愿服务"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value == evil_title]
    assert cells and all(c.data_type == "s" for c in cells)  # text, not a formula
    assert all(c.data_type != "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)
