"""Distinct households and people counted from the named 服务对象 (docs/design.md,
"Categories").

A sum of 受益 in 户 or 人 over more than one approved activity is visits, 户次 / 人次.
When every activity of the sum names its 服务对象 (``task_resident``: a 困难群众 record
is a household, an 空巢老人 one a person), exactly as many as its 受益, the households /
people are known — the distinct residents named — and the sum reads both:
「结对帮扶困难群众3户（6户次）」. When one activity names none, or another number than
its 受益, the sum stays 户次 / 人次 alone. One activity's 受益 stays 「5户」. A resident
erased since is still a household served. The names never reach the document.
"""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from tests import factories as f
from tests.reports.test_annual import approved_at
from tests.reports.test_served_units import category_rows, text_of
from tests.residents.support import name_served, resident
from tests.rollups import builders as b
from tests.rollups.counted import assert_in_sync
from tracker.extensions import db
from tracker.models import Category, ResidentCategory
from tracker.reports.annual import build_annual
from tracker.reports.csv_export import render_csv
from tracker.reports.docx_export import render_docx
from tracker.reports.summary import build_summary
from tracker.reports.xlsx_export import render_xlsx
from tracker.rollups.batch import run, run_together
from tracker.rollups.scope import Scope
from tracker.rollups.served import named_rows
from tracker.services.residents import erase_resident

NEEDY, ELDERLY = ResidentCategory.needy, ResidentCategory.elderly


def households(w, category=NEEDY, n=3, start=0):
    """``n`` residents of ``w.community`` (a 困难群众 record: a household)."""
    return [resident(w.community, w.liaison, name=f"赵钱孙{start + i}",
                     phone=f"1380000{start + i:04d}", category=category)
            for i in range(n)]


def name(task, residents):
    """The task names these residents as its 服务对象 (none: it names none), its kept
    households moved with them (``name_served``)."""
    name_served(task, residents)


def helped(w, code, served_and_named, month=5, year=2025):
    """Approved activities of ``code`` in ``month``: one per (受益, residents named)."""
    item = f.item(w.unit, w.community, code, year=year, target=10)
    tasks = []
    for day, (served, named) in enumerate(served_and_named, 6):
        task = approved_at(item, w.liaison, b.at_local(date(year, month, day)), [w.member], 60,
                           served=served)
        name(task, named)
        tasks.append(task)
    db.session.commit()
    return tasks


def may(w):
    return build_summary(2025, 5, unit=w.unit)


def elders_named(w):
    """Beside the case of a test, in the same month: the same four elders visited twice,
    each visit naming them — what a named sum reads (「4人（8人次）」)."""
    four = households(w, ELDERLY, n=4, start=20)
    helped(w, "elderly_visit", [(4, four), (4, four)])


NAMED_ELDERS = "慰问“空巢”老人4人（8人次）"


def test_two_visits_to_the_same_three_households_are_3_households_6_visits(world):
    three = households(world)
    helped(world, "household_assistance", [(3, three), (3, three)])
    summary = may(world)
    assert "结对帮扶困难群众3户（6户次）" in text_of(summary)
    rows = category_rows(summary)
    assert rows["困难群众结对帮扶"][3] == "3户（6户次）"
    # the 合计 adds visits of every category in 户 (a checklist's measure too): 户次
    assert rows["合计"][3] == "6户次"
    # counts only: no resident's name in the document
    assert "赵钱孙" not in render_csv(summary).decode("utf-8-sig")


def test_three_and_two_different_households_are_5_households(world):
    five = households(world, n=5)
    helped(world, "household_assistance", [(3, five[:3]), (2, five[3:])])
    summary = may(world)
    assert "结对帮扶困难群众5户（5户次）" in text_of(summary)
    assert category_rows(summary)["困难群众结对帮扶"][3] == "5户（5户次）"


@pytest.mark.parametrize("second_names", [
    pytest.param(lambda three: [], id="an activity naming none"),
    pytest.param(lambda three: three[:2], id="an activity naming fewer than its figure"),
])
def test_an_activity_not_naming_its_households_leaves_the_visits_alone(world, second_names):
    elders_named(world)
    three = households(world)
    helped(world, "household_assistance", [(3, three), (3, second_names(three))])
    summary = may(world)
    assert NAMED_ELDERS in text_of(summary)  # the rule applies where it can
    assert "结对帮扶困难群众6户次" in text_of(summary)
    assert "户（" not in text_of(summary).replace(NAMED_ELDERS, "")
    assert category_rows(summary)["困难群众结对帮扶"][3] == "6户次"


