"""checklist summary: what each resource item's counted tasks did per year

counted_item_year is derived from counted_task — one row per year (of the service
date), resource item and report status with the activities, quantity and people
served of those tasks — and tracker/participation.py keeps it by difference in the
same flush as the counted rows; the county-wide checklist (资源清单进展, all
communities) reads it. This migration fills it from the counted rows already there.
The SQL is frozen here on purpose (a migration must not change when the application
code does); only the year of a date is written per database.

Revision ID: 0017_checklist_summary
Revises: 0016_month_summaries
Create Date: 2026-12-01 05:05:31.718845

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_checklist_summary'
down_revision = '0016_month_summaries'
branch_labels = None
depends_on = None

YEAR = {"sqlite": "CAST(strftime('%Y', service_date) AS INTEGER)",
        "postgresql": "CAST(EXTRACT(YEAR FROM service_date) AS INTEGER)"}

FILL_ITEMS = """
INSERT INTO counted_item_year
    (year, resource_item_id, report_status, activities, quantity, people_served)
SELECT {year}, resource_item_id, report_status, COUNT(*), SUM(quantity), SUM(people_served)
FROM counted_task
GROUP BY {year}, resource_item_id, report_status
"""


def upgrade():
    op.create_table('counted_item_year',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('resource_item_id', sa.Integer(), nullable=False),
    sa.Column('report_status', sa.Enum('submitted', 'approved', 'returned', name='reportstatus', native_enum=False, length=16), nullable=False),
    sa.Column('activities', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('people_served', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'resource_item_id', 'report_status', name=op.f('pk_counted_item_year'))
    )
    op.execute(FILL_ITEMS.format(year=YEAR[op.get_bind().dialect.name]))


def downgrade():
    op.drop_table('counted_item_year')
