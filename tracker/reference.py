"""Reference data the app ships with: the ten categories of docs/design.md.

The data migrations insert a frozen copy of this list; tests and ``seed-demo`` call
``ensure_categories`` so a test database matches a migrated one.
"""
from __future__ import annotations

from sqlalchemy import select

from .extensions import db
from .models import FUNDING_CODE, SURVEY_CODE, Category, ResidentCategory, Section

# code, name, section, an activity is (场/次), 完成数量's unit, the beneficiaries' unit
CATEGORIES = [
    ("ecommerce_training", "电子商务培训", Section.pairing, "场", None, "人次"),
    ("policy_briefing", "招商引资政策宣讲", Section.pairing, "场", None, "人次"),
    ("household_assistance", "困难群众结对帮扶", Section.pairing, "次", None, "户"),
    (FUNDING_CODE, "共建活动经费", Section.pairing, None, None, None),
    ("environment_cleanup", "环境整治", Section.volunteer, "次", None, None),
    ("epidemic_duty", "疫情防控", Section.volunteer, "次", None, None),
    ("elderly_visit", "慰问“空巢”老人", Section.volunteer, "次", None, "人"),
    ("ad_removal", "牛皮癣清除", Section.double, "次", "处", None),
    ("stairwell_painting", "楼道粉刷", Section.double, "次", "个", None),
    (SURVEY_CODE, "下水道、人行道及破损道路摸排", Section.double, "次", "处", None),
]
# The names the reference categories are seeded with: the 月报 words a reference
# category in the source's voice (「开展招商引资政策宣讲1场」) while it keeps this name.
REFERENCE_NAMES = {code: name for code, name, *_rest in CATEGORIES}
# The reference "双创" categories with a column of their own in the zone view
# (双创进展) and the 月报's 附表“责任区进展”: ads, stairwells, the survey. What is
# "双创" work is the section (``double_category_ids``): an admin's own category of
# the section counts there too, its 完成数量 listed per category.
DOUBLE_CODES = ("ad_removal", "stairwell_painting", SURVEY_CODE)


def double_category_ids():
    """The "双创" categories' ids — every category of the "双创" section, the reference
    ones and an admin's own, as the 月报's section 三 takes them — as a subquery
    (``x.category_id.in_(…)``): statements built before any of them runs — a batch, a
    RETURNING clause — cannot use ids read first. A category's section is fixed once
    its checklist has an item (``directory.category_frozen_fields``), so a task's
    category is "双创" or not for good."""
    return select(Category.id).where(Category.section == Section.double)

# Categories whose tasks can name the residents they served, and the one kind of
# resident each serves: 走访慰问 the 空巢老人 (a person), 结对帮扶 the 困难群众 (a
# household). The picker offers, the save accepts and the 户 / 人 count
# (``rollups.served``, the kept ``CountedServed``) counts only that kind. Here, below
# the services, so the counted-row refresh (``tracker.participation``) can read it.
VISIT_KINDS = {"elderly_visit": ResidentCategory.elderly,
               "household_assistance": ResidentCategory.needy}

__all__ = ["CATEGORIES", "DOUBLE_CODES", "FUNDING_CODE", "REFERENCE_NAMES", "SURVEY_CODE", "VISIT_KINDS",
           "double_category_ids",
           "ensure_categories"]


def ensure_categories() -> dict[str, Category]:
    """Insert any missing reference category; return all categories by code."""
    existing = {c.code: c for c in db.session.scalars(select(Category))}
    for order, (code, name, section, activity, quantity, beneficiary) in enumerate(
            CATEGORIES, start=1):
        if code not in existing:
            existing[code] = Category(code=code, name=name, section=section,
                                      activity_unit=activity, quantity_unit=quantity,
                                      beneficiary_unit=beneficiary, sort_order=order * 10)
            db.session.add(existing[code])
    db.session.flush()
    return existing
