"""The liaison lists run the same small number of SQL statements at 2 rows and at 20."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories as f
from tests.web.manage_support import assignment, submitted_report
from tracker.extensions import db
from tracker.models import AssignmentStatus


def _populate(world, n: int) -> None:
    people = [f.member(world.unit, name=f"队员{i}") for i in range(3)]
    for i in range(n):
        f.task(world.item, world.liaison, starts_in=timedelta(days=1, hours=i), leader=people[0])
        f.task(world.item, world.liaison, starts_in=-timedelta(days=2, hours=i))
        reported = f.task(world.item, world.liaison, starts_in=-timedelta(days=9, hours=i),
                          leader=people[1])
        db.session.commit()
        for m in people:
            a = assignment(reported, m)
            a.status, a.minutes = AssignmentStatus.done, 60
        submitted_report(reported, people[1], days_ago=8 + i / 10)


PAGES = ["/manage/", "/manage/tasks", "/manage/reviews", "/manage/stale",
         "/manage/tasks?status=open&date_from=2000-01-01"]


@pytest.mark.parametrize("url", PAGES)
def test_list_pages_run_a_constant_number_of_statements(client, login, world, count_queries, url):
    login(world.liaison)
    _populate(world, 2)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    _populate(world, 18)
    db.session.expire_all()
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert large.count == small.count, (small.statements, large.statements)
    assert small.count <= 14


def test_task_and_report_pages_run_a_constant_number_of_statements(client, login, world,
                                                                    count_queries):
    login(world.liaison)
    task = f.task(world.item, world.liaison, starts_in=-timedelta(days=1), slots=30)
    db.session.commit()
    assignment(task, world.member)
    report = submitted_report(task, world.leader)

    def measure():
        db.session.expire_all()
        with count_queries() as q:
            assert client.get(f"/manage/tasks/{task.id}").status_code == 200
            assert client.get(f"/manage/reports/{report.id}").status_code == 200
        return q.count

    small = measure()
    for i in range(15):
        assignment(task, f.member(world.unit, name=f"补充{i}"))
    assert measure() == small