def test_an_activity_naming_more_than_its_figure_leaves_the_visits_alone(world):
    elders_named(world)
    four = households(world, n=4)
    helped(world, "household_assistance", [(3, four[:3]), (3, four)])
    rows = category_rows(may(world))
    assert rows["慰问“空巢”老人"][3] == "4人（8人次）"
    assert rows["困难群众结对帮扶"][3] == "6户次"


def test_one_activity_is_its_households_whether_named_or_not(world):
    elders_named(world)
    three = households(world)
    helped(world, "household_assistance", [(3, three)])
    summary = may(world)
    assert NAMED_ELDERS in text_of(summary)  # the rule applies where it can
    assert "结对帮扶困难群众3户" in text_of(summary)
    assert "3户次" not in text_of(summary) and "3户（" not in text_of(summary)
    assert category_rows(summary)["困难群众结对帮扶"][3] == "3户"


def test_an_erased_household_is_still_counted(world):
    three = households(world)
    helped(world, "household_assistance", [(3, three), (3, three)])
    erase_resident(three[0], world.admin)
    db.session.commit()
    summary = may(world)
    assert "结对帮扶困难群众3户（6户次）" in text_of(summary)
    assert category_rows(summary)["困难群众结对帮扶"][3] == "3户（6户次）"


def test_elders_visited_twice_are_people_and_person_visits(world):
    four = households(world, ELDERLY, n=4)
    helped(world, "elderly_visit", [(4, four), (4, four)])
    summary = may(world)
    assert "慰问“空巢”老人4人（8人次）" in text_of(summary)
    assert category_rows(summary)["慰问“空巢”老人"][3] == "4人（8人次）"
    assert category_rows(summary)["合计"][3] == "8人次"


def test_the_word_excel_and_csv_copies_carry_it(world):
    three = households(world)
    helped(world, "household_assistance", [(3, three), (3, three)])
    summary = may(world)
    document = Document(io.BytesIO(render_docx(summary)))
    body = "".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "结对帮扶困难群众3户（6户次）" in body
    assert "3户（6户次）" in cells
    book = load_workbook(io.BytesIO(render_xlsx(summary)))
    found = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
             if cell.number_format == '"3户（"0"户次）"']
    # the visits are the value, the households written in the format: the sheet shows
    # 3户（6户次） and a sum of the column counts 6
    assert [cell.value for cell in found] == [6]
    cell = found[0]
    sheet = cell.parent
    total = next(r for r in range(cell.row + 1, sheet.max_row + 1)
                 if sheet.cell(row=r, column=1).value == "合计")
    above = [sheet.cell(row=r, column=cell.column).value for r in range(1, total)]
    # the column adds up to its 合计 (「6户次」, written as text: its units may differ),
    # not 3 households beside 6 visits
    assert sheet.cell(row=total, column=cell.column).value == "6户次"
    assert sum(v for v in above if isinstance(v, int)) == 6
    rows = list(csv.reader(io.StringIO(render_csv(summary).decode("utf-8-sig"))))
    assert any("3户（6户次）" in row for row in rows)
    assert not any("赵钱孙" in cell for row in rows for cell in row)


def test_the_year_counts_each_household_once(world):
    three = households(world)
    helped(world, "household_assistance", [(3, three)], month=3)
    helped(world, "household_assistance", [(3, three), (3, three)], month=5)
    four = households(world, ELDERLY, n=4, start=10)
    helped(world, "elderly_visit", [(4, four)], month=3)
    helped(world, "elderly_visit", [(2, four[:2])], month=6)
    year = build_annual(2025, unit=world.unit)
    text = text_of(year)
    assert "结对帮扶困难群众3户（9户次）" in text
    assert "慰问“空巢”老人4人（6人次）" in text
    rows = category_rows(year)
    assert rows["困难群众结对帮扶"][3] == "3户（9户次）"
    assert rows["慰问“空巢”老人"][3] == "4人（6人次）"
    # a checklist target stays household-visits: 9 of a target of 10 (three items of 10
    # each: 30户次)
    assert "户次" in rows["合计"][3]
    assert "完成9户次" in text


