"""Login sessions kept on the server (``LoginSession``): begun at login, ended for good.

A session is live while it is not ended, was seen within the idle timeout
(``SESSION_IDLE_MINUTES``; ``SESSION_REMEMBERED_IDLE_DAYS`` for a phone that chose
"保持登录") and began within the absolute lifetime (``SESSION_MAX_DAYS``, the same for
both). Its last-seen time is written at most every ``SESSION_TOUCH_MINUTES``, not on
every request. Every start and end is on the audit trail, never with the token.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from ..i18n import lazy_gettext as _l
from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import joinedload

from ..db_setup import writing
from ..extensions import db
from ..models import LoginSession, Member
from ..throttle import address_tag
from ..timeutil import utcnow
from ..tokens import hash_token, new_token
from . import PermissionDenied, roll
from .audit import record
from .link_revoking import revoke_links
from .notify import stop_calendar

DEVICE_MAX = 80


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta
    remembered_idle: timedelta
    absolute: timedelta
    touch: timedelta

    @classmethod
    def from_config(cls) -> Lifetimes:
        config = current_app.config
        return cls(idle=timedelta(minutes=int(config["SESSION_IDLE_MINUTES"])),
                   remembered_idle=timedelta(days=int(config["SESSION_REMEMBERED_IDLE_DAYS"])),
                   absolute=timedelta(days=int(config["SESSION_MAX_DAYS"])),
                   touch=timedelta(minutes=int(config["SESSION_TOUCH_MINUTES"])))


def why_over(row: LoginSession, now: datetime, limits: Lifetimes) -> str | None:
    """None while the session is live, else why it is over."""
    if row.ended_at is not None:
        return row.end_reason or "ended"
    if now - row.created_at >= limits.absolute:
        return "expired"
    idle = limits.remembered_idle if row.remembered else limits.idle
    if now - row.last_seen_at >= idle:
        return "idle"
    return None


def begin_session(member: Member, *, device: str, remembered: bool, address: str | None) -> str:
    """A new session for ``member``; returns its token (stored only as a hash). The audit
    row names the client's address only as the login throttle counts it
    (``throttle.address_tag``), never the address itself."""
    token = new_token()
    now = utcnow()
    row = LoginSession(token_hash=hash_token(token), member_id=member.id, created_at=now,
                       last_seen_at=now, device=(device or "")[:DEVICE_MAX],
                       remembered=bool(remembered))
    db.session.add(row)
    db.session.flush()
    record(member, "login", row, device=row.device, remembered=row.remembered,
           address=address_tag(address))
    return token


def session_of(token: str | None) -> LoginSession | None:
    if not token:
        return None
    return db.session.scalar(select(LoginSession).where(LoginSession.token_hash == hash_token(token)))


@functools.cache
def _live_lookup():
    """The session and its member by token hash, with the communities a liaison
    manages (``permissions.managed_community_ids``: every liaison page asks them, and a
    statement of their own put a liaison's lists over the budget of 6; for anyone else
    the outer join finds none): built once per process, since every signed-in request
    runs it (building it cost as much as running it)."""
    return (select(LoginSession)
            .options(joinedload(LoginSession.member).joinedload(Member.communities))
            .where(LoginSession.token_hash == bindparam("token_hash")))


def find_live(token: str) -> tuple[LoginSession | None, str | None]:
    """The session a cookie's token names, if live; else (the row or None, why not).

    One SELECT (the member comes with it). A row found over its time is ended here,
    with its audit row, so the trail shows when it stopped counting."""
    if not token or len(token) > 100:
        return None, "unknown"
    row = db.session.execute(_live_lookup(), {"token_hash": hash_token(token)}
                             ).unique().scalar_one_or_none()
    if row is None:
        return None, "unknown"
    now = utcnow()
    reason = why_over(row, now, Lifetimes.from_config())
    if reason is None and not row.member.active:
        reason = "deactivated"
    if reason is not None:
        if row.ended_at is None and _nothing_pending():
            with writing():
                end_session(row, None, reason)
                db.session.commit()
        return None, reason
    return row, None


def touch_if_due(row: LoginSession) -> None:
    """Write the last-seen time when it is older than SESSION_TOUCH_MINUTES."""
    now = utcnow()
    if now - row.last_seen_at < Lifetimes.from_config().touch or not _nothing_pending():
        return
    with writing():
        row.last_seen_at = now
        db.session.commit()


def _nothing_pending() -> bool:
    # The loader runs whenever a request first asks who is logged in; commit only if the
    # request has not begun changes of its own, which must stay in its own unit of work.
    session = db.session
    return not (session.new or session.dirty or session.deleted)


def end_session(row: LoginSession, actor: Member | None, reason: str) -> None:
    if row.ended_at is not None:
        return
    row.ended_at = utcnow()
    row.end_reason = reason
    record(actor, "logout" if reason == "logout" else "session_end", row, reason=reason,
           member_id=row.member_id)


def live_clause(now: datetime, limits: Lifetimes):
    """``why_over(row) is None`` as SQL: not ended, not past the absolute limit, seen
    within its idle limit (a remembered session's own). For counting without loading."""
    return and_(LoginSession.ended_at.is_(None),
                LoginSession.created_at > now - limits.absolute,
                or_(and_(LoginSession.remembered.is_(True),
                         LoginSession.last_seen_at > now - limits.remembered_idle),
                    and_(LoginSession.remembered.is_not(True),
                         LoginSession.last_seen_at > now - limits.idle)))


def live_count(member_id) -> object:
    """The number of ``member``'s live sessions, as a scalar subquery (to fold into
    another statement: 我的个人信息 shows it beside other counts)."""
    return (select(func.count()).select_from(LoginSession)
            .where(LoginSession.member_id == member_id,
                   live_clause(utcnow(), Lifetimes.from_config()))
            .scalar_subquery())


def live_sessions(member: Member) -> list[LoginSession]:
    """The member's sessions that still count, most recently seen first."""
    now = utcnow()
    limits = Lifetimes.from_config()
    rows = db.session.scalars(
        select(LoginSession).where(LoginSession.member_id == member.id,
                                   LoginSession.ended_at.is_(None),
                                   LoginSession.created_at > now - limits.absolute)
        .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc()))
    return [row for row in rows if why_over(row, now, limits) is None]


