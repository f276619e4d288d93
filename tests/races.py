"""Racing separate processes against one database, as separate gunicorn workers would:
each has its own app, engine and connections and starts at the same signal. Used by the
race tests on a real SQLite file and on PostgreSQL.

The processes are not forked from the test process (which holds apps, engines and open
connections): they come from a multiprocessing *forkserver*, a clean process started
once per test worker that has only imported the app's modules (``PRELOAD``) — no app,
no engine, no connection. Each racer then builds its own app, as a spawned one did,
without paying Python's start-up and the imports again (that was most of a race test's
time)."""
from __future__ import annotations

import multiprocessing
import queue
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.deadlines import HUNG_SECONDS
from tests.scratch_db import ProcessTemplates

# SQLite: how long a racer waits for the write lock. The app's 15 s (README,
# SQLITE_BUSY_TIMEOUT_MS) is when a member gets the "系统繁忙" page instead, tested with a
# lock held past it (tests/security/test_errors.py). Here the racers queue for the lock
# on purpose, and each one's first unit of work is a cold process's (its statements
# compiled while it holds the lock: about ten times a warm one's CPU): on a saturated
# machine the queue took longer than 15 s, and the last racer failed with "database is
# locked" (docs/testing.md). Waiting longer weakens nothing a race test asserts: the
# "database is locked" they exist to catch — a write begun deferred, a read transaction
# turned writer after another committed — comes at once, without waiting (tested:
# tests/services/test_waitlist_race.py fails with BEGIN instead of BEGIN IMMEDIATE).
RACE_BUSY_TIMEOUT_MS = HUNG_SECONDS * 1000


def race_app(url: str):
    from tracker import create_app

    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                       "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
                       "SQLITE_BUSY_TIMEOUT_MS": RACE_BUSY_TIMEOUT_MS})


def _schema_and_categories(url: str) -> None:
    """What every race database holds before its test: the schema and the categories."""
    from tracker.extensions import db
    from tracker.reference import ensure_categories

    app = race_app(url)
    with app.app_context():
        db.create_all()
        ensure_categories()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()  # PostgreSQL copies a template only while no one is connected


_templates = ProcessTemplates("race", _schema_and_categories)


def race_database(backend: str, tmp_dir: Path, name: str):
    """``with race_database(backend, tmp_path, "name") as url:`` — a database of the
    test's own for ``race_world``, holding the schema and the reference categories and
    nothing else. A real database, a copy of this process's template (SQLite: the file,
    with the backup API; PostgreSQL: ``CREATE DATABASE … TEMPLATE``, as the migrated
    head is copied): building the schema afresh in each race test was most of its
    set-up. On PostgreSQL the copy is kept for this process's next race test, put back
    into exactly the template's state (``ProcessTemplates``), instead of created and
    dropped each time (docs/testing.md, issue 13)."""
    return _templates.copy(backend, tmp_dir, name)


@contextmanager
def race_world(url: str):
    """Where every race starts, on a database from ``race_database`` (the schema and the
    categories): a unit, a community, a checklist item and a liaison. Yields (app,
    unit, item, liaison) inside a request context; its connections are closed on the
    way out, before any racer starts."""
    from tests import factories as f
    from tracker.extensions import db

    app = race_app(url)
    with app.test_request_context("/"):
        unit = f.unit("县商务局")
        item = f.item(unit, f.community("解放路社区"))
        yield app, unit, item, f.member(unit, name="联络员")
        db.session.remove()
        db.engine.dispose()


def connect_then_wait(barrier) -> None:
    """In a child, inside an app context: connect first, so the race starts with the work."""
    from tracker.extensions import db

    db.session.execute(select(1))
    db.session.rollback()
    barrier.wait(timeout=HUNG_SECONDS)


