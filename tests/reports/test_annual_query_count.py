"""A year's summary runs the same small number of SQL statements whatever the data size
(review "annual2" #5): the year's figures, its twelve months and its checklist are one
batch, so more activities, months with work or communities add rows, not statements."""
from datetime import date, datetime, timedelta, timezone

from tests import factories as f
from tests.page_statements import page_statements
from tracker.extensions import db
from tracker.models import Assignment, AssignmentStatus, ReportStatus, SummaryScope, TaskReport
from tracker.reports import annual_final
from tracker.reports.annual import annual_plan, build_annual
from tracker.services import unit_of_work, year_notes

# the statements measured on the October 2022 dataset (docs/performance.md): the unit
# (read again after expire_all), the year's words with its 已定稿 months (one
# statement since session 34) and the batch
STATEMENTS = 3


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


def test_a_month_begun_adds_no_select_to_the_batch(october):
    """分月统计's months are counted from the year's own reads — its counted tasks
    grouped by month and category, its participations read once for the year and every
    month — so a year with twelve months begun asks the batch as many SELECTs as one
    with a single month (it asked two more per month: the month's tasks and its
    participations)."""
    def selects(today):
        return len({id(part) for part in annual_plan(2022, unit=october.unit,
                                                     today=today).parts})

    assert selects(date(2022, 12, 15)) == selects(date(2022, 1, 15))


# The design's budget: at most 6 statements a page (docs/design.md), whoever reads it.
BUDGET = 6


def test_the_page_statements_for_an_admin_and_a_liaison(october, client, login, count_queries):
    """The 年度总结 page keeps the budget for each of its readers: an admin, a liaison
    who manages every community of the unit's year (``routes._selection`` for a year: the
    whole unit, the admin's document, compared with its signed months) and a liaison
    who sees a part of it, counted as production runs a request (tests/page_statements.py).
    A liaison's communities come with the session lookup (session 35; with the year's
    reach in session 34, "liaisonq"), and the year's words with its signed months: they
    were a statement each, 7 for a part and 8 for the whole unit."""
    url = f"/reports/annual?unit={october.unit.id}&year=2022"
    counts = {}

    def measure(who) -> int:
        return page_statements(client, login, count_queries, who, url)[0]

    counts["admin"] = measure(october.admin)
    counts["liaison, whole unit"] = measure(october.liaison)  # manages both communities
    october.liaison.communities = [october.jianshe]
    db.session.commit()
    counts["liaison, a part"] = measure(october.liaison)
    assert {who: n <= BUDGET for who, n in counts.items()} == dict.fromkeys(counts, True), counts
    # and today's exact counts (docs/performance.md, session 34): one more within the
    # budget is still a change to look at
    assert counts == {"admin": 5, "liaison, whole unit": 6, "liaison, a part": 6}


def test_a_year_with_words_and_a_signed_year_within_the_budget(october, client, login,
                                                                count_queries):
    """Words written for the year bring its 定稿记录 (asked in the page's batch), a
    已定稿 year its kept document (read with the year's words, for the reader): neither
    is a statement of its own (session 34: they put a liaison's page at 7 and 8, an
    admin's at 7). The admin and the liaison of every community are served the signed
    document; the liaison of a part their live part."""
    url = f"/reports/annual?unit={october.unit.id}&year=2022"
    scope = SummaryScope(unit_id=october.unit.id)

    def measure(who) -> tuple[int, str]:
        return page_statements(client, login, count_queries, who, url)

    def readers() -> dict:
        october.liaison.communities = [october.jiefang, october.jianshe]
        db.session.commit()
        found = {"admin": measure(october.admin),
                 "liaison, whole unit": measure(october.liaison)}
        october.liaison.communities = [october.jianshe]
        db.session.commit()
        found["liaison, a part"] = measure(october.liaison)
        return found

    with unit_of_work():
        year_notes.save_year_notes(october.admin, scope, 2022, "人手不足", "")
    words = readers()
    with unit_of_work():
        annual_final.finalize_year(october.admin, scope, 2022, today=date(2023, 1, 5))
    signed = readers()
    counts = {(when, who): n for when, found in (("words", words), ("signed", signed))
              for who, (n, _page) in found.items()}
    assert {key: n <= BUDGET for key, n in counts.items()} == dict.fromkeys(counts, True), counts
    # and today's exact counts (docs/performance.md, session 34): one more within the
    # budget is still a change to look at
    assert counts == {(when, who): 5 if who == "admin" else 6
                      for when in ("words", "signed")
                      for who in ("admin", "liaison, whole unit", "liaison, a part")}
    assert {who: "已定稿" in page and "人手不足" in page for who, (_n, page) in signed.items()} == {
        "admin": True, "liaison, whole unit": True, "liaison, a part": True}
    # the 定稿记录: the admin's and the whole unit's liaison's, not the part's
    listed = {who: "第1次定稿" in page for who, (_n, page) in signed.items()}
    assert listed == {"admin": True, "liaison, whole unit": True, "liaison, a part": False}


def test_the_pages_batch_is_combined_once_and_reads_afresh(october, client, login,
                                                           monkeypatch):
    """The year's, its months' and its checklist's statements are built once per scope
    in a process (``rollups.batch.built_once``, as the 月报's are), so the page's ~40
    SELECTs are put together into one statement once: the second look combines none,
    and still counts an activity approved in between."""
    from tracker.rollups import batch

    activities = build_annual(2022, unit=october.unit).figures.totals.activities
    batch.forget_built()
    combined = []
    real = batch.combined
    monkeypatch.setattr(batch, "combined", lambda parts: combined.append(parts) or real(parts))
    login(october.admin)
    url = f"/reports/annual?unit={october.unit.id}&year=2022"
    before = client.get(url).get_data(as_text=True)
    assert len(combined) == 1
    item = f.item(october.unit, october.jianshe, "ad_removal", year=2022, zone=october.zone1)
    task = f.task(item, october.liaison,
                  starts_at=datetime(2022, 3, 3, 1, tzinfo=timezone.utc))
    db.session.add(TaskReport(task_id=task.id, quantity=3, people_served=0, note="清除",
                              status=ReportStatus.approved, submitted_by_id=october.liaison.id,
                              reviewed_by_id=october.liaison.id))
    db.session.commit()
    after = client.get(url).get_data(as_text=True)
    assert len(combined) == 1  # not combined again
    assert after != before
    assert build_annual(2022, unit=october.unit).figures.totals.activities == activities + 1


def test_only_a_year_with_words_asks_for_its_finalisations(october, client, login, monkeypatch):
    """The 定稿记录 (``annual_final.history_plan``) is read in the page's batch only for a
    year with words: a year without has never been signed (a kept document belongs to
    its words), and asked all the same it came back empty and was dropped."""
    from tracker.rollups import batch

    real = batch.combined
    combined = []
    monkeypatch.setattr(batch, "combined", lambda parts: combined.append(parts) or real(parts))
    login(october.admin)
    url = f"/reports/annual?unit={october.unit.id}&year=2022"

    def asks_the_record() -> bool:
        batch.forget_built()
        combined.clear()
        assert client.get(url).status_code == 200
        (parts,) = combined
        return any("year_copy" in str(part.compile(dialect=db.engine.dialect))
                   for part in parts)

    assert not asks_the_record()
    with unit_of_work():
        year_notes.save_year_notes(october.admin, SummaryScope(unit_id=october.unit.id), 2022,
                                   "人手不足", "")
    assert asks_the_record()
