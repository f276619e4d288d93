"""finding tally: the active findings of each community by status, kept by triggers

One table, finding_tally (community_id, status, findings), and the triggers on finding
that move a finding's one from its old (community, status) row to its new one on
every insert, delete and update of community_id, status or active (a TRUNCATE of
finding empties it, on PostgreSQL); then the findings already there are counted in.
The 工作台's open 摸排问题 count sums a few rows of it (tracker/models/tallies.py).
The SQL is frozen here on purpose (a migration must not change when the application
code does).

Revision ID: 0021_finding_tally
Revises: 0020_lists_version
Create Date: 2026-12-01 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_finding_tally'
down_revision = '0020_lists_version'
branch_labels = None
depends_on = None

ADD = ("INSERT INTO finding_tally (community_id, status, findings) {values} "
       "ON CONFLICT (community_id, status) DO UPDATE SET findings = finding_tally.findings + 1")
TAKE = ("UPDATE finding_tally SET findings = findings - 1 "
        "WHERE community_id = OLD.community_id AND status = OLD.status")
SQLITE_TRIGGERS = ("finding_tally_insert", "finding_tally_delete", "finding_tally_update")


def upgrade():
    op.create_table(
        'finding_tally',
        sa.Column('status', sa.Enum('found', 'handed_over', 'fixed', name='findingstatus',
                                    native_enum=False, length=16), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('findings', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('status', 'community_id', name=op.f('pk_finding_tally')),
    )
    if op.get_bind().dialect.name == "postgresql":
        add = ADD.format(values="VALUES (NEW.community_id, NEW.status, 1)")
        op.execute("CREATE OR REPLACE FUNCTION finding_tally_move() RETURNS trigger "
                   "LANGUAGE plpgsql AS $$ BEGIN "
                   f"IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.active THEN {TAKE}; END IF; "
                   f"IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.active THEN {add}; END IF; "
                   "RETURN NULL; END $$")
        op.execute("CREATE TRIGGER finding_tally AFTER INSERT OR DELETE "
                   "OR UPDATE OF community_id, status, active ON finding "
                   "FOR EACH ROW EXECUTE FUNCTION finding_tally_move()")
        op.execute("CREATE OR REPLACE FUNCTION finding_tally_clear() RETURNS trigger "
                   "LANGUAGE plpgsql AS $$ BEGIN DELETE FROM finding_tally; RETURN NULL; END $$")
        op.execute("CREATE TRIGGER finding_tally_truncate AFTER TRUNCATE ON finding "
                   "FOR EACH STATEMENT EXECUTE FUNCTION finding_tally_clear()")
    else:
        add = ADD.format(values="SELECT NEW.community_id, NEW.status, 1 WHERE NEW.active")
        op.execute(f"CREATE TRIGGER finding_tally_insert AFTER INSERT ON finding "
                   f"BEGIN {add}; END")
        op.execute(f"CREATE TRIGGER finding_tally_delete AFTER DELETE ON finding "
                   f"WHEN OLD.active BEGIN {TAKE}; END")
        op.execute("CREATE TRIGGER finding_tally_update AFTER UPDATE OF community_id, status, "
                   f"active ON finding BEGIN {TAKE} AND OLD.active; {add}; END")
    op.execute("INSERT INTO finding_tally (community_id, status, findings) "
               "SELECT community_id, status, count(*) FROM finding WHERE active "
               "GROUP BY community_id, status")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS finding_tally ON finding")
        op.execute("DROP TRIGGER IF EXISTS finding_tally_truncate ON finding")
        op.execute("DROP FUNCTION IF EXISTS finding_tally_move()")
        op.execute("DROP FUNCTION IF EXISTS finding_tally_clear()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('finding_tally')
