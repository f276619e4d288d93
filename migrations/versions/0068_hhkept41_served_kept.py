"""households kept: the county's households / people served of a year per category

The 进展 page of the whole county over a year read its households / people served
(``rollups.served.named_rows``: the distinct 服务对象 the approved activities of a
category in 户 or 人 name, known only when every one names exactly as many of its
category's kind as its 受益) from every named row of the year — ~13,000 for a county,
the page's dearest statement after session 40 (docs/performance.md, "pgprogress",
"The households kept"). Four tables keep it:

- counted_served: per approved activity of a category in 户 or 人, the residents it
  names of the kind its category serves (结对帮扶: 困难群众 'needy', 走访慰问: 空巢老人
  'elderly'), with its date and category — derived like counted_task;
- counted_served_year: per year, category and resident, by how many activities;
- counted_served_total: per year and category, how many residents (rows above);
- counted_served_category_year: per year and category, the approved activities and
  how many of them do not name exactly as many residents as their 受益 (or have 0).

tracker/participation.py keeps them in the same transaction as every write that
changes them; this migration fills them from the rows already there. The SQL is
frozen here on purpose (a migration must not change when the application code does);
only the year of a date is written per database.

Downgrade drops the four tables.

Revision ID: 0068_hhkept41_served_kept
Revises: 0067_pgprogress_served_index
Create Date: 2026-12-05 19:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0068_hhkept41_served_kept'
down_revision = '0067_pgprogress_served_index'
branch_labels = None
depends_on = None

YEAR = {"sqlite": "CAST(strftime('%Y', {}) AS INTEGER)",
        "postgresql": "CAST(EXTRACT(YEAR FROM {}) AS INTEGER)"}

# the categories whose 受益 is counted in 户 or 人, and the kind each visit category
# serves (services.residents.VISIT_KINDS as of this revision)
IN_HOUSEHOLDS = "SELECT id FROM category WHERE beneficiary_unit IN ('户', '人')"

FILL_SERVED = f"""
INSERT INTO counted_served (task_id, resident_id, service_date, category_id)
SELECT task_resident.task_id, task_resident.resident_id, task.service_date, task.category_id
FROM task_resident
JOIN task ON task.id = task_resident.task_id
JOIN task_report ON task_report.task_id = task.id
JOIN category ON category.id = task.category_id
JOIN resident ON resident.id = task_resident.resident_id
WHERE task_report.status = 'approved'
  AND task.category_id IN ({IN_HOUSEHOLDS})
  AND ((category.code = 'elderly_visit' AND resident.category = 'elderly')
       OR (category.code = 'household_assistance' AND resident.category = 'needy'))
"""

FILL_YEAR = """
INSERT INTO counted_served_year (year, category_id, resident_id, activities)
SELECT {year}, category_id, resident_id, COUNT(*)
FROM counted_served
GROUP BY {year}, category_id, resident_id
"""

FILL_TOTAL = """
INSERT INTO counted_served_total (year, category_id, households)
SELECT year, category_id, COUNT(*) FROM counted_served_year GROUP BY year, category_id
"""

FILL_CATEGORY_YEAR = f"""
INSERT INTO counted_served_category_year (year, category_id, activities, others)
SELECT {{year}}, counted_task.category_id, COUNT(*),
       COUNT(CASE WHEN counted_task.people_served > 0
                   AND COALESCE(named.named, 0) = counted_task.people_served
                  THEN NULL ELSE 1 END)
FROM counted_task
LEFT JOIN (SELECT task_id, COUNT(*) AS named FROM counted_served GROUP BY task_id) AS named
       ON named.task_id = counted_task.task_id
WHERE counted_task.report_status = 'approved'
  AND counted_task.category_id IN ({IN_HOUSEHOLDS})
GROUP BY {{year}}, counted_task.category_id
"""


def upgrade():
    op.create_table('counted_served',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_counted_served_task_id_task')),
    sa.PrimaryKeyConstraint('task_id', 'resident_id', name=op.f('pk_counted_served'))
    )
    op.create_table('counted_served_year',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('activities', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'category_id', 'resident_id', name=op.f('pk_counted_served_year'))
    )
    op.create_table('counted_served_total',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('households', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'category_id', name=op.f('pk_counted_served_total'))
    )
    op.create_table('counted_served_category_year',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('activities', sa.Integer(), nullable=False),
    sa.Column('others', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', 'category_id', name=op.f('pk_counted_served_category_year'))
    )
    year = YEAR[op.get_bind().dialect.name].format
    op.execute(FILL_SERVED)
    op.execute(FILL_YEAR.format(year=year("service_date")))
    op.execute(FILL_TOTAL)
    op.execute(FILL_CATEGORY_YEAR.format(year=year("counted_task.service_date")))


def downgrade():
    op.drop_table('counted_served_category_year')
    op.drop_table('counted_served_total')
    op.drop_table('counted_served_year')
    op.drop_table('counted_served')
