"""The monthly summary as an Excel 台账: a summary sheet with the same text (and the
落款), one sheet per section with one row per approved activity, and the other
tables — each sheet with a title row and a unit/period row above its header, set up
to print (A4 landscape, one page wide, header rows repeated), the header frozen.

Numbers are written as numbers with the number format that shows them as the page
does (money "#,##0.00", hours "0.0", rates "0.0%", counts with their unit), so the
sheet adds up in Excel and reads the same as the text. Text typed by people is
always stored as text: openpyxl would otherwise store a string starting with "=" as
a formula; and without the control characters a cell cannot hold (``clean_text``).
"""
from __future__ import annotations

import io
from copy import copy
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from ..fields import clean_text
from ..models import Section
from ..services.ledger_import import SHEET as PARTICIPATION_SHEET
from .figures import participation_rows
from .tables import (
    DOCUMENT_LOCALE,
    TYPED,
    Table,
    display_width,
    ledger_table,
    participation_table,
)

SECTION_SHEETS = {
    Section.pairing: _l("结对共建"),
    Section.volunteer: _l("志愿服务"),
    Section.double: _l("“双创”"),
}
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="EEEEEE")
WRAP = Alignment(wrap_text=True, vertical="top")
INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})
HEADER_ROW = 3  # under the title row and the unit/period row
SUMMARY_WIDTH = 80  # characters of the summary sheet's one column: an A4 page's width


def put(cell, value) -> None:
    """Write one table cell: numbers as numbers (with their format), text as text."""
    if isinstance(value, TYPED):
        number = value.number
        if number is None:  # a rate of nothing: shown as the page shows it
            cell.value = str(value)
            cell.data_type = "s"
        else:
            cell.value = number
            cell.number_format = value.number_format
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, int) and not isinstance(value, bool):
        cell.value = value
    else:
        # openpyxl refuses control characters (text stored before the forms removed them)
        cell.value = "" if value is None else clean_text(str(value))
        cell.data_type = "s"  # never a formula


def print_setup(sheet, header_rows: str | None = None) -> None:
    """A4 landscape, one page wide (as many long as it takes), header rows repeated."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"
    if header_rows:
        sheet.print_title_rows = header_rows


def write_heading(sheet, title: str, subtitle: str, columns: int) -> None:
    """Row 1 the title, row 2 who and when, each across the table's columns."""
    for row, text, font in ((1, title, Font(bold=True, size=14)), (2, subtitle, Font(size=11))):
        cell = sheet.cell(row=row, column=1)
        put(cell, text)
        cell.font = font
        if columns > 1:
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    sheet.row_dimensions[1].height = 24


def write_table(sheet, table: Table, first_row: int = HEADER_ROW, *, freeze: bool = True) -> int:
    """The table with a bold, bordered header at ``first_row``; returns the next free row.

    Cells of one kind (header; body text or number, in the total row or not, in a
    number format) share one style: the first cell of a kind is styled through
    openpyxl's setters, which look each font, border and alignment up in the
    workbook's lists (most of a large sheet's time), and the others copy its style
    indexes — the same workbook as styling every cell."""
    styles: dict[tuple, StyleArray] = {}

    def styled(cell, key: tuple, set_style) -> None:
        key = (*key, cell._style.numFmtId if cell._style else 0)  # put() set the format
        if key in styles:
            cell._style = copy(styles[key])
        else:
            set_style(cell)
            styles[key] = copy(cell._style)

    def header_style(cell):
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def body_style(is_number: bool, total: bool):
        def apply(cell):
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top",
                                       horizontal="right" if is_number else None)
            if total:
                cell.font = Font(bold=True)
        return apply

    for col, header in enumerate(table.headers, 1):
        cell = sheet.cell(row=first_row, column=col)
        put(cell, header)
        styled(cell, ("header",), header_style)
    numeric = table.numeric
    for r, values in enumerate(table.rows, first_row + 1):
        total = table.total_row and r == first_row + len(table.rows)
        for col, (value, is_number) in enumerate(zip(values, numeric), 1):
            cell = sheet.cell(row=r, column=col)
            put(cell, value)
            styled(cell, ("body", is_number, total), body_style(is_number, total))
    for col, width in enumerate(table.fitted_widths(), 1):
        sheet.column_dimensions[get_column_letter(col)].width = width + 2
    if freeze:
        sheet.freeze_panes = sheet.cell(row=first_row + 1, column=1)
        if table.rows:
            last = get_column_letter(len(table.headers))
            sheet.auto_filter.ref = f"A{first_row}:{last}{first_row + len(table.rows)}"
    return first_row + len(table.rows) + 1


