"""The county-wide figures of whole months and of a whole year — read from the kept
summaries (CountedMonth, CountedMemberYear, CountedMemberCategoryYear, CountedItemYear
for the checklist, CountedDoubleCommunityYear and the "双创" members for “双创”进展) —
equal a
recount by hand from the tasks, participations and reports after every kind of
write: hours confirmed on a claim, a report submitted, returned, corrected and
approved, a participation withdrawn, a report taken back, a task moved to another
month, community or category, a task called off, a 补录 and a ledger import.

The recount states the rule of docs/design.md in its own terms: a task counts
officially when its report is approved and as pending (待审核) when it is submitted,
never when it is returned or not reported; each counted task is one activity, with
its report's 完成数量 where its category has a unit for it (a survey's: its active
findings) and its 受益 where the category has a beneficiary unit; its ``done``
participations are its 人次 and minutes, and the members behind them are counted
once per period however often they took part. A checklist item's progress is the
measure its target names, over its own counted tasks dated in the item's year.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from tests import factories as f
from tests.imports.helpers import xlsx_bytes
from tests.rollups.conftest import assignment_of
from tests.rollups.counted import assert_in_sync
from tracker.extensions import db
from tracker.models import (
    SURVEY_CODE,
    Assignment,
    AssignmentStatus,
    Category,
    Finding,
    FindingKind,
    FindingStatus,
    ReportStatus,
    ResourceItem,
    Section,
    TargetMeasure,
    Task,
    TaskReport,
    TaskStatus,
)
from tracker.reference import DOUBLE_CODES
from tracker.rollups import Scope
from tracker.rollups.checklist import resource_progress
from tests.plans import resource_progress_by_category
from tests.plans import double_progress
from tracker.rollups.figures import figures, figures_by_month, trend
from tests.plans import figures_by_category
from tests.plans import findings_counts
from tracker.rollups.scope import months_between, year_range
from tracker.services import unit_of_work
from tracker.services.backfill import BackfillData, Participant, record_past_activity
from tracker.services.claims import confirm_participation, withdraw
from tracker.services.findings import (
    FindingData,
    deactivate,
    hand_over,
    mark_fixed,
    record_finding,
)
from tracker.services.ledger_import import HEADERS, check_ledger, import_ledger, read_ledger
from tracker.services.reviews import ReportData, approve_report, return_report, submit_report
from tracker.services.tasks import TaskDetails, cancel_task, update_task
from tracker.timeutil import local_today, to_local


@dataclass
class Count:
    activities: int = 0
    quantity: int = 0
    people_served: int = 0
    person_times: int = 0
    minutes: int = 0
    members: set = field(default_factory=set)


def recount(date_from: date, date_to: date, category_id: int | None = None,
            codes: tuple | None = None, community_id: int | None = None,
            item_id: int | None = None) -> dict:
    """{report status: Count} of every task of the county dated in [date_from, date_to)
    (of one category, of the categories with these codes, of one community, of one
    resource item), counted by hand from the plain rows."""
    counts = {ReportStatus.approved: Count(), ReportStatus.submitted: Count()}
    for task in db.session.scalars(select(Task)):
        report = db.session.scalar(select(TaskReport).where(TaskReport.task_id == task.id))
        if report is None or report.status not in counts:
            continue
        if not date_from <= task.service_date < date_to:
            continue
        category = db.session.get(Category, task.category_id)
        if category_id is not None and task.category_id != category_id:
            continue
        if codes is not None and category.code not in codes:
            continue
        if community_id is not None and task.community_id != community_id:
            continue
        if item_id is not None and task.resource_item_id != item_id:
            continue
        if category.code == SURVEY_CODE:
            quantity = len(db.session.scalars(select(Finding).where(
                Finding.task_id == task.id, Finding.active.is_(True))).all())
        else:
            quantity = report.quantity if category.quantity_unit else 0
        count = counts[report.status]
        count.activities += 1
        count.quantity += quantity
        count.people_served += report.people_served if category.beneficiary_unit else 0
        for done in db.session.scalars(select(Assignment).where(
                Assignment.task_id == task.id, Assignment.status == AssignmentStatus.done)):
            count.person_times += 1
            count.minutes += done.minutes or 0
            count.members.add(done.member_id)
    return counts


def as_tuple(count: Count) -> tuple:
    return (count.activities, count.quantity, count.people_served, count.person_times,
            len(count.members), count.minutes)


def shown(totals) -> tuple:
    return (totals.activities, totals.quantity, totals.people_served, totals.person_times,
            totals.members, totals.minutes)


def month_of(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    return start, date(start.year + (start.month == 12), start.month % 12 + 1, 1)


def check_county(*days: date) -> None:
    """The county-wide figures of the month and of the year of each day, overall, per
    category and per month, equal the recount."""
    db.session.expire_all()
    for day in days:
        for start, end in (month_of(day), (date(day.year, 1, 1), date(day.year + 1, 1, 1))):
            scope = Scope(start, end)
            expected = recount(start, end)
            got = figures(scope)
            assert (shown(got.official), shown(got.pending)) == (
                as_tuple(expected[ReportStatus.approved]),
                as_tuple(expected[ReportStatus.submitted])), (start, end)
            for row in figures_by_category(scope):
                expected = recount(start, end, row.category_id)
                assert (shown(row.official), shown(row.pending)) == (
                    as_tuple(expected[ReportStatus.approved]),
                    as_tuple(expected[ReportStatus.submitted])), (start, end, row.code)
            for month, point in zip(figures_by_month(scope), trend(scope)):
                first = date(month.year, month.month, 1)
                expected = recount(*month_of(first))
                official = expected[ReportStatus.approved]
                pending = expected[ReportStatus.submitted]
                assert shown(month.official)[:4] + (shown(month.official)[5],) == (
                    official.activities, official.quantity, official.people_served,
                    official.person_times, official.minutes)
                assert (point.activities, point.person_times, point.minutes,
                        point.pending_activities, point.pending_person_times) == (
                    official.activities, official.person_times, official.minutes,
                    pending.activities, pending.person_times)
            assert [(m.year, m.month) for m in trend(scope)] == months_between(start, end)
            check_findings(scope)
        check_double_members(day.year)
        check_checklist(day.year)
    assert_in_sync()


def check_findings(scope: Scope) -> None:
    """The county's findings of the scope, by kind and by status today: each active
    finding found in the period counts once — officially when its survey's report is
    approved, as pending when it is 待审核, nowhere otherwise."""
    expected = {status: Counter() for status in (ReportStatus.approved, ReportStatus.submitted)}
    for finding in db.session.scalars(select(Finding).where(Finding.active.is_(True))):
        report = db.session.scalar(select(TaskReport).where(
            TaskReport.task_id == finding.task_id))
        if report is None or report.status not in expected \
                or not scope.date_from <= finding.found_on < scope.date_to:
            continue
        expected[report.status][finding.kind] += 1
        expected[report.status][finding.status] += 1
    got = findings_counts(scope)
    for status, counts in ((ReportStatus.approved, got.official),
                           (ReportStatus.submitted, got.pending)):
        want = expected[status]
        assert {k: n for k, n in {**counts.by_kind, **counts.by_status}.items() if n} == \
            {k: n for k, n in want.items() if n}, (scope, status)
        assert counts.total == sum(want[kind] for kind in FindingKind), (scope, status)


MEASURED = {TargetMeasure.activities: "activities", TargetMeasure.beneficiaries: "people_served",
            TargetMeasure.quantity: "quantity"}


def check_checklist(year: int) -> None:
    """The county's checklist of ``year``: each item of the year (switched off or not)
    shows, in its
    target's measure, what its tasks dated that year did (approved, and 待审核 as
    pending), and each category × measure row adds up its items. Money targets count
    the funds ledger, not tasks (tests/rollups/test_checklist.py)."""
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    expected, per_category = {}, {}
    for item in db.session.scalars(select(ResourceItem).where(ResourceItem.year == year)):
        if item.target_measure == TargetMeasure.money:
            continue
        counts = recount(start, end, item_id=item.id)
        done = tuple(getattr(counts[status], MEASURED[item.target_measure])
                     for status in (ReportStatus.approved, ReportStatus.submitted))
        expected[item.id] = done
        key = (item.category.code, item.target_measure)
        per_category[key] = tuple(a + b for a, b in zip(per_category.get(key, (0, 0)), done))
    assert {row.item_id: (row.done, row.pending) for row in resource_progress(year)
            if not row.is_money} == expected
    assert {(row.category_code, row.measure): (row.done, row.pending)
            for row in resource_progress_by_category(year) if not row.is_money} == per_category


def check_double_members(year: int) -> None:
    """The “双创” view of the county's year: each community's distinct members in the
    "双创" categories — every category of the "双创" section, an admin's own too —
    (official), and across communities, where a member of two communities counts once;
    each community's work there — activities, 人次 and hours official and pending, ads
    cleared and stairwells painted (完成数量) official, pending and for the year, a
    survey's pending findings, an admin's own category's 完成数量 (its activities when
    it has no unit for one) official, pending and for the year — and the total row's."""
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    view = double_progress(Scope(start, end), by="community")
    double = db.session.scalars(select(Category).where(Category.section == Section.double)).all()
    double_codes = tuple(c.code for c in double)
    codes = {c.code: c.id for c in double if c.code in DOUBLE_CODES}
    others = [c for c in double if c.code not in DOUBLE_CODES]
    for row in [*view.rows, view.total]:
        community = row.key  # None for the total row: every community
        expected = recount(start, end, codes=double_codes, community_id=community)
        official, pending = expected[ReportStatus.approved], expected[ReportStatus.submitted]
        assert row.members == len(official.members), row.name
        assert (row.activities, row.person_times, row.minutes, row.pending_activities,
                row.pending_person_times, row.pending_minutes) == (
            official.activities, official.person_times, official.minutes,
            pending.activities, pending.person_times, pending.minutes), row.name
        quantities = {}
        for code, category_id in codes.items():
            counts = recount(start, end, category_id=category_id, community_id=community)
            quantities[code] = (counts[ReportStatus.approved].quantity,
                                counts[ReportStatus.submitted].quantity)
        assert (row.ads, row.ads_pending, row.ads_year, row.stairs, row.stairs_pending,
                row.stairs_year, row.found_pending) == (
            *quantities["ad_removal"], quantities["ad_removal"][0],
            *quantities["stairwell_painting"], quantities["stairwell_painting"][0],
            quantities[SURVEY_CODE][1]), row.name
        for category in others:
            counts = recount(start, end, category_id=category.id, community_id=community)
            measure = "quantity" if category.quantity_unit else "activities"
            official, pending = (getattr(counts[status], measure)
                                 for status in (ReportStatus.approved, ReportStatus.submitted))
            got = row.other(category.id)
            assert (got.done, got.pending, got.year) == (official, pending, official), row.name
        # the findings of approved surveys found this year: found, handed over (fixed
        # ones included: they were handed over first) and fixed
        states = [finding.status for finding in db.session.scalars(
            select(Finding).join(TaskReport, TaskReport.task_id == Finding.task_id).where(
                Finding.active.is_(True), TaskReport.status == ReportStatus.approved,
                Finding.found_on >= start, Finding.found_on < end))
            if community is None or finding.community_id == community]
        handed = [s for s in states if s in (FindingStatus.handed_over, FindingStatus.fixed)]
        assert (row.found, row.handed_over, row.fixed, row.found_year) == (
            len(states), len(handed), states.count(FindingStatus.fixed), len(states)), row.name


