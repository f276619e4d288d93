"""Flask commands: `flask --app wsgi <command>`."""
from __future__ import annotations


def register(app) -> None:
    from .demo import seed_demo_command

    app.cli.add_command(seed_demo_command)
