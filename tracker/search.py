"""Keyword search on list pages: a parameterised LIKE '%…%' with the keyword's own
% and _ escaped (SQLAlchemy's ``contains(…, autoescape=True)``), on a list that is
already narrowed by its indexed filters and paged."""
from __future__ import annotations

from sqlalchemy import and_, false, or_

from .fields import clean_text
from .phones import phone_fragment
from .privacy import ERASED_PHONE_MARK


def matches(keyword: str, *columns):
    """Any of ``columns`` contains ``keyword`` literally. A control character pasted
    into the box is no part of a name (``fields.clean_text``): PostgreSQL refuses a NUL
    in a parameter outright (a 500), SQLite just finds nothing."""
    keyword = clean_text(keyword)
    return or_(*(column.contains(keyword, autoescape=True) for column in columns))


def phone_matches(fragment: str, column, *, prefix: bool = False):
    """``column`` (a member's 手机号) holds a real phone number that contains the typed
    ``fragment`` (``prefix``: starts with it). An erased member's placeholder
    (``privacy.erased_phone``: the mark and the member's id) is no number: no search
    finds it, whether by the digits of the id or by the mark itself. The fragment is
    read as the numbers are stored (``phones.phone_fragment``): 「139 0000」, full-width
    digits and 「+86 139…」 find 1390000…; one with no digits in it finds no number."""
    fragment = phone_fragment(fragment)
    if not fragment.isdecimal() or not fragment.isascii():
        return false()
    found = (column.startswith(fragment, autoescape=True) if prefix
             else column.contains(fragment, autoescape=True))
    return and_(found, ~column.startswith(ERASED_PHONE_MARK, autoescape=True))
