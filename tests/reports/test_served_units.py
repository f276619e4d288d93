"""受益 in 户 or 人 over more than one activity (docs/design.md, "Categories").

A report says how many households (户) or elders (人) one activity served; nothing says
whether the next activity served the same ones. So one activity's figure is 户 / 人, and
a sum over two or more — two months of the year, or twice in one month — is 户次 / 人次.
"""
from __future__ import annotations

from datetime import date

from tests import factories as f
from tests.reports.test_annual import approved_at
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.reports.annual import build_annual
from tracker.reports.summary import build_summary


def helped(w):
    """Five households helped in March and again in April; three households helped twice
    in May (3 + 3); four elders visited once in March, the same four again in June."""
    help_item = f.item(w.unit, w.community, "household_assistance", year=2025, target=10)
    visit_item = f.item(w.unit, w.community, "elderly_visit", year=2025, target=10)
    for day, served in ((date(2025, 3, 10), 5), (date(2025, 4, 10), 5),
                        (date(2025, 5, 6), 3), (date(2025, 5, 20), 3)):
        approved_at(help_item, w.liaison, b.at_local(day), [w.member], 60, served=served)
    for day in (date(2025, 3, 12), date(2025, 6, 12)):
        approved_at(visit_item, w.liaison, b.at_local(day), [w.member], 60, served=4)
    db.session.commit()


def text_of(summary) -> str:
    return "".join(p.heading + p.text for p in summary.paragraphs)


def category_rows(summary) -> dict[str, list[str]]:
    table = {t.key: t for t in summary.tables()}["categories"]
    return {str(row[0]): [str(c) for c in row] for row in table.rows}


def test_one_activity_counts_households_and_elders(world):
    helped(world)
    march = build_summary(2025, 3, unit=world.unit)
    assert "结对帮扶困难群众5户" in text_of(march)
    assert "慰问“空巢”老人4人" in text_of(march)
    rows = category_rows(march)
    assert rows["困难群众结对帮扶"][3] == "5户"
    assert rows["慰问“空巢”老人"][3] == "4人"


def test_a_household_helped_twice_in_a_month_is_counted_as_visits(world):
    helped(world)
    may = build_summary(2025, 5, unit=world.unit)
    # 3 + 3 from two activities: perhaps the same three households, so 6户次, not 6户
    assert "结对帮扶困难群众6户次" in text_of(may)
    assert "6户，" not in text_of(may) and "6户。" not in text_of(may)
    rows = category_rows(may)
    assert rows["困难群众结对帮扶"][3] == "6户次"
    assert rows["合计"][3] == "6户次"


def test_the_year_adds_visits_not_households(world):
    helped(world)
    year = build_annual(2025, unit=world.unit)
    text = text_of(year)
    # 5 (March) + 5 (April) + 3 + 3 (May) = 16 from four activities; 4 + 4 from two visits
    assert "结对帮扶困难群众16户次" in text
    assert "慰问“空巢”老人8人次" in text
    rows = category_rows(year)
    assert rows["困难群众结对帮扶"][3] == "16户次"
    assert rows["慰问“空巢”老人"][3] == "8人次"
    # person-visits before household-visits, as every total lists them
    # (formatting.UNIT_ORDER), not in the order of the categories with work
    assert rows["合计"][3] == "8人次、16户次"
