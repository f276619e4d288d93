"""backfill requests: a member's 「我参加了但没有记录」 for the liaison to 采纳 or 拒绝

A new table only: no existing row needs a value (nobody could ask before).

Revision ID: 0012_backfill_requests
Revises: 0011_submission_tokens
Create Date: 2026-11-30 22:06:25.540753

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_backfill_requests'
down_revision = '0011_submission_tokens'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('backfill_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'adopted', 'declined', 'withdrawn', name='requeststatus', native_enum=False, length=16), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('result_task_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('minutes > 0 AND minutes <= 1440', name=op.f('ck_backfill_request_minutes_range')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_backfill_request_assignment_id_assignment')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_backfill_request_community_id_community')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['member.id'], name=op.f('fk_backfill_request_decided_by_id_member')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_backfill_request_member_id_member')),
    sa.ForeignKeyConstraint(['result_task_id'], ['task.id'], name=op.f('fk_backfill_request_result_task_id_task')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_backfill_request_task_id_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_backfill_request'))
    )
    with op.batch_alter_table('backfill_request', schema=None) as batch_op:
        batch_op.create_index('ix_backfill_request_member', ['member_id', 'status', 'task_id'], unique=False)
        batch_op.create_index('ix_backfill_request_queue', ['community_id', 'status', 'created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('backfill_request', schema=None) as batch_op:
        batch_op.drop_index('ix_backfill_request_queue')
        batch_op.drop_index('ix_backfill_request_member')

    op.drop_table('backfill_request')
