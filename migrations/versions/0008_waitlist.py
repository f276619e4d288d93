"""waitlist: 候补 places of full tasks

A new table only: no existing row needs a value (no task had a waitlist).

Revision ID: 0008_waitlist
Revises: 0007_task_leader_index
Create Date: 2026-11-30 17:42:37.311460

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_waitlist'
down_revision = '0007_task_leader_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('waitlist_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'promoted', 'left', name='waitstatus', native_enum=False, length=16), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.Column('promoted_at', sa.DateTime(), nullable=True),
    sa.Column('promoted_by_id', sa.Integer(), nullable=True),
    sa.Column('left_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_waitlist_entry_member_id_member')),
    sa.ForeignKeyConstraint(['promoted_by_id'], ['member.id'], name=op.f('fk_waitlist_entry_promoted_by_id_member')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_waitlist_entry_task_id_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist_entry')),
    sa.UniqueConstraint('task_id', 'member_id', name='uq_waitlist_task_member')
    )
    with op.batch_alter_table('waitlist_entry', schema=None) as batch_op:
        batch_op.create_index('ix_waitlist_member_status', ['member_id', 'status'], unique=False)
        batch_op.create_index('ix_waitlist_task_queue', ['task_id', 'status', 'joined_at', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('waitlist_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_waitlist_task_queue')
        batch_op.drop_index('ix_waitlist_member_status')

    op.drop_table('waitlist_entry')