def act_in_turn(url: str, barrier, items: list, act, refusal: str | None = None) -> dict:
    """In a child: ``act(item)`` for each item, one unit of work each, in a request
    context as a view would. Returns {"ok", "refused" (the ServiceError ``refusal``,
    expected of losers), "errors" (anything else, with its text)}."""
    import traceback

    outcome = {"ok": 0, "refused": 0, "errors": []}
    try:
        from tracker.extensions import db
        from tracker.services import ServiceError, unit_of_work

        app = race_app(url)
        with app.test_request_context("/"):
            connect_then_wait(barrier)
            for item in items:
                try:
                    with unit_of_work():
                        act(item)
                except ServiceError as error:
                    if refusal is not None and str(error.message) == refusal:
                        outcome["refused"] += 1
                    else:
                        outcome["errors"].append(f"ServiceError: {error.message}")
                except Exception as error:  # noqa: BLE001 — every other failure is reported
                    outcome["errors"].append(f"{type(error).__name__}: {error}")
                else:
                    outcome["ok"] += 1
            db.session.remove()
            db.engine.dispose()
    except Exception:  # noqa: BLE001
        outcome["errors"].append(traceback.format_exc())
    return outcome


# Imported once by the forkserver, before it forks any racer.
PRELOAD = ["tests.races", "tests.factories", "tracker", "tracker.models", "tracker.blueprints",
           "tracker.cli", "tracker.services.claims",
           "tracker.services.waitlist", "tracker.services.needs", "tracker.services.backfill"]


