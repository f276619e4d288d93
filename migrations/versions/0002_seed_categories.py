"""Seed the ten reference categories of docs/design.md.

A frozen copy, on purpose: a migration must build the same database in five years,
whatever `tracker/reference.py` says by then. `tests/test_migrations.py` checks
that a migrated database and `tracker.reference.CATEGORIES` agree today.

Revision ID: 0002_seed_categories
Revises: 0001_initial
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_seed_categories"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

CATEGORIES = [
    ("ecommerce_training", "电子商务培训", "pairing", "人次"),
    ("policy_briefing", "招商引资政策宣讲", "pairing", "人次"),
    ("household_assistance", "困难群众结对帮扶", "pairing", "户"),
    ("cobuild_funding", "共建活动经费", "pairing", "元"),
    ("environment_cleanup", "环境整治", "volunteer", "次"),
    ("epidemic_duty", "疫情防控", "volunteer", "小时"),
    ("elderly_visit", "慰问“空巢”老人", "volunteer", "人"),
    ("ad_removal", "牛皮癣清除", "double", "处"),
    ("stairwell_painting", "楼道粉刷", "double", "个"),
    ("facility_survey", "下水道、人行道及破损道路摸排", "double", "处"),
]

category = sa.table(
    "category",
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("section", sa.String),
    sa.column("measure", sa.String),
    sa.column("sort_order", sa.Integer),
    sa.column("active", sa.Boolean),
)


def upgrade():
    op.bulk_insert(
        category,
        [
            {"code": code, "name": name, "section": section, "measure": measure,
             "sort_order": order * 10, "active": True}
            for order, (code, name, section, measure) in enumerate(CATEGORIES, start=1)
        ],
    )


def downgrade():
    op.execute(category.delete().where(category.c.code.in_([c[0] for c in CATEGORIES])))
