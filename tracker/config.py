"""Settings read from the environment.

Secrets have no fallback outside development and testing: a production process
without SECRET_KEY, or with a key that is not secret (the example file's placeholder,
anything shorter than 32 characters), refuses to start instead of running with a
guessable key; so does one without DATABASE_URL, instead of quietly writing a SQLite
file of its own.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from urllib.parse import urlsplit

from .rate_rules import parse_rule

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"
DEFAULT_DATABASE_URL = f"sqlite:///{INSTANCE / 'tracker.sqlite3'}"  # development and tests only
MIN_SECRET_KEY_LENGTH = 32
# bandit B105: neither is a password; a key equal to the first is refused, the second
# is the command that makes a key
PLACEHOLDER_SECRET_KEY = "change-me"  # nosec B105 - what deploy/tracker.env.example used to ship
MAKE_SECRET_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"  # nosec B105


log = logging.getLogger(__name__)


class ConfigError(RuntimeError):
    """Raised at start-up when a required setting is missing."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


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
    """The whole-number setting ``name`` (``default`` when unset or empty, as for
    ``_seconds``), checked by ``_count``."""
    return _count((env.get(name) or "").strip() or default, name, minimum, maximum)


def _limit(env, name: str, default: str) -> str:
    """A rate-limit setting ("5 per 15 minutes"), refused at start-up naming the variable
    when it cannot be read or would let nothing through: read only at the request it
    guards, a typo would be a 500 there, or a door shut for good."""
    value = (env.get(name) or "").strip() or default
    try:
        parse_rule(value)
    except ValueError:
        raise ConfigError(f"{name} must be a limit like '5 per 15 minutes', at least 1 "
                          f"per at least 1 second (got {value!r}).") from None
    return value


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
            "prepare_threshold": _prepare_threshold(os.environ.get("DB_PREPARE_THRESHOLD")),
        }
    return options


def _seconds(value: str | None, default: float, name: str, above_zero: bool = False) -> float:
    value = (value or "").strip()
    if not value:
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


def _prepare_threshold(value: str | None) -> int | None:
    """After how many uses on a connection psycopg prepares a statement on the server.
    1 (ours; psycopg's own default is 5): a statement asked a second time is prepared,
    so PostgreSQL stops parsing it and comes to a kept plan from its sixth execution
    instead of its eleventh (docs/performance.md, session 14). "none" turns prepared
    statements off, for a PgBouncer older than 1.21 in transaction mode."""
    value = (value or "1").strip()
    if value.lower() in ("none", "off"):
        return None
    return _count(value, "DB_PREPARE_THRESHOLD")


