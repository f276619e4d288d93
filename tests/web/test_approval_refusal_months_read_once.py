"""通过's refusal for one who is not an admin, asked by a page, not under 通过's locks
(``reviews.approval_refusal(lock=False)``: the report page's 通过 refused for a month
signed since its page, asked again after the service's rollback — another's decision
since said in its own words, since49's Open). A survey's findings' steps (移交, 整改)
count in their own months' 月报 (surveys51); whether each such month is 已定稿 was asked
one statement a month. It is read with the steps' days now (``step_days_plan``,
``summary_notes.day_signed``), as the 工作台's page of an approved 摸排 reads them
(surveys51): the same statements whatever the months; 通过 itself still asks each month
under its lock (docs/design.md "## Budgets": constant in the data). And the three
questions of that unlocked ask — the participants' units of the day, the activity's own
month, the steps' days with their months' 定稿 — are one statement, not three (post53:
``rollups.batch.run_together``, as ``voiding.void_refusal`` reads its page's)."""
from __future__ import annotations

from datetime import timedelta

from tests import factories as f
from tests.page_statements import counted, own_app_context
from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import FindingStatus, ReportStatus, SummaryNote
from tracker.services.reviews import approval_refusal
from tracker.timeutil import local_today, utcnow


def _months() -> list:
    """The first days of the last six months, earliest first."""
    months = [local_today().replace(day=1)]
    for _ in range(5):
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    return months


def _survey(world, held):
    """A 摸排 held on ``held``, its report waiting for review."""
    survey = b.task_on(f.item(world.unit, world.community, "facility_survey"), world.liaison,
                       held, title="雨污管网摸排")
    b.join(survey, world.member)
    b.report(survey, world.leader, ReportStatus.submitted, quantity=1)
    db.session.commit()
    return survey


def _handed_over(world, survey, day) -> None:
    found = b.finding(survey, world.leader)
    found.status, found.handed_to, found.handed_over_on = (
        FindingStatus.handed_over, "县住建局", day)
    db.session.commit()


def _loaded(*rows) -> None:
    """``rows`` read again after the test's commit (expired by it): not the refusal's."""
    for row in rows:
        db.session.refresh(row)


def _words(day) -> str:
    return (f"该活动的数据也计入{day.year}年{day.month}月的月报（摸排问题在该月移交或整改，"
            "或需求在该月完成），该月的月报已定稿，审核通过须由单位管理员操作"
            "（或由单位管理员先重新打开该月的月报）。")


def test_a_pages_approval_refusal_reads_the_steps_months_with_their_days(
        app, world, count_queries):
    """The findings handed over in one month, then in four: the unlocked refusal runs 1
    statement each time — the participants' units of the day that are 已定稿, the
    activity's own month, the steps' days with their months' 定稿, asked together (were
    3: one each, post52) — and refuses nothing; each month signed in turn, it names the
    earliest signed step month in the steps' words, in the same 1."""
    months = _months()
    survey = _survey(world, months[0].replace(day=10))
    asked = []
    for k in (1, 2, 3, 4):
        _handed_over(world, survey, months[k].replace(day=12))
        if k in (1, 4):
            _loaded(survey, world.liaison)
            with count_queries() as q:
                refusal = approval_refusal(survey, world.liaison, lock=False)
            asked.append((k, len(q.statements), refusal))
    assert asked == [(1, 1, None), (4, 1, None)]
    said = []
    for k in (3, 1):  # the later month first, then an earlier one: the earliest is named
        day = months[k]
        db.session.add(SummaryNote(scope_key=f"unit:{world.unit.id}", unit_id=world.unit.id,
                                   year=day.year, month=day.month, finalized_at=utcnow(),
                                   finalized_by_id=world.admin.id))
        db.session.commit()
        _loaded(survey, world.liaison)
        with count_queries() as q:
            refusal = approval_refusal(survey, world.liaison, lock=False)
        said.append((len(q.statements), str(refusal)))
    assert said == [(1, _words(months[3])), (1, _words(months[1]))]


def test_the_report_pages_approval_asked_again_reads_no_statement_a_month(
        client, login, world, count_queries):
    """The report page's 通过 posted by a liaison with a naming key her page never
    wrote (an admin's page, in the same browser): the service refuses it for what it
    named (``roll.NamedSince``) and the view asks the refusal again, unlocked, before it
    shows the report page. With the findings' steps in one month and then in four: the
    service's locked ask takes 3 statements a month (the unit's and the community's
    locks, whether it is 已定稿) — 通过 under its locks stays as it is —, the page's own
    ask none a month: 28 and 37 (post52: 30 and 39, the page's three questions one
    statement each; before, 31 and 43: one more a month)."""
    months = _months()
    survey = _survey(world, months[0].replace(day=10))
    report_id = survey.report.id
    url = f"/manage/reports/{report_id}/approve"
    data = {"named": f"{world.unit.id}-{months[0].year}-{months[0].month}",
            "checkins": "1", "count_checked_in": "1"}
    login(world.liaison)
    counts = {}
    for k in (1, 2, 3, 4):
        _handed_over(world, survey, months[k].replace(day=12))
        if k in (1, 4):
            with own_app_context(client):
                client.post(url, data=data)  # a worker's first
            statements, response = counted(client, count_queries, url, method="POST",
                                           data=data)
            assert response.status_code == 200
            counts[k] = len(statements)
    assert counts == {1: 28, 4: 37}
    db.session.expire_all()
    assert db.session.get(type(survey.report), report_id).status == ReportStatus.submitted
