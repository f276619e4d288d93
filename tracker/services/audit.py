"""Writing the audit trail."""
from __future__ import annotations

from ..extensions import db
from ..models import AuditEvent


def record(actor, action: str, entity, **detail) -> AuditEvent:
    """Add an AuditEvent for ``action`` on ``entity`` (flushed with the change)."""
    if entity.id is None:
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
