"""What the badge on every page costs must not grow with the county's history
(issue 14): 我的任务's counts read one member's rows through indexes — never a scan of
every task or report. Checked on SQLite's query plan (PostgreSQL's planner chooses by
table sizes, so an empty test database says nothing there)."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from sqlalchemy import func, select, text

from tracker import owed
from tracker.extensions import db
from tracker.models import Task, TaskReport
from tracker.reach import ALL, Reach
from tracker.timeutil import local_today, utcnow


def _plan(count_queries, call) -> list[str]:
    with count_queries() as q:
        call()
    (statement,) = q.statements
    connection = db.session.connection()
    params = connection.info.get("_last_params")
    assert params is not None
    return [row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                         params)]


def _plan_of(count_queries, call) -> list[str]:
    from sqlalchemy import event

    def keep(conn, _cursor, _statement, params, _context, _many):
        conn.info["_last_params"] = params

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        return _plan(count_queries, call)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)


def _counts_plan(count_queries, member_id: int, **kwargs) -> list[str]:
    return _plan_of(count_queries, lambda: owed.counts(member_id, utcnow(), **kwargs))


def _scans(plan: list[str]) -> list[str]:
    """Scans of tables. A scan of a materialized sub-select (``SCAN anon_1``) reads what
    that sub-select produced — the menu's one-row counts — whose own steps are listed
    (and checked) under its MATERIALIZE."""
    return [step for step in plan if step.startswith("SCAN") and step != "SCAN CONSTANT ROW"
            and not re.fullmatch(r"SCAN anon_\d+", step)]


def test_the_member_badge_reads_only_the_members_own_rows(app, world, count_queries):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    plan = _counts_plan(count_queries, world.member.id)
    assert _scans(plan) == [], plan
    # "a report to submit as 组长": the tasks this member leads, through the leader index
    assert any("ix_task_leader_starts" in step for step in plan), plan


def test_a_staff_members_menu_counts_do_not_scan_the_history(app, world, count_queries):
    """The menu's counts are on every page a liaison or an admin opens: the review
    queue, through the report-status index — never every task ever held (已结束未提交
    is counted on the 工作台 only, with its list)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    plan = _counts_plan(count_queries, world.admin.id, reach=Reach(ALL))
    assert _scans(plan) == [], plan


@pytest.mark.parametrize("rule", ["stale", "ended_unreported"])
@pytest.mark.parametrize("who", ["admin", "liaison"])
def test_the_tasks_that_owe_a_report_are_read_from_their_own_index(app, world, count_queries,
                                                                     rule, who):
    """逾期事项 and 已结束未提交 read only the tasks that owe a report (the partial index
    on ``task.report_owed_at``), never every task ever held."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    reach = [] if who == "admin" else [Task.community_id.in_([world.community.id])]
    statement = (select(func.count(Task.id)).outerjoin(TaskReport, TaskReport.task_id == Task.id)
                 .where(*getattr(owed, rule)(utcnow()), *reach))
    plan = _plan_of(count_queries, lambda: db.session.execute(statement).all())
    assert _scans(plan) == [], plan
    assert any("report_owed" in step for step in plan), plan



def test_a_units_month_is_read_from_the_units_own_counted_rows(app, world, count_queries):
    """A unit's 月报 reads the unit's month of counted tasks and participations through
    the indexes that lead with the unit, never the county's month through the date
    index (a hundred units' rows to keep one's)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    from tracker.reports.figures import monthly_figures_plan

    today = local_today()
    parts = monthly_figures_plan(today.year, today.month, unit=world.unit).parts
    connection = db.session.connection()
    read = []
    for part in {id(part): part for part in parts}.values():
        sql = str(part.compile(db.engine, compile_kwargs={"literal_binds": True}))
        read += [row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)
                 if re.search(r"\bcounted_(task|participation)\b", row[3])]
    assert any("ix_counted_participation_unit" in step for step in read), read
    assert any("ix_counted_task_unit" in step for step in read), read
    assert not [step for step in read if re.search(r"ix_counted_\w+_date\b|^SCAN", step)], read

