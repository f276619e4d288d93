"""Settings read from the environment.

Secrets have no fallback outside development and testing: a production process
without SECRET_KEY refuses to start instead of running with a guessable key.
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


class ConfigError(RuntimeError):
    """Raised at start-up when a required setting is missing."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _count(value: str | None, name: str) -> int:
    value = (value or "0").strip()
    if not value.isdigit():
        raise ConfigError(f"{name} must be a whole number (got {value!r}).")
    return int(value)


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
        "SQLALCHEMY_DATABASE_URI": env.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE / 'tracker.sqlite3'}"
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SECRET_KEY": env.get("SECRET_KEY"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env.get("SECURE_COOKIES")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(env.get("SECURE_COOKIES")),
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 90,
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "tracker" / "translations"),
        "WTF_CSRF_TIME_LIMIT": None,  # a form left open on a phone all day still submits
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        # Storage down (Redis): let the request through and log it, rather than lock
        # everyone out of a county's ledger (README, "Several app servers").
        "RATELIMIT_SWALLOW_ERRORS": True,
        "LOGIN_LIMIT_PER_ACCOUNT": env.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": env.get("LOGIN_LIMIT_PER_ADDRESS", "30 per 15 minutes"),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_UPLOAD_MB", "10")) * 1024 * 1024,
        "UPLOAD_FOLDER": env.get("UPLOAD_FOLDER", str(INSTANCE / "uploads")),
        # Proxies in front whose X-Forwarded-* headers are believed (0: none; see ops/web.py).
        "TRUSTED_PROXIES": _count(env.get("TRUSTED_PROXIES"), "TRUSTED_PROXIES"),
        "PAGE_SIZE": 20,
        "STALE_REVIEW_DAYS": 7,
    }
    if development or testing:
        config["SECRET_KEY"] = config["SECRET_KEY"] or f"insecure-{mode}-key"
    config.update(overrides)
    if not config.get("SECRET_KEY"):
        raise ConfigError(
            "SECRET_KEY is not set. Set it in the environment "
            "(or TRACKER_ENV=development for a local run)."
        )
    return config
