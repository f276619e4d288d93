"""import56: a 台账 row whose 完成数量 or 受益 cell holds a figure its category does not
count (环境整治 counts neither) is refused on that cell, in the 补录 form's words —
not recorded with the figure dropped without a word. Empty and 0 are no figure, and the
app's own export, which writes such a column empty, imports again without a refusal."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.imports.test_ledger_import_service import (
    _remove_october_activities,
    counts,
    errors_by_line,
    exported,
    imported,
    preview,
    row,
    sheet,
)
from tracker.extensions import db
from tracker.models import Member


def test_a_figure_the_category_does_not_count_is_refused_on_its_cell(october,
                                                                     cleanup_category):
    m = october.members
    data = sheet([row(october, m["郑某某"], leader="是", category=cleanup_category,
                      **{"完成数量": "3", "受益": "20"}),
                  row(october, m["冯某某"], category=cleanup_category,
                      **{"完成数量": "3", "受益": "20"})])
    before = counts()
    said = [f"完成数量“3”：“{cleanup_category}”不统计完成数量，请清空此项。",
            f"受益“20”：“{cleanup_category}”不统计受益，请清空此项。"]
    # every row holding the cells says it, each cell in the sheet's column order
    assert errors_by_line(preview(october.liaison, data)) == {2: said, 3: said}
    assert counts() == before


def test_the_refusal_is_named_with_the_row_s_other_errors(october, cleanup_category):
    data = sheet([row(october, october.members["郑某某"], leader="是",
                      category=cleanup_category, **{"受益": "20", "服务时长（小时）": "abc"})])
    assert errors_by_line(preview(october.liaison, data)) == {2: [
        "服务时长“abc”应为小时数，如2或1.5。",
        f"受益“20”：“{cleanup_category}”不统计受益，请清空此项。"]}


def test_empty_and_zero_are_no_figure(october, cleanup_category):
    m = october.members
    data = sheet([row(october, m["郑某某"], leader="是", category=cleanup_category,
                      **{"完成数量": "0", "受益": ""}),
                  row(october, m["冯某某"], category=cleanup_category,
                      **{"完成数量": "0", "受益": ""})])
    assert imported(october.liaison, data).activities == 1


def test_the_exported_ledger_writes_no_uncounted_figure_and_imports_again(october):
    """October's 环境整治 and 疫情防控 reports still hold figures of the old data that
    their categories do not count (a clean-up's 完成数量 1, 受益 200): the export writes
    those cells empty, so the sheet comes back into a month without its activities
    with nothing refused."""
    data = exported(october)
    book = load_workbook(io.BytesIO(data))["参与明细"]
    rows = list(book.iter_rows(min_row=4, values_only=True))
    uncounted = [r for r in rows if r[7] in ("环境整治一", "疫情防控一")]
    assert uncounted and {(r[14], r[15]) for r in uncounted} == {(None, None)}
    liaison_id = october.liaison.id
    _remove_october_activities(october)
    liaison = db.session.get(Member, liaison_id)
    assert preview(liaison, data).ok
    assert imported(liaison, data).activities > 0


def test_the_template_says_to_leave_an_uncounted_figure_empty():
    from tracker.services.ledger_import import TEMPLATE_NOTES

    assert any("不统计完成数量或受益" in note and "留空" in note for note in TEMPLATE_NOTES)
