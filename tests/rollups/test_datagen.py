"""`flask generate-data` builds a consistent history in every state, in bulk."""
from __future__ import annotations

from sqlalchemy import delete, func, select

from tests.owed_marks import assert_marks_follow_the_rule
from tests.rollups.counted import assert_in_sync
from tracker.datagen import name_served
from tracker.participation import unfilled
from tracker.rollups import Scope
from tracker.rollups.batch import run
from tracker.rollups.figures import figures as scope_figures
from tracker.rollups.served import named_rows
from tracker.services import ServiceError
from tracker.services.tasks import check_item_takes_activities
from tracker.extensions import db
from tracker.models import (
    Assignment,
    AssignmentStatus,
    Finding,
    FindingStatus,
    FundEntry,
    Category,
    CountedMonth,
    CountedServed,
    CountedServedTotal,
    CountedServedYear,
    Member,
    ReportStatus,
    Resident,
    ResourceItem,
    Role,
    Task,
    TaskReport,
    TaskStatus,
    Unit,
    task_resident,
)
from tracker.services.residents import VISIT_KINDS

ARGS = ["generate-data", "--members", "120", "--communities", "3", "--zones", "6",
        "--tasks", "400", "--assignments", "2400", "--years", "2", "--seed", "7", "--batch", "500"]


def count(model, *where) -> int:
    return db.session.scalar(select(func.count(model.id)).where(*where))


def test_generate_data_builds_every_state(app, runner):
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 0, result.output
    assert "task: 400" in result.output and "assignment: 2400" in result.output
    assert count(Task) == 400 and count(Assignment) == 2400 and count(Member) == 120
    for status in TaskStatus:
        assert count(Task, Task.status == status), status
    for status in AssignmentStatus:
        assert count(Assignment, Assignment.status == status), status
    for status in ReportStatus:
        assert count(TaskReport, TaskReport.status == status), status
    for status in FindingStatus:
        assert count(Finding, Finding.status == status), status
    assert count(Member, Member.role == Role.admin) == 1
    assert count(Member, Member.role == Role.liaison) == 3
    # Slots are never over-booked and every holding participation is counted.
    holding = select(func.count(Assignment.id)).where(
        Assignment.task_id == Task.id, Assignment.status != AssignmentStatus.withdrawn
    ).scalar_subquery()
    assert count(Task, Task.taken != holding) == 0
    assert count(Task, Task.taken > Task.slots) == 0
    # The official figures are those of the approved reports.
    figures = scope_figures(Scope())
    assert figures.official.activities == count(TaskReport, TaskReport.status == ReportStatus.approved)
    assert figures.pending.activities == count(TaskReport, TaskReport.status == ReportStatus.submitted)
    done_and_counted = count(Assignment, Assignment.status == AssignmentStatus.done,
                             Assignment.task_id == TaskReport.task_id,
                             TaskReport.status.in_((ReportStatus.approved, ReportStatus.submitted)))
    assert figures.official.person_times + figures.pending.person_times == done_and_counted > 0
    # The rows were written around the ORM, so the derived tables were built in bulk
    # afterwards: they are exactly what the after-flush hook would have kept.
    assert_in_sync()
    # … and so was every task's "owes a report" mark.
    assert_marks_follow_the_rule()


def test_generate_data_adds_to_what_is_there(app, runner):
    assert runner.invoke(args=ARGS).exit_code == 0
    assert runner.invoke(args=ARGS).exit_code == 0
    assert count(Task) == 800
    assert db.session.scalar(select(func.count(func.distinct(Member.phone)))) == 240
    # New rows after a bulk load get fresh ids (PostgreSQL sequences were moved on).
    unit = Unit(name="县新单位")
    db.session.add(unit)
    db.session.commit()
    assert unit.id > 2


def test_generated_tasks_are_on_items_the_app_makes_tasks_on(app, runner):
    """Every generated task is one the app could have made: its checklist item passes
    the app's own check (``check_item_takes_activities`` — 共建活动经费 is money, kept in
    the funds ledger, not activities); the money of those items is in the funds ledger,
    entered as money, on no task."""
    assert runner.invoke(args=ARGS).exit_code == 0
    refused = []
    for task in db.session.scalars(select(Task)):
        try:
            check_item_takes_activities(db.session.get(ResourceItem, task.resource_item_id))
        except ServiceError:
            refused.append(task.id)
    assert refused == []
    assert count(FundEntry) > 0
    assert count(FundEntry, FundEntry.task_id.is_not(None)) == 0


