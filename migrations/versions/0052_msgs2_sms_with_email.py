"""msgs2 sms with email: SMS beside e-mail only when the member asked for both

A member who gets reminders by e-mail no longer gets each one again by SMS unless
they tick 「有邮件时也发短信」 on 提醒设置 (``member_notify.sms_with_email``). Existing
settings start unticked: those who turned e-mail on get e-mail instead of a second,
billed copy of each reminder, as the page now says.

Downgrade drops the column (e-mail and SMS both go again where both are on).

Revision ID: 0052_msgs2_sms_with_email
Revises: 0051_phones_normalise
Create Date: 2026-12-03 19:05:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0052_msgs2_sms_with_email'
down_revision = '0051_phones_normalise'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('member_notify', sa.Column('sms_with_email', sa.Boolean(), nullable=False,
                                             server_default=sa.false()))


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE "member_notify" DROP COLUMN "sms_with_email"')
    else:
        op.drop_column('member_notify', 'sms_with_email')
