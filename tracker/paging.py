"""One page of a listing, the same way on every blueprint's list pages."""
from __future__ import annotations

from flask import request

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
