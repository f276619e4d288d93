"""one current copy: at most one signed 月报 copy per note that is not re-opened

A note's current copy (the signed document its finalised month serves) is the one not
re-opened (``summary_copy.reopened_at`` NULL). 定稿 takes the summary's row lock, so
two 定稿 of one month take turns and the second is refused; the partial unique index
``uq_summary_copy_current`` on ``summary_copy(note_id) WHERE reopened_at IS NULL`` is the
backstop in the database (session 23's races #5).

Before the index is made, a note with two or more current copies (two 定稿 at once on
PostgreSQL before the lock) keeps the newest (the highest id: the one its pages serve)
and the older ones are marked re-opened when the newest was signed, by nobody named:
they stay as history, as a re-opened month's copy does.

A note that is not final now has no current copy. 重新打开 before the revision marked only
the newest of two current copies re-opened, so a month signed twice at once and then
re-opened could keep an older one, and its next 定稿 would break the index: every current
copy of such a note is marked re-opened by the note's first 重新打开 after the copy was
signed (its ``reopen_summary`` event: when and by whom), or, with no such event, when the
copy itself was signed, by nobody named.

Downgrade drops the index; the older copies stay marked re-opened.

Revision ID: 0045_one_current_copy
Revises: 0044_copy_wording
Create Date: 2026-12-03 07:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0045_one_current_copy'
down_revision = '0044_copy_wording'
branch_labels = None
depends_on = None

NEWEST = ("(SELECT max(newest.id) FROM summary_copy newest"
          " WHERE newest.note_id = summary_copy.note_id AND newest.reopened_at IS NULL)")


# the note's first 重新打开 (its audit event) after the copy was signed
REOPEN = ("(SELECT {column} FROM audit_event reopen"
          " WHERE reopen.entity_type = 'summary_note' AND reopen.action = 'reopen_summary'"
          " AND reopen.entity_id = summary_copy.note_id"
          " AND reopen.created_at >= summary_copy.finalized_at"
          " ORDER BY reopen.created_at, reopen.id LIMIT 1)")


def upgrade():
    # a note not final now: none of its copies is current
    op.execute(
        "UPDATE summary_copy SET"
        f" reopened_at = COALESCE({REOPEN.format(column='reopen.created_at')}, finalized_at),"
        f" reopened_by_id = {REOPEN.format(column='reopen.actor_id')}"
        " WHERE reopened_at IS NULL AND note_id IN"
        " (SELECT id FROM summary_note WHERE finalized_at IS NULL)")
    # a final note: the newest current copy stays current
    op.execute(
        "UPDATE summary_copy SET reopened_at = (SELECT kept.finalized_at FROM summary_copy kept"
        f" WHERE kept.id = {NEWEST})"
        f" WHERE reopened_at IS NULL AND id < {NEWEST}")
    op.create_index('uq_summary_copy_current', 'summary_copy', ['note_id'], unique=True,
                    sqlite_where=sa.text('reopened_at IS NULL'),
                    postgresql_where=sa.text('reopened_at IS NULL'))


def downgrade():
    op.drop_index('uq_summary_copy_current', table_name='summary_copy',
                  sqlite_where=sa.text('reopened_at IS NULL'),
                  postgresql_where=sa.text('reopened_at IS NULL'))
