"""admin home indexes: the admin's 工作台 counts open findings and pending 补录申请
of every community from an index, not from the whole table, and reads the review
queue's oldest reports in index order

Indexes only: existing rows need nothing carried forward.

Revision ID: 0015_admin_home_indexes
Revises: 0014_report_owed_mark
Create Date: 2026-12-01 00:14:53

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015_admin_home_indexes'
down_revision = '0014_report_owed_mark'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_backfill_request_status', 'backfill_request', ['status'], unique=False)
    op.create_index('ix_finding_status_active', 'finding', ['status', 'active'], unique=False)
    op.create_index('ix_task_report_queue', 'task_report', ['status', 'submitted_at', 'id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_task_report_queue', table_name='task_report')
    op.drop_index('ix_finding_status_active', table_name='finding')
    op.drop_index('ix_backfill_request_status', table_name='backfill_request')
