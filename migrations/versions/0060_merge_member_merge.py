"""merge member_merge: 合并账号 records which duplicate account became which

A new table ``member_merge``: a duplicate account (``member_id``, the key: merged once)
merged into the account kept (``into_id``), when and by whom (``services/merge.py``).
A table of its own rather than a column of ``member``, which every page reads. Nothing
existing is read or changed.

Downgrade drops the table (the merged accounts stay switched off; which account each
became stays in the audit trail, action ``merge``).

Revision ID: 0060_merge_member_merge
Revises: 0059_yearfinal_year_copy
Create Date: 2026-12-04 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0060_merge_member_merge'
down_revision = '0059_yearfinal_year_copy'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "member_merge",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("into_id", sa.Integer(), nullable=False),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.Column("merged_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["into_id"], ["member.id"],
                                name=op.f("fk_member_merge_into_id_member")),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_member_merge_member_id_member")),
        sa.ForeignKeyConstraint(["merged_by_id"], ["member.id"],
                                name=op.f("fk_member_merge_merged_by_id_member")),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_member_merge")),
    )


def downgrade():
    op.drop_table("member_merge")
