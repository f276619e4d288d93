"""Writing the audit trail."""
from __future__ import annotations

from dataclasses import dataclass

from ..extensions import db
from ..models import AuditEvent


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
        detail={k: _plain(v) for k, v in detail.items()} or None,
    )
    db.session.add(event)
    return event


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    return value
