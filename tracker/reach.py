"""A manager's reach — the communities a person's lists and counts cover — and its SQL
conditions, written once for every statement that is limited by it.

- ``all``: an admin, every community;
- ``some``: a liaison, their communities;
- ``none``: a member, or a liaison who has no community yet (their lists are empty and
  the counts of a manager's queues 0; they still see what concerns them as a member).

Two ways into a statement:

- ``Reach.conditions(column)`` writes the ids in as values, for a statement built per
  request;
- ``in_reach(kind, column)`` is for a statement built once per kind: a liaison's ids are
  the expanding parameter ``community_ids`` (``Reach.params`` gives it), and with
  ``literal_execute`` they are written into the text when it runs, so each liaison's
  statement is planned for their own communities.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, false, select

from .extensions import db
from .models import Community, Member
from .permissions import managed_community_ids

ALL, SOME, NONE = "all", "some", "none"


@dataclass(frozen=True)
class Reach:
    kind: str
    community_ids: tuple[int, ...] = ()

    @property
    def staff(self) -> bool:
        """Counts a manager's queues (an admin, or a liaison of some community)."""
        return self.kind != NONE

    @property
    def ids(self) -> tuple[int, ...] | None:
        """As a rollup ``Scope`` takes them: None for every community, else the ids
        (none for ``none``)."""
        return None if self.kind == ALL else self.community_ids

    @property
    def params(self) -> dict:
        """The parameters of an ``in_reach`` statement (a new dict: callers add theirs)."""
        return {"community_ids": list(self.community_ids)} if self.kind == SOME else {}

    def conditions(self, column) -> list:
        """WHERE conditions limiting ``column`` (a community id) to the reach, the ids
        written in as values."""
        if self.kind == ALL:
            return []
        if self.kind == SOME:
            return [column.in_(self.community_ids)]
        return [false()]


NO_REACH = Reach(NONE)


def reach_of(member: Member) -> Reach:
    ids = managed_community_ids(member)
    if ids is None:
        return Reach(ALL)
    if ids:
        return Reach(SOME, tuple(sorted(ids)))
    return NO_REACH


def in_reach(kind: str, column, *, literal_execute: bool = False) -> list:
    """WHERE conditions on ``column`` for a statement built once per ``kind``."""
    if kind == ALL:
        return []
    if kind == SOME:
        return [column.in_(bindparam("community_ids", expanding=True,
                                     literal_execute=literal_execute))]
    return [false()]


def managed_communities(member: Member) -> list[Community]:
    """The communities in use in the member's reach, in natural order: what the forms
    of a manager (a task, a need, a resident) offer to choose from."""
    reach = reach_of(member)
    if reach.kind == NONE:  # ``WHERE 0 = 1`` answers nothing: no round trip for it
        return []
    stmt = select(Community).where(Community.active.is_(True),
                                   *reach.conditions(Community.id))
    return list(db.session.scalars(stmt.order_by(Community.sort_key, Community.id)))


def managed_among(member: Member, communities) -> list:
    """Those of ``communities`` (the communities in use, already read) in the member's
    reach: ``managed_communities`` without a statement of its own."""
    reach = reach_of(member)
    if reach.kind == ALL:
        return list(communities)
    return [c for c in communities if c.id in reach.community_ids]
