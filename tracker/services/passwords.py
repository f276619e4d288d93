"""What a password must be — the one place that says it.

Every way of setting a password (the forms, ``flask create-admin``) asks
``check_password_strength``; a stricter policy is added here and reaches them all.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MIN_LENGTH, MAX_LENGTH = 8, 128
COMMON_PASSWORDS = frozenset({
    "12345678", "123456789", "1234567890", "87654321", "11111111", "00000000",
    "88888888", "66666666", "password", "password1", "qwertyui", "qwerty123",
    "abcd1234", "a1234567", "aa123456", "1qaz2wsx", "iloveyou", "woaini1314",
    "demo1234", "abc12345", "admin123", "12341234", "11223344", "asdfghjk",
})


def check_password_strength(password: str | None, *, phone: str | None = None):
    """None when ``password`` is acceptable, else the message that says why not."""
    value = password or ""
    if not MIN_LENGTH <= len(value) <= MAX_LENGTH:
        return _l("密码长度须为8到128个字符。")
    if value.lower() in COMMON_PASSWORDS or len(set(value)) < 4:
        return _l("密码太常见或太简单，请换一个。")
    if phone and phone.strip() and phone.strip() in value:
        return _l("密码不能包含手机号。")
    return None