@pytest.mark.parametrize("who", ["admin", "liaison"])
def test_the_home_pages_statements_read_no_whole_table(app, world, count_queries, who):
    """The 工作台's counts and its four short lists: index ranges only (the list of
    picked ids is the only thing scanned, and it holds at most 4 × 5 rows)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    from tracker.manage import queries as q
    from tracker.permissions import managed_community_ids

    actor, now = getattr(world, who), utcnow()
    managed_community_ids(actor)  # the liaison's communities, read once per request
    counts = _plan_of(count_queries, lambda: db.session.execute(
        select(*q.home_count_columns(actor).values()), {"now": now}).all())
    lists = _plan_of(count_queries, lambda: q.home_lists(actor, now, days=7, limit=5))
    assert _scans(counts) == [], counts
    assert [step for step in _scans(lists) if not step.startswith("SCAN anon")] == [], lists


def test_the_returned_reports_a_member_leads_are_read_from_their_tasks(app, world, count_queries):
    """已退回待修改 in the member's badge: from the tasks the member leads (the leader
    index), never from every returned report of the county probed for its leader
    (SQLite's choice without the hint of tracker/sql_hints.py)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    plan = _counts_plan(count_queries, world.member.id)
    assert not [step for step in plan if "task_report USING INDEX ix_task_report" in step], plan


def test_my_places_in_line_are_read_from_my_own_entries(app, world, count_queries):
    """我的任务's 候补 list starts from the member's own waitlist entries, never from every
    open task of the county probed for the member."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    from tracker.tasks.queries import my_waiting

    member_id = world.member.id
    plan = _plan_of(count_queries, lambda: my_waiting(member_id, utcnow()))
    assert "ix_waitlist_member_status" in plan[0], plan
    assert not [step for step in plan if "ix_task_status_starts" in step], plan


def test_who_has_not_taken_part_is_asked_with_the_period_written_out(app, world,
                                                                      count_queries):
    """PostgreSQL runs a prepared statement with a generic plan once that looks no dearer
    than the custom ones, and a generic plan guesses a month of the county's
    participations far too small: it hashed them all to find who of a unit had not
    taken part. The period and the status of that EXISTS are therefore in the
    statement's text, so that every plan of it is made for them (both databases)."""
    from datetime import date

    from tracker.rollups.coverage import coverage

    with count_queries() as q:
        coverage(world.member.unit_id, date(2022, 10, 1), date(2022, 11, 1))
    (statement,) = [s for s in q.statements if "NOT (EXISTS" in s]
    not_yet = statement[statement.index("NOT (EXISTS"):]
    for written in ("'2022-10-01'", "'2022-11-01'", "'approved'"):
        assert written in not_yet, not_yet
    assert "'submitted'" in statement



def test_the_rolls_work_counted_elsewhere_is_asked_with_the_period_written_out(
        app, world, count_queries):
    """The same rule for 参与情况's last part, the roll's people whose work all counts
    for another unit (``moved.counted_elsewhere_part``): with the period and the status
    sent as parameters, its generic plan read the county's whole month of approved
    participations through the date index to keep the roll's few (session 56). Its own
    WHERE, after the roll's sub-select, has them in its text (both databases)."""
    from datetime import date

    from tracker.rollups.coverage import coverage

    with count_queries() as q:
        coverage(world.member.unit_id, date(2022, 10, 1), date(2022, 11, 1))
    (statement,) = [s for s in q.statements if "AS counted_elsewhere" in s]
    outer = statement[statement.index("AS counted_elsewhere"):]
    outer = outer[:outer.index(" UNION ALL ")] if " UNION ALL " in outer else outer
    for written in ("'2022-10-01'", "'2022-11-01'", "'approved'"):
        assert written in outer, outer


def test_coverages_parts_have_the_period_and_status_in_their_compiled_text(app, world):
    """The parts of 参与情况 that ask who of the roll took part — its roll counts, its
    未参与名单 and its work counted elsewhere (``coverage._took_part`` and
    ``moved.counted_elsewhere_part``, both through ``sql_hints.written_out``) — hold the
    period's days and the approved status in the SQL text SQLAlchemy compiles and
    caches: none of them is a bound parameter, and nothing is left to render into the
    text when the statement runs (a ``literal_execute`` parameter is rendered again on
    every execution). Both databases' dialects."""
    from tracker.models import ReportStatus
    from tracker.rollups.coverage import coverage_plan

    first, end = date(2022, 10, 1), date(2022, 11, 1)
    parts = coverage_plan(world.member.unit_id, first, end).parts
    roll_counts, not_yet, counted_elsewhere = parts[0], parts[2], parts[4]
    for part in (roll_counts, not_yet, counted_elsewhere):
        compiled = part.compile(dialect=db.engine.dialect)
        assert not compiled.literal_execute_params, compiled.string
        for written in ("'2022-10-01'", "'2022-11-01'", "'approved'"):
            assert written in compiled.string, (written, compiled.string)
        values = set(compiled.params.values())
        assert not values & {first, end, ReportStatus.approved, "approved"}, compiled.params
    # the 未参与名单's 待审核 mark: the submitted status written out the same way
    assert "'submitted'" in not_yet.compile(dialect=db.engine.dialect).string


def test_coverage_reads_the_members_it_names_by_their_key(app, world, count_queries):
    """参与情况 (and the 月报's 未参与名单 and ledger, which share its namesakes) reads
    the rows of the people it names, and the unit a participant has now, one person at
    a time by her key (a sub-select on ``member.id``), never by joining the members to
    the set of people or participations: PostgreSQL's planner then read all the county's
    members to hash them against a unit's few hundred (≈ 6 ms of the 月报's server CPU
    at 20,000 members, session 56; an empty test database plans both alike, hence the
    statement's words). The two joins left start from the unit's roll, which holds its
    few: its members' names and the work of those it names as counted elsewhere."""
    from tracker.rollups.coverage import coverage

    with count_queries() as q:
        coverage(world.member.unit_id, date(2022, 10, 1), date(2022, 11, 1))
    (statement,) = [s for s in q.statements if "batch_part" in s]
    joined = re.findall(r"(?:FROM|JOIN) member JOIN \w+|JOIN member ON [\w.]+ = [\w.]+",
                        statement)
    assert joined == ["FROM member JOIN roll_period",
                      "JOIN member ON member.id = counted_participation.member_id"], joined
    assert statement.count("WHERE member.id = named.member_id") == 3, statement

def _asked(count_queries, call, marker: str) -> str:
    with count_queries() as asked:
        call()
    (statement,) = [s for s in asked.statements if marker in s]
    return statement


@pytest.mark.parametrize("who", ["admin", "liaison"])
def test_the_home_lists_are_asked_with_their_constants_written_out(app, world, count_queries,
                                                                    who):
    """PostgreSQL plans a prepared statement once for all its executions only when the
    generic plan looks no dearer than the custom ones; with the lists' statuses and
    LIMITs sent as parameters it never did, and planned their nine tables on every
    工作台 (6–8 ms at 1M participations). What stays a parameter is the time."""
    from tracker.manage import queries as q

    actor, now = getattr(world, who), utcnow()
    statement = _asked(count_queries, lambda: q.home_lists(actor, now, days=7, limit=5),
                       "UNION ALL")
    for written in ("'submitted'", "'returned'", "'open'", "'pending'", "LIMIT 5",
                    "'claimed'", "'done'"):
        assert written in statement, written
    assert now.strftime("%Y-%m-%d") not in statement
    if who == "liaison":  # the liaison's communities are written out too
        assert re.search(r"community_id IN \(\d+", statement), statement


@pytest.mark.parametrize("who", ["member", "admin", "liaison"])
def test_the_menus_counts_are_asked_with_their_constants_written_out(app, world, count_queries,
                                                                      who):
    """The menu's counts are on every page: the same rule as the 工作台's lists, for a
    member's badge and for the staff's (with the 工作台's own counts added); the member,
    the time and a liaison's communities stay parameters."""
    from tracker import menu
    from tracker.manage import queries as q

    actor, now = getattr(world, who), utcnow()
    if who == "member":
        call = lambda: menu.owed.counts(actor.id, now, **menu._arguments(actor))  # noqa: E731
    else:
        call = lambda: menu.owed.counts_with(  # noqa: E731
            actor.id, now, q.home_count_columns(actor), **menu._arguments(actor))
    statement = _asked(count_queries, call, "count(")
    written = ["'cancelled'", "'claimed'", "'returned'"]
    if who != "member":
        written += ["'submitted'", "'pending'", "'found'"]
    for value in written:
        assert value in statement, value
    assert now.strftime("%Y-%m-%d") not in statement
    assert not re.search(r"member_id = \d", statement), statement


@pytest.mark.parametrize("asked", ["home lists", "menu counts"])
def test_postgresql_plans_the_statements_of_every_page_once_per_connection(app, world,
                                                                          new_connections, asked):
    """Seen from the server: asked a dozen times on one connection, a second apart, the
    工作台's lists and a member's menu counts are each one prepared statement that comes
    to a generic plan — the time stays a parameter (written out, each request would be a
    new statement, planned afresh). On a test database's few rows the generic plans
    looked cheap with the constants as parameters too: what they cost at 1M is in
    docs/performance.md."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan cache")
    from sqlalchemy import text

    from tracker.manage import queries as q

    # Generic or custom is the planner's choice from the tables' statistics: taken now,
    # of the rows at hand, not left from whatever an earlier test in this worker had
    # loaded (one run planned custom every time, under statistics of other data).
    db.session.execute(text("ANALYZE"))
    now = utcnow()
    if asked == "home lists":
        call, marker = (lambda at: q.home_lists(world.admin, at, days=7, limit=5)), "UNION ALL"
    else:
        call, marker = (lambda at: owed.counts(world.member.id, at)), "count(outbox.id)"
    for second in range(12):
        call(now + timedelta(seconds=second))
    plans = db.session.execute(text(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
        " WHERE statement LIKE :marker"), {"marker": f"%{marker}%"}).all()
    assert len(plans) == 1 and plans[0].generic_plans > 0, plans


@pytest.mark.parametrize("kind", ["none", "some", "all"])
def test_written_out_constants_are_compiled_once_not_rendered_on_every_execution(app, kind):
    """A constant written out is part of the compiled text SQLAlchemy caches: nothing is
    left to render when the statement runs (a ``literal_execute`` parameter is rendered
    into the text on every execution). What stays a parameter is what has no value
    when the statement is built: the member, the time, a liaison's communities."""
    statement, _width = owed._counts_statement(kind)
    compiled = statement.compile(dialect=db.engine.dialect)
    assert not compiled.literal_execute_params
    assert "'cancelled'" in compiled.string and "'claimed'" in compiled.string
    left = {name for name, value in compiled.params.items() if value is None}
    assert {"member_id", "now", "soon_ends"} <= left
    expanding = {p.key for p in compiled.binds.values() if p.expanding}
    assert expanding == ({"community_ids"} if kind == "some" else set())


def test_a_constant_written_out_reads_as_the_same_statement_as_its_parameter():
    """Written out or sent as parameters, a statement selects the same rows: an IN's
    values, an empty IN, a LIMIT and a quoted string, each checked against SQLite
    itself; and statements that differ only in a constant are not confused."""
    from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine

    from tracker.sql_hints import constants_written_out

    rows = Table("t", MetaData(), Column("n", Integer), Column("s", String))
    engine = create_engine("sqlite://")
    rows.metadata.create_all(engine)
    cases = [
        select(rows.c.n).where(rows.c.s.in_(["a", "c", "it's"])).order_by(rows.c.n),
        select(rows.c.n).where(rows.c.n.in_([])).order_by(rows.c.n),
        select(rows.c.n).where(rows.c.n > 1).order_by(rows.c.n).limit(2).offset(1),
        select(rows.c.n).where(rows.c.s == "it's"),
    ]
    with engine.connect() as connection:
        connection.execute(rows.insert(), [{"n": 1, "s": "a"}, {"n": 2, "s": "b"},
                                           {"n": 3, "s": "c"}, {"n": 4, "s": "it's"}])
        for statement in cases:
            written = constants_written_out(statement)
            compiled = written.compile(dialect=engine.dialect)
            assert not compiled.literal_execute_params
            assert not compiled.params, compiled.string
            assert connection.execute(written).all() == connection.execute(statement).all(), \
                compiled.string
        # the value is part of the statement's cache key: another constant, other rows
        for letter, number in (("a", 1), ("b", 2), ("a", 1)):
            written = constants_written_out(select(rows.c.n).where(rows.c.s == letter))
            assert connection.execute(written).scalar_one() == number


def test_postgresql_runs_the_open_list_on_its_generic_plan_from_the_first_time(app, world,
                                                                              new_connections):
    """The open list's generic plan runs as fast as its custom ones at 1M participations
    but is estimated dearer, so PostgreSQL planned it afresh on every request (1.5 ms
    of its CPU); told to, it plans it once per connection. PostgreSQL makes its first
    five plans of a statement custom ones whatever it decides later: none here. The
    request's transaction still ends in COMMIT, which keeps them."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan cache")
    from sqlalchemy import text

    from tracker.db_setup import _clean_transaction
    from tracker.tasks import queries as q

    now, member = utcnow(), world.member
    counts = ("none", owed.counts_params(member.id, now))
    for second in range(8):
        page, carried = q.open_tasks_page(q.OpenFilter(), member.id, now + timedelta(seconds=second),
                                          1, 20, counts=counts)
        assert [row.card.title for row in page.items] == [world.task.title, world.other_task.title]
        assert carried is not None
    plans = db.session.execute(text(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
        " WHERE statement LIKE '%card.title%'")).all()
    assert len(plans) == 1 and plans[0].custom_plans == 0 and plans[0].generic_plans > 0, plans
    assert _clean_transaction(db.session())


def _frontend_messages(call) -> list[str]:
    """The protocol messages psycopg sends while ``call()`` runs (libpq's trace)."""
    import tempfile

    from psycopg import pq

    raw = db.session.connection().connection.dbapi_connection
    with tempfile.TemporaryFile("w+") as trace:
        raw.pgconn.trace(trace.fileno())
        raw.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            call()
        finally:
            raw.pgconn.untrace()
        trace.seek(0)
        lines = trace.read().splitlines()
    return [line.split("\t")[2] for line in lines if line.startswith("F\t")]


def test_postgresql_gets_the_planner_setting_with_the_open_list_in_one_round_trip(app, world):
    """The open list's planner setting costs no round trip of its own: it is held back
    (psycopg's pipeline mode) and goes out with the list's statement, one Sync for
    both; the connection is out of pipeline mode again at once."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's protocol")
    from tracker.tasks import queries as q

    now, member_id = utcnow(), world.member.id
    titles = [world.task.title, world.other_task.title]
    counts = ("none", owed.counts_params(member_id, now))
    db.session.execute(select(1))  # the transaction begun, as the session's lookup does
    pages = []

    def open_list():
        pages.append(q.open_tasks_page(q.OpenFilter(), member_id, now, 1, 20, counts=counts)[0])

    for _ in range(3):  # prepared from the second time on: the same either way
        sent = _frontend_messages(open_list)
        assert sent.count("Sync") == 1 and sent.count("Execute") == 2, " ".join(sent)
        assert [row.card.title for row in pages[-1].items] == titles
    raw = db.session.connection().connection.dbapi_connection
    assert raw.pgconn.pipeline_status == 0  # off
    db.session.commit()


def test_postgresql_ends_the_held_back_setting_with_a_failing_statement_or_the_commit(app, world):
    """A statement that fails after the setting was held back, or a transaction that
    ends before any statement, leaves the connection out of pipeline mode and usable."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's protocol")
    from sqlalchemy import text
    from sqlalchemy.exc import ProgrammingError

    from tracker.sql_hints import generic_plans

    def raw():
        return db.session.connection().connection.dbapi_connection

    generic_plans(db.session)
    with pytest.raises(ProgrammingError):
        db.session.execute(text("SELECT no_such_column FROM task"))
    db.session.rollback()
    assert raw().pgconn.pipeline_status == 0
    assert db.session.scalar(select(func.count()).select_from(Task)) >= 2
    generic_plans(db.session)
    db.session.commit()
    assert raw().pgconn.pipeline_status == 0
    assert db.session.execute(text("SHOW plan_cache_mode")).scalar() == "auto"


def test_the_member_directorys_odd_phones_are_read_from_their_own_index(app, world):
    """Every load of /admin/members asks which active members store a number not spelt
    plainly (``admin.queries.shared_phones``): read from the partial index that holds
    only them (none in the usual case), never by reading every member — on SQLite
    (whose planner takes a partial index only when the query's terms are its WHERE as
    written) and on PostgreSQL (sequential scans off: the index is chosen whenever its
    WHERE is proved from the query's, whatever the few rows of a test database)."""
    from tracker.admin import queries as q

    connection = db.session.connection()
    compiled = q.odd_phones_query().compile(db.engine)
    if db.engine.dialect.name == "sqlite":
        plan = [row[3] for row in connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + str(compiled),
            tuple(compiled.params[name] for name in compiled.positiontup or ()))]
        # one step, through the index: its rows, not the member table's
        assert len(plan) == 1 and "USING" in plan[0] and "ix_member_phone_unplain" in plan[0], plan
    else:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = "\n".join(row[0] for row in connection.exec_driver_sql(
            "EXPLAIN " + str(compiled), compiled.params))
        assert "ix_member_phone_unplain" in plan and "Seq Scan" not in plan, plan
    db.session.rollback()


