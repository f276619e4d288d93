"""Flask commands: `flask --app wsgi <command>`."""
from __future__ import annotations


def register(app) -> None:
    from .demo import seed_demo_command

    app.cli.add_command(seed_demo_command)
    from .imports.cli import import_members_command
    app.cli.add_command(import_members_command)
    from .reports.cli import monthly_report_command
    app.cli.add_command(monthly_report_command)
    from .datagen import generate_data_command
    app.cli.add_command(generate_data_command)
    from .ops.cli import (backup_command, create_admin_command, restore_command,
                          sweep_uploads_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(sweep_uploads_command)
    from .residents.cli import purge_residents_command
    app.cli.add_command(purge_residents_command)
    from .reminders.cli import send_reminders_command
    app.cli.add_command(send_reminders_command)
