"""``today_held`` in a test that is running when midnight passes in Asia/Shanghai: the
test began on its module's ``TODAY`` and ends on it (clock55; session 54 saw
test_left_before_sent's night move, started at 23:59:58, get the new day halfway)."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

import tests.clock
from tracker import timeutil
from tracker.timeutil import LOCAL_TZ, local_today

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("today_held")


class _Machine(datetime):
    """The machine's clock, moved by the test: ``datetime.now`` for the application
    (``timeutil``) and for the held clock (``tests.clock``) alike."""

    at: datetime

    @classmethod
    def now(cls, tz=None):
        return cls.at.astimezone(tz)


@pytest.fixture
def machine(monkeypatch):
    _Machine.at = datetime.now(LOCAL_TZ)  # until the test moves it
    monkeypatch.setattr(timeutil, "datetime", _Machine)
    monkeypatch.setattr(tests.clock, "datetime", _Machine)

    def set_to(day, at: time) -> None:
        _Machine.at = datetime.combine(day, at, LOCAL_TZ)

    return set_to


def _now() -> datetime:
    return timeutil.to_local(timeutil.utcnow())


def test_a_test_running_when_midnight_passes_ends_on_its_day(machine):
    tomorrow = TODAY + timedelta(days=1)
    machine(TODAY, time(23, 58, 30))
    assert _now() == datetime.combine(TODAY, time(23, 58, 30), LOCAL_TZ)  # the machine's
    machine(TODAY, time(23, 59, 58))
    last_minute = _now()
    assert last_minute == datetime.combine(TODAY, time(23, 59), LOCAL_TZ)
    machine(tomorrow, time(0, 0, 3))  # midnight has passed on the machine
    assert local_today() == TODAY
    reads = [_now() for _ in range(3)]
    # still one write after another, each a moment later, all of them on TODAY
    assert last_minute < reads[0] < reads[1] < reads[2]
    assert {read.date() for read in reads} == {TODAY}


def test_the_clock_runs_as_the_machine_s_before_the_last_minute_never_back(machine):
    machine(TODAY, time(9, 30))
    first = _now()
    assert first == datetime.combine(TODAY, time(9, 30), LOCAL_TZ)
    machine(TODAY, time(9, 31))
    assert _now() == datetime.combine(TODAY, time(9, 31), LOCAL_TZ)
    machine(TODAY, time(9, 29))  # the machine set back: the application's time is not
    assert _now() == datetime.combine(TODAY, time(9, 31), LOCAL_TZ) + timedelta(microseconds=1)
