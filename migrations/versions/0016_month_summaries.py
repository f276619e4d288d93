"""month summaries: the county-wide figures kept per month and the members per year

Tables derived from counted_task and counted_participation, which
tracker/participation.py keeps by difference in the same flush as the counted rows:
counted_month (additive figures per month, category and report status),
counted_member_year, counted_member_category_year and counted_double_member_year (who
took part in a year, with how many participations: overall, per category, and per
community in the "双创" categories), and counted_category_member_total (how many
members each category has in counted_member_category_year). This migration fills them from the
counted rows already there. The SQL is frozen here on purpose (a migration must not
change when the application code does); only the year of a date is written per
database.

Revision ID: 0016_month_summaries
Revises: 0015_admin_home_indexes
Create Date: 2026-12-01 02:44:47.376988

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_month_summaries'
down_revision = '0015_admin_home_indexes'
branch_labels = None
depends_on = None

YEAR = {"sqlite": "CAST(strftime('%Y', service_date) AS INTEGER)",
        "postgresql": "CAST(EXTRACT(YEAR FROM service_date) AS INTEGER)"}
MONTH = {"sqlite": "CAST(strftime('%m', service_date) AS INTEGER)",
         "postgresql": "CAST(EXTRACT(MONTH FROM service_date) AS INTEGER)"}

FILL_MONTHS = """
INSERT INTO counted_month
    (month, category_id, report_status, activities, quantity, people_served, person_times,
     minutes)
SELECT {year} * 100 + {month}, category_id, report_status, COUNT(*), SUM(quantity),
       SUM(people_served), SUM(person_times), SUM(minutes)
FROM counted_task
GROUP BY {year} * 100 + {month}, category_id, report_status
"""

FILL_MEMBERS = """
INSERT INTO counted_member_year (year, report_status, member_id, participations)
SELECT {year}, report_status, member_id, COUNT(*)
FROM counted_participation
GROUP BY {year}, report_status, member_id
"""

FILL_MEMBER_CATEGORIES = """
INSERT INTO counted_member_category_year
    (year, category_id, report_status, member_id, participations)
SELECT {year}, category_id, report_status, member_id, COUNT(*)
FROM counted_participation
GROUP BY {year}, category_id, report_status, member_id
"""

FILL_DOUBLE_MEMBERS = """
INSERT INTO counted_double_member_year
    (year, community_id, report_status, member_id, participations)
SELECT {year}, community_id, report_status, member_id, COUNT(*)
FROM counted_participation
WHERE category_id IN (SELECT id FROM category
                      WHERE code IN ('ad_removal', 'stairwell_painting', 'facility_survey'))
GROUP BY {year}, community_id, report_status, member_id
"""

FILL_CATEGORY_TOTALS = """
INSERT INTO counted_category_member_total (year, category_id, report_status, members)
SELECT year, category_id, report_status, COUNT(*)
FROM counted_member_category_year
GROUP BY year, category_id, report_status
"""


def upgrade():
    op.create_table('counted_category_member_total',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('report_status', sa.Enum('submitted', 'approved', 'returned', name='reportstatus', native_enum=False, length=16), nullable=False),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'category_id', 'report_status', name=op.f('pk_counted_category_member_total'))
    )
    op.create_table('counted_double_member_year',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('report_status', sa.Enum('submitted', 'approved', 'returned', name='reportstatus', native_enum=False, length=16), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('participations', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'community_id', 'report_status', 'member_id', name=op.f('pk_counted_double_member_year'))
    )
    op.create_table('counted_member_category_year',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('report_status', sa.Enum('submitted', 'approved', 'returned', name='reportstatus', native_enum=False, length=16), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('participations', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'category_id', 'report_status', 'member_id', name=op.f('pk_counted_member_category_year'))
    )
    op.create_table('counted_member_year',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('report_status', sa.Enum('submitted', 'approved', 'returned', name='reportstatus', native_enum=False, length=16), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('participations', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'report_status', 'member_id', name=op.f('pk_counted_member_year'))
    )
    op.create_table('counted_month',
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('report_status', sa.Enum('submitted', 'approved', 'returned', name='reportstatus', native_enum=False, length=16), nullable=False),
    sa.Column('activities', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('people_served', sa.Integer(), nullable=False),
    sa.Column('person_times', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'category_id', 'report_status', name=op.f('pk_counted_month'))
    )
    dialect = op.get_bind().dialect.name
    year, month = YEAR[dialect], MONTH[dialect]
    op.execute(FILL_MONTHS.format(year=year, month=month))
    op.execute(FILL_MEMBERS.format(year=year))
    op.execute(FILL_MEMBER_CATEGORIES.format(year=year))
    op.execute(FILL_DOUBLE_MEMBERS.format(year=year))
    op.execute(FILL_CATEGORY_TOTALS)


def downgrade():
    op.drop_table('counted_month')
    op.drop_table('counted_member_year')
    op.drop_table('counted_member_category_year')
    op.drop_table('counted_double_member_year')
    op.drop_table('counted_category_member_total')
