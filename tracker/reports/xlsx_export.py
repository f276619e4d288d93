"""A document handed up (``document.Document``: the 月报, the 年度总结) as an Excel
台账: a summary sheet with the same text (and the
落款), then one sheet per 附表 of the .docx, in its order and numbered as it is (the
caption 「附表1　本月活动台账」 in the title row, the ledger's 序号 the same as in the
Word copy) — each sheet with a title row and a unit/period row above its header, set
up to print (A4 landscape, header rows repeated), the header frozen. The participation
rows with members' phone numbers, which bulk 补录 reads back, are a download of their
own (``render_participations_xlsx``): the 月报 workbook is handed up.

Printed, a sheet must stay readable: its columns are fitted into the page's width at a
legible scale (``PRINT_SCALE``; the widest text columns narrower first, wrapping more:
``layout.share_columns``), and each row is given the height of its tallest wrapped
cell — a spreadsheet keeps a row's height as written, and wrapped text taller than its
row prints over the rows below.
The summary sheet's text is broken into lines here, as Chinese is set (避头尾,
``layout.wrap``), each paragraph indented by two characters as in the .docx.

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

from ..i18n import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from ..fields import clean_text, put_text
from ..services.ledger_import import SHEET as PARTICIPATION_SHEET
from .figures import participation_rows
from .document import Document
from .layout import MIN_TEXT, break_header, fit_columns, share_columns, wrap
from .tables import (DOCUMENT_LOCALE, TYPED, Table, cell_text, display_width,
                     participation_table)

THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="EEEEEE")
INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})
HEADER_ROW = 3  # under the title row and the unit/period row
# printed at the top of every page of a long table: a second page says whose table,
# for which period, and what each column is, as the first does
TITLE_ROWS = f"1:{HEADER_ROW}"
SUMMARY_WIDTH = 80  # characters of the summary sheet's one column: an A4 page's width
INDENT = "\u3000\u3000"  # a paragraph's first line, as in the .docx (two characters)
# Heights and widths as a spreadsheet measures them, in the default font (11 pt):
# a column's width is in digits (7 px at 96 dpi, plus 5 px of the column's own).
LINE = 15.0  # points a line of 11 pt text takes (a Chinese fallback font's included)
SUMMARY_LINE = 14.0  # the summary sheet's lines are exact (broken here): less to spare
ROW_PADDING = 4.0  # points above and below a cell's lines
WRAP_SAFETY = 0.9  # wrap estimates as if a column were this much narrower: a reader's
#                     font may be wider than the one the widths were measured in
CELL_PADDING = 2  # characters a column is wider than its text
DIGIT_PX, COLUMN_PX = 7, 5
MARGIN_INCHES = 0.4
PRINTABLE_PX = {  # A4's printable width at 96 dpi, between the margins
    "landscape": (297 / 25.4 - 2 * MARGIN_INCHES) * 96,
    "portrait": (210 / 25.4 - 2 * MARGIN_INCHES) * 96,
}
PRINT_SCALE = 0.8  # the ledger prints at 80 % (11 pt text as about 9 pt), no smaller


def put(cell, value) -> None:
    """Write one table cell: numbers as numbers (with their format), text as text."""
    if isinstance(value, TYPED):
        number = value.number
        if number is None:  # a rate of nothing: shown as the page shows it
            put_text(cell, value)
        else:
            cell.value = number
            cell.number_format = value.number_format
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, int) and not isinstance(value, bool):
        cell.value = value
    else:
        put_text(cell, value)  # never a formula, without the characters a cell refuses


def print_setup(sheet, header_rows: str | None = None) -> None:
    """A4 landscape, one page wide (as many long as it takes), ``header_rows`` repeated.
    The columns were fitted to that width at ``PRINT_SCALE`` (``write_table``), so
    fitting the page shrinks a sheet to about that scale at most."""
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
    """Row 1 the title, row 2 who and when, each across the table's columns (wrapped,
    and as tall as they wrap, when the table is narrower than they are)."""
    for row, text, size in ((1, title, 14), (2, subtitle, 11)):
        cell = sheet.cell(row=row, column=1)
        put(cell, text)
        cell.font = Font(bold=row == 1, size=size)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if columns > 1:
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    sheet.row_dimensions[1].height = 24


def fit_heading(sheet, columns: int, orientation: str = "landscape") -> None:
    """Rows 1 and 2 across room enough for their text, and as tall as it wraps there.

    A narrow table (参与情况, 未参与名单, 需求清单和微心愿: two or three columns) would
    wrap its title inside its own few columns and break it inside a word
    (「附表5 未参／与名单」: review docread40 #4): its columns are widened alike, as
    much as it takes for the title to keep one line (and the subtitle as few as the
    page allows), never wider than the page holds at ``PRINT_SCALE`` — so the sheet
    still prints one page wide, at the same scale. Wider columns only wrap their cells
    less: the rows ``write_table`` made tall enough stay so."""
    letters = [get_column_letter(c) for c in range(1, columns + 1)]
    widths = [sheet.column_dimensions[letter].width or 8.43 for letter in letters]
    texts = [(str(sheet.cell(row=row, column=1).value or ""), size)
             for row, size in ((1, 14), (2, 11))]
    # the width (characters at 11 pt) each line needs, as ``wrap`` measures it
    wanted = min(max(display_width(line) * size / 11 / WRAP_SAFETY + CELL_PADDING
                     for text, size in texts for line in text.split("\n")),
                 page_room(columns, orientation))
    if sum(widths) < wanted:
        extra = (wanted - sum(widths)) / columns
        widths = [round(width + extra, 2) for width in widths]
        for letter, width in zip(letters, widths):
            sheet.column_dimensions[letter].width = width
    width = sum(widths)
    for row, (text, size) in zip((1, 2), texts):
        lines = len(wrap(text, width * WRAP_SAFETY * 11 / size))
        sheet.row_dimensions[row].height = max(24 if row == 1 else LINE,
                                               lines * LINE * size / 11 + ROW_PADDING)


def page_room(columns: int, orientation: str = "landscape", scale: float = PRINT_SCALE) -> float:
    """Characters of text ``columns`` columns may hold together, printed across the
    page at ``scale`` (each column's padding left out)."""
    pixels = PRINTABLE_PX[orientation] / scale - COLUMN_PX * columns
    return pixels / DIGIT_PX - CELL_PADDING * columns


def lines_in(text: str, width: float) -> int:
    """Lines ``text`` takes in a column ``width`` characters wide (estimated wide)."""
    return len(wrap(text, max(2.0, width * WRAP_SAFETY)))


def write_table(sheet, table: Table, first_row: int = HEADER_ROW, *, freeze: bool = True,
                break_headers: bool = True) -> int:
    """The table with a bold, bordered header at ``first_row``; returns the next free row.

    The columns are as wide as their content, narrowed (text columns only) to fit an A4
    landscape page at ``PRINT_SCALE``; each row as tall as its tallest wrapped cell, the
    header at least two lines, a header wider than its column broken before its bracket
    (not with ``break_headers=False``: a sheet read back by its headers).

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

    # the widest column wraps first (a busy sheet, every column full: all in proportion)
    fitted, room = table.fitted_widths(), page_room(len(table.headers))
    # an eight-character 活动 or 类别 of 活动（类别） keeps its line (``Table.kept_widths``)
    floors = [max(MIN_TEXT, header, kept)
              for header, kept in zip(table.header_widths(), table.kept_widths())]
    widths = (share_columns(fitted, table.unbroken, room, floors)
              or fit_columns(fitted, table.unbroken, room, floors))
    headers = [break_header(h, w) if break_headers else h for h, w in zip(table.headers, widths)]
    for col, header in enumerate(headers, 1):
        cell = sheet.cell(row=first_row, column=col)
        put(cell, header)
        styled(cell, ("header",), header_style)
    sheet.row_dimensions[first_row].height = max(
        2, *(lines_in(h, w) for h, w in zip(headers, widths))) * LINE + ROW_PADDING
    numeric, unbroken = table.numeric, table.unbroken
    for r, values in enumerate(table.rows, first_row + 1):
        total = table.total_row and r == first_row + len(table.rows)
        lines = 1
        for col, (value, is_number, keep, width) in enumerate(
                zip(values, numeric, unbroken, widths), 1):
            cell = sheet.cell(row=r, column=col)
            put(cell, value)
            styled(cell, ("body", is_number, total), body_style(is_number, total))
            if not keep:
                lines = max(lines, lines_in(cell_text(value), width))
        # a spreadsheet keeps the height as written: wrapped text taller than its row
        # would print over the rows below
        sheet.row_dimensions[r].height = lines * LINE + ROW_PADDING
    for col, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(col)].width = round(width + CELL_PADDING, 1)
    if freeze:
        sheet.freeze_panes = sheet.cell(row=first_row + 1, column=1)
        if table.rows:
            last = get_column_letter(len(table.headers))
            sheet.auto_filter.ref = f"A{first_row}:{last}{first_row + len(table.rows)}"
    return first_row + len(table.rows) + 1


def sheet_title(text: str) -> str:
    return str(text).translate(INVALID_SHEET_CHARS)[:31]


def render_xlsx(summary: Document) -> bytes:
    with force_locale(DOCUMENT_LOCALE):
        book = _workbook(summary)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _table_sheet(book, summary, table: Table, name: str, caption: str, *,
                 break_headers: bool = True) -> None:
    sheet = book.create_sheet(sheet_title(name))
    write_heading(sheet, f"{summary.title}　{caption}", _sheet_subtitle(summary),
                  len(table.headers))
    write_table(sheet, table, break_headers=break_headers)
    fit_heading(sheet, len(table.headers))
    print_setup(sheet, TITLE_ROWS)


def _sheet_subtitle(summary) -> str:
    """The line under each 附表 sheet's title: whose document it is — a community's
    says 「社区：」, for a community is no 共建单位 and its 附表 list the units in a 「单位」
    column (doc44 #2) — and the period."""
    scope = summary.summary_scope
    if scope is not None and scope.unit_id is None:
        who = _("社区：%(name)s", name=summary.signer)
    else:
        who = _("单位：%(who)s", who=summary.signer)
    return "　".join([who, *summary.subtitle])


def summary_lines(text: str, size: float = 11, *, indent: bool = False) -> list[str]:
    """A paragraph of the summary sheet in its lines (避头尾), the first indented by
    two characters when ``indent``. A little narrower than the column: the reader's
    font may be wider, and a line the spreadsheet wrapped again would break badly."""
    return wrap((INDENT if indent else "") + text, SUMMARY_WIDTH * WRAP_SAFETY * 11 / size)


def _summary_sheet(front, summary) -> None:
    front.title = _("汇总")
    front.column_dimensions["A"].width = SUMMARY_WIDTH
    row = 1

    def line(text, *, size=11, bold=False, align=None, indent=False, gap=8):
        """One paragraph: broken into lines here (the spreadsheet would not keep a
        closing mark off a line's start), the row as tall as its lines, the same gap
        under every paragraph."""
        nonlocal row
        cell = front.cell(row=row, column=1)
        lines = summary_lines(text, size, indent=indent) if text else [""]
        put(cell, "\n".join(lines))
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=align)
        if size != 11 or bold:
            cell.font = Font(bold=bold, size=size)
        front.row_dimensions[row].height = len(lines) * SUMMARY_LINE * size / 11 + gap
        row += 1

    line(summary.title, size=16, bold=True, align="center", gap=12)
    for text in summary.subtitle:
        line(text, align="center", gap=2)
    line("", gap=0)
    for paragraph in summary.paragraphs:
        line(paragraph.heading + paragraph.text, indent=True)
    line("", gap=0)
    line(summary.signer, align="right", gap=2)
    line(summary.signed_on, align="right")
    if summary.appendix:
        line("", gap=0)
        line(summary.appendix)
    print_setup(front)
    front.page_setup.orientation = "portrait"


def _workbook(summary) -> Workbook:
    """The summary sheet, then the 附表 in the .docx's order and numbering — nothing
    else: this is the workbook handed up (no phone numbers)."""
    book = Workbook()
    _summary_sheet(book.active, summary)
    for caption, table in summary.captioned_tables():
        _table_sheet(book, summary, table, table.title, caption)
    book.properties.title = clean_text(summary.title)
    return book


def render_participations_xlsx(summary) -> bytes:
    """The month's ledger one row per participation, with the phone numbers that name
    each member, in the columns bulk 补录 reads back (its 「参与明细」 sheet): a liaison's
    or an admin's working file, not part of the 月报."""
    with force_locale(DOCUMENT_LOCALE):
        book = Workbook()
        book.remove(book.active)
        details = participation_table(summary.ledger, participation_rows(summary.scope),
                                      _("本月参与明细"))
        _table_sheet(book, summary, details, PARTICIPATION_SHEET, details.title,
                     break_headers=False)
        book.properties.title = clean_text(f"{summary.title}　{details.title}")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


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
                        unit=record.units(), branch=member.branch or "—",
                        n=record.activities, h=hours(record.minutes)),
                      len(table.headers))
        after = write_table(sheet, table)
        if record.withheld:
            put(sheet.cell(row=after + 1, column=1), record.withheld_note())
        fit_heading(sheet, len(table.headers))
        print_setup(sheet, TITLE_ROWS)
        book.properties.title = str(sheet.cell(row=1, column=1).value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
