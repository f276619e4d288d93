"""submission tokens: a form sent twice (a retry on a weak signal) changes things once

A new table only: no existing row needs a value (no form carried a token before).

Revision ID: 0011_submission_tokens
Revises: 0010_needs
Create Date: 2026-11-30 21:17:49.089822

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_submission_tokens'
down_revision = '0010_needs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submission_token',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('location', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_submission_token'))
    )
    with op.batch_alter_table('submission_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_token_created_at'), ['created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('submission_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_token_created_at'))

    op.drop_table('submission_token')
