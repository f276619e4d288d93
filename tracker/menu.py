"""The counts the menu shows (待办 3, 消息 2, 审核 4), once per request.

One statement (``owed.counts``) for all of them; a page that shows the same
counts (我的待办, 我的任务's tabs, the 工作台) reads them from here instead of
counting again, and a list page may carry them on its own rows (``riding_counts``):
the menu then runs no statement of its own.
"""
from __future__ import annotations

from flask import current_app, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from . import owed
from .extensions import db
from .reach import reach_of
from .timeutil import utcnow


def _arguments(member) -> dict:
    return {"reach": reach_of(member), "stale_days": current_app.config["STALE_REVIEW_DAYS"]}


def menu_counts() -> owed.Counts | None:
    """The signed-in person's counts (None for a visitor), computed once per request."""
    if not current_user.is_authenticated:
        return None
    # Kept on the request (not ``g``, which a test's app context shares between requests).
    counts = getattr(request, "_menu_counts", None)
    if counts is None:
        member = current_user._get_current_object()
        try:
            counts = owed.counts(member.id, utcnow(), **_arguments(member))
        except SQLAlchemyError:
            # A badge must not turn a page (the 500 page of a database outage above all)
            # into another error: no counts this time.
            db.session.rollback()
            current_app.logger.warning("menu counts unavailable", exc_info=True)
            counts = owed.Counts()
        request._menu_counts = counts
    return counts


def menu_counts_with(member, now, extra: dict, params: dict | None = None,
                     ) -> tuple[owed.Counts, dict[str, int]]:
    """The menu's counts and a page's ``extra`` counts (with ``params`` of their own) in
    one statement (``owed.counts_with``); the menu then reads them from here, not again."""
    counts, more = owed.counts_with(member.id, now, extra, extra_params=params,
                                    **_arguments(member))
    keep_counts(counts)
    return counts, more


def riding_counts(member, now) -> tuple[str, dict]:
    """For a page whose statement carries the menu's counts on its rows
    (``owed.counts_row`` of this reach): the reach's kind and the parameters, whose
    ``now`` the page's statement shares."""
    arguments = _arguments(member)
    return arguments["reach"].kind, owed.counts_params(member.id, now, **arguments)


def keep_counts(counts: owed.Counts) -> None:
    """The menu's counts as a page read them (``riding_counts``): not counted again."""
    request._menu_counts = counts
