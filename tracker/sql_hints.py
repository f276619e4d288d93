"""Hints for the query planners: SQLite's, which works without statistics here, and
PostgreSQL's, which plans a prepared statement for values it has not seen.

Nothing in the app runs ``ANALYZE`` on SQLite (tried on the 1M bench set: a few
member statements got better, the county pages and the 月报 got worse), so SQLite
guesses how many rows an index range holds and can start a join from the wrong table:
the county's open tasks (thousands) probed one by one for the one member's place in
line, or every returned report of the county probed for its leader. SQLite's own way
to say "not this index" is a unary ``+`` before the column; PostgreSQL, which keeps
statistics, gets the plain column.

PostgreSQL runs a statement psycopg has prepared (from its second use on a connection)
with custom plans, made for each execution's values, until a generic plan, made once
for any values, looks no dearer. A constant sent as a parameter (a status, a LIMIT)
leaves the generic plan guessing, so it never looks cheap and the statement is planned
on every request: ``constants_written_out`` puts the constants in the text. Where the
generic plan still looks dearer than it runs (the open list: its count's
``starts_at > $now`` is estimated at a third of the open tasks), ``generic_plans``
tells PostgreSQL to use it anyway, for the rest of the transaction.
"""
from __future__ import annotations

from sqlalchemy import literal
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal


class not_indexed(FunctionElement):  # noqa: N801 — used like a SQL function
    """``column`` in a condition SQLite must not answer from an index (``+column``);
    the column itself on other databases."""

    inherit_cache = True
    name = "not_indexed"

    def __init__(self, column):
        super().__init__(column)
        self.type = column.type  # values compared with it bind as the column's do


