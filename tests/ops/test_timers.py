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


# ---------------------------------------------------------------- every calendar, every name

SERVICES = sorted((ROOT / "deploy").glob("*.service"))
# A `date` run by a unit's command: the file name it makes (or anything else it dates) is
# in the zone of the process, the server's own unless it is told.
DATE_CALL = re.compile(r"(?:\b[A-Z_]+=\S+\s+)*\bdate\b[^)'\"]*")


@pytest.mark.parametrize("name,calendar", _calendars())
def test_every_calendar_states_beijing_time(name, calendar):
    """A calendar with no zone fires in the machine's zone: every timer states the county's,
    a 5-minute step too, so a timer copied from another never lacks it."""
    assert calendar.endswith(" Asia/Shanghai"), (name, calendar)


def _commands() -> list[tuple[str, str]]:
    found = []
    for service in SERVICES:
        for line in service.read_text(encoding="utf-8").splitlines():
            if line.startswith("Exec"):
                # systemd writes a literal % as %%.
                found.append((service.name, line.split("=", 1)[1].replace("%%", "%")))
    return found


def test_every_date_a_service_runs_is_beijing_time():
    calls = [(name, call.group(0)) for name, command in _commands()
             for call in DATE_CALL.finditer(command)]
    assert ("tracker-backup.service", "TZ=Asia/Shanghai date +%Y%m%d-%H%M") in calls
    for name, call in calls:
        assert call.startswith("TZ=Asia/Shanghai date "), (name, call)


def test_the_backup_of_0230_beijing_on_a_utc_server_is_named_that_night():
    """The archive of 02:30 on 3 December, Beijing time (18:30 UTC on the 2nd) is
    tracker-20261203-0230.tar.gz on a server in UTC: the admin who restores picks it by
    its name (docs/deploy.md, "Restoring a backup")."""
    command, = [c for n, c in _commands() if n == "tracker-backup.service" and " backup -o " in c]
    name_part = re.search(r"tracker-\$\((.*?)\)\.tar\.gz", command)
    assert name_part, command
    moment = int(datetime(2026, 12, 3, 2, 30, tzinfo=COUNTY).timestamp())
    # The unit's own `date` call, run at that instant (GNU date's -d), by sh as the unit does.
    dated = name_part.group(1).replace("date ", f"date -d @{moment} ", 1)
    done = subprocess.run(["/bin/sh", "-c", f"echo tracker-$({dated}).tar.gz"],
                          env={**os.environ, "TZ": "UTC"}, capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "tracker-20261203-0230.tar.gz"
