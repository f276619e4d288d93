"""The audit trail of the work, apart from the sign-ins a test makes on the way.

Every login, failed login, logout and session end is audited too (tracker/services/
sessions.py); tests that prove a refused action "wrote nothing" count the rest. A link
ended (``link_revoke``) or a calendar address stopped (``calendar_stop``) is not among
them: no sign-in or sign-out on a test's way writes one, only an act (退出所有设备, a new
password, 停用 …) whose work they are (tests/invites/test_links_ended_audited.py)."""
from __future__ import annotations

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import AuditEvent

SESSION_ACTIONS = ("login", "login_failed", "logout", "session_end", "rehash_password")
OF_WORK = AuditEvent.action.not_in(SESSION_ACTIONS)


def work_event_count() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(OF_WORK))


def work_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(OF_WORK).order_by(AuditEvent.id)))
