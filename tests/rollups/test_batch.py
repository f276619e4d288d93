"""Several SELECTs as one statement (``tracker.rollups.batch``): each part's rows come
back as if it had been run alone — the same values of the same Python types, in its
own ORDER BY — whatever the other parts' columns are, on SQLite and on PostgreSQL."""
from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Integer, bindparam, extract, false, func, literal_column, select, text

from tests.rollups import builders as b
from tracker.extensions import db
from tracker.models import (
    AssignmentStatus,
    CountedParticipation,
    CountedTask,
    Member,
    ReportStatus,
    Task,
)
from tracker.rollups import batch, shared
from tracker.rollups.batch import (
    built_once,
    constant,
    fetch,
    forget_built,
    gather,
    given,
    plan,
    run,
    run_together,
)
from tracker.timeutil import local_today


@pytest.fixture
def reported(world):
    """Three reported tasks on three days (approved, approved, 待审核), two members on each."""
    today = local_today()
    for k, status in enumerate((ReportStatus.approved, ReportStatus.approved,
                                ReportStatus.submitted)):
        t = b.task_on(world.item, world.liaison, today - timedelta(days=10 + k),
                      leader=world.leader)
        for m in (world.member, world.leader):
            b.join(t, m, AssignmentStatus.done)
        b.report(t, world.leader, status, quantity=3 + k, people=7)
    db.session.commit()
    return world


def alone(part) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(part)]


def typed(rowsets):
    """The rows with each value's type beside it: 3 and 3.0, or a date and its
    ISO string, must not pass for one another."""
    return [[tuple((type(v), v) for v in row) for row in rows] for rows in rowsets]


def test_mixed_column_types_come_back_as_each_statement_alone(reported, count_queries):
    parts = [
        # integer, text, boolean
        select(Member.id, Member.name, Member.active).order_by(Member.id),
        # a date (text on SQLite until SQLAlchemy converts it), an enum, a count
        select(CountedTask.service_date, CountedTask.report_status, func.count())
        .group_by(CountedTask.service_date, CountedTask.report_status)
        # a day may have both statuses: ordered by the date alone, PostgreSQL may give
        # its two rows either way round in one statement and the other in the next
        .order_by(CountedTask.service_date, CountedTask.report_status),
        # SUM of an integer column: int on SQLite, Decimal or int on PostgreSQL as the
        # server types it — the same either way
        select(func.sum(CountedParticipation.minutes), func.count(
            func.distinct(CountedParticipation.member_id))),
        # a timestamp and a nullable integer
        select(Task.starts_at, Task.zone_id).order_by(Task.id),
        # EXTRACT is numeric on PostgreSQL where SQLAlchemy says integer: sharing a
        # column with the integers above would turn them into Decimals
        select(extract("month", CountedTask.service_date), CountedTask.task_id)
        .order_by(CountedTask.task_id),
    ]
    with count_queries() as q:
        together = fetch(parts)
    assert q.count == 1
    assert typed(together) == typed([alone(p) for p in parts])
    dates = [row[0] for row in together[1]]
    assert dates and all(type(d) is date for d in dates)
    assert {row[1] for row in together[1]} == {ReportStatus.approved, ReportStatus.submitted}
    assert all(type(row[2]) is bool for row in together[0])


def test_empty_parts_stay_empty_and_keep_their_place(reported):
    nothing = select(Member.id, Member.name).where(false())
    some = select(Member.name).where(Member.id == reported.member.id)
    rowsets = fetch([nothing, some, nothing, select(func.count()).select_from(Task)
                     .where(false())])
    assert rowsets == [[], [("张三",)], [], [(0,)]]


def test_each_part_keeps_its_own_order(reported):
    by_name_desc = select(Member.name, Member.id).order_by(Member.name.desc(), Member.id)
    by_id_desc = select(Member.id).order_by(Member.id.desc())
    grouped = (select(CountedTask.service_date, func.count())
               .group_by(CountedTask.service_date)
               .order_by(CountedTask.service_date.desc()))
    rowsets = fetch([by_name_desc, by_id_desc, grouped])
    assert rowsets == [alone(by_name_desc), alone(by_id_desc), alone(grouped)]
    ids = [i for (i,) in rowsets[1]]
    assert ids == sorted(ids, reverse=True) and len(ids) > 2
    days = [d for d, _n in rowsets[2]]
    assert days == sorted(days, reverse=True) and len(days) == 3


