"""counted tasks and participations: derived tables the rollups read

tracker/participation.py keeps both tables equal to task × report × assignment;
this migration fills them from the rows already there, before their indexes are
built. The SQL is frozen here on purpose: a migration must not change when the
application code does.

Revision ID: 0003_counted_rows
Revises: 0002_seed_categories
Create Date: 2026-11-28 03:41:11.881054

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_counted_rows'
down_revision = '0002_seed_categories'
branch_labels = None
depends_on = None

FILL_PARTICIPATIONS = """
INSERT INTO counted_participation
    (task_id, member_id, report_status, service_date, unit_id, community_id, zone_id,
     category_id, minutes)
SELECT a.task_id, a.member_id, r.status, t.service_date, t.unit_id, t.community_id,
       t.zone_id, t.category_id, COALESCE(a.minutes, 0)
FROM assignment a
JOIN task t ON t.id = a.task_id
JOIN task_report r ON r.task_id = t.id
WHERE a.status = 'done' AND r.status IN ('approved', 'submitted')
"""

FILL_TASKS = """
INSERT INTO counted_task
    (task_id, report_status, service_date, unit_id, community_id, zone_id, category_id,
     resource_item_id, quantity, people_served, person_times, minutes)
SELECT t.id, r.status, t.service_date, t.unit_id, t.community_id, t.zone_id, t.category_id,
       t.resource_item_id, r.quantity, r.people_served,
       (SELECT COUNT(*) FROM counted_participation c WHERE c.task_id = t.id),
       COALESCE((SELECT SUM(c.minutes) FROM counted_participation c WHERE c.task_id = t.id), 0)
FROM task t
JOIN task_report r ON r.task_id = t.id
WHERE r.status IN ('approved', 'submitted')
"""


def upgrade():
    op.create_table('counted_participation',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('report_status', sa.Enum('submitted', 'approved', 'returned', name='reportstatus', native_enum=False, length=16), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_counted_participation_member_id_member')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_counted_participation_task_id_task')),
    sa.PrimaryKeyConstraint('task_id', 'member_id', name=op.f('pk_counted_participation'))
    )
    op.execute(FILL_PARTICIPATIONS)  # before the indexes: one bulk load
    with op.batch_alter_table('counted_participation', schema=None) as batch_op:
        batch_op.create_index('ix_counted_participation_community', ['community_id', 'service_date', 'category_id', 'zone_id', 'unit_id', 'report_status', 'member_id'], unique=False)
        batch_op.create_index('ix_counted_participation_date', ['service_date', 'category_id', 'community_id', 'zone_id', 'unit_id', 'report_status', 'member_id'], unique=False)
        batch_op.create_index('ix_counted_participation_member', ['member_id', 'service_date', 'report_status', 'minutes'], unique=False)

    op.create_table('counted_task',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('report_status', sa.Enum('submitted', 'approved', 'returned', name='reportstatus', native_enum=False, length=16), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('resource_item_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('people_served', sa.Integer(), nullable=False),
    sa.Column('person_times', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_counted_task_task_id_task')),
    sa.PrimaryKeyConstraint('task_id', name=op.f('pk_counted_task'))
    )
    op.execute(FILL_TASKS)
    with op.batch_alter_table('counted_task', schema=None) as batch_op:
        batch_op.create_index('ix_counted_task_community', ['community_id', 'service_date', 'category_id', 'zone_id', 'unit_id', 'report_status', 'quantity', 'people_served', 'person_times', 'minutes'], unique=False)
        batch_op.create_index('ix_counted_task_date', ['service_date', 'category_id', 'community_id', 'zone_id', 'unit_id', 'report_status', 'quantity', 'people_served', 'person_times', 'minutes'], unique=False)
        batch_op.create_index('ix_counted_task_item', ['resource_item_id', 'service_date', 'report_status', 'quantity'], unique=False)

    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_task_rollup'))



def downgrade():
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_task_rollup'), ['task_id', 'status', 'member_id', 'minutes'], unique=False)

    with op.batch_alter_table('counted_task', schema=None) as batch_op:
        batch_op.drop_index('ix_counted_task_item')
        batch_op.drop_index('ix_counted_task_date')
        batch_op.drop_index('ix_counted_task_community')

    op.drop_table('counted_task')
    with op.batch_alter_table('counted_participation', schema=None) as batch_op:
        batch_op.drop_index('ix_counted_participation_member')
        batch_op.drop_index('ix_counted_participation_date')
        batch_op.drop_index('ix_counted_participation_community')

    op.drop_table('counted_participation')
