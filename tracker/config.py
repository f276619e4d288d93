"""Settings read from the environment.

Secrets have no fallback outside development and testing: a production process
without SECRET_KEY, or with a key that is not secret (the example file's placeholder,
anything shorter than 32 characters, a character or a word repeated), refuses to start instead of running with a
guessable key; so does one without DATABASE_URL, instead of quietly writing a SQLite
file of its own, and one without PUBLIC_URL, which every link and QR code it hands out
is built on. A setting the app would first fail on later (a hash method at the first
login, quiet hours in the night's reminder job, an on/off word it cannot read) is
checked when the app starts, naming the setting.
"""
from __future__ import annotations

import logging
import math
import os
import re
from datetime import time
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from werkzeug.security import generate_password_hash

from .rate_rules import parse_rule

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"
DEFAULT_DATABASE_URL = f"sqlite:///{INSTANCE / 'tracker.sqlite3'}"  # development and tests only
MIN_SECRET_KEY_LENGTH = 32
# A key nobody typed: of its runs of 4 characters in a row, at least this many differ
# from each other, or at least this share of them (the smaller: a short key has fewer
# runs). A short piece repeated has no more different runs than its own length (plus
# what follows it), so a piece of up to half the key has about half at most: "a"*34 has
# 1 of 31, "changeme" four times and a "12" 10 of 31, a 16-character piece twice 16 of
# 29. A random key has almost none twice: 32 random digits (29 runs of 10,000 possible)
# need 12 repeats, a piece of 15 digits found twice or as many smaller ones, about once in
# 10^12 keys; keys of hex digits or of 64 symbols, or longer ones, less often still. No key the rule took before session
# 42 is refused now. The count of different characters was no measure of a typed key: 32
# random digits show fewer than 8 of the 10 about once in 800 keys (walk13fix's Open),
# and no piece repeated was caught by it alone.
MIN_SECRET_KEY_RUNS = 24
MIN_SECRET_KEY_RUNS_SHARE = 0.6
# ... and no piece of it as long as a third of the key found in it twice (the two may
# overlap: a piece repeated over and over is found again one piece on). The runs above
# miss a longer piece repeated once: an 18-character keyboard row and 14 characters of it
# again have 18 different runs of 29, over 0.6 of them (review43 #3), and any piece up to
# half the key fits in it twice. A random key repeats no such piece: 11 digits of 32
# random ones found twice come about 3 times in 10^9 keys, 11 hex digits or 11 of 64
# symbols far less. Measured with random.Random over 1,000,000 keys of each kind, twice
# (seeds 7 and 11; review43 #3): token_urlsafe(48/32/24), token_hex(32/16), 32-digit
# decimal, uuid4().hex, str(uuid4()), openssl rand -base64 32 — 0 refused by the rule
# as a whole, and 0 by this piece rule alone, each time: no key session 42's rule took
# from a generator is refused now.
MAX_SECRET_KEY_PIECE_SHARE = 1 / 3
# bandit B105: neither is a password; a key equal to the first is refused, the second
# is the command that makes a key
PLACEHOLDER_SECRET_KEY = "change-me"  # nosec B105 - what deploy/tracker.env.example used to ship
MAKE_SECRET_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"  # nosec B105


log = logging.getLogger(__name__)


class ConfigError(RuntimeError):
    """Raised at start-up when a required setting is missing."""


MODES = ("production", "development", "testing")


def text_setting(env, name: str, default: str | None = None) -> str | None:
    """The setting ``name`` without the blanks around it, or ``default`` when it is unset,
    empty or only blanks. `UPLOAD_FOLDER=` (a line of an env file whose value was deleted
    or never filled in) then means what leaving the line out means, instead of an empty
    path that fails at the first photo; a required setting (SECRET_KEY, DATABASE_URL in
    production) is then refused at start as missing. Every setting is read here or by
    ``_secret`` (the number and limit readers too), never by ``env.get`` itself; the one
    setting whose empty value means something else (SMS_IDEMPOTENCY_HEADER) says so
    where it is read."""
    value = (env.get(name) or "").strip()
    return value or default


def _secret(env, name: str) -> str | None:
    """A key or password: taken as typed (a blank may be part of it), None when unset,
    empty or only blanks, as ``text_setting``."""
    value = env.get(name)
    return value if value and value.strip() else None


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def _flag(env, name: str, default: bool = False) -> bool:
    """An on/off setting: one of the usual words in any case, ``default`` when unset or
    blank, refused at start naming the variable otherwise: `SECURE_COOKIES=ture` used to
    read as off, and the site went on sending its login cookies over plain HTTP."""
    value = text_setting(env, name)
    if value is None:
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be one of {', '.join(TRUE_WORDS)} (on) or "
                      f"{', '.join(FALSE_WORDS)} (off) (got {value!r}).")


