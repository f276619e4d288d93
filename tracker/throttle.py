"""Counting failed attempts where every worker sees them, and how long to make someone wait.

Where the counts live (``RATELIMIT_STORAGE_URI``):

- unset or ``database`` (the default): rows of ``throttle_hit`` in the app's own
  database, so the counts hold for any number of workers and app servers sharing it;
  a hit is written in a commit of its own, or in the caller's unit of work with the
  audit row that goes with it (``reserve``'s ``alone``);
- ``redis://…``: sorted sets in Redis. When Redis cannot be reached, the database
  counts instead (a warning is logged, and Redis is tried again after a pause): a
  Redis outage never stops anybody from logging in;
- ``memory://``: in this process only — for a single-process development server.
  ``tracker.config.require_shared_throttle`` refuses it in production with several
  workers.

Keys are HMACs of what they count (a phone, an address), so the counters hold no
personal data. Every count is a moving window: the hits of the last ``seconds``.

An attempt is counted *before* what it tries is checked (``reserve``): the limits are
judged and the attempt's hit written in one step on the storage — under a per-key lock
in the database's transaction (PostgreSQL's advisory locks; SQLite's writers take turns
already), one Lua script in Redis, one lock in memory — so attempts sent at once, on as
many workers as there are, cannot all be judged against the same count and all be let
through (security review, session 41, finding 1). An attempt that turns out not to be
one to count (a right password) gives its hit back (``give_back``).
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import delete, func, select

from .extensions import db
from .key_locks import hold_keys
from .models import ThrottleHit
from .rate_rules import Rule, parse_rule
from .timeutil import utcnow

log = logging.getLogger(__name__)

# Rows older than the longest window anybody configures are of no use to any count.
_KEEP = timedelta(days=1)
REDIS_RETRY_SECONDS = 30


def rule(setting: str) -> Rule:
    return parse_rule(current_app.config[setting])


def key(kind: str, *parts: str) -> str:
    """``kind:`` and an HMAC of the parts: stable across workers, no personal data."""
    secret = current_app.secret_key
    secret = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(secret, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:40]}"


def address_key(address: str | None) -> str:
    """The client's address as a per-address limit counts it: an IPv4 address as it
    is (an IPv4-mapped IPv6 one, ``::ffff:a.b.c.d``, as that IPv4 address), an IPv6
    address as its /64 network. Any IPv6 client holds a /64 at least — 2^64 addresses
    to rotate through —, so a limit per IPv6 address limited nothing (security
    review, session 26, finding 3). Every key of an address goes through here: the
    login's per-address and per-account-and-address counts, the link guesses."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return address or ""  # not an address (a test's or a socket's name): as given
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def address_tag(address: str | None) -> str:
    """What the audit trail keeps of a login's client address: the key the per-address
    login limit counts it under (``login-addr:`` and an HMAC of ``address_key``), never
    the address. The trail only grows; an IP address is personal data. Two rows from
    one address (an IPv6 client's one /64) carry the same tag, so a run of failures from
    one place still shows, and the tag is the throttle's own key for that place."""
    return key("login-addr", address_key(address))


@dataclass(frozen=True)
class Count:
    hits: int
    first: datetime | None  # oldest hit still in the window
    last: datetime | None  # newest hit


@dataclass(frozen=True)
class Limit:
    """One rule an attempt is judged by and counted under: ``strict`` refuses once the
    window holds ``rule.amount`` hits; ``growing`` then makes each further attempt wait
    1 s, 2 s, 4 s … (at most ``max_seconds``) after the latest hit — never a lock
    longer than that, so nobody can shut an account for long by guessing at it;
    ``counted`` only counts (a rule not judged for this attempt)."""
    key: str
    rule: Rule
    how: str = "strict"  # strict | growing | counted
    max_seconds: int = 0


