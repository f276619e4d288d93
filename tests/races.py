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

import pytest
from sqlalchemy import select


def race_app(url: str):
    from tracker import create_app

    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                       "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})


@contextmanager
def race_world(url: str):
    """Where every race starts: the schema and the categories, a unit, a community, a
    checklist item and a liaison. Yields (app, unit, item, liaison) inside a request
    context; its connections are closed on the way out, before any racer starts."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.reference import ensure_categories

    app = race_app(url)
    with app.test_request_context("/"):
        db.create_all()
        ensure_categories()
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
    barrier.wait(timeout=120)


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


def run_racers(target, per_process: list[tuple], timeout: int = 300) -> list:
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


HOLD_SECONDS = 1.5  # the first one's open transaction, once the second has started


def ordered_actor(module: str, name: str, first: bool, url: str, ids: dict, acted, started,
                  barrier, results) -> None:
    """Child: ``module.name(ids)`` in one unit of work, as a view would call it. The
    ``first`` one acts, tells the other (``acted``), waits until it has started
    (``started``) and a moment more, then commits; the other starts once the first has
    acted (and waits for a lock the first holds, if it needs one)."""
    import importlib
    import time
    import traceback

    outcome = {"name": name, "ok": False, "refused": None, "errors": []}
    try:
        from tracker.extensions import db
        from tracker.services import ServiceError, unit_of_work

        act = getattr(importlib.import_module(module), name)
        app = race_app(url)
        with app.test_request_context("/"):
            connect_then_wait(barrier)
            try:
                if not first:
                    acted.wait(timeout=60)
                    started.set()
                with unit_of_work():
                    act(ids)
                    if first:
                        acted.set()
                        started.wait(timeout=60)
                        time.sleep(HOLD_SECONDS)
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
    results.put(outcome)


def race_in_order(module: str, url: str, ids: dict, first: str, second: str) -> dict:
    """Run ``first`` and ``second`` (functions of ``module`` taking ``ids``) in two
    processes, the first holding its transaction open until the second has started.
    Returns {name: outcome} with "ok", "refused" (a ServiceError's text) and "errors"."""
    acted, started = shared_event(), shared_event()
    outcomes = run_racers(ordered_actor, [(module, first, True, url, ids, acted, started),
                                          (module, second, False, url, ids, acted, started)],
                          timeout=120)
    return {o["name"]: o for o in outcomes}
