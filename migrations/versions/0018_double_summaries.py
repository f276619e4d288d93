"""double summaries: the “双创” work per community and its members across communities, per year

Two tables derived from counted_task and counted_participation, which
tracker/participation.py keeps by difference in the same flush as the counted rows:
counted_double_community_year (the counted tasks of the "双创" categories — ad_removal,
stairwell_painting, facility_survey — per year, community, category and report status:
activities, quantity, 人次, minutes) and counted_double_member_any_year (who took part
in those categories anywhere in a year, per report status, with how many
participations). The county-wide “双创”进展 of a year reads them. This migration fills
them from the counted rows already there. The SQL is frozen here on purpose (a
migration must not change when the application code does); only the year of a date
is written per database.

Revision ID: 0018_double_summaries
Revises: 0017_checklist_summary
Create Date: 2026-12-01 05:25:39.081250

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_double_summaries'
down_revision = '0017_checklist_summary'
branch_labels = None
depends_on = None

YEAR = {"sqlite": "CAST(strftime('%Y', service_date) AS INTEGER)",
        "postgresql": "CAST(EXTRACT(YEAR FROM service_date) AS INTEGER)"}

DOUBLE = ("category_id IN (SELECT id FROM category WHERE code IN "
          "('ad_removal', 'stairwell_painting', 'facility_survey'))")

FILL_WORK = """
INSERT INTO counted_double_community_year
    (year, community_id, category_id, report_status, activities, quantity, person_times,
     minutes)
SELECT {year}, community_id, category_id, report_status, COUNT(*), SUM(quantity),
       SUM(person_times), SUM(minutes)
FROM counted_task
WHERE {double}
GROUP BY {year}, community_id, category_id, report_status
"""

FILL_MEMBERS = """
INSERT INTO counted_double_member_any_year (year, report_status, member_id, participations)
SELECT {year}, report_status, member_id, COUNT(*)
FROM counted_participation
WHERE {double}
GROUP BY {year}, report_status, member_id
"""


def upgrade():
    op.create_table('counted_double_community_year',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('report_status', sa.Enum('submitted', 'approved', 'returned', name='reportstatus', native_enum=False, length=16), nullable=False),
    sa.Column('activities', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('person_times', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'community_id', 'category_id', 'report_status', name=op.f('pk_counted_double_community_year'))
    )
    op.create_table('counted_double_member_any_year',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('report_status', sa.Enum('submitted', 'approved', 'returned', name='reportstatus', native_enum=False, length=16), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('participations', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'report_status', 'member_id', name=op.f('pk_counted_double_member_any_year'))
    )
    year = YEAR[op.get_bind().dialect.name]
    op.execute(FILL_WORK.format(year=year, double=DOUBLE))
    op.execute(FILL_MEMBERS.format(year=year, double=DOUBLE))


def downgrade():
    op.drop_table('counted_double_member_any_year')
    op.drop_table('counted_double_community_year')
