"""提交完成 (/tasks/<id>/report) within the design's budget (docs/design.md, "## Budgets":
at most 6 statements a page, the same at 10× the data), counted as production runs a
request (tests/page_statements.py), for each who may report: the task's 组长, a liaison
and an admin. It ran 8 for each (count48): it read the reader's own place on the task
and the ids of those marked 缺席, both in the list of participants it reads anyway. Now
6: the session, the task, the participants, their namesakes, the menu's counts, the
report's photos."""
from __future__ import annotations

import re

from tests.web.manage_support import submitted_report
from tests.web.test_task_page_budget import REPORTERS, counts_of, more_people, photos_on
from tracker.extensions import db
from tracker.models import AssignmentStatus, ReportStatus


def test_the_report_form_within_the_budget(client, login, world, count_queries):
    """提交完成 of the ended task for the 组长, a liaison and an admin: 6, with two on it
    and no report, and with twenty on it — some marked 缺席 in a report returned — and
    photos. The 缺席 boxes ticked are those marked, as the report holds them."""
    past = world.past_task
    past.slots = 40
    db.session.commit()
    url = f"/tasks/{past.id}/report"
    small = counts_of(client, login, world, count_queries, url, REPORTERS)
    more_people(world, past, 18, "参加")
    submitted_report(past, world.leader, status=ReportStatus.returned, reason="人数不对")
    photos_on(world, past, 3)
    large = counts_of(client, login, world, count_queries, url, REPORTERS)
    counts = {k: v for k, v in small.items() if k in REPORTERS}
    assert counts == {"leader": 6, "liaison": 6, "admin": 6}
    assert {k: v for k, v in large.items() if k in REPORTERS} == counts
    login(world.leader)
    page = client.get(url).get_data(as_text=True)
    ticked = {int(n) for n in re.findall(
        r'<input checked id="absent-\d+" name="absent" type="checkbox" value="(\d+)">', page)}
    absent = {a.member_id for a in past.assignments if a.status == AssignmentStatus.absent}
    assert ticked == absent and len(absent) == 6
