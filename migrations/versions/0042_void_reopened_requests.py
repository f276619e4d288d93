"""补录申请 adopted into an activity voided since go back to the liaison's queue

A request 采纳 into an activity that was later voided (作废) stayed 「已采纳（活动已作废，
不计入）」: the member's work counted nowhere and nobody was asked to record it again.
``backfill_request.voided_task_id`` names the voided activity of a request that is
pending again; voiding now reopens such requests, and this migration reopens those of
activities voided before it (cancelled with a ``void`` audit event, the app's rule),
as voiding does: pending, naming no task, what 采纳 produced and who decided it cleared
(the ``backfill_request_adopt`` and ``void`` events keep them). A request still
pending that names an activity voided before it is marked the same way (naming the
voided activity, no task), as voiding does: it can no longer be 采纳 into it.

Revision ID: 0042_void_reopened_requests
Revises: 0040_step_and_name_indexes
Create Date: 2026-12-03 04:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0042_void_reopened_requests'
down_revision = '0040_step_and_name_indexes'
branch_labels = None
depends_on = None

VOIDED = ("SELECT task.id FROM task WHERE task.status = 'cancelled' AND EXISTS ("
          "SELECT 1 FROM audit_event WHERE audit_event.entity_type = 'task'"
          " AND audit_event.entity_id = task.id AND audit_event.action = 'void')")


def upgrade():
    with op.batch_alter_table('backfill_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voided_task_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_backfill_request_voided_task_id_task'),
                                    'task', ['voided_task_id'], ['id'])
    op.execute("UPDATE backfill_request SET voided_task_id = result_task_id,"
               " status = 'pending', task_id = NULL, assignment_id = NULL,"
               " result_task_id = NULL, decided_by_id = NULL, decided_at = NULL"
               f" WHERE status = 'adopted' AND result_task_id IN ({VOIDED})")
    op.execute("UPDATE backfill_request SET voided_task_id = task_id, task_id = NULL"
               f" WHERE status = 'pending' AND task_id IN ({VOIDED})")


def downgrade():
    # the reopened requests that are still pending read as before: adopted into the
    # voided activity where 采纳 made the member's participation there (it is not named
    # again), else pending on it (a request that was pending when it was voided)
    made = ("EXISTS (SELECT 1 FROM assignment WHERE assignment.task_id = voided_task_id"
            " AND assignment.member_id = backfill_request.member_id"
            " AND assignment.status = 'done')")
    op.execute("UPDATE backfill_request SET status = 'adopted',"
               " result_task_id = voided_task_id"
               f" WHERE status = 'pending' AND voided_task_id IS NOT NULL AND {made}")
    op.execute("UPDATE backfill_request SET task_id = voided_task_id"
               " WHERE status = 'pending' AND voided_task_id IS NOT NULL")
    with op.batch_alter_table('backfill_request', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_backfill_request_voided_task_id_task'),
                                 type_='foreignkey')
        batch_op.drop_column('voided_task_id')
