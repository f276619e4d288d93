"""合并账号's confirmation page (/admin/members/<B>/merge?keep=<A>) runs the same few
statements however much work the duplicate account B has (docs/design.md, "Budgets":
constant in the data size). It read each participation's task and report one by one —
two statements a participation, about 125 for an account of the county's average 50
(count48 #1)."""
from __future__ import annotations

import re
from datetime import timedelta

from tests.page_statements import page_statements
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import AssignmentStatus, ReportStatus, TaskStatus
from tracker.timeutil import local_today

# the session; the two accounts with their units and stays; B's participations with
# their tasks and reports; B's 候补; whether either is merged already, the five counts
# (led, 补录申请, needs, communities, residents) and A's approved days, as one; the tasks
# both took part in and the hours both counted (2); the approved activities either
# leads; the signed months (the units', the communities') and years, as one; the
# accounts to pick from; the menu (16 before session 49: the stays, the merged check,
# A's days and the signed months' and years' three reads were a statement each)
STATEMENTS = 11


def b_worked(w, k: int, start: int) -> None:
    """k days of B's work, each: an approved activity done, one done and waiting for
    review (its report submitted), a 补录 done and approved, and a claim of a coming
    activity — every kind the page counts apart."""
    for i in range(start, start + k):
        day = local_today() - timedelta(days=5 + 3 * i)
        approved = b.task_on(w.item, w.liaison, day, leader=w.leader)
        b.join(approved, w.other_member)
        b.report(approved, w.leader, ReportStatus.approved)
        waiting = b.task_on(w.item, w.liaison, day - timedelta(days=1), leader=w.leader)
        b.join(waiting, w.other_member)
        b.report(waiting, w.leader, ReportStatus.submitted)
        backfilled = b.task_on(w.item, w.liaison, day - timedelta(days=2), leader=w.leader)
        backfilled.backfilled = True
        b.join(backfilled, w.other_member)
        b.report(backfilled, w.leader, ReportStatus.approved)
        coming = b.task_on(w.item, w.liaison, local_today() + timedelta(days=3 + i),
                           status=TaskStatus.open, leader=w.leader)
        b.join(coming, w.other_member, AssignmentStatus.claimed)
    db.session.commit()


def shown(page: str, label: str) -> str:
    return re.search(rf"<dt>{label}</dt><dd>([^<]*)</dd>", page).group(1)


def test_the_merge_page_runs_the_same_statements_however_much_b_did(
        client, login, world, count_queries):
    url = f"/admin/members/{world.other_member.id}/merge?keep={world.member.id}"
    b_worked(world, 2, 0)
    few, page = page_statements(client, login, count_queries, world.admin, url)
    # every participation is on the page, so every read of it is exercised
    assert (shown(page, "参与记录"), shown(page, "其中补录"), shown(page, "其中尚未完成的认领")) \
        == ("8", "2", "2")
    b_worked(world, 18, 2)  # ten times as much
    more, page = page_statements(client, login, count_queries, world.admin, url)
    assert (shown(page, "参与记录"), shown(page, "其中补录"), shown(page, "其中尚未完成的认领")) \
        == ("80", "20", "20")
    assert (few, more) == (STATEMENTS, STATEMENTS)
