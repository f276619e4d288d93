"""need: 已转任务 (tasked), and a need done by its task needs no claimer

A need turned into a task (转为任务) stayed 待认领: anyone could claim it, the task's
approval never finished it, and a cancelled task kept it linked for good. It is now
``tasked`` while its task does it, fulfilled when the task's report is approved, and
given back (its ``task_id`` cleared) when the task is cancelled. The ``claimer`` check
follows: a tasked need has a task and no claimer; a fulfilled one has a claimer or a
task.

Existing rows are put in the state the rule gives them: a live need whose task was
cancelled loses the task (an open one can be converted again); an open need with a
task is ``tasked``. Needs whose task is already approved stay as they are: their
liaison confirms them (确认完成 is offered once the task is approved). The status is a
plain string column (``native_enum=False``, 16 characters), so the new value needs no
change to the column.

Revision ID: 0026_need_tasked
Revises: 0025_l1_outbox_failed_at_reason
Create Date: 2026-12-02 20:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0026_need_tasked'
down_revision = '0025_l1_outbox_failed_at_reason'
branch_labels = None
depends_on = None

OLD_RULE = ("(status NOT IN ('claimed', 'fulfilled') OR claimed_by_id IS NOT NULL)"
            " AND (status <> 'open' OR claimed_by_id IS NULL)")
NEW_RULE = ("(status <> 'claimed' OR claimed_by_id IS NOT NULL)"
            " AND (status NOT IN ('open', 'tasked') OR claimed_by_id IS NULL)"
            " AND (status <> 'tasked' OR task_id IS NOT NULL)"
            " AND (status <> 'fulfilled' OR claimed_by_id IS NOT NULL"
            " OR task_id IS NOT NULL)")


def _rule(rule):
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_need_claimer'), type_='check')
        batch_op.create_check_constraint(op.f('ck_need_claimer'), rule)


def upgrade():
    # both rules allow these rows, so the data goes first
    op.execute("UPDATE need SET task_id = NULL WHERE status IN ('open', 'claimed')"
               " AND task_id IN (SELECT id FROM task WHERE status = 'cancelled')")
    op.execute("UPDATE need SET status = 'tasked' WHERE status = 'open'"
               " AND task_id IS NOT NULL")
    _rule(NEW_RULE)


def downgrade():
    # before 0025 a converted need stayed open, and a fulfilled one named a claimer:
    # one done by its task names whoever approved it
    op.execute("UPDATE need SET status = 'open' WHERE status = 'tasked'")
    op.execute("UPDATE need SET claimed_by_id = fulfilled_by_id"
               " WHERE status = 'fulfilled' AND claimed_by_id IS NULL")
    _rule(OLD_RULE)
