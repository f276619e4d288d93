"""The drop-down lists many pages offer — the active communities and categories, each in
its own order — kept in each worker under the lists' version.

``lists_version`` (tracker/models/lists.py) holds a token the database itself changes
whenever either list changes, however it is changed. A page reads that one row, and the
lists are read again only when it differs from the token they were kept under: an
added, renamed or closed community shows on the very next page in every worker, and an
unchanged list of a county's 200 communities is never read twice
(docs/performance.md).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, func, literal, select, union_all

from .extensions import db
from .lru import LRU
from .models import Category, Community, ListsVersion, Task


@dataclass(frozen=True)
class Lists:
    """(id, name) of the active communities and categories, each in its own order, and
    the lists' version they were read under. Frozen: also the key under which a form
    showing them is kept rendered (templates/tasks/open.html), so a renamed or added
    community is another key, never a stale drop-down."""

    communities: tuple[tuple[int, str], ...]
    categories: tuple[tuple[int, str], ...]
    token: str | None = None
    # (id, name) of the communities switched off that have tasks: the pickers of past
    # periods still offer them, marked 已停用 (their history stays reachable)
    retired_communities: tuple[tuple[int, str], ...] = ()


def retired_name(name: str) -> str:
    """A picker's name of a community, unit or zone switched off (停用) that a past
    period's figures still reach."""
    return _("%(name)s（已停用）", name=name)


@functools.cache
def token_statement():
    """The lists' version: one row. A page's own statement may carry it as a scalar
    subquery (tasks.queries), so its rows say which lists were current."""
    return select(ListsVersion.token).where(ListsVersion.id == 1)


@functools.cache
def _lists_statement():
    def ranked(kind: int, model, *order, where=None):
        return select(literal(kind).label("kind"), model.id, model.name,
                      func.row_number().over(order_by=order).label("place")
                      ).where(model.active.is_(True) if where is None else where)

    # Tasks are made from the items of communities in use, so whether one switched off
    # has tasks changes with the community's own row, which changes the version.
    retired_with_work = and_(Community.active.is_(False), select(Task.id).where(
        Task.community_id == Community.id).exists())
    both = union_all(ranked(0, Community, Community.sort_key, Community.id),
                     ranked(1, Category, Category.sort_order, Category.id),
                     ranked(2, Community, Community.sort_key, Community.id,
                            where=retired_with_work)).subquery()
    # The version in the same statement, so the lists are kept under the token of the
    # very rows read (a separate read could see a commit in between).
    return (select(both.c.kind, both.c.id, both.c.name, token_statement().scalar_subquery())
            .order_by(both.c.kind, both.c.place))


# {(database, token): Lists}: a few tokens per worker (one, but for the moments after an
# admin edits a community or a category).
_KEPT = LRU(8)
# {database: Lists}: the newest lists this worker has read
_LATEST = LRU(8)


def current_lists(token: str | None = None) -> Lists:
    """Both lists as the database holds them now: kept under the lists' version, read
    again (one statement of plain rows) whenever it has changed. ``token``: the version
    as a statement of this request has just read it; None: it is read here (one row)."""
    database = db.engine  # two apps of one process (tests) may read two databases
    if token is None:
        token = db.session.execute(token_statement()).scalar()
    kept = _KEPT.get((database, token)) if token is not None else None
    if kept is None:
        lists, read_under = ([], [], []), None
        for kind, id_, name, read_under in db.session.execute(_lists_statement()):
            lists[kind].append((id_, name))
        kept = Lists(tuple(lists[0]), tuple(lists[1]), read_under, tuple(lists[2]))
        if read_under is None:
            return kept
        _KEPT.put((database, read_under), kept)
    _LATEST.put(database, kept)
    return kept


def active_categories() -> list[Category]:
    """The active categories as records, in their order: for a form that shows more of
    them than their names (需求's 数量单位) or that the task list filters by. Read each
    time (a handful of rows), not kept under the lists' version."""
    return list(db.session.scalars(
        select(Category).where(Category.active.is_(True)).order_by(Category.sort_order)
    ))


def latest_lists() -> Lists:
    """The newest lists this worker has read, without asking the database whether they
    are still current: for a page whose own statement carries the version
    (``token_statement``) and which calls ``current_lists`` with it when it differs."""
    return _LATEST.get(db.engine) or current_lists()