def _count(value: str | None, name: str, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole-number setting, refused at start-up naming the variable when it is not one
    or out of bounds (a `-1` retention would erase everything archived at the next run).
    Every numeric setting is read here or in ``_seconds``, never by a bare int()."""
    value = (value or "0").strip()
    if not value.isdecimal():  # not isdigit: int() cannot read ² or ①
        raise ConfigError(f"{name} must be a whole number (got {value!r}).")
    number = int(value)
    if number < minimum or (maximum is not None and number > maximum):
        bounds = f"at least {minimum}" if maximum is None else f"from {minimum} to {maximum}"
        raise ConfigError(f"{name} must be a whole number {bounds} (got {value!r}).")
    return number


def _whole(env, name: str, default: str, minimum: int = 1, maximum: int | None = None) -> int:
    """The whole-number setting ``name`` (``default`` when unset or blank), checked by
    ``_count``."""
    return _count(text_setting(env, name, default), name, minimum, maximum)


def _limit(env, name: str, default: str) -> str:
    """A rate-limit setting ("5 per 15 minutes"), refused at start-up naming the variable
    when it cannot be read or would let nothing through: read only at the request it
    guards, a typo would be a 500 there, or a door shut for good."""
    value = text_setting(env, name, default)
    try:
        parse_rule(value)
    except ValueError:
        raise ConfigError(f"{name} must be a limit like '5 per 15 minutes', at least 1 "
                          f"per at least 1 second (got {value!r}).") from None
    return value


WEB_SCHEMES = ("http", "https")
EXAMPLE_PUBLIC_URL = "https://gongjian.example.gov.cn"


def _address(value: str | None, name: str) -> str:
    """PUBLIC_URL or REMINDER_BASE_URL: the site's absolute address, which links and QR
    codes are built on as address + path, so it is kept without its trailing slash (every
    path starts with one) and is "" when not set. A scheme typo (`htp://`) or none at
    all (`gongjian.example.gov.cn`, `https:/…`) made links that open nothing, first seen
    on a printed QR code or in a member's SMS: refused at start, naming the setting."""
    value = (value or "").strip()
    if not value:
        return ""
    parts = urlsplit(value)
    try:
        port_readable = parts.port is None or parts.port > 0  # `:80x` raises
    except ValueError:
        port_readable = False
    if (not port_readable or parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname
            or parts.username is not None or "?" in value or "#" in value
            or any(ch.isspace() for ch in value)):
        raise ConfigError(f"{name} must be the address members open, http:// or https:// "
                          f"and a host name, like '{EXAMPLE_PUBLIC_URL}' (got {value!r}).")
    return value.rstrip("/")


def example_host(url: str) -> bool:
    """The address's host is a name reserved for examples (RFC 2606: example.com, .org,
    .net, anything under .example) or the example file's own placeholder
    (gongjian.example.gov.cn): a label `example` anywhere. No installation is reached
    there; an install that skipped docs/deploy.md step 5's `sed` would hand out links
    and QR codes to a host that is not theirs."""
    return "example" in _host_labels(url)


# RFC 2606 and RFC 6761 keep these top-level names out of the DNS: .test for testing,
# .invalid for names that must not resolve, .localhost for the machine one is on. No
# member's phone reaches an installation under them.
RESERVED_TOP_LEVEL = ("test", "invalid", "localhost")


def reserved_host(url: str) -> bool:
    """The address's host is under a reserved top-level name (``RESERVED_TOP_LEVEL``).
    Bare `localhost` (like 127.0.0.1, which is no name at all) is not refused: it is a
    single-machine trial in production mode, the browser on the server itself — what
    bench/load.py, bench/profile_claim.py and the deploy tests' instance on loopback
    run —, a choice no one makes by leaving a placeholder in place."""
    labels = _host_labels(url)
    return len(labels) > 1 and labels[-1] in RESERVED_TOP_LEVEL


def _host_labels(url: str) -> list[str]:
    # a fully qualified name's trailing dot (`gongjian.test.`) names the same host
    return (urlsplit(url).hostname or "").rstrip(".").split(".")


@lru_cache(maxsize=8)
def sample_hash(method: str) -> str:
    """A hash of a constant made with Werkzeug's ``method``, once per process and method:
    made at start (``_hash_method``), then the stand-in a login checks an unknown phone
    against (services/accounts.py) and the source of the method's parameters
    (services/passwords.py, ``needs_rehash``); so start-up pays the only hash."""
    return generate_password_hash("not-a-real-password", method=method)


def _hash_method(method: str) -> str:
    """PASSWORD_HASH_METHOD is used first at a login: a typo (`scrpyt`) started, then
    every login was a 500. It is tried once at start instead."""
    try:
        sample_hash(method)
    except (ValueError, OverflowError) as error:  # Werkzeug's, hashlib's own limits
        raise ConfigError(f"PASSWORD_HASH_METHOD must be a Werkzeug hash method like "
                          f"'scrypt' or 'scrypt:32768:8:1' (got {method!r}: {error}).") from None
    return method


# The PostgreSQL driver the app ships (requirements.txt: psycopg 3), and the forms of a
# PostgreSQL address that mean it: PostgreSQL's own (libpq's `postgresql://`, also what
# its documentation and most hosting panels write), the older `postgres://`, and
# psycopg2's (SQLAlchemy's and many guides' examples): psycopg2 and psycopg 3 both speak
# libpq, so its host, port, user and query parameters (sslmode, …) mean the same.
POSTGRESQL_SCHEME = "postgresql+psycopg"
POSTGRESQL_FORMS = ("postgresql", "postgres", "postgresql+psycopg2")
DATABASE_SCHEMES = (POSTGRESQL_SCHEME, "sqlite", "sqlite+pysqlite")


def _database_url(value: str) -> str:
    """DATABASE_URL as SQLAlchemy is given it. `postgresql://…`, `postgres://…` and
    `postgresql+psycopg2://…` are taken as PostgreSQL through psycopg 3: SQLAlchemy read
    the first and the third as psycopg2 (not installed: "No such command 'db'" after an
    ImportError's traceback) and did not know the second. Any other scheme (another
    driver, another database) is refused naming the setting; the message shows the
    scheme only, never the URL and its password."""
    scheme, sep, rest = value.partition("://")
    scheme = scheme.strip().lower()
    if sep and scheme in POSTGRESQL_FORMS:
        return f"{POSTGRESQL_SCHEME}://{rest}"
    if sep and scheme in DATABASE_SCHEMES:
        return f"{scheme}://{rest}"
    got = f"{scheme}://…" if sep else "no scheme"
    raise ConfigError(f"DATABASE_URL must be a PostgreSQL address, "
                      f"{POSTGRESQL_SCHEME}://user@host/db (postgresql://, postgres:// and "
                      f"postgresql+psycopg2:// are read as that), or a SQLite file, sqlite:////path/to/file "
                      f"(got {got}).")


def _engine_options(url: str) -> dict:
    # hide_parameters: a database error's message never carries the values of a
    # statement (a resident's phone or address) into a log or an error report.
    # No pool_pre_ping: it sent a round trip before every request's first statement.
    # A connection is pinged only after it sat idle (DB_PING_AFTER_IDLE_SECONDS,
    # tracker/db_setup.py).
    options = {"hide_parameters": True}
    if url.startswith("postgresql"):
        options["connect_args"] = {
            # An unreachable server is a 503 after a few seconds, not a hung worker.
            # (0 would be libpq's "wait for ever")
            "connect_timeout": _whole(os.environ, "DB_CONNECT_TIMEOUT", "5"),
            "prepare_threshold": _prepare_threshold(text_setting(os.environ,
                                                                 "DB_PREPARE_THRESHOLD", "1")),
        }
    return options


def _seconds(env, name: str, default: float, above_zero: bool = False) -> float:
    value = text_setting(env, name)
    if value is None:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if above_zero and not seconds > 0:  # a timeout of 0 s is no time at all
        raise ConfigError(f"{name} must be a number of seconds above 0 (got {value!r}).")
    if not seconds >= 0:  # also NaN
        raise ConfigError(f"{name} must be a number of seconds, 0 or more (got {value!r}).")
    return seconds


def _prepare_threshold(value: str) -> int | None:
    """After how many uses on a connection psycopg prepares a statement on the server.
    1 (ours; psycopg's own default is 5): a statement asked a second time is prepared,
    so PostgreSQL stops parsing it and comes to a kept plan from its sixth execution
    instead of its eleventh (docs/performance.md, session 14). "none" turns prepared
    statements off, for a PgBouncer older than 1.21 in transaction mode."""
    if value.lower() in ("none", "off"):
        return None
    return _count(value, "DB_PREPARE_THRESHOLD")


def _mode(env, overrides: dict) -> str:
    """TRACKER_ENV: a typo (`prod`) must not run a production that skips the checks
    made for "production" by name (several workers on per-process login counts)."""
    mode = overrides.get("ENV_MODE") or text_setting(env, "TRACKER_ENV", "production")
    if mode not in MODES:
        raise ConfigError(f"TRACKER_ENV must be one of {', '.join(MODES)} (got {mode!r}).")
    return mode


def load_config(overrides: dict | None = None) -> dict:
    """Build the Flask config dict from the environment, then apply overrides."""
    env = os.environ
    overrides = dict(overrides or {})
    mode = _mode(env, overrides)
    testing = bool(overrides.get("TESTING")) or mode == "testing"
    development = mode == "development"

    config: dict = {
        "ENV_MODE": mode,
        "TESTING": testing,
        "SQLALCHEMY_DATABASE_URI": text_setting(env, "DATABASE_URL", DEFAULT_DATABASE_URL),
        "SQLITE_BUSY_TIMEOUT_MS": _whole(env, "SQLITE_BUSY_TIMEOUT_MS", "15000"),
        "DB_PING_AFTER_IDLE_SECONDS": _seconds(env, "DB_PING_AFTER_IDLE_SECONDS", 1.0),
        "SECRET_KEY": _secret(env, "SECRET_KEY"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag(env, "SECURE_COOKIES"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag(env, "SECURE_COOKIES"),
        # Server-side login sessions (tracker/services/sessions.py); the remember-me
        # cookie lasts as long as the longest session may.
        "SESSION_IDLE_MINUTES": _whole(env, "SESSION_IDLE_MINUTES", "120"),
        "SESSION_REMEMBERED_IDLE_DAYS": _whole(env, "SESSION_REMEMBERED_IDLE_DAYS", "14"),
        "SESSION_MAX_DAYS": _whole(env, "SESSION_MAX_DAYS", "30"),
        "SESSION_TOUCH_MINUTES": 5,
        "PASSWORD_HASH_METHOD": text_setting(env, "PASSWORD_HASH_METHOD", "scrypt"),
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "tracker" / "translations"),
        "WTF_CSRF_TIME_LIMIT": None,  # a form left open on a phone all day still submits
        # Where failed attempts are counted (tracker/throttle.py): "database" (default),
        # "redis://…", or "memory://" (one process only).
        "RATELIMIT_STORAGE_URI": text_setting(env, "RATELIMIT_STORAGE_URI", "database"),
        "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS": _limit(env, "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS", "5 per 15 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": _limit(env, "LOGIN_LIMIT_PER_ADDRESS", "30 per 15 minutes"),
        "LOGIN_LIMIT_PER_ACCOUNT": _limit(env, "LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "LOGIN_DELAY_MAX_SECONDS": _whole(env, "LOGIN_DELAY_MAX_SECONDS", "60", minimum=0),
        "PASSWORD_LIMIT": _limit(env, "PASSWORD_LIMIT", "5 per 15 minutes"),
        "LINK_LIMIT_PER_ADDRESS": _limit(env, "LINK_LIMIT_PER_ADDRESS", "20 per 15 minutes"),
        # 我的个人信息's full download (/me/data.json) per member: it reads the whole
        # history; a stolen session must not be able to repeat it without end.
        "EXPORT_LIMIT": _limit(env, "EXPORT_LIMIT", "10 per hour"),
        # 「发送测试消息」 of a community's work-group robot, per community whoever presses it:
        # enough to fix a robot and try again, never enough to flood the group.
        "ROBOT_TEST_LIMIT": _limit(env, "ROBOT_TEST_LIMIT", "3 per 15 minutes"),
        # Where members reach the app, e.g. https://gongjian.example.gov.cn: links and QR
        # codes are built from it, never from a request's Host header.
        "PUBLIC_URL": text_setting(env, "PUBLIC_URL", ""),
        "MAX_CONTENT_LENGTH": _whole(env, "MAX_UPLOAD_MB", "10") * 1024 * 1024,
        "UPLOAD_FOLDER": text_setting(env, "UPLOAD_FOLDER", str(INSTANCE / "uploads")),
        # Proxies in front whose X-Forwarded-* headers are believed (0: none; see ops/web.py).
        "TRUSTED_PROXIES": trusted_proxies(env),
        # Archived residents' personal data is erased this long after archiving
        # (flask purge-residents): PIPL Art. 19/47, the minimum time necessary.
        "RESIDENT_RETENTION_DAYS": _whole(env, "RESIDENT_RETENTION_DAYS", "1095"),
        # A member 停用 (or merged away by 合并账号) this long loses phone, e-mail,
        # password hash and calendar feed (flask purge-members); the name stays on the
        # participation records the bureau signed.
        "MEMBER_RETENTION_DAYS": _whole(env, "MEMBER_RETENTION_DAYS", "1095"),
        # Rows per page of a list (a phone shows 20); the lists worked through at a desk
        # are longer: the admin's lists, 服务对象, 服务记录's people, and 激活链接, where a
        # liaison ticks the members to send links to.
        "PAGE_SIZE": 20,
        "ADMIN_PAGE_SIZE": 50,
        "RESIDENTS_PAGE_SIZE": 50,
        "RECORDS_PAGE_SIZE": 30,
        "INVITES_PAGE_SIZE": 100,
        "STALE_REVIEW_DAYS": _whole(env, "STALE_REVIEW_DAYS", "7"),
    }
    config.update(reminder_settings(env))
    if development or testing:
        config["SECRET_KEY"] = config["SECRET_KEY"] or f"insecure-{mode}-key"
    config["REMEMBER_COOKIE_DURATION"] = 60 * 60 * 24 * config["SESSION_MAX_DAYS"]
    config.update(overrides)
    for name in ("PUBLIC_URL", "REMINDER_BASE_URL"):
        config[name] = _address(config.get(name), name)
    config["PASSWORD_HASH_METHOD"] = _hash_method(config["PASSWORD_HASH_METHOD"])
    config["SQLALCHEMY_DATABASE_URI"] = _database_url(config["SQLALCHEMY_DATABASE_URI"])
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS",
                      _engine_options(config["SQLALCHEMY_DATABASE_URI"]))
    storage = (config["RATELIMIT_STORAGE_URI"] or "").strip()
    if storage not in ("", "database") and not storage.startswith(
            ("redis://", "rediss://", "unix://", "memory://")):
        raise ConfigError(f"RATELIMIT_STORAGE_URI must be 'database', 'redis://…' or "
                          f"'memory://', not {storage!r}")
    if config.get("SMTP_HOST") and not mail_from(config):
        raise ConfigError(
            "SMTP_HOST is set but there is no From address for reminder e-mail: set "
            "SMTP_FROM (or PUBLIC_URL, for noreply@<its host>).")
    if not config.get("SECRET_KEY"):
        raise ConfigError(
            "SECRET_KEY is not set. Set it in the environment "
            f"(make one with: {MAKE_SECRET_KEY}), "
            "or TRACKER_ENV=development for a local run."
        )
    if not (development or testing):
        _secure_over_https(config)
        _require_production_settings(config, env, overrides)
    return config


def _secure_over_https(config: dict) -> None:
    """Production whose PUBLIC_URL is https:// is served over HTTPS: its login cookies
    are Secure (and ``security.add_security_headers`` sends Strict-Transport-Security)
    whatever SECURE_COOKIES says. Without it, the example file's `SECURE_COOKIES=0`,
    left when PUBLIC_URL was edited by hand rather than by the HTTPS step that changes
    both, let the browser send the session and the 30-day remember-me cookie to the
    site's http:// address too: one plain request — a link, an image a hostile Wi-Fi
    slips into any page — handed them to whoever listened (security review, session 56).
    Development keeps the setting as given: it may name the future site's address
    while serving over plain HTTP on the machine itself."""
    if urlsplit(config.get("PUBLIC_URL") or "").scheme.lower() == "https":
        config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = True


def sms_unsigned(config) -> bool:
    """An SMS gateway is set but SMS_SIGNATURE is not. Carriers reject (or the relay
    must add) an SMS without its 【签名】, so every SMS may fail or go out anonymous;
    yet a relay that signs itself is legitimate, so this is a warning, not a refusal."""
    return bool(config.get("SMS_GATEWAY_URL")) and not (config.get("SMS_SIGNATURE") or "").strip()


def warn_at_start(config) -> list[str]:
    """Log what is set but probably wrong (the app still starts); returns the lines
    logged. Called once by ``create_app``; the admin's 提醒发送状态 shows the same."""
    lines = []
    if sms_unsigned(config):
        lines.append("SMS_GATEWAY_URL is set but SMS_SIGNATURE is empty: every SMS goes out "
                     "without the 【签名】 carriers require (set SMS_SIGNATURE, e.g. "
                     "'【某县直属机关工委】', unless the gateway adds it itself).")
    for line in lines:
        log.warning(line)
    return lines


def mail_from(config: dict) -> str | None:
    """The From address of reminder e-mail: SMTP_FROM, else the SMTP login if it is an
    address, else noreply@ the host members open (PUBLIC_URL, REMINDER_BASE_URL)."""
    if config.get("SMTP_FROM"):
        return config["SMTP_FROM"]
    if "@" in (config.get("SMTP_USER") or ""):
        return config["SMTP_USER"]
    for url in (config.get("PUBLIC_URL"), config.get("REMINDER_BASE_URL")):
        host = urlsplit(url or "").hostname
        if host:
            return f"noreply@{host}"
    return None


def _require_production_settings(config: dict, env, overrides: dict) -> None:
    """Production runs on a key nobody else knows, on the database it was told, and
    builds its links on the address it was told."""
    why = secret_key_problem(str(config["SECRET_KEY"]))
    if why:
        raise ConfigError(
            f"SECRET_KEY is not secret: it is {why}, so signed cookies could be forged. "
            f"Make one with: {MAKE_SECRET_KEY}"
        )
    if text_setting(env, "DATABASE_URL") is None and "SQLALCHEMY_DATABASE_URI" not in overrides:
        raise ConfigError(
            "DATABASE_URL is not set. In production the app does not pick a database "
            "itself: set it, e.g. postgresql+psycopg://tracker@/tracker?host=/var/run/postgresql "
            "(or TRACKER_ENV=development for a local run on SQLite)."
        )
    if not config["PUBLIC_URL"]:
        raise ConfigError(
            "PUBLIC_URL is not set. In production invitation links, check-in QR codes "
            "and the links in reminders are built on it, never on a request's Host "
            f"header: set it to the address members open, e.g. {EXAMPLE_PUBLIC_URL} "
            "(or TRACKER_ENV=development for a local run)."
        )
    for name in ("PUBLIC_URL", "REMINDER_BASE_URL"):
        _require_own_address(config, name)


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` would let anyone forge the signed cookies (None: it would not)."""
    if key.strip() == PLACEHOLDER_SECRET_KEY:
        return "the example's placeholder"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"shorter than {MIN_SECRET_KEY_LENGTH} characters"
    if regular_key(key):
        return "typed, not random: a character or a piece of it repeated"
    return None


def regular_key(key: str) -> bool:
    """A key of 32 characters or more that is still guessable: one character or a word
    repeated ("a"*34, "changeme" four times and a "12") passed the length check, which
    is all that stood between it and forged cookies. Fewer of its runs of 4 differ
    from each other than ``MIN_SECRET_KEY_RUNS`` or ``MIN_SECRET_KEY_RUNS_SHARE`` of
    them: a random key has hardly a run twice, a repeated piece no more different runs
    than its length; or a piece of a third of it is found in it twice
    (``repeats_a_piece``: a longer piece repeated once, review43 #3)."""
    runs = [key[start:start + 4] for start in range(len(key) - 3)]
    if len(set(runs)) < min(MIN_SECRET_KEY_RUNS, MIN_SECRET_KEY_RUNS_SHARE * len(runs)):
        return True
    return repeats_a_piece(key)


def repeats_a_piece(key: str) -> bool:
    """Whether a piece of ``key`` as long as ``MAX_SECRET_KEY_PIECE_SHARE`` of it is found
    in it twice (overlapping or not): a longer piece repeated has such a piece at its
    start, so pieces of that length are all that need looking at."""
    size = max(4, math.ceil(len(key) * MAX_SECRET_KEY_PIECE_SHARE))
    pieces = [key[start:start + size] for start in range(len(key) - size + 1)]
    return len(set(pieces)) < len(pieces)


def _require_own_address(config: dict, name: str) -> None:
    """PUBLIC_URL (or REMINDER_BASE_URL) is this installation's address: not the example
    file's placeholder host, and https:// when the site says it is served over HTTPS
    (``_secure_over_https``). SECURE_COOKIES=1 with an http:// address is refused rather than logged: browsers
    keep the login cookie only for https://, so every link and QR code built on it first
    goes over plain HTTP, opens nothing where port 80 is closed, and a log line is read
    after the QR codes are printed. docs/deploy.md's HTTPS step changes both at once."""
    value = config.get(name) or ""
    if example_host(value):
        kind = "an example host (the example file's placeholder or an RFC 2606 name)"
    elif reserved_host(value):
        kind = ("a reserved host (RFC 2606/6761: no installation is reached under .test, "
                ".invalid or .localhost)")
    else:
        kind = None
    if kind is not None:
        raise ConfigError(
            f"{name} is {value!r}, {kind}: links, QR codes and reminders would lead there. "
            "Set it to the address members open (docs/deploy.md, step 5: the second sed "
            "writes your host into it)."
        )
    if config.get("SESSION_COOKIE_SECURE") and urlsplit(value).scheme.lower() == "http":
        raise ConfigError(
            f"{name} is {value!r}, an http:// address, but the site is served over HTTPS "
            "(SECURE_COOKIES is on, or PUBLIC_URL is https://): links and QR codes would go "
            "over plain HTTP first. Write it with https:// (docs/deploy.md, HTTPS), or, if "
            "the site has no HTTPS, turn SECURE_COOKIES off and write PUBLIC_URL with http://."
        )


def web_concurrency() -> int:
    """gunicorn's own worker-count variable, which ``create_app`` checks the throttle
    storage against; read by ``_count`` so that ``WEB_CONCURRENCY=4x`` stops start-up
    naming it, as every other number setting does, not with "invalid literal for int()"."""
    return _whole(os.environ, "WEB_CONCURRENCY", "1", minimum=0)


def gunicorn_workers(default: int) -> int:
    """deploy/gunicorn.conf.py's worker count, read as every number setting is:
    `GUNICORN_WORKERS=4x` stops gunicorn naming the variable; empty is the default."""
    return _whole(os.environ, "GUNICORN_WORKERS", str(default))


def trusted_proxies(env=os.environ) -> int:
    """TRUSTED_PROXIES, the number of proxies in front whose X-Forwarded-* headers are
    believed, read here by the app (ProxyFix) and by deploy/gunicorn.conf.py (its
    forwarded_allow_ips), so both believe the same: gunicorn's own "anything but `0`"
    took `00` for trusted while the app read 0, and `no` for trusted while the app
    refused it. A value that is not a whole number stops either, naming it."""
    return _whole(env, "TRUSTED_PROXIES", "0", minimum=0)


def gunicorn_preload() -> bool:
    """deploy/gunicorn.conf.py's GUNICORN_PRELOAD, an on/off setting read by ``_flag``:
    `GUNICORN_PRELOAD=no` used to mean on (anything but "0" did)."""
    return _flag(os.environ, "GUNICORN_PRELOAD", True)


def require_shared_throttle(workers: int, mode: str | None = None,
                            storage: str | None = None) -> None:
    """Refuse to serve production with per-process throttle counters and several workers.

    ``memory://`` counts in each worker apart, so N workers allow N times the limit.
    gunicorn's ``on_starting`` hook calls this with its worker count; ``create_app``
    calls it with ``WEB_CONCURRENCY`` (gunicorn's default worker count)."""
    mode = mode or text_setting(os.environ, "TRACKER_ENV", "production")
    storage = (storage or "").strip() or text_setting(os.environ, "RATELIMIT_STORAGE_URI",
                                                      "database")
    if mode == "production" and storage.startswith("memory://") and workers > 1:
        raise ConfigError(
            f"RATELIMIT_STORAGE_URI={storage} counts failed logins in each of the {workers} "
            "workers apart. Leave it unset (the database counts) or use redis://…"
        )


QUIET_HOURS = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)")


def parse_quiet_hours(value: str) -> tuple[time, time]:
    """REMINDER_QUIET_HOURS ("22:00-08:00") as its start and end (equal: no quiet hours);
    ValueError unless it is two times of day written HH:MM-HH:MM. The reminder job and
    the start-up check read it here, so what starts is what the job can read."""
    found = QUIET_HOURS.fullmatch(value.strip())
    if not found:
        raise ValueError(value)
    hour, minute, end_hour, end_minute = map(int, found.groups())
    return time(hour, minute), time(end_hour, end_minute)


def _quiet_hours(env) -> str:
    """Read only by the reminder job, a typo would first fail there, at night, every
    run: it is checked at start instead."""
    value = text_setting(env, "REMINDER_QUIET_HOURS", "22:00-08:00")
    try:
        parse_quiet_hours(value)
    except ValueError:
        raise ConfigError(f"REMINDER_QUIET_HOURS must be two times of day HH:MM-HH:MM, "
                          f"like '22:00-08:00' (got {value!r}).") from None
    return value


def _timezone(env) -> str:
    """As ``_quiet_hours``: a zone the job cannot find is refused at start."""
    value = text_setting(env, "REMINDER_TIMEZONE", "Asia/Shanghai")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Asia", a folder
        raise ConfigError(f"REMINDER_TIMEZONE must be a time zone name like "
                          f"'Asia/Shanghai' (got {value!r}).") from None
    return value


SMTP_SECURITY = ("starttls", "ssl", "plain")


def _smtp_security(env) -> str:
    """Anything but "ssl" or "starttls" was sent in plain text: `SMTP_SECURITY=tls`
    would have sent the SMTP password unencrypted without a word."""
    value = text_setting(env, "SMTP_SECURITY", "starttls").lower()
    if value not in SMTP_SECURITY:
        raise ConfigError(f"SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)} "
                          f"(got {value!r}).")
    return value


def _idempotency_header(env) -> str:
    """The one setting whose empty value is not its default: README documents
    `SMS_IDEMPOTENCY_HEADER=` as "no such header", for a gateway that refuses one."""
    if "SMS_IDEMPOTENCY_HEADER" in env and text_setting(env, "SMS_IDEMPOTENCY_HEADER") is None:
        return ""
    return text_setting(env, "SMS_IDEMPOTENCY_HEADER", "Idempotency-Key")


def reminder_settings(env) -> dict:
    """Reminders (``flask send-reminders``) and their channels; README "Reminders"
    lists each variable. A channel without its settings is simply not used."""
    kinds = text_setting(env, "REMINDER_KINDS")
    return {
        # None: every kind; else the comma-separated kinds that are on, each checked
        # against the kinds there are by create_app (reminders.kinds.check_setting)
        "REMINDER_KINDS": None if kinds is None else [k.strip().lower() for k in kinds.split(",")
                                                      if k.strip()],
        "REMINDER_REPORT_DAYS": _whole(env, "REMINDER_REPORT_DAYS", "2"),
        "REMINDER_EVENING_HOUR": _whole(env, "REMINDER_EVENING_HOUR", "18", minimum=0, maximum=23),
        "REMINDER_QUIET_HOURS": _quiet_hours(env),
        # a cancel or move of a task starting within this many hours after the quiet
        # hours end is pushed during them: its members set out before they end
        "REMINDER_SETOUT_HOURS": _whole(env, "REMINDER_SETOUT_HOURS", "2", minimum=0,
                                        maximum=12),
        "REMINDER_TIMEZONE": _timezone(env),
        "REMINDER_DAILY_CAP": _whole(env, "REMINDER_DAILY_CAP", "3"),
        "REMINDER_MAX_ATTEMPTS": _whole(env, "REMINDER_MAX_ATTEMPTS", "5"),
        "REMINDER_RETRY_SECONDS": _whole(env, "REMINDER_RETRY_SECONDS", "300"),
        "REMINDER_LOOKBACK_DAYS": _whole(env, "REMINDER_LOOKBACK_DAYS", "14"),
        # checked and its trailing slash dropped with PUBLIC_URL (``_address``)
        "REMINDER_BASE_URL": text_setting(env, "REMINDER_BASE_URL",
                                          text_setting(env, "PUBLIC_URL", "")),
        "REMINDER_HTTP_TIMEOUT": _seconds(env, "REMINDER_HTTP_TIMEOUT", 10.0, above_zero=True),
        "REMINDER_LEASE_SECONDS": _seconds(env, "REMINDER_LEASE_SECONDS", 900.0, above_zero=True),
        "SMTP_HOST": text_setting(env, "SMTP_HOST"),
        "SMTP_PORT": _whole(env, "SMTP_PORT", "25", minimum=1, maximum=65535),
        "SMTP_SECURITY": _smtp_security(env),
        "SMTP_USER": text_setting(env, "SMTP_USER"),
        "SMTP_PASSWORD": _secret(env, "SMTP_PASSWORD"),
        "SMTP_FROM": text_setting(env, "SMTP_FROM"),
        # The sender's name members see instead of a bare address.
        "SMTP_FROM_NAME": text_setting(env, "SMTP_FROM_NAME", "社区共建任务台账"),
        "SMTP_CA_FILE": text_setting(env, "SMTP_CA_FILE"),  # a CA bundle, e.g. the county's own CA
        # Hosts a community's work-group robot may be at besides WeCom's and DingTalk's
        # own (comma-separated host names): a private deployment's relay.
        "WEBHOOK_HOSTS": tuple(h.strip().lower() for h in text_setting(env, "WEBHOOK_HOSTS", "").split(",")
                               if h.strip()),
        "SMS_GATEWAY_URL": text_setting(env, "SMS_GATEWAY_URL"),
        "SMS_GATEWAY_METHOD": text_setting(env, "SMS_GATEWAY_METHOD", "POST").upper(),
        "SMS_BODY_TEMPLATE": text_setting(env, "SMS_BODY_TEMPLATE",
                                          '{"phone": "{phone}", "text": "{text}"}'),
        "SMS_SIGNING_SECRET": _secret(env, "SMS_SIGNING_SECRET"),
        "SMS_SIGNATURE_HEADER": text_setting(env, "SMS_SIGNATURE_HEADER", "X-Signature"),
        "SMS_TIMESTAMP_HEADER": text_setting(env, "SMS_TIMESTAMP_HEADER", "X-Timestamp"),
        # A gateway answering 200 with an error in its JSON: the field that says it sent
        # (dotted: "Code", "result.code", "SendStatusSet.0.Code") and its value then.
        "SMS_SUCCESS_FIELD": text_setting(env, "SMS_SUCCESS_FIELD"),
        "SMS_SUCCESS_VALUE": text_setting(env, "SMS_SUCCESS_VALUE", "0"),
        # The 【签名】 carriers require at the start of every SMS, when the relay does not
        # add it itself: put in front of the text and counted in its length.
        "SMS_SIGNATURE": text_setting(env, "SMS_SIGNATURE", ""),
        # The header carrying each message's stable id: the same on every retry, so a
        # relay that got a message whose answer came too late can drop the repeat.
        "SMS_IDEMPOTENCY_HEADER": _idempotency_header(env),
    }
