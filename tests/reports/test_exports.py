"""The .docx, .xlsx and .csv of a month, opened as their readers would, hold the
same text as the page and exactly the rollup figures (asked of the rollups here,
independently of the summary object)."""
import csv
import io
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from openpyxl import load_workbook

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, ReportStatus, TaskReport
from tracker.reports.csv_export import neutralise, render_csv
from tracker.reports.docx_export import render_docx
from tests.plans import ledger_rows
from tracker.reports.summary import build_summary
from tracker.reports.xlsx_export import CELL_PADDING, render_xlsx
from tests.plans import paragraph_text
from tracker.rollups import Scope
from tracker.rollups.coverage import coverage as unit_coverage
from tests.plans import double_progress
from tracker.rollups.figures import figures
from tests.plans import figures_by_category
from tests.plans import findings_counts
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
    rows = [[cell.text for cell in row.cells] for row in document.tables[index].rows]
    # a header wider than its column is broken before its bracket: read as one line
    return [[text.replace("\n", "") for text in rows[0]], *rows[1:]]


def test_docx_text_is_the_summary(docx, summary):
    paragraphs = [p.text for p in docx.paragraphs if p.text]
    assert paragraphs[0] == summary.title == "县商务局2022年10月社区共建工作情况"
    head = 1 + len(summary.subtitle)
    assert paragraphs[1:head] == summary.subtitle
    body = paragraphs[head:head + len(summary.paragraphs)]
    assert body == lines(summary)
    signer, signed_on, appendix = paragraphs[head + len(body):head + 3 + len(body)]
    assert (signer, signed_on) == ("县商务局", summary.signed_on)
    assert appendix == summary.appendix
    assert docx.paragraphs[0].style.name == "Title"
    right = [p for p in docx.paragraphs if p.text in (signer, signed_on)]
    assert [p.alignment for p in right] == [WD_ALIGN_PARAGRAPH.RIGHT] * 2


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
    assert rows[0] == ["类别", "活动", "完成数量", "受益", "人次", "参与人数", "服务时长（小时）"]
    expected = {c.name: c for c in figures_by_category(scope, include_empty=False)
                if c.official.activities}
    body = {row[0]: row for row in rows[1:-1]}
    assert body.keys() == expected.keys()
    for name, c in expected.items():
        o = c.official
        row = body[name]
        # each figure in its category's unit, "—" where the category has none
        assert row[1] == f"{o.activities}{c.activity_unit}"
        assert row[2] == (f"{o.quantity}{c.quantity_unit}" if c.quantity_unit else "—")
        assert row[3] == (f"{o.people_served}{c.beneficiary_unit}" if c.beneficiary_unit
                          else "—")
        assert [int(row[4]), int(row[5])] == [o.person_times, o.members]
        assert row[6] == hours(o.minutes)
    total = figures(scope).official
    assert rows[-1][0] == "合计"
    # never one sum of different units: activities (场 of trainings and briefings, 次 of
    # the rest) and 受益 one figure per unit, 完成数量 (different things in each
    # category) none
    assert rows[-1][1] == "3场、11次" and total.activities == 3 + 11
    assert rows[-1][2] == "—"
    assert rows[-1][3] == "111人次、5户、9人"
    assert [int(rows[-1][4]), int(rows[-1][5])] == [total.person_times, total.members]
    assert rows[-1][6] == hours(total.minutes) == "126.5"

    ledger = docx_table(docx, "本月活动台账")
    assert len(ledger) - 1 == total.activities
    assert sum(int(r[8]) for r in ledger[1:]) == total.person_times

    zones = docx_table(docx, "责任区进展")
    double = double_progress(scope, by="zone")
    by_zone = {r.name: r for r in double.rows}
    for row in zones[1:-1]:
        z = by_zone[row[1]]
        assert [int(v) for v in row[2:7]] + [int(row[9])] == [
            z.ads, z.stairs, z.found, z.handed_over, z.fixed, z.person_times]
    findings = findings_counts(scope).official
    assert [int(v) for v in zones[-1][4:7]] == [findings.total, findings.handed_over, findings.fixed]

    coverage = unit_coverage(october.unit.id, *OCT)
    assert docx_table(docx, "参与情况")[1] == [str(coverage.on_roll), str(coverage.took_part),
                                              coverage.rate_text, str(len(coverage.not_yet))]
    assert [r[1] for r in docx_table(docx, "未参与名单")[1:]] == [p.name for p in coverage.not_yet]

    funds = fund_figures(scope, 2022)
    # one ledger (县商务局 in 解放路社区), then the 合计
    assert docx_table(docx, "共建活动经费")[1:] == [
        ["解放路社区", "2,800.00", "8,400.00", "10,000.00", "84.0%", "1,600.00", "0.00"],
        ["合计", "2,800.00", "8,400.00", "10,000.00", "84.0%", "1,600.00", "0.00"]]
    assert (funds.spent_fen, funds.year_to_date_fen, funds.budget_fen) == (280_000, 840_000, 1_000_000)