def _wait_of(limit: Limit, seen: Count, now: datetime) -> int:
    """Seconds the attempt must wait under ``limit`` given the hits already ``seen`` in
    its window (0: it may go ahead). The Redis script (``_RESERVE``) says the same."""
    if limit.how == "counted" or seen.hits < limit.rule.amount:
        return 0
    if limit.how == "strict":
        # The window frees a place when its oldest hit leaves it.
        return max(1, int((seen.first + timedelta(seconds=limit.rule.seconds) - now)
                          .total_seconds()) + 1)
    delay = min(limit.max_seconds, 2 ** min(seen.hits - limit.rule.amount, 16))
    remaining = (seen.last + timedelta(seconds=delay) - now).total_seconds()
    return max(0, int(remaining + 0.999))


# --- where the counts live --------------------------------------------------------------

class DatabaseCounts:
    name = "database"

    def count(self, key: str, seconds: int, now: datetime) -> Count:
        hits, first, last = db.session.execute(
            select(func.count(ThrottleHit.id), func.min(ThrottleHit.at), func.max(ThrottleHit.at))
            .where(ThrottleHit.key == key, ThrottleHit.at > now - timedelta(seconds=seconds))
        ).one()
        return Count(hits, _aware(first), _aware(last))

    def clear(self, key: str) -> None:
        db.session.execute(delete(ThrottleHit).where(ThrottleHit.key == key))

    def reserve(self, limits: list[Limit], now: datetime) -> tuple[int, list[int]]:
        """Judge ``limits`` and, when none refuses, write a hit under each: (0, the
        rows' ids), else (seconds to wait, []) with nothing written. Under a lock per
        key held to the end of the caller's transaction, so two attempts on one key are
        judged one after the other, each seeing the other's hit once committed."""
        hold_keys(sorted({limit.key for limit in limits}))
        wait = max((_wait_of(limit, self.count(limit.key, limit.rule.seconds, now), now)
                    for limit in limits), default=0)
        if wait:
            return wait, []
        db.session.execute(delete(ThrottleHit).where(ThrottleHit.at < now - _KEEP))
        rows = [ThrottleHit(key=limit.key, at=now) for limit in limits]
        db.session.add_all(rows)
        db.session.flush()
        return 0, [row.id for row in rows]

    def give_back(self, rows: list[int]) -> None:
        if rows:
            db.session.execute(delete(ThrottleHit).where(ThrottleHit.id.in_(rows)))


def _aware(value):
    # MIN/MAX may come back without the column's type: as text (SQLite) or naive UTC.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value


class MemoryCounts:
    """This process only: for ``flask run``; refused in production with several workers."""

    name = "memory"

    def __init__(self):
        self._hits: dict[str, list[datetime]] = {}
        self._lock = threading.Lock()

    def clear(self, key: str) -> None:
        with self._lock:
            self._hits.pop(key, None)

    def reserve(self, limits: list[Limit], now: datetime) -> tuple[int, list[tuple[str, datetime]]]:
        with self._lock:  # judged and counted in one step
            for limit in limits:
                window = now - timedelta(seconds=limit.rule.seconds)
                hits = [t for t in self._hits.get(limit.key, []) if t > window]
                wait = _wait_of(limit, Count(len(hits), hits[0] if hits else None,
                                             hits[-1] if hits else None), now)
                if wait:
                    return wait, []
            for limit in limits:
                kept = [t for t in self._hits.get(limit.key, []) if t > now - _KEEP]
                self._hits[limit.key] = [*kept, now]
        return 0, [(limit.key, now) for limit in limits]

    def give_back(self, marks: list[tuple[str, datetime]]) -> None:
        with self._lock:
            for key_, at in marks:
                hits = self._hits.get(key_, [])
                if at in hits:
                    hits.remove(at)


