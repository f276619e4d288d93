"""The monthly summary as CSV: UTF-8 with a BOM (so Excel reads the Chinese), the
text first (title block, paragraphs, 落款, the list of tables), then each table
under its title.

Text typed by people (activity titles, notes, names) may begin with = + - @ or a
tab/CR, which a spreadsheet would run as a formula: such cells get a leading
apostrophe. Numbers we format ourselves are written as they are. Text stored with
control characters (pasted from Word before the forms removed them) is written as the
forms now store it (``fields.clean_text``): a vertical tab is a line break.
"""
from __future__ import annotations

import csv
import io

from ..fields import clean_text
from .tables import Table, cell_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` cleaned of control characters, with an apostrophe before a formula."""
    text = clean_text(text)
    return "'" + text if text.startswith(FORMULA_START) else text


def _cell(value) -> str:
    return neutralise(value) if isinstance(value, str) else cell_text(value)


def write_table(writer, table: Table) -> None:
    """``table`` under its title, a column of ``Lines`` as the columns of its parts (the
    ledger's 活动 and 类别: ``Table.apart``)."""
    table = table.apart()
    writer.writerow([neutralise(table.title)])
    writer.writerow([neutralise(header) for header in table.headers])
    for row in table.rows:
        writer.writerow([_cell(v) for v in row])


def render_csv(summary) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(summary.title)])
    for line in summary.subtitle:
        writer.writerow([neutralise(line)])
    for paragraph in summary.paragraphs:
        writer.writerow([neutralise(paragraph.heading + paragraph.text)])
    writer.writerow([neutralise(summary.signer)])
    writer.writerow([neutralise(summary.signed_on)])
    if summary.appendix:
        writer.writerow([neutralise(summary.appendix)])
    for table in summary.tables():
        writer.writerow([])
        write_table(writer, table)
    return buffer.getvalue().encode("utf-8-sig")
