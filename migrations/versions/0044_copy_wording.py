"""summary copy wording: which wording of the 月报 a signed copy was rendered in

A signed month's page compares the kept copy's text with the live document's and
says 「定稿后数据有变化」 when they differ. A release that words or lays out the 月报
differently (session 23: the lead's order, the 附表's new columns) made every month
signed before it differ, although no figure did. ``summary_copy.wording_version``
records the wording (``tracker.reports.wording.WORDING_VERSION``) of the code that
rendered the copy; copies kept before this revision get 0, an older wording than any
release's, so their page says that the wording changed with a system update rather
than that the data changed.

Downgrade drops the column.

Revision ID: 0044_copy_wording
Revises: 0043_clean_member_names
Create Date: 2026-12-03 05:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0044_copy_wording'
down_revision = '0043_clean_member_names'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('summary_copy', sa.Column('wording_version', sa.Integer(),
                                            server_default='0', nullable=False))


def downgrade():
    # native since SQLite 3.35: no table copy (summary_copy_community refers to the table)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE "summary_copy" DROP COLUMN "wording_version"')
    else:
        op.drop_column('summary_copy', 'wording_version')
