"""One page of a listing, the same way on every blueprint's list pages."""
from __future__ import annotations

from flask import request
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Integer, bindparam, func, select

from .extensions import db

# Page numbers past this are this page: an OFFSET beyond the database's integer is a
# 500 (SQLite OverflowError, PostgreSQL out of range), not "no more rows".
MAX_PAGE = 100_000


def page_number() -> int:
    """The ``page`` query argument, 1 … MAX_PAGE whatever was typed."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)


def paginate(stmt, page: int | None, per_page: int):
    """Page ``page`` (default: the ``page`` argument) of ``stmt`` (a SELECT plus a
    COUNT); a page past the end is empty rather than a 404."""
    page = page_number() if page is None else min(max(page, 1), MAX_PAGE)
    return db.paginate(stmt, page=page, per_page=per_page, max_per_page=per_page,
                       error_out=False)


class _CountedPage(Pagination):
    """A page and the total of the same SELECT read in one statement (``COUNT(*) OVER
    ()``): a list whose every row must be found — an anti-join over all history —
    is scanned once instead of once for the page and again for the count."""

    def _query_items(self) -> list:
        stmt = self._query_args["select"]
        rows = db.session.execute(
            stmt.add_columns(func.count().over()).limit(self.per_page)
            .offset((self.page - 1) * self.per_page)).all()
        if rows:
            self._total = int(rows[0][-1])
        elif self.page == 1:
            self._total = 0
        else:  # past the end: no row carries the total
            self._total = db.session.scalar(
                select(func.count()).select_from(stmt.order_by(None).subquery()))
        return [row[0] for row in rows]

    def _query_count(self) -> int:
        return self._total


def paginate_counted(stmt, page: int | None, per_page: int) -> Pagination:
    """``paginate`` in one statement where counting costs as much as listing."""
    page = page_number() if page is None else min(max(page, 1), MAX_PAGE)
    return _CountedPage(page=page, per_page=per_page, max_per_page=per_page, error_out=False,
                        select=stmt)


class _RowPage(SelectPagination):
    """A page of plain rows: a SELECT of columns, read without building ORM objects."""

    def _query_items(self) -> list:
        stmt = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(db.session.execute(stmt))


def paginate_rows(stmt, page: int | None, per_page: int) -> Pagination:
    """``paginate`` for a SELECT of columns (the page's items are its rows)."""
    page = page_number() if page is None else min(max(page, 1), MAX_PAGE)
    return _RowPage(page=page, per_page=per_page, max_per_page=per_page, error_out=False,
                    select=stmt, session=db.session)


def paged_with_total(stmt):
    """``stmt`` (a SELECT of columns) as one page of rows each carrying the total
    (``COUNT(*) OVER ()`` last), its LIMIT and OFFSET parameters: a statement to build
    once and run with ``paginate_prepared``."""
    return (stmt.add_columns(func.count().over())
            .limit(bindparam("page_limit", type_=Integer))
            .offset(bindparam("page_offset", type_=Integer)))


class _PreparedPage(Pagination):
    """A page of a statement built once (``paged_with_total``), run with parameters;
    its rows made into items by ``make``."""

    def _query_items(self) -> list:
        stmt, params, make = (self._query_args[k] for k in ("select", "params", "make"))
        rows = db.session.execute(stmt, {**params, "page_limit": self.per_page,
                                         "page_offset": (self.page - 1) * self.per_page}).all()
        if not rows and self.page > 1:  # past the end: no row carries the total
            first = db.session.execute(stmt, {**params, "page_limit": 1, "page_offset": 0}).first()
            self._total = int(first[-1]) if first else 0
            return []
        self._total = int(rows[0][-1]) if rows else 0
        return [make(row[:-1]) for row in rows]

    def _query_count(self) -> int:
        return self._total


def paginate_prepared(stmt, params: dict, make, page: int | None, per_page: int) -> Pagination:
    """``paginate_counted`` for a statement built once by ``paged_with_total``."""
    page = page_number() if page is None else min(max(page, 1), MAX_PAGE)
    return _PreparedPage(page=page, per_page=per_page, max_per_page=per_page,
                         error_out=False, select=stmt, params=params, make=make)
