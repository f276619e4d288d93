"""Setting the application's clock in a test: the way the suite sets "now"."""
from __future__ import annotations

import functools
import importlib
import itertools
import pkgutil
import sys
import threading
from datetime import date, datetime, time, timedelta, timezone

import tracker
from tracker import timeutil


@functools.cache
def _every_tracker_module() -> None:
    """Import all of tracker/, once: a module first imported while the clock is set
    (the demo, its services) would keep that clock for good — ``from .timeutil import
    utcnow`` binds what it finds, which no monkeypatch undoes — and seed the next
    test's demo, of another day, at this one's hour."""
    for found in pkgutil.walk_packages(tracker.__path__, "tracker."):
        importlib.import_module(found.name)


def set_app_clock(monkeypatch, day: date, at: time = time(10), *,
                  ticking: bool = False) -> date:
    """It is 10:00 (``at``) on ``day``, Beijing time, for the whole application —
    ``timeutil.utcnow`` and every tracker module's own name for it — and for the test
    modules that import it to ask the application about "now" (``utcnow()`` passed to
    a query), until the test ends. The clock stands still: a test run across midnight
    in Asia/Shanghai stays on ``day``. Called again in the same test, it moves every
    one of those names to the new day.

    ``ticking``: each read is a microsecond after the one before, so that writes made
    one after another bear moments one after another, as on a running clock (a task
    moved after she was assigned to it is news to her), while the minute stays ``at``
    for sixty million reads."""
    moment = _utc(day, at)
    reads = itertools.count()

    def clock() -> datetime:
        return moment + timedelta(microseconds=next(reads)) if ticking else moment

    _install(monkeypatch, clock)
    return day


def keep_app_clock_on(monkeypatch, day: date) -> None:
    """The application's clock (every name ``set_app_clock`` sets) runs as the machine's
    but never leaves ``day``, Beijing time: a test started on ``day`` ends on it, however
    long it runs and whenever midnight passes. From 23:59 on ``day`` — at once, if the
    machine's clock has passed it already (a run that crossed midnight before the test
    began) — each read is a microsecond after the one before, as ``set_app_clock``'s
    ``ticking``, and the clock stops at the day's last microsecond, sixty million reads
    later. Before 23:59 it is the machine's clock, no read earlier than the one before:
    a test that starts and ends before then runs as it would unheld."""
    first, last_minute, last = _utc(day, time.min), _utc(day, LAST_MINUTE), _utc(day, time.max)
    tick = timedelta(microseconds=1)
    previous = first - tick
    lock = threading.Lock()  # a test's threads (the race tests) read one clock

    def clock() -> datetime:
        nonlocal previous
        with lock:
            machine = min(datetime.now(timezone.utc), last_minute)
            previous = min(max(previous + tick, machine), last)
            return previous

    if timeutil.utcnow is _kept_or_machine:
        monkeypatch.setattr(sys.modules[__name__], "_kept", clock)
    else:
        _install(monkeypatch, clock)


def _machine_clock() -> datetime:
    return datetime.now(timezone.utc)


# The clock of the test running, when it keeps its day (``keep_app_clock_on``); the
# machine's between tests.
_kept = _machine_clock


def _kept_or_machine() -> datetime:
    return _kept()


def dispatch_app_clock(monkeypatch) -> None:
    """From now on (the whole run, tests/conftest.py) every name ``set_app_clock`` sets
    reads ``_kept``: a test keeping its day then sets one name instead of the hundred
    or so modules' (3 ms of CPU a test, with the whole suite imported)."""
    _install(monkeypatch, _kept_or_machine)


# Where ``keep_app_clock_on`` stops following the machine: a minute of microsecond ticks
# is more reads than a test makes, and the hour is the one ``today_held`` used to hold
# (session 40 to 54), which every module opting into it was run at across midnight.
LAST_MINUTE = time(23, 59)


def _utc(day: date, at: time) -> datetime:
    return datetime.combine(day, at, timeutil.LOCAL_TZ).astimezone(timezone.utc)


def _install(monkeypatch, clock) -> None:
    """``clock`` is ``timeutil.utcnow`` and every tracker and test module's own
    ``utcnow`` until ``monkeypatch`` undoes it (a test's end; the run's, for
    ``dispatch_app_clock``)."""
    _every_tracker_module()
    # One clock for every name, so that a second call in the same test (a test moving
    # from one day to the next) finds each name by the clock the first call left in
    # ``timeutil`` — with a clock of its own per module, the services' names kept the
    # first day.
    before = timeutil.utcnow
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in ("tracker", "tests") \
                and getattr(module, "utcnow", None) is before:
            monkeypatch.setattr(module, "utcnow", clock)


def stop_app_clock(monkeypatch) -> datetime:
    """The application's clock (and the test modules' ``utcnow``) stands still at this
    moment until the test ends: a test that works out its days in several places — its
    form data, its expectations, the application checking them — gets the same day from
    each, even in a run crossing midnight in Asia/Shanghai."""
    now = timeutil.to_local(timeutil.utcnow())
    set_app_clock(monkeypatch, now.date(), at=now.time())
    return now