def test_a_units_findings_of_a_year_are_read_by_the_unit(app, world, count_queries):
    """The 年度总结 of a unit counts the findings its surveys found in the year (the
    survey sentence, the zones, the counts): read through the index that leads with the
    unit (``ix_finding_unit_found``), never the county's year through ``ix_finding_found``
    nor the whole table. SQLite's plan: PostgreSQL chooses by its statistics."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    from tracker.reports.figures import year_figures_plan

    parts = year_figures_plan(utcnow().year, unit=world.unit).parts
    connection = db.session.connection()
    read = []
    for part in {id(part): part for part in parts}.values():
        sql = str(part.compile(db.engine, compile_kwargs={"literal_binds": True}))
        read += [row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)
                 if re.search(r"\bfinding\b", row[3])]
    assert read and all("ix_finding_unit_found" in step for step in read), read


def test_postgresql_compiles_no_statement_just_in_time(app):
    """The app's connections run with JIT off (``db_setup._no_jit``): at county scale
    the 年度总结's batch is estimated above ``jit_above_cost`` and PostgreSQL compiled
    it on every request (about 145 ms for a 10 ms statement). A test database's
    estimates never reach that cost, so the setting itself is what is checked — on a
    connection of the app's pool, after a transaction rolled back."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's JIT")
    db.session.execute(select(func.count(Task.id)))
    db.session.rollback()
    assert db.session.execute(text("SHOW jit")).scalar() == "off"


