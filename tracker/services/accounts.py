"""Logging in, failed logins and their throttle, changing a password.

How guessing is slowed down (``tracker/throttle.py`` keeps the counts, in the database
or Redis, so every worker and app server sees them):

- per account and address, strictly: ``LOGIN_LIMIT_PER_ACCOUNT_ADDRESS`` failures
  (5 per 15 minutes) and that address may not try that phone again until the window
  frees a place — whatever the password (429);
- per address, strictly: ``LOGIN_LIMIT_PER_ADDRESS`` failures (30 per 15 minutes) for
  any phones and the address waits (429);
- per account from anywhere, a growing delay rather than a lock: past
  ``LOGIN_LIMIT_PER_ACCOUNT`` failures (5 per 15 minutes) each further attempt must
  wait 1 s, 2 s, 4 s … at most ``LOGIN_DELAY_MAX_SECONDS`` (60) after the latest one.
  Someone guessing from elsewhere therefore slows the account down but cannot shut
  its owner out for long;
- a browser the account has logged in with before (the signed trusted-device cookie,
  ``tracker/auth/devices.py``) skips the three rules above and is limited on its own
  (``LOGIN_LIMIT_PER_ACCOUNT_ADDRESS`` failures per device): the owner's phone logs in
  even while the account is under attack.

Every attempt is counted before its password is checked (``throttle.reserve``: judged
and counted in one step, so attempts sent at once cannot all slip under a limit), and
only failures stay counted: a right password gives its count back (a switched-off
account's too: it is told 「该账号已停用」), and a success also clears its
account-and-address and device counts. Nothing else gives a count back: an attempt that
crashes after its count was taken stays counted (the crash may follow a wrong password's
check, and its error page tells that as plainly), and a right password sent while a burst
fills the limit is refused as if sent after it (docs/design.md, invariant 5).
Every login and failed login writes an AuditEvent (a masked phone for an unknown
account, never the password).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from ..i18n import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash

from .. import throttle
from ..config import sample_hash
from ..extensions import db
from ..models import LoginSession, Member
from ..phones import normalise_phone
from ..privacy import mask_phone
from . import ServiceError, unit_of_work
from .audit import Target, record
from .claims import merged_into
from .passwords import check_policy, needs_rehash
from .sessions import begin_session, end_ways_in


def _dummy_hash(method: str) -> str:
    """Checked against when the phone is unknown, so a miss costs as much as a wrong
    password: made with the installation's own hash parameters (a stronger setting than
    the default would otherwise make unknown phones answer faster), once per process —
    at start, where the setting is checked (``config.sample_hash``)."""
    return sample_hash(method)


class TooManyAttempts(ServiceError):
    """Refused before the password is even checked (→ 429 with Retry-After)."""

    def __init__(self, seconds: int, field: str | None = None):
        minutes = max(1, (seconds + 59) // 60)
        if seconds < 60:
            message = _l("尝试次数过多，请%(n)s秒后再试。", n=seconds)
        else:
            message = _l("尝试次数过多，请%(n)s分钟后再试。", n=minutes)
        super().__init__(message, field=field)
        self.retry_after = seconds


@dataclass
class LoginAttempt:
    phone: str
    password: str
    address: str
    device_name: str = ""
    remember: bool = False
    device_id: str | None = None  # from the trusted-device cookie
    device_members: set[int] = field(default_factory=set)


@dataclass
class LoggedIn:
    member: Member
    token: str


def _by_phone(phone: str) -> Member | None:
    return db.session.scalar(select(Member).where(Member.phone == normalise_phone(phone)))


def _password_matches(member: Member | None, password: str) -> Member | None:
    """The account when ``password`` is its own (switched off or not), else None. The
    hash is checked whatever the account, so every answer costs the same."""
    if member is None or not member.password_hash:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    if not member.check_password(password):
        return None
    return member


SWITCHED_OFF = _l("该账号已停用，请联系单位管理员。")


def _limits(attempt: LoginAttempt, trusted: bool) -> dict[str, throttle.Limit]:
    phone = normalise_phone(attempt.phone)  # 「138 0000 0002」 is 13800000002: one account
    address = throttle.address_key(attempt.address)  # an IPv6 client's /64
    strict = throttle.rule("LOGIN_LIMIT_PER_ACCOUNT_ADDRESS")
    limits = {}
    if trusted:
        limits["device"] = throttle.Limit(throttle.key("login-device", attempt.device_id), strict)
    else:
        limits["account_address"] = throttle.Limit(
            throttle.key("login-acct-addr", phone, address), strict)
        limits["address"] = throttle.Limit(throttle.address_tag(attempt.address),
                                           throttle.rule("LOGIN_LIMIT_PER_ADDRESS"))
    # Counted always (a trusted device's failures too), waited on only when untrusted.
    limits["account"] = throttle.Limit(
        throttle.key("login-acct", phone), throttle.rule("LOGIN_LIMIT_PER_ACCOUNT"),
        "counted" if trusted else "growing", int(current_app.config["LOGIN_DELAY_MAX_SECONDS"]))
    return limits


def _switched_off(member: Member):
    """Why a switched-off account cannot log in, told its owner (the right password):
    a merged account's work lives on the account kept (合并账号), so they are told to
    log in with its number — masked, as lists show it: the owner knows their own. An
    account kept that is itself switched off (or whose number was erased) would not
    let them in: then the plain message, whom to ask."""
    kept, seen = merged_into(member), {member.id}
    while kept is not None and not kept.active and kept.id not in seen:  # A merged on too
        seen.add(kept.id)
        kept = merged_into(kept) or kept
    if kept is None or not kept.active or not kept.masked_phone:
        return SWITCHED_OFF
    return _l("该账号已合并至%(name)s（%(phone)s），请用该账号的手机号登录。",
              name=kept.name, phone=kept.masked_phone)


def log_in(attempt: LoginAttempt) -> LoggedIn:
    """Count the attempt under the throttle, then check the password; begin a session
    (the attempt's count given back) or record the failure. Its own units of work: the
    count is committed before the password is checked, so attempts sent at once on
    several workers are each judged with the others counted (security review, session
    41, finding 1) — at most the limit's number of them ever reach the password.

    Raises ``TooManyAttempts`` (nothing written) or a ServiceError whose failure record
    (audit row, throttle count) is committed all the same."""
    phone = normalise_phone(attempt.phone)  # 「138 0000 0002」 is 13800000002: one account
    # One read of the account serves the throttle's question (is this a device it has
    # used?) and the password's.
    found = _by_phone(phone)
    known = None if found is None else found.id
    trusted = bool(attempt.device_id) and known is not None and known in attempt.device_members
    limits = _limits(attempt, trusted)
    wait, reserved = throttle.reserve(list(limits.values()))
    if wait:
        raise TooManyAttempts(wait, field="password")
    member = _password_matches(found, attempt.password)
    if member is None:  # a failure: the reserved count stays
        with unit_of_work():
            record(None, "login_failed", Target("member", known), phone=mask_phone(phone),
                   address=throttle.address_tag(attempt.address), trusted_device=trusted)
            raise ServiceError(_l("手机号或密码不正确。"), field="password", recorded=True)
    throttle.give_back(reserved)  # the right password is no guess: it counts nothing
    with unit_of_work():
        if not member.active:
            # The right password of a switched-off (or merged) account: its owner is
            # told why, and whom to ask, rather than retyping a password that is right
            # until the lockout. Only the owner learns it (a wrong password gets the
            # message above), so nothing about the account is given away.
            record(None, "login_failed", Target("member", known), phone=mask_phone(phone),
                   address=throttle.address_tag(attempt.address), trusted_device=trusted,
                   reason="inactive")
            raise ServiceError(_switched_off(member), field="password", recorded=True)
        for name in ("account_address", "device"):
            if name in limits:
                throttle.clear(limits[name].key)
        if needs_rehash(member.password_hash):
            member.set_password(attempt.password)
            record(member, "rehash_password", member)
        token = begin_session(member, device=attempt.device_name, remembered=attempt.remember,
                              address=attempt.address)
        return LoggedIn(member, token)


def change_password(member: Member, current: str, new: str,
                    session: LoginSession | None = None) -> None:
    """A new password for ``member``; every other session of theirs ends. Its own units
    of work, as ``log_in``'s.

    Guessing the current password is limited per member (``PASSWORD_LIMIT``): the
    attempt is counted before the current password is checked, and given back when it
    is right."""
    limit = throttle.Limit(throttle.key("password", str(member.id)), throttle.rule("PASSWORD_LIMIT"))
    wait, reserved = throttle.reserve([limit])
    if wait:
        raise TooManyAttempts(wait, field="current")
    if not member.check_password(current):  # a failure: the reserved count stays
        with unit_of_work():
            record(member, "change_password_failed", member)
            raise ServiceError(_l("当前密码不正确。"), field="current", recorded=True)
    throttle.give_back(reserved)  # whatever the new password comes to
    with unit_of_work():
        if current == new:
            raise ServiceError(_l("新密码不能与当前密码相同。"), field="new_password")
        set_new_password(member, new, member, keep=session)
        record(member, "change_password", member)


def set_new_password(member: Member, password: str, actor: Member | None, *,
                     keep: LoginSession | None = None, reason: str = "password_changed") -> None:
    """The one way a password is set (change, invitation link, command line): the policy
    of ``passwords.py``, a hash with the current parameters, and every way into the
    account but the session ``keep`` ended (``sessions.end_ways_in``): the other
    sessions, the calendar feed address (a new one is made on 加入日历) and any live
    激活/重设密码 link."""
    check_policy(password, member.phone)
    end_ways_in(member, actor, reason, keep=keep)  # takes the member's row: before writing it
    member.set_password(password)
