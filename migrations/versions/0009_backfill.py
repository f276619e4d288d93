"""backfill: 补录 — a task recorded after the fact

Every existing task happened as planned (claimed, reported, reviewed): the new flag's
server default, false, carries them forward as they are; only the 补录 service sets it.

Revision ID: 0009_backfill
Revises: 0008_waitlist
Create Date: 2026-11-30 21:24:40.633240

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_backfill'
down_revision = '0008_waitlist'
branch_labels = None
depends_on = None


def upgrade():
    # Added in place, not by a batch copy: SQLite cannot copy a table other tables
    # point at (its foreign keys refuse the DROP), and ADD COLUMN with a constant
    # default fills every existing row.
    op.add_column('task', sa.Column('backfilled', sa.Boolean(), server_default=sa.false(),
                                    nullable=False))


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':  # native since SQLite 3.35: no table copy
        op.execute('ALTER TABLE "task" DROP COLUMN "backfilled"')
    else:
        op.drop_column('task', 'backfilled')
