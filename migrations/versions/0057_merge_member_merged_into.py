"""merge member merged_into: 合并账号 marks the duplicate account

A nullable ``member.merged_into_id``: the account a duplicate of the same person was
merged into (``services/merge.py``). Existing members were merged into nothing: NULL.
A plain column (no foreign key), so SQLite adds it in place instead of rebuilding the
table every other table points at.

Downgrade drops the column (the accounts stay switched off; which account each was
merged into stays in the audit trail, action ``merge``).

Revision ID: 0057_merge_member_merged_into
Revises: 0056_nextyear_item_year_index
Create Date: 2026-12-04 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0057_merge_member_merged_into'
down_revision = '0056_nextyear_item_year_index'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('member', sa.Column('merged_into_id', sa.Integer(), nullable=True))


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':  # native since SQLite 3.35: no table copy
        op.execute('ALTER TABLE "member" DROP COLUMN "merged_into_id"')
    else:
        op.drop_column('member', 'merged_into_id')
