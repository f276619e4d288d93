"""A total of several units lists them in one fixed order (docs/design.md, "Categories").

附表2's 合计 adds 受益 per unit, never across units. Its units come in the order they
are declared — 场, 次 for activities; 人次, 户, 人 for 受益, a unit's visits (户次) right
after it — whatever categories the month has work in. It read 「41人次、4户次」 in a
month with trainees (a 人次 category comes first) and 「5户次、5人次」 in a month whose
人次 were elders visited twice (a category after the households'): the same units,
swapped. The page, Word, Excel, the 年度总结 and 社区共建进展 write the one order.
"""
from __future__ import annotations

import html as html_lib
import io
import re
from datetime import date

from docx import Document
from flask import g
from openpyxl import load_workbook

from tests import factories as f
from tests.reports.test_annual import approved_at
from tests.reports.test_served_units import category_rows
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.reports.annual import build_annual
from tracker.reports.docx_export import render_docx
from tracker.reports.summary import build_summary
from tracker.reports.xlsx_export import render_xlsx

MAY = date(2025, 5, 1)


def worked(w, code, served_each, month=5):
    """Approved activities of ``code`` (a reference category's, or a Category) in
    ``month`` of 2025, one per 受益 in ``served_each`` (no 服务对象 named)."""
    item = f.item(w.unit, w.community, code, year=2025, target=10)
    for day, served in enumerate(served_each, 6):
        approved_at(item, w.liaison, b.at_local(date(2025, month, day)), [w.member], 60,
                    served=served)
    db.session.commit()


def households_then_elders(w):
    """May: households helped twice (3 + 2: 5户次), elders visited twice (2 + 3: 5人次) —
    no training: the first category with a 受益 counts 户."""
    worked(w, "household_assistance", [3, 2])
    worked(w, "elderly_visit", [2, 3])


# person-visits first, as in a month with trainees, although no 人次 category precedes
# the households' this month
MAY_TOTAL = "5人次、5户次"


def test_a_month_whose_person_visits_come_after_the_households_lists_them_first(world):
    households_then_elders(world)
    assert category_rows(build_summary(2025, 5, unit=world.unit))["合计"][3] == MAY_TOTAL


def test_a_month_with_trainees_reads_in_the_same_order(world):
    worked(world, "ecommerce_training", [30], month=6)
    worked(world, "household_assistance", [3, 2], month=6)
    assert category_rows(build_summary(2025, 6, unit=world.unit))["合计"][3] == "30人次、5户次"


def test_activities_are_sessions_then_times_whatever_the_categories_order(world):
    """An admin's own category counted in 场, after the reference 次 categories."""
    talks = f.category("safety_talk", "安全讲座", activity="场", quantity=None, beneficiary=None)
    worked(world, "environment_cleanup", [0, 0])
    worked(world, talks, [0])
    assert category_rows(build_summary(2025, 5, unit=world.unit))["合计"][1] == "1场、2次"


def total_row(cells: list[str]) -> list[str]:
    return cells[cells.index("合计"):]


def test_word_excel_and_the_page_read_the_total_alike(client, login, world):
    households_then_elders(world)
    summary = build_summary(2025, 5, unit=world.unit)
    document = Document(io.BytesIO(render_docx(summary)))
    word = next(total_row([c.text for c in row.cells]) for table in document.tables
                for row in table.rows if row.cells[0].text == "合计"
                and "户次" in "".join(c.text for c in row.cells))
    book = load_workbook(io.BytesIO(render_xlsx(summary)))
    excel = next([str(c.value) for c in row] for sheet in book.worksheets
                 for row in sheet.iter_rows() if row[0].value == "合计"
                 and any("户次" in str(c.value) for c in row))
    login(world.admin)
    page = html_lib.unescape(client.get(
        f"/reports/?unit={world.unit.id}&month=2025-05").get_data(as_text=True))
    assert word[3] == excel[3] == MAY_TOTAL
    assert f">{MAY_TOTAL}<" in page
    assert "5户次、5人次" not in page


def test_the_year_lists_its_total_in_the_same_order(world):
    households_then_elders(world)
    assert category_rows(build_annual(2025, unit=world.unit))["合计"][3] == MAY_TOTAL


def test_the_progress_page_lists_its_total_and_cards_in_the_same_order(client, login, world):
    households_then_elders(world)
    login(world.liaison)
    g.pop("_flask_babel", None)
    html = html_lib.unescape(client.get(
        f"/progress/community?community={world.community.id}&period=month&month=2025-05"
    ).get_data(as_text=True))
    total = re.search(r'data-figure="people_served_total">([^<]*)<', html).group(1)
    assert total == MAY_TOTAL
    cards = re.findall(r'data-figure="people_served-([^"]+)"', html)
    assert cards == ["人次", "户次"]
