"""double section: the “双创” summaries count every category of the "双创" section

What is "双创" work is now the category's section (``category.section = 'double'``), as
the 月报's section 三 has always taken it, not the three reference codes (ad_removal,
stairwell_painting, facility_survey): an admin's own "双创" category (共享单车整理) counts
in the “双创”进展 view and the 月报's 附表“责任区进展”. The three summaries the
application keeps of that work — counted_double_community_year,
counted_double_member_year and counted_double_member_any_year — are derived again from
the counted rows already there under the new rule. The SQL is frozen here on purpose (a
migration must not change when the application code does); only the year of a date is
written per database.

Downgrade derives them again under the old rule (the three codes).

Revision ID: 0047_double_section
Revises: 0046_leftovers_handed_together
Create Date: 2026-12-03 16:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0047_double_section'
down_revision = '0046_leftovers_handed_together'
branch_labels = None
depends_on = None

YEAR = {"sqlite": "CAST(strftime('%Y', service_date) AS INTEGER)",
        "postgresql": "CAST(EXTRACT(YEAR FROM service_date) AS INTEGER)"}

BY_SECTION = "category_id IN (SELECT id FROM category WHERE section = 'double')"
BY_CODE = ("category_id IN (SELECT id FROM category WHERE code IN "
           "('ad_removal', 'stairwell_painting', 'facility_survey'))")

FILL = (
    """
INSERT INTO counted_double_community_year
    (year, community_id, category_id, report_status, activities, quantity, person_times,
     minutes)
SELECT {year}, community_id, category_id, report_status, COUNT(*), SUM(quantity),
       SUM(person_times), SUM(minutes)
FROM counted_task
WHERE {double}
GROUP BY {year}, community_id, category_id, report_status
""",
    """
INSERT INTO counted_double_member_year
    (year, community_id, report_status, member_id, participations)
SELECT {year}, community_id, report_status, member_id, COUNT(*)
FROM counted_participation
WHERE {double}
GROUP BY {year}, community_id, report_status, member_id
""",
    """
INSERT INTO counted_double_member_any_year (year, report_status, member_id, participations)
SELECT {year}, report_status, member_id, COUNT(*)
FROM counted_participation
WHERE {double}
GROUP BY {year}, report_status, member_id
""",
)

TABLES = ("counted_double_community_year", "counted_double_member_year",
          "counted_double_member_any_year")


def _derive(double: str) -> None:
    year = YEAR[op.get_bind().dialect.name]
    for table in TABLES:
        op.execute(f"DELETE FROM {table}")  # nosec B608: fixed table names
    for statement in FILL:
        op.execute(statement.format(year=year, double=double))


def upgrade():
    _derive(BY_SECTION)


def downgrade():
    _derive(BY_CODE)
