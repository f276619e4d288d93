"""What a write pays for the kept summaries, in statements (a count is exact, a time
is not): the flush that changes a task's counted rows rewrites them with four DELETEs
and four INSERTs (the task, its participations, its findings, the 服务对象 it names)
whose RETURNING gives
the rows before and after — no SELECT of its
own to measure the change — and the commit writes each summary the transaction's
changes move in one upsert, plus one DELETE where a row fell to zero. A summary the
changes do not move is not written, and a transaction that moves none writes none.

On PostgreSQL the refresh first locks the task row (SELECT … FOR UPDATE): one statement
more than on SQLite, whose single writer needs no row locks.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.rollups.conftest import assignment_of
from tests.rollups.counted import assert_in_sync
from tracker import participation
from tracker.extensions import db
from tracker.models import SURVEY_CODE, AssignmentStatus, CountedTask, FindingKind, ReportStatus
from tracker.services import unit_of_work
from tracker.services.findings import FindingData, hand_over, record_finding
from tracker.services.reviews import ReportData, approve_report, submit_report

SUMMARY_TABLES = ("counted_month", "counted_item_year", "counted_double_community_year",
                  "counted_member_year", "counted_member_category_year",
                  "counted_category_member_total", "counted_double_member_year",
                  "counted_double_member_any_year", "counted_finding_month",
                  "counted_finding_community_year", "counted_finding_step_year",
                  "counted_served_year", "counted_served_total",
                  "counted_served_category_year")


# the rewrite: a DELETE and an INSERT of each derived table (the task, its
# participations, its findings, the 服务对象 it names)
REWRITE = 8


def _lock() -> int:
    return 0 if db.engine.dialect.name == "sqlite" else 1


@pytest.fixture
def refreshes(monkeypatch, count_queries):
    """The statements the counted rows' hook runs — its refreshes at each flush and the
    summaries' changes it writes at the commit — in order (the flush also writes what
    changed, and other hooks keep their own marks: not counted)."""
    ran: list[str] = []
    for name in ("_rewrite_all", "_add_changes"):
        def counted(*args, real=getattr(participation, name)):
            with count_queries() as statements:
                real(*args)
            ran.extend(statements.statements)

        monkeypatch.setattr(participation, name, counted)
    return ran


def _written(statements) -> list[str]:
    """The summary tables these statements write, one entry per statement."""
    tables = (re.match(r"\s*(?:INSERT INTO|DELETE FROM) (\w+)", s) for s in statements)
    return [t[1] for t in tables if t and t[1] in SUMMARY_TABLES]


def _submitted(staffed):
    world, _third = staffed
    with unit_of_work():
        report = submit_report(world.past_task, world.leader,
                               ReportData(quantity=7, people_served=30, note="清理楼道。"))
    # the county's only counted task, so the approval empties its 待审核 rows
    assert db.session.scalar(select(func.count()).select_from(CountedTask)) == 1
    return world, report


def test_an_approval_writes_each_summary_it_moves_once(staffed, refreshes):
    world, report = _submitted(staffed)
    refreshes.clear()
    report.status = ReportStatus.approved
    db.session.commit()
    statements = refreshes
    # the lock; the counted rows' 3 DELETEs and 3 INSERTs. The two
    # members' participations move from 待审核 to approved: every summary row they add
    # to (the month, the resource item's year, each member's year, each member's year
    # in the category and the category's member count) gains its approved row in one
    # upsert and loses its 待审核 row, emptied, in one DELETE. The category is not a
    # "双创" one: those three summaries are not written; it has no findings. It counts
    # its 受益 in 户 or 人 and the activity names no 服务对象: its year's approved
    # activities gain one that does not name as many as its 受益 (one upsert).
    assert _written(statements) == [
        "counted_month", "counted_month",
        "counted_item_year", "counted_item_year",
        "counted_member_year", "counted_member_year",
        "counted_member_category_year", "counted_member_category_year",
        "counted_category_member_total", "counted_category_member_total",
        "counted_served_category_year"]
    assert len(statements) == _lock() + REWRITE + 11
    assert_in_sync()


def test_a_refresh_that_moves_no_summary_writes_none(staffed, refreshes):
    world, _report = _submitted(staffed)
    # another zone of the same community: the counted rows carry the zone, no
    # county-wide summary does
    zone = f.zone(world.community)
    refreshes.clear()
    world.past_task.zone_id = zone.id
    db.session.commit()
    statements = refreshes
    assert _written(statements) == []
    # the lock; the rewrite's statements
    assert len(statements) == _lock() + REWRITE
    assert_in_sync()


def test_hours_confirmed_before_any_report_write_no_summary(world, refreshes):
    assignment = assignment_of(world.past_task, world.member)
    assignment.status, assignment.minutes = AssignmentStatus.done, 60
    db.session.commit()
    statements = refreshes
    assert _written(statements) == []
    # the lock; the rewrite (nothing counted before or after)
    assert len(statements) == _lock() + REWRITE
    assert_in_sync()


def test_a_finding_handed_over_moves_only_the_finding_summaries(staffed, refreshes):
    """On an approved survey, handing a finding over rewrites the survey's counted rows
    (the finding's row carries its status) and moves the three finding summaries: its
    row under 已移交 gains it in one upsert, its row under 已发现, emptied, goes in one
    DELETE; the year of the step gains a finding handed over (one upsert: its first
    step, so nothing there empties); the task's and the members' figures are unchanged,
    so nothing else is written."""
    world, report = _submitted(staffed)
    survey = f.item(world.unit, world.community, SURVEY_CODE)
    with unit_of_work():
        world.past_task.category_id = survey.category_id
        world.past_task.resource_item_id = survey.id
        finding = record_finding(world.past_task, world.leader,
                                 FindingData(kind=FindingKind.road, place="3号楼"))
        approve_report(report, world.liaison)
    refreshes.clear()
    with unit_of_work():
        hand_over(finding, world.liaison, "县住建局", finding.found_on)
    statements = refreshes
    assert _written(statements) == [
        "counted_finding_month", "counted_finding_month",
        "counted_finding_community_year", "counted_finding_community_year",
        "counted_finding_step_year"]
    assert len(statements) == _lock() + REWRITE + 5
    assert_in_sync()
