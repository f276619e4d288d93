"""reminders: the outbox, members' reminder settings and opt-outs, community robots

New tables only: existing data needs nothing carried forward (a member without a
member_notify row has the defaults: in-app and SMS on, e-mail off, no calendar
feed; no opt-out row means every kind is on).

Revision ID: 0006_reminders_outbox
Revises: 0005_sessions_and_privacy
Create Date: 2026-11-30 14:39:52.363013

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_reminders_outbox'
down_revision = '0005_sessions_and_privacy'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('community_webhook',
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('inapp', 'email', 'sms', 'wecom', 'dingtalk', name='channel', native_enum=False, length=16), nullable=False),
    sa.Column('url_encrypted', sa.Text(), nullable=False),
    sa.Column('url_hint', sa.String(length=80), nullable=False),
    sa.Column('secret_encrypted', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_community_webhook_community_id_community')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['member.id'], name=op.f('fk_community_webhook_updated_by_id_member')),
    sa.PrimaryKeyConstraint('community_id', name=op.f('pk_community_webhook'))
    )
    op.create_table('member_notify',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=120), nullable=True),
    sa.Column('email_on', sa.Boolean(), nullable=False),
    sa.Column('sms_on', sa.Boolean(), nullable=False),
    sa.Column('calendar_token_hash', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_member_notify_member_id_member')),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_member_notify')),
    sa.UniqueConstraint('calendar_token_hash', name=op.f('uq_member_notify_calendar_token_hash'))
    )
    op.create_table('reminder_opt_out',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_reminder_opt_out_member_id_member')),
    sa.PrimaryKeyConstraint('member_id', 'kind', name=op.f('pk_reminder_opt_out'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.Enum('inapp', 'email', 'sms', 'wecom', 'dingtalk', name='channel', native_enum=False, length=16), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=True),
    sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'failed', name='outboxstatus', native_enum=False, length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('delivery_id', sa.String(length=32), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_outbox_community_id_community')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_outbox_member_id_member')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_outbox_task_id_task')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_dedupe_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_member_channel', ['member_id', 'channel', 'status', 'claimed_at'], unique=False)
        batch_op.create_index('ix_outbox_status_next', ['status', 'next_attempt_at'], unique=False)



def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status_next')
        batch_op.drop_index('ix_outbox_member_channel')

    op.drop_table('outbox')
    op.drop_table('reminder_opt_out')
    op.drop_table('member_notify')
    op.drop_table('community_webhook')