def test_docx_an_empty_table_says_none_across_its_whole_width(october):
    """A month without activities still prints its tables: one row reading （无） that
    spans every column, in the table's own style, as wide as the header."""
    document = Document(io.BytesIO(render_docx(build_summary(2021, 1, unit=october.unit))))
    empty = [table for table in document.tables if table.rows[1].cells[0].text == "（无）"]
    assert empty
    for table in empty:
        header, *body = table.rows
        assert len(body) == 1
        row = body[0]._tr
        assert len(row.tc_lst) == 1 and row.tc_lst[0].grid_span == len(header.cells)
        assert body[0].cells[0].text == "（无）"
        assert body[0].cells[0].paragraphs[0].style.name.startswith("报表正文")
        assert body[0].cells[0].width == sum(cell.width for cell in header.cells)


def test_docx_table_cells_carry_the_table_style_and_the_column_width(docx):
    for table in docx.tables:
        widths = [column.width for column in table.columns]
        for row in table.rows:
            assert [cell.width for cell in row.cells] == widths
            assert {cell.paragraphs[0].style.name for cell in row.cells} <= {
                "报表正文", "报表正文（小）", "报表正文（台账）"}


# --- Excel --------------------------------------------------------------------------------

@pytest.fixture
def book(summary):
    return load_workbook(io.BytesIO(render_xlsx(summary)))


def sheet_rows(sheet, first=1):
    return [list(r) for r in sheet.iter_rows(min_row=first, values_only=True)]


def test_xlsx_summary_sheet_has_the_same_text(book, summary):
    front = book["汇总"]
    texts = [paragraph_text(r[0]) for r in sheet_rows(front) if r and r[0]]
    assert texts == [summary.title, *summary.subtitle, *lines(summary), summary.signer,
                     summary.signed_on, summary.appendix]
    signer = next(c for c in front["A"] if c.value == summary.signer)
    assert signer.alignment.horizontal == "right"
    # each paragraph of the text indented by two characters, as in the .docx
    body = [r[0] for r in sheet_rows(front) if r and r[0] and paragraph_text(r[0]) in lines(summary)]
    assert body and all(text.startswith("\u3000\u3000") for text in body)
    # the 附表 of the .docx, in its order, and nothing else (no phone numbers)
    assert book.sheetnames == ["汇总", "本月活动台账", "分类统计", "责任区进展", "参与情况",
                               "未参与名单", "共建活动经费"]
    for (caption, table), sheet in zip(summary.captioned_tables(), book.worksheets[1:]):
        assert sheet["A1"].value == f"{summary.title}　{caption}"
    assert book["本月活动台账"]["A1"].value.endswith("附表1　本月活动台账")


HEADER = 3  # row 1 the title, row 2 the unit and period, then the header


