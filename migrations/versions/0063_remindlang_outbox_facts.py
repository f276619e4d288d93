"""remindlang outbox facts: what a reminder says, as data, worded in its reader's language

A reminder was worded once, when the job wrote its outbox row, in the default locale
(zh_CN), and the 消息 page and 提醒发送状态 showed those stored words, so a member
reading the app in English saw every 消息 in Chinese. ``outbox.facts`` (JSON) keeps
the values the row's kind words it from (task title, times in UTC, counts, names as
they were when written); the pages word it in the reader's language from them.
``subject`` and ``body`` stay: what was sent. Rows written before have no facts
(NULL) and show their stored text, as before.

Downgrade drops the column (the stored text stays).

Revision ID: 0063_remindlang_outbox_facts
Revises: 0062_erased_erased_again
Create Date: 2026-12-05 03:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0063_remindlang_outbox_facts'
down_revision = '0062_erased_erased_again'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('outbox', sa.Column('facts', sa.JSON(), nullable=True))


def downgrade():
    # native since SQLite 3.35: no table copy
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE "outbox" DROP COLUMN "facts"')
    else:
        op.drop_column('outbox', 'facts')
