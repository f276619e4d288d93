"""drop finding_tally: the active findings per community and status no page reads

``finding_tally`` (0021) counted every active finding of each community and status,
kept by triggers on ``finding``, for the 工作台's open 摸排问题. Since session 27 that
figure counts only the findings of approved surveys (with those 待审核 apart), summed
from ``counted_finding_community_year`` (0049's index), and nothing reads the tally: its
triggers still cost every write of a finding and it would be a second, different
"truth" for a reader of the schema. This revision drops the triggers (and, on
PostgreSQL, their functions) and the table.

Downgrade makes them again exactly as 0021 did and counts the findings there in (its
own frozen copy of 0021's SQL: a migration must not change when another does).

Revision ID: 0050_tally_drop_finding_tally
Revises: 0049_figfix_open_findings_index
Create Date: 2026-12-03 18:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0050_tally_drop_finding_tally'
down_revision = '0049_figfix_open_findings_index'
branch_labels = None
depends_on = None

ADD = ("INSERT INTO finding_tally (community_id, status, findings) {values} "
       "ON CONFLICT (community_id, status) DO UPDATE SET findings = finding_tally.findings + 1")
TAKE = ("UPDATE finding_tally SET findings = findings - 1 "
        "WHERE community_id = OLD.community_id AND status = OLD.status")
SQLITE_TRIGGERS = ("finding_tally_insert", "finding_tally_delete", "finding_tally_update")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS finding_tally ON finding")
        op.execute("DROP TRIGGER IF EXISTS finding_tally_truncate ON finding")
        op.execute("DROP FUNCTION IF EXISTS finding_tally_move()")
        op.execute("DROP FUNCTION IF EXISTS finding_tally_clear()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('finding_tally')


def downgrade():
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
        # SQLite: an upsert whose rows come from a SELECT needs a WHERE (its parser's rule)
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
