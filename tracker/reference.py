"""Reference data the app ships with: the ten categories of docs/design.md.

The first data migration inserts a frozen copy of this list; tests and
``seed-demo`` call ``ensure_categories`` so a test database matches a migrated one.
"""
from __future__ import annotations

from sqlalchemy import select

from .extensions import db
from .models import Category, Section

CATEGORIES = [
    # code, name, section, measure
    ("ecommerce_training", "电子商务培训", Section.pairing, "人次"),
    ("policy_briefing", "招商引资政策宣讲", Section.pairing, "人次"),
    ("household_assistance", "困难群众结对帮扶", Section.pairing, "户"),
    ("cobuild_funding", "共建活动经费", Section.pairing, "元"),
    ("environment_cleanup", "环境整治", Section.volunteer, "次"),
    ("epidemic_duty", "疫情防控", Section.volunteer, "小时"),
    ("elderly_visit", "慰问“空巢”老人", Section.volunteer, "人"),
    ("ad_removal", "牛皮癣清除", Section.double, "处"),
    ("stairwell_painting", "楼道粉刷", Section.double, "个"),
    ("facility_survey", "下水道、人行道及破损道路摸排", Section.double, "处"),
]
# The category whose progress is the funds ledger, not reported quantities.
FUNDING_CODE = "cobuild_funding"
# The "双创" categories the zone view (双创进展) tracks: ads, stairwells, the survey.
DOUBLE_CODES = ("ad_removal", "stairwell_painting", "facility_survey")


def ensure_categories() -> dict[str, Category]:
    """Insert any missing reference category; return all categories by code."""
    existing = {c.code: c for c in db.session.scalars(select(Category))}
    for order, (code, name, section, measure) in enumerate(CATEGORIES, start=1):
        if code not in existing:
            existing[code] = Category(code=code, name=name, section=section,
                                      measure=measure, sort_order=order * 10)
            db.session.add(existing[code])
    db.session.flush()
    return existing
