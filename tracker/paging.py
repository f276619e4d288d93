"""One page of a listing, the same way on every blueprint's list pages."""
from __future__ import annotations

from .extensions import db


def paginate(stmt, page: int, per_page: int):
    """Page ``page`` of ``stmt`` (a SELECT plus a COUNT); a page past the end is
    empty rather than a 404."""
    return db.paginate(stmt, page=page, per_page=per_page, max_per_page=per_page,
                       error_out=False)
