"""annualperf finding unit index: a unit's findings of a period by the unit

The 月报 and the 年度总结 count a unit's findings found in their period (the survey
sentence, the zones, the 附表's counts: ``rollups.findings``). Without this index they
were read through ``ix_finding_found``: every unit's findings of the period, kept or
dropped one by one — over a year at county scale about a third of the 年度总结's
statement time (docs/performance.md, "the 年度总结 at county scale").

Downgrade drops the index.

Revision ID: 0058_annualperf_finding_unit
Revises: 0057_small2_old_timeouts
Create Date: 2026-12-04 14:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0058_annualperf_finding_unit'
down_revision = '0057_small2_old_timeouts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_finding_unit_found', 'finding', ['unit_id', 'found_on'], unique=False)


def downgrade():
    op.drop_index('ix_finding_unit_found', table_name='finding')
