"""Liaisons approve visits of one year and one category at the same moment, naming the
same households: every approval lands in the kept households (``CountedServedYear``,
``CountedServedTotal``, ``CountedServedCategoryYear``) and none is lost or counted twice.

Every visit names two of three households (exactly its 受益), so the approvals move the
same rows: the year's category row gains an activity each, a household's row is
created by the first approval naming it and incremented by the others, and the count of
households gains one only where a row was created. The hook adds differences
(``n = n + …``) in key order at the commit, and reads which rows it created from what
its upsert returns under the row's lock, so on PostgreSQL the transactions take turns
and the count is 3, not 3 × the racers. Separate processes, as separate gunicorn workers
would be; SQLite on a real file, PostgreSQL too when TEST_DATABASE_URL is set.
"""
from __future__ import annotations

from datetime import date

import pytest

from tests.races import race_world, run_racers
from tests.rollups.test_summary_race import _approver, submitted_yesterday
from tests.scratch_db import BACKENDS, fresh_database

PROCESSES = 4
TASKS_PER_PROCESS = 2
MEMBERS = 2

pytestmark = pytest.mark.slow


def _build_world(url: str):
    """Visits of yesterday (结对帮扶), each naming two of three households as its 受益 of
    2, every report submitted (待审核)."""
    from tests import factories as f
    from tests.residents.support import resident
    from tracker.extensions import db
    from tracker.models import ResidentCategory, Role, task_resident

    with race_world(url) as (app, unit, item, liaison):
        visits = f.item(unit, item.community, "household_assistance")
        members = [f.member(unit) for _ in range(MEMBERS)]
        reviewer = f.member(unit, Role.admin, "管理员")
        homes = [resident(item.community, liaison, name=f"困难户{n}", phone=f"1380000{n:04d}",
                          category=ResidentCategory.needy) for n in range(3)]
        reports = [submitted_yesterday(visits, liaison, members, f"帮扶{n}", 60, 0, 2)
                   for n in range(PROCESSES * TASKS_PER_PROCESS)]
        for n, report in enumerate(reports):
            # named while 待审核 (nothing of it is kept yet: only approved visits count)
            db.session.execute(task_resident.insert(), [
                {"task_id": report.task_id, "resident_id": homes[(n + i) % 3].id}
                for i in range(2)])
        db.session.commit()
        ids = [(report.id, reviewer.id) for report in reports]
        day = reports[-1].task.service_date
        category = visits.category_id
    return app, day, category, [ids[i::PROCESSES] for i in range(PROCESSES)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_simultaneous_approvals_of_named_visits_all_land_in_the_kept_households(backend,
                                                                               tmp_path):
    from tests.rollups.counted import assert_in_sync
    from tests.rollups.test_served_kept import by_hand
    from tracker.extensions import db
    from tracker.models import CountedServedCategoryYear, CountedServedTotal
    from tracker.rollups import Scope
    from tracker.rollups.batch import run
    from tracker.rollups.served import named_rows

    with fresh_database(backend, tmp_path, "served_race") as url:
        app, day, category, batches = _build_world(url)
        outcomes = run_racers(_approver, [(url, ids) for ids in batches])

        assert [e for o in outcomes for e in o["errors"]] == []
        tasks = PROCESSES * TASKS_PER_PROCESS
        assert sum(o["ok"] for o in outcomes) == tasks
        with app.test_request_context("/"):
            year = day.year
            kept = db.session.get(CountedServedCategoryYear, (year, category))
            assert (kept.activities, kept.others) == (tasks, 0)
            assert db.session.get(CountedServedTotal, (year, category)).households == 3
            assert by_hand(year) == {category: 3}
            assert run(named_rows(Scope(date(year, 1, 1), date(year + 1, 1, 1)))) == \
                {category: 3}
            assert_in_sync()
            db.session.remove()
            db.engine.dispose()
