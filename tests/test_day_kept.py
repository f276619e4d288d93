"""``_day_kept`` (tests/conftest.py): in every test the application's clock stays on the
local day the test was set up on, as ``today_held`` keeps a module's ``TODAY`` — a test
that reads the day and then asks the application, which reads it again, gets one day
even when midnight passes in Asia/Shanghai between the two (clock55)."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from tests.test_today_held_across_midnight import machine  # noqa: F401 (fixture)
from tracker import timeutil
from tracker.timeutil import LOCAL_TZ, local_today


def test_a_test_running_when_midnight_passes_ends_on_the_day_it_began(machine):  # noqa: F811
    today = local_today()
    machine(today, time(23, 59, 58))
    assert local_today() == today
    machine(today + timedelta(days=1), time(0, 0, 3))  # midnight has passed on the machine
    assert local_today() == today
    first, second = (timeutil.to_local(timeutil.utcnow()) for _ in range(2))
    assert datetime.combine(today, time(23, 59), LOCAL_TZ) <= first < second
    assert second.date() == today


def test_before_the_last_minute_it_is_the_machine_s_clock(machine):  # noqa: F811
    today = local_today()
    machine(today, time(15, 4, 5))
    assert timeutil.to_local(timeutil.utcnow()) == datetime.combine(today, time(15, 4, 5),
                                                                    LOCAL_TZ)
