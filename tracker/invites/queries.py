"""The lists of the 激活链接 page: members in the actor's reach, by unit and status."""
from __future__ import annotations

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Member, Role, Unit
from ..paging import paged_with_total, paginate_prepared
from ..services.invitations import invitable_members_query

STATUSES = ("pending", "all")  # 未设置密码的党员, 全部党员（含重设密码）


ROLE_CHOICES = (Role.liaison, Role.member, Role.admin)  # the 角色 filter: 社区联络员 first
ROLES = tuple(r.value for r in ROLE_CHOICES)


def role_filter(asked: str | None) -> str | None:
    return asked if asked in ROLES else None


def members_query(actor: Member, unit_id: int | None, status: str, role: str | None = None):
    """The page's list: 社区联络员 first (they are invited before the members they will
    send tasks to), then by unit and name."""
    query = invitable_members_query(actor)
    if unit_id is not None:
        query = query.where(Member.unit_id == unit_id)
    if role is not None:
        query = query.where(Member.role == Role(role))
    if status == "pending":
        query = query.where(Member.password_hash.is_(None))
    return query.order_by(case((Member.role == Role.liaison, 0), else_=1),
                          Member.unit_id, Member.name_key, Member.id)


def members_page(actor: Member, unit_id: int | None, status: str, per_page: int,
                 role: str | None = None):
    """The page's list: a page of ``members_query`` with each member's unit joined,
    each row carrying the list's total (one statement, not a page, its units and a
    COUNT: the page within the design's 6)."""
    stmt = members_query(actor, unit_id, status, role).options(joinedload(Member.unit))
    return paginate_prepared(paged_with_total(stmt), {}, lambda row: row[0], None, per_page)


def _pending_after(actor: Member, unit_id: int | None, role: str | None,
                   after: Member | None):
    """The members in reach without a password, by name, after ``after`` in that order."""
    query = members_query(actor, unit_id, "pending", role).order_by(None)
    if after is not None:
        query = query.where(or_(Member.name_key > after.name_key,
                                and_(Member.name_key == after.name_key, Member.id > after.id)))
    return query


def pending_batch(actor: Member, unit_id: int | None, role: str | None, limit: int,
                  after: Member | None = None) -> list[Member]:
    """The next ``limit`` members in reach who have no password yet, by name: those
    after ``after`` (the last of the previous batch; None: from the first)."""
    return list(db.session.scalars(_pending_after(actor, unit_id, role, after)
                                   .order_by(Member.name_key, Member.id).limit(limit)))


def pending_left(actor: Member, unit_id: int | None, role: str | None,
                 after: Member) -> int:
    """How many members without a password come after ``after`` by name (下一批)."""
    return db.session.scalar(_pending_after(actor, unit_id, role, after)
                             .with_only_columns(func.count(Member.id)))


def members_by_id(ids: set[int]) -> list[Member]:
    """The members ticked, by name (whether the actor may send them a link is the
    service's to decide)."""
    if not ids:
        return []
    return list(db.session.scalars(
        select(Member).where(Member.id.in_(ids)).order_by(Member.name_key, Member.id)))


def units_in_reach(actor: Member) -> list[Unit]:
    """The units of the members the actor may send links to: the page's unit filter."""
    ids = invitable_members_query(actor).with_only_columns(Member.unit_id).distinct()
    return list(db.session.scalars(
        select(Unit).where(Unit.id.in_(ids)).order_by(Unit.sort_key, Unit.id)))


def pending_count(actor: Member, unit_id: int | None, role: str | None = None) -> int:
    return db.session.scalar(members_query(actor, unit_id, "pending", role).order_by(None)
                             .with_only_columns(func.count(Member.id)))


def opening_status(asked: str | None, pending: int) -> str:
    """The list asked for; unasked, the one a liaison most likely needs: the members who
    have no password yet, or everyone in reach once all have one (never an empty list
    while there are members to send a link to)."""
    if asked in STATUSES:
        return asked
    return "pending" if pending else "all"