def test_the_year_with_one_month_unnamed_stays_visits(world):
    three = households(world)
    helped(world, "household_assistance", [(3, [])], month=3)
    helped(world, "household_assistance", [(3, three), (3, three)], month=5)
    year = build_annual(2025, unit=world.unit)
    assert "结对帮扶困难群众9户次" in text_of(year)
    assert category_rows(year)["困难群众结对帮扶"][3] == "9户次"
    # May alone: its two activities name their households
    assert "结对帮扶困难群众3户（6户次）" in text_of(may(world))


def test_the_month_and_year_pages_read_it(client, login, world):
    three = households(world)
    helped(world, "household_assistance", [(3, three), (3, three)])
    login(world.admin)
    for url in (f"/reports/?unit={world.unit.id}&month=2025-05",
                f"/reports/annual?unit={world.unit.id}&year=2025"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert "结对帮扶困难群众3户（6户次）" in page, url
        assert ">3户（6户次）<" in page, url  # 分类统计's cell
        assert "赵钱孙" not in page, url


def test_only_the_kind_the_category_serves_is_counted(world):
    """A 结对帮扶 activity serves 困难群众 households: 空巢老人 named on it (before the
    picker offered one kind only) are not households, so each activity names one
    household for its 受益 3 and the sum stays visits."""
    needy = households(world, n=1)
    elders = households(world, ELDERLY, n=2, start=10)
    helped(world, "household_assistance", [(3, elders + needy), (3, elders + needy)])
    rows = category_rows(may(world))
    assert rows["困难群众结对帮扶"][3] == "6户次"


@pytest.mark.parametrize("case", ["named", "one unnamed", "one of 受益 1 unnamed",
                                  "one naming fewer", "one naming more",
                                  "another kind named too", "an erased household", "none"])
def test_the_statement_gives_the_rule_s_answer(world, case):
    """The one statement of the rule (``served.named_rows``, the same on both
    databases) checked against the rule — the distinct 服务对象 of the category's kind
    when every approved activity names as many as its 受益, else None — for the month,
    the unit, the community and the year, with approved visits of another month beside
    them (named, 2 elders); the county's year, read from the kept rows, too, and those
    rows equal to what ``rebuild()`` derives."""
    four = households(world, n=4)
    elders = households(world, ELDERLY, n=2, start=10)
    second = {"named": (3, four[1:]), "one unnamed": (3, []), "one of 受益 1 unnamed": (1, []),
              "one naming fewer": (3, four[1:3]), "one naming more": (3, four),
              "another kind named too": (3, four[1:] + elders),
              "an erased household": (3, four[1:]), "none": None}[case]
    if second is not None:
        helped(world, "household_assistance", [(3, four[:3]), second])
    helped(world, "elderly_visit", [(2, elders)], month=7)
    if case == "an erased household":
        erase_resident(four[0], world.admin)
        db.session.commit()
    needy = db.session.scalar(db.select(Category.id).where(Category.code == "household_assistance"))
    elderly = db.session.scalar(db.select(Category.id).where(Category.code == "elderly_visit"))
    households_in_may = {"named": 4, "another kind named too": 4,
                         "an erased household": 4}.get(case)
    may_ = (date(2025, 5, 1), date(2025, 6, 1))
    expected = {
        Scope(*may_, unit_id=world.unit.id):
            {} if second is None else {needy: households_in_may},
        Scope(*may_, community_ids=(world.community.id,)):
            {} if second is None else {needy: households_in_may},
        Scope(date(2025, 1, 1), date(2026, 1, 1), unit_id=world.unit.id):
            {elderly: 2} | ({} if second is None else {needy: households_in_may}),
        Scope(date(2025, 7, 1), date(2025, 8, 1)): {elderly: 2},
        # the whole county's year: its kept rows (``kept.served_rows``)
        Scope(date(2025, 1, 1), date(2026, 1, 1)):
            {elderly: 2} | ({} if second is None else {needy: households_in_may}),
    }
    for scope, answer in expected.items():
        assert run(named_rows(scope)) == answer, scope
    # a page's batch may hold several scopes' (the month's and the year's): each its own
    together = run_together(*(named_rows(scope) for scope in expected))
    assert list(together) == list(expected.values())
    assert_in_sync()
