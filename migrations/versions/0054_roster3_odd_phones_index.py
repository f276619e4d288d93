"""index: the active members whose number is not spelt plainly

The member directory (/admin/members) asks on every load which active members store
a number other than 11 ASCII digits starting with 1 (``admin.queries.shared_phones``:
only they can share a number with another member). Asked of the member table, that
read every member (about 10 ms of the page's 50-60 at 20,000 members, SQLite and
PostgreSQL alike: docs/performance.md). This partial index holds only those members,
none in the usual case; its WHERE is ``models.people.phone_spelt_oddly`` as
SQLAlchemy writes it for each database, constants written out — SQLite uses a partial
index only for a query whose terms are the index's as written. Index only; no data
changes.

(The revision id is kept within alembic_version's 32 characters on PostgreSQL.)

Revision ID: 0054_roster3_odd_phones_index
Revises: 0053_timeout_robot_tested_ok
Create Date: 2026-12-04 10:20:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0054_roster3_odd_phones_index'
down_revision = '0053_timeout_robot_tested_ok'
branch_labels = None
depends_on = None

PLAIN = "length(phone) = 11 AND phone LIKE '1%' AND ltrim(phone, '0123456789') = ''"


def upgrade():
    op.create_index('ix_member_phone_unplain', 'member', ['id', 'phone'], unique=False,
                    sqlite_where=sa.text(f"active IS 1 AND NOT ({PLAIN})"),
                    postgresql_where=sa.text(f"active IS true AND NOT ({PLAIN})"))


def downgrade():
    op.drop_index('ix_member_phone_unplain', table_name='member')
