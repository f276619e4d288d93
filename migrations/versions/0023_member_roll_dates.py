"""member.roll_since / roll_until: when a member was on the unit's roll

A past month's 参与情况 (who of the roll took part) used today's roll: a member added in
December was listed as 未参与 in October, and a deactivated one dropped out of every
past month, so a finalised month's 参与率 changed after the fact. Both dates are local
(Asia/Shanghai) days; NULL roll_since is "as far back as the records go", NULL
roll_until "still on it" (rollups/coverage.py).

Existing deactivated members keep what they had: off every roll (roll_until NULL with
active false), since the day they left is not known.

Revision ID: 0023_member_roll_dates
Revises: 0022_counted_unit_indexes
Create Date: 2026-12-02 15:45:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0023_member_roll_dates'
down_revision = '0022_counted_unit_indexes'
branch_labels = None
depends_on = None


def upgrade():
    # Added in place, not by a batch copy: SQLite cannot copy a table other tables
    # point at (its foreign keys refuse the DROP).
    op.add_column('member', sa.Column('roll_since', sa.Date(), nullable=True))
    op.add_column('member', sa.Column('roll_until', sa.Date(), nullable=True))


def downgrade():
    for name in ('roll_until', 'roll_since'):
        if op.get_bind().dialect.name == 'sqlite':  # native since SQLite 3.35: no table copy
            op.execute(f'ALTER TABLE "member" DROP COLUMN "{name}"')
        else:
            op.drop_column('member', name)
