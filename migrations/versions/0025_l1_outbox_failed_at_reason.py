"""outbox.failed_at and outbox.reason: when a row last failed, and why it was not sent

提醒状态 dated a channel's 最近出错 by the row's claim (the time of the successful retry,
too), and listed a member's own choices (SMS turned off, account switched off) as
发送失败 with 重试, in English. A failure now has its own time; a row the job does not
send because of the recipient's choice is ``skipped``, one that is no longer true when
it could leave (the member withdrew, the report was corrected …) ``obsolete``, each
with a reason code translated on display (tracker/reminders/reasons.py). Both statuses
fit the status column (a string of 16, no CHECK constraint).

Existing rows: a row with an error failed at its claim, the best time known; rows
given up because of the recipient's choice become ``skipped``.

Revision ID: 0025_l1_outbox_failed_at_reason
Revises: 0024_member_name_key
Create Date: 2026-12-02 18:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0025_l1_outbox_failed_at_reason'
down_revision = '0024_member_name_key'
branch_labels = None
depends_on = None

# The texts the job used to store for the recipient's choices, and their codes now.
CHOICES = {
    'account inactive': 'inactive',
    'member turned e-mail off': 'email_off',
    'member turned SMS off': 'sms_off',
    '该社区已不再使用这个工作群机器人': 'robot_off',
}


def upgrade():
    # Added in place, not by a batch copy (SQLite cannot copy a table others point at).
    op.add_column('outbox', sa.Column('failed_at', sa.DateTime(), nullable=True))
    op.add_column('outbox', sa.Column('reason', sa.String(length=32), nullable=True))
    op.execute("UPDATE outbox SET failed_at = claimed_at WHERE last_error IS NOT NULL")
    outbox = sa.table('outbox', sa.column('status', sa.String), sa.column('reason', sa.String),
                      sa.column('last_error', sa.Text), sa.column('failed_at', sa.DateTime))
    for text, code in CHOICES.items():
        op.execute(outbox.update().where(outbox.c.status == 'failed', outbox.c.last_error == text)
                   .values(status='skipped', reason=code, last_error=None, failed_at=None))


def downgrade():
    op.execute("UPDATE outbox SET status = 'failed', last_error = reason "
               "WHERE status IN ('skipped', 'obsolete')")
    for name in ('reason', 'failed_at'):
        if op.get_bind().dialect.name == 'sqlite':  # native since SQLite 3.35: no table copy
            op.execute(f'ALTER TABLE "outbox" DROP COLUMN "{name}"')
        else:
            op.drop_column('outbox', name)
