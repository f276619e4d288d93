"""来源 in the ledger and the service record: 现场签到 when someone checked in on site,
组长提交 when the work came in only through the leader's report (issue 11; 补录 is
proven through the form in tests/web/test_manage_backfill.py)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.services.test_claims import assignment_of
from tracker.extensions import db
from tests.plans import ledger_rows
from tracker.reports.records import service_record
from tracker.rollups.scope import Scope
from tracker.services import unit_of_work
from tracker.services.claims import confirm_participation
from tracker.services.reviews import ReportData, approve_report, submit_report
from tracker.timeutil import utcnow


@pytest.mark.parametrize("checked_in, source", [(True, "现场签到"), (False, "组长提交")])
def test_an_approved_activity_says_where_it_came_from(world, checked_in, source):
    task = world.past_task
    with unit_of_work():
        for member in (world.member, world.leader):
            mine = assignment_of(task, member)
            if checked_in and member is world.member:
                mine.checked_in_at = utcnow() - timedelta(days=1)
            confirm_participation(mine, member, 60)
        approve_report(submit_report(task, world.leader, ReportData(None, None, "已完成。")),
                       world.liaison)
    db.session.expire_all()
    day = task.service_date
    [row] = ledger_rows(Scope(date_from=day, date_to=day + timedelta(days=1)))
    assert row.source == source  # the activity: anyone checked in
    record = service_record(world.leader, day.year)
    assert [r.source for r in record.rows] == ["组长提交"]  # the leader did not check in
    record = service_record(world.member, day.year)
    assert [r.source for r in record.rows] == [source]
    assert record.table().rows[0][-1] == source
