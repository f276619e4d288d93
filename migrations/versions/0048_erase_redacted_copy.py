"""erase redacted copy: when a signed 月报 copy was redacted for an erasure

删除个人信息 (PIPL Art. 47) takes a resident's name, address and phone out of the
signed 月报 copies of the months whose activities served them (the page, .csv, .docx
and .xlsx kept at 定稿: the text only, every figure as signed). ``summary_copy.
redacted_at`` records when a copy was last redacted, so its page can say
「已按删除个人信息的要求脱敏」 and when; NULL: never redacted, as signed.

Downgrade drops the column (the redacted copies stay redacted).

Revision ID: 0048_erase_redacted_copy
Revises: 0047_double_section
Create Date: 2026-12-03 16:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0048_erase_redacted_copy'
down_revision = '0047_double_section'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('summary_copy', sa.Column('redacted_at', sa.DateTime(), nullable=True))


def downgrade():
    # native since SQLite 3.35: no table copy (summary_copy_community refers to the table)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE "summary_copy" DROP COLUMN "redacted_at"')
    else:
        op.drop_column('summary_copy', 'redacted_at')
