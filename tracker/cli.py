"""Flask commands: `flask --app wsgi <command>`."""
from __future__ import annotations

import functools

import click


def _database_where(app) -> str:
    """The database's host and port (or SQLite's file): never its password."""
    from .extensions import db

    with app.app_context():
        url = db.engine.url
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def _database_why(error: BaseException) -> str:
    """The driver's reason, in brief ("Connection refused"), not SQLAlchemy's text."""
    orig = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    return lines[0].rsplit(": ", 1)[-1] if lines else type(orig).__name__


def _meets_outages(command: click.Command) -> click.Command:
    """A database that is down or busy ends the command with one line saying so and a
    non-zero status, not a traceback: the timers' commands (send-reminders every 5
    minutes, the nightly backup) would fill the journal with them during an outage."""
    callback = command.callback
    if getattr(callback, "meets_outages", False):
        return command  # wrapped by an earlier create_app (the commands are module-level)

    @functools.wraps(callback)
    def run(*args, **kwargs):
        from flask.cli import ScriptInfo
        from flask_babel import gettext as _
        from sqlalchemy.exc import SQLAlchemyError

        from .errors import database_unavailable

        try:
            return callback(*args, **kwargs)
        except SQLAlchemyError as error:
            if not database_unavailable(error):
                raise
            app = click.get_current_context().ensure_object(ScriptInfo).load_app()
            with app.app_context():
                message = _("无法使用数据库（%(where)s）：%(why)s。本次没有完成，请确认数据库在运行后重试。",
                            where=_database_where(app), why=_database_why(error))
            raise click.ClickException(message) from None

    run.meets_outages = True
    command.callback = run
    return command


def register(app) -> None:
    from .admin.cli import purge_members_command
    from .demo import seed_demo_command
    from .datagen import generate_data_command
    from .imports.cli import import_members_command
    from .ops.cli import (backup_command, create_admin_command, mend_finding_photos_command,
                          restore_command, sweep_uploads_command)
    from .reminders.cli import send_reminders_command
    from .reports.cli import annual_report_command, monthly_report_command
    from .residents.cli import purge_residents_command

    for command in (seed_demo_command, import_members_command, monthly_report_command,
                    annual_report_command, generate_data_command, create_admin_command,
                    backup_command, restore_command, sweep_uploads_command,
                    mend_finding_photos_command,
                    purge_residents_command, purge_members_command, send_reminders_command):
        app.cli.add_command(_meets_outages(command))
