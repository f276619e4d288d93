"""A page that only reads takes no write lock (issue 14): while one process holds a
long read transaction, as a GET rendering a page does, a claim in another process goes
through — it does not wait for the read to end, nor fail with "database is locked".

On SQLite a GET's transactions begin deferred and read-only; everything else still
begins IMMEDIATE, which the claim race tests (``test_claim_race.py``) rely on."""
from __future__ import annotations

import traceback

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from tests.deadlines import HUNG_SECONDS
from tests.races import connect_then_wait, race_database, run_racers, shared_event
from tests.scratch_db import BACKENDS

pytestmark = pytest.mark.slow

# Short, so that a claim made to wait for the reader fails soon instead of in 15 s.
BUSY_MS = 1000


def _app(url: str):
    from tracker import create_app

    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                       "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
                       "SQLITE_BUSY_TIMEOUT_MS": BUSY_MS})


def _reader(url: str, read_open, claimed, barrier, results) -> None:
    """Child: a GET request that reads and keeps its transaction open until the claim
    in the other process has finished (or a minute has passed)."""
    outcome = {"role": "reader", "errors": []}
    try:
        from tracker.extensions import db
        from tracker.models import Task

        app = _app(url)
        with app.test_request_context("/tasks/mine", method="GET"):
            app.preprocess_request()
            connect_then_wait(barrier)
            outcome["tasks"] = db.session.scalar(select(func.count()).select_from(Task))
            read_open.set()
            outcome["claim_finished_during_read"] = claimed.wait(timeout=HUNG_SECONDS)
            outcome["still_in_read"] = db.session().in_transaction()
            db.session.rollback()
            db.session.remove()
            db.engine.dispose()
    except Exception:  # noqa: BLE001 — reported to the test
        outcome["errors"].append(traceback.format_exc())
        read_open.set()
    results.put(outcome)


def _claimant(url: str, task_id: int, member_id: int, read_open, claimed, barrier,
              results) -> None:
    """Child: once the reader's transaction is open, claim a slot as the claim view does."""
    outcome = {"role": "claimant", "errors": []}
    try:
        from tracker.extensions import db
        from tracker.models import Member, Task
        from tracker.services import unit_of_work
        from tracker.services.claims import claim_slot

        app = _app(url)
        with app.test_request_context(f"/tasks/{task_id}/claim", method="POST"):
            app.preprocess_request()
            connect_then_wait(barrier)
            read_open.wait(timeout=HUNG_SECONDS)
            try:
                with unit_of_work():
                    claim_slot(db.session.get(Task, task_id), db.session.get(Member, member_id))
                outcome["claimed"] = True
            except Exception as error:  # noqa: BLE001
                outcome["claimed"] = False
                outcome["errors"].append(f"{type(error).__name__}: {error}")
            finally:
                claimed.set()
            db.session.remove()
            db.engine.dispose()
    except Exception:  # noqa: BLE001
        outcome["errors"].append(traceback.format_exc())
        claimed.set()
    results.put(outcome)


def _build(url: str, *, full: bool = False):
    """A task of three slots and a member to claim it; ``full``: a task of one slot,
    taken by someone else."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.services import unit_of_work
    from tracker.services.claims import claim_slot

    app = _app(url)
    with app.app_context():
        unit = f.unit("县商务局")
        item = f.item(unit, f.community("解放路社区"))
        liaison = f.member(unit, name="联络员")
        task = f.task(item, liaison, slots=1 if full else 3, title="读着也能报名")
        member = f.member(unit, name="报名的人")
        first = f.member(unit, name="先到的人")
        db.session.commit()
        if full:
            with unit_of_work():
                claim_slot(task, first)
        ids = task.id, member.id
        db.session.remove()
        db.engine.dispose()
    return app, ids


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_long_read_does_not_delay_a_claim_in_another_process(backend, tmp_path):
    from tracker.extensions import db
    from tracker.models import Assignment, Task

    with race_database(backend, tmp_path, "reads") as url:
        app, (task_id, member_id) = _build(url)
        read_open, claimed = shared_event(), shared_event()

        outcomes = run_racers(_pair, [("reader", url, task_id, member_id, read_open, claimed),
                                      ("claimant", url, task_id, member_id, read_open, claimed)],
                              timeout=HUNG_SECONDS)
        by_role = {o["role"]: o for o in outcomes}
        assert [e for o in outcomes for e in o["errors"]] == []
        assert by_role["claimant"]["claimed"] is True
        # the claim was done while the read transaction was still open
        assert by_role["reader"]["claim_finished_during_read"] is True
        assert by_role["reader"]["still_in_read"] is True
        with app.app_context():
            assert db.session.get(Task, task_id).taken == 1
            assert db.session.scalar(select(func.count()).select_from(Assignment)) == 1
            db.session.remove()
            db.engine.dispose()


def _pair(role, url, task_id, member_id, read_open, claimed, barrier, results):
    if role == "reader":
        _reader(url, read_open, claimed, barrier, results)
    else:
        _claimant(url, task_id, member_id, read_open, claimed, barrier, results)


def test_a_get_request_cannot_write_outside_writing(app):
    """A write slipped into a page's read transaction is refused at once, so it cannot
    race another writer; ``writing()`` gives the page a write transaction of its own."""
    from tracker.db_setup import writing
    from tracker.extensions import db
    from tracker.models import Unit

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's transactions only")
    with app.test_request_context("/", method="GET"):
        app.preprocess_request()
        with pytest.raises(OperationalError, match="readonly"):
            db.session.execute(update(Unit).values(name="改名"))
        db.session.rollback()
        with writing():
            db.session.add(Unit(name="新单位"))
            db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Unit).where(Unit.name == "新单位")) == 1


@pytest.mark.sqlite_file
def test_a_tap_on_a_full_task_does_not_ask_for_the_write_lock(tmp_path):
    """The last-slot storm's losers (issue 14): while another process holds SQLite's
    write lock — a winner's claim being written — a tap on a full task is still answered
    「名额已满」. It decides from what it reads and never asks for the lock; asking would
    wait out the busy timeout and end in the 503 "busy" page."""
    import sqlite3

    from tests import factories as f

    with race_database("sqlite", tmp_path, "full") as url:
        app, (task_id, member_id) = _build(url, full=True)
        client = app.test_client()
        with app.app_context():
            from tracker.extensions import db
            from tracker.models import Member

            phone = db.session.get(Member, member_id).phone
        assert client.post("/auth/login", data={"phone": phone, "password": f.PASSWORD}
                           ).status_code == 302
        writer = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")
            # with the one-time token a real button sends (its spent-check reads too)
            response = client.post(f"/tasks/{task_id}/claim",
                                   data={"submission_token": "storm-token-0123456789"})
            with client.session_transaction() as session:
                flashed = session.get("_flashes", [])
        finally:
            writer.execute("ROLLBACK")
            writer.close()
        assert response.status_code == 302
        assert flashed == [("error", "名额已满。")]
        with app.app_context():
            from tracker.models import Assignment

            holders = db.session.scalars(select(Assignment.member_id)).all()
            assert member_id not in holders and len(holders) == 1
            db.session.remove()
            db.engine.dispose()