def test_generated_visits_name_their_served_only_when_asked(app, runner):
    """The default set names no 服务对象 (the one earlier benchmarks were measured on)."""
    assert runner.invoke(args=ARGS).exit_code == 0
    assert count(Resident) == 0
    assert db.session.scalar(select(func.count()).select_from(task_resident)) == 0


def test_a_set_naming_no_served_is_not_out_of_date(app, runner):
    """A generated set whose visits name no 服务对象 has its 服务对象 summaries empty by
    design: reusing it (``bench/run.py --reuse``) finds nothing to derive again. A
    derived table emptied while its source has rows is out of date, and named."""
    assert runner.invoke(args=ARGS).exit_code == 0
    connection = db.session.connection()
    empty = [model.__tablename__ for model in (CountedServedYear, CountedServedTotal)
             if not connection.scalar(select(func.count()).select_from(model))]
    assert empty == ["counted_served_year", "counted_served_total"]
    assert unfilled(connection) == []
    connection.execute(delete(CountedMonth))
    assert unfilled(connection) == ["counted_month"]
    db.session.rollback()
    # a set that names them, whose counted 服务对象 were lost: owed
    assert name_served(vacuum=False)
    connection = db.session.connection()
    assert unfilled(connection) == []
    connection.execute(delete(CountedServed))
    assert unfilled(connection) == ["counted_served"]
    db.session.rollback()


def test_generated_visits_name_as_many_as_their_beneficiaries(app, runner):
    """With --served every community has a register, and every visit with a report names
    exactly as many residents as its 受益, of its community and of the kind its category
    serves, each recorded (consent) before the visit; no other task names any. The same
    households are visited again, so the households served are fewer than the 户次, and
    each visit category's count is the distinct residents its approved visits name."""
    result = runner.invoke(args=[*ARGS, "--served"])
    assert result.exit_code == 0, result.output
    named: dict[int, list[Resident]] = {}
    for task_id, resident in db.session.execute(
            select(task_resident.c.task_id, Resident)
            .join(Resident, Resident.id == task_resident.c.resident_id)):
        named.setdefault(task_id, []).append(resident)
    visits = 0
    served_by: dict[int, set[int]] = {}
    beneficiaries: dict[int, int] = {}
    for task in db.session.scalars(select(Task)):
        code = task.category.code
        residents = named.get(task.id, [])
        if code not in VISIT_KINDS or task.report is None:
            assert residents == [], task.id
            continue
        visits += 1
        assert len(residents) == task.report.people_served, task.id
        assert {r.community_id for r in residents} <= {task.community_id}
        assert {r.category for r in residents} <= {VISIT_KINDS[code]}
        assert all(r.consent_date <= task.service_date for r in residents)
        if task.report.status == ReportStatus.approved:
            served_by.setdefault(task.category_id, set()).update(r.id for r in residents)
            beneficiaries[task.category_id] = (beneficiaries.get(task.category_id, 0)
                                               + task.report.people_served)
    assert visits > 20
    counted = run(named_rows(Scope()))
    for code in VISIT_KINDS:
        category = db.session.scalar(select(Category.id).where(Category.code == code))
        assert counted[category] == len(served_by[category]) < beneficiaries[category]
    # added to a set that already names them: nothing named twice
    before = db.session.scalar(select(func.count()).select_from(task_resident))
    assert name_served() == {}
    assert db.session.scalar(select(func.count()).select_from(task_resident)) == before


def test_generated_surveys_count_their_active_findings(app, runner):
    """A survey's 完成数量 is the number of its active findings, and a finding of an
    approved survey is never deleted (the app refuses it): the generated history holds
    both rules, so a bench world never shows 3处 on a survey's page and 2处 in its 月报
    (doc47)."""
    assert runner.invoke(args=ARGS).exit_code == 0
    surveys = db.session.execute(
        select(TaskReport.task_id, TaskReport.quantity, TaskReport.status)
        .join(Task, Task.id == TaskReport.task_id).join(Category, Category.id == Task.category_id)
        .where(Category.code == "facility_survey")).all()
    assert surveys
    for task_id, quantity, status in surveys:
        active = count(Finding, Finding.task_id == task_id, Finding.active.is_(True))
        deleted = count(Finding, Finding.task_id == task_id, Finding.active.is_(False))
        assert quantity == active, (task_id, quantity, active)
        if status == ReportStatus.approved:
            assert deleted == 0, task_id
