"""The systemd timers of deploy/ fire at Beijing time whatever the server's own time
zone: a Debian cloud image runs in UTC, where a bare "02:30" backup would run at 10:30
in the county, in the middle of the working day."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMERS = sorted((ROOT / "deploy").glob("*.timer"))
COUNTY = ZoneInfo("Asia/Shanghai")
TIME_OF_DAY = re.compile(r"\b(\d{2}):(\d{2})(?::(\d{2}))?\b")


def _calendars() -> list[tuple[str, str]]:
    found = []
    for timer in TIMERS:
        for line in timer.read_text(encoding="utf-8").splitlines():
            if line.startswith("OnCalendar="):
                found.append((timer.name, line.split("=", 1)[1].strip()))
    return found


def test_every_timer_has_a_calendar():
    assert {name for name, _ in _calendars()} == {timer.name for timer in TIMERS}
    assert {"tracker-backup.timer", "tracker-purge-residents.timer"} <= {
        timer.name for timer in TIMERS}


@pytest.mark.parametrize("name,calendar", _calendars())
def test_a_time_of_day_is_beijing_time(name, calendar):
    if TIME_OF_DAY.search(calendar):
        assert calendar.endswith(" Asia/Shanghai"), (name, calendar)


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
@pytest.mark.parametrize("name,calendar", [(n, c) for n, c in _calendars()
                                           if TIME_OF_DAY.search(c)])
def test_systemd_on_a_utc_server_fires_them_at_beijing_time(name, calendar):
    base = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)
    hour, minute = (int(x) for x in TIME_OF_DAY.search(calendar).groups()[:2])
    beijing = base.astimezone(COUNTY).replace(hour=hour, minute=minute, second=0)
    if beijing <= base:
        beijing += timedelta(days=1)
    expected = beijing.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")

    done = subprocess.run(["systemd-analyze", "calendar", "--base-time",
                           base.strftime("%Y-%m-%d %H:%M:%S UTC"), calendar],
                          env={**os.environ, "TZ": "UTC"}, capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0, done.stderr
    assert f"Next elapse: {beijing.astimezone(timezone.utc):%a} {expected}" in done.stdout, (
        name, done.stdout)