def load_config(overrides: dict | None = None) -> dict:
    """Build the Flask config dict from the environment, then apply overrides."""
    env = os.environ
    overrides = dict(overrides or {})
    mode = overrides.get("ENV_MODE") or env.get("TRACKER_ENV", "production")
    testing = bool(overrides.get("TESTING")) or mode == "testing"
    development = mode == "development"

    config: dict = {
        "ENV_MODE": mode,
        "TESTING": testing,
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        "SQLITE_BUSY_TIMEOUT_MS": _whole(env, "SQLITE_BUSY_TIMEOUT_MS", "15000"),
        "DB_PING_AFTER_IDLE_SECONDS": _seconds(env.get("DB_PING_AFTER_IDLE_SECONDS"), 1.0,
                                               "DB_PING_AFTER_IDLE_SECONDS"),
        "SECRET_KEY": env.get("SECRET_KEY"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env.get("SECURE_COOKIES")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(env.get("SECURE_COOKIES")),
        # Server-side login sessions (tracker/services/sessions.py); the remember-me
        # cookie lasts as long as the longest session may.
        "SESSION_IDLE_MINUTES": _whole(env, "SESSION_IDLE_MINUTES", "120"),
        "SESSION_REMEMBERED_IDLE_DAYS": _whole(env, "SESSION_REMEMBERED_IDLE_DAYS", "14"),
        "SESSION_MAX_DAYS": _whole(env, "SESSION_MAX_DAYS", "30"),
        "SESSION_TOUCH_MINUTES": 5,
        "PASSWORD_HASH_METHOD": env.get("PASSWORD_HASH_METHOD", "scrypt"),
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "tracker" / "translations"),
        "WTF_CSRF_TIME_LIMIT": None,  # a form left open on a phone all day still submits
        # Where failed attempts are counted (tracker/throttle.py): "database" (default),
        # "redis://…", or "memory://" (one process only).
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "database"),
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
        "PUBLIC_URL": env.get("PUBLIC_URL", ""),
        "MAX_CONTENT_LENGTH": _whole(env, "MAX_UPLOAD_MB", "10") * 1024 * 1024,
        "UPLOAD_FOLDER": env.get("UPLOAD_FOLDER", str(INSTANCE / "uploads")),
        # Proxies in front whose X-Forwarded-* headers are believed (0: none; see ops/web.py).
        "TRUSTED_PROXIES": _count(env.get("TRUSTED_PROXIES"), "TRUSTED_PROXIES"),
        # Archived residents' personal data is erased this long after archiving
        # (flask purge-residents): PIPL Art. 19/47, the minimum time necessary.
        "RESIDENT_RETENTION_DAYS": _whole(env, "RESIDENT_RETENTION_DAYS", "1095"),
        # A member 停用 this long loses phone, e-mail, password hash and calendar feed
        # (flask purge-members); the name stays on the participation records the bureau
        # signed.
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
        _require_production_settings(config, env, overrides)
    return config


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
    """Production runs on a key nobody else knows and on the database it was told."""
    key = str(config["SECRET_KEY"])
    if key.strip() == PLACEHOLDER_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"SECRET_KEY is not secret: it is the example's placeholder or shorter than "
            f"{MIN_SECRET_KEY_LENGTH} characters, so signed cookies could be forged. "
            f"Make one with: {MAKE_SECRET_KEY}"
        )
    if not (env.get("DATABASE_URL") or "").strip() and "SQLALCHEMY_DATABASE_URI" not in overrides:
        raise ConfigError(
            "DATABASE_URL is not set. In production the app does not pick a database "
            "itself: set it, e.g. postgresql+psycopg://tracker@/tracker?host=/var/run/postgresql "
            "(or TRACKER_ENV=development for a local run on SQLite)."
        )


def web_concurrency() -> int:
    """gunicorn's own worker-count variable, which ``create_app`` checks the throttle
    storage against; read by ``_count`` so that ``WEB_CONCURRENCY=4x`` stops start-up
    naming it, as every other number setting does, not with "invalid literal for int()"."""
    return _count(os.environ.get("WEB_CONCURRENCY") or "1", "WEB_CONCURRENCY")


def require_shared_throttle(workers: int, mode: str | None = None,
                            storage: str | None = None) -> None:
    """Refuse to serve production with per-process throttle counters and several workers.

    ``memory://`` counts in each worker apart, so N workers allow N times the limit.
    gunicorn's ``on_starting`` hook calls this with its worker count; ``create_app``
    calls it with ``WEB_CONCURRENCY`` (gunicorn's default worker count)."""
    mode = mode or os.environ.get("TRACKER_ENV", "production")
    storage = (storage or os.environ.get("RATELIMIT_STORAGE_URI") or "database").strip()
    if mode == "production" and storage.startswith("memory://") and workers > 1:
        raise ConfigError(
            f"RATELIMIT_STORAGE_URI={storage} counts failed logins in each of the {workers} "
            "workers apart. Leave it unset (the database counts) or use redis://…"
        )
