"""The printed 台账 keeps 活动 and 类别 readable: one column 「活动（类别）」, the
activity's title with its category on a line of its own in the same cell (walk 9 #2,
ledgerwrap2). With a column each, an A4 landscape page at the ledger's print size had
no room for an eight-character title and an eight-character category to keep their
lines: the demo's November printed 「招商引资政」 over 「策宣讲」 and 「困难群众」 over
「结对帮扶」. The .csv — data, and what a signed month is compared by — keeps 活动 and 类别
apart, as the 参与明细 sheet bulk 补录 reads back does.

``demo_november`` is the demo's November ledger (loaded 5 December 2026) cell for cell;
tests/reports/test_office_pdf.py prints it."""
from __future__ import annotations

import csv
import io
from datetime import date

from docx.oxml.ns import qn
from flask import render_template_string
from flask_babel import force_locale
from openpyxl import Workbook

from tracker.models import Section
from tracker.reports import docx_export
from tracker.reports.csv_export import write_table as write_csv
from tracker.reports.figures import LedgerRow
from tracker.reports.tables import DOCUMENT_LOCALE, cell_text, ledger_table
from tracker.reports.xlsx_export import CELL_PADDING, HEADER_ROW, write_table

PRINTED = ["序号", "日期", "社区（责任区）", "活动（类别）", "地点", "服务对象", "活动内容",
           "参与人员", "人次", "服务时长（小时）", "完成数量", "受益", "组长", "审核人", "来源"]
APART = ["序号", "日期", "社区（责任区）", "活动", "类别", "地点", "服务对象", "活动内容",
         "参与人员", "人次", "服务时长（小时）", "完成数量", "受益", "组长", "审核人", "来源"]

# (day, community, zone, title, category, place, served, content, people, hours×2, quantity)
NOVEMBER = [
    (3, "解放路社区", None, "招商引资政策宣讲", "招商引资政策宣讲", "解放路社区会议室",
     "社区商户、居民", "招商引资政策宣讲顺利完成，服务群众35人次，群众反映良好。",
     "宋佳、陈丽华、冯磊、赵敏、董芳、周建国", 21, (0, None, 35, "人次")),
    (4, "解放路社区", None, "困难群众结对帮扶走访", "困难群众结对帮扶", "解放路社区", "困难群众",
     "困难群众结对帮扶走访顺利完成，服务群众3户，群众反映良好。", "何静、梁斌、赵敏", 8,
     (0, None, 3, "户")),
    (5, "解放路社区", None, "慰问“空巢”老人", "慰问“空巢”老人", "解放路社区", "“空巢”老人",
     "慰问“空巢”老人顺利完成，服务群众1人，群众反映良好。", "赵敏、吴俊", 4, (0, None, 1, "人")),
    (9, "解放路社区", None, "疫情防控值守：小区卡口", "疫情防控", "解放路社区小区卡口", "进出居民",
     "疫情防控值守：小区卡口顺利完成，群众反映良好。", "吴俊、彭丽、曹勇、郑红梅", 9,
     (0, None, 0, None)),
    (12, "解放路社区", None, "慰问“空巢”老人", "慰问“空巢”老人", "解放路社区", "“空巢”老人",
     "慰问“空巢”老人顺利完成，服务群众5人，群众反映良好。", "曹勇、韩雪、唐军、张伟、邓超、罗婷",
     19, (0, None, 5, "人")),
    (13, "解放路社区", None, "困难群众结对帮扶走访", "困难群众结对帮扶", "解放路社区", "困难群众",
     "困难群众结对帮扶走访顺利完成，服务群众1户，群众反映良好。", "郑红梅、冯磊", 4,
     (0, None, 1, "户")),
    (14, "建设路社区", "一区", "清除牛皮癣（一区）", "牛皮癣清除", "建设路社区一区", "社区居民",
     "清除牛皮癣顺利完成，完成39处，群众反映良好。已补充参与人员名单。",
     "陈丽华、梁斌、何静、谢飞、吴俊、蒋涛", 15, (39, "处", 0, None)),
    (16, "建设路社区", "一区", "下水道、人行道及破损道路摸排（一区）",
     "下水道、人行道及破损道路摸排", "建设路社区一区", "社区居民",
     "下水道、人行道及破损道路摸排顺利完成，登记问题5处，已拍照留存。", "董芳、曹勇、罗婷", 16,
     (5, "处", 0, None)),
    (18, "建设路社区", "二区", "清除牛皮癣（二区）", "牛皮癣清除", "建设路社区二区", "社区居民",
     "清除牛皮癣顺利完成，完成53处，群众反映良好。", "陈丽华、邓超、程刚、梁斌、周建国", 17,
     (53, "处", 0, None)),
]


