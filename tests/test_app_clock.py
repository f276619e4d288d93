"""``tests.clock.set_app_clock`` moves the whole application's clock, every time it is
called: a test that goes from one day to another (the rollups' ``clock``) gets the
second day in the services that imported ``utcnow`` by name too (main48)."""
from __future__ import annotations

from datetime import date, datetime

from tests.clock import set_app_clock
from tracker import timeutil
from tracker.services import tasks as tasks_service


def test_a_second_day_reaches_a_service_that_imported_the_clock_by_name(monkeypatch):
    set_app_clock(monkeypatch, date(2020, 1, 10))
    set_app_clock(monkeypatch, date(2025, 12, 2))

    assert timeutil.local_today() == date(2025, 12, 2)
    # ``tasks`` has its own name for ``utcnow``: a start a week after the second day is
    # within the year around today, though more than a year after the first
    tasks_service.check_start_window(datetime(2025, 12, 10, 9))
    assert timeutil.to_local(tasks_service.utcnow()).date() == date(2025, 12, 2)
