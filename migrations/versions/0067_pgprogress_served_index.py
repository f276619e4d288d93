"""pgprogress served index: the visits of a sum of 受益 read from an index alone

社区共建进展 of every community for a year counts the households its visits name
(``tracker/rollups/served.py``): the approved activities of the two categories in 户 or
人, with the task's key to join the 服务对象 by. No index of ``counted_task`` starts with
the category or holds the key, so PostgreSQL read the whole year's rows (~28,000 on the
county's set) to keep ~2,700. ``ix_counted_task_category`` (category, date, status,
受益, task) gives those rows from the index alone (docs/performance.md, session 40,
"pgprogress"). No data changes.

Revision ID: 0067_pgprogress_served_index
Revises: 0066_purgelabels_phone_mask
Create Date: 2026-12-05 16:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0067_pgprogress_served_index'
down_revision = '0066_purgelabels_phone_mask'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_counted_task_category', 'counted_task',
                    ['category_id', 'service_date', 'report_status', 'people_served', 'task_id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_counted_task_category', table_name='counted_task')
