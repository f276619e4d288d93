"""summary copy: the finalised 月报 as it was signed

A month marked 已定稿 kept only its words (存在问题, 下步打算) and the date; every
figure was read live, so a report returned or approved, a finding fixed, a fund entry
in an earlier month or a roll change rewrote the signed document under its 落款. The
table ``summary_copy`` keeps the document itself at 定稿: the page's section (HTML),
the .csv, .docx and .xlsx, served for the finalised month. Re-opening the month marks
the copy ``reopened_at`` (kept as history).

Months finalised before this revision have no copy: they are served live, and the
page says so.

Revision ID: 0033_final_summary_copy
Revises: 0032_roll_periods
Create Date: 2026-12-02 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0033_final_summary_copy'
down_revision = '0032_roll_periods'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'summary_copy',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('note_id', sa.Integer(), nullable=False),
        sa.Column('finalized_at', sa.DateTime(), nullable=False),
        sa.Column('finalized_by_id', sa.Integer(), nullable=True),
        sa.Column('reopened_at', sa.DateTime(), nullable=True),
        sa.Column('reopened_by_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=255), nullable=False),
        sa.Column('page', sa.Text(), nullable=False),
        sa.Column('csv', sa.LargeBinary(), nullable=False),
        sa.Column('docx', sa.LargeBinary(), nullable=False),
        sa.Column('xlsx', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['finalized_by_id'], ['member.id'],
                                name=op.f('fk_summary_copy_finalized_by_id_member')),
        sa.ForeignKeyConstraint(['note_id'], ['summary_note.id'],
                                name=op.f('fk_summary_copy_note_id_summary_note')),
        sa.ForeignKeyConstraint(['reopened_by_id'], ['member.id'],
                                name=op.f('fk_summary_copy_reopened_by_id_member')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_copy')),
    )
    with op.batch_alter_table('summary_copy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_summary_copy_note_id'), ['note_id'], unique=False)


def downgrade():
    with op.batch_alter_table('summary_copy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_summary_copy_note_id'))
    op.drop_table('summary_copy')