def test_rows_in_any_order_come_back_in_each_parts_order():
    """A UNION ALL promises no order: the rows are put in each part's order here, by
    the row number its ORDER BY gave (0 for every row of a part without one)."""
    # (part, row number, slot 0, slot 1): part 0 numbered 1–3, part 1 unordered
    rows = [(1, 0, None, "b"), (0, 3, 30, None), (0, 1, 10, None), (1, 0, None, "a"),
            (0, 2, 20, None)]
    pick = [lambda row: (row[2],), lambda row: (row[3],)]
    for order in (rows, rows[::-1], sorted(rows)):
        first, second = batch.split(order, pick)
        assert first == [(10,), (20,), (30,)]
        assert sorted(second) == [("a",), ("b",)]


def test_a_column_without_a_type_is_refused(world):
    with pytest.raises(TypeError, match="no type"):
        fetch([select(Member.id), select(literal_column("1"))])


@pytest.mark.parametrize("odd", [
    lambda: select(Member.name).distinct(),
    lambda: select(Member.id).order_by(Member.id).limit(2),
    lambda: select(Member.id).order_by(Member.id).offset(1),
])
def test_statements_whose_rows_a_row_number_would_change_are_refused(world, odd):
    with pytest.raises(ValueError, match="cannot be batched"):
        fetch([select(Member.id), odd()])


def test_plans_run_together_give_each_its_figure_in_one_statement(reported, count_queries):
    members = plan(select(func.count()).select_from(Member), shape=lambda rows: rows[0][0])
    approved = plan(
        select(func.count()).select_from(CountedTask)
        .where(CountedTask.report_status == ReportStatus.approved),
        shape=lambda rows: rows[0][0])
    both = gather(members, approved, shape=lambda m, a: {"members": m, "approved": a})
    with count_queries() as q:
        figures = run_together(both, constant("no statement"), approved)
    assert q.count == 1
    assert figures == ({"members": run(members), "approved": 2}, "no statement", 2)


def test_a_statement_two_plans_share_is_run_once(reported, count_queries):
    """The same statement object in two plans (the categories' list of the 月报's
    categories and of its "双创" zones) is one part of the batch; each plan gets its
    rows, in its own list."""
    names = select(Member.name, Member.id).order_by(Member.id)
    other = select(func.count()).select_from(Task)
    with count_queries() as q:
        rowsets = fetch([names, other, names])
    assert q.count == 1 and "UNION ALL" in q.statements[0]
    assert q.statements[0].count("member.name") == 1
    assert rowsets == [alone(names), alone(other), alone(names)]
    assert rowsets[0] is not rowsets[2]
    with count_queries() as q:
        twice = fetch([names, names])
    assert q.count == 1 and "UNION" not in q.statements[0]
    assert twice == [alone(names), alone(names)]


def test_a_plan_is_built_once_per_key():
    forget_built()
    built = []

    def build(n):
        built.append(n)
        return plan(select(Member.id).where(Member.id == n), shape=list)

    first = built_once(("members", 1), lambda: build(1))
    assert built_once(("members", 1), lambda: build(1)) is first
    assert built_once(("members", 2), lambda: build(2)) is not first
    assert built == [1, 2]
    forget_built()
    assert built_once(("members", 1), lambda: build(1)) is not first
    assert built == [1, 2, 1]


def _combining(monkeypatch) -> list:
    calls = []
    real = batch.combined

    def counted(parts):
        calls.append(len(parts))
        return real(parts)

    monkeypatch.setattr(batch, "combined", counted)
    return calls