def demo_november() -> list[LedgerRow]:
    """The demo's November 台账 (县商务局, loaded 2026-12-05), as ``figures`` reads it."""
    rows = []
    for number, (day, community, zone, title, category, place, served, content, people,
                 half_hours, (quantity, quantity_unit, people_served, served_unit)
                 ) in enumerate(NOVEMBER, 1):
        names = tuple(people.split("、"))
        rows.append(LedgerRow(
            task_id=number, service_date=date(2026, 11, day), community=community, zone=zone,
            title=title, place=place, category=category, section=Section.pairing,
            beneficiary=served, content=content, participants=names,
            person_times=len(names), minutes=half_hours * 30, quantity=quantity,
            quantity_unit=quantity_unit, people_served=people_served,
            beneficiary_unit=served_unit, leader=names[0], reviewer="社区联络员林芳",
            source="组长提交"))
    return rows


def november_ledger():
    with force_locale(DOCUMENT_LOCALE):
        return ledger_table(demo_november(), "本月活动台账")


def test_the_ledger_shows_the_activity_over_its_category_in_one_column(app):
    with app.app_context():
        ledger = november_ledger()
    assert ledger.headers == PRINTED
    first, second = ledger.rows[0], ledger.rows[1]
    # the title, then the category on a line of its own, in the same cell
    assert cell_text(first[3]).split("\n") == ["招商引资政策宣讲", "招商引资政策宣讲"]
    assert cell_text(second[3]).split("\n") == ["困难群众结对帮扶走访", "困难群众结对帮扶"]
    assert cell_text(second[4]) == "解放路社区"  # 地点 follows
    assert all(len(row) == len(PRINTED) for row in ledger.rows)


def test_the_csv_keeps_the_activity_and_its_category_apart(app):
    with app.app_context():
        ledger = november_ledger()
    out = io.StringIO()
    write_csv(csv.writer(out), ledger)
    title, header, first, *_ = list(csv.reader(io.StringIO(out.getvalue())))
    assert title == ["本月活动台账"] and header == APART
    assert first[3:6] == ["招商引资政策宣讲", "招商引资政策宣讲", "解放路社区会议室"]


def test_the_page_breaks_the_line_between_title_and_category(app):
    with app.test_request_context():
        ledger = november_ledger()
        html = render_template_string('{% from "_macros/ui.html" import data_table %}'
                                      "{{ data_table(table) }}", table=ledger)
    assert ('<td data-label="活动（类别）">困难群众结对帮扶走访<br>困难群众结对帮扶</td>'
            in html)


def test_the_word_cell_holds_the_category_after_a_line_break(app):
    with app.app_context(), force_locale(DOCUMENT_LOCALE):
        ledger = november_ledger()
        document = docx_export.Document()
        docx_export._styles(document)
        docx_export.add_table(document, ledger)
    grid = document.tables[-1]
    assert grid.rows[0].cells[3].text.replace("\n", "") == "活动（类别）"
    cell = grid.rows[2].cells[3]
    assert cell.text == "困难群众结对帮扶走访\n困难群众结对帮扶"
    [run] = cell._tc.xpath(".//w:r")
    assert [child.tag for child in run] == [qn("w:t"), qn("w:br"), qn("w:t")]  # a real break
    # wide enough for eight Chinese on a line, as office software sets them (1 em each)
    assert cell.width >= 8 * 8 * 12700 + 2 * docx_export.CELL_MARGIN


def test_the_excel_cell_holds_the_category_on_its_own_wrapped_line(app):
    with app.app_context(), force_locale(DOCUMENT_LOCALE):
        ledger = november_ledger()
        book = Workbook()
        write_table(book.active, ledger)
    sheet = book.active
    assert sheet.cell(row=HEADER_ROW, column=4).value.replace("\n", "") == "活动（类别）"
    cell = sheet.cell(row=HEADER_ROW + 1, column=4)
    assert cell.value == "招商引资政策宣讲\n招商引资政策宣讲"
    assert cell.alignment.wrap_text
    # 「困难群众结对帮扶」: sixteen display columns on one line
    assert sheet.column_dimensions["D"].width >= 16 + CELL_PADDING
    # the row is as tall as the cell's two lines at least
    assert sheet.row_dimensions[HEADER_ROW + 2].height >= 2 * 15