def submitted(world, quantity=7, people_served=30, absent=()):
    with unit_of_work():
        return submit_report(world.past_task, world.leader,
                             ReportData(quantity=quantity, people_served=people_served,
                                        note="清理楼道。", absent_ids=set(absent)))


def test_the_report_lifecycle(staffed):
    world, third = staffed
    day = world.past_task.service_date
    check_county(day)  # confirmed hours without a report count nowhere
    report = submitted(world)
    check_county(day)
    with unit_of_work():
        confirm_participation(assignment_of(world.past_task, third), third, 30)
    check_county(day)
    with unit_of_work():
        return_report(report, world.liaison, "数量有误")
    check_county(day)
    submitted(world, quantity=9, people_served=35)
    check_county(day)
    with unit_of_work():
        approve_report(report, world.liaison)
    check_county(day)


def test_the_checklist_counts_the_measure_each_item_names(staffed):
    """The same report counted as activities, as 受益 and as 完成数量, by the item its task
    belongs to; an item of another year or an inactive one is not listed."""
    world, _third = staffed
    year = world.past_task.service_date.year
    if year != world.item.year:  # 1 January: yesterday's activity is last year's, on
        # that year's line of the checklist, as a task made then would have been
        world.past_task.resource_item_id = f.item(world.unit, world.community,
                                                  world.item.category, year=year).id
        db.session.commit()
    report = submitted(world, quantity=4, people_served=25)
    item = db.session.get(ResourceItem, world.past_task.resource_item_id)
    for measure in (TargetMeasure.activities, TargetMeasure.beneficiaries,
                    TargetMeasure.quantity):
        with unit_of_work():
            item.target_measure = measure
        check_checklist(year)
        row = next(r for r in resource_progress(year) if r.item_id == item.id)
        assert (row.done, row.pending) == (0, {TargetMeasure.activities: 1,
                                               TargetMeasure.beneficiaries: 25,
                                               TargetMeasure.quantity: 4}[measure])
    with unit_of_work():
        approve_report(report, world.liaison)
    check_checklist(year)
    assert next(r for r in resource_progress(year) if r.item_id == item.id).done == 4
    with unit_of_work():
        item.active = False
    # 停用 stops new tasks from it; the item and its work still count in its year
    row = next(r for r in resource_progress(year) if r.item_id == item.id)
    assert (row.done, row.active) == (4, False)
    check_checklist(year)


