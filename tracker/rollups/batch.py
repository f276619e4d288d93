"""Several independent SELECTs in one round trip: a page's aggregates as one statement.

A rollup is written as a ``Plan``: the statement(s) it needs and a function that
shapes their rows into the figure. ``run(plan)`` gives the figure (what the plain
functions such as ``figures(scope)`` return); ``run_together(a, b, …)`` gives several
at once, all their statements sent as ONE statement, so a page costs one round trip
and one statement however many figures it shows (issue 14: ≤ 6 statements a page).

How the statements become one: a ``UNION ALL`` of the parts. Each part's columns
go into slots (a slot holds one type and kind of expression, shared by the parts
that have such a column; a part fills the slots it does not use with NULL), with a
tag (its index) and a row number that keeps its own ORDER BY; the rows are split by
tag and each part's put in the order of its row numbers here, not by the database (a
UNION ALL promises no order, and SQLite's sort of the wide rows cost more than the
sort of a few hundred short lists in Python). Sharing keeps the statement
narrow: a column per part and column would make the 月报's 23 parts 116 columns
wide, and building, compiling and reading that cost more than the round trips it
saves. The NULLs are cast to the column's type: PostgreSQL
resolves the column types of a UNION pairwise, so two untyped NULLs become text
and then clash with an integer; and the typed slot lets SQLAlchemy convert the
values as before (dates on SQLite, enums). A part must therefore give every column
a type; one it cannot know (``NullType``) is refused rather than guessed.

Building a large plan costs more than running it: the 月报's 17 statements, their
UNION and SQLAlchemy's walk of it to find its compiled form took about half of the
page's CPU. ``built_once(key, build)`` builds a plan once per key in a process; a
batch made only of such statements is combined once too, and SQLAlchemy finds its
compiled form without walking it again. Every statement still runs on every request:
what is kept is how to ask, never an answer. A plan asked of many values (a write's
day, units, people) is built once per *shape* instead: its statements take those
values as bound parameters (``bindparam``), which each call gives to ``given`` — one
mechanism, one rule (``built_once``'s docstring).
"""
from __future__ import annotations

import weakref
from operator import itemgetter
from collections.abc import Callable, Hashable, Sequence
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, Select, cast, func, literal_column, null, union_all
from sqlalchemy.sql.elements import Label
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import NullType

from ..extensions import db
from ..lru import LRU
from ..sql_hints import generic_plan_of_next

PART, ROW = "batch_part", "batch_row"


@dataclass(frozen=True)
class Plan:
    """The statements a figure needs and how to shape their rows: ``shape`` is
    called with one list of row tuples per statement, in order. ``values``: those of the
    statements' bound parameters, given when it runs (``given``)."""

    parts: tuple[Select, ...]
    shape: Callable[..., Any]
    values: Mapping[str, Any] = field(default_factory=dict, compare=False)


def plan(*parts: Select, shape: Callable[..., Any]) -> Plan:
    return Plan(tuple(parts), shape)


def constant(value) -> Plan:
    """A plan that needs no statement: ``value`` where a page sometimes asks for less."""
    return Plan((), lambda: value)


def gather(*plans: Plan, shape: Callable[..., Any]) -> Plan:
    """One plan of several: ``shape`` gets the figure of each, in order."""
    def shaped(*rowsets):
        figures, at = [], 0
        for p in plans:
            figures.append(p.shape(*rowsets[at:at + len(p.parts)]))
            at += len(p.parts)
        return shape(*figures)
    values: dict[str, Any] = {}
    for p in plans:
        for name, value in p.values.items():
            # one statement, one value a name: two plans may share a parameter's value,
            # never give it two
            if name in values and values[name] != value:
                raise ValueError(f"bound parameter {name!r} given two values")
            values[name] = value
    return Plan(tuple(part for p in plans for part in p.parts), shaped, values)


def given(p: Plan, values: Mapping[str, Any], shape: Callable[..., Any] | None = None) -> Plan:
    """``p`` (built once per shape, ``built_once``) with this call's ``values`` of its
    bound parameters, added to those already given to it — and ``shape`` instead of its
    own when the shaping needs those values (a plan built once holds the shape of its
    first build, whose values are not this call's) or when a figure is made of another's
    rows (``given(p, {}, shape)``: a plan re-wrapped without its values would run its
    bound parameters without them)."""
    return Plan(p.parts, p.shape if shape is None else shape, {**p.values, **values})


# Plans built once per key, the statements they hold, and the batches made of those
# statements alone. Bounded: a process keeps the plans of its recent pages only.
_BUILT_PLANS = LRU(64)
_BUILT_PARTS: weakref.WeakSet = weakref.WeakSet()
_BATCHES = LRU(64)


def built_once(key: Hashable, build: Callable[[], Plan]) -> Plan:
    """The plan ``build()`` gives, built once per ``key`` in this process.

    The rule: every value the build writes into the statements or the shapes is in
    ``key``; every other value they need is a bound parameter (``bindparam``), given
    by each call with ``given`` — a plan asked of many values is then built once per
    shape (``summary_notes.closed_member_units``: two keys a kind of people, every
    day, unit and list of ids), one asked of a few, once per value (a page's, keyed
    by its scope and day). A value in neither would be the first call's for all.
    Key values are plain (ids, dates, today), never a session's objects, whose
    attributes would go stale; shapes make new objects from the rows on each call. A
    database read while building would be reused too: read it in a statement of the
    plan instead."""
    found = _BUILT_PLANS.get(key)
    if found is None:
        found = build()
        _BUILT_PARTS.update(found.parts)
        _BUILT_PLANS.put(key, found)
    return found


