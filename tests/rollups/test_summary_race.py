"""Liaisons approve reports of one month and one category at the same moment: every
approval lands in the county-wide summaries.

All the tasks share a ``counted_month`` row (their month, category and status) and
their members share ``counted_member_year`` rows, so concurrent approvals move the
same summary rows: each adds to the approved row and takes from the 待审核 one, which
empties and is deleted. The hook writes differences (``n = n + …``), rows in key
order, so on PostgreSQL the transactions take turns on a row's lock and none loses
another's change. Separate processes, as separate gunicorn workers would be; SQLite on
a real file, PostgreSQL too when TEST_DATABASE_URL is set.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.races import act_in_turn, race_database, race_world, run_racers
from tests.scratch_db import BACKENDS

PROCESSES = 6
TASKS_PER_PROCESS = 3
MEMBERS = 4

pytestmark = pytest.mark.slow


def _approve(ids: tuple[int, int]) -> None:
    from tracker.extensions import db
    from tracker.models import Member, TaskReport
    from tracker.services.reviews import approve_report

    report_id, reviewer_id = ids
    approve_report(db.session.get(TaskReport, report_id), db.session.get(Member, reviewer_id))


def _approver(url: str, ids: list[tuple[int, int]], barrier, results) -> None:
    """Child process: approves each (report, as reviewer) of ``ids``."""
    results.put(act_in_turn(url, barrier, ids, _approve))


def submitted_yesterday(item, liaison, members, title: str, minutes: int, quantity: int | None,
                        people_served: int | None):
    """A task of yesterday with ``members`` done on it for ``minutes``, its report
    submitted (待审核) by the first of them; committed. Returns the report."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentStatus
    from tracker.services import unit_of_work
    from tracker.services.reviews import ReportData, submit_report

    task = f.task(item, liaison, starts_in=-timedelta(days=1), leader=members[0],
                  slots=len(members), title=title)
    for member in members:
        db.session.add(Assignment(task_id=task.id, member_id=member.id,
                                  status=AssignmentStatus.done, minutes=minutes))
    task.taken = len(members)
    db.session.commit()
    with unit_of_work():
        return submit_report(task, members[0], ReportData(
            quantity=quantity, people_served=people_served, note=""))


def _build_world(url: str):
    """Tasks of yesterday in one category, the same members done on each, every
    report submitted (待审核)."""
    from tests import factories as f
    from tracker.models import Role

    with race_world(url) as (app, unit, item, liaison):
        members = [f.member(unit) for _ in range(MEMBERS)]
        reviewer = f.member(unit, Role.admin, "管理员")
        reports = [submitted_yesterday(item, liaison, members, f"同月{n}", 60, None, None)
                   for n in range(PROCESSES * TASKS_PER_PROCESS)]
        ids = [(report.id, reviewer.id) for report in reports]
        day = reports[-1].task.service_date
    return app, day, [ids[i::PROCESSES] for i in range(PROCESSES)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_simultaneous_approvals_all_land_in_the_summaries(backend, tmp_path):
    from tests.rollups.counted import assert_in_sync
    from tracker.extensions import db
    from tracker.rollups import Scope
    from tracker.rollups.figures import figures

    with race_database(backend, tmp_path, "summary_race") as url:
        app, day, batches = _build_world(url)
        outcomes = run_racers(_approver, [(url, ids) for ids in batches])

        assert [e for o in outcomes for e in o["errors"]] == []
        tasks = PROCESSES * TASKS_PER_PROCESS
        assert sum(o["ok"] for o in outcomes) == tasks
        with app.test_request_context("/"):
            year = Scope(date(day.year, 1, 1), date(day.year + 1, 1, 1))
            got = figures(year)
            # every task one activity with four members done for an hour; the same
            # four members every time; nothing left 待审核
            assert (got.official.activities, got.official.person_times,
                    got.official.members, got.official.minutes) == (
                tasks, tasks * MEMBERS, MEMBERS, tasks * MEMBERS * 60)
            assert (got.pending.activities, got.pending.members) == (0, 0)
            assert_in_sync()
            db.session.remove()
            db.engine.dispose()
