"""The command the timer runs, and the unit files that run it every 5 minutes."""
from __future__ import annotations

import configparser
from pathlib import Path

import pytest

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


@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "2026-12-02 25:00"])
def test_a_time_that_is_not_one_is_a_usage_message_not_a_traceback(runner, value):
    result = runner.invoke(args=["send-reminders", "--now", value])
    assert result.exit_code == 2  # click's usage error; nothing was run
    assert "时间格式不正确" in result.output and value in result.output
    assert "2026-12-02T21:30" in result.output  # says what to type instead
    assert isinstance(result.exception, SystemExit)  # not a ValueError's traceback


def test_a_time_with_an_offset_keeps_it(runner, town):
    night = local(0, 23)  # 23:00 local, given with its offset: quiet hours
    result = runner.invoke(args=["send-reminders", "--now", night.isoformat()])
    assert result.exit_code == 0, result.output
    assert "quiet hours" in result.output


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(ROOT / "deploy" / name, encoding="utf-8")
    return parser


def test_the_timer_runs_the_service_every_five_minutes():
    timer, service = _unit("tracker-reminders.timer"), _unit("tracker-reminders.service")
    assert timer["Timer"]["OnCalendar"] == "*-*-* *:0/5:00 Asia/Shanghai"
    assert timer["Timer"]["Unit"] == "tracker-reminders.service"
    assert service["Service"]["Type"] == "oneshot"
    assert service["Service"]["ExecStart"].endswith("flask --app wsgi send-reminders")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "*/5 * * * *" in readme and "tracker-reminders.timer" in readme
