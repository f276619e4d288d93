"""The .docx's tables are written as XML (``docx_export.add_table``), not cell by
cell through python-docx. Here each kind of table is also built through python-docx's
own API — ``add_table``, ``table.style``, ``alignment``, ``autofit``, ``paragraph.style``,
``add_run``, ``bold``, ``column.width``/``cell.width`` and ``merge``, as the export
did before — and the two ``w:tbl`` elements must be the same XML, byte for byte; then
the table is read back through python-docx as a reader's office suite would see it."""
from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from flask_babel import force_locale
from lxml import etree

from tracker.reports import docx_export
from tracker.reports.docx_export import (
    CELL_MARGIN,
    LEDGER_STYLE,
    LEDGER_TABLE,
    SMALL_TABLE_STYLE,
    TABLE_STYLE,
    WIDE_TABLE,
    add_table,
    column_widths,
)
from tracker.reports.layout import break_header
from tracker.reports.tables import Lines, ledger_table
from tracker.reports.tables import DOCUMENT_LOCALE, Count, Hours, Rate, Table, Yuan, cell_text

ODD_TEXTS = ["制表\t符", "两行\n文字", "回车\r换行\r\n", " 前有空格", "后有空格 ", "   ",
             "A&B <c> \"d\"", "", None, "\t", "中文、English 与 123"]  # eleven text columns


def by_the_api(document, table: Table, text_width: int = docx_export.LANDSCAPE_TEXT_WIDTH):
    """The table as python-docx's API makes it (the export's former code)."""
    columns = len(table.headers)
    style = document.styles[LEDGER_STYLE if columns >= LEDGER_TABLE else
                            SMALL_TABLE_STYLE if columns >= WIDE_TABLE else TABLE_STYLE]
    grid = document.add_table(rows=1 + max(1, len(table.rows)), cols=columns)
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(int(CELL_MARGIN.twips)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    grid._tbl.tblPr.insert_element_before(margins, "w:tblLook")  # the schema's order
    char_width = int(style.font.size.emu * docx_export.LATIN_EM)
    widths = column_widths(table, text_width, char_width)
    for cell, text, width in zip(grid.rows[0].cells, table.headers, widths):
        paragraph = cell.paragraphs[0]
        paragraph.style = style
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(break_header(text, (width - 2 * CELL_MARGIN) / char_width)).bold = True
    for row in grid.rows:  # no row split across pages
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    grid.rows[0]._tr.get_or_add_trPr().append(header)
    for index, (row, values) in enumerate(zip(grid.rows[1:], table.rows), 1):
        total = table.total_row and index == len(table.rows)
        for cell, value, is_number in zip(row.cells, values, table.numeric):
            paragraph = cell.paragraphs[0]
            paragraph.style = style
            if is_number:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(cell_text(value))
            if total:
                run.bold = True
    for column, width in zip(grid.columns, widths):
        column.width = width
        for cell in column.cells:
            cell.width = width
    for row in grid.rows[1:len(table.rows) + 1]:  # numbers and dates never wrap
        for cell, keep in zip(row.cells, table.unbroken):
            if keep:
                cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))
    if not table.rows:
        merged = grid.cell(1, 0).merge(grid.cell(1, columns - 1))
        merged.paragraphs[0].style = style
        merged.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        merged.paragraphs[0].add_run("（无）")
    return grid._tbl


def tables() -> list[Table]:
    ledger = Table("ledger", "台账", [f"列{i}" for i in range(16)])
    for number in range(1, 4):
        ledger.rows.append([number, date(2022, 10, number), *ODD_TEXTS,
                            Hours(90 * number), Count(number, "处"), ""])
    ledger.rows.append([4, date(2022, 10, 4), *["x"] * 11, Hours(0), Count(0, None), "末"])
    totals = Table("categories", "分类统计", ["类别", "活动", "完成数量", "受益", "人次", "参与人数",
                                          "服务时长（小时）"], widths=[30, 8, 10, 20, 8, 8, 10],
                   total_row=True)
    totals.rows += [["宣讲", Count(3, "场"), "—", Count(35, "人次"), 12, 7, Hours(750)],
                    ["合计", Count(3, "次"), "—", "35人次、4户", 12, 7, Hours(750)]]
    wide = Table("wide", "十一列", [f"第{i}列" for i in range(11)])
    wide.rows.append([Yuan(123456), Rate(1, 3), Rate(0, 0), *range(8)])
    wide.rows.append(["&", "<", ">", "\"", "'", "", " ", "\n", "\t", "a b", "长" * 60])
    empty = Table("needs", "需求清单和微心愿", ["本月发布（条）", "本月完成（条）", "其中微心愿（个）"])
    empty_ledger = Table("ledger", "台账", [f"列{i}" for i in range(16)])
    one_column = Table("one", "一列", ["名单"], rows=[["甲"], ["乙"]])
    return [ledger, totals, wide, empty, empty_ledger, one_column]


