"""What the badge on every page costs must not grow with the county's history
(issue 14): 我的任务's counts read one member's rows through indexes — never a scan of
every task or report. Checked on SQLite's query plan (PostgreSQL's planner chooses by
table sizes, so an empty test database says nothing there)."""
from __future__ import annotations

import pytest

from tracker import owed
from tracker.extensions import db
from tracker.timeutil import utcnow


def _plan(count_queries, call) -> list[str]:
    with count_queries() as q:
        call()
    (statement,) = q.statements
    connection = db.session.connection()
    params = connection.info.get("_last_params")
    assert params is not None
    return [row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                         params)]


def test_the_member_badge_reads_only_the_members_own_rows(app, world, count_queries):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    from sqlalchemy import event

    def keep(conn, _cursor, _statement, params, _context, _many):
        conn.info["_last_params"] = params

    member_id = world.member.id
    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        plan = _plan(count_queries, lambda: owed.counts(member_id, utcnow()))
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    scans = [step for step in plan if step.startswith("SCAN") and step != "SCAN CONSTANT ROW"]
    assert scans == [], plan
    # "a report to submit as 组长": the tasks this member leads, through the leader index
    assert any("ix_task_leader_starts" in step for step in plan), plan
