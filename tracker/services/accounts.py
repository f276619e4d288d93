"""Passwords and sign-in checks."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Member
from . import ServiceError
from .audit import record

# Checked against when the phone is unknown, so a miss costs as much as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def authenticate(phone: str, password: str) -> Member | None:
    """The active member with this phone and password, or None (same cost either way)."""
    member = db.session.scalar(select(Member).where(Member.phone == phone.strip()))
    if member is None or not member.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not member.check_password(password) or not member.active:
        return None
    return member


def change_password(member: Member, current: str, new: str) -> None:
    if not member.check_password(current):
        raise ServiceError(_l("当前密码不正确。"), field="current")
    if current == new:
        raise ServiceError(_l("新密码不能与当前密码相同。"), field="new_password")
    member.set_password(new)
    record(member, "change_password", member)