def fresh_document():
    document = Document()
    docx_export._styles(document)
    return document


@pytest.mark.parametrize("index", range(len(tables())))
def test_a_table_is_the_xml_python_docx_would_have_written(app, index):
    table = tables()[index]
    with app.app_context(), force_locale(DOCUMENT_LOCALE):
        written, expected = fresh_document(), fresh_document()
        add_table(written, table)
        reference = by_the_api(expected, table)
    assert etree.tostring(written.tables[-1]._tbl) == etree.tostring(reference)


def test_a_table_read_back_as_a_reader_sees_it(app):
    ledger, totals, wide, empty, *_ = tables()
    with app.app_context(), force_locale(DOCUMENT_LOCALE):
        document = fresh_document()
        for table in (ledger, totals, wide, empty):
            add_table(document, table)
        buffer = io.BytesIO()
        document.save(buffer)
    read = Document(io.BytesIO(buffer.getvalue()))
    for table, grid in zip((ledger, totals, wide, empty), read.tables):
        assert grid.style.name == "Table Grid"
        header, *body = grid.rows
        assert header._tr.trPr.find(qn("w:tblHeader")).get(qn("w:val")) == "true"
        # a header is its words; one wider than its column breaks before its bracket
        assert [cell.text.replace("\n", "") for cell in header.cells] == table.headers
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in grid.rows)
        assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)
        assert {cell.paragraphs[0].alignment for cell in header.cells} == {
            WD_ALIGN_PARAGRAPH.CENTER}
        if not table.rows:
            assert [[cell.text for cell in row.cells] for row in body] == [["（无）"] * 3]
            continue
        # python-docx reads a w:br back as "\n", a w:tab as "\t"
        assert [[cell.text for cell in row.cells] for row in body] == [
            [cell_text(value).replace("\r\n", "\n\n").replace("\r", "\n") for value in row]
            for row in table.rows]
        for number, row in enumerate(body, 1):
            bold = table.total_row and number == len(body)
            for cell, is_number in zip(row.cells, table.numeric):
                paragraph = cell.paragraphs[0]
                assert paragraph.style.name.startswith("报表正文")
                assert paragraph.alignment == (WD_ALIGN_PARAGRAPH.RIGHT if is_number else None)
                assert all(bool(run.bold) == bold for run in paragraph.runs)
        widths = [column.width for column in grid.columns]
        assert all([cell.width for cell in row.cells] == widths for row in grid.rows)


def test_a_character_xml_cannot_hold_is_left_out_where_python_docx_refuses_it(app):
    """python-docx refuses the whole document for one control character; the export
    writes the cell without it (a vertical tab, Word's pasted line break, is a break)."""
    table = Table("t", "t", ["a", "b"], rows=[["ok", "bell\x07"], ["第一行\x0b第二行", "\x00"]],
                  widths=[4, 4])  # the same widths as below: the narrowest
    clean = Table("t", "t", ["a", "b"], rows=[["ok", "bell"], ["第一行\n第二行", ""]], widths=[4, 4])
    with app.app_context(), force_locale(DOCUMENT_LOCALE):
        with pytest.raises(ValueError):
            by_the_api(fresh_document(), table)
        written = fresh_document()
        add_table(written, table)
        reference = by_the_api(fresh_document(), clean)
    assert etree.tostring(written.tables[-1]._tbl) == etree.tostring(reference)


def test_the_ledger_keeps_its_rows_whole_and_breaks_a_header_before_its_bracket(app):
    """A row split across pages puts half an activity on the next page; 「服务时长（小时）」
    in a narrow column used to break as 「服务时长（小」 over 「时）」."""
    with app.app_context(), force_locale(DOCUMENT_LOCALE):
        ledger = ledger_table([], "本月活动台账")
        ledger.rows.append([1, date(2022, 10, 8), "解放路社区", Lines(("宣讲", "政策宣讲")),
                            "活动室", "居民", "讲解政策。" * 30, "张伟、王芳", 2, Hours(120), "", "",
                            "张伟", "社区联络员林芳", "组长提交"])
        document = fresh_document()
        add_table(document, ledger)
    grid = document.tables[-1]
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in grid.rows)
    headers = [cell.text for cell in grid.rows[0].cells]
    assert "服务时长\n（小时）" in headers
    assert not any(line.startswith(("）", "时）")) for text in headers for line in text.split("\n"))
