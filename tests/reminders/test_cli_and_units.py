"""The command the timer runs, and the unit files that run it every 5 minutes."""
from __future__ import annotations

import configparser
from pathlib import Path

from tests.reminders.conftest import local

ROOT = Path(__file__).resolve().parents[2]


def test_send_reminders_command_reports_what_it_did(runner, town):
    town.task(local(-2, 9), people=(town.ann,))
    night = local(0, 23).isoformat()
    result = runner.invoke(args=["send-reminders", "--now", night])
    assert result.exit_code == 0, result.output
    assert "quiet hours" in result.output and "sent" in result.output
    again = runner.invoke(args=["send-reminders", "--now", night])
    assert again.output.startswith("reminders: 0 written")


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(ROOT / "deploy" / name, encoding="utf-8")
    return parser


def test_the_timer_runs_the_service_every_five_minutes():
    timer, service = _unit("tracker-reminders.timer"), _unit("tracker-reminders.service")
    assert timer["Timer"]["OnCalendar"] == "*:0/5"
    assert timer["Timer"]["Unit"] == "tracker-reminders.service"
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"].endswith("flask --app wsgi send-reminders")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "*/5 * * * *" in readme and "tracker-reminders.timer" in readme
