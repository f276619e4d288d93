"""report owed mark: a task carries its end while it owes a report

已结束未提交 and 逾期事项 read "not cancelled, no report or a returned one, and ended"
as a range of a partial index instead of an anti-join over every task ever held
(``tracker/report_owed.py`` keeps the mark afterwards). The mark is filled here from
the tasks and reports already there, by the same rule.

Revision ID: 0014_report_owed_mark
Revises: 0013_need_photo
Create Date: 2026-11-30 23:59:21

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_report_owed_mark'
down_revision = '0013_need_photo'
branch_labels = None
depends_on = None

OWED = sa.text('report_owed_at IS NOT NULL')


def upgrade():
    # a plain ADD COLUMN and CREATE INDEX: no batch copy of the (large) task table
    op.add_column('task', sa.Column('report_owed_at', sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE task SET report_owed_at = ends_at"
        " WHERE status <> 'cancelled' AND NOT EXISTS ("
        "   SELECT 1 FROM task_report"
        "   WHERE task_report.task_id = task.id AND task_report.status <> 'returned')"
    )
    op.create_index('ix_task_community_report_owed', 'task', ['community_id', 'report_owed_at'],
                    unique=False, sqlite_where=OWED, postgresql_where=OWED)
    op.create_index('ix_task_report_owed', 'task', ['report_owed_at'], unique=False,
                    sqlite_where=OWED, postgresql_where=OWED)


def downgrade():
    op.drop_index('ix_task_report_owed', table_name='task')
    op.drop_index('ix_task_community_report_owed', table_name='task')
    # SQLite (3.35+) drops a column in place; a batch copy of ``task`` would fail on
    # the rows referring to it
    op.drop_column('task', 'report_owed_at')
