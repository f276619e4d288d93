"""roll_period from the audit trail: the stays of members whose history predates 0032

0032 gave each member one stay, in the unit they had at the upgrade, from roll_since
(NULL: always) to roll_until: a member moved or switched off under an earlier release
was read as if that had always been their state. The moved member counted in the new
unit's months before the move (外单位 in the old unit's), a unit created in December
got an October 参与情况, a member switched off dropped out of every past month. The
audit trail kept every one of those changes with its time, so the stays are rebuilt
from it by today's rules (services/roll.py), frozen here:

- the member's state changes on the local day (Asia/Shanghai) of each event about
  them: ``update`` whose detail changes ``unit_id`` or ``on_roll`` ([before, after]),
  ``deactivate`` / ``reactivate`` (or ``activate``), ``import_update`` (the state
  after); they are on the roll of their unit while active and 计入参与统计;
- their history starts at their creation (``create`` / ``import_create``): since
  always when no task had been recorded yet, else on that day (the join rule); with no
  creation in the trail, where 0032 started it (roll_since);
- a member inactive now with no ``deactivate`` in the trail left on 0032's roll_until
  (none: off every roll, as before);
- no stay in a unit starts before the unit's ``create`` event, when work had been
  recorded by then (a unit set up before any work may have its members "since
  always", for the months recorded by 补录 afterwards, as today).

Members with history written after 0032 are left as they are: a ``create`` or
``update`` whose detail holds ``roll_from`` (the member form since 0032), or more than
one stay. Each member whose stays change gets an audit event ``roll_rebuilt`` with the
stays before and after.

Downgrade keeps the stays (0032's schema; the rebuilt history is valid for it).

Revision ID: 0037_roll_from_audit
Revises: 0033_final_summary_copy
Create Date: 2026-12-03 00:30:00.000000

"""
import json
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0037_roll_from_audit'
down_revision = '0033_final_summary_copy'
branch_labels = None
depends_on = None

LOCAL = timedelta(hours=8)  # Asia/Shanghai, no daylight saving
ACTIONS = ('create', 'import_create', 'update', 'import_update',
           'deactivate', 'reactivate', 'activate')

audit_event = sa.table(
    "audit_event", sa.column("actor_id", sa.Integer), sa.column("action", sa.String),
    sa.column("entity_type", sa.String), sa.column("entity_id", sa.Integer),
    sa.column("detail", sa.JSON), sa.column("created_at", sa.DateTime))
roll_period = sa.table(
    "roll_period", sa.column("id", sa.Integer), sa.column("member_id", sa.Integer),
    sa.column("unit_id", sa.Integer), sa.column("since", sa.Date),
    sa.column("until", sa.Date))


