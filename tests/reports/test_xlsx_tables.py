"""A table sheet's cells share their style by kind (``xlsx_export.write_table`` styles
the first cell of each kind and copies its style to the others): every cell still
has the look of its kind, read back from the saved workbook. A full ledger sheet gives
the room to 活动内容, which wraps, before a medium text column loses its line."""
from __future__ import annotations

import io
from datetime import date

from flask_babel import force_locale
from openpyxl import Workbook, load_workbook

from tracker.reports.tables import (
    DOCUMENT_LOCALE,
    TYPED,
    Count,
    Day,
    Hours,
    Lines,
    Rate,
    Table,
    Yuan,
    ledger_table,
)
from tracker.reports.xlsx_export import CELL_PADDING, HEADER_ROW, write_table


def table() -> Table:
    t = Table("t", "表", ["名称", "日期", "人次", "时长", "金额", "比例", "数量", "备注"],
              total_row=True)
    for n in range(1, 6):
        t.rows.append([f"活动{n}", date(2022, 10, n), n, Hours(30 * n), Yuan(1000 * n),
                       Rate(n, 5), Count(n, "处"), "=1+1" if n == 2 else ""])
    t.rows.append(["合计", "", 15, Hours(450), Yuan(15000), Rate(0, 0), Count(15, "处"), None])
    return t


def expected_format(value) -> str:
    if isinstance(value, date):
        return "yyyy-mm-dd"
    if isinstance(value, TYPED) and value.number is not None:
        return value.number_format
    return "General"


def test_every_cell_has_the_style_of_its_kind():
    source = table()
    book = Workbook()
    write_table(book.active, source)
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active

    for col, header in enumerate(source.headers, 1):
        cell = sheet.cell(row=HEADER_ROW, column=col)
        assert cell.value == header
        assert cell.font.b and cell.fill.fgColor.rgb.endswith("EEEEEE")
        assert cell.alignment.horizontal == "center" and cell.alignment.wrap_text
        assert all(side.style == "thin" for side in (cell.border.left, cell.border.right,
                                                     cell.border.top, cell.border.bottom))
    for r, values in enumerate(source.rows, HEADER_ROW + 1):
        total = r == HEADER_ROW + len(source.rows)
        for col, (value, is_number) in enumerate(zip(values, source.numeric), 1):
            cell = sheet.cell(row=r, column=col)
            assert bool(cell.font.b) == total, (r, col)
            assert cell.fill.fill_type is None
            assert cell.alignment.horizontal == ("right" if is_number else None), (r, col)
            assert cell.alignment.vertical == "top" and cell.alignment.wrap_text
            assert cell.border.left.style == cell.border.bottom.style == "thin"
            assert cell.number_format == expected_format(value), (r, col)
    assert sheet.cell(row=HEADER_ROW + 2, column=8).value == "=1+1"  # text, not a formula
    assert sheet.cell(row=HEADER_ROW + 2, column=8).data_type == "s"
    assert sheet.cell(row=HEADER_ROW + 1, column=5).value == 10  # 1,000 fen


def test_a_full_ledger_sheet_wraps_the_content_before_an_eight_character_title(app):
    """Shrunk in proportion with 活动内容, an eight-character 活动 (16 display columns)
    and the five-character names lost their last characters to a second line; now the
    widest column, 活动内容, gives up the room and wraps (session 37's open D7, the .xlsx
    shares the .docx's rule). 活动（类别）: the title over its category, each on its line."""
    with app.app_context(), force_locale(DOCUMENT_LOCALE):
        ledger = ledger_table([], "本月活动台账")
        for number in (1, 2):
            ledger.rows.append([number, Day.of(date(2026, 11, 20)), "解放路社区",
                                Lines(("招商引资政策宣讲", "困难群众结对帮扶")), "解放路沿街",
                                "困难群众", "走访困难群众，送去米面油。" * 8, "李娜、刘洋", 3,
                                Hours(360), "", "", "李娜", "张伟", "现场签到"])
        book = Workbook()
        write_table(book.active, ledger)
    widths = {column: book.active.column_dimensions[column].width for column in "CDEGH"}
    assert widths["D"] >= 16 + CELL_PADDING  # 困难群众结对帮扶 on one line
    for column in "CEH":  # 解放路社区, 解放路沿街, 李娜、刘洋
        assert widths[column] >= 10 + CELL_PADDING, column
    assert widths["G"] == max(d.width for d in book.active.column_dimensions.values())
    assert widths["G"] < 44 + CELL_PADDING  # 活动内容 gave up the room: it wraps
