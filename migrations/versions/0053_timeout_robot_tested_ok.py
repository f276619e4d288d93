"""timeout robot tested ok: when a work-group robot last took a 发送测试消息

A successful test proves the group hears the robot again, so the 工作台's notice of a
digest the job gave up on before it ends (``community_webhook.tested_ok_at``). Existing
robots start untested: their notices stay until a digest or a test goes through.

Downgrade drops the column (the notice again waits for a later digest).

Revision ID: 0053_timeout_robot_tested_ok
Revises: 0052_msgs2_sms_with_email
Create Date: 2026-12-04 10:15:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0053_timeout_robot_tested_ok'
down_revision = '0052_msgs2_sms_with_email'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('community_webhook', sa.Column('tested_ok_at', sa.DateTime(), nullable=True))


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE "community_webhook" DROP COLUMN "tested_ok_at"')
    else:
        op.drop_column('community_webhook', 'tested_ok_at')
