"""Two PostgreSQL transactions that move the same summary rows in opposite orders both
complete, and every change lands.

Each transaction approves two reports, flushing after the first: one approves a task
of category 甲 and then one of category 乙, the other the reverse, and both wait for
each other between the two. Every approval moves its category's rows of the month
(``counted_month``) and of the category's member count. Had each flush written its
summary rows, each transaction would hold one category's rows and wait for the
other's: a deadlock, and PostgreSQL would abort one of them. The summary changes of
a transaction are written together when it commits, in one order (table, then key),
so the second to commit waits for the first and then adds its own.

PostgreSQL only: SQLite has one writer at a time and no row locks (the second
transaction could not even reach its first flush while the first one waits).
"""
from __future__ import annotations

from datetime import date

import pytest

from tests.deadlines import HUNG_SECONDS
from tests.races import connect_then_wait, race_app, race_database, race_world, run_racers
from tests.rollups.test_summary_race import submitted_yesterday
from tests.scratch_db import BACKENDS

MEMBERS = 3

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(BACKENDS != ["postgresql"],
                                 reason="row locks: PostgreSQL (TEST_DATABASE_URL) only")]


def _approve_two(url: str, first: int, second: int, reviewer_id: int, barrier,
                 results) -> None:
    """Child process: approves report ``first``, flushes, waits for the other process
    to have flushed its first approval too, approves ``second``; one transaction."""
    import traceback

    outcome = {"ok": 0, "errors": []}
    try:
        from tracker.extensions import db
        from tracker.models import Member, TaskReport
        from tracker.services import unit_of_work
        from tracker.services.reviews import approve_report

        app = race_app(url)
        with app.test_request_context("/"):
            connect_then_wait(barrier)
            reviewer = db.session.get(Member, reviewer_id)
            with unit_of_work():
                approve_report(db.session.get(TaskReport, first), reviewer)
                db.session.flush()
                barrier.wait(timeout=HUNG_SECONDS)
                approve_report(db.session.get(TaskReport, second), reviewer)
            outcome["ok"] = 1
            db.session.remove()
            db.engine.dispose()
    except Exception:  # noqa: BLE001 — every failure is reported
        outcome["errors"].append(traceback.format_exc())
    results.put(outcome)


def _build_world(url: str):
    """Four tasks of yesterday, two in each of two categories, three members done on
    each (other members per category), every report submitted."""
    from tests import factories as f
    from tracker.models import Role

    with race_world(url) as (app, unit, item, liaison):
        other_item = f.item(unit, item.community, f.category())
        reviewer = f.member(unit, Role.admin, "管理员")
        reports = {}
        for category, it in (("甲", item), ("乙", other_item)):
            members = [f.member(unit) for _ in range(MEMBERS)]
            for n in range(2):
                # 环境整治 counts no figure, an admin's own category both
                report = submitted_yesterday(it, liaison, members, f"{category}{n}", 30,
                                             *((None, None) if it is item else (2, 10)))
                reports[category, n] = report.id
        day = report.task.service_date
        reviewer_id = reviewer.id
    return app, day, reports, reviewer_id


@pytest.mark.parametrize("backend", BACKENDS)
def test_opposite_orders_both_complete_and_both_count(backend, tmp_path):
    from tests.rollups.counted import assert_in_sync
    from tracker.extensions import db
    from tracker.rollups import Scope
    from tracker.rollups.figures import figures

    with race_database(backend, tmp_path, "summary_lock_order") as url:
        app, day, reports, reviewer_id = _build_world(url)
        outcomes = run_racers(_approve_two, [
            (url, reports["甲", 0], reports["乙", 0], reviewer_id),
            (url, reports["乙", 1], reports["甲", 1], reviewer_id),
        ])

        assert [e for o in outcomes for e in o["errors"]] == []
        assert sum(o["ok"] for o in outcomes) == 2
        with app.test_request_context("/"):
            got = figures(Scope(date(day.year, 1, 1), date(day.year + 1, 1, 1)))
            # four approved tasks, three members on each for half an hour, six members
            # in all; nothing left 待审核
            assert (got.official.activities, got.official.person_times,
                    got.official.members, got.official.minutes) == (4, 12, 6, 12 * 30)
            assert (got.pending.activities, got.pending.members) == (0, 0)
            assert_in_sync()
            db.session.remove()
            db.engine.dispose()
