"""nextyear item year index: the checklist items of a year by unit and community

The 工作台 asks on every load whether the year's 资源清单 is missing for some unit ×
community pair that had one the year before (``tracker/year_checklist.py``); this index
answers it without reading every year's items.

Downgrade drops the index.

Revision ID: 0056_nextyear_item_year_index
Revises: 0055_annual2_year_note
Create Date: 2026-12-04 11:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0056_nextyear_item_year_index'
down_revision = '0055_annual2_year_note'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_resource_item_year_pair', 'resource_item',
                    ['year', 'unit_id', 'community_id'], unique=False)


def downgrade():
    op.drop_index('ix_resource_item_year_pair', table_name='resource_item')
