"""`flask --app wsgi send-reminders`: run by a systemd timer or cron every 5 minutes."""
from __future__ import annotations

from datetime import datetime, timezone

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..privacy import scrub


class IsoTime(click.ParamType):
    """A moment in ISO 8601 (``2026-12-02T21:30``, ``2026-12-02 21:30+08:00``); UTC
    unless it has an offset. Anything else is a usage error, not a traceback."""

    name = "ISO-TIME"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            self.fail(_("时间格式不正确：“%(value)s”。请按 ISO 格式填写，如 2026-12-02T21:30"
                        "（UTC）或 2026-12-02T21:30+08:00。", value=value), param, ctx)
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@click.command("send-reminders")
@click.option("--now", type=IsoTime(),
              help="Pretend it is this time (UTC unless it has an offset): to try quiet hours.")
@with_appcontext
def send_reminders_command(now: datetime | None):
    """Write due reminders into the outbox and send what is due from it."""
    from .job import run

    report = run(now)
    quiet = (" (quiet hours: only a called-off or moved task starting before they end, or "
             "within REMINDER_SETOUT_HOURS after, is pushed; the rest waits)") if report.quiet else ""
    click.echo(f"reminders: {report.written} written, {report.sent} sent, {report.failed} failed, "
               f"{report.deferred} deferred to tomorrow, {report.dropped} not sent (no longer due "
               f"or turned off){quiet}")
    if report.held:
        click.echo(f"  {report.held} left for the next run: their channel was unreachable",
                   err=True)
    if report.waiting:
        click.echo(f"  {report.waiting} SMS copies of a digest wait for their work group robot's "
                   "outcome")
    # click.echo is no logger: what it prints passes no logging filter, so it is masked
    # here (the journal keeps the timer's stderr)
    for error in sorted(set(report.errors)):
        click.echo(f"  error: {scrub(error)}", err=True)
