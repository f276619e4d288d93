"""indexes: a month's finding hand-overs and fixes, namesakes on a unit's roll

Two reads of the 月报 added in session 22 scanned whole tables at county scale: the
month's hand-overs and fixes of findings found whenever (``moves_plan``, by
``handed_over_on`` / ``fixed_on``) and, for each participant in the ledger, the unit's
members of the same name and 党支部 (``names.distinguished``). Indexes only; no data
changes.

Revision ID: 0040_step_and_name_indexes
Revises: 0039_copy_communities
Create Date: 2026-12-03 01:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0040_step_and_name_indexes'
down_revision = '0039_copy_communities'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_finding_handed_over_on', 'finding', ['handed_over_on'])
    op.create_index('ix_finding_fixed_on', 'finding', ['fixed_on'])
    op.create_index('ix_member_unit_name', 'member', ['unit_id', 'name', 'branch'])


def downgrade():
    op.drop_index('ix_member_unit_name', table_name='member')
    op.drop_index('ix_finding_fixed_on', table_name='finding')
    op.drop_index('ix_finding_handed_over_on', table_name='finding')