def test_xlsx_sheets_have_title_rows_print_setup_and_frozen_header(book, summary):
    for sheet in book.worksheets[1:]:
        title, subtitle = sheet["A1"].value, sheet["A2"].value
        assert title.startswith(summary.title + "　"), sheet.title
        assert subtitle.startswith("单位：县商务局　统计时间：2022年10月1日至10月31日"), sheet.title
        assert sheet.freeze_panes == f"A{HEADER + 1}"
        setup = sheet.page_setup
        assert (setup.orientation, int(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == (
            "landscape", int(sheet.PAPERSIZE_A4), 1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        # every printed page of a long sheet says whose table, for when, and its columns
        assert sheet.print_title_rows == f"$1:${HEADER}"
    front = book["汇总"]
    assert int(front.page_setup.paperSize) == int(front.PAPERSIZE_A4)


def test_xlsx_ledger_sheet_is_the_docx_ledger(book, docx, october, scope):
    header = ["序号", "日期", "社区（责任区）", "活动（类别）", "地点", "服务对象", "活动内容",
              "参与人员", "人次", "服务时长（小时）", "完成数量", "受益", "组长", "审核人", "来源"]
    sheet = book["本月活动台账"]
    # a header wider than its column breaks before its bracket
    assert [h.replace("\n", "") for h in sheet_rows(sheet)[HEADER - 1]] == header
    assert "服务时长\n（小时）" in sheet_rows(sheet)[HEADER - 1]
    widths = {col: sheet.column_dimensions[col].width for col in "ABDGIJ"}
    # 活动内容 the widest column (it wraps) but for 活动（类别）, which keeps its lines of
    # up to eight Chinese whole; numbers narrow
    assert widths["G"] == max(d.width for c, d in sheet.column_dimensions.items() if c != "D")
    assert widths["D"] >= 16 + CELL_PADDING
    assert max(widths["A"], widths["I"], widths["J"]) <= 12
    rows = sheet_rows(sheet, first=HEADER + 1)
    # numbered as the .docx's 附表1: 「附表1第5行」 is the same activity in both
    word = docx_table(docx, "本月活动台账")[1:]
    assert [(r[0], r[3]) for r in rows] == [(int(w[0]), w[3]) for w in word]
    total = figures(scope).official
    assert len(rows) == total.activities
    assert sum(r[8] for r in rows) == total.person_times
    assert sum(r[9] for r in rows) == sum(Decimal(hours(r.minutes)) for r in
                                          ledger_rows(scope))
    assert {type(r[1]) for r in rows} == {datetime}  # real dates, not text
    for c in figures_by_category(scope, include_empty=False):
        # 活动（类别）: the title, then the category on a line of its own
        mine = [r for r in rows if r[3].split("\n")[1] == c.name]
        assert len(mine) == c.official.activities
        if c.quantity_unit:
            assert sum(r[10] for r in mine) == c.official.quantity
        else:
            assert {r[10] for r in mine} <= {None, ""}  # no 完成数量 in this category
        if c.beneficiary_unit:
            assert sum(r[11] for r in mine) == c.official.people_served
    first = next(r for r in rows if r[3].startswith("电商培训一\n"))
    assert first[1:8] == [datetime(2022, 10, 8), "解放路社区", "电商培训一\n电子商务培训",
                          "解放路社区党群服务中心", "社区居民", "讲解网店开设和直播带货。",
                          "张伟、王芳、李娜"]
    assert first[11:] == [35, "张伟", "钱联络", "组长提交"]  # reported by its leader, nobody checked in
    ledger = book["本月活动台账"]
    at = HEADER + 1 + next(i for i, r in enumerate(rows) if r is first)
    training = ledger.cell(row=at, column=12)
    assert training.number_format == '0"人次"'  # a number, shown with its unit
    assert ledger.cell(row=at, column=10).number_format == "0.0"
    assert ledger.cell(row=at, column=4).alignment.wrap_text  # the category on its line


def test_xlsx_other_sheets_are_rollup_figures(book, october, scope):
    categories = {r[0]: r for r in sheet_rows(book["分类统计"], first=HEADER + 1)}
    for c in figures_by_category(scope, include_empty=False):
        o = c.official
        assert categories[c.name][1:7] == [
            o.activities, o.quantity if c.quantity_unit else "—",
            o.people_served if c.beneficiary_unit else "—", o.person_times, o.members,
            Decimal(hours(o.minutes))]
    coverage = unit_coverage(october.unit.id, *OCT)
    on_roll, took_part, rate, idle = sheet_rows(book["参与情况"], first=HEADER + 1)[0]
    assert (on_roll, took_part, idle) == (coverage.on_roll, coverage.took_part, len(coverage.not_yet))
    assert f"{rate:.1%}" == coverage.rate_text
    funds = fund_figures(scope, 2022)
    ledger, total = sheet_rows(book["共建活动经费"], first=HEADER + 1)
    assert ledger[0] == "解放路社区" and total[0] == "合计" and ledger[1:] == total[1:]
    spent, ytd, budget, used, remaining, unbudgeted = total[1:]
    assert (spent * 100, ytd * 100, budget * 100) == (funds.spent_fen, funds.year_to_date_fen,
                                                     funds.budget_fen)
    assert remaining * 100 == funds.remaining_fen
    assert unbudgeted * 100 == funds.unbudgeted_fen == 0
    assert book["共建活动经费"][f"B{HEADER + 1}"].number_format == "#,##0.00"
    assert book["共建活动经费"][f"E{HEADER + 1}"].number_format == "0.0%"


# --- CSV ----------------------------------------------------------------------------------

def test_csv_utf8_bom_and_same_content(summary):
    data = render_csv(summary)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [summary.title]
    head = 1 + len(summary.subtitle)
    assert [r[0] for r in rows[1:head]] == summary.subtitle
    text = [r[0] for r in rows[head:head + len(summary.paragraphs) + 3]]
    assert text == [*lines(summary), summary.signer, summary.signed_on, summary.appendix]
    ledger_at = rows.index(["本月活动台账"])
    assert rows[ledger_at + 1][:3] == ["序号", "日期", "社区（责任区）"]
    assert rows[ledger_at + 2][:4] == ["1", "10月8日", "解放路社区", "电商培训一"]
    funds_at = rows.index(["共建活动经费"])
    assert rows[funds_at + 2:funds_at + 4] == [
        ["解放路社区", "2,800.00", "8,400.00", "10,000.00", "84.0%", "1,600.00", "0.00"],
        ["合计", "2,800.00", "8,400.00", "10,000.00", "84.0%", "1,600.00", "0.00"]]


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
    assert row[5] == "'+cmd|' /C calc'!A0"
    assert row[6] == "'@SUM(1+1)"
    assert row[7] == "'\t=1+1"
    assert row[8] == "'-2+3"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r)

    book = load_workbook(io.BytesIO(render_xlsx(summary)))
    sheet = book["本月活动台账"]
    cells = [c for row in sheet.iter_rows(min_row=HEADER + 1) for c in row
             if str(c.value).startswith(evil_title)]  # 活动（类别）: over its category
    assert cells and all(c.data_type == "s" for c in cells)  # text, not a formula
    assert all(c.data_type != "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)


def test_every_tables_title_keeps_one_line_within_the_page(october, summary):
    """Review docread40, #4: a narrow 附表 (参与情况, 未参与名单, 需求清单和微心愿: two or
    three columns) wrapped its title inside its own few columns, broken inside a word
    on paper (「附表5 未参／与名单」). Measured as the exports measure a cell
    (``layout.wrap`` at the width of the title's merged cells, its 14 pt counted
    against the 11 pt a width is in): every 附表's title keeps one line, and a narrow
    table's columns, widened for it, still fit the page at the print scale — month
    and year alike."""
    from openpyxl.utils import get_column_letter

    from tracker.reports.annual import build_annual
    from tracker.reports.layout import wrap
    from tracker.reports.xlsx_export import PRINT_SCALE, WRAP_SAFETY, page_room

    narrow = set()
    for document in (summary, build_annual(2022, unit=october.unit)):
        book = load_workbook(io.BytesIO(render_xlsx(document)))
        for sheet in book.worksheets[1:]:  # the 附表, after the text's own sheet
            title = sheet.cell(row=1, column=1).value
            assert "附表" in title, sheet.title
            (merged,) = [r for r in sheet.merged_cells.ranges if r.min_row == 1]
            columns = merged.max_col
            width = sum(sheet.column_dimensions[get_column_letter(c)].width or 8.43
                        for c in range(1, columns + 1))
            assert wrap(title, width * WRAP_SAFETY * 11 / 14) == [title], (sheet.title, width)
            if columns <= 3:  # widened for its title: still within the page
                assert width <= page_room(columns, "landscape", PRINT_SCALE), sheet.title
                narrow.add(sheet.title)
    assert {"未参与名单", "全年未参与名单"} <= narrow, narrow  # narrow tables among them
