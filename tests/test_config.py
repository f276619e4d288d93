"""Settings come from the environment; production refuses to start without a secret
nobody else knows and without being told its database and its public address; a setting
the app would first fail on later is refused at start, naming it."""
import base64
import random
import re
import subprocess
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from tracker import create_app
from tracker.config import (INSTANCE, MAKE_SECRET_KEY, ConfigError, load_config,
                            require_shared_throttle, secret_key_problem)
from tracker.extensions import db
from tracker.reminders.job import in_quiet_hours


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("TRACKER_ENV", "SECRET_KEY", "DATABASE_URL", "SECURE_COOKIES", "PUBLIC_URL",
                 "REMINDER_BASE_URL", "PASSWORD_HASH_METHOD", "REMINDER_KINDS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_is_the_default_and_needs_a_secret_key(clean_env):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_explicit_production_without_secret_key_refuses_to_start(clean_env):
    clean_env.setenv("TRACKER_ENV", "production")
    with pytest.raises(ConfigError):
        create_app()


def test_empty_secret_key_counts_as_missing(clean_env):
    clean_env.setenv("SECRET_KEY", "")
    with pytest.raises(ConfigError):
        create_app()


PRODUCTION_KEY = "a-long-random-production-secret-of-48-characters"
SITE = "https://gongjian.county.gov.cn"  # an installation's own host, not an example


def test_production_with_secret_key_starts(clean_env, tmp_path):
    clean_env.setenv("SECRET_KEY", PRODUCTION_KEY)
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    clean_env.setenv("PUBLIC_URL", SITE)
    app = create_app()
    assert app.config["SECRET_KEY"] == PRODUCTION_KEY
    assert app.config["ENV_MODE"] == "production"
    assert not app.testing
    assert not app.debug


@pytest.mark.parametrize("key", ["change-me", "x", "a" * 31, "a" * 34,
                                 "changemechangemechangemechangeme12",
                                 "abcdefghijklmnop" * 2, "0123456789" * 4])
def test_production_refuses_a_key_that_is_not_secret(clean_env, tmp_path, key):
    """The example file's placeholder is known to everyone, a short key can be guessed,
    and so can a long one typed by repeating a character or a word (walk13 #4): any
    lets anyone forge the signed cookies. The message says how to make a real one."""
    clean_env.setenv("SECRET_KEY", key)
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    with pytest.raises(ConfigError, match="SECRET_KEY") as refused:
        create_app()
    assert "secrets.token_urlsafe" in str(refused.value)


def test_a_key_of_32_characters_is_enough(clean_env, tmp_path):
    key = "q7Vd2mXa9LcT4wRz0bNf8sKj3hPy6gUe"
    assert len(key) == 32
    clean_env.setenv("SECRET_KEY", key)
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    clean_env.setenv("PUBLIC_URL", SITE)
    assert load_config()["SECRET_KEY"] == key


@pytest.mark.parametrize("command", [MAKE_SECRET_KEY,
                                     "python3 -c 'import secrets; print(secrets.token_hex(32))'"])
def test_a_key_made_as_the_docs_say_is_taken(clean_env, tmp_path, command):
    """The command README, docs/deploy.md step 5 and tracker.env.example give (and the
    usual hex one), run for real: what it prints starts production."""
    key = subprocess.run(command, shell=True, capture_output=True, text=True,
                         check=True).stdout.strip()
    clean_env.setenv("SECRET_KEY", key)
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    clean_env.setenv("PUBLIC_URL", SITE)
    assert load_config()["SECRET_KEY"] == key


def _urlsafe(rng, size: int) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(size)).rstrip(b"=").decode()


# The keys a random generator gives, as secrets, openssl and uuid make them (drawn from a
# seeded generator, so a run is repeatable): the documented command, the usual hex ones,
# a 32-digit number, a UUID without its dashes, openssl's base64.
RANDOM_KEYS = {
    "token_urlsafe(48)": lambda rng: _urlsafe(rng, 48),
    "token_urlsafe(24)": lambda rng: _urlsafe(rng, 24),
    "token_hex(32)": lambda rng: rng.randbytes(32).hex(),
    "token_hex(16)": lambda rng: rng.randbytes(16).hex(),
    "32-digit decimal": lambda rng: f"{rng.randrange(10 ** 32):032d}",
    "uuid4().hex": lambda rng: uuid.UUID(bytes=rng.randbytes(16), version=4).hex,
    "openssl rand -base64 32": lambda rng: base64.b64encode(rng.randbytes(32)).decode(),
}


@pytest.mark.parametrize("kind", RANDOM_KEYS)
def test_every_key_a_random_generator_gives_is_taken(kind):
    """A typed key is refused, a random one never (walk13fix's Open: about one 32-digit
    decimal key in 800 was refused as "typed", for having fewer than 8 different digits).
    Ten thousand keys of each kind; none is refused."""
    rng = random.Random(f"secret-key-{kind}")
    refused = [key for key in (RANDOM_KEYS[kind](rng) for _ in range(10_000))
               if secret_key_problem(key) is not None]
    assert refused == []


@pytest.mark.parametrize("key", [
    "qwertyuiopasdfghjk" + "qwertyuiopasdf",  # a keyboard row and most of it again
    "correcthorsebattery!" + "correcthorse",  # a phrase and its start again
    "Tr4ck3r-S3cr3t!2026" + "Tr4ck3r-S3cr3t",  # a word and a year, the word again
    "1q2w3e4r5t6y7u8i9o0p" + "1q2w3e4r5t6y7"])
def test_a_longer_piece_repeated_once_is_refused(key):
    """review43 #3: the runs of 4 caught a short piece repeated over and over, not a
    longer one found twice — an 18-character keyboard row and 14 characters of it again
    had more than 0.6 of its runs different, and production started on it. Any piece
    up to half the key repeated is typed, not random."""
    assert len(key) >= 32 and secret_key_problem(key) is not None


