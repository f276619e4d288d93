"""yearerase year copy redacted: when a signed 年度总结 copy was redacted for an erasure

删除个人信息 (PIPL Art. 47) takes a resident's name, address and phone out of the
signed 年度总结 copies (``year_copy``: page, .csv, .docx, .xlsx kept at 定稿) of the
years her activities and the words naming her fall in, as it does for the 月报's
(``summary_copy.redacted_at``, 0048). ``year_copy.redacted_at`` records when a copy
was last redacted; NULL: never, as signed. No copy was redacted before.

Downgrade drops the column (the redacted copies stay redacted).

Revision ID: 0061_yearerase_year_redacted
Revises: 0060_merge_member_merge
Create Date: 2026-12-04 15:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0061_yearerase_year_redacted'
down_revision = '0060_merge_member_merge'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('year_copy', sa.Column('redacted_at', sa.DateTime(), nullable=True))


def downgrade():
    # native since SQLite 3.35: no table copy (year_copy_community refers to the table)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE "year_copy" DROP COLUMN "redacted_at"')
    else:
        op.drop_column('year_copy', 'redacted_at')
