"""The monthly summary as an Excel 台账: a summary sheet with the same text, one
sheet per section with one row per approved activity, and the other tables.

Numbers are written as numbers (money and hours as exact Decimals with a number
format), so the sheet adds up in Excel. Text typed by people is always stored
as text: openpyxl would otherwise store a string starting with "=" as a formula.
"""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..models import Section
from .tables import DOCUMENT_LOCALE, Hours, Rate, Table, Yuan, ledger_table

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


def put(cell, value) -> None:
    """Write one table cell: numbers as numbers, text always as text."""
    if isinstance(value, Hours):
        cell.value = Decimal(str(value))
    elif isinstance(value, Yuan):
        cell.value = value.number
        cell.number_format = "#,##0.00"
    elif isinstance(value, Rate):
        if value.number is None:
            cell.value = str(value)
        else:
            cell.value = value.number
            cell.number_format = "0.0%"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, int):
        cell.value = value
    else:
        cell.value = "" if value is None else str(value)
        cell.data_type = "s"  # never a formula


def write_table(sheet, table: Table, first_row: int = 1, *, freeze: bool = True) -> int:
    """The table with a bold, bordered header at ``first_row``; returns the next free row."""
    for col, header in enumerate(table.headers, 1):
        cell = sheet.cell(row=first_row, column=col)
        put(cell, header)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, values in enumerate(table.rows, first_row + 1):
        for col, value in enumerate(values, 1):
            cell = sheet.cell(row=r, column=col)
            put(cell, value)
            cell.border = BORDER
            cell.alignment = WRAP
        if table.total_row and r == first_row + len(table.rows):
            for col in range(1, len(values) + 1):
                sheet.cell(row=r, column=col).font = Font(bold=True)
    for col, width in enumerate(table.widths, 1):
        letter = get_column_letter(col)
        current = sheet.column_dimensions[letter].width or 0
        sheet.column_dimensions[letter].width = max(current, width + 2)
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


def _workbook(summary) -> Workbook:
    book = Workbook()
    front = book.active
    front.title = _("汇总")
    front.column_dimensions["A"].width = 110
    title = front.cell(row=1, column=1)
    put(title, summary.title)
    title.font = Font(bold=True, size=16)
    for row, paragraph in enumerate(summary.paragraphs, 2):
        cell = front.cell(row=row, column=1)
        put(cell, paragraph.heading + paragraph.text)
        cell.alignment = WRAP
        front.row_dimensions[row].height = 18 * max(1, -(-len(cell.value) // 52))

    for section, name in SECTION_SHEETS.items():
        sheet = book.create_sheet(sheet_title(name))
        write_table(sheet, ledger_table(summary.ledger_of(section), str(name)))
    for table in summary.tables():
        if table.key == "ledger":
            continue  # split into the section sheets above
        write_table(book.create_sheet(sheet_title(table.title)), table)
    book.properties.title = summary.title
    return book


def render_record_xlsx(record) -> bytes:
    """A member's 服务记录 of a year: who, the year's totals, one row per activity."""
    from ..templating import hours

    with force_locale(DOCUMENT_LOCALE):
        book = Workbook()
        sheet = book.active
        sheet.title = _("服务记录")
        member = record.member
        title = sheet.cell(row=1, column=1)
        put(title, _("%(name)s %(year)s年志愿服务记录", name=member.name, year=record.year))
        title.font = Font(bold=True, size=14)
        put(sheet.cell(row=2, column=1), _("单位：%(unit)s　党支部：%(branch)s",
                                           unit=member.unit.name, branch=member.branch or "—"))
        put(sheet.cell(row=3, column=1), _("全年参加活动%(n)s次，服务时长%(h)s小时",
                                           n=record.activities, h=hours(record.minutes) or "0"))
        write_table(sheet, record.table(), first_row=5)
        book.properties.title = str(title.value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
