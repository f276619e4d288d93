"""A month's summary runs the same small number of SQL statements whatever the data size."""
from datetime import datetime, timedelta, timezone

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, ReportStatus, TaskReport
from tracker.reports.summary import build_summary


def count(count_queries, october) -> int:
    db.session.expire_all()
    with count_queries() as q:
        build_summary(2022, 10, unit=october.unit)
    return q.count


def test_summary_statements_do_not_grow(october, count_queries):
    small = count(count_queries, october)
    item = f.item(october.unit, october.jianshe, "ad_removal", year=2022, zone=october.zone1)
    people = list(october.members.values())
    for n in range(60):
        task = f.task(item, october.liaison,
                      starts_at=datetime(2022, 10, 1, 1, tzinfo=timezone.utc) + timedelta(hours=n * 7))
        for person in people[:5]:
            db.session.add(Assignment(task_id=task.id, member_id=person.id,
                                      status=AssignmentStatus.done, minutes=60))
        db.session.add(TaskReport(task_id=task.id, quantity=3, people_served=0, note="清除",
                                  status=ReportStatus.approved, submitted_by_id=october.liaison.id,
                                  reviewed_by_id=october.liaison.id))
    db.session.commit()
    assert build_summary(2022, 10, unit=october.unit).totals.activities == 74
    assert count(count_queries, october) == small
    assert small <= 30
