"""The 导入党员 template lists the system's units on its 填写说明 sheet. A unit's name is
typed by an admin (新增单位 accepts one beginning with "="): it must reach the sheet as
text, as typed text does in every workbook the app writes, never as a formula Excel
runs (security review, session 49, finding 2: ``=HYPERLINK(...)`` was a live link)."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from tests import factories as f
from tracker.extensions import db
from tracker.services.member_import import template_xlsx

LINK = '=HYPERLINK("http://evil.example/","县财政局")'


def _cells_holding(book, text):
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if cell.value == text]


def test_a_unit_name_beginning_with_equals_is_a_text_cell():
    book = load_workbook(io.BytesIO(template_xlsx(["县商务局", LINK, "+1", "@SUM(A1)"])))
    for name in (LINK, "+1", "@SUM(A1)"):
        cells = _cells_holding(book, name)
        assert cells, f"{name} is listed, as typed"
        assert [c.data_type for c in cells] == ["s"] * len(cells), name


def test_the_downloaded_template_lists_such_a_unit_as_text(client, login, world):
    f.unit(LINK)
    db.session.commit()
    login(world.admin)
    response = client.get("/imports/members/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    names = [row[0].value for row in book["填写说明"].iter_rows()]
    assert names[names.index("系统中的单位") + 1:].count(LINK) == 1
    [cell] = _cells_holding(book, LINK)
    assert cell.data_type == "s"
    # and the sheet reads as before: the title, the notes, a blank row, the units
    assert names[0] == "填写说明" and names[names.index("系统中的单位") - 1] is None
