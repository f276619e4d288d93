"""A change the 年度总结 prints and no 月报 does — a checklist item's place, category and
年度目标 (docs/design.md: the 月报 print no target but a budget) — asks
``summary_notes.final_naming_places`` for its year alone, plainly: a place's
``year_only`` column (tidy47; it was a ``through`` day before the day itself, so that no
month lay between them). Asked so, the year's signed 年度总结 is named and the signed
月报 of the day's own month are not; the same place without it names both."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, false, literal, select, true

from tracker.extensions import db
from tracker.models import SummaryScope
from tracker.reports import annual_final, final
from tracker.services.summary_notes import final_naming_places


def _named(o, year_only) -> tuple[list, list]:
    place = select(literal(1, Integer()).label("key"),
                   literal(o.unit.id, Integer()).label("unit_id"),
                   literal(o.jiefang.id, Integer()).label("community_id"),
                   literal(date(2022, 10, 15), Date()).label("day"),
                   year_only.label("year_only")).subquery()
    naming = final_naming_places(place)[1]
    return ([(m.year, m.month) for m in naming.months],
            [(y.unit_id, y.community_id, y.year) for y in naming.years])


def test_a_year_only_place_names_the_signed_year_and_none_of_its_months(october):
    scope = SummaryScope(unit_id=october.unit.id)
    final.finalize(october.admin, scope, 2022, 10)
    annual_final.finalize_year(october.admin, scope, 2022)
    db.session.commit()

    year = [(october.unit.id, None, 2022)]
    assert _named(october, true()) == ([], year)
    # the same place asked of its month too: October's signed 月报 is there to be named
    assert _named(october, false()) == ([(2022, 10)], year)
