"""What the commands' output shares (kept apart from ``tracker.cli``, which imports
every command)."""
from __future__ import annotations

import click


def finish_purge(result, kind: str, done: str, dry_run: bool = False) -> None:
    """A retention run's last words: ``done`` (what was, or would be, erased), then each
    refusal on stderr by ``kind`` and id with its reason — never a name, the output goes
    to the journal — and, a refusal being a run that did not finish its work, a
    non-zero status, so the timer's unit shows failed until someone looks."""
    click.echo(done)
    if not result.refused:
        return
    if dry_run:
        click.echo(f"{len(result.refused)} {kind}s would not be erased (the erasure would "
                   "be refused):", err=True)
    else:
        click.echo(f"{len(result.refused)} {kind}s not erased (the erasure was refused; "
                   "their data is kept whole):", err=True)
    for person_id, why in result.refused:
        click.echo(f"  {kind} {person_id}: {why}", err=True)
    raise click.exceptions.Exit(1)
