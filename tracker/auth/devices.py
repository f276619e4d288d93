"""The phone or computer a login came from: a short name for "登录设备", and the signed
cookie that says "this browser has logged in to these accounts before".

The trusted-device cookie (OWASP's "device cookie") is what keeps the login throttle
from locking an owner out: guesses at an account from elsewhere slow down every other
browser, but not one the owner has logged in with before (see ``tracker/services/accounts.py``).
It holds a random device id and the ids of the members who logged in on it, signed
with SECRET_KEY; it proves nothing else and grants nothing by itself.
"""
from __future__ import annotations

import secrets
from functools import lru_cache

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "tracker_device"
MAX_AGE = 60 * 60 * 24 * 365
MAX_MEMBERS = 5  # a family's shared phone


@lru_cache(maxsize=512)
def describe(user_agent: str) -> str:
    """'Android · 微信', 'iOS · Mobile Safari', 'Windows · Chrome' …"""
    if not user_agent:
        return ""
    from ua_parser import parse

    result = parse(user_agent)
    system = result.os.family if result.os and result.os.family != "Other" else ""
    browser = result.user_agent.family if result.user_agent and \
        result.user_agent.family != "Other" else ""
    # WeChat's in-app browser is what most members use; uap names its engine instead.
    if "MicroMessenger" in user_agent:
        browser = "微信"
    return " · ".join(part for part in (system, browser) if part)[:80]


def shown(label: str | None) -> str:
    """A stored device name in the reader's language: 'Android · 微信' reads
    'Android · WeChat' in English. The name is stored as ``describe`` made it (system
    and browser names are proper names; only 微信 is a word of ours)."""
    if not label:
        return ""
    from flask_babel import gettext as _

    return " · ".join(_("微信") if part == "微信" else part for part in label.split(" · "))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="trusted-device")


def read() -> tuple[str | None, set[int]]:
    """(device id, members who logged in here) from this request's cookie."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None, set()
    try:
        value = _serializer().loads(raw, max_age=MAX_AGE)
    except BadSignature:
        return None, set()
    if not isinstance(value, dict) or not isinstance(value.get("d"), str):
        return None, set()
    members = {m for m in value.get("m", []) if isinstance(m, int)}
    return value["d"], members


def remember(response, member_id: int) -> None:
    """After a successful login: this browser is one the member has used."""
    device, members = read()
    ordered = [member_id] + [m for m in sorted(members) if m != member_id]
    value = {"d": device or secrets.token_urlsafe(16), "m": ordered[:MAX_MEMBERS]}
    response.set_cookie(COOKIE, _serializer().dumps(value), max_age=MAX_AGE, httponly=True,
                        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