def end_other_sessions(member: Member, actor: Member | None, reason: str,
                       keep: LoginSession | None = None) -> int:
    """End every live session of ``member`` but ``keep``; how many were ended."""
    rows = db.session.scalars(select(LoginSession).where(
        LoginSession.member_id == member.id, LoginSession.ended_at.is_(None)))
    ended = 0
    for row in rows:
        if keep is None or row.id != keep.id:
            end_session(row, actor, reason)
            ended += 1
    return ended


def end_own_session(member: Member, session_id: int, current: LoginSession | None) -> bool:
    """"登录设备" → 结束: a member ends one of their own sessions; True if it was this one."""
    row = db.session.get(LoginSession, session_id)
    if row is None or row.member_id != member.id or row.ended_at is not None:
        raise PermissionDenied(_l("该登录设备不存在或已退出。"))
    end_session(row, member, "ended_by_member")
    return current is not None and row.id == current.id


def log_out(member: Member, current: LoginSession | None) -> None:
    if current is not None:
        end_session(current, member, "logout")


def end_ways_in(member: Member, actor: Member | None, reason: str,
                keep: LoginSession | None = None) -> int:
    """Every way into ``member``'s account but the session ``keep`` ends, in this
    transaction: her sessions, the calendar feed address (a credential a calendar
    service holds) and her live 激活/重设密码 links (a credential whoever she or an
    admin sent it to holds: security review, session 49, finding 1). How many sessions
    ended.

    The member's row is taken first (``roll.lock_member``), the order of a link's use
    (``invitations.accept_invitation``: the member, then the link, then her sessions):
    a link used meanwhile either went first — she is then signed out by it — or waits
    and finds itself dead; the two never hold what the other waits for."""
    roll.lock_member(member)
    stop_calendar(member, actor, reason)
    revoke_links(actor, reason, of=[member])
    return end_other_sessions(member, actor, reason, keep=keep)


def log_out_everywhere(member: Member) -> int:
    """退出所有设备: every session ends, and the calendar feed address and her live
    links with them (``end_ways_in``)."""
    return end_ways_in(member, member, "logout_all")
