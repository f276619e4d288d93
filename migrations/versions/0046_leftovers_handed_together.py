"""finding: 移交给 and 移交日期 set together (``ck_finding_handed_together``)

``findings.hand_over`` writes a finding's 移交给 (``handed_to``) and 移交日期
(``handed_over_on``) together, but nothing in the database held them so: an import, a
row of an older release or an edit by hand could leave one without the other, and the
findings pages answered such a row with a 500. From this revision the CHECK
``handed_together`` holds them together: both set, or both empty.

Existing rows are repaired first, nothing dropped:

- a 移交给 of spaces only is empty;
- a 移交给 without a 移交日期 is dated the day the finding was found (``found_on``):
  the figures already count such a row as handed over on that day
  (``rollups.findings.handed_over_on`` falls back to it, so no month's 「本月移交N处」
  moves), it is the one day the row itself vouches for, and it keeps the row's other
  checks (handed over on or after the day found; fixed on or after the hand-over). The
  day the finding was recorded (``created_at``; the table has no updated date) was not
  taken: a finding is recorded with its survey's report, before any hand-over, so it
  says no more of the hand-over, and it may fall after the day fixed;
- a 移交日期 without a 移交给 keeps its date (the 月报 counts it) and 移交给 reads
  「未记录」 (not recorded): what the page shows is what is known.

On SQLite the CHECK needs the table rebuilt (``batch_alter_table``): ``finding`` is
referenced (``counted_finding``, ``onsite_photo``), so the rebuild runs with foreign
keys off (SQLite would empty the old table before dropping it, against its
references; the pragma only changes between transactions, so the repair is committed
first), the references are checked before it is committed, and the triggers on the
table (``finding_tally``, 0021), which a rebuild drops, are made again as they were.

Downgrade drops the constraint; the repaired rows stay as repaired.

Revision ID: 0046_leftovers_handed_together
Revises: 0045_one_current_copy
Create Date: 2026-12-03 16:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0046_leftovers_handed_together'
down_revision = '0045_one_current_copy'
branch_labels = None
depends_on = None

RULE = ("(handed_to IS NULL AND handed_over_on IS NULL)"
        " OR (handed_to IS NOT NULL AND handed_over_on IS NOT NULL)")
NOT_RECORDED = "未记录"


def _rebuilt(change) -> None:
    """Run ``change(batch_op)`` on ``finding``: in place on PostgreSQL; on SQLite a
    rebuild, foreign keys off, the table's triggers made again."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        with op.batch_alter_table('finding', schema=None) as batch_op:
            change(batch_op)
        return
    triggers = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'finding'"
        " ORDER BY name").scalars().all()
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    bind.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        with op.batch_alter_table('finding', schema=None, recreate='always') as batch_op:
            change(batch_op)
        for sql in triggers:
            bind.exec_driver_sql(sql)
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise RuntimeError(f"foreign keys broken by the rebuild of finding: {broken[:5]}")
        bind.exec_driver_sql("COMMIT")
    except BaseException:
        bind.exec_driver_sql("ROLLBACK")
        raise
    finally:
        bind.exec_driver_sql("PRAGMA foreign_keys=ON")
        bind.exec_driver_sql("BEGIN IMMEDIATE")  # where Alembic records the revision


def upgrade():
    op.execute("UPDATE finding SET handed_to = NULL WHERE TRIM(handed_to) = ''")
    op.execute("UPDATE finding SET handed_over_on = found_on"
               " WHERE handed_to IS NOT NULL AND handed_over_on IS NULL")
    op.execute(f"UPDATE finding SET handed_to = '{NOT_RECORDED}'"
               " WHERE handed_to IS NULL AND handed_over_on IS NOT NULL")
    _rebuilt(lambda batch_op: batch_op.create_check_constraint(
        op.f('ck_finding_handed_together'), RULE))


def downgrade():
    _rebuilt(lambda batch_op: batch_op.drop_constraint(
        op.f('ck_finding_handed_together'), type_='check'))
