"""The timers' commands meet a database outage with one Chinese line and a non-zero
status — not a 140-line traceback in the journal every 5 minutes of the outage."""
from __future__ import annotations

import socket

import pytest

from tests.flask_cli import run_flask_forked


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once it is closed


@pytest.mark.parametrize("command", [["send-reminders"], ["purge-residents"],
                                     ["backup", "-o", "{tmp}/t.tar.gz"]],
                         ids=["send-reminders", "purge-residents", "backup"])
def test_a_command_against_a_database_that_is_down_says_so_in_one_line(tmp_path, command):
    port = _closed_port()
    url = f"postgresql+psycopg://tracker:secret-pw@127.0.0.1:{port}/tracker"
    done = run_flask_forked(url, *[part.format(tmp=tmp_path) for part in command])
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines == [f"Error: 无法使用数据库（127.0.0.1:{port}）：Connection refused。"
                     "本次没有完成，请确认数据库在运行后重试。"], done.stderr[-2000:]
    assert "secret-pw" not in done.stderr + done.stdout
