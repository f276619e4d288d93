"""Hints for SQLite's query planner, which works without statistics here.

Nothing in the app runs ``ANALYZE`` on SQLite (tried on the 1M bench set: a few
member statements got better, the county pages and the 月报 got worse), so SQLite
guesses how many rows an index range holds and can start a join from the wrong table:
the county's open tasks (thousands) probed one by one for the one member's place in
line, or every returned report of the county probed for its leader. SQLite's own way
to say "not this index" is a unary ``+`` before the column; PostgreSQL, which keeps
statistics, gets the plain column.
"""
from __future__ import annotations

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


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
