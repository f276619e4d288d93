"""Session user ids that stop working when the password changes.

Flask-Login keeps ``user.get_id()`` in the session and in the remember-me cookie and
hands it back to the user loader on every request. Ours is the member id plus an
HMAC of the password hash (Flask-Login's "alternative token"; Django does the
same): changing or resetting a password changes it, so every other session and
remember-me cookie of that member ends at its next request. The HMAC is keyed with
SECRET_KEY, so the cookie (signed, not encrypted) tells nothing about the hash.

Only the formula lives here, so the model (``Member.get_id``) can use it without an
import cycle; the user loader that looks the member up is ``tracker/auth/loader.py``.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app

_SEPARATOR = ":"


def _fingerprint(password_hash: str | None) -> str:
    key = current_app.secret_key
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, b"login-id:" + (password_hash or "").encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def login_id(member_id: int, password_hash: str | None) -> str:
    return f"{member_id}{_SEPARATOR}{_fingerprint(password_hash)}"


def member_id_of(value: str) -> int | None:
    """The member id a session's id names, or None when the id is malformed."""
    member_id, _sep, fingerprint = value.partition(_SEPARATOR)
    if not member_id.isdigit() or not fingerprint:
        return None
    return int(member_id)


def still_valid(value: str, password_hash: str | None) -> bool:
    """Whether a session's id was issued for this password hash (constant time)."""
    _member_id, _sep, fingerprint = value.partition(_SEPARATOR)
    return hmac.compare_digest(fingerprint, _fingerprint(password_hash))
