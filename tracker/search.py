"""Keyword search on list pages: a parameterised LIKE '%…%' with the keyword's own
% and _ escaped (SQLAlchemy's ``contains(…, autoescape=True)``), on a list that is
already narrowed by its indexed filters and paged."""
from __future__ import annotations

from sqlalchemy import or_


def matches(keyword: str, *columns):
    """Any of ``columns`` contains ``keyword`` literally."""
    return or_(*(column.contains(keyword, autoescape=True) for column in columns))
