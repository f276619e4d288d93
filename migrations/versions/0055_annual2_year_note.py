"""annual2 year note: 存在问题 and 下步打算 of the 年度总结

A new table ``year_note`` keeps the words people write on the 年度总结 page, per
summary (``SummaryScope.key``) and year, as ``summary_note`` keeps the 月报's per month.
A table of its own, not a ``summary_note`` row with no month: every reader of
``summary_note`` (定稿, kept copies, closed months) takes a row for a month. Nothing
existing is read or changed.

Downgrade drops the table (the year's words are lost).

Revision ID: 0055_annual2_year_note
Revises: 0054_roster3_odd_phones_index
Create Date: 2026-12-04 11:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0055_annual2_year_note'
down_revision = '0054_roster3_odd_phones_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "year_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope_key", sa.String(length=255), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=True),
        sa.Column("plans", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"],
                                name=op.f("fk_year_note_community_id_community")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_year_note_unit_id_unit")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["member.id"],
                                name=op.f("fk_year_note_updated_by_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_year_note")),
        sa.UniqueConstraint("scope_key", "year", name=op.f("uq_year_note_scope_key")),
    )


def downgrade():
    op.drop_table("year_note")
