"""`flask --app wsgi purge-members [--dry-run]`: the retention period of 停用 members'
contact data (``services/member_retention.py``)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..services import unit_of_work
from ..services.member_retention import expired_members, purge_expired_members


@click.command("purge-members")
@click.option("--dry-run", is_flag=True, help="Count what would be erased; change nothing.")
@with_appcontext
def purge_members_command(dry_run: bool):
    """Erase the phone, e-mail and password of members switched off (停用) longer than
    MEMBER_RETENTION_DAYS; their names and participation records stay. Run it daily."""
    days = int(current_app.config["MEMBER_RETENTION_DAYS"])
    if dry_run:
        click.echo(f"{len(expired_members(days))} members switched off for more than {days} "
                   "days would lose phone and e-mail (dry run, nothing changed)")
        return
    with unit_of_work():
        erased = purge_expired_members(days)
    click.echo(f"{erased} members switched off for more than {days} days lost phone and e-mail")
