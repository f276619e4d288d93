"""加入日历's SEQUENCE and LAST-MODIFIED of a task's event, read from its audit trail.

RFC 5545 §3.8.7.4: the organizer raises SEQUENCE on each significant change, and some
clients (Outlook, some Android importers) take a re-imported event with the same UID
as an update only when it went up — a phone that imported the task before its time
moved or it was called off otherwise keeps the old event (audit51).

The rule: an event's SEQUENCE is the number of the task's recorded changes of what
the event prints (``PRINTED``: its title, 服务对象, place, start, end; and its calling
off — 取消 or 作废, ``STATUS:CANCELLED``). An edit of nothing printed (名额, 任务说明,
the checklist line) leaves it. The audit trail only grows (``audit.protect``), so the
number never goes down, and it needs no column of its own: the count rides in the
statement that reads the task (``Task.calendar_sequence``), the feed's one statement
for all its events. LAST-MODIFIED is the time of the newest such change, else the
task's creation.

A resident's erasure taking their name out of the title, 服务对象 or place counts
too: it writes its own row on the task (``erasure.FORGOTTEN``, the fields it rewrote),
or a calendar that imported the event before would keep the name the erasure removes.
Not counted (the trail has no row on the task for it): a rename of its community,
片区 or category (the event's description).
"""
from __future__ import annotations

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import with_expression

from ..models import AuditEvent, Task
from .erasure import FORGOTTEN
from .voiding import VOID

# the fields of a task edit (``tasks.edit_detail``'s ``fields``) its event prints
PRINTED = ("title", "beneficiary", "place", "starts_at", "ends_at")
CALLED_OFF = ("cancel", VOID)
# the rows whose ``fields`` name what changed: a liaison's edit, an erasure's rewrite
REWRITES = ("update", FORGOTTEN)


def _printed_changes(task_id):
    # ``fields`` is a JSON list of field names; each name is matched with its quotes,
    # so "place" is not found in "place_tag" (the same text on SQLite and PostgreSQL)
    fields = cast(AuditEvent.detail["fields"], String)
    return (AuditEvent.entity_type == Task.__tablename__, AuditEvent.entity_id == task_id,
            or_(AuditEvent.action.in_(CALLED_OFF),
                and_(AuditEvent.action.in_(REWRITES),
                     or_(*(fields.like(f'%"{name}"%') for name in PRINTED)))))


def sequence_of(task_id):
    """The event's SEQUENCE for task ``task_id`` (a column), as a scalar subquery."""
    return select(func.count(AuditEvent.id)).where(*_printed_changes(task_id)).scalar_subquery()


def modified_of(task_id):
    """The time of the task's newest printed change (None: none yet), a scalar subquery."""
    return (select(func.max(AuditEvent.created_at)).where(*_printed_changes(task_id))
            .scalar_subquery())


def calendar_loads() -> list:
    """Options reading ``Task.calendar_sequence`` and ``Task.calendar_modified`` with
    the task, in its statement."""
    return [with_expression(Task.calendar_sequence, sequence_of(Task.id)),
            with_expression(Task.calendar_modified, modified_of(Task.id))]
