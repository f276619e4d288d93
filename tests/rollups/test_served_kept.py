"""The county's households / people served of a whole year, kept (``CountedServed`` and
its summaries), are what the rule says — counted here by hand from the raw rows — after
every kind of write that changes them, in a random order: 服务对象 named and taken off
(``set_task_residents``: Core statements the flush does not see), 通过, 撤销审核, a
resubmission, 作废, a 受益 corrected, a task moved to another day (another year) or
category, a resident's kind changed.

The rule (docs/design.md, "Categories"): for a category whose 受益 is counted in 户 or
人, over the approved activities of the year, when every one names exactly as many
服务对象 of the kind its category serves (结对帮扶: 困难群众, 走访慰问: 空巢老人) as its
report's 受益 — a 受益 of 0 naming none does not — the households / people are the
distinct residents named; else nothing is known (None). A category with no approved
activity there has no figure at all.
"""
from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.reports.test_annual import approved_at
from tests.residents.support import resident
from tests.rollups import builders as b
from tests.rollups.counted import assert_in_sync
from tracker.extensions import db
from tracker.models import (
    Category,
    ReportStatus,
    Resident,
    ResidentCategory,
    Task,
    TaskReport,
    task_resident,
)
from tracker.rollups import Scope
from tracker.rollups.batch import run
from tracker.rollups.served import named_rows
from tracker.services import unit_of_work
from tracker.services.residents import set_task_residents
from tracker.services.reviews import approve_report, reopen_report
from tracker.services.voiding import void_activity

# the kind each category serves, as the design names it
KIND = {"household_assistance": ResidentCategory.needy,
        "elderly_visit": ResidentCategory.elderly}
YEARS = (2025, 2026)


def by_hand(year: int) -> dict:
    """{category id: households / people served, or None} of the whole county's
    ``year``, activity by activity, as the rule above says."""
    activities: dict[int, list] = {}
    for task in db.session.scalars(select(Task).where(Task.service_date >= date(year, 1, 1),
                                                      Task.service_date < date(year + 1, 1, 1))):
        report = db.session.scalar(select(TaskReport).where(TaskReport.task_id == task.id))
        category = db.session.get(Category, task.category_id)
        if report is None or report.status != ReportStatus.approved \
                or category.beneficiary_unit not in ("户", "人"):
            continue
        named = {r.id for r in db.session.scalars(
            select(Resident).join(task_resident, task_resident.c.resident_id == Resident.id)
            .where(task_resident.c.task_id == task.id))
            if r.category == KIND.get(category.code)}
        activities.setdefault(category.id, []).append((report.people_served, named))
    return {category: (len(set().union(*(named for _, named in rows)))
                       if all(served > 0 and len(named) == served for served, named in rows)
                       else None)
            for category, rows in activities.items()}


def check() -> None:
    db.session.expire_all()
    for year in YEARS:
        county = Scope(date(year, 1, 1), date(year + 1, 1, 1))
        assert run(named_rows(county)) == by_hand(year), year


@pytest.fixture
def visits(world):
    """Approved, 待审核 and returned visits of both visit categories in 2025 and 2026,
    none naming anyone yet, and each category's register of both kinds."""
    items = {(code, year): f.item(world.unit, world.community, code, year=year)
             for code in KIND for year in YEARS}
    tasks = []
    for n, status in enumerate([ReportStatus.approved] * 6 + [ReportStatus.submitted] * 3
                               + [ReportStatus.returned]):
        code, year = list(KIND)[n % 2], YEARS[n % 3 == 2]
        day = date(year, 3 + n % 9, 1 + n)
        tasks.append(approved_at(items[code, year], world.liaison, b.at_local(day),
                                 [world.member], 60, served=1 + n % 3, status=status))
    register = [resident(world.community, world.liaison, name=f"周吴郑{n}",
                         phone=f"1390000{n:04d}", category=kind)
                for n, kind in enumerate([ResidentCategory.needy] * 4
                                         + [ResidentCategory.elderly] * 4)]
    db.session.commit()
    return world, tasks, register