def _when(value):
    """A stored timestamp (naive UTC; SQLite may give it as text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _day(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _local_day(at):
    return (at + LOCAL).date()


def _detail(value):
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, dict) else {}


def _pair(detail, key):
    """(before, after) of a change the detail records, or None."""
    value = detail.get(key)
    if isinstance(value, list) and len(value) == 2:
        return value
    return None


def _truthy(value):
    return value in (True, 1, "1", "true", "True", "t")


def _initial(member, events, old):
    """The member's state before the first event in the trail: what the first change
    of each field started from, else what it is now. Also the day of a switch-off the
    trail does not hold (0032's roll_until of a member inactive now), or None."""
    state = {"unit": None, "on_roll": None, "active": None}

    def first(field, value):
        if state[field] is None:
            state[field] = value

    for action, detail, _ in events:
        if action in ("create", "import_create", "import_update"):  # the state after
            if "unit_id" in detail:
                first("unit", detail["unit_id"])
            if "on_roll" in detail:
                first("on_roll", _truthy(detail["on_roll"]))
            if action != "import_update":
                first("active", True)
        elif action == "update":
            for key, field in (("unit_id", "unit"), ("on_roll", "on_roll")):
                pair = _pair(detail, key)
                if pair is not None:
                    first(field, pair[0] if field == "unit" else _truthy(pair[0]))
        else:
            first("active", action == "deactivate")  # on before a switch-off
    left = None
    if state["active"] is None:
        if not _truthy(member["active"]) and old and old[-1][2] is not None:
            state["active"], left = True, old[-1][2]
        else:
            state["active"] = _truthy(member["active"])
    first("unit", member["unit_id"])
    first("on_roll", _truthy(member["on_roll"]))
    return state, left


def _stays(member, events, old, first_task_at, unit_created):
    """The member's stays [(unit_id, since, until)] by the rules above. ``events``:
    (action, detail, created_at) in order; ``old``: the stays 0032 gave."""
    state, left = _initial(member, events, old)

    def wanted():
        return state["unit"] if state["active"] and state["on_roll"] else None

    created = next((at for action, _, at in events if action in ("create", "import_create")),
                   None)
    if created is not None:  # the join rule: since always before any work, else that day
        start = None if first_task_at is None or first_task_at >= created else _local_day(created)
    else:
        start = old[0][1] if old else None

    changes = []  # (day, the unit whose roll they are on from that day)
    for action, detail, at in events:
        if action in ("create", "import_create"):
            continue
        if action == "update":
            for key, field in (("unit_id", "unit"), ("on_roll", "on_roll")):
                pair = _pair(detail, key)
                if pair is not None:
                    state[field] = pair[1] if field == "unit" else _truthy(pair[1])
        elif action == "import_update":
            if "unit_id" in detail:
                state["unit"] = detail["unit_id"]
            if "on_roll" in detail:
                state["on_roll"] = _truthy(detail["on_roll"])
        else:
            state["active"] = action != "deactivate"
        changes.append((_local_day(at), wanted()))
    if left is not None:
        state["active"] = False
        changes.append((left, None))

    initial, _ = _initial(member, events, old)
    unit = initial["unit"] if initial["active"] and initial["on_roll"] else None
    since, stays = start, []
    for day, then in changes:  # a day's last event decides it
        if start is not None and day < start:
            day = start
        if then == unit:
            continue
        if unit is not None and (since is None or since < day):
            stays.append([unit, since, day])
        unit, since = then, day
    if unit is not None:
        stays.append([unit, since, None])

    bounded = []
    for unit, since, until in stays:
        floor = unit_created.get(unit)
        if floor is not None and (since is None or since < floor):
            since = floor  # not on the roll of a unit before it existed
        if until is not None and since is not None and until <= since:
            continue
        if bounded and bounded[-1][0] == unit and bounded[-1][2] == since:
            bounded[-1][2] = until  # back in the same unit on the day they left: one stay
        else:
            bounded.append([unit, since, until])
    return [tuple(s) for s in bounded]


def _member_events(conn):
    """{member id: [(action, detail, created_at)]} in the order they happened."""
    rows = conn.execute(sa.text(
        "SELECT entity_id, action, detail, created_at FROM audit_event"
        " WHERE entity_type = 'member' AND entity_id IS NOT NULL"
        " AND action IN (" + ", ".join(f"'{a}'" for a in ACTIONS) + ")"
        " ORDER BY created_at, id"))
    found = defaultdict(list)
    for member_id, action, detail, at in rows:
        detail = _detail(detail)
        if action == "update" and _pair(detail, "unit_id") is None \
                and _pair(detail, "on_roll") is None and "roll_from" not in detail:
            continue  # a change of name, phone, role…: not the roll
        found[member_id].append((action, detail, _when(at)))
    return found


def upgrade():
    conn = op.get_bind()
    events = _member_events(conn)
    first_task = conn.execute(sa.text("SELECT min(created_at) FROM task")).scalar()
    first_task_at = _when(first_task) if first_task is not None else None
    unit_created = {}  # units created once work was recorded: nobody there before
    for unit_id, at in conn.execute(sa.text(
            "SELECT entity_id, min(created_at) FROM audit_event"
            " WHERE entity_type = 'unit' AND action = 'create' AND entity_id IS NOT NULL"
            " GROUP BY entity_id")):
        at = _when(at)
        if first_task_at is not None and first_task_at < at:
            unit_created[unit_id] = _local_day(at)
    old = defaultdict(list)
    for member_id, unit_id, since, until in conn.execute(sa.text(
            "SELECT member_id, unit_id, since, until FROM roll_period ORDER BY member_id, id")):
        old[member_id].append((unit_id, _day(since), _day(until)))

    now = datetime.now(timezone.utc).replace(tzinfo=None)
    audit, last = [], 0
    while True:  # members in pages of ids (a county's roll is not held at once)
        members = conn.execute(sa.text(
            "SELECT id, unit_id, on_roll, active FROM member WHERE id > :last"
            " ORDER BY id LIMIT 2000"), {"last": last}).mappings().all()
        if not members:
            break
        last = members[-1]["id"]
        for member in members:
            mine, before = events.get(member["id"], []), old.get(member["id"], [])
            if len(before) > 1 or any(
                    "roll_from" in detail for action, detail, _ in mine
                    if action in ("create", "update")):
                continue  # history written after 0032: theirs as it is
            after = _stays(member, mine, before, first_task_at, unit_created)
            if after == before:
                continue
            conn.execute(roll_period.delete().where(roll_period.c.member_id == member["id"]))
            if after:
                op.bulk_insert(roll_period, [
                    {"member_id": member["id"], "unit_id": u, "since": s, "until": t}
                    for u, s, t in after])

            def shown(stays):
                return [[u, s and s.isoformat(), t and t.isoformat()] for u, s, t in stays]
            audit.append({"actor_id": None, "action": "roll_rebuilt", "entity_type": "member",
                          "entity_id": member["id"], "created_at": now,
                          "detail": {"before": shown(before), "after": shown(after),
                                     "why": "按操作记录重建在册历史（0037_roll_from_audit）"}})
    if audit:
        op.bulk_insert(audit_event, audit)


def downgrade():
    pass  # the stays are 0032's schema: kept as rebuilt (the earlier ones are in the trail)
