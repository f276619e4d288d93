"""我的任务 runs the same few SQL statements on every tab whatever the member's history
(issue 14): no statement per row — the cards of the tasks I wait for included."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests import factories as f
from tests.page_statements import signed_in_statements
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    ReportStatus,
    TaskReport,
    WaitlistEntry,
    WaitStatus,
)

TABS = ["upcoming", "confirm", "history", "returned", "lead"]


def history(w, n: int) -> None:
    """n of each: tasks to come, ended ones to confirm, done and reported ones, tasks I
    lead with a returned report and without one, and full tasks I wait for, each in a
    zone of its own (a card shows community, zone and category)."""
    me = w.member
    for i in range(n):
        item = f.item(w.unit, w.community, zone=f.zone(w.community, unit=w.unit))
        coming = f.task(item, w.liaison, starts_in=timedelta(days=3 + i))
        ended = f.task(item, w.liaison, starts_in=-timedelta(days=3 + i))
        done = f.task(item, w.liaison, starts_in=-timedelta(days=40 + i))
        returned = f.task(item, w.liaison, starts_in=-timedelta(days=10 + i), leader=me)
        f.task(item, w.liaison, starts_in=-timedelta(days=20 + i), leader=me)  # to report
        own_zone = f.item(w.unit, w.community, zone=f.zone(w.community, unit=w.unit))
        full = f.task(own_zone, w.liaison, starts_in=timedelta(days=5 + i), slots=1)
        for task, status in ((coming, AssignmentStatus.claimed), (ended, AssignmentStatus.claimed),
                             (done, AssignmentStatus.done), (returned, AssignmentStatus.done)):
            db.session.add(Assignment(task_id=task.id, member_id=me.id, status=status,
                                      minutes=60 if status == AssignmentStatus.done else None))
            task.taken = 1
        db.session.add(Assignment(task_id=full.id, member_id=w.other_member.id,
                                  status=AssignmentStatus.claimed))
        full.taken = 1
        db.session.add(WaitlistEntry(task_id=full.id, member_id=me.id, status=WaitStatus.waiting))
        for task, status in ((done, ReportStatus.approved), (returned, ReportStatus.returned)):
            db.session.add(TaskReport(task_id=task.id, quantity=1, people_served=1, note="",
                                      status=status, submitted_by_id=w.liaison.id))
    db.session.commit()


def statements(client, url, count_queries) -> int:
    """The statements of ``url`` for whoever is signed in, counted as production runs a
    request (tests/page_statements.py)."""
    return signed_in_statements(client, count_queries, url)[0]


@pytest.mark.parametrize("tab", TABS)
def test_each_tab_runs_a_fixed_few_statements(client, login, world, count_queries, tab):
    login(world.member)
    url = f"/tasks/mine?tab={tab}"
    history(world, 1)
    small = statements(client, url, count_queries)
    history(world, 10)
    large = statements(client, url, count_queries)
    # session, the counts with the year's figures, the page with its total (+ my places
    # in line)
    assert small == large == (4 if tab == "upcoming" else 3), (small, large)