@compiles(not_indexed)
def _plain(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(not_indexed, "sqlite")
def _sqlite(element, compiler, **kw):
    return "+" + compiler.process(element.clauses, **kw)


class _WrittenOut(ColumnElement):
    """A bound constant written into the statement's text when it is compiled: the
    compiled form SQLAlchemy caches then holds it, and no execution renders it again
    (a ``literal_execute`` parameter is rendered into the text on every execution,
    which cost the menu's counts a fifth of their CPU). Its value is part of the
    cache key, so statements with other constants are compiled apart."""

    inherit_cache = True
    _traverse_internals = [("value", InternalTraversal.dp_plain_obj),
                           ("type", InternalTraversal.dp_type)]

    def __init__(self, parameter):
        self._parameter = parameter
        self.type = parameter.type
        # a list (an IN's values) is not hashable; the cache key needs it to be
        self.value = tuple(parameter.value) if parameter.expanding else parameter.value


@compiles(_WrittenOut)
def _written_out(element, compiler, **kw):
    # rendered as a literal_binds compile renders it: an IN's parentheses, an empty
    # IN's always-false form, each type's own way of writing its values
    return compiler.process(element._parameter, **dict(kw, literal_binds=True))


def constants_written_out(statement):
    """A copy of ``statement`` whose bound constants (every parameter given its value
    when the statement was built) are written into its SQL text; the parameters left
    without a value (``bindparam("now")``) stay parameters. For a statement built once
    and run with new values on every request: its text stays the same, so PostgreSQL
    can plan it once for all of them."""
    def write_out(element, **_kw):
        if (isinstance(element, BindParameter) and element.value is not None
                and element.callable is None):
            return _WrittenOut(element)
        return None

    return visitors.replacement_traverse(statement, {}, write_out)


def written_out(value, type_):
    """``value`` (of ``type_``) written into the statement's SQL text instead of sent as
    a parameter, rendered once, when the statement is compiled (``_WrittenOut``, as
    ``constants_written_out`` renders a statement's constants): for a value the planner
    must see, such as a period or a status in a condition.

    Why: PostgreSQL runs a statement it has prepared on a generic plan, made once for
    any values, as soon as that looks no dearer than the custom ones, and a generic
    plan guesses a parameter's rows: it put a month of the county's approved
    participations at 2,000 rather than 15,000 and read them all, by a hash or the
    date index, to keep a unit's roll's few (参与情况's 未参与名单 and its work counted
    elsewhere: docs/performance.md, sessions 11 and 56). With the value in the text,
    every plan of the statement, the generic one too, is made for it.
    ``literal(…, literal_execute=True)`` sends the same text but renders it again on
    every execution."""
    return _WrittenOut(literal(value, type_))


GENERIC_PLANS = "SET LOCAL plan_cache_mode = force_generic_plan"
RESTORE_PLANS = "SET LOCAL plan_cache_mode TO DEFAULT"
# connection.info's keys: a psycopg pipeline that ends with the next statement; what to
# send after that statement, before the pipeline ends; that the transaction runs on
# generic plans to its end (``generic_plans``)
PIPELINE = "tracker_pipeline_until_next_statement"
PIPELINE_THEN = "tracker_pipeline_then"
GENERIC_TO_THE_END = "tracker_generic_plans_to_the_end"


def generic_plans(session) -> None:
    """PostgreSQL: the rest of this transaction runs each prepared statement on its
    generic plan, made once per connection, instead of planning it for each run's
    values. For a statement whose generic plan runs as fast as its custom ones but is
    estimated dearer (``starts_at > $now`` guessed at a third of the rows): planning the
    open list took 1.5 ms of the server's CPU on every request, running it about 1 ms.
    Nothing on SQLite.

    The setting costs no round trip of its own: psycopg's pipeline mode holds it back,
    and the pipeline ends as soon as the next statement is sent
    (``db_setup._end_pipelines``), so both go out and come back together — and the
    transaction still ends in COMMIT, which keeps the prepared statements."""
    if session.get_bind().dialect.name != "postgresql":
        return
    connection = _held_back(session, GENERIC_PLANS)
    connection.info[GENERIC_TO_THE_END] = True


def generic_plan_of_next(session) -> None:
    """PostgreSQL: the next statement alone runs on its generic plan; the statements
    after it are planned as before. For a statement sent again and again with the same
    text whose planning costs more than its running — a page's figures as one batch
    (``rollups.batch``): the 月报's took about 50 ms to plan and 40–70 to run at 100,000
    participations. PostgreSQL makes five custom plans of a prepared statement before
    it weighs a generic one, so each connection planned each batch seven times — and
    at 1M participations 社区共建进展's on every request, its generic plan estimated
    dearer than it runs; now twice (its first, unprepared run and its preparing). The
    setting and its undoing go out with the statement, in its round trip
    (``db_setup._end_pipelines``). Nothing on SQLite, nor in a transaction already on
    generic plans (``generic_plans``)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    connection = session.connection()
    if connection.info.get(GENERIC_TO_THE_END) or PIPELINE in connection.info:
        return
    _held_back(session, GENERIC_PLANS).info[PIPELINE_THEN] = RESTORE_PLANS


def _held_back(session, setting: str):
    """``setting`` sent in a psycopg pipeline that the next statement ends; the session's
    connection."""
    import psycopg

    connection = session.connection()
    raw = connection.connection.dbapi_connection
    try:
        pipeline = raw.pipeline()
        pipeline.__enter__()
        try:
            raw.execute(setting)
        except BaseException as error:
            pipeline.__exit__(type(error), error, error.__traceback__)
            raise
    except psycopg.OperationalError as error:
        # The server went away (a restart, a failover) and psycopg, not SQLAlchemy, met
        # it: dropped from the pool, and raised as SQLAlchemy raises a disconnect, so the
        # request is the 503 (errors.database_unavailable), not a 500.
        connection.invalidate(error)
        raise DBAPIError.instance(setting, None, error, psycopg.Error,
                                  connection_invalidated=True) from None
    connection.info[PIPELINE] = pipeline
    return connection
