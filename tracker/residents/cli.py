"""`flask --app wsgi purge-residents [--dry-run]`: the retention period of archived residents."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..cli_support import finish_purge
from ..services.residents import purge_expired_residents


@click.command("purge-residents")
@click.option("--dry-run", is_flag=True,
              help="Try each erasure and roll it back: what would be erased or refused.")
@with_appcontext
def purge_residents_command(dry_run: bool):
    """Erase the personal data of residents archived longer than RESIDENT_RETENTION_DAYS
    (the record and the activities that served them stay). Run it daily, e.g. from cron.
    Each resident is erased on their own: one whose erasure is refused is named (by id)
    and kept whole, the others are erased, and the status is 1."""
    days = int(current_app.config["RESIDENT_RETENTION_DAYS"])
    result = purge_expired_residents(days, dry_run=dry_run)
    if dry_run:
        done = (f"{len(result.erased)} archived residents past {days} days would be erased "
                "(dry run, nothing changed)")
    else:
        done = f"{len(result.erased)} archived residents past {days} days erased"
    finish_purge(result, "resident", done, dry_run)