def test_the_double_work_of_each_category(staffed):
    """The "双创" view counts a stairwell task's 完成数量 as stairwells painted and a
    survey's findings as its 完成数量 (pending until approved, then found), in the
    community of the task, moved from one "双创" category to the other."""
    world, _third = staffed
    task = world.past_task
    stairs = f.item(world.unit, world.community, "stairwell_painting")
    survey = f.item(world.unit, world.community, SURVEY_CODE)
    with unit_of_work():
        task.category_id, task.resource_item_id = stairs.category_id, stairs.id
    report = submitted(world, quantity=6, people_served=None)  # 个 only
    check_county(task.service_date)
    with unit_of_work():
        task.category_id, task.resource_item_id = survey.category_id, survey.id
        for kind in (FindingKind.road, FindingKind.sewer):
            record_finding(task, world.leader, FindingData(kind=kind, place="3号楼"))
    check_county(task.service_date)
    with unit_of_work():
        approve_report(report, world.liaison)
    check_county(task.service_date)
    row = next(r for r in double_progress(Scope(*year_range(task.service_date.year)),
                                          by="community").rows if r.key == world.community.id)
    assert (row.stairs, row.found, row.found_pending, row.activities) == (0, 2, 0, 1)


def test_an_admins_own_double_category_is_double_work(staffed):
    """An admin's own category of the "双创" section (共享单车整理, 完成数量 in 辆) is
    "双创" work as the three reference ones are: its 人次, hours and members count in the
    “双创” view's community rows and its 完成数量 per category, pending until approved;
    one without a unit for its 完成数量 counts its activities there instead."""
    world, _third = staffed
    task = world.past_task
    bikes = f.item(world.unit, world.community, f.category(
        "bike_tidy", "共享单车整理", quantity="辆", beneficiary=None, section=Section.double))
    with unit_of_work():
        task.category_id, task.resource_item_id = bikes.category_id, bikes.id
    report = submitted(world, quantity=120, people_served=None)  # 辆 only
    check_county(task.service_date)
    with unit_of_work():
        approve_report(report, world.liaison)
    check_county(task.service_date)
    row = next(r for r in double_progress(Scope(*year_range(task.service_date.year)),
                                          by="community").rows if r.key == world.community.id)
    assert (row.other(bikes.category_id).done, row.activities) == (120, 1)
    assert row.person_times > 0 and row.members > 0
    patrol = f.item(world.unit, world.community, f.category(
        "night_patrol", "文明劝导", quantity=None, beneficiary=None, section=Section.double))
    with unit_of_work():
        task.category_id, task.resource_item_id = patrol.category_id, patrol.id
    check_county(task.service_date)
    row = next(r for r in double_progress(Scope(*year_range(task.service_date.year)),
                                          by="community").rows if r.key == world.community.id)
    assert (row.other(patrol.category_id).done, row.other(bikes.category_id).done) == (1, 0)