def process_context():
    """Processes forked from a server that imported the app once (PRELOAD): real
    processes with their own app and connections, without paying Python's and the app's
    imports in each (a spawned child takes about 1.5 s of CPU before it starts)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def shared_event():
    """An event the racers can wait on and set (pass it in their ``per_process`` args)."""
    return process_context().Event()


def run_racers(target, per_process: list[tuple], timeout: int = HUNG_SECONDS) -> list:
    """Start ``target(*args, barrier, results)`` once per ``args`` in ``per_process``;
    each child puts one outcome on ``results``. Returns the outcomes."""
    ctx = process_context()
    barrier = ctx.Barrier(len(per_process))
    results = ctx.Queue()
    workers = [ctx.Process(target=target, args=(*args, barrier, results)) for args in per_process]
    for worker in workers:
        worker.start()
    outcomes = []
    try:
        for _ in workers:
            outcomes.append(results.get(timeout=timeout))
    except queue.Empty:
        pytest.fail(f"only {len(outcomes)} of {len(workers)} processes reported back")
    finally:
        for worker in workers:
            worker.join(timeout=60)
            if worker.is_alive():
                worker.kill()
    return outcomes


HOLD_SECONDS = 1.5  # SQLite only: the first one's open transaction, once the second has started
WAIT_DEADLINE_SECONDS = HUNG_SECONDS  # PostgreSQL: only stops a hung test


def _pg_backend_pid() -> int:
    """This session's PostgreSQL backend, in its current transaction's connection."""
    from sqlalchemy import text

    from tracker.extensions import db

    return db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _second_waits_for_me(first_pid: int, second_pid, done) -> bool:
    """PostgreSQL, in the first process while its transaction is open: poll on a
    connection of its own until the second process's backend waits for a lock that
    ``first_pid`` holds (True: ``pg_blocking_pids``, asked of the server, not guessed
    from the clock) or the second has finished without one (False: ``done``, set when
    it has committed, been refused or failed). Raises after WAIT_DEADLINE_SECONDS."""
    import time

    from sqlalchemy import text

    from tracker.extensions import db

    blocked = text("SELECT CAST(:first AS integer)"
                   " = ANY(pg_blocking_pids(CAST(:second AS integer)))")
    deadline = time.monotonic() + WAIT_DEADLINE_SECONDS
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        while True:
            pid = second_pid.value  # 0 until the second has begun its transaction
            if pid and conn.execute(blocked, {"first": first_pid, "second": pid}).scalar():
                return True
            if done.is_set():
                return False
            if time.monotonic() > deadline:
                raise TimeoutError(f"the second process neither waited for a lock of the first"
                                   f" nor finished within {WAIT_DEADLINE_SECONDS} s")
            done.wait(timeout=0.01)


def ordered_actor(module: str, name: str, first: bool, url: str, ids: dict, acted, started,
                  done, second_pid, barrier, results) -> None:
    """Child: ``module.name(ids)`` in one unit of work, as a view would call it. The
    ``first`` one acts, tells the other (``acted``), and holds its transaction open
    until the other is provably behind it, then commits; the other starts once the
    first has acted (and waits for a lock the first holds, if it needs one).

    "Behind it", on PostgreSQL: the second reports its backend's pid (``second_pid``) as
    its transaction begins, and the first commits once ``pg_blocking_pids`` of that
    backend names its own, or once the second is ``done`` without needing a lock (a
    refusal read before any lock); the first's outcome says which
    (``second_waited``). After WAIT_DEADLINE_SECONDS the first gives up, rolls back and
    reports an error. On SQLite the second waits for the database's write lock inside
    its BEGIN IMMEDIATE (busy_timeout), which no other connection can see: the first
    waits until the second has ``started``, then HOLD_SECONDS more (less if the second
    is done), and ``second_waited`` is None."""
    import importlib
    import traceback

    outcome = {"name": name, "ok": False, "refused": None, "errors": []}
    try:
        from tracker.extensions import db
        from tracker.services import ServiceError, unit_of_work

        act = getattr(importlib.import_module(module), name)
        app = race_app(url)
        with app.test_request_context("/"):
            connect_then_wait(barrier)
            postgres = db.engine.dialect.name == "postgresql"
            try:
                if not first:
                    acted.wait(timeout=HUNG_SECONDS)
                    started.set()
                with unit_of_work():
                    if not first and postgres:
                        second_pid.value = _pg_backend_pid()
                    act(ids)
                    if first:
                        # also sends anything the act's connection still holds back
                        mine = _pg_backend_pid() if postgres else None
                        acted.set()
                        if postgres:
                            outcome["second_waited"] = _second_waits_for_me(mine, second_pid,
                                                                            done)
                        else:
                            started.wait(timeout=HUNG_SECONDS)
                            done.wait(timeout=HOLD_SECONDS)
                            outcome["second_waited"] = None
                outcome["ok"] = True
            except ServiceError as error:
                outcome["refused"] = str(error.message)
            except Exception as error:  # noqa: BLE001 — reported to the test
                outcome["errors"].append(f"{type(error).__name__}: {error}")
            finally:
                acted.set()
                started.set()
            db.session.remove()
            db.engine.dispose()
    except Exception:  # noqa: BLE001
        outcome["errors"].append(traceback.format_exc())
    finally:
        if not first:
            done.set()  # whatever happened: the first must not wait for it
    results.put(outcome)


def race_in_order(module: str, url: str, ids: dict, first: str, second: str, *,
                  second_waits: bool = True) -> dict:
    """Run ``first`` and ``second`` (functions of ``module`` taking ``ids``) in two
    processes, the first holding its transaction open until the second waits for one
    of its locks or has finished (``ordered_actor``). Returns {name: outcome} with "ok",
    "refused" (a ServiceError's text) and "errors"; the second's outcome also has
    "waited": True if it was seen waiting for a lock the first held, False if it
    finished without one, None on SQLite (not observable there).

    ``second_waits``: the test's point is that the second waits for the first's lock
    and then reads what the first left; on PostgreSQL a second that did not wait is an
    error in its outcome (the race tests assert there are none). False for a second
    that may be refused before it needs any lock."""
    ctx = process_context()
    acted, started, done = ctx.Event(), ctx.Event(), ctx.Event()
    second_pid = ctx.Value("i", 0)
    outcomes = run_racers(ordered_actor,
                          [(module, first, True, url, ids, acted, started, done, second_pid),
                           (module, second, False, url, ids, acted, started, done, second_pid)])
    got = {o["name"]: o for o in outcomes}
    got[second]["waited"] = got[first].pop("second_waited", None)
    if second_waits and got[second]["waited"] is False:
        got[second]["errors"].append(f"{second} never waited for a lock {first} held: "
                                     "the order was not forced")
    return got
