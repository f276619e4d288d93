"""Flask-Login's user loader: the member a session's id names (``tracker/login_ids.py``)."""
from __future__ import annotations

from ..extensions import db
from ..login_ids import member_id_of, still_valid
from ..models import Member


def load_member(value: str) -> Member | None:
    """The member a session's id names, or None when the id is malformed, the member
    is gone, or the password has changed since the session began."""
    member_id = member_id_of(value)
    if member_id is None:
        return None
    member = db.session.get(Member, member_id)
    if member is None or not still_valid(value, member.password_hash):
        return None
    return member
