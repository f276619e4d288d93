"""lists version: a token the database changes whenever the communities or categories do

One table, lists_version (one row: id 1, token), and the triggers that give the token a
new random value on every insert, delete and truncate of community and category and
on every update of the columns a drop-down shows or orders by (name, sort_key /
sort_order, active). The member pages keep those two lists per worker under the token
(tracker/models/lists.py). The SQL is frozen here on purpose (a migration must not
change when the application code does).

Revision ID: 0020_lists_version
Revises: 0019_finding_summaries
Create Date: 2026-12-01 12:02:10.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_lists_version'
down_revision = '0019_finding_summaries'
branch_labels = None
depends_on = None

WATCHED = (("community", "name, sort_key, active"),
           ("category", "name, sort_order, active"))
NEW_TOKEN = {
    "sqlite": "lower(hex(randomblob(16)))",
    "postgresql": "md5(random()::text || clock_timestamp()::text)",
}


def _sqlite_triggers():
    for table, columns in WATCHED:
        for when in ("INSERT", "DELETE", f"UPDATE OF {columns}"):
            yield f"{table}_lists_version_{when.split()[0].lower()}", table, when


def upgrade():
    op.create_table(
        'lists_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lists_version')),
    )
    dialect = op.get_bind().dialect.name
    token = NEW_TOKEN[dialect]
    bump = f"UPDATE lists_version SET token = {token}"
    op.execute(f"INSERT INTO lists_version (id, token) VALUES (1, {token})")
    if dialect == "postgresql":
        op.execute("CREATE OR REPLACE FUNCTION lists_version_bump() RETURNS trigger "
                   f"LANGUAGE plpgsql AS $$ BEGIN {bump}; RETURN NULL; END $$")
        for table, columns in WATCHED:
            op.execute(f"CREATE TRIGGER {table}_lists_version AFTER INSERT OR DELETE OR "
                       f"TRUNCATE OR UPDATE OF {columns} ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION lists_version_bump()")
    else:
        for name, table, when in _sqlite_triggers():
            op.execute(f"CREATE TRIGGER {name} AFTER {when} ON {table} BEGIN {bump}; END")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table, _columns in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_lists_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS lists_version_bump()")
    else:
        for name, _table, _when in _sqlite_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('lists_version')
