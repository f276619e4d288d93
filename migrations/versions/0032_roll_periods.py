"""roll_period: the roll over time — each member's stays on a unit's roll

The roll (在册, the denominator of 参与率 and the 未参与名单) had one
roll_since/roll_until pair per member and read the member's *current* unit and
计入参与统计: switching a member back on put them on the roll of every month they were
away, and moving a member to another unit or setting 不计入参与统计 rewrote every past
month of both units (a finalised 月报 included). A period's roll is now read from
``roll_period`` (member, unit, since, until: the stays, each in the unit the member had
then), written by the member form, 停用/启用 and the member import
(services/roll.py).

Every existing member gets the stay today's columns describe, so every figure of
existing data stays what it was: a member counted in participation (on_roll) who is
active or has a roll_until gets one stay in their current unit from roll_since (NULL:
as far back as the records go) to roll_until (NULL: still on it); a member off the
roll, or switched off before the dates were kept (inactive, no roll_until), gets
none. member.roll_since / roll_until are then dropped; member.on_roll stays (the
setting the form and the import edit, read when a member is switched back on).

Downgrade puts back each member's latest stay as roll_since/roll_until (the earlier
stays and the units of past stays are lost).

Revision ID: 0032_roll_periods
Revises: 0030_data_clean_text
Create Date: 2026-12-02 21:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0032_roll_periods'
down_revision = '0030_data_clean_text'
branch_labels = None
depends_on = None


def _drop_member_column(name):
    if op.get_bind().dialect.name == 'sqlite':  # native since SQLite 3.35: no table copy
        op.execute(f'ALTER TABLE "member" DROP COLUMN "{name}"')
    else:
        op.drop_column('member', name)


def upgrade():
    op.create_table(
        'roll_period',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('since', sa.Date(), nullable=True),
        sa.Column('until', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'],
                                name=op.f('fk_roll_period_member_id_member')),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'],
                                name=op.f('fk_roll_period_unit_id_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roll_period')),
    )
    op.create_index('ix_roll_period_member', 'roll_period',
                    ['member_id', 'since', 'until', 'unit_id'], unique=False)
    op.create_index('ix_roll_period_unit', 'roll_period',
                    ['unit_id', 'since', 'until', 'member_id'], unique=False)
    op.create_index('uq_roll_period_open', 'roll_period', ['member_id'], unique=True,
                    sqlite_where=sa.text('until IS NULL'),
                    postgresql_where=sa.text('until IS NULL'))
    # the stay today's columns describe (rollups/coverage.py before this revision:
    # on_roll, roll_since <= day, and roll_until > day or, unset, an active account)
    op.execute(
        "INSERT INTO roll_period (member_id, unit_id, since, until)"
        " SELECT id, unit_id, roll_since, roll_until FROM member"
        " WHERE on_roll AND (roll_until IS NOT NULL OR active)"
        " AND (roll_since IS NULL OR roll_until IS NULL OR roll_since < roll_until)"
        " ORDER BY id")
    for name in ('roll_until', 'roll_since'):
        _drop_member_column(name)


def downgrade():
    op.add_column('member', sa.Column('roll_since', sa.Date(), nullable=True))
    op.add_column('member', sa.Column('roll_until', sa.Date(), nullable=True))
    latest = ("SELECT {col} FROM roll_period WHERE roll_period.member_id = member.id"
              " ORDER BY (until IS NULL) DESC, until DESC, id DESC LIMIT 1")
    op.execute(f"UPDATE member SET roll_since = ({latest.format(col='since')}),"
               f" roll_until = ({latest.format(col='until')})")
    op.drop_index('uq_roll_period_open', table_name='roll_period',
                  sqlite_where=sa.text('until IS NULL'),
                  postgresql_where=sa.text('until IS NULL'))
    op.drop_index('ix_roll_period_unit', table_name='roll_period')
    op.drop_index('ix_roll_period_member', table_name='roll_period')
    op.drop_table('roll_period')