class RedisCounts:
    """A sorted set per key (score = time) in Redis, shared by the app servers — and
    every hit written to the database as well, which counts alone while Redis is down.
    An attempt is judged by both and refused when either refuses (the larger count), so
    neither an outage (Redis's hits unseen by the database) nor Redis's return or
    restart (the database's hits unseen by Redis, its keys perhaps gone) gives an
    account a fresh set of guesses. Hits are failed logins and the other rare attempts
    the house limits, so the second write costs little."""

    name = "redis"

    def __init__(self, url: str, fallback: DatabaseCounts):
        import redis

        self._errors = (redis.RedisError, OSError)
        # Short timeouts: a login waits at most a moment for a Redis that is gone.
        self._redis = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        self._fallback = fallback
        self._down_until = 0.0
        self._was_down = False

    def _call(self, method: str, *args):
        """Redis's answer, or None while it is down."""
        if time.monotonic() < self._down_until:
            return None
        try:
            answer = getattr(self, f"_{method}")(*args)
        except self._errors as error:
            self._down_until = time.monotonic() + REDIS_RETRY_SECONDS
            self._was_down = True
            log.warning("Redis unreachable (%s): login throttling counts in the database "
                        "for the next %d s", type(error).__name__, REDIS_RETRY_SECONDS)
            return None
        if self._was_down:
            self._was_down = False
            log.warning("Redis reachable again: login throttling counts in Redis and the "
                        "database, the larger of the two")
        return answer

    def clear(self, key: str) -> None:
        self._fallback.clear(key)
        self._call("clear", key)

    def reserve(self, limits: list[Limit], now: datetime) -> tuple[int, tuple]:
        """Reserved in Redis (one script) and in the database (under its lock); refused
        when either refuses — Redis may hold hits the database lost, and the database
        those Redis lost while it was down or restarted — and then nothing is kept in
        either."""
        member = uuid.uuid4().hex
        shared = self._call("reserve", limits, now, member)
        if shared:
            return shared, ()
        keys = [limit.key for limit in limits] if shared == 0 else []
        wait, rows = self._fallback.reserve(limits, now)
        if wait:
            if keys:
                self._call("give_back", keys, member)
            return wait, ()
        return 0, (rows, keys, member)

    def give_back(self, marks: tuple) -> None:
        if marks:
            rows, keys, member = marks
            self._fallback.give_back(rows)
            if keys:
                self._call("give_back", keys, member)

    def _reserve(self, limits, now, member) -> int:
        hows = {"counted": 0, "strict": 1, "growing": 2}
        args = [now.timestamp(), member, int(_KEEP.total_seconds())]
        for limit in limits:
            args += [limit.rule.seconds, limit.rule.amount, hows[limit.how], limit.max_seconds]
        return int(self._redis.eval(_RESERVE, len(limits), *[limit.key for limit in limits],
                                    *args))

    def _give_back(self, keys, member) -> None:
        pipe = self._redis.pipeline()
        for key_ in keys:
            pipe.zrem(key_, member)
        pipe.execute()

    def _clear(self, key) -> None:
        self._redis.delete(key)


# Judge every key, then (none refusing) add the hit to each: one script, so Redis runs
# it with nothing in between. KEYS: the keys; ARGV: now, the hit's member, how long a
# key lives at least, then per key its window, amount, how (0 counted, 1 strict,
# 2 growing) and growing's longest wait. Returns the seconds to wait, 0 when counted.
# The waits are ``_wait_of``'s.
_RESERVE = """
local now, member, keep = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local wait = 0
for i, key in ipairs(KEYS) do
  local at = 3 + (i - 1) * 4
  local seconds, amount = tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2])
  local how, longest = tonumber(ARGV[at + 3]), tonumber(ARGV[at + 4])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - seconds)
  local hits = redis.call('ZCARD', key)
  if how ~= 0 and hits >= amount then
    local w
    if how == 1 then
      local first = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
      w = math.max(1, math.floor(first + seconds - now) + 1)
    else
      local last = tonumber(redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2])
      local delay = math.min(longest, 2 ^ math.min(hits - amount, 16))
      w = math.max(0, math.floor(last + delay - now + 0.999))
    end
    wait = math.max(wait, w)
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, member)
  redis.call('EXPIRE', key, math.max(tonumber(ARGV[3 + (i - 1) * 4 + 1]), keep))
end
return 0
"""


def storage_kind(uri: str | None) -> str:
    uri = (uri or "").strip()
    if uri in ("", "database"):
        return "database"
    if uri.startswith(("redis://", "rediss://", "unix://")):
        return "redis"
    if uri.startswith("memory://"):
        return "memory"
    raise ValueError(f"RATELIMIT_STORAGE_URI must be 'database', 'redis://…' or 'memory://': {uri!r}")