def reminder_settings(env) -> dict:
    """Reminders (``flask send-reminders``) and their channels; README "Reminders"
    lists each variable. A channel without its settings is simply not used."""
    kinds = env.get("REMINDER_KINDS")
    return {
        # None: every kind; else the comma-separated kinds that are on
        "REMINDER_KINDS": None if kinds is None else [k.strip() for k in kinds.split(",") if k.strip()],
        "REMINDER_REPORT_DAYS": _whole(env, "REMINDER_REPORT_DAYS", "2"),
        "REMINDER_EVENING_HOUR": _whole(env, "REMINDER_EVENING_HOUR", "18", minimum=0, maximum=23),
        "REMINDER_QUIET_HOURS": env.get("REMINDER_QUIET_HOURS", "22:00-08:00"),
        "REMINDER_TIMEZONE": env.get("REMINDER_TIMEZONE", "Asia/Shanghai"),
        "REMINDER_DAILY_CAP": _whole(env, "REMINDER_DAILY_CAP", "3"),
        "REMINDER_MAX_ATTEMPTS": _whole(env, "REMINDER_MAX_ATTEMPTS", "5"),
        "REMINDER_RETRY_SECONDS": _whole(env, "REMINDER_RETRY_SECONDS", "300"),
        "REMINDER_LOOKBACK_DAYS": _whole(env, "REMINDER_LOOKBACK_DAYS", "14"),
        "REMINDER_BASE_URL": (env.get("REMINDER_BASE_URL") or env.get("PUBLIC_URL", "")).rstrip("/"),
        "REMINDER_HTTP_TIMEOUT": _seconds(env.get("REMINDER_HTTP_TIMEOUT"), 10.0,
                                          "REMINDER_HTTP_TIMEOUT", above_zero=True),
        "REMINDER_LEASE_SECONDS": _seconds(env.get("REMINDER_LEASE_SECONDS"), 900.0,
                                           "REMINDER_LEASE_SECONDS", above_zero=True),
        "SMTP_HOST": env.get("SMTP_HOST"),
        "SMTP_PORT": _whole(env, "SMTP_PORT", "25", minimum=1, maximum=65535),
        "SMTP_SECURITY": env.get("SMTP_SECURITY", "starttls"),  # starttls | ssl | plain
        "SMTP_USER": env.get("SMTP_USER"),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD"),
        "SMTP_FROM": env.get("SMTP_FROM"),
        # The sender's name members see instead of a bare address.
        "SMTP_FROM_NAME": env.get("SMTP_FROM_NAME", "社区共建任务台账"),
        "SMTP_CA_FILE": env.get("SMTP_CA_FILE"),  # a CA bundle, e.g. the county's own CA
        # Hosts a community's work-group robot may be at besides WeCom's and DingTalk's
        # own (comma-separated host names): a private deployment's relay.
        "WEBHOOK_HOSTS": tuple(h.strip().lower() for h in env.get("WEBHOOK_HOSTS", "").split(",")
                               if h.strip()),
        "SMS_GATEWAY_URL": env.get("SMS_GATEWAY_URL"),
        "SMS_GATEWAY_METHOD": env.get("SMS_GATEWAY_METHOD", "POST").upper(),
        "SMS_BODY_TEMPLATE": env.get("SMS_BODY_TEMPLATE", '{"phone": "{phone}", "text": "{text}"}'),
        "SMS_SIGNING_SECRET": env.get("SMS_SIGNING_SECRET"),
        "SMS_SIGNATURE_HEADER": env.get("SMS_SIGNATURE_HEADER", "X-Signature"),
        "SMS_TIMESTAMP_HEADER": env.get("SMS_TIMESTAMP_HEADER", "X-Timestamp"),
        # A gateway answering 200 with an error in its JSON: the field that says it sent
        # (dotted: "Code", "result.code", "SendStatusSet.0.Code") and its value then.
        "SMS_SUCCESS_FIELD": env.get("SMS_SUCCESS_FIELD"),
        "SMS_SUCCESS_VALUE": env.get("SMS_SUCCESS_VALUE", "0"),
        # The 【签名】 carriers require at the start of every SMS, when the relay does not
        # add it itself: put in front of the text and counted in its length.
        "SMS_SIGNATURE": env.get("SMS_SIGNATURE", ""),
        # The header carrying each message's stable id: the same on every retry, so a
        # relay that got a message whose answer came too late can drop the repeat.
        "SMS_IDEMPOTENCY_HEADER": env.get("SMS_IDEMPOTENCY_HEADER", "Idempotency-Key"),
    }