def sheet_title(text: str) -> str:
    return str(text).translate(INVALID_SHEET_CHARS)[:31]


def render_xlsx(summary) -> bytes:
    with force_locale(DOCUMENT_LOCALE):
        book = _workbook(summary)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _table_sheet(book, summary, table: Table, name: str) -> None:
    sheet = book.create_sheet(sheet_title(name))
    write_heading(sheet, f"{summary.title}　{table.title}", _sheet_subtitle(summary),
                  len(table.headers))
    write_table(sheet, table)
    print_setup(sheet, f"{HEADER_ROW}:{HEADER_ROW}")


def _sheet_subtitle(summary) -> str:
    return "　".join([_("单位：%(who)s", who=summary.signer), *summary.subtitle])


def _summary_sheet(front, summary) -> None:
    front.title = _("汇总")
    front.column_dimensions["A"].width = SUMMARY_WIDTH
    row = 1

    def line(text, *, font=None, align=None, height_chars=None):
        nonlocal row
        cell = front.cell(row=row, column=1)
        put(cell, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=align)
        if font is not None:
            cell.font = font
        # Spreadsheets keep a row's height as written: make room for the wrapped text
        # (a little more than it needs: the reader's font may be wider).
        lines = max(1, -(-display_width(text) // int(SUMMARY_WIDTH * 0.8)))
        front.row_dimensions[row].height = 18 * lines + 4
        row += 1

    line(summary.title, font=Font(bold=True, size=16), align="center")
    for text in summary.subtitle:
        line(text, align="center")
    for paragraph in summary.paragraphs:
        line(paragraph.heading + paragraph.text)
    line("")
    line(summary.signer, align="right")
    line(summary.signed_on, align="right")
    if summary.appendix:
        line("")
        line(summary.appendix)
    print_setup(front)
    front.page_setup.orientation = "portrait"


def _workbook(summary) -> Workbook:
    book = Workbook()
    _summary_sheet(book.active, summary)
    for section, name in SECTION_SHEETS.items():
        table = ledger_table(summary.ledger_of(section), _("本月活动台账（%(s)s）", s=name))
        _table_sheet(book, summary, table, str(name))
    for table in summary.tables():
        if table.key == "ledger":
            continue  # split into the section sheets above
        _table_sheet(book, summary, table, table.title)
    # Last, after the printed tables: the ledger one row per participation, with the
    # phone numbers that name each member (this workbook is a liaison's or an
    # admin's download), so bulk 补录 can read it back.
    details = participation_table(summary.ledger, participation_rows(summary.scope),
                                  _("本月参与明细"))
    _table_sheet(book, summary, details, PARTICIPATION_SHEET)
    book.properties.title = clean_text(summary.title)
    return book


def render_record_xlsx(record) -> bytes:
    """A member's 服务记录 of a year: who, the year's totals, one row per activity."""
    from ..formatting import hours

    with force_locale(DOCUMENT_LOCALE):
        book = Workbook()
        sheet = book.active
        sheet.title = _("服务记录")
        member = record.member
        table = record.table()
        write_heading(sheet, _("%(name)s %(year)s年志愿服务记录", name=member.name, year=record.year),
                      _("单位：%(unit)s　党支部：%(branch)s　全年参加活动%(n)s次，服务时长%(h)s小时",
                        unit=member.unit.name, branch=member.branch or "—",
                        n=record.activities, h=hours(record.minutes)),
                      len(table.headers))
        write_table(sheet, table)
        print_setup(sheet, f"{HEADER_ROW}:{HEADER_ROW}")
        book.properties.title = str(sheet.cell(row=1, column=1).value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
