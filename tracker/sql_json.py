"""``json_rows``: the rows of a select as one JSON text, for a short list that rides in a
page's combined statement (``rollups.batch``).

There every row is as wide as the widest part (about forty columns on the 月报 page),
so the 月报's pickers — a hundred units and two hundred communities of two columns each
— came as three hundred wide rows, read and converted cell by cell: about a quarter of
the page's batch on SQLite; its ledger's participant names as a couple of hundred
more. As one row each they cost one value apiece.

The aggregate keeps no order, so ``json_rows_in_order`` numbers the rows by the
database's own ORDER BY and ``rows_of`` sorts on that number (and drops it). SQLite's
``json_group_array`` of no rows is ``[]``; PostgreSQL's ``json_agg`` of none is NULL.
"""
from __future__ import annotations

import json

from sqlalchemy import Select, Text, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class json_rows(FunctionElement):  # noqa: N801 — used like a SQL function
    """An aggregate: ``[[a, b, …], …]``, one inner list per row of ``columns``, as text."""

    type = Text()
    inherit_cache = True
    name = "json_rows"


@compiles(json_rows, "sqlite")
def _sqlite(element, compiler, **kw):
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


@compiles(json_rows, "postgresql")
def _postgresql(element, compiler, **kw):
    # as text: a json column would not unite with the text of the batch's other parts
    return f"CAST(json_agg(json_build_array({compiler.process(element.clauses, **kw)})) AS TEXT)"


def json_rows_in_order(stmt: Select, *order_by) -> Select:
    """A one-row SELECT of ``stmt``'s rows as ``json_rows``, each numbered by
    ``order_by`` so that ``rows_of`` gives them back in that order."""
    ranked = stmt.add_columns(func.row_number().over(order_by=order_by)).subquery()
    *columns, place = ranked.c
    return select(json_rows(place, *columns))


def rows_of(text: str | None) -> list[list]:
    """The rows of a ``json_rows_in_order`` value, in its order, without their number."""
    return [row[1:] for row in sorted(json.loads(text))] if text else []
