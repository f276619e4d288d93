"""purgelabels phone mask: the mask of a phone the retention period erased

A member's namesakes are told apart by the phone (「陈芳（尾号0063）」, 「赵敏（138****0008）」,
``tracker/names.py``) in the 月报 and 年度总结 signed and handed up. ``flask
purge-members`` erases the phone of a member 停用 past the retention period, and the
labels then changed in months signed long before — 「定稿后数据有变化」 after a cron run
nobody was told of, and a 同名N serial could come to name another person.
``member.phone_mask`` keeps the phone as lists mask it (138****0001, ****5678 for
another number) when the number is erased: the label reads it (``Member.namesake_phone``).
NULL for every member now: those erased before have no number left to mask (their
labels changed at their erasure, before this revision).

Downgrade drops the column (the labels of members erased since read as erased before).

Revision ID: 0066_purgelabels_phone_mask
Revises: 0065_doublekept_finding_steps
Create Date: 2026-12-05 13:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0066_purgelabels_phone_mask'
down_revision = '0065_doublekept_finding_steps'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('member', sa.Column('phone_mask', sa.String(length=11), nullable=True))


def downgrade():
    # native since SQLite 3.35: no table copy (many tables refer to member)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE "member" DROP COLUMN "phone_mask"')
    else:
        op.drop_column('member', 'phone_mask')
