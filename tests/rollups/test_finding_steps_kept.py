"""The county's 移交 / 整改 of a whole year, kept (``CountedFindingStepYear``), are what
``rollups.findings.moves_plan`` counts from the findings themselves — and what the rule
says, counted here by hand — after every kind of change: a step moved to another year,
a finding handed over or fixed, switched off and on, moved to another community or
found on another day, a survey's report returned and approved.

The rule (docs/design.md, “双创”进展; the 月报's 「本月移交N处、整改N处」): a finding
of an approved survey, active, is handed over in the year of its 移交 day (a row
written without the day counts from the day found) if it is 已移交 or 已整改 today, and
fixed in the year of its 整改 day (without one: of its 移交 day, else the day found) if
it is 已整改 today — whenever it was found, but never before it was found. A finding
with both steps in one year counts once among those stepped; ``earlier`` counts those
found in an earlier year.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.rollups.counted import assert_in_sync
from tracker.extensions import db
from tracker.models import (
    SURVEY_CODE,
    Finding,
    FindingKind,
    FindingStatus,
    ReportStatus,
    TaskReport,
)
from tracker.progress import queries as q
from tracker.rollups import Scope
from tracker.rollups.batch import run
from tracker.rollups.findings import moves_by_community_plan, moves_plan
from tracker.timeutil import local_today

HANDED = (FindingStatus.handed_over, FindingStatus.fixed)


def by_hand(year: int) -> tuple:
    """((handed over, fixed, found earlier, stepped), {community: (handed over, fixed)})
    of ``year``, counted finding by finding as the rule above says."""
    totals, communities = [0, 0, 0, 0], {}
    for finding in db.session.scalars(select(Finding).where(Finding.active.is_(True))):
        report = db.session.scalar(select(TaskReport).where(
            TaskReport.task_id == finding.task_id))
        if report is None or report.status != ReportStatus.approved \
                or finding.found_on.year > year:
            continue
        handed_day = finding.handed_over_on or finding.found_on
        fixed_day = finding.fixed_on or handed_day
        handed = finding.status in HANDED and handed_day.year == year
        fixed = finding.status == FindingStatus.fixed and fixed_day.year == year
        if not (handed or fixed):
            continue
        totals = [a + b for a, b in zip(totals, (handed, fixed,
                                                 finding.found_on.year < year, 1))]
        was = communities.get(finding.community_id, (0, 0))
        communities[finding.community_id] = (was[0] + handed, was[1] + fixed)
    return tuple(totals), communities


def _seen(moves) -> tuple:
    return ((moves.handed_over, moves.fixed, moves.earlier, moves.stepped),
            {key: (handed, fixed) for key, handed, fixed in moves.by_community
             if handed or fixed})


def check(years) -> None:
    """Committed (the refresh runs), each whole year's kept steps equal ``moves_plan``'s
    and the count by hand, and the kept rows what a rebuild derives."""
    db.session.commit()
    db.session.expire_all()
    for year in years:
        scope = Scope(date(year, 1, 1), date(year + 1, 1, 1))
        kept, counted = run(moves_by_community_plan(scope)), run(moves_plan(scope))
        assert _seen(kept) == _seen(counted) == by_hand(year), year
    assert_in_sync()


@pytest.fixture
def steps(world):
    """Surveys of two communities in three past years, reported approved, 待审核,
    returned and not at all, with findings at every step — some written without the
    day of a step, as rows from before the days were required are."""
    last = local_today().year - 1
    years = (last - 2, last - 1, last)
    statuses = (ReportStatus.approved, ReportStatus.approved, ReportStatus.submitted,
                ReportStatus.returned, None)
    made = {}
    for year in years:
        for com in (world.community, world.other_community):
            item = f.item(world.unit, com, SURVEY_CODE, year=year)
            for i, status in enumerate(statuses):
                survey = f.task(item, world.liaison,
                                starts_at=datetime(year, 3 + i, 10, 1, tzinfo=timezone.utc))
                if status is not None:
                    db.session.add(TaskReport(task_id=survey.id, quantity=0, people_served=0,
                                              note="摸排", status=status,
                                              submitted_by_id=world.liaison.id))
                made[(year, com.id, i)] = survey
    db.session.flush()

    def finding(key, status=FindingStatus.found, handed=None, fixed=None, to="县住建局"):
        survey = made[key]
        row = Finding(task_id=survey.id, unit_id=survey.unit_id,
                      community_id=survey.community_id, zone_id=survey.zone_id,
                      found_on=survey.service_date, kind=FindingKind.road, place="3号楼",
                      status=status, handed_to=to if handed else None, handed_over_on=handed,
                      fixed_on=fixed, created_by_id=world.liaison.id)
        db.session.add(row)
        return row

    a, b, c = years
    one, two = world.community.id, world.other_community.id
    rows = {
        # found in a, handed over in a, fixed in b: a step in each year
        "across": finding((a, one, 0), FindingStatus.fixed, date(a, 5, 1), date(b, 2, 1)),
        # both steps in b: stepped once there
        "both": finding((b, one, 0), FindingStatus.fixed, date(b, 4, 1), date(b, 9, 1)),
        # handed over in c, found two years before
        "late": finding((a, two, 1), FindingStatus.handed_over, date(c, 1, 20)),
        "found": finding((b, two, 0)),
        "open": finding((c, one, 1)),
        # rows written without a step's day
        "no_day": finding((b, one, 1), FindingStatus.handed_over, to=None),
        "fixed_no_day": finding((a, two, 0), FindingStatus.fixed, date(b, 1, 5)),
        "fixed_no_days": finding((c, two, 0), FindingStatus.fixed, to=None),
        # of a survey 待审核, returned, unreported: counted nowhere
        "pending": finding((b, one, 2), FindingStatus.fixed, date(b, 6, 1), date(c, 2, 1)),
        "returned": finding((a, one, 3), FindingStatus.handed_over, date(b, 7, 1)),
        "unreported": finding((c, two, 4), FindingStatus.handed_over, date(c, 8, 1)),
    }
    return world, years, rows, made


def test_the_kept_steps_follow_every_change(steps):
    world, years, rows, made = steps
    a, b, c = years
    one = world.community.id
    span = range(a - 1, c + 2)
    check(span)
    assert by_hand(b)[0] == (3, 3, 2, 4)  # across (fixed), both, no_day, fixed_no_day

    rows["across"].fixed_on = date(c, 3, 1)  # its 整改 moved a year on
    check(span)
    rows["late"].handed_over_on = date(b, 12, 31)  # its 移交 moved a year back
    check(span)
    rows["both"].handed_over_on = date(b, 6, 1)  # moved within its year
    check(span)
    rows["found"].status, rows["found"].handed_to = FindingStatus.handed_over, "县城管局"
    rows["found"].handed_over_on = date(c, 4, 1)  # handed over, a year after found
    check(span)
    rows["late"].status, rows["late"].fixed_on = FindingStatus.fixed, date(c, 5, 1)
    check(span)
    rows["both"].active = False  # switched off
    check(span)
    rows["both"].active = True
    check(span)
    rows["across"].community_id = world.other_community.id
    check(span)
    rows["no_day"].found_on = date(c, 1, 2)  # its 移交 (the day found) moves with it
    check(span)
    approved = db.session.scalar(select(TaskReport).where(
        TaskReport.task_id == made[(a, one, 0)].id))
    approved.status = ReportStatus.returned  # taken back: "across" counts nowhere
    check(span)
    approved.status = ReportStatus.approved
    pending = db.session.scalar(select(TaskReport).where(
        TaskReport.task_id == made[(b, one, 2)].id))
    pending.status = ReportStatus.approved  # now "pending" counts
    check(span)
    rows["fixed_no_days"].status = FindingStatus.handed_over  # a fix taken back
    check(span)


def test_the_county_year_of_the_double_view_reads_the_kept_steps(steps, count_queries):
    """The “双创”进展 of the whole county over a year reads the kept steps, not the
    findings — this year's view reads no finding at all; a community's year, and a
    part of a year, still count them from the findings (``moves_plan``); the view
    shows the same steps either way."""
    world, years, rows, _made = steps
    this_year = local_today().year
    rows["open"].status, rows["open"].handed_to = FindingStatus.handed_over, "县城管局"
    rows["open"].handed_over_on = date(this_year, 1, 1)
    db.session.commit()
    for year in (years[1], this_year):
        county = Scope(date(year, 1, 1), date(year + 1, 1, 1))
        with count_queries() as read:
            view, _off_roll = run(q.double_view_plan(county, "community"))
        statements = " ".join(read.statements)
        # moves_plan's statement is the one joining the zones
        assert "counted_finding_step_year" in statements and "JOIN zone" not in statements
        if year == this_year:
            assert "FROM finding" not in statements
        (handed, fixed, _earlier, _stepped), communities = by_hand(year)
        assert handed  # a step to show
        assert (view.total.handed_over_in, view.total.fixed_in) == (handed, fixed)
        assert {r.key: (r.handed_over_in, r.fixed_in) for r in view.rows
                if r.handed_over_in or r.fixed_in} == communities
    year = years[1]
    for scope in (Scope(date(year, 1, 1), date(year + 1, 1, 1),
                        community_ids=(world.community.id,)),
                  Scope(date(year, 1, 1), date(year, 7, 1))):
        with count_queries() as read:
            run(q.double_view_plan(scope, "community"))
        statements = " ".join(read.statements)
        assert "counted_finding_step_year" not in statements and "JOIN zone" in statements
