"""summary copy communities: who may read a signed 月报 is fixed at 定稿

Until now a liaison's reach over a kept 月报 (``summary_copy``) was decided by the
month's live data: after a void the liaison of a unit's two communities could read a
signed copy holding a third community's work, and a 补录 in a third community took the
copy away from the liaison who had signed it. The table ``summary_copy_community``
keeps the communities each copy covers, written at 定稿 from then on: a community's
summary (or a unit's in one community) that community; a unit's month every community
it touched — its activities of the month not cancelled, its fund entries of the year to
the month's end and its budgets of the year, the needs its members claimed or its tasks
took on, posted or fulfilled that month (``summary_notes.unit_month_community_ids``,
frozen here).

Copies kept before this revision are filled from the data as it is now: what the month
touched at 定稿 was not recorded, so the month's communities today are the best
available (a void or a 补录 since 定稿 shows in them).

Downgrade drops the table.

Revision ID: 0039_copy_communities
Revises: 0037_roll_from_audit
Create Date: 2026-12-03 01:30:00.000000

"""
from datetime import date

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0039_copy_communities'
down_revision = '0037_roll_from_audit'
branch_labels = None
depends_on = None

# a unit's month: the communities its figures touch (summary_notes.unit_month_community_ids)
UNIT_MONTH = sa.text("""
    SELECT community_id FROM task
     WHERE unit_id = :unit AND service_date >= :first AND service_date < :next
       AND status <> 'cancelled'
    UNION
    SELECT community_id FROM fund_entry
     WHERE unit_id = :unit AND entry_date >= :year_start AND entry_date < :next
    UNION
    SELECT resource_item.community_id FROM resource_item
      JOIN category ON category.id = resource_item.category_id
     WHERE category.code = 'cobuild_funding' AND resource_item.target_measure = 'money'
       AND resource_item.year = :year AND resource_item.unit_id = :unit
     GROUP BY resource_item.unit_id, resource_item.community_id
    HAVING sum(resource_item.target) > 0
    UNION
    SELECT community_id FROM need
     WHERE ((posted_on >= :first AND posted_on < :next)
            OR (fulfilled_on >= :first AND fulfilled_on < :next))
       AND (claimed_by_id IN (SELECT id FROM member WHERE unit_id = :unit)
            OR task_id IN (SELECT id FROM task WHERE unit_id = :unit))
""")


def upgrade():
    op.create_table(
        'summary_copy_community',
        sa.Column('copy_id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['community_id'], ['community.id'],
                                name=op.f('fk_summary_copy_community_community_id_community')),
        sa.ForeignKeyConstraint(['copy_id'], ['summary_copy.id'],
                                name=op.f('fk_summary_copy_community_copy_id_summary_copy')),
        sa.PrimaryKeyConstraint('copy_id', 'community_id', name=op.f('pk_summary_copy_community')),
    )
    conn = op.get_bind()
    copies = conn.execute(sa.text(
        "SELECT summary_copy.id, summary_note.unit_id, summary_note.community_id,"
        " summary_note.year, summary_note.month FROM summary_copy"
        " JOIN summary_note ON summary_note.id = summary_copy.note_id"
        " ORDER BY summary_copy.id")).all()
    rows = []
    for copy_id, unit_id, community_id, year, month in copies:
        if community_id is not None:
            ids = [community_id]
        else:
            first = date(year, month, 1)
            following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
            ids = sorted({c for (c,) in conn.execute(UNIT_MONTH, {
                "unit": unit_id, "first": first, "next": following,
                "year_start": date(year, 1, 1), "year": year})})
        rows.extend({"copy_id": copy_id, "community_id": c} for c in ids)
    if rows:
        conn.execute(sa.text("INSERT INTO summary_copy_community (copy_id, community_id)"
                             " VALUES (:copy_id, :community_id)"), rows)


def downgrade():
    op.drop_table('summary_copy_community')
