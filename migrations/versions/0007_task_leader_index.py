"""task leader index: 我的任务's badge reads the tasks one member leads

An index only: existing rows need nothing carried forward.

Revision ID: 0007_task_leader_index
Revises: 0006_reminders_outbox
Create Date: 2026-11-30 17:38:41.956309

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007_task_leader_index'
down_revision = '0006_reminders_outbox'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index('ix_task_leader_starts', ['leader_id', 'starts_at'], unique=False)


def downgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_leader_starts')
