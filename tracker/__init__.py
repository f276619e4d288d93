"""社区共建任务台账 — the application factory."""
from __future__ import annotations

from flask import Flask

from .config import (DEFAULT_DATABASE_URL, INSTANCE, ROOT, load_config,
                     require_shared_throttle, warn_at_start, web_concurrency)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(INSTANCE),
    )
    app.config.update(load_config(config))
    check_reminder_kinds(app.config)
    if not app.testing:
        require_shared_throttle(web_concurrency(),
                                app.config["ENV_MODE"], app.config["RATELIMIT_STORAGE_URI"])
    register_logging(app)
    warn_at_start(app.config)  # after the logging filters are in place
    make_instance_folder(app.config)
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_submission_tokens(app)
    register_commands(app)
    register_operations(app)
    return app


def check_reminder_kinds(config) -> None:
    # Here, not in load_config: the kinds' list lives with the queries on the models,
    # which config.py, read before everything else, cannot import.
    from .reminders.kinds import check_setting

    check_setting(config)


def make_instance_folder(config) -> None:
    """The default SQLite file (development and testing without DATABASE_URL) lives in
    instance/, which a fresh clone has not: `flask --app wsgi db upgrade` failed there
    with "unable to open database file" unless `make run` had made the folder (walk13
    #3). A DATABASE_URL given is taken as given: a folder missing there is a typo to
    see, not one to make."""
    if config["SQLALCHEMY_DATABASE_URI"] == DEFAULT_DATABASE_URL:
        INSTANCE.mkdir(exist_ok=True)


def register_logging(app: Flask) -> None:
    from .privacy import install

    install(app)


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (tables known to the metadata)
    from .db_setup import configure_engine, install as install_read_requests
    from .extensions import babel, csrf, db, login_manager, migrate
    from .i18n import install_template_gettext, remember_choice, select_locale
    from .participation import install as keep_counted_participation
    from .report_owed import install as keep_report_owed_mark
    from .services.audit import protect as protect_audit_trail

    db.init_app(app)
    keep_counted_participation()
    keep_report_owed_mark()
    protect_audit_trail()
    with app.app_context():
        pings_always = app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping", False)
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"],
                         None if pings_always else app.config["DB_PING_AFTER_IDLE_SECONDS"])
    install_read_requests(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Asia/Shanghai")
    install_template_gettext(app)
    app.before_request(remember_choice)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # relogin.needs_login says why, in Chinese
    login_manager.session_protection = "basic"  # mobile IPs change; "strong" would log people out

    from .auth.loader import load_member

    login_manager.user_loader(load_member)
    from .auth import relogin

    relogin.install(app, login_manager)
    _lazy_current_user_in_templates(app)


def _lazy_current_user_in_templates(app: Flask) -> None:
    """Flask-Login hands templates the loaded user, so rendering any page — an error page
    too — would read the session from the database. Hand them the lazy proxy instead:
    the member is loaded only by a template that asks (the error page never does)."""
    from flask_login import current_user
    from flask_login.utils import _user_context_processor

    processors = app.template_context_processors[None]
    processors[:] = [p for p in processors if p is not _user_context_processor]
    app.context_processor(lambda: {"current_user": current_user})


def register_url_converters(app: Flask) -> None:
    from .security import DatabaseInt

    # Every <int:…> in every route: an id past the database's INTEGER is "not found".
    app.url_map.converters["int"] = DatabaseInt


def register_blueprints(app: Flask) -> None:
    from .blueprints import ALL

    for blueprint, prefix in ALL:
        app.register_blueprint(blueprint, url_prefix=prefix)


def register_errorhandlers(app: Flask) -> None:
    from .errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from .templating import register

    register(app)


def register_security_headers(app: Flask) -> None:
    from .security import add_security_headers, private_by_default, redirect_plain_http

    # First of all before_request hooks: the redirect needs no session and no database.
    app.before_request_funcs.setdefault(None, []).insert(0, redirect_plain_http)
    # after_request hooks run last registered first: the security headers are set
    # before private_by_default asks who is signed in
    app.after_request(private_by_default)
    app.after_request(add_security_headers)


def register_submission_tokens(app: Flask) -> None:
    from .resend import install

    install(app)


def register_commands(app: Flask) -> None:
    from .cli import register

    register(app)


def register_operations(app: Flask) -> None:
    from .ops.web import register

    register(app)
