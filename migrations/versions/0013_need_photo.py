"""need photo: the optional photo a liaison keeps when confirming a need fulfilled

A nullable column: needs confirmed before it simply have no photo.

Revision ID: 0013_need_photo
Revises: 0012_backfill_requests
Create Date: 2026-11-30 22:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_need_photo'
down_revision = '0012_backfill_requests'
branch_labels = None
depends_on = None


def upgrade():
    # a plain ADD COLUMN: SQLite can, and a batch copy of ``need`` is not needed
    op.add_column('need', sa.Column('fulfil_photo', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_column('fulfil_photo')
