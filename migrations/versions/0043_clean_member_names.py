"""Member names stored before session 22 take the spelling new input gets

Since session 22 the member form and the member import store a name through
``tracker.names.person_name``: trimmed, without the blanks a roster puts between Han
characters (「王　芳」, a full-width space, a no-break one), and with any look-alike of
the middle dot between Han characters as 「·」 (「热合曼•艾力」, 「阿依古丽.买买提」).
Names stored before kept their padding and their dot until the member was saved on
the form or imported again, so a search for 王芳 missed 「王　芳」 and one person read
two ways in two lists. This rewrites every member name that ``person_name`` would
spell differently.

The rule is a copy frozen at this revision (as 0030 freezes ``clean_text`` and 0024
the pinyin key), not an import of ``tracker.names``: a migration must write what its
revision meant whenever it runs, and must not need the app (Flask-Babel, the forms)
importable. ``name_key`` needs nothing: it never held anything but the letters and
digits of a name, which the rewrite keeps. Member names are not unique, so nothing
can collide.

Each member renamed gets an AuditEvent ``update`` as the member form writes one (its
``name`` before and after), with ``why``. Downgrade changes nothing: the padding is
not put back.

Revision ID: 0043_clean_member_names
Revises: 0042_void_reopened_requests
Create Date: 2026-12-03 04:30:00.000000

"""
import re
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0043_clean_member_names'
down_revision = '0042_void_reopened_requests'
branch_labels = None
depends_on = None

# --- a frozen copy of tracker.fields.clean_text and tracker.names.person_name ----------
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
_UNFIT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DROPPED = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MIDDLE_DOT = "·"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_DOTS = "\u2022\u2027\u30fb\uff65\u2219\u22c5\u0387\u00b7.\uff0e"
_BLANKS_BETWEEN_HAN = re.compile(rf"(?<=[{_HAN}])\s+(?=[{_HAN}])")
_DOT_BETWEEN_HAN = re.compile(rf"(?<=[{_HAN}])\s*[{_DOTS}]\s*(?=[{_HAN}])")


def _clean_text(value):
    if _UNFIT.search(value) is None:
        return value
    return _DROPPED.sub("", value.translate(_BREAKS))


def person_name(value):
    """The spelling the member form and the import store (tracker.names.person_name at
    this revision)."""
    name = _clean_text(value or "").strip()
    name = _DOT_BETWEEN_HAN.sub(MIDDLE_DOT, name)
    return _BLANKS_BETWEEN_HAN.sub("", name)


member = sa.table("member", sa.column("id", sa.Integer), sa.column("name", sa.String))
audit_event = sa.table(
    "audit_event", sa.column("actor_id", sa.Integer), sa.column("action", sa.String),
    sa.column("entity_type", sa.String), sa.column("entity_id", sa.Integer),
    sa.column("detail", sa.JSON), sa.column("created_at", sa.DateTime))


def upgrade():
    conn = op.get_bind()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    events, last = [], 0
    while True:  # in pages of ids: a county's members are never held all at once
        rows = conn.execute(sa.select(member.c.id, member.c.name).where(member.c.id > last)
                            .order_by(member.c.id).limit(2000)).all()
        if not rows:
            break
        for member_id, name in rows:
            spelled = person_name(name)
            if name is None or spelled == name or not spelled:
                continue  # an empty name is left for an admin to see, not blanked
            conn.execute(member.update().where(member.c.id == member_id).values(name=spelled))
            events.append({"actor_id": None, "action": "update", "entity_type": "member",
                           "entity_id": member_id, "created_at": now,
                           "detail": {"name": [name, spelled],
                                      "why": "姓名统一写法（0043_clean_member_names）"}})
        last = rows[-1][0]
    if events:
        op.bulk_insert(audit_event, events)


def downgrade():
    pass  # the padding and the look-alike dots are not put back
