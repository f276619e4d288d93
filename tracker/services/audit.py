"""Writing the audit trail — and only ever adding to it.

``protect()`` makes every ORM session refuse to change or delete an AuditEvent, by
instance or by a bulk UPDATE/DELETE: through the app the trail can only grow
(tests/security/test_data.py walks every route to prove no request rewrites it).

Since nothing can ever be taken out of it, the trail holds no personal data: ids, the
names of the fields an edit changed (never their text), a masked phone, the login
address only as the throttle's HMAC tag. A staff member's typed reason (作废, 取消,
退回 …) is kept, as it is the point of the row, with any phone number or e-mail
address in it masked (``privacy.scrub``).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import AuditEvent, Member
from ..privacy import scrub

# The detail keys holding text a person typed: masked as the logs are.
TYPED = frozenset({"reason"})


class AuditTrailIsAppendOnly(RuntimeError):
    pass


def _before_flush(session, _context, _instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, AuditEvent):
            raise AuditTrailIsAppendOnly("audit events are never deleted")
    for obj in session.dirty:
        if isinstance(obj, AuditEvent) and session.is_modified(obj):
            raise AuditTrailIsAppendOnly("audit events are never changed")


def _on_execute(state) -> None:
    if (state.is_update or state.is_delete) and any(
            mapper.class_ is AuditEvent for mapper in state.all_mappers):
        raise AuditTrailIsAppendOnly("audit events are never changed or deleted")


def protect() -> None:
    """Listen on every ORM session (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "do_orm_execute", _on_execute)


@dataclass(frozen=True)
class Target:
    """What an event is about when there may be no row for it (a failed login for a
    phone nobody has: ``Target("member", None)``)."""

    __tablename__: str
    id: int | None


def record(actor, action: str, entity, **detail) -> AuditEvent:
    """Add an AuditEvent for ``action`` on ``entity`` (flushed with the change)."""
    if entity.id is None and not isinstance(entity, Target):
        db.session.flush()
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        entity_type=entity.__tablename__,
        entity_id=entity.id,
        detail={k: scrub(v) if k in TYPED and isinstance(v, str) else _plain(v)
                for k, v in detail.items()} or None,
    )
    db.session.add(event)
    return event


def actor_first(actor) -> None:
    """Take now the lock on ``actor``'s row that the transaction's audit row (naming its
    actor) takes when it is written — a key share — before the transaction updates a row
    under a unique index (a unit's or community's new name), which PostgreSQL locks
    ``FOR UPDATE`` whatever the app asks, blocking even a write that merely names it.

    The house order (docs/design.md, "Row locks on PostgreSQL") puts a member before
    their unit: an admin changing the actor's 手机号 (the member's row ``FOR UPDATE``)
    and moving them into the renamed unit waits for the unit; a rename that held the
    unit and only then named its actor waited for that admin — a circle. Taken first,
    the rename waits for the member holding nothing, and the other goes through.
    SQLite's writers take turns; it ignores the clause."""
    if getattr(actor, "id", None) is not None:
        db.session.execute(select(Member.id).where(Member.id == actor.id)
                           .with_for_update(read=True, key_share=True))


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    return value
