"""origin48 hours origin: who stated each participation's hours (时长来源)

A member's 服务记录 said one general sentence about its hours: nothing stored told hours
she confirmed (确认参与) from hours 通过 counted by her check-in (按签到计入) from hours a
liaison typed (补录, 添加遗漏的参加人员, 采纳 of a 补录申请) or corrected (改正服务时长).
``assignment.hours_origin`` keeps it from now on, set with the hours by every path that
writes them (docs/design.md; ``models.HoursOrigin``).

Each row already holding hours (``minutes`` not NULL) is classified from the audit
trail, which has recorded every one of those writes since it began. The last of the
following events about the row decides (the events in the order written, ``id``):

- ``confirm`` on the assignment: 'confirmed' (本人确认);
- ``count_checked_in`` on the assignment: 'checkin' (按签到计入);
- ``add_participant`` on the assignment (添加遗漏的参加人员, an approved activity's 采纳
  included): 'recorded' (联络员补录);
- ``backfill_request_adopt`` naming the assignment (``assignment_id``) written by 采纳
  into the request's task (no ``through``): 'recorded'. One with a ``through`` closed
  the request because another write stated the hours — her own confirmation, an
  addition, the 补录 form, her being on the task already —, whose own event decides;
- ``backfill`` on the row's task (补录 and the ledger import write the activity with
  its participants' hours, the one event naming them): 'recorded' — for every row of
  the task, since any later write of a row's hours has a later event of its own;
- ``correct_minutes`` on the assignment that changed the hours (old ≠ new):
  'corrected' (联络员改正).

A row with hours and none of these events (written past the application: generated
or hand-made data) is 'recorded' when its task is a 补录 (``task.backfilled``: only
补录 writes hours onto one without an event of the row's own), else it cannot be told
and keeps NULL, which the 服务记录 shows as 「不详」. Rows without hours keep NULL.

The classification reads the trail in Python, so that the JSON ``detail`` is read
the same on SQLite and PostgreSQL; the SQL is frozen here on purpose (a migration must
not change when the application code does).

Downgrade drops the column.

Revision ID: 0069_origin48_hours_origin
Revises: 0068_hhkept41_served_kept
Create Date: 2026-12-06 18:00:00.000000

"""
import json

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0069_origin48_hours_origin'
down_revision = '0068_hhkept41_served_kept'
branch_labels = None
depends_on = None

ON_ASSIGNMENT = {"confirm": "confirmed", "count_checked_in": "checkin",
                 "add_participant": "recorded", "correct_minutes": "corrected"}

EVENTS = """
SELECT id, action, entity_type, entity_id, detail FROM audit_event
WHERE (entity_type = 'assignment'
       AND action IN ('confirm', 'count_checked_in', 'add_participant', 'correct_minutes'))
   OR (entity_type = 'backfill_request' AND action = 'backfill_request_adopt')
   OR (entity_type = 'task' AND action = 'backfill')
ORDER BY id
"""

WITH_HOURS = """
SELECT assignment.id, assignment.task_id, task.backfilled FROM assignment
JOIN task ON task.id = assignment.task_id
WHERE assignment.minutes IS NOT NULL
"""

CHUNK = 500


def _detail(value) -> dict:
    if isinstance(value, str):  # SQLite hands the JSON back as text
        value = json.loads(value)
    return value or {}


def classify(conn) -> dict[int, str]:
    """{assignment id: origin} of every row with hours that can be told."""
    rows = conn.execute(sa.text(WITH_HOURS)).all()
    of_task: dict[int, list[int]] = {}
    for assignment_id, task_id, _backfilled in rows:
        of_task.setdefault(task_id, []).append(assignment_id)
    origin: dict[int, str] = {}
    for _id, action, entity_type, entity_id, detail in conn.execute(sa.text(EVENTS)):
        detail = _detail(detail)
        if entity_type == 'assignment':
            if action == 'correct_minutes' and detail.get('old_minutes') == detail.get('minutes'):
                continue  # the same hours saved again: still whoever stated them
            origin[entity_id] = ON_ASSIGNMENT[action]
        elif entity_type == 'backfill_request':
            if 'through' not in detail and detail.get('assignment_id') is not None:
                origin[int(detail['assignment_id'])] = 'recorded'
        else:  # a 补录's own event: every row of its task
            for assignment_id in of_task.get(entity_id, ()):
                origin[assignment_id] = 'recorded'
    with_hours = {assignment_id for assignment_id, _t, _b in rows}
    told = {a: o for a, o in origin.items() if a in with_hours}
    for assignment_id, _task_id, backfilled in rows:
        if assignment_id not in told and backfilled:
            told[assignment_id] = 'recorded'
    return told


def upgrade():
    op.add_column('assignment', sa.Column('hours_origin', sa.Enum(
        'confirmed', 'checkin', 'recorded', 'corrected', name='hoursorigin',
        native_enum=False, length=16), nullable=True))
    conn = op.get_bind()
    by_origin: dict[str, list[int]] = {}
    for assignment_id, origin in classify(conn).items():
        by_origin.setdefault(origin, []).append(assignment_id)
    update = sa.text("UPDATE assignment SET hours_origin = :origin WHERE id IN :ids") \
        .bindparams(sa.bindparam('ids', expanding=True))
    for origin, ids in by_origin.items():
        ids.sort()
        for start in range(0, len(ids), CHUNK):
            conn.execute(update, {"origin": origin, "ids": ids[start:start + CHUNK]})


def downgrade():
    # native since SQLite 3.35: no table copy
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE "assignment" DROP COLUMN "hours_origin"')
    else:
        op.drop_column('assignment', 'hours_origin')
