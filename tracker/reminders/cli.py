"""`flask --app wsgi send-reminders`: run by a systemd timer or cron every 5 minutes."""
from __future__ import annotations

from datetime import datetime, timezone

import click
from flask.cli import with_appcontext


@click.command("send-reminders")
@click.option("--now", "now_text", metavar="ISO-TIME",
              help="Pretend it is this time (UTC unless it has an offset): to try quiet hours.")
@with_appcontext
def send_reminders_command(now_text: str | None):
    """Write due reminders into the outbox and send what is due from it."""
    from .job import run

    now = None
    if now_text:
        now = datetime.fromisoformat(now_text)
        now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    report = run(now)
    quiet = " (quiet hours: nothing pushed; rows wait)" if report.quiet else ""
    click.echo(f"reminders: {report.written} written, {report.sent} sent, {report.failed} failed, "
               f"{report.deferred} deferred to tomorrow, {report.dropped} not sent (no longer due "
               f"or turned off){quiet}")
    if report.held:
        click.echo(f"  {report.held} left for the next run: their channel was unreachable",
                   err=True)
    for error in sorted(set(report.errors)):
        click.echo(f"  error: {error}", err=True)