def counts():
    """This app's counter storage (made once per app)."""
    store = current_app.extensions.get("throttle")
    if store is None:
        uri = current_app.config.get("RATELIMIT_STORAGE_URI")
        kind = storage_kind(uri)
        if kind == "redis":
            store = RedisCounts(uri, DatabaseCounts())
        elif kind == "memory":
            store = MemoryCounts()
        else:
            store = DatabaseCounts()
        current_app.extensions["throttle"] = store
    return store


# --- what the views ask ------------------------------------------------------------------

def enabled() -> bool:
    return current_app.config.get("RATELIMIT_ENABLED", True)


def clear(key_: str) -> None:
    if enabled():
        counts().clear(key_)


@dataclass(frozen=True)
class Reserved:
    """Hits written by ``reserve``, as the storage marks them: for ``give_back``."""
    marks: object = None


def reserve(limits: list[Limit], *, alone: bool = True) -> tuple[int, Reserved]:
    """Judge an attempt by ``limits`` and count it under each, in one step on the
    storage. Returns (seconds to wait, nothing counted) when one of them refuses, else
    (0, the hits).

    ``alone`` (a login, a current password, a link guess, an export): in a commit of
    its own, whatever the request comes to, and before what the attempt tries is
    checked, so every other worker's attempt sees it. Not ``alone`` (发送测试消息): in
    the caller's unit of work, committed with what the attempt writes (its audit row)
    or rolled back with it; the per-key lock is held until then, so an attempt on the
    same key meanwhile waits for that commit and is judged with this one counted.
    Redis has no transaction to join: a hit it took stays when the caller's unit of
    work fails (counted rather than lost, as a login's is)."""
    from .services import unit_of_work

    if not enabled():
        return 0, Reserved()
    if not alone:
        wait, marks = counts().reserve(limits, utcnow())
        return wait, Reserved(marks)
    with unit_of_work(once=False):
        wait, marks = counts().reserve(limits, utcnow())
    return wait, Reserved(marks)


def give_back(reserved: Reserved) -> None:
    """The reserved attempt was not one to count (a right password): its hits go, in a
    commit of their own (a change the attempt then makes and that is refused — a new
    password too weak — does not leave it counted)."""
    from .services import unit_of_work

    if enabled() and reserved.marks:
        with unit_of_work(once=False):
            counts().give_back(reserved.marks)


def _wait_else_count(key_: str, limit: Rule) -> int:
    """Seconds to wait when ``key_`` has reached ``limit``; else this attempt counted
    and 0. The hit is written in its own commit, whatever the request comes to: a
    guess answered with a 404, or an export whose download then fails, still counts,
    and a rollback of the request's unit of work cannot take the hit back."""
    return reserve([Limit(key_, limit)])[0]


# --- secret links (/invite/<token>, /c/<token>, /me/feed/<token>.ics) ------------------

def unknown_link_wait(address: str) -> int:
    """An unknown token was tried from ``address``: seconds to wait (a 429) when the
    address is past ``LINK_LIMIT_PER_ADDRESS``, else counted (its own commit, whatever
    the request comes to) and 0 (a 404). Only unknown tokens are counted and refused: a
    known one is served first, whoever else behind the same address (a carrier's NAT, a
    calendar server polling dead feeds) got theirs wrong. Guessing is kept off by the
    tokens' size (192 bits and more); the counter slows a guesser's noise."""
    return _wait_else_count(key("link-addr", address_key(address)),
                            rule("LINK_LIMIT_PER_ADDRESS"))


# --- 我的个人信息's full download (/me/data.json) ----------------------------------------

def export_wait(member_id: int) -> int:
    """Seconds ``member_id`` must wait before another full export (0: none), counting
    this one when it is allowed (its own commit, whatever the request comes to)."""
    return _wait_else_count(key("export", str(member_id)), rule("EXPORT_LIMIT"))