def test_a_batch_of_statements_built_once_is_combined_once_and_still_reads_every_time(
        reported, monkeypatch, count_queries):
    forget_built()
    calls = _combining(monkeypatch)
    approved = select(func.count()).select_from(CountedTask).where(
        CountedTask.report_status == ReportStatus.approved)

    def both():
        return built_once("counts", lambda: gather(
            plan(select(func.count()).select_from(Member), shape=lambda rows: rows[0][0]),
            plan(approved, shape=lambda rows: rows[0][0]),
            shape=lambda m, a: (m, a)))

    first = run(both())
    b.report(b.task_on(reported.item, reported.liaison, local_today() - timedelta(days=3),
                       leader=reported.leader), reported.leader, ReportStatus.approved)
    db.session.commit()
    with count_queries() as q:
        second = run(both())
    assert calls == [2]  # the UNION made once, for the first run
    assert q.count == 1  # and run again, on the data of the moment
    assert second == (first[0], first[1] + 1)


def test_a_batch_with_a_statement_built_for_the_request_is_combined_each_time(
        reported, monkeypatch):
    forget_built()
    calls = _combining(monkeypatch)
    members = built_once("members", lambda: plan(select(func.count()).select_from(Member),
                                           shape=lambda rows: rows[0][0]))
    for _ in range(2):
        run_together(members, plan(select(func.count()).select_from(Task),
                                   shape=lambda rows: rows[0][0]))
    assert calls == [2, 2]


def test_a_plan_built_once_per_shape_takes_each_calls_values(reported, monkeypatch,
                                                             count_queries):
    """One mechanism for both kinds of plan (bound53): a plan whose values are bound
    parameters is built once for every value — the very same statement — and each call
    gets the answer of its own values, alone or in one batch with another plan; two
    plans of a batch may share a parameter's value, never give it two."""
    forget_built()
    calls = _combining(monkeypatch)
    built = []

    def build():
        built.append(1)
        return plan(select(Member.name).where(Member.id == bindparam("member", type_=Integer)),
                    shape=lambda rows: [name for name, in rows])

    def named(member_id):
        return given(built_once("a member's name", build), {"member": member_id})

    ids = {m.name: m.id for m in (reported.member, reported.leader)}
    for name, member_id in ids.items():
        assert run(named(member_id)) == [name]
    assert run(named(-1)) == []
    assert built == [1]
    assert named(1).parts[0] is named(2).parts[0]

    tasks = built_once("tasks of a status", lambda: plan(
        select(func.count()).select_from(CountedTask)
        .where(CountedTask.report_status.in_(bindparam("statuses", expanding=True))),
        shape=lambda rows: rows[0][0]))
    for statuses, count in (([ReportStatus.approved], 2),
                            ([ReportStatus.approved, ReportStatus.submitted], 3)):
        with count_queries() as q:
            pair = run_together(named(reported.leader.id),
                                given(tasks, {"statuses": statuses}))
        assert q.count == 1
        assert pair == ([reported.leader.name], count)
    assert calls == [2]  # combined once: the values are the call's, not the statement's
    # a shape that needs the call's values is given with them
    assert run(given(named(reported.member.id), {},
                     shape=lambda rows: (reported.member.id, rows))) == (
        reported.member.id, [(reported.member.name,)])
    with pytest.raises(ValueError, match="member"):
        run_together(named(reported.member.id), named(reported.leader.id))


def test_a_plan_shaped_anew_keeps_the_values_given_to_it(reported):
    """A figure made of another plan's rows (``given`` with a shape: ``shared.summed``,
    ``shared.in_month``, the 月报's and 年度总结's figures, the funds' 合计) runs with the
    values given to that plan (bound53's Open): each call's members counted, not a
    statement asked without them."""
    by_name = built_once("members by name, bound", lambda: plan(
        select(Member.name, func.count()).where(
            Member.id.in_(bindparam("members", type_=Integer, expanding=True)))
        .group_by(Member.name).order_by(Member.name),
        shape=lambda rows: {(name,): (count,) for name, count in rows}))
    one = given(by_name, {"members": [reported.member.id]})
    both = given(by_name, {"members": [reported.member.id, reported.leader.id]})
    assert run(shared.summed(one)) == {(): (1,)}
    assert run(shared.summed(both)) == {(): (2,)}
    assert run(given(both, {}, lambda rows: len(rows))) == 2
    this_month = db.session.scalar(select(func.min(Task.starts_at)))
    of_month = built_once("a month's members, bound", lambda: plan(
        select(extract("year", Task.starts_at).label("y"),
               extract("month", Task.starts_at).label("m"), func.count())
        .where(Task.id.in_(bindparam("tasks", type_=Integer, expanding=True)))
        .group_by("y", "m"),
        shape=lambda rows: {(int(y), int(m)): (n,) for y, m, n in rows}))
    ids = list(db.session.scalars(select(Task.id).order_by(Task.id)))
    month = shared.in_month(given(of_month, {"tasks": ids}), this_month.year,
                            this_month.month)
    counted = db.session.scalar(select(func.count()).select_from(Task).where(
        extract("year", Task.starts_at) == this_month.year,
        extract("month", Task.starts_at) == this_month.month))
    assert counted > 0
    assert run(month) == {(): (counted,)}
    assert run(shared.in_month(given(of_month, {"tasks": []}), this_month.year,
                               this_month.month)) == {}


