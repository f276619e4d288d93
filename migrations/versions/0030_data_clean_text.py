"""Stored text loses the control characters typed text has lost since session 19

Since session 19 every form's text field and every imported cell goes through
``tracker.fields.clean_text`` (then ``strip``): a vertical tab or a form feed (Word's
and WPS's Shift+Enter, pasted) is a line break, the other C0 controls but tab, LF and
CR, and U+FFFE/U+FFFF, are dropped. Rows stored before kept them, so the 月报's HTML
and CSV showed them. This cleans the same columns the same way: each text column a
form or an import writes (the table below), on the rows holding such a character;
names of units, communities and zones get their natural-order key again (their
``sort_key``), from the cleaned name. Member names need nothing more: ``name_key``
never held anything but letters and digits of a name.

The rule is a copy frozen at this revision, not an import of ``tracker.fields``, as
0024 freezes the pinyin key and 0004 the natural order: a migration must write what
its revision meant whenever it runs (a later change to the app's rule is a later
migration's business), and it must not need the app's forms, Flask-WTF and Babel
importable to run.

Each row cleaned gets an AuditEvent ``clean_text`` naming the columns (not their old
values: a resident's name must not outlive an erasure in the audit trail). A row whose
cleaned value would equal another row's unique value (a unit, a community, a zone of
the same community, a category code, a phone) is left as it is and named in an
AuditEvent ``clean_text_skipped``, for an admin to rename. The audit trail's own
details are not touched (it only grows).

Downgrade changes nothing: the characters are not put back.

Revision ID: 0030_data_clean_text
Revises: 0028_loop_news_start
Create Date: 2026-12-02 21:10:00.000000

"""
import re
import unicodedata
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0030_data_clean_text'
down_revision = '0028_loop_news_start'
branch_labels = None
depends_on = None

# The text columns the forms and the imports write, by table (session 19's strip_text).
COLUMNS = {
    "unit": ("name",),
    "community": ("name",),
    "zone": ("name",),
    "category": ("code", "name", "quantity_unit"),
    "member": ("name", "phone", "branch"),
    "resource_item": ("description",),
    "task": ("title", "beneficiary", "place", "description"),
    "task_report": ("note", "return_reason"),
    "finding": ("place", "description", "handed_to"),
    "fund_entry": ("purpose",),
    "backfill_request": ("description", "note", "decline_reason"),
    "need": ("title", "description", "fulfil_note", "close_reason"),
    "resident": ("name", "address", "phone", "notes", "consent_method"),
    "summary_note": ("problems", "plans"),
}
# Unique column sets: a cleaned value must not collide with another row's.
UNIQUE = {
    "unit": ("name",), "community": ("name",), "zone": ("community_id", "name"),
    "category": ("code",), "member": ("phone",),
}
NATURALLY_NAMED = ("unit", "community", "zone")  # they keep sort_key = _sort_key(name)

# --- the input cleaner: a frozen copy of tracker.fields.clean_text / strip_text -------
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
_UNFIT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DROPPED = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(value):
    """What strip_text stores for ``value`` (only called on values holding one)."""
    return _DROPPED.sub("", value.translate(_BREAKS)).strip()


# --- natural order: a frozen copy of tracker/natural.py (as in 0004) ------------------
_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_POWERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_NUMBER = re.compile(r"\d+|[〇零一二两三四五六七八九十百千万]+")


def _chinese_number(text):
    if not any(ch in _POWERS for ch in text):
        value = 0
        for ch in text:
            value = value * 10 + _DIGITS[ch]
        return value
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch == "万":
            total += (section + (digit or 0)) * 10_000
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * _POWERS[ch]
            digit = None
    return total + section + (digit or 0)


def _sort_key(name):
    def padded(match):
        text = match.group(0)
        return f"{int(text) if text.isdigit() else _chinese_number(text):012d}"
    return _NUMBER.sub(padded, unicodedata.normalize("NFKC", name or ""))[:255]


audit_event = sa.table(
    "audit_event", sa.column("actor_id", sa.Integer), sa.column("action", sa.String),
    sa.column("entity_type", sa.String), sa.column("entity_id", sa.Integer),
    sa.column("detail", sa.JSON), sa.column("created_at", sa.DateTime))


def _changes(conn, name, columns):
    """(id, {column: cleaned value}) of the rows of ``name`` holding an unfit character,
    read in pages of ids (a county's tasks are read once, never held all at once)."""
    table = sa.table(name, sa.column("id", sa.Integer), *(sa.column(c) for c in columns))
    found, last = [], 0
    while True:
        rows = conn.execute(sa.select(table.c.id, *(table.c[c] for c in columns))
                            .where(table.c.id > last).order_by(table.c.id).limit(2000)).all()
        if not rows:
            return found
        for row in rows:
            values = dict(zip(columns, row[1:]))
            cleaned = {c: _clean(v) for c, v in values.items()
                       if isinstance(v, str) and _UNFIT.search(v)}
            if cleaned:
                found.append((row[0], cleaned))
        last = rows[-1][0]


def _collides(conn, name, row_id, cleaned):
    unique = UNIQUE.get(name)
    if not unique or not set(unique) & set(cleaned):
        return False
    table = sa.table(name, sa.column("id", sa.Integer), *(sa.column(c) for c in unique))
    current = conn.execute(sa.select(*(table.c[c] for c in unique))
                           .where(table.c.id == row_id)).one()
    wanted = {c: cleaned.get(c, v) for c, v in zip(unique, current)}
    other = conn.execute(sa.select(table.c.id).where(
        table.c.id != row_id, *(table.c[c] == v for c, v in wanted.items())).limit(1)).first()
    return other is not None


def upgrade():
    conn = op.get_bind()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    events = []
    for name, columns in COLUMNS.items():
        table = sa.table(name, sa.column("id", sa.Integer),
                         *(sa.column(c) for c in (*columns, "sort_key")))
        for row_id, cleaned in _changes(conn, name, columns):
            if _collides(conn, name, row_id, cleaned):
                events.append({"actor_id": None, "action": "clean_text_skipped",
                               "entity_type": name, "entity_id": row_id, "created_at": now,
                               "detail": {"columns": sorted(cleaned),
                                          "why": "清理后与已有记录重名（0030_data_clean_text）"}})
                continue
            values = dict(cleaned)
            if name in NATURALLY_NAMED and "name" in cleaned:
                values["sort_key"] = _sort_key(cleaned["name"])
            conn.execute(table.update().where(table.c.id == row_id).values(**values))
            events.append({"actor_id": None, "action": "clean_text", "entity_type": name,
                           "entity_id": row_id, "created_at": now,
                           "detail": {"columns": sorted(cleaned),
                                      "why": "清除控制字符（0030_data_clean_text）"}})
    if events:
        op.bulk_insert(audit_event, events)


def downgrade():
    pass  # the characters are not put back