def test_the_docs_give_the_command_the_refusal_names():
    for doc in ("README.md", "docs/deploy.md", "deploy/tracker.env.example"):
        assert MAKE_SECRET_KEY.split("-c ")[1] in (INSTANCE.parent / doc).read_text(), doc


def test_the_example_env_file_ships_no_key(clean_env):
    """A skipped step 5 (the sed that writes the key) leaves SECRET_KEY empty, which
    refuses to start, instead of a placeholder."""
    example = (INSTANCE.parent / "deploy" / "tracker.env.example").read_text()
    keys = [line for line in example.splitlines() if line.startswith("SECRET_KEY=")]
    assert keys == ["SECRET_KEY="]


@pytest.mark.parametrize("value", [None, "", "  "])
def test_production_refuses_to_start_without_a_database_url(clean_env, value):
    """No quiet SQLite file in the app's folder when the setting is missing or mistyped."""
    clean_env.setenv("SECRET_KEY", PRODUCTION_KEY)
    if value is not None:
        clean_env.setenv("DATABASE_URL", value)
    with pytest.raises(ConfigError, match="DATABASE_URL is not set"):
        create_app()


@pytest.mark.parametrize("mode", ["development", "testing"])
def test_development_and_testing_run_without_a_secret(clean_env, mode):
    clean_env.setenv("TRACKER_ENV", mode)
    config = load_config()
    assert config["SECRET_KEY"]


def test_database_url_selects_the_database(clean_env, tmp_path):
    path = tmp_path / "chosen.sqlite3"
    clean_env.setenv("TRACKER_ENV", "development")
    clean_env.setenv("DATABASE_URL", f"sqlite:///{path}")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{path}"
    with app.app_context():
        assert db.engine.url.database == str(path)
        db.session.execute(text("SELECT 1"))
        db.session.remove()
        db.engine.dispose()
    assert path.exists()


def test_database_url_can_select_postgresql(clean_env):
    clean_env.setenv("TRACKER_ENV", "development")
    clean_env.setenv("DATABASE_URL", "postgresql+psycopg://tracker@db.example/tracker")
    app = create_app()
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        assert db.engine.url.host == "db.example"


@pytest.mark.parametrize("form", ["postgresql", "postgres", "PostgreSQL", "postgresql+psycopg2"])
def test_postgresqls_own_url_forms_mean_the_driver_the_app_ships(clean_env, form):
    """psycopg 3 is the one PostgreSQL driver installed (requirements.txt). psycopg2's
    form, which SQLAlchemy's and many hosting guides' examples write (walk13fix's Open),
    means the same server and the same libpq parameters: read as psycopg 3 too."""
    clean_env.setenv("TRACKER_ENV", "development")
    clean_env.setenv("DATABASE_URL", f"{form}://tracker:pw@db.county.gov.cn:5433/tracker"
                                     "?sslmode=require")
    assert load_config()["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://tracker:pw@db.county.gov.cn:5433/tracker?sslmode=require")


@pytest.mark.parametrize("value", ["postgresql+asyncpg://tracker:pw@db/tracker",
                                   "postgresql+pg8000://tracker:pw@db/tracker",
                                   "mysql+pymysql://tracker:pw@db/tracker",
                                   "instance/tracker.sqlite3"])
def test_a_database_url_the_app_cannot_serve_stops_start_up_naming_it(clean_env, value):
    clean_env.setenv("TRACKER_ENV", "development")
    clean_env.setenv("DATABASE_URL", value)
    with pytest.raises(ConfigError, match="DATABASE_URL must be") as refused:
        load_config()
    assert ":pw@" not in str(refused.value)  # the password is not repeated in a log


def test_default_database_is_a_sqlite_file_in_instance(clean_env):
    config = load_config({"ENV_MODE": "development"})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{INSTANCE / 'tracker.sqlite3'}"


def test_cookies_are_httponly_lax_and_secure_on_request(clean_env):
    clean_env.setenv("TRACKER_ENV", "development")
    config = load_config()
    for prefix in ("SESSION_COOKIE", "REMEMBER_COOKIE"):
        assert config[f"{prefix}_HTTPONLY"] is True
        assert config[f"{prefix}_SAMESITE"] == "Lax"
        assert config[f"{prefix}_SECURE"] is False
    clean_env.setenv("SECURE_COOKIES", "1")
    config = load_config()
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True


@pytest.mark.parametrize("value, threshold", [(None, 1), ("3", 3), ("0", 0), ("none", None),
                                              ("Off", None)])