def test_the_findings_of_a_survey_through_their_lifecycle(staffed):
    """A survey's findings count nowhere until its report is in, as pending while it is
    待审核, officially once approved — each with its kind and its status today, after
    it is handed over and fixed — and not at all once deactivated (or when the report
    is returned: the test below)."""
    world, _third = staffed
    task = world.past_task
    survey = f.item(world.unit, world.community, SURVEY_CODE)
    with unit_of_work():
        task.category_id, task.resource_item_id = survey.category_id, survey.id
        found = [record_finding(task, world.leader, FindingData(kind=kind, place="3号楼"))
                 for kind in (FindingKind.road, FindingKind.sewer, FindingKind.sidewalk)]
    day = task.service_date
    check_county(day)  # no report yet
    report = submitted(world, quantity=None, people_served=None)  # its findings
    check_county(day)
    with unit_of_work():
        hand_over(found[0], world.liaison, "县住建局", day)
        hand_over(found[1], world.liaison, "县城管局", day)
    check_county(day)
    with unit_of_work():
        mark_fixed(found[1], world.liaison, day)
        deactivate(found[2], world.liaison, "重复登记")
        found[0].kind = FindingKind.other
    check_county(day)
    with unit_of_work():
        approve_report(report, world.liaison)
    check_county(day)
    counts = findings_counts(Scope(*year_range(day.year)))
    assert (counts.official.total, counts.official.handed_over, counts.official.fixed,
            counts.pending.total) == (2, 2, 1, 0)


