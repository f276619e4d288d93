"""`flask --app wsgi purge-members [--dry-run]`: the retention period of 停用 (and
merged) members' contact data (``services/member_retention.py``)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..cli_support import finish_purge
from ..services.member_retention import purge_expired_members


@click.command("purge-members")
@click.option("--dry-run", is_flag=True,
              help="Try each erasure and roll it back: what would be erased or refused.")
@with_appcontext
def purge_members_command(dry_run: bool):
    """Erase the phone, e-mail and password of members switched off (停用), or merged
    away (合并账号), longer than MEMBER_RETENTION_DAYS; their names and participation
    records stay. Run it daily.
    Each member is erased on their own, as in purge-residents: one refused is named (by
    id) and kept whole, the others are erased, and the status is 1."""
    days = int(current_app.config["MEMBER_RETENTION_DAYS"])
    result = purge_expired_members(days, dry_run=dry_run)
    if dry_run:
        done = (f"{len(result.erased)} members switched off for more than {days} days would "
                "lose phone and e-mail (dry run, nothing changed)")
    else:
        done = (f"{len(result.erased)} members switched off for more than {days} days "
                "lost phone and e-mail")
    finish_purge(result, "member", done, dry_run)
