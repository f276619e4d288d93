"""yearfinal year copy: the 年度总结's 定稿 and the documents kept at it

``year_note`` gets ``finalized_at`` / ``finalized_by_id`` (已定稿: when, by whom), as
``summary_note`` has for a month. A new table ``year_copy`` keeps the 年度总结 as it was
signed (page, .csv, .docx, .xlsx: the columns of ``summary_copy``, one current copy per
year at most), and ``year_copy_community`` the communities it covers, which decide who
may read it (as ``summary_copy_community`` for a month). Tables of their own, not
``summary_copy`` rows: ``summary_copy.note_id`` names a month's note and every reader of
it takes a month. Nothing existing is read or changed; no year was signed before.

Downgrade drops both tables and the two columns (every signed year is lost).

Revision ID: 0059_yearfinal_year_copy
Revises: 0058_annualperf_finding_unit
Create Date: 2026-12-04 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0059_yearfinal_year_copy'
down_revision = '0058_annualperf_finding_unit'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('year_note', schema=None) as batch_op:
        batch_op.add_column(sa.Column('finalized_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('finalized_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_year_note_finalized_by_id_member'),
                                    'member', ['finalized_by_id'], ['id'])
    op.create_table(
        'year_copy',
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
        sa.Column('wording_version', sa.Integer(), server_default='0', nullable=False),
        sa.ForeignKeyConstraint(['finalized_by_id'], ['member.id'],
                                name=op.f('fk_year_copy_finalized_by_id_member')),
        sa.ForeignKeyConstraint(['note_id'], ['year_note.id'],
                                name=op.f('fk_year_copy_note_id_year_note')),
        sa.ForeignKeyConstraint(['reopened_by_id'], ['member.id'],
                                name=op.f('fk_year_copy_reopened_by_id_member')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_year_copy')),
    )
    op.create_index(op.f('ix_year_copy_note_id'), 'year_copy', ['note_id'], unique=False)
    op.create_index('uq_year_copy_current', 'year_copy', ['note_id'], unique=True,
                    sqlite_where=sa.text('reopened_at IS NULL'),
                    postgresql_where=sa.text('reopened_at IS NULL'))
    op.create_table(
        'year_copy_community',
        sa.Column('copy_id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['community_id'], ['community.id'],
                                name=op.f('fk_year_copy_community_community_id_community')),
        sa.ForeignKeyConstraint(['copy_id'], ['year_copy.id'],
                                name=op.f('fk_year_copy_community_copy_id_year_copy')),
        sa.PrimaryKeyConstraint('copy_id', 'community_id', name=op.f('pk_year_copy_community')),
    )


def downgrade():
    op.drop_table('year_copy_community')
    op.drop_index('uq_year_copy_current', table_name='year_copy',
                  sqlite_where=sa.text('reopened_at IS NULL'),
                  postgresql_where=sa.text('reopened_at IS NULL'))
    op.drop_index(op.f('ix_year_copy_note_id'), table_name='year_copy')
    op.drop_table('year_copy')
    with op.batch_alter_table('year_note', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_year_note_finalized_by_id_member'),
                                 type_='foreignkey')
        batch_op.drop_column('finalized_by_id')
        batch_op.drop_column('finalized_at')