def test_a_returned_survey_takes_its_findings_out(staffed):
    world, _third = staffed
    task = world.past_task
    survey = f.item(world.unit, world.community, SURVEY_CODE)
    with unit_of_work():
        task.category_id, task.resource_item_id = survey.category_id, survey.id
        record_finding(task, world.leader, FindingData(kind=FindingKind.road, place="3号楼"))
    report = submitted(world, quantity=None, people_served=None)  # its findings
    check_county(task.service_date)
    with unit_of_work():
        return_report(report, world.liaison, "请补充照片。")
    check_county(task.service_date)
    assert findings_counts(Scope(*year_range(task.service_date.year))).pending.total == 0


def test_a_participation_withdrawn_and_a_report_taken_back(staffed):
    world, _third = staffed
    day = world.past_task.service_date
    report = submitted(world)
    with unit_of_work():
        db.session.delete(assignment_of(world.past_task, world.member))
    check_county(day)
    with unit_of_work():
        db.session.delete(report)
    check_county(day)


def test_a_claim_and_its_withdrawal_on_an_open_task_count_nowhere(staffed):
    world, _third = staffed
    submitted(world)  # something counted already, which they must leave as it is
    with unit_of_work():
        db.session.add(Assignment(task_id=world.task.id, member_id=world.other_member.id,
                                  status=AssignmentStatus.claimed))
    check_county(world.task.service_date, world.past_task.service_date)
    with unit_of_work():
        withdraw(assignment_of(world.task, world.other_member), world.other_member)
    check_county(world.task.service_date, world.past_task.service_date)


def test_a_task_moved_to_another_month(staffed):
    world, _third = staffed
    task = world.past_task
    old_day = task.service_date
    submitted(world)
    starts = to_local(task.starts_at).replace(tzinfo=None) - timedelta(days=40)
    with unit_of_work():
        update_task(task, world.liaison, TaskDetails(
            title=task.title, place=task.place, starts_local=starts,
            ends_local=starts + (task.ends_at - task.starts_at), slots=task.slots))
    assert task.service_date.month != old_day.month
    check_county(old_day, task.service_date)


def test_a_task_moved_to_another_community_and_category(staffed):
    world, _third = staffed
    task = world.past_task
    submitted(world)
    with unit_of_work():
        task.community_id = world.other_community.id
        task.category_id = world.other_item.category_id
        task.resource_item_id = world.other_item.id
    check_county(task.service_date)
    with unit_of_work():
        approve_report(task.report, world.other_liaison)  # the liaison of where it is now
    check_county(task.service_date)


def test_a_task_called_off_counts_nowhere(staffed):
    world, _third = staffed
    submitted(world)
    with unit_of_work():
        cancel_task(world.task, world.liaison, "天气原因")
    assert world.task.status == TaskStatus.cancelled
    check_county(world.task.service_date, world.past_task.service_date)


