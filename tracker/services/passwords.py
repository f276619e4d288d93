"""The password policy, applied wherever a password is set (invitation link, change of
password, command line), and hashing with the current parameters.

A password must be 8–128 characters, must not be the member's phone number (nor
contain it), must not be one of the common passwords shipped in
``tracker/data/common-passwords.txt``, and needs at least 4 different characters.
Hashes use ``PASSWORD_HASH_METHOD`` (Werkzeug's scrypt by default); a hash made with
other parameters is replaced at the member's next successful login.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import current_app
from ..i18n import lazy_gettext as _l

from ..config import sample_hash
from . import ServiceError

MIN_LENGTH, MAX_LENGTH = 8, 128
COMMON_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines
                     if line.strip() and not line.startswith("#"))


def check_policy(password: str, phone: str | None, field: str = "new_password") -> None:
    """Raise a ServiceError (in Chinese, for ``field``) when ``password`` may not be used."""
    value = password or ""
    if not MIN_LENGTH <= len(value) <= MAX_LENGTH:
        raise ServiceError(_l("密码长度须为8到128个字符。"), field=field)
    if phone and phone in value:
        raise ServiceError(_l("密码不能包含手机号。"), field=field)
    if value.lower() in common_passwords() or len(set(value)) < 4:
        raise ServiceError(_l("密码太常见或太简单，请换一个。"), field=field)


def _parameters(method: str) -> str:
    # "scrypt" → "scrypt:32768:8:1": the form Werkzeug writes before the first "$", read
    # off the hash made at start (``config.sample_hash``), not off one more hash.
    return sample_hash(method).split("$", 1)[0]


def needs_rehash(password_hash: str | None) -> bool:
    if not password_hash:
        return False
    return password_hash.split("$", 1)[0] != _parameters(current_app.config["PASSWORD_HASH_METHOD"])


def check_password_strength(password: str | None, *, phone: str | None = None):
    """None when ``password`` is acceptable, else the message that says why not (for
    callers that report rather than raise, such as ``flask create-admin``)."""
    try:
        check_policy(password or "", phone)
    except ServiceError as error:
        return error.message
    return None
