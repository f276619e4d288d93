"""合并账号's confirmation page (/admin/members/<B>/merge?keep=<A>) runs the same few
statements however much work the duplicate account B has (docs/design.md, "Budgets":
constant in the data size). It read each participation's task and report one by one —
two statements a participation, about 125 for an account of the county's average 50
(count48 #1)."""
from __future__ import annotations

import re
from datetime import timedelta

from tests import factories as f
from tests.page_statements import page_statements
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import AssignmentStatus, ReportStatus, TaskStatus, WaitlistEntry
from tracker.timeutil import local_today

# the session; the two accounts with their units and stays, and the accounts the form
# offers to keep (one JSON column); whether either is merged already, what moves of B's
# participations and 候补, the five counts (led, 补录申请, needs, communities, residents),
# both accounts' approved days and the approved activities either leads, as one; the
# tasks both took part in and the hours both counted, as one; the signed months (the
# units', the communities') and years, as one; the menu. 16 before session 49 (the
# stays, the merged check, A's days and the signed months' and years' three reads were a
# statement each); 11 before session 50 (B's participations, B's 候补, the activities
# led, the tasks both took part in, the accounts to keep: a statement each, and the
# tasks both took part in two once there were any)
STATEMENTS = 6


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


def b_blocked(w, k: int, start: int) -> None:
    """k of each: a coming activity both accounts claimed (the merge's conflict), a
    pair of activities at the same hours both are done on (its overlap), a 候补 place of
    B's, and another account of the unit the form offers to keep."""
    for i in range(start, start + k):
        day = local_today() - timedelta(days=100 + i)
        both = b.task_on(w.item, w.liaison, local_today() + timedelta(days=40 + i),
                         status=TaskStatus.open, title=f"都认领{i:02}")
        b.join(both, w.member, AssignmentStatus.claimed)
        b.join(both, w.other_member, AssignmentStatus.claimed)
        mine = b.task_on(w.item, w.liaison, day, title=f"甲的{i:02}")
        b.join(mine, w.member)
        theirs = b.task_on(w.item, w.liaison, day, title=f"乙的{i:02}")
        b.join(theirs, w.other_member)
        full = b.task_on(w.item, w.liaison, local_today() + timedelta(days=60 + i),
                         status=TaskStatus.open, title=f"候补{i:02}")
        db.session.add(WaitlistEntry(task_id=full.id, member_id=w.other_member.id))
        f.member(w.unit, name=f"同单位{i:02}")
    db.session.commit()


def test_what_refuses_a_merge_is_named_in_the_same_statements(
        client, login, world, count_queries):
    """The tasks both accounts took part in, the pairs of activities at the same hours,
    B's 候补 and the accounts to keep are all on the page, the same statements however
    many (the tasks both took part in were two statements once there were any)."""
    url = f"/admin/members/{world.other_member.id}/merge?keep={world.member.id}"
    for k, start in ((1, 0), (9, 1)):
        b_blocked(world, k, start)
        n, page = page_statements(client, login, count_queries, world.admin, url)
        total = start + k
        conflicts = page[page.index('id="conflicts"'):page.index('id="overlaps"')]
        overlaps = page[page.index('id="overlaps"'):]
        overlaps = overlaps[:overlaps.index("</ul>")]
        # each by its start: the conflicts by their coming days, the pairs by A's
        assert re.findall(r"都认领(\d\d)", conflicts) == [f"{i:02}" for i in range(total)]
        assert re.findall(r"“甲的(\d\d)”.*?与“乙的(\d\d)”", overlaps) == [
            (f"{i:02}", f"{i:02}") for i in reversed(range(total))]
        assert shown(page, "候补记录") == str(total)
        offered = re.findall(r"<option value=\"\d+\">同单位(\d\d)", page)
        assert offered == [f"{i:02}" for i in range(total)]
        assert n == STATEMENTS