def test_a_backfilled_activity(world):
    day = local_today() - timedelta(days=3)
    starts = datetime(day.year, day.month, day.day, 9)
    with unit_of_work():
        task = record_past_activity(world.liaison, world.item, BackfillData(
            title="楼道清理", place="3号楼", starts_local=starts,
            ends_local=starts + timedelta(hours=2),
            participants=[Participant(world.member), Participant(world.other_member, 30)],
            leader=world.member, note="清理楼道杂物。"))
    check_county(task.service_date)


def test_a_ledger_import(world):
    days = [local_today() - timedelta(days=n) for n in (5, 35)]
    rows = [{"日期": day.isoformat(), "开始": "09:00", "结束": "11:00", "单位": world.unit.name,
             "社区": world.community.name, "类别": world.item.category.name,
             "活动": f"补录活动{n}",
             "地点": "党群服务中心", "姓名": member.name, "手机号": member.phone,
             "组长": "组长" if member == world.member else "", "完成数量": "", "受益": "",
             "情况说明": "清理楼道杂物。"}
            for n, day in enumerate(days) for member in (world.member, world.other_member)]
    sheet = xlsx_bytes(([values.get(h, "") for h in HEADERS] for values in rows), HEADERS)
    with unit_of_work():
        # the preview records every activity in a savepoint it rolls back: what that
        # would have moved in the summaries goes with it, in the same transaction
        # as an import that keeps them
        check_ledger(world.admin, read_ledger("台账.xlsx", sheet).rows)
        result = import_ledger(world.admin, read_ledger("台账.xlsx", sheet).rows)
    assert result.activities == 2
    check_county(*days)


def test_county_wide_whole_months_read_the_summaries(world, count_queries):
    """What the tests above prove is the kept path: a county-wide month or year reads
    the summaries, a community's or a part of a month the counted rows."""
    year = local_today().year
    with count_queries() as county_year:
        figures(Scope(date(year, 1, 1), date(year + 1, 1, 1)))
        figures_by_category(Scope(date(year, 1, 1), date(year + 1, 1, 1)))
        trend(Scope(date(year, 1, 1), date(year + 1, 1, 1)))
        double_progress(Scope(date(year, 1, 1), date(year + 1, 1, 1)), by="community")
    read = " ".join(county_year.statements)
    assert "counted_month" in read and "counted_member_year" in read
    assert "counted_category_member_total" in read and "counted_double_member_year" in read
    assert "counted_participation" not in read
    with count_queries() as county_double:
        double_progress(Scope(date(year, 1, 1), date(year + 1, 1, 1)), by="community")
    read = " ".join(county_double.statements)
    assert "counted_double_community_year" in read and "counted_double_member_any_year" in read
    assert "counted_finding_community_year" in read
    assert "counted_task" not in read and "FROM finding" not in read
    with count_queries() as county_findings:
        findings_counts(Scope(date(year, 1, 1), date(year + 1, 1, 1)))
    read = " ".join(county_findings.statements)
    assert "counted_finding_month" in read
    assert "counted_task" not in read and "FROM finding" not in read
    # the kept findings hold today's statuses: months over count those of their end
    # from the findings' dates
    with count_queries() as past_months:
        findings_counts(Scope(date(year - 1, 3, 1), date(year - 1, 5, 1)))
    assert "counted_finding_month" not in " ".join(past_months.statements)
    with count_queries() as county_checklist:
        resource_progress_by_category(year)
        resource_progress(year)
    read = " ".join(county_checklist.statements)
    assert "counted_item_year" in read and "counted_task" not in read
    with count_queries() as community_year:
        figures(Scope(date(year, 1, 1), date(year + 1, 1, 1),
                      community_ids=(world.community.id,)))
        figures(Scope(date(year, 1, 1), date(year, 1, 15)))
        double_progress(Scope(date(year, 1, 1), date(year + 1, 1, 1),
                              community_ids=(world.community.id,)), by="community")
        resource_progress_by_category(year, community_ids=(world.community.id,))
        resource_progress_by_category(year, unit_id=world.unit.id)
        findings_counts(Scope(date(year, 1, 1), date(year + 1, 1, 1),
                              community_ids=(world.community.id,)))
    read = " ".join(community_year.statements)
    assert "counted_month" not in read and "counted_member" not in read
    assert "counted_item_year" not in read and "counted_double" not in read
    assert "counted_finding" not in read
