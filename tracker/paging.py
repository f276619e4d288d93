"""One page of a listing, the same way on every blueprint's list pages."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Integer, Select, bindparam, func, select

from .extensions import db

# Page numbers past this are this page: an OFFSET beyond the database's integer is a
# 500 (SQLite OverflowError, PostgreSQL out of range), not "no more rows".
MAX_PAGE = 100_000


def page_number() -> int:
    """The ``page`` query argument, 1 … MAX_PAGE whatever was typed."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)


def _page(page: int | None) -> int:
    """``page`` kept within 1 … MAX_PAGE; None: the ``page`` argument."""
    return page_number() if page is None else min(max(page, 1), MAX_PAGE)


def _within_the_list(page_of: Callable[[int, bool], Pagination],
                     page: int | None) -> Pagination:
    """``page_of(n, count)`` for page ``page`` (default: the ``page`` argument). A page
    past the end — an old link shared after the list shrank — is the last page, never a
    404 and never an empty page that says 「第 99 / 2 页」 and “nothing here” above a list
    that has rows. Only past the end, it costs more reads than a page within the list,
    fewest when the total found is handed on (the last page is not counted again):
    with a COUNT, one — the last page's rows; with the total on the rows
    (``paged_with_total``), two — the total alone (no row of an empty page carries
    it; ``_PreparedPage``), then the last page. Making it none would need the last
    page found in the statement that found the page empty: an old link's rare case,
    not worth a second form of every list's statement (pagesa49 Open, audit50,
    audit51; tests/web/test_past_the_end_reads.py)."""
    result = page_of(_page(page), True)
    if result.page > 1 and result.page > result.pages:
        total = result.total
        result = page_of(max(result.pages, 1), False)
        if result.total is None:  # not counted again: the total just found
            result.total = total
    return result


def paginate(stmt, page: int | None, per_page: int):
    """Page ``page`` (default: the ``page`` argument; past the end, the last) of
    ``stmt`` (a SELECT plus a COUNT)."""
    return _within_the_list(
        lambda n, count: db.paginate(stmt, page=n, per_page=per_page, max_per_page=per_page,
                                     error_out=False, count=count), page)


@dataclass(frozen=True)
class Prepared:
    """A list's statements, built once and run with parameters (``paginate_prepared``):
    the page, with LIMIT and OFFSET as the parameters ``page_limit`` and ``page_offset``,
    and the COUNT of the whole list — or none, when every row carries the total."""

    page: Select
    count: Select | None = None


def limited(stmt):
    """``stmt`` limited to a page: LIMIT and OFFSET the parameters ``page_limit`` and
    ``page_offset``, which ``paginate_prepared`` gives."""
    return (stmt.limit(bindparam("page_limit", type_=Integer))
            .offset(bindparam("page_offset", type_=Integer)))


def paged(stmt, count: Select | None = None) -> Prepared:
    """``stmt`` (a SELECT of columns) as a page and a COUNT, as ``paginate`` runs them;
    ``count``: a cheaper statement that counts the same rows."""
    if count is None:
        count = select(func.count()).select_from(stmt.order_by(None).subquery())
    return Prepared(limited(stmt), count)


def paged_with_total(stmt) -> Prepared:
    """``stmt`` as one page of rows each carrying the total (``COUNT(*) OVER ()``
    last): one statement where counting costs as much as listing (a member's own rows,
    or a list whose every row must be found), read by ``paginate_prepared``."""
    return Prepared(limited(stmt.add_columns(func.count().over())))


class _PreparedPage(Pagination):
    """A page of a ``Prepared`` list run with parameters, its rows made into items by
    ``make``."""

    def _query_items(self) -> list:
        prepared, params, make = (self._query_args[k] for k in ("prepared", "params", "make"))
        rows = db.session.execute(prepared.page, {
            **params, "page_limit": self.per_page,
            "page_offset": (self.page - 1) * self.per_page}).all()
        if prepared.count is not None:
            return [make(row) for row in rows]
        if not rows and self.page > 1:  # past the end: no row carries the total, so
            # it is read alone, the first row's total column through a subquery: the
            # page's loaders (a member's communities) are the outer statement's, and
            # do not run; ``_within_the_list`` then reads the last page
            total = select(list(prepared.page.subquery().c)[-1])
            self._total = int(db.session.scalar(total, {**params, "page_limit": 1,
                                                        "page_offset": 0}) or 0)
            return []
        self._total = int(rows[0][-1]) if rows else 0
        return [make(row[:-1]) for row in rows]

    def _query_count(self) -> int:
        prepared = self._query_args["prepared"]
        if prepared.count is None:
            return self._total
        return db.session.scalar(prepared.count, self._query_args["params"])


def paginate_prepared(prepared: Prepared, params: dict, make, page: int | None,
                      per_page: int) -> Pagination:
    """``paginate`` for a ``Prepared`` list (built once, or picked before it is joined):
    its page and its COUNT, or a page whose rows carry the total."""
    return _within_the_list(
        lambda n, count: _PreparedPage(page=n, per_page=per_page, max_per_page=per_page,
                                       error_out=False, count=count, prepared=prepared,
                                       params=params, make=make),
        page)
