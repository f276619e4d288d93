"""index: the 工作台's open 摸排问题 from the counted findings kept per community and year

The 工作台's 「未整改的摸排问题」 counts the findings of approved surveys (and, apart,
those of surveys 待审核), summed from ``counted_finding_community_year``, whose key
leads with the year; this index lets the sum be a range of a report status and the
open statuses (of some communities, or all) read from the index alone. Index only;
no data changes.

Revision ID: 0049_figfix_open_findings_index
Revises: 0048_erase_redacted_copy
Create Date: 2026-12-03 16:55:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0049_figfix_open_findings_index'
down_revision = '0048_erase_redacted_copy'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_counted_finding_community_year_open', 'counted_finding_community_year',
                    ['report_status', 'status', 'community_id', 'findings'])


def downgrade():
    op.drop_index('ix_counted_finding_community_year_open',
                  table_name='counted_finding_community_year')
