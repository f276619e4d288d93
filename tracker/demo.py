"""`flask seed-demo`: the world of the source document, always current."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load demo data (idempotent)."""
    raise click.ClickException("not yet")