def forget_built() -> None:
    """Build every plan again (tests and benchmarks compare with a first request)."""
    _BUILT_PLANS.clear()
    _BATCHES.clear()


def run(p: Plan):
    """The figure of one plan (its statements in one round trip)."""
    return p.shape(*fetch(p.parts, p.values))


def run_together(*plans: Plan) -> tuple:
    """The figures of several plans, their statements run as one."""
    return run(gather(*plans, shape=lambda *figures: figures))


def fetch(parts: Sequence[Select], values: Mapping[str, Any] | None = None
          ) -> list[list[tuple]]:
    """The rows of each SELECT, in its own order, from one statement (``values``: its
    bound parameters')."""
    if not parts:
        return []
    # a statement two plans share (the same object: e.g. the categories' list) runs once
    distinct: list[Select] = []
    where: dict[int, int] = {}  # id of a part → its place in ``distinct``
    for part in parts:
        if id(part) not in where:
            where[id(part)] = len(distinct)
            distinct.append(part)
    if len(distinct) == 1:
        rowsets = [[tuple(row) for row in db.session.execute(distinct[0], values or None)]]
    else:
        statement, pick, kept = _batch(distinct)
        if kept:
            # the same text on every request: planned once per connection, not seven
            # times (its planning costs as much as its running: docs/performance.md)
            generic_plan_of_next(db.session)
        rowsets = split(db.session.execute(statement, values or None), pick)
    # each plan its own list, whatever another plan's shape does with its rows
    return [list(rowsets[where[id(part)]]) for part in parts]


def split(rows, pick: Sequence[Callable]) -> list[list[tuple]]:
    """Rows of a combined statement, in any order, as each part's own rows (its
    columns, picked by ``pick[part]``) in the order of their row numbers."""
    rowsets: list[list] = [[] for _ in pick]
    for row in rows:
        rowsets[row[0]].append(row)
    by_number = itemgetter(1)
    for i, found in enumerate(rowsets):
        found.sort(key=by_number)  # a part without an ORDER BY numbers every row 0
        rowsets[i] = list(map(pick[i], found))
    return rowsets


def _batch(parts: list[Select]):
    """The UNION of ``parts``, how to pick each part's columns out of its rows, and
    whether it is kept: made once for parts that were all built once (the same objects
    on every request, so the same statement)."""
    key = tuple(parts)
    every_part_built_once = all(part in _BUILT_PARTS for part in parts)
    if every_part_built_once:
        found = _BATCHES.get(key)
        if found is not None:
            return (*found, True)
    statement, places = combined(parts)
    # each part's columns picked out of a row in C (itemgetter of one index gives the
    # value, not a tuple: hence the two forms)
    pick = [itemgetter(*at) if len(at) > 1 else (lambda row, k=at[0]: (row[k],))
            for at in places]
    if every_part_built_once:
        _BATCHES.put(key, (statement, pick))
    return statement, pick, every_part_built_once


def _slot_key(column) -> tuple[str, str]:
    """Columns of one type and one kind of expression can share a slot. The type
    alone is not enough on PostgreSQL: SUM of a bigint and EXTRACT are numeric
    where SQLAlchemy says integer, and a numeric in a slot would turn every other
    part's integers in it into Decimals."""
    element = column
    while isinstance(element, Label):
        element = element.element
    kind = element.name if isinstance(element, FunctionElement) else type(element).__name__
    return _type_name(column.type), kind


# repr() of a type is slow (SQLAlchemy works it out from the constructor's signature)
# and the same few type objects — the columns' own — come back on every page
_TYPE_NAMES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _type_name(type_) -> str:
    try:
        return _TYPE_NAMES[type_]
    except KeyError:
        name = _TYPE_NAMES[type_] = repr(type_)
        return name
    except TypeError:  # a type that cannot be a key (unhashable)
        return repr(type_)


def combined(parts: Sequence[Select]):
    """The UNION ALL of ``parts`` (see the module's docstring) and, for each part,
    where its columns are in a row of it."""
    keys, slots, places = [], [], []
    for i, part in enumerate(parts):
        # the row number would change what DISTINCT sees, and LIMIT would need a
        # subquery per part: such statements run on their own
        if (part._limit_clause is not None or part._offset_clause is not None
                or part._distinct):
            raise ValueError(f"part {i}: DISTINCT, LIMIT or OFFSET cannot be batched")
        used, place = set(), []
        for column in part.selected_columns:
            if isinstance(column.type, NullType):
                raise TypeError(f"part {i}: column {column!r} has no type; give it one "
                                "(type_coerce, literal(..., type_)) so the batch can pad it")
            key = _slot_key(column)
            k = next((k for k, other in enumerate(keys) if other == key and k not in used),
                     None)
            if k is None:
                k = len(keys)
                keys.append(key)
                slots.append(cast(null(), column.type).label(f"c{k}"))
            used.add(k)
            place.append(k)
        places.append(place)
    selects = []
    for i, (part, place) in enumerate(zip(parts, places)):
        order = part._order_by_clauses
        number = (func.row_number().over(order_by=order) if order
                  else literal_column("0", Integer))
        columns = list(slots)
        for column, k in zip(part.selected_columns, place):
            columns[k] = column.label(f"c{k}")
        selects.append(
            part.with_only_columns(
                literal_column(str(i), Integer).label(PART), number.label(ROW), *columns,
                maintain_column_froms=True)
            .order_by(None))
    # a row is (part, row number, slot 0, slot 1, …)
    return union_all(*selects), [[k + 2 for k in place] for place in places]