def test_no_plan_is_rewrapped_without_its_values():
    """The 月报's and 年度总结's figures and the funds' 合计 re-wrap plans built inside
    them: every re-wrapping is ``given`` (above), none a ``Plan`` of another's parts
    that would drop the values given to it."""
    root = Path(batch.__file__).resolve().parent.parent  # tracker/
    rewrapped = [f"{path.relative_to(root)}:{n}"
                 for path in root.rglob("*.py") if path.name != "batch.py"  # its own
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"\bPlan\(\w+\.parts\b", line)]
    assert rewrapped == []


def _members_and_tasks(key: str):
    """A kept batch of two counts, each asked of a bound parameter."""
    return built_once(key, lambda: gather(
        plan(select(func.count()).select_from(Member)
             .where(Member.id > bindparam("above", type_=Integer)),
             shape=lambda rows: rows[0][0]),
        plan(select(func.count()).select_from(Task)
             .where(Task.id > bindparam("above", type_=Integer)),
             shape=lambda rows: rows[0][0]),
        shape=lambda members, tasks: (members, tasks)))


def _batch_plans() -> list:
    return db.session.execute(text(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
        " WHERE statement LIKE '%batch_part%'")).all()


def test_postgresql_plans_a_kept_batch_once_per_connection(app, reported, new_connections):
    """A page's figures are one batch of the same text on every request, whose planning
    cost as much as its running (the 月报's: about 50 ms each at 100,000
    participations). PostgreSQL makes five custom plans of a prepared statement before
    it weighs its generic one: none here — the batch runs on its generic plan from its
    first prepared run, and every run's own values still count. The statements after
    it are planned as before."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan cache")
    members = db.session.scalar(select(func.count()).select_from(Member))
    tasks = db.session.scalar(select(func.count()).select_from(Task))
    counts = _members_and_tasks("kept batch, once per connection")
    for _ in range(8):  # psycopg prepares it from the second run (DB_PREPARE_THRESHOLD)
        assert run(given(counts, {"above": 0})) == (members, tasks)
        assert db.session.execute(text("SHOW plan_cache_mode")).scalar() == "auto"
    assert run(given(counts, {"above": 2 ** 31 - 1})) == (0, 0)
    plans = _batch_plans()
    assert len(plans) == 1 and plans[0].custom_plans == 0 and plans[0].generic_plans > 0, plans


def test_a_kept_batch_leaves_a_transaction_on_generic_plans_so(app, reported, new_connections):
    """The open list's transaction runs on generic plans to its end
    (``sql_hints.generic_plans``): a batch asked after it does not undo that."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan cache")
    from tracker.sql_hints import generic_plans

    counts = _members_and_tasks("kept batch, after the open list's setting")
    db.session.execute(select(1))
    generic_plans(db.session)
    db.session.execute(select(1))
    run(given(counts, {"above": 0}))
    assert db.session.execute(text("SHOW plan_cache_mode")).scalar() == "force_generic_plan"
    db.session.commit()
    assert db.session.execute(text("SHOW plan_cache_mode")).scalar() == "auto"
    assert db.session.connection().connection.dbapi_connection.pgconn.pipeline_status == 0