def _report(task) -> TaskReport:
    return db.session.scalar(select(TaskReport).where(TaskReport.task_id == task.id))


def _step(rng: random.Random, world, tasks, register) -> None:
    """One write of those the kept rows follow, at random."""
    task = rng.choice(tasks)
    report = _report(task)
    move = rng.choice(["name", "name", "name", "approve", "reopen", "resubmit", "served",
                       "day", "category", "kind", "void"])
    with unit_of_work():
        if move == "name":
            code = db.session.get(Category, task.category_id).code
            offered = [r.id for r in register if r.category == KIND[code]]
            set_task_residents(task, world.liaison, set(rng.sample(offered, rng.randint(0, min(3, len(offered))))))
        elif move == "approve" and report.status == ReportStatus.submitted:
            approve_report(report, world.admin)
        elif move == "reopen" and report.status == ReportStatus.approved:
            reopen_report(report, world.admin, "受益填错了")
        elif move == "resubmit" and report.status == ReportStatus.returned:
            report.status = ReportStatus.submitted  # as the 组长's corrected report
        elif move == "served" and report.status != ReportStatus.approved:
            report.people_served = rng.randint(0, 3)
        elif move == "day":
            # another day, perhaps of the other year (an admin's 更正 of a 补录)
            task.service_date = date(rng.choice(YEARS), rng.randint(1, 12), rng.randint(1, 28))
        elif move == "category":
            other = next(code for code in KIND
                         if code != db.session.get(Category, task.category_id).code)
            task.category_id = db.session.scalar(select(Category.id).where(Category.code == other))
        elif move == "kind":
            person = rng.choice(register)
            person.category = rng.choice(list(ResidentCategory))
        elif move == "void" and report.status == ReportStatus.approved and rng.random() < 0.3:
            void_activity(task, world.admin, "重复录入")


@pytest.mark.parametrize("seed", range(4))
def test_the_kept_households_follow_every_write(visits, seed):
    world, tasks, register = visits
    check()
    rng = random.Random(seed)
    for _ in range(30):
        _step(rng, world, tasks, register)
        check()
    assert_in_sync()  # the kept rows are also what ``rebuild()`` derives from scratch


def test_a_named_year_reads_households_then_none_when_one_names_fewer(visits):
    """The steps the property walks at random, once in order: both named as their
    受益 → the distinct households; one naming fewer → None; named again → known."""
    world, tasks, register = visits
    needy = [r for r in register if r.category == ResidentCategory.needy]
    approved = [t for t in tasks if _report(t).status == ReportStatus.approved
                and t.service_date.year == 2025 and t.category.code == "household_assistance"]
    assert len(approved) >= 2
    category = approved[0].category_id
    for task in approved:
        with unit_of_work():
            set_task_residents(task, world.liaison,
                               {r.id for r in needy[:_report(task).people_served]})
    check()
    assert run(named_rows(Scope(date(2025, 1, 1), date(2026, 1, 1))))[category] is not None
    with unit_of_work():
        set_task_residents(approved[0], world.liaison, set())
    check()
    assert run(named_rows(Scope(date(2025, 1, 1), date(2026, 1, 1))))[category] is None
    assert_in_sync()


def test_the_county_year_reads_the_kept_rows_not_the_named_ones(visits, count_queries):
    """The whole county's year: one statement over the kept rows, no named row read."""
    with count_queries() as q:
        run(named_rows(Scope(date(2025, 1, 1), date(2026, 1, 1))))
    assert len(q.statements) == 1
    assert "task_resident" not in q.statements[0]
    assert "counted_served_category_year" in q.statements[0]
    # a month, a unit: the named rows, as before
    with count_queries() as q:
        run(named_rows(Scope(date(2025, 1, 1), date(2025, 2, 1))))
    assert "task_resident" in q.statements[0]
