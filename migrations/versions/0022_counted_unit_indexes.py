"""counted rows by unit: an index leading with unit_id on counted_task and
counted_participation

A unit's 月报 and progress pages read its month of counted rows. With only the
date-leading and community-leading indexes, SQLite and PostgreSQL read the whole
county's month (18,000 participations on the 1M set) to keep the unit's 240. Both
indexes cover the columns the rollups read, as the date and community ones do.

Revision ID: 0022_counted_unit_indexes
Revises: 0021_finding_tally
Create Date: 2026-12-01 22:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022_counted_unit_indexes'
down_revision = '0021_finding_tally'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('counted_task', schema=None) as batch_op:
        batch_op.create_index('ix_counted_task_unit', ['unit_id', 'service_date', 'category_id', 'community_id', 'zone_id', 'report_status', 'quantity', 'people_served', 'person_times', 'minutes'], unique=False)
    with op.batch_alter_table('counted_participation', schema=None) as batch_op:
        batch_op.create_index('ix_counted_participation_unit', ['unit_id', 'service_date', 'category_id', 'community_id', 'zone_id', 'report_status', 'member_id'], unique=False)


def downgrade():
    with op.batch_alter_table('counted_participation', schema=None) as batch_op:
        batch_op.drop_index('ix_counted_participation_unit')
    with op.batch_alter_table('counted_task', schema=None) as batch_op:
        batch_op.drop_index('ix_counted_task_unit')
