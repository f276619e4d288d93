"""Racing separate processes against one database, as separate gunicorn workers would:
each has its own app, engine and connections (spawned, not forked) and starts at the
same signal. Used by the race tests on a real SQLite file and on PostgreSQL."""
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


def run_racers(target, per_process: list[tuple], timeout: int = 300) -> list:
    """Start ``target(*args, barrier, results)`` once per ``args`` in ``per_process``;
    each child puts one outcome on ``results``. Returns the outcomes."""
    ctx = multiprocessing.get_context("spawn")
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
