"""A setting the app refuses at start stops every `flask` command (and so every
`tracker-flask` command on the server) with the one message naming it and a non-zero
status, as gunicorn stops: docs/deploy.md, step 5, promises "one message naming the one
it refuses" — not a 30-line traceback whose one useful line is the last (walk13 #1)."""
from __future__ import annotations

import pytest

from tests.flask_cli import run_flask_forked

REFUSED = {
    "no key": ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
    "short key": ({"SECRET_KEY": "abc"}, "SECRET_KEY is not secret"),
    "no database": ({"DATABASE_URL": ""}, "DATABASE_URL is not set"),
    "no address": ({"PUBLIC_URL": ""}, "PUBLIC_URL is not set"),
}


# each setting once with `db upgrade` (deploy.md, step 6), the first also with a command
# of the app's own, with the server, and with the list of commands
CASES = [(case, "db upgrade") for case in REFUSED] + [
    ("no key", "create-admin --help"), ("no key", "run"), ("short key", "--help")]


@pytest.mark.parametrize("case, command", CASES, ids=[" / ".join(pair) for pair in CASES])
def test_a_refused_setting_stops_a_command_with_its_message_alone(tmp_path, case, command):
    settings, message = REFUSED[case]
    done = run_flask_forked(f"sqlite:///{tmp_path / 'tracker.sqlite3'}", *command.split(),
                            env=settings)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"tracker: {message}"), done.stderr[-3000:]
    assert "Traceback" not in done.stderr + done.stdout
    assert not (tmp_path / "tracker.sqlite3").exists()  # nothing ran
