"""``tests.races.race_in_order``, the forced order of the two-process race tests: the
first process holds its transaction open until the second is behind it — on
PostgreSQL until the second is seen waiting for a lock the first holds, whatever the
machine's speed; until the second is done when it needs no lock. A hold measured by
the clock (1.5 s) let a second process that was slow to start take its lock after the
first had committed: the race tests still passed, but tested no wait.

On SQLite the wait (the write lock, inside BEGIN IMMEDIATE) cannot be seen from another
connection: the first holds for a while once the second has started, and "waited" is
None.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.races import HOLD_SECONDS, race_database, race_in_order, race_world
from tests.scratch_db import BACKENDS

pytestmark = pytest.mark.slow

MODULE = __name__
NOT_MINE = "不是你的任务。"


def _task_of(ids):
    from tracker.extensions import db
    from tracker.models import Task

    return db.session.scalars(select(Task).where(Task.id == ids["task"])
                              .with_for_update()).one()


def _rename(ids):
    _task_of(ids).title += "·甲"


def _rename_slowly(ids):
    """A second that is slow to reach its lock: longer than the old fixed hold."""
    import time

    time.sleep(HOLD_SECONDS + 1.5)
    _task_of(ids).title += "·乙"


def _refuse_at_once(ids):
    from tracker.services import ServiceError

    raise ServiceError(NOT_MINE)


def _world(url):
    from tests import factories as f
    from tracker.extensions import db

    with race_world(url) as (app, _unit, item, liaison):
        task = f.task(item, liaison, title="楼道清理")
        db.session.commit()
        return app, dict(task=task.id)


def _title(app, ids):
    from tracker.extensions import db
    from tracker.models import Task

    with app.app_context():
        title = db.session.get(Task, ids["task"]).title
        db.session.remove()
        db.engine.dispose()
        return title


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_second_slow_to_reach_the_lock_still_waits_for_the_first(backend, tmp_path):
    """The second reads what the first left — after waiting for the first's lock, on
    PostgreSQL seen so by the server, however late the second comes to it."""
    with race_database(backend, tmp_path, "orderslow") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_rename", "_rename_slowly")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_rename"]["ok"] and got["_rename_slowly"]["ok"]
        assert got["_rename_slowly"]["waited"] is (True if backend == "postgresql" else None)
        assert _title(app, ids) == "楼道清理·甲·乙"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_second_refused_before_any_lock_does_not_keep_the_first_waiting(backend, tmp_path):
    """A second that needs no lock (refused at once) lets the first commit: the race
    ends, with no error of a deadline, and says the second did not wait — which a race
    test whose point is the wait (the default, ``second_waits``) is told as an error."""
    pg = backend == "postgresql"
    with race_database(backend, tmp_path, "orderrefused") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_rename", "_refuse_at_once")
        assert got["_rename"] == {**got["_rename"], "ok": True, "errors": []}
        assert got["_refuse_at_once"]["refused"] == NOT_MINE
        assert got["_refuse_at_once"]["waited"] is (False if pg else None)
        assert got["_refuse_at_once"]["errors"] == (
            ["_refuse_at_once never waited for a lock _rename held: the order was not forced"]
            if pg else [])
        assert _title(app, ids) == "楼道清理·甲"
