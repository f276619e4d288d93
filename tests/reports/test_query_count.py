"""A month's summary runs the same small number of SQL statements whatever the data size."""
from datetime import datetime, timedelta, timezone

from tests import factories as f
from tests.page_statements import page_statements
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


# The design's budget: at most 6 statements a page (docs/design.md), whoever reads it.
BUDGET = 6


def test_a_signed_months_page_within_the_budget(october, client, login, count_queries):
    """The 月报 page of a 已定稿 month keeps the budget for an admin, a liaison who sees
    the whole unit (served the signed document) and a liaison of a part (served their
    live part): the kept document comes with the month's words, in one statement
    (session 34: a statement of its own put a liaison's page at 7, counted as the tests
    then counted)."""
    url = f"/reports/?unit={october.unit.id}&month=2022-10"
    login(october.admin)
    assert client.post(f"/reports/finalize?unit={october.unit.id}&month=2022-10",
                       data={"confirmed": "1"}).status_code == 302
    counts, pages = {}, {}

    def measure(who, label):
        counts[label], pages[label] = page_statements(client, login, count_queries, who, url)

    measure(october.admin, "admin")
    measure(october.liaison, "liaison, whole unit")  # manages both communities
    october.liaison.communities = [october.jianshe]
    db.session.commit()
    measure(october.liaison, "liaison, a part")
    assert {who: n <= BUDGET for who, n in counts.items()} == dict.fromkeys(counts, True), counts
    # and today's exact counts, counted as production runs a request (docs/performance.md,
    # session 35: the liaison's communities come with the session lookup, so a liaison's
    # page runs what an admin's does): one more within the budget is still a change to
    # look at
    assert counts == {"admin": 5, "liaison, whole unit": 5, "liaison, a part": 5}
    # the signed document to the whole unit's readers, the live part to the other
    told = {who: [n for n in ("final_part", "current_data") if f'data-figure="{n}"' in page]
            for who, page in pages.items()}
    assert told == {"admin": [], "liaison, whole unit": [], "liaison, a part": ["final_part"]}
