"""A year's summary runs the same small number of SQL statements whatever the data size
(review "annual2" #5): the year's figures, its twelve months and its checklist are one
batch, so more activities, months with work or communities add rows, not statements."""
from datetime import datetime, timedelta, timezone

from tests import factories as f
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, ReportStatus, TaskReport
from tracker.reports.annual import build_annual

# the statements measured on the October 2022 dataset (docs/performance.md): the
# session's own reads (unit, communities, the year's words, its 已定稿 months) and the batch
STATEMENTS = 4


def count(count_queries, october) -> int:
    db.session.expire_all()
    with count_queries() as q:
        build_annual(2022, unit=october.unit)
    return q.count


def test_annual_statements_do_not_grow(october, count_queries):
    small = count(count_queries, october)
    before = build_annual(2022, unit=october.unit).figures.totals.activities
    item = f.item(october.unit, october.jianshe, "ad_removal", year=2022, zone=october.zone1)
    people = list(october.members.values())
    # 60 activities spread over every month of the year, 5 people each
    for n in range(60):
        task = f.task(item, october.liaison,
                      starts_at=datetime(2022, 1 + n % 12, 3 + n // 12, 1, tzinfo=timezone.utc)
                      + timedelta(hours=n))
        for person in people[:5]:
            db.session.add(Assignment(task_id=task.id, member_id=person.id,
                                      status=AssignmentStatus.done, minutes=60))
        db.session.add(TaskReport(task_id=task.id, quantity=3, people_served=0, note="清除",
                                  status=ReportStatus.approved, submitted_by_id=october.liaison.id,
                                  reviewed_by_id=october.liaison.id))
    db.session.commit()
    assert build_annual(2022, unit=october.unit).figures.totals.activities == before + 60
    assert count(count_queries, october) == small
    assert small <= STATEMENTS


def test_the_page_statements_for_an_admin_and_a_liaison(october, client, login, count_queries):
    """The page: login and menu, the pickers and the document in one batch. A liaison's
    unit asks whether they manage every community each month of the year touched, and
    its signed document covers, in one statement (``year_notes.year_outside``): 2 more
    than an admin's in all, whatever the data."""
    url = f"/reports/annual?unit={october.unit.id}&year=2022"
    counts = {}
    for who in ("admin", "liaison"):
        login(getattr(october, who))
        client.get(url)  # warm: the session's first read of the menu lists
        db.session.expire_all()
        with count_queries() as q:
            assert client.get(url).status_code == 200
        counts[who] = q.count
    # measured on the October 2022 dataset (docs/performance.md)
    assert counts["admin"] <= 6
    assert counts["liaison"] <= 8
