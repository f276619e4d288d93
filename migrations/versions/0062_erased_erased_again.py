"""erased erased again: a resident erased and then restored or edited before 0062 is erased again

Until session 35 an erased 服务对象 (删除个人信息, ``resident.erased_at`` set) could still
be restored (恢复), edited (修改) and paired: the detail page offered the buttons and the
services did not refuse them (review "walk2", #1). Such a record went back on the
active register, named as a 服务对象 again, and anything typed into it then was
personal data the erasure had promised was gone. The services now refuse all of it
(``services.residents.refuse_erased``); this puts every erased record back as the
erasure leaves it — archived (``active`` false, ``archived_at`` kept or the erasure's
time), the name 「（已删除）」, no address, phone, notes, consent method or pairings —
so no such record stays on the register or holds data typed after its erasure. The
migration's log names the ids it changed (never their data). Tasks, needs and signed
copies are left as they are: the erasure already took the person out of them, and
what was written into them after a restore is for an admin to erase by hand.

Downgrade does nothing: the erased state is the one the records should always have had.

Revision ID: 0062_erased_erased_again
Revises: 0061_yearerase_year_redacted
Create Date: 2026-12-05 01:15:00.000000

"""
import logging

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0062_erased_erased_again'
down_revision = '0061_yearerase_year_redacted'
branch_labels = None
depends_on = None

ERASED_NAME = "（已删除）"  # services.residents.ERASED_NAME, as of this revision

resident = sa.table(
    "resident",
    sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("address", sa.String),
    sa.column("phone", sa.String), sa.column("notes", sa.Text),
    sa.column("consent_method", sa.String), sa.column("active", sa.Boolean),
    sa.column("archived_at", sa.DateTime), sa.column("erased_at", sa.DateTime))
resident_member = sa.table("resident_member", sa.column("resident_id", sa.Integer))


def upgrade():
    bind = op.get_bind()
    erased = resident.c.erased_at.is_not(None)
    undone = sa.or_(resident.c.active.is_(True), resident.c.archived_at.is_(None),
                    resident.c.name != ERASED_NAME, resident.c.address != "",
                    resident.c.phone.is_not(None), resident.c.notes.is_not(None),
                    resident.c.consent_method != "")
    paired = sa.select(resident_member.c.resident_id).distinct()
    ids = sorted(bind.execute(sa.select(resident.c.id).where(
        erased, sa.or_(undone, resident.c.id.in_(paired)))).scalars())
    if not ids:
        return
    logging.getLogger("alembic.runtime.migration").warning(
        "0062: erased residents %s were restored or edited after their erasure: erased again",
        ", ".join(map(str, ids)))
    bind.execute(resident_member.delete().where(resident_member.c.resident_id.in_(ids)))
    bind.execute(resident.update().where(resident.c.id.in_(ids)).values(
        name=ERASED_NAME, address="", phone=None, notes=None, consent_method="", active=False,
        archived_at=sa.func.coalesce(resident.c.archived_at, resident.c.erased_at)))


def downgrade():
    pass
