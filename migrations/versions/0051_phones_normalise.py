"""Phone numbers stored before session 28 take the form new input gets

Since session 28 every way in (the member form, login, the imports, the resident
register, search) reads a number through ``tracker.phones``: full-width digits made
ASCII, blanks (U+3000 too) and dashes taken away, a leading +86 / 0086 / 86 dropped;
a 服务对象's landline written 区号-号码 (0571-88888888). Before, the admin's member form
stored 「1３９００００１００５」 as typed (Python's ``\\d`` took the full-width digits), so
the member could not log in with their number and the next roster import added them a
second time; the resident register kept 「057188888888」 and 「0571-88888888」 as two
spellings of one number. This rewrites each stored number that the rule spells
differently.

A member's 手机号 is unique. Where the rewritten number is another member's already, or
two members' numbers would both become the same one, **both (all) are left as they
are**: the unique rule is not broken and neither account is merged or renumbered
behind an admin's back. Such members are named by id in a warning of the migration's
log (``alembic.runtime.migration``; no number is logged) for an admin to sort out on
the member form, which now stores the number normalised and refuses one taken. An
erased number (``privacy.erased_phone``: 「-」 and the id) is no number and is left.

The rule is a copy frozen at this revision (as 0043 freezes ``person_name``), not an
import of ``tracker.phones``: a migration must write what its revision meant whenever
it runs. Each member or resident rewritten gets an AuditEvent ``update`` as their form
writes one (a member's number before and after, masked; for a resident only that the
phone changed), with ``why``. Downgrade changes
nothing: the old spellings are not put back.

Revision ID: 0051_phones_normalise
Revises: 0050_tally_drop_finding_tally
Create Date: 2026-12-03 19:00:00.000000

"""
import logging
import re
import unicodedata
from collections import defaultdict
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0051_phones_normalise'
down_revision = '0050_tally_drop_finding_tally'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# --- a frozen copy of tracker.phones at this revision ---------------------------------
MOBILE_RE = re.compile(r"^1[0-9]{10}$")
RESIDENT_PHONE_RE = re.compile(r"^(1[0-9]{10}|0[0-9]{2,3}-[0-9]{7,8})$")
_SEPARATORS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\-\u2010-\u2015\u2212\ufe58\ufe63]")
_COUNTRY = re.compile(r"^(?:\+86|0086)")
ERASED_PHONE_MARK = "-"


def _squeezed(value):
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))


def normalise_phone(value):
    phone = _COUNTRY.sub("", _squeezed(value))
    if phone.startswith("86") and MOBILE_RE.match(phone[2:]):
        phone = phone[2:]
    return phone


def normalise_landline(value):
    digits = _squeezed(value).replace("(", "").replace(")", "")
    if not re.fullmatch(r"0[0-9]{9,11}", digits):
        return None
    split = 3 if digits.startswith(("01", "02")) else 4
    area, number = digits[:split], digits[split:]
    return f"{area}-{number}" if 7 <= len(number) <= 8 else None


def normalise_contact(value):
    mobile = normalise_phone(value)
    if MOBILE_RE.match(mobile):
        return mobile
    return normalise_landline(value) or unicodedata.normalize("NFKC", value or "").strip()


def mask_phone(phone):
    """tracker.privacy.mask_phone at this revision: what an audit row may hold."""
    if len(phone) == 11 and phone.isdecimal():
        return f"{phone[:3]}****{phone[-4:]}"
    return "****" + phone[-4:] if len(phone) > 4 else "****"


member = sa.table("member", sa.column("id", sa.Integer), sa.column("phone", sa.String))
resident = sa.table("resident", sa.column("id", sa.Integer), sa.column("phone", sa.String))
audit_event = sa.table(
    "audit_event", sa.column("actor_id", sa.Integer), sa.column("action", sa.String),
    sa.column("entity_type", sa.String), sa.column("entity_id", sa.Integer),
    sa.column("detail", sa.JSON), sa.column("created_at", sa.DateTime))
WHY = "电话号码统一写法（0051_phones_normalise）"


def _rows(conn, table):
    """(id, phone) of every row with a phone, in pages of ids: a county's members are
    never held all at once."""
    last = 0
    while True:
        rows = conn.execute(sa.select(table.c.id, table.c.phone)
                            .where(table.c.id > last, table.c.phone.is_not(None))
                            .order_by(table.c.id).limit(2000)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def _event(entity_type, entity_id, detail, now):
    return {"actor_id": None, "action": "update", "entity_type": entity_type,
            "entity_id": entity_id, "created_at": now, "detail": {**detail, "why": WHY}}


def _members(conn, now):
    held = {}  # every stored number, as stored: what a rewrite may not take
    wanted = defaultdict(list)  # the normalised number -> the members it would be
    for member_id, phone in _rows(conn, member):
        held[phone] = member_id
        if phone.startswith(ERASED_PHONE_MARK):
            continue
        spelled = normalise_phone(phone)
        if spelled != phone and MOBILE_RE.match(spelled):
            wanted[spelled].append((member_id, phone))
    events, left = [], []
    for spelled, members in wanted.items():
        if len(members) > 1 or spelled in held:
            # both would hold one number: left as they are, for an admin to decide
            left.append(sorted({m for m, _ in members} | ({held[spelled]} if spelled in held else set())))
            continue
        (member_id, phone), = members
        conn.execute(member.update().where(member.c.id == member_id).values(phone=spelled))
        events.append(_event("member", member_id,
                             {"phone": [mask_phone(phone), mask_phone(spelled)]}, now))
    for ids in sorted(left):
        log.warning("0051_phones_normalise: members %s would share one phone number once "
                    "normalised; their numbers are left as stored, to be corrected on the "
                    "member form", ", ".join(str(i) for i in ids))
    return events


def _residents(conn, now):
    events = []
    for resident_id, phone in list(_rows(conn, resident)):
        spelled = normalise_contact(phone)
        if spelled != phone and RESIDENT_PHONE_RE.match(spelled):
            conn.execute(resident.update().where(resident.c.id == resident_id)
                         .values(phone=spelled))
            # as the register's own audit row: which field, never its value
            events.append(_event("resident", resident_id, {"fields": ["phone"]}, now))
    return events


def upgrade():
    conn = op.get_bind()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    events = _members(conn, now) + _residents(conn, now)
    if events:
        op.bulk_insert(audit_event, events)


def downgrade():
    pass  # the old spellings are not put back
