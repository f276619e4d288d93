"""Flask-Login's user loader: the member whose live login session a cookie names.

Both the session cookie and the remember-me cookie carry the token of a server-side
``LoginSession`` (``tracker/services/sessions.py``). A token whose session has ended
— logout, "退出所有设备", a new password, the idle or absolute timeout, a deactivated
account — loads nobody, so a replayed cookie gets the login page.
"""
from __future__ import annotations

from flask import g

from ..models import LoginSession, Member
from ..services.sessions import find_live, session_of, touch_if_due
from .relogin import note_ended_login


def load_member(token: str) -> Member | None:
    row, why = find_live(token)
    if row is None:
        note_ended_login(why, token)  # the login page will say it has ended
        return None
    touch_if_due(row)
    member = row.member
    member.session_token = token
    g._login_session = (token, row)  # for current_session(): read once a request
    return member


def current_session() -> LoginSession | None:
    """The LoginSession of this request (None when nobody is logged in): the row the
    loader found, or (a member just logged in) the one the token names."""
    from flask_login import current_user

    if not current_user.is_authenticated:
        return None
    token, row = g.get("_login_session", (None, None))
    if row is not None and token == current_user.session_token:
        return row
    return session_of(current_user.session_token)
