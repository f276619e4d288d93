"""needs: 需求清单 / 微心愿 a community posts for members to claim

A new table only: no existing row needs a value (nothing was a need before).

Revision ID: 0010_needs
Revises: 0009_backfill
Create Date: 2026-11-30 21:14:06.621842

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_needs'
down_revision = '0009_backfill'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('need',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('need', 'wish', name='needkind', native_enum=False, length=16), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('zone_id', sa.Integer(), nullable=True),
    sa.Column('resident_id', sa.Integer(), nullable=True),
    sa.Column('resource_item_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('wanted_by', sa.Date(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('open', 'claimed', 'fulfilled', 'closed', name='needstatus', native_enum=False, length=16), nullable=False),
    sa.Column('claimed_by_id', sa.Integer(), nullable=True),
    sa.Column('claimed_unit_id', sa.Integer(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('fulfilled_at', sa.DateTime(), nullable=True),
    sa.Column('fulfilled_on', sa.Date(), nullable=True),
    sa.Column('fulfilled_by_id', sa.Integer(), nullable=True),
    sa.Column('fulfil_note', sa.Text(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('close_reason', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('posted_on', sa.Date(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(status NOT IN ('claimed', 'fulfilled') OR claimed_by_id IS NOT NULL) AND (status <> 'open' OR claimed_by_id IS NULL)", name=op.f('ck_need_claimer')),
    sa.CheckConstraint('people IS NULL OR people > 0', name=op.f('ck_need_people_positive')),
    sa.CheckConstraint('quantity IS NULL OR quantity > 0', name=op.f('ck_need_quantity_positive')),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_need_category_id_category')),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['member.id'], name=op.f('fk_need_claimed_by_id_member')),
    sa.ForeignKeyConstraint(['claimed_unit_id'], ['unit.id'], name=op.f('fk_need_claimed_unit_id_unit')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['member.id'], name=op.f('fk_need_closed_by_id_member')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_need_community_id_community')),
    sa.ForeignKeyConstraint(['created_by_id'], ['member.id'], name=op.f('fk_need_created_by_id_member')),
    sa.ForeignKeyConstraint(['fulfilled_by_id'], ['member.id'], name=op.f('fk_need_fulfilled_by_id_member')),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], name=op.f('fk_need_resident_id_resident')),
    sa.ForeignKeyConstraint(['resource_item_id'], ['resource_item.id'], name=op.f('fk_need_resource_item_id_resource_item')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_need_task_id_task')),
    sa.ForeignKeyConstraint(['zone_id'], ['zone.id'], name=op.f('fk_need_zone_id_zone')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need'))
    )
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.create_index('ix_need_claimed_by', ['claimed_by_id', 'status'], unique=False)
        batch_op.create_index('ix_need_community_status', ['community_id', 'status', 'wanted_by'], unique=False)
        batch_op.create_index('ix_need_fulfilled_on', ['fulfilled_on', 'community_id'], unique=False)
        batch_op.create_index('ix_need_posted_on', ['posted_on', 'community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_resource_item_id'), ['resource_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_task_id'), ['task_id'], unique=False)



def downgrade():
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_task_id'))
        batch_op.drop_index(batch_op.f('ix_need_resource_item_id'))
        batch_op.drop_index(batch_op.f('ix_need_resident_id'))
        batch_op.drop_index('ix_need_posted_on')
        batch_op.drop_index('ix_need_fulfilled_on')
        batch_op.drop_index('ix_need_community_status')
        batch_op.drop_index('ix_need_claimed_by')

    op.drop_table('need')
