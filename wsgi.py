"""WSGI entry point: `flask --app wsgi run`, or gunicorn/waitress `wsgi:app`."""
import click

from tracker import create_app
from tracker.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    # A setting refused at start (docs/deploy.md, step 5) stops a `flask` command (and
    # `tracker-flask`, which runs one) with its message alone, as gunicorn stops: the
    # flask CLI imports this module while it looks for the command, and let the error
    # out as a 30-line traceback whose one useful line was the last. Only there (a click
    # command is being looked up or run): gunicorn, which loads the app in its master,
    # prints the error alone itself, and a gunicorn worker that exited here instead of
    # failing to boot would be started again without end.
    if click.get_current_context(silent=True) is None:
        raise
    raise SystemExit(f"tracker: {error}") from None