def test_postgresql_prepares_a_statement_from_its_second_use_unless_told(clean_env, value,
                                                                         threshold):
    """psycopg's default (the fifth use) left PostgreSQL planning a page's statements on
    a connection's first ten requests; "none" is for a PgBouncer that cannot route
    prepared statements."""
    clean_env.setenv("TRACKER_ENV", "development")
    clean_env.setenv("DATABASE_URL", "postgresql+psycopg://tracker@127.0.0.1/tracker")
    if value is None:
        clean_env.delenv("DB_PREPARE_THRESHOLD", raising=False)
    else:
        clean_env.setenv("DB_PREPARE_THRESHOLD", value)
    options = load_config()["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["connect_args"]["prepare_threshold"] == threshold


def test_a_prepare_threshold_that_is_not_a_number_refuses_to_start(clean_env):
    clean_env.setenv("TRACKER_ENV", "development")
    clean_env.setenv("DATABASE_URL", "postgresql+psycopg://tracker@127.0.0.1/tracker")
    clean_env.setenv("DB_PREPARE_THRESHOLD", "soon")
    with pytest.raises(ConfigError, match="DB_PREPARE_THRESHOLD"):
        load_config()


def test_sqlite_gets_no_postgresql_connection_options(clean_env, tmp_path):
    clean_env.setenv("TRACKER_ENV", "development")
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    clean_env.setenv("DB_PREPARE_THRESHOLD", "soon")  # not read for SQLite
    assert "connect_args" not in load_config()["SQLALCHEMY_ENGINE_OPTIONS"]


@pytest.mark.parametrize(("value", "seconds"), [(None, 1.0), ("0", 0.0), ("2.5", 2.5)])
def test_how_long_a_connection_may_sit_idle_before_it_is_pinged(clean_env, value, seconds):
    clean_env.setenv("TRACKER_ENV", "development")
    if value is None:
        clean_env.delenv("DB_PING_AFTER_IDLE_SECONDS", raising=False)
    else:
        clean_env.setenv("DB_PING_AFTER_IDLE_SECONDS", value)
    config = load_config()
    assert config["DB_PING_AFTER_IDLE_SECONDS"] == seconds
    # the pool does not ping on every checkout (tracker/db_setup.py pings the idle ones)
    assert not config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping")


@pytest.mark.parametrize("value", ["soon", "-1", "nan"])
def test_an_idle_time_that_is_not_seconds_refuses_to_start(clean_env, value):
    clean_env.setenv("TRACKER_ENV", "development")
    clean_env.setenv("DB_PING_AFTER_IDLE_SECONDS", value)
    with pytest.raises(ConfigError, match="DB_PING_AFTER_IDLE_SECONDS"):
        load_config()


# Every numeric setting and the least a sensible value is (review "maintain" #2): a
# retention of 0 days or less erases on the day of archiving, a session of 0 minutes
# never lets anyone in, a timeout of 0 waits for ever (libpq) or never (an HTTP call).
NUMERIC_SETTINGS = {
    "DB_CONNECT_TIMEOUT": 1, "SQLITE_BUSY_TIMEOUT_MS": 1, "SESSION_IDLE_MINUTES": 1,
    "SESSION_REMEMBERED_IDLE_DAYS": 1, "SESSION_MAX_DAYS": 1, "LOGIN_DELAY_MAX_SECONDS": 0,
    "MAX_UPLOAD_MB": 1, "TRUSTED_PROXIES": 0, "RESIDENT_RETENTION_DAYS": 1,
    "MEMBER_RETENTION_DAYS": 1, "STALE_REVIEW_DAYS": 1, "REMINDER_REPORT_DAYS": 1,
    "REMINDER_EVENING_HOUR": 0, "REMINDER_SETOUT_HOURS": 0, "REMINDER_DAILY_CAP": 1, "REMINDER_MAX_ATTEMPTS": 1,
    "REMINDER_RETRY_SECONDS": 1, "REMINDER_LOOKBACK_DAYS": 1, "REMINDER_HTTP_TIMEOUT": 0.001,
    "REMINDER_LEASE_SECONDS": 0.001, "SMTP_PORT": 1, "DB_PREPARE_THRESHOLD": 0,
    "DB_PING_AFTER_IDLE_SECONDS": 0,
}


def _load_with(env, name, value):
    env.setenv("TRACKER_ENV", "development")
    # the PostgreSQL connection settings are read only for a PostgreSQL URL
    env.setenv("DATABASE_URL", "postgresql+psycopg://tracker@127.0.0.1/tracker")
    env.setenv(name, value)
    return load_config()


@pytest.mark.parametrize("name", sorted(NUMERIC_SETTINGS))
@pytest.mark.parametrize("value", ["2h", "-1", "1O"])
def test_a_numeric_setting_that_is_no_number_stops_start_up_naming_it(clean_env, name, value):
    """`SESSION_IDLE_MINUTES=2h` stopped gunicorn with "invalid literal for int()" and no
    variable named; `RESIDENT_RETENTION_DAYS=-1` loaded, and the next run erased every
    archived resident."""
    with pytest.raises(ConfigError, match=name):
        _load_with(clean_env, name, value)


@pytest.mark.parametrize("name", sorted(n for n, least in NUMERIC_SETTINGS.items() if least > 0))
def test_a_setting_below_its_least_sensible_value_stops_start_up(clean_env, name):
    with pytest.raises(ConfigError, match=name):
        _load_with(clean_env, name, "0")


@pytest.mark.parametrize("name", sorted(NUMERIC_SETTINGS))
def test_the_least_sensible_value_is_taken(clean_env, name):
    least = NUMERIC_SETTINGS[name]
    value = "1" if isinstance(least, float) else str(least)
    config = _load_with(clean_env, name, value)
    read = (config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["connect_timeout"]
            if name == "DB_CONNECT_TIMEOUT" else config.get(name))
    assert name in ("MAX_UPLOAD_MB", "DB_PREPARE_THRESHOLD") or read == float(value)


@pytest.mark.parametrize(("name", "value"), [("REMINDER_EVENING_HOUR", "24"),
                                             ("REMINDER_SETOUT_HOURS", "13"),
                                             ("SMTP_PORT", "65536")])
def test_a_setting_above_its_range_stops_start_up(clean_env, name, value):
    with pytest.raises(ConfigError, match=name):
        _load_with(clean_env, name, value)


@pytest.mark.parametrize("name", ["RESIDENT_RETENTION_DAYS", "MEMBER_RETENTION_DAYS"])
def test_retention_settings_refuse_zero_days(clean_env, name):
    with pytest.raises(ConfigError, match=f"{name} must be a whole number at least 1"):
        _load_with(clean_env, name, "0")


def test_an_empty_numeric_setting_means_its_default(clean_env):
    assert _load_with(clean_env, "RESIDENT_RETENTION_DAYS", "")["RESIDENT_RETENTION_DAYS"] == 1095


def test_no_setting_is_read_with_a_bare_int_or_float():
    """One reader per kind (_count / _seconds): the message names the variable. The
    factory reads WEB_CONCURRENCY, so it is held to the same rule."""
    tracker = Path(__file__).resolve().parent.parent / "tracker"
    for source in (tracker / "config.py", tracker / "__init__.py"):
        assert not re.findall(r"\b(?:int|float)\((?:os\.)?(?:env|environ)",
                              source.read_text(encoding="utf-8"))


@pytest.mark.parametrize("value", ["4x", "-1"])
def test_a_worker_count_that_is_no_number_stops_start_up_naming_it(clean_env, tmp_path,
                                                                    value):
    """README, Configuration: a number setting that is not a whole number stops start-up
    with a message naming the variable; WEB_CONCURRENCY=4x gave "invalid literal for
    int() with base 10" and no name."""
    clean_env.setenv("SECRET_KEY", "a-long-random-production-secret-of-48-characters")
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    clean_env.setenv("PUBLIC_URL", SITE)
    clean_env.delenv("RATELIMIT_STORAGE_URI", raising=False)
    clean_env.setenv("WEB_CONCURRENCY", value)
    with pytest.raises(ConfigError, match="WEB_CONCURRENCY"):
        create_app()
    clean_env.setenv("WEB_CONCURRENCY", "4")
    assert create_app().config["ENV_MODE"] == "production"


LIMIT_SETTINGS = ("LOGIN_LIMIT_PER_ACCOUNT_ADDRESS", "LOGIN_LIMIT_PER_ADDRESS",
                  "LOGIN_LIMIT_PER_ACCOUNT", "PASSWORD_LIMIT", "LINK_LIMIT_PER_ADDRESS",
                  "EXPORT_LIMIT", "ROBOT_TEST_LIMIT")


@pytest.mark.parametrize("name", LIMIT_SETTINGS)
@pytest.mark.parametrize("value", ["10 an hour", "0 per hour", "5 per 0 minutes", "often"])
def test_a_rate_limit_that_cannot_work_stops_start_up_naming_it(clean_env, name, value):
    """Review "merged29" #3: `EXPORT_LIMIT=10 an hour` started, then 下载我的数据 was a 500;
    `0 per hour` started, then refused every download for good."""
    with pytest.raises(ConfigError, match=name):
        _load_with(clean_env, name, value)


@pytest.mark.parametrize("name", LIMIT_SETTINGS)
def test_a_rate_limit_as_the_readme_writes_it_is_taken(clean_env, name):
    assert _load_with(clean_env, name, "3 per 2 hours")[name] == "3 per 2 hours"
    assert _load_with(clean_env, name, "")[name]  # empty: its default


def test_every_rate_limit_setting_is_checked_at_start():
    """A `*_LIMIT…` setting read without `_limit` would be checked only at the request."""
    source = (Path(__file__).resolve().parent.parent / "tracker" / "config.py").read_text(
        encoding="utf-8")
    read = set(re.findall(r'"([A-Z_]*_LIMIT[A-Z_]*)":', source)) - {"WTF_CSRF_TIME_LIMIT"}
    assert read == set(LIMIT_SETTINGS)
    assert not re.findall(r'env\.get\("[A-Z_]*_LIMIT', source)


# --- warnings at start: set, but probably wrong (messages #2) --------------------------------

SMS_WARNING = "SMS_GATEWAY_URL is set but SMS_SIGNATURE is empty"


def _start(env, **settings):
    env.setenv("TRACKER_ENV", "testing")
    for name in ("SMS_GATEWAY_URL", "SMS_SIGNATURE"):
        env.delenv(name, raising=False)
    for name, value in settings.items():
        env.setenv(name, value)
    return create_app()


def test_an_sms_gateway_without_a_signature_is_warned_about_once_at_start(clean_env, caplog):
    with caplog.at_level("WARNING", logger="tracker.config"):
        _start(clean_env, SMS_GATEWAY_URL="https://sms.example.gov.cn/send")
    warned = [r for r in caplog.records if SMS_WARNING in r.getMessage()]
    assert len(warned) == 1 and warned[0].levelname == "WARNING"
    assert "SMS_SIGNATURE" in warned[0].getMessage()


@pytest.mark.parametrize("settings", [
    {"SMS_GATEWAY_URL": "https://sms.example.gov.cn/send", "SMS_SIGNATURE": "【某县直属机关工委】"},
    {},  # no gateway: no SMS to sign
])
def test_no_warning_when_signed_or_without_a_gateway(clean_env, caplog, settings):
    with caplog.at_level("WARNING", logger="tracker.config"):
        _start(clean_env, **settings)
    assert not [r for r in caplog.records if "SMS_SIGNATURE" in r.getMessage()]


# --- a setting set but empty (an env file's `NAME=` line) is unset, checked at start ----------

# What README's Configuration gives as each text setting's default: a blank value is the
# same as no line at all (README, Configuration).
TEXT_DEFAULTS = {
    "UPLOAD_FOLDER": str(INSTANCE / "uploads"), "PASSWORD_HASH_METHOD": "scrypt",
    "RATELIMIT_STORAGE_URI": "database", "PUBLIC_URL": "", "REMINDER_KINDS": None,
    "REMINDER_QUIET_HOURS": "22:00-08:00", "REMINDER_TIMEZONE": "Asia/Shanghai",
    "REMINDER_BASE_URL": "", "SMTP_HOST": None, "SMTP_SECURITY": "starttls",
    "SMTP_USER": None, "SMTP_PASSWORD": None, "SMTP_FROM": None,
    "SMTP_FROM_NAME": "社区共建任务台账", "SMTP_CA_FILE": None, "WEBHOOK_HOSTS": (),
    "SMS_GATEWAY_URL": None, "SMS_GATEWAY_METHOD": "POST",
    "SMS_BODY_TEMPLATE": '{"phone": "{phone}", "text": "{text}"}', "SMS_SIGNING_SECRET": None,
    "SMS_SIGNATURE_HEADER": "X-Signature", "SMS_TIMESTAMP_HEADER": "X-Timestamp",
    "SMS_SUCCESS_FIELD": None, "SMS_SUCCESS_VALUE": "0", "SMS_SIGNATURE": "",
}


@pytest.mark.parametrize("value", ["", "   "])
@pytest.mark.parametrize("name", sorted(TEXT_DEFAULTS))
def test_a_text_setting_set_but_empty_means_its_default(clean_env, name, value):
    """`UPLOAD_FOLDER=` was an empty path, which failed at the first photo; an empty
    `SMTP_SECURITY=` sent mail, password included, in plain text."""
    clean_env.delenv("PUBLIC_URL", raising=False)  # REMINDER_BASE_URL's default
    assert _load_with(clean_env, name, value)[name] == TEXT_DEFAULTS[name]


def test_an_empty_idempotency_header_is_no_header_as_the_readme_says(clean_env):
    """The one exception: README documents `SMS_IDEMPOTENCY_HEADER=` as "no header"."""
    clean_env.delenv("SMS_IDEMPOTENCY_HEADER", raising=False)
    assert load_config({"ENV_MODE": "testing"})["SMS_IDEMPOTENCY_HEADER"] == "Idempotency-Key"
    assert _load_with(clean_env, "SMS_IDEMPOTENCY_HEADER", "")["SMS_IDEMPOTENCY_HEADER"] == ""


def test_an_empty_database_url_in_development_is_the_sqlite_default(clean_env):
    config = _load_with(clean_env, "DATABASE_URL", " ")
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{INSTANCE / 'tracker.sqlite3'}"


def test_a_blank_secret_key_is_a_missing_one(clean_env, tmp_path):
    """Production says what is wrong (not set), development uses its stand-in key
    instead of signing cookies with three blanks."""
    clean_env.setenv("SECRET_KEY", "   ")
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load_config()
    clean_env.setenv("TRACKER_ENV", "development")
    assert load_config()["SECRET_KEY"].strip()


def test_an_empty_tracker_env_is_production_with_its_checks(clean_env, tmp_path):
    """`TRACKER_ENV=` ran as a mode named "", which the several-workers check (made for
    "production") let through with per-process login counts."""
    clean_env.setenv("TRACKER_ENV", "")
    clean_env.setenv("SECRET_KEY", PRODUCTION_KEY)
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    clean_env.setenv("PUBLIC_URL", SITE)
    assert load_config()["ENV_MODE"] == "production"
    clean_env.setenv("RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI=memory://"):
        require_shared_throttle(2)


@pytest.mark.parametrize("value", ["prod", "Production", "dev"])
def test_an_unknown_tracker_env_stops_start_up_naming_it(clean_env, value):
    clean_env.setenv("TRACKER_ENV", value)
    with pytest.raises(ConfigError, match="TRACKER_ENV must be one of"):
        load_config()


def test_no_setting_is_read_around_the_loader():
    """Every setting goes through ``text_setting`` (or the readers built on it), so that
    an empty value means the same for all of them."""
    root = Path(__file__).resolve().parent.parent
    for path in ("tracker/config.py", "tracker/__init__.py", "deploy/gunicorn.conf.py"):
        source = (root / path).read_text(encoding="utf-8")
        assert not re.findall(r"""(?:env|environ)(?:\.get\(|\[)\s*["']""", source), path


# --- the reminder job's settings are checked at start, not at night in the job --------------

@pytest.mark.parametrize("value", ["22-08", "22:00", "22:00-8", "25:00-08:00", "22:00-08:60",
                                   "22:00–08:00", "22:00-08:00-09:00", "night"])
def test_quiet_hours_the_job_cannot_read_stop_start_up_naming_them(clean_env, value):
    """`REMINDER_QUIET_HOURS=22-08` started, then every run of the reminder job failed."""
    clean_env.setenv("TRACKER_ENV", "testing")
    clean_env.setenv("REMINDER_QUIET_HOURS", value)
    with pytest.raises(ConfigError, match="REMINDER_QUIET_HOURS must be two times of day"):
        create_app()


@pytest.mark.parametrize(("value", "quiet_at", "not_quiet_at"), [
    (" 21:30 - 07:00 ", "21:30", "07:00"),
    ("9:00-11:00", "10:59", "11:00"),
])
def test_quiet_hours_that_start_are_the_ones_the_job_keeps(clean_env, value, quiet_at,
                                                           not_quiet_at):
    clean_env.setenv("REMINDER_QUIET_HOURS", value)
    config = load_config({"ENV_MODE": "testing"})
    shanghai = ZoneInfo("Asia/Shanghai")

    def at(hh_mm):
        hour, minute = map(int, hh_mm.split(":"))
        return datetime(2026, 12, 4, hour, minute, tzinfo=shanghai)

    assert in_quiet_hours(at(quiet_at), config)
    assert not in_quiet_hours(at(not_quiet_at), config)


def test_equal_quiet_hours_are_none(clean_env):
    clean_env.setenv("REMINDER_QUIET_HOURS", "00:00-00:00")
    config = load_config({"ENV_MODE": "testing"})
    assert not in_quiet_hours(datetime(2026, 12, 4, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
                              config)


@pytest.mark.parametrize("value", ["Asia/Shangai", "Asia", "asia/shanghai", "../etc/passwd",
                                   "Beijing"])
def test_a_time_zone_the_job_cannot_find_stops_start_up_naming_it(clean_env, value):
    clean_env.setenv("TRACKER_ENV", "testing")
    clean_env.setenv("REMINDER_TIMEZONE", value)
    with pytest.raises(ConfigError, match="REMINDER_TIMEZONE must be a time zone name"):
        create_app()


def test_another_time_zone_is_taken(clean_env):
    clean_env.setenv("REMINDER_TIMEZONE", "Asia/Urumqi")
    assert load_config({"ENV_MODE": "testing"})["REMINDER_TIMEZONE"] == "Asia/Urumqi"


@pytest.mark.parametrize("value", ["tls", "none", "starttls,ssl"])
def test_smtp_security_other_than_the_three_stops_start_up(clean_env, value):
    """Anything but `ssl` or `starttls` used to send in plain text, `tls` included."""
    with pytest.raises(ConfigError, match="SMTP_SECURITY must be one of"):
        _load_with(clean_env, "SMTP_SECURITY", value)


def test_smtp_security_is_read_whatever_its_case(clean_env):
    assert _load_with(clean_env, "SMTP_SECURITY", " SSL ")["SMTP_SECURITY"] == "ssl"


# --- production is told its address; every setting it would fail on later is checked at start

@pytest.mark.parametrize("value", [None, "", "  "])
def test_production_refuses_to_start_without_a_public_url(clean_env, tmp_path, value):
    """README: links, QR codes and reminders are built on PUBLIC_URL, "set it in
    production". Without it a QR code printed for a 活动 named whatever host the
    request came with, and reminders went out with no link at all."""
    clean_env.setenv("SECRET_KEY", PRODUCTION_KEY)
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    if value is not None:
        clean_env.setenv("PUBLIC_URL", value)
    with pytest.raises(ConfigError, match="PUBLIC_URL is not set") as refused:
        create_app()
    assert "e.g. https://gongjian.example.gov.cn" in str(refused.value)
    clean_env.setenv("PUBLIC_URL", "http://gongjian.county.gov.cn")  # plain HTTP is a site too
    assert create_app().config["PUBLIC_URL"] == "http://gongjian.county.gov.cn"


def _production(env, tmp_path, **settings):
    env.setenv("SECRET_KEY", PRODUCTION_KEY)
    env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    for name, value in settings.items():
        env.setenv(name, value)
    return create_app


@pytest.mark.parametrize("name", ["PUBLIC_URL", "REMINDER_BASE_URL"])
@pytest.mark.parametrize("value", [
    "http://gongjian.example.gov.cn",  # deploy/tracker.env.example's line, step 5's sed skipped
    "https://gongjian.example.gov.cn/", "https://example.com", "https://WWW.Example.org:8443",
    "http://gongjian.county.example", "https://example.net",
])
def test_production_refuses_an_example_host_naming_the_setting(clean_env, tmp_path, name, value):
    """RFC 2606 keeps these names for examples: no installation is reached there, and
    every link and QR code built on one leads members nowhere (or to a stranger)."""
    start = _production(clean_env, tmp_path, **{"PUBLIC_URL": SITE, name: value})
    with pytest.raises(ConfigError, match=f"^{name} is .*an example host") as refused:
        start()
    assert "docs/deploy.md, step 5" in str(refused.value)


@pytest.mark.parametrize("name", ["PUBLIC_URL", "REMINDER_BASE_URL"])
@pytest.mark.parametrize("value", [
    "https://gongjian.test",  # RFC 6761 .test: for testing, never in the DNS
    "http://gongjian.invalid:8080",  # .invalid: a name that must not resolve
    "http://gongjian.localhost",  # .localhost: the machine the browser runs on
    "https://tracker.county.example/",  # RFC 2606 .example (refused as an example host)
])
def test_production_refuses_a_reserved_host_naming_the_setting(clean_env, tmp_path, name, value):
    """RFC 2606/6761 keep .test, .invalid, .localhost and .example out of the DNS: no
    member's phone reaches an installation there, so links, QR codes and reminders built
    on one lead nowhere. Refused at start, as the example file's placeholder is."""
    start = _production(clean_env, tmp_path, **{"PUBLIC_URL": SITE, name: value})
    with pytest.raises(ConfigError, match=f"^{name} is '{re.escape(value.rstrip('/'))}', an? "
                                          "(reserved|example) host") as refused:
        start()
    assert "docs/deploy.md, step 5" in str(refused.value)


@pytest.mark.parametrize("value", ["https://GongJian.County.TEST", "https://gongjian.test.",
                                   "http://a.b.invalid", "http://app.LOCALHOST:5000"])
def test_a_reserved_top_level_name_is_refused_whatever_its_case_or_final_dot(
        clean_env, tmp_path, value):
    """Host names are case-blind and `gongjian.test.` is `gongjian.test` written fully
    qualified: both reach the same nothing."""
    with pytest.raises(ConfigError, match="^PUBLIC_URL is .*a reserved host"):
        _production(clean_env, tmp_path, PUBLIC_URL=value)()


@pytest.mark.parametrize("value", ["http://localhost", "http://localhost:5000", "http://localhost.",
                                   "http://127.0.0.1:8080", "http://[::1]:8000"])
def test_production_on_loopback_starts_for_a_single_machine_trial(clean_env, tmp_path, value):
    """Bare localhost and the loopback addresses are kept: production mode tried on the
    server itself, with its browser (bench/load.py, bench/profile_claim.py and the deploy
    tests' instance on 127.0.0.1 run so). Only names *under* .localhost are refused."""
    for name in ("PUBLIC_URL", "REMINDER_BASE_URL"):
        clean_env.setenv(name, value)
    app = _production(clean_env, tmp_path)()
    assert app.config["PUBLIC_URL"] == app.config["REMINDER_BASE_URL"] == value.rstrip("/")


@pytest.mark.parametrize("value", ["https://test.county.gov.cn", "https://gongjian.testing.cn",
                                   "https://localhost.county.gov.cn", "https://invalid.cn",
                                   "http://tracker-test:8000"])
def test_a_host_that_only_looks_reserved_is_an_installation(clean_env, tmp_path, value):
    """Only the top-level name counts: `test`, `localhost` or `invalid` further left is
    an ordinary label of a real name."""
    assert _production(clean_env, tmp_path, PUBLIC_URL=value)().config["PUBLIC_URL"] == value


@pytest.mark.parametrize("value", ["https://gongjian.county.gov.cn", "http://10.0.0.5:8080",
                                   "https://examples.county.gov.cn", "https://myexample.cn"])
def test_a_host_that_only_looks_like_an_example_is_an_installation(clean_env, tmp_path, value):
    assert _production(clean_env, tmp_path, PUBLIC_URL=value)().config["PUBLIC_URL"] == value


@pytest.mark.parametrize("mode", ["development", "testing"])
def test_an_example_host_is_fine_outside_production(clean_env, mode):
    clean_env.setenv("TRACKER_ENV", mode)
    clean_env.setenv("PUBLIC_URL", "https://gongjian.example.gov.cn")
    assert create_app().config["PUBLIC_URL"] == "https://gongjian.example.gov.cn"


@pytest.mark.parametrize("name", ["PUBLIC_URL", "REMINDER_BASE_URL"])
def test_production_over_https_refuses_an_http_address(clean_env, tmp_path, name):
    """SECURE_COOKIES=1 says the site is on HTTPS: an http:// link would go over plain
    HTTP first (nothing at all where port 80 is closed)."""
    start = _production(clean_env, tmp_path, SECURE_COOKIES="1",
                        **{"PUBLIC_URL": SITE, name: "http://gongjian.county.gov.cn"})
    with pytest.raises(ConfigError, match=f"^{name} is 'http://gongjian.county.gov.cn', an "
                                          "http:// address, but the site is served over HTTPS"):
        start()
    clean_env.setenv(name, "https://gongjian.county.gov.cn")
    assert start().config[name] == "https://gongjian.county.gov.cn"
    # a site without HTTPS: http:// is its address, PUBLIC_URL's too
    clean_env.setenv("SECURE_COOKIES", "0")
    for each in ("PUBLIC_URL", name):
        clean_env.setenv(each, "http://gongjian.county.gov.cn")
    assert start().config[name] == "http://gongjian.county.gov.cn"


@pytest.mark.parametrize("secure_cookies", [None, "0", "off"])
def test_production_at_an_https_address_sends_its_login_cookies_over_https_only(
        clean_env, tmp_path, secure_cookies):
    """An https:// PUBLIC_URL is where members reach the site: its session and
    remember-me cookies are Secure, and Strict-Transport-Security is sent, whatever
    SECURE_COOKIES says — left unset, or the example file's `SECURE_COOKIES=0` kept when
    PUBLIC_URL was edited by hand. Else the browser also sends them to the site's
    http:// address, where anyone on the member's Wi-Fi reads them (security review,
    session 56)."""
    settings = {} if secure_cookies is None else {"SECURE_COOKIES": secure_cookies}
    app = _production(clean_env, tmp_path, PUBLIC_URL=SITE, **settings)()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    response = app.test_client().get("/auth/login?lang=en", base_url=SITE)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookies = response.headers.getlist("Set-Cookie")  # the session (its CSRF token), lang
    assert len(cookies) == 2 and all("; Secure" in cookie for cookie in cookies), cookies


@pytest.mark.parametrize("mode", ["development", "testing"])
def test_an_https_address_outside_production_keeps_the_setting(clean_env, mode):
    """A development run may name its future site while it serves over plain HTTP on the
    machine itself: a Secure cookie would never come back and no form could be sent."""
    clean_env.setenv("TRACKER_ENV", mode)
    clean_env.setenv("PUBLIC_URL", SITE)
    assert create_app().config["SESSION_COOKIE_SECURE"] is False


def test_production_at_an_http_address_keeps_plain_cookies(clean_env, tmp_path):
    """A site without HTTPS (PUBLIC_URL http://, the example file's first state) must
    still keep its login cookie: a Secure one never comes back over http://."""
    app = _production(clean_env, tmp_path, PUBLIC_URL="http://gongjian.county.gov.cn")()
    assert app.config["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize("mode", ["development", "testing"])
def test_development_and_testing_need_no_public_url(clean_env, mode):
    clean_env.setenv("TRACKER_ENV", mode)
    assert create_app().config["PUBLIC_URL"] == ""


@pytest.mark.parametrize("name", ["PUBLIC_URL", "REMINDER_BASE_URL"])
@pytest.mark.parametrize("value", [
    "htp://gongjian.example.gov.cn",  # the scheme mistyped
    "gongjian.example.gov.cn",  # no scheme: a link would be a path on the member's own page
    "https:/gongjian.example.gov.cn", "https//gongjian.example.gov.cn", "https://",
    "ftp://gongjian.example.gov.cn", "https://gongjian.example.gov.cn:44x",
    "https://gongjian.example.gov.cn/?from=qr", "https://gongjian.example.gov.cn/#top",
    "https://gongjian .example.gov.cn",
])
def test_an_address_that_is_no_web_address_stops_start_up_naming_it(clean_env, name, value):
    clean_env.setenv("TRACKER_ENV", "testing")
    clean_env.setenv(name, value)
    with pytest.raises(ConfigError, match=f"{name} must be the address members open, "
                                          "http:// or https:// and a host name"):
        create_app()


@pytest.mark.parametrize(("value", "kept"), [
    ("https://gongjian.example.gov.cn/", "https://gongjian.example.gov.cn"),
    (" http://10.0.0.5:8080// ", "http://10.0.0.5:8080"),
    ("https://www.example.gov.cn/gongjian/", "https://www.example.gov.cn/gongjian"),
])
def test_an_address_is_kept_without_its_trailing_slash(clean_env, value, kept):
    """The paths joined to it start with "/": a link is never `…gov.cn//invite/…`."""
    clean_env.setenv("TRACKER_ENV", "testing")
    clean_env.setenv("PUBLIC_URL", value)
    app = create_app()
    assert app.config["PUBLIC_URL"] == kept
    assert app.config["REMINDER_BASE_URL"] == kept  # its default
    from tracker.security import public_url_for

    with app.test_request_context("/", base_url="http://forged.example.com"):
        assert public_url_for("auth.login") == kept + "/auth/login"
    clean_env.setenv("REMINDER_BASE_URL", "https://gj.example.gov.cn/")
    assert create_app().config["REMINDER_BASE_URL"] == "https://gj.example.gov.cn"


@pytest.mark.parametrize("value", ["scrpyt", "Scrypt", "scrypt:3:8:1", "scrypt:32768:8",
                                   "pbkdf2:sha999", "pbkdf2:sha256:0", "bcrypt"])
def test_a_hash_method_werkzeug_cannot_use_stops_start_up_naming_it(clean_env, value):
    """`PASSWORD_HASH_METHOD=scrpyt` started, then every login was a 500 (the method is
    first used when a password is checked or a stand-in hash is made)."""
    clean_env.setenv("TRACKER_ENV", "testing")
    clean_env.setenv("PASSWORD_HASH_METHOD", value)
    with pytest.raises(ConfigError, match="PASSWORD_HASH_METHOD must be a Werkzeug hash "
                                          "method") as refused:
        create_app()
    assert repr(value) in str(refused.value)


@pytest.mark.parametrize("value", ["scrypt:16384:8:1", "pbkdf2:sha256:1000", " scrypt "])
def test_a_hash_method_werkzeug_knows_is_taken(clean_env, value):
    clean_env.setenv("TRACKER_ENV", "testing")
    clean_env.setenv("PASSWORD_HASH_METHOD", value)
    app = create_app()
    assert app.config["PASSWORD_HASH_METHOD"] == value.strip()
    from werkzeug.security import check_password_hash

    from tracker.models import Member

    member = Member(name="王五", phone="13800000009")
    with app.app_context():
        member.set_password("Gongjian-2026")
    assert member.password_hash.startswith(value.strip().split(":")[0] + ":")
    assert check_password_hash(member.password_hash, "Gongjian-2026")


# README, Reminders: the kinds REMINDER_KINDS may list (password_reset is always on).
README_KINDS = ("tomorrow", "confirm_hours", "submit_report", "report_overdue", "returned",
                "review_waiting", "waitlist_promoted", "backfill_decided", "cancelled",
                "changed", "hours_corrected", "voided")


@pytest.mark.parametrize(("value", "unknown"), [("tomorow", ["'tomorow'"]),
                                                ("tomorrow, returnd,cancel", ["'returnd'",
                                                                              "'cancel'"])])
def test_a_reminder_kind_that_is_not_one_stops_start_up_naming_it(clean_env, value, unknown):
    """`REMINDER_KINDS=tomorow` started, and 明天的任务 was never sent again, without a
    word anywhere."""
    clean_env.setenv("TRACKER_ENV", "testing")
    clean_env.setenv("REMINDER_KINDS", value)
    with pytest.raises(ConfigError, match="REMINDER_KINDS must name reminder kinds") as refused:
        create_app()
    message = str(refused.value)
    assert message.endswith("not a kind: " + ", ".join(unknown) + ".")
    assert all(code in message for code in README_KINDS)


def test_the_reminder_kinds_listed_are_the_ones_sent(clean_env):
    from tracker.reminders.kinds import enabled

    clean_env.setenv("TRACKER_ENV", "testing")
    clean_env.setenv("REMINDER_KINDS", " Tomorrow , returned,password_reset")
    config = create_app().config
    assert config["REMINDER_KINDS"] == ["tomorrow", "returned", "password_reset"]
    assert {kind.code for kind in enabled(config)} == {"tomorrow", "returned", "password_reset"}


@pytest.mark.parametrize(("value", "secure"), [
    ("1", True), ("true", True), ("TRUE", True), ("Yes", True), (" on ", True),
    ("0", False), ("false", False), ("No", False), ("OFF", False), ("", False), ("  ", False),
])
def test_an_on_off_setting_takes_the_usual_words(clean_env, value, secure):
    clean_env.setenv("TRACKER_ENV", "testing")
    clean_env.setenv("SECURE_COOKIES", value)
    config = create_app().config
    assert config["SESSION_COOKIE_SECURE"] is secure
    assert config["REMEMBER_COOKIE_SECURE"] is secure


@pytest.mark.parametrize("value", ["ture", "2", "enabled", "y"])
def test_an_on_off_setting_of_another_word_stops_start_up_naming_it(clean_env, value):
    """`SECURE_COOKIES=ture` read as off: the login cookies went over plain HTTP too, and
    no Strict-Transport-Security was sent, on a site its operator had set to HTTPS."""
    clean_env.setenv("TRACKER_ENV", "testing")
    clean_env.setenv("SECURE_COOKIES", value)
    with pytest.raises(ConfigError, match="SECURE_COOKIES must be one of 1, true, yes, on "
                                          r"\(on\) or 0, false, no, off \(off\)") as refused:
        create_app()
    assert repr(value) in str(refused.value)


def test_the_example_files_address_is_refused_until_step_5_writes_the_host(clean_env, tmp_path):
    """deploy/tracker.env.example's PUBLIC_URL as shipped stops production; the same
    line after docs/deploy.md step 5's `sed` (TRACKER_HOST written in) starts."""
    example = (INSTANCE.parent / "deploy" / "tracker.env.example").read_text()
    [shipped] = [line.split("=", 1)[1] for line in example.splitlines()
                 if line.startswith("PUBLIC_URL=")]
    start = _production(clean_env, tmp_path, PUBLIC_URL=shipped)
    with pytest.raises(ConfigError, match="^PUBLIC_URL is .*an example host"):
        start()
    clean_env.setenv("PUBLIC_URL", shipped.replace("gongjian.example.gov.cn", "gj.county.gov.cn"))
    assert start().config["PUBLIC_URL"] == "http://gj.county.gov.cn"