def _plan_steps(statement, table):
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    return [row[3] for row in db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql)
            if re.search(rf"\b{table}\b", row[3])]


def test_the_countys_visits_of_a_quarter_are_read_from_their_own_index(app, world):
    """社区共建进展 of every community for a period that is not a calendar year counts
    the households its visits name from the named rows (``rollups.served.named_rows``):
    the approved activities of the categories in 户 or 人, with each one's task to join
    its 服务对象 by, are read from the index that leads with the category and holds the
    task (``ix_counted_task_category``) — never the period's rows of every category
    (bench39 finding 5: ~28,000 activities of a year read to keep ~2,700 visits).
    SQLite's plan: PostgreSQL chooses by its statistics (on the bench's set it reads the
    index alone, docs/performance.md, session 40)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    from tracker.rollups.scope import Scope
    from tracker.rollups.served import named_rows

    year = utcnow().year
    statement = named_rows(Scope(date(year, 1, 1), date(year, 4, 1))).parts[0]
    read = _plan_steps(statement, "counted_task")
    assert read and all("COVERING INDEX ix_counted_task_category" in step for step in read), read


def test_the_countys_households_of_a_year_are_read_from_kept_rows(app, world):
    """The whole county's calendar year reads its kept rows — a row per category
    (``counted_served_category_year``, ``counted_served_total``, migration 0068,
    hhkept41) — and no approved activity or named row at all."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    from tracker.rollups.scope import Scope
    from tracker.rollups.served import named_rows

    year = utcnow().year
    statement = named_rows(Scope(date(year, 1, 1), date(year + 1, 1, 1))).parts[0]
    assert _plan_steps(statement, "counted_served_category_year")
    assert not _plan_steps(statement, "counted_task")
    assert not _plan_steps(statement, "task_resident")


def test_the_rolls_work_in_the_units_own_activities_is_read_member_by_member(app, world):
    """参与情况's roll counts ask, for each member on a unit's roll, whether they worked
    in the unit's own activities of the month: read through the member's index
    (``ix_counted_participation_member``: a few rows of one member), never the unit's
    (``ix_counted_participation_unit``), which covers the question and so read the
    unit's whole month once per member of the roll (5.2 of the 月报's 20 ms of SQL at
    county scale, docs/performance.md, session 54). SQLite's plan: PostgreSQL chooses
    by its statistics."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    from tracker.rollups.coverage import coverage_plan

    today = local_today()
    start = today.replace(day=1)
    roll_counts = coverage_plan(world.member.unit_id, start, start + timedelta(days=31)).parts[0]
    read = _plan_steps(roll_counts, "counted_participation")
    assert read and all("ix_counted_participation_member" in step for step in read), read
