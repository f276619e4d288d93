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

import pytest
from sqlalchemy import select


def race_app(url: str):
    from tracker import create_app

    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                       "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})


def connect_then_wait(barrier) -> None:
    """In a child, inside an app context: connect first, so the race starts with the work."""
    from tracker.extensions import db

    db.session.execute(select(1))
    db.session.rollback()
    barrier.wait(timeout=120)


# Imported once by the forkserver, before it forks any racer.
PRELOAD = ["tests.races", "tests.factories", "tracker", "tracker.models", "tracker.blueprints",
           "tracker.cli", "tracker.services.claims"]


def _context():
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def shared_event():
    """An event the racers can wait on and set (pass it in their ``per_process`` args)."""
    return _context().Event()


def run_racers(target, per_process: list[tuple], timeout: int = 300) -> list:
    """Start ``target(*args, barrier, results)`` once per ``args`` in ``per_process``;
    each child puts one outcome on ``results``. Returns the outcomes."""
    ctx = _context()
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
