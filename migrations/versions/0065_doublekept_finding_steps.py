"""finding steps kept: the county's 移交/整改 of a year per community

The “双创”进展 view of the whole county over a year counts the year's 移交 and 整改
(handed over / fixed on a day of it, whenever found: ``rollups.findings.moves_plan``)
— until now from every handed-over or fixed finding of the county joined with its
survey's counted row, the one part of that page not read from a kept summary
(docs/performance.md, "The county's steps kept"). counted_finding gains the days of a
finding's steps as the rollups read them (a step written without its day counts from
the step before, or from the day found: never empty), and counted_finding_step_year
keeps per year, community and report status the findings with a step in the year
(found by its end), how many were handed over in it, fixed in it, and found before it.
tracker/participation.py keeps both in the same flush as the other counted rows; this
migration fills them from the rows already there. The SQL is frozen here on purpose
(a migration must not change when the application code does); only the year of a
date is written per database.

Downgrade drops the table and the two columns.

Revision ID: 0065_doublekept_finding_steps
Revises: 0064_walk6fix2_resident_name_key
Create Date: 2026-12-05 13:20:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0065_doublekept_finding_steps'
down_revision = '0064_walk6fix2_resident_name_key'
branch_labels = None
depends_on = None

YEAR = {"sqlite": "CAST(strftime('%Y', {}) AS INTEGER)",
        "postgresql": "CAST(EXTRACT(YEAR FROM {}) AS INTEGER)"}

FILL_DAYS = """
UPDATE counted_finding SET
    handed_over_on = (SELECT COALESCE(finding.handed_over_on, finding.found_on)
                      FROM finding WHERE finding.id = counted_finding.finding_id),
    fixed_on = (SELECT COALESCE(finding.fixed_on, finding.handed_over_on, finding.found_on)
                FROM finding WHERE finding.id = counted_finding.finding_id)
"""

FILL_STEPS = """
INSERT INTO counted_finding_step_year (year, community_id, report_status, findings,
                                       handed_over, fixed, earlier)
SELECT steps.year, counted.community_id, counted.report_status, COUNT(*),
       COUNT(CASE WHEN counted.status IN ('handed_over', 'fixed')
                   AND {handed} = steps.year THEN 1 END),
       COUNT(CASE WHEN counted.status = 'fixed' AND {fixed} = steps.year THEN 1 END),
       COUNT(CASE WHEN {found} < steps.year THEN 1 END)
FROM (SELECT finding_id, {own_handed} AS year FROM counted_finding
      WHERE status IN ('handed_over', 'fixed')
      UNION
      SELECT finding_id, {own_fixed} FROM counted_finding WHERE status = 'fixed') AS steps
JOIN counted_finding AS counted ON counted.finding_id = steps.finding_id
WHERE {found} <= steps.year
GROUP BY steps.year, counted.community_id, counted.report_status
"""


def upgrade():
    op.create_table('counted_finding_step_year',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('report_status', sa.Enum('submitted', 'approved', 'returned', name='reportstatus', native_enum=False, length=16), nullable=False),
    sa.Column('findings', sa.Integer(), nullable=False),
    sa.Column('handed_over', sa.Integer(), nullable=False),
    sa.Column('fixed', sa.Integer(), nullable=False),
    sa.Column('earlier', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'community_id', 'report_status', name=op.f('pk_counted_finding_step_year'))
    )
    with op.batch_alter_table('counted_finding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handed_over_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('fixed_on', sa.Date(), nullable=True))
    op.execute(FILL_DAYS)
    with op.batch_alter_table('counted_finding', schema=None) as batch_op:
        batch_op.alter_column('handed_over_on', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('fixed_on', existing_type=sa.Date(), nullable=False)

    year = YEAR[op.get_bind().dialect.name].format
    op.execute(FILL_STEPS.format(handed=year("counted.handed_over_on"),
                                 fixed=year("counted.fixed_on"),
                                 found=year("counted.found_on"),
                                 own_handed=year("handed_over_on"),
                                 own_fixed=year("fixed_on")))


def downgrade():
    with op.batch_alter_table('counted_finding', schema=None) as batch_op:
        batch_op.drop_column('fixed_on')
        batch_op.drop_column('handed_over_on')
    op.drop_table('counted_finding_step_year')
