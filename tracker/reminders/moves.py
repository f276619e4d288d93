"""任务时间地点有变 on a push channel (e-mail, SMS): only the newest one waiting leaves,
and it speaks of what that channel last told her (leave50).

Her in-app copy of a move is delivered when it is written; a push may wait (the quiet
hours, a retry), and a second move may come meanwhile. Two e-mails at 08:00, the
first stating a time no longer true, is what the house refuses: a member is never sent
a push stating a time or place that no longer holds. So a waiting one gives way to the
newer one for the same member, task and channel (``supersede_waiting``, when the newer
is written; ``reasons.CHANGED_AGAIN`` says why on 提醒发送状态), and the survivor's
lead-in names every field that differs from what this channel last delivered
(``changed_on_channel``) — an e-mail-only reader reads 「时间有变」 after a time move
and a place fix, though her in-app copy of the move was shown. A field moved and moved
back is as she was told: nothing differs, nothing is sent.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone

from sqlalchemy import select, update

from ..extensions import db
from ..models import Assignment, AuditEvent, HOLDING, Outbox, OutboxStatus, Task
from ..services.tasks import PLACE_TAG, place_tag
from . import reasons

TIME_PLACE = ("starts_at", "ends_at", "place")
FACT = {"starts_at": "starts", "ends_at": "ends", "place": "place"}  # in ``_task`` facts
UNKNOWN = object()  # a field before an edit that its audit row did not record


def event_of(key: str) -> int:
    """The edit a 任务时间地点有变 row is about: its ``dedupe_key``'s last but one part
    (``changed:m4:task:12:changed:<event id>:email``)."""
    return int(key.rsplit(":", 2)[1])


# --- only the newest waiting one leaves ---------------------------------------------------------

def supersede_waiting() -> None:
    """A 任务时间地点有变 waiting on a channel gives way to a newer one for the same
    member, task and channel (``obsolete``, ``CHANGED_AGAIN``). The newer keeps the
    earliest start the older ones had her set out by (``set_out``): a move she has not
    heard of on this channel still cannot wait for the morning when the start she knows
    here is early (review39 #2; the older one would have left at night)."""
    waiting = defaultdict(list)
    for row_id, member_id, task_id, channel, key, facts in db.session.execute(
            select(Outbox.id, Outbox.member_id, Outbox.task_id, Outbox.channel,
                   Outbox.dedupe_key, Outbox.facts)
            .where(Outbox.kind == "changed", Outbox.status == OutboxStatus.pending,
                   Outbox.member_id.is_not(None))):
        waiting[member_id, task_id, channel].append((event_of(key), row_id, facts))
    for rows in waiting.values():
        if len(rows) < 2:
            continue
        rows.sort(key=lambda row: row[0])
        (_event, newest, facts), older = rows[-1], rows[:-1]
        db.session.execute(
            update(Outbox)
            .where(Outbox.id.in_([row_id for _e, row_id, _f in older]),
                   Outbox.status == OutboxStatus.pending)
            .values(status=OutboxStatus.obsolete, reason=reasons.CHANGED_AGAIN),
            execution_options={"synchronize_session": False})
        starts = [f["set_out"] for _e, _r, f in rows if f and f.get("set_out")]
        if facts is not None and starts:
            earliest = min(starts, key=datetime.fromisoformat)
            if earliest != facts.get("set_out"):
                db.session.execute(
                    update(Outbox)
                    .where(Outbox.id == newest, Outbox.status == OutboxStatus.pending)
                    .values(facts={**facts, "set_out": earliest}),
                    execution_options={"synchronize_session": False})


def newer_written(row) -> bool:
    """Whether a 任务时间地点有变 about a later edit was written for the row's member,
    task and channel (sent, waiting or set aside): this one states a task that is no
    longer so. ``supersede_waiting`` sets such a row aside when the newer is written;
    this is the same rule when the row leaves (two runs writing at once)."""
    event = event_of(row.dedupe_key)
    return any(event_of(key) > event for key in db.session.scalars(
        select(Outbox.dedupe_key).where(
            Outbox.kind == "changed", Outbox.member_id == row.member_id,
            Outbox.task_id == row.task_id, Outbox.channel == row.channel,
            Outbox.id != row.id)))


def states_the_task(row) -> bool:
    """Whether the task's start, end and place are still what the row says, read as it
    is handed to its channel (``job._stamp``, in the stamp's transaction). A move
    committed after ``still_changed`` passed — the liaison's, and the newer row another
    run wrote for it — would otherwise leave her a push stating a time or place no
    longer true: it is set aside (``CHANGED_AGAIN``), and the newer one, written by
    that run or the next, tells the task as it is (leave51). A move after this read is
    in flight with the push, as one made a second after any message. True for a row
    that keeps no facts (written before they were kept)."""
    if row.facts is None:
        return True
    task = db.session.execute(select(Task.starts_at, Task.ends_at, Task.place)
                              .where(Task.id == row.task_id)).first()
    if task is None:
        return False
    said = row.facts["task"]
    return (_at(said.get("starts")) == _at(task.starts_at)
            and _at(said.get("ends")) == _at(task.ends_at)
            and (said.get("place") or "") == (task.place or ""))


def _at(moment) -> datetime | None:
    """A facts time (ISO text) or a column's, as an aware moment (a naive one is UTC)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


# --- what this channel last told her -------------------------------------------------------------

def changed_on_channel(row, since: datetime) -> list[str] | None:
    """The fields (TIME_PLACE's order) of the task as the row states it that differ from
    what the row's channel last told her: the task a 任务时间地点有变 sent on it said (if
    she held her place since), else the task before the oldest edit since she claimed
    (and since ``since``, the kind's news start). An edit's old start and end are in the
    audit trail; its place is not (no free text is kept there), only its tag
    (``tasks.place_tag``), so a place moved and moved back is as she was told (leave51);
    one edited before the tag was kept counts as changed. None: the row keeps no facts
    (written before they were kept), or she holds no place."""
    if row.facts is None:
        return None
    claimed = db.session.execute(
        select(Assignment.claimed_at).where(
            Assignment.task_id == row.task_id, Assignment.member_id == row.member_id,
            Assignment.status.in_(HOLDING))).first()
    if claimed is None:
        return None
    claimed_at = claimed[0]
    event = event_of(row.dedupe_key)
    told_event, told = _last_told(row, claimed_at)
    later = [claimed_at, since] if claimed_at is not None else [since]
    edits = db.session.execute(
        select(AuditEvent.detail).where(
            AuditEvent.entity_type == Task.__tablename__, AuditEvent.entity_id == row.task_id,
            AuditEvent.action == "update", AuditEvent.id > told_event,
            AuditEvent.id <= event, AuditEvent.created_at > max(later))
        .order_by(AuditEvent.id)).scalars().all()
    return moved_since(edits, row.facts["task"], told)


def moved_since(unheard: list[dict], now: dict, told: dict | None = None) -> list[str]:
    """What changed since the member last heard (start, end, place, in TIME_PLACE's
    order), from the audit details of the edits she has not heard of (oldest first) and
    the task as it is now (``kinds._task``): a field any of them touched whose value
    before the oldest that touched it differs from its value now — every unheard edit
    counts, not only the newest (a move then a place fix before the job ran is a change
    of time and place to her, review41 #6), and a field moved and moved back is not
    changed (quiet51). A place edited before its tag was kept counts as changed.
    ``told``: the task as a message sent since said it (``changed_on_channel``), the
    value compared with instead of the one before the oldest edit."""
    changed = []
    for name in TIME_PLACE:
        touched = [detail for detail in unheard if _touches(detail or {}, name)]
        if not touched:
            continue
        was = told.get(FACT[name], UNKNOWN) if told is not None else _before(touched[0], name)
        if was is UNKNOWN or not _same(name, was, now.get(FACT[name])):
            changed.append(name)
    return changed


def _last_told(row, claimed_at) -> tuple[int, dict | None]:
    """(the edit, the task as said) of the newest 任务时间地点有变 sent on the row's
    channel to the member, if she has held her place since that edit; else (0, None)."""
    sent = db.session.execute(
        select(Outbox.dedupe_key, Outbox.facts).where(
            Outbox.kind == "changed", Outbox.member_id == row.member_id,
            Outbox.task_id == row.task_id, Outbox.channel == row.channel,
            Outbox.status == OutboxStatus.sent)).all()
    if not sent:
        return 0, None
    key, facts = max(sent, key=lambda told: event_of(told[0]))
    event = event_of(key)
    at = db.session.scalar(select(AuditEvent.created_at).where(AuditEvent.id == event))
    if claimed_at is not None and (at is None or claimed_at >= at):
        return 0, None  # she left and claimed again since: she saw the task then
    return event, (facts or {}).get("task")


def _touches(detail: dict, name: str) -> bool:
    # ``fields`` names what an edit changed (older rows: a key per field, as find_changed)
    return name in detail or name in (detail.get("fields") or ())


class _Tag(str):
    """A place as the trail keeps it: its tag (``tasks.place_tag``), not its text."""


def _before(detail: dict, name: str):
    """A field's value before an edit that changed it: the audit's [old, new] of a time,
    the old place's tag (leave51); UNKNOWN for what an older row did not record (a
    place edited before the tag was kept: changed, as it was then)."""
    if name == "place":
        tags = detail.get(PLACE_TAG)
        return _Tag(tags[0]) if tags else UNKNOWN
    pair = detail.get(name)
    return pair[0] if pair else UNKNOWN


def _same(name: str, was, now) -> bool:
    if isinstance(was, _Tag):
        return was == place_tag(now)
    if name == "place":
        return (was or "") == (now or "")
    if was is None or now is None:
        return was is now
    # the trail's old time is as the column held it (naive on SQLite: UTC), facts' aware
    return _at(was) == _at(now)
