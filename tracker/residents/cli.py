"""`flask --app wsgi purge-residents [--dry-run]`: the retention period of archived residents."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..services import unit_of_work
from ..services.residents import expired_residents, purge_expired_residents


@click.command("purge-residents")
@click.option("--dry-run", is_flag=True, help="Count what would be erased; change nothing.")
@with_appcontext
def purge_residents_command(dry_run: bool):
    """Erase the personal data of residents archived longer than RESIDENT_RETENTION_DAYS
    (the record and the activities that served them stay). Run it daily, e.g. from cron."""
    days = int(current_app.config["RESIDENT_RETENTION_DAYS"])
    if dry_run:
        click.echo(f"{len(expired_residents(days))} archived residents past {days} days "
                   "would be erased (dry run, nothing changed)")
        return
    with unit_of_work():
        erased = purge_expired_residents(days)
    click.echo(f"{erased} archived residents past {days} days erased")
