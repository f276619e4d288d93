"""The lists of the 激活链接 page: members in the actor's reach, by unit and status."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Member, Unit
from ..paging import paginate
from ..services.invitations import invitable_members_query

STATUSES = ("pending", "all")  # 未设置密码的党员, 全部党员（含重设密码）


def members_query(actor: Member, unit_id: int | None, status: str):
    query = invitable_members_query(actor)
    if unit_id is not None:
        query = query.where(Member.unit_id == unit_id)
    if status == "pending":
        query = query.where(Member.password_hash.is_(None))
    return query.order_by(Member.unit_id, Member.name_key, Member.id)


def members_page(actor: Member, unit_id: int | None, status: str, per_page: int):
    """The page's list: a page of ``members_query`` with each member's unit."""
    return paginate(members_query(actor, unit_id, status).options(selectinload(Member.unit)),
                    None, per_page)


def pending_batch(actor: Member, unit_id: int | None, limit: int) -> list[Member]:
    """The first ``limit`` members in reach who have no password yet (「全部未激活」)."""
    return list(db.session.scalars(members_query(actor, unit_id, "pending").limit(limit)))


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


def pending_count(actor: Member, unit_id: int | None) -> int:
    return db.session.scalar(members_query(actor, unit_id, "pending").order_by(None)
                             .with_only_columns(func.count(Member.id)))


def opening_status(asked: str | None, pending: int) -> str:
    """The list asked for; unasked, the one a liaison most likely needs: the members who
    have no password yet, or everyone in reach once all have one (never an empty list
    while there are members to send a link to)."""
    if asked in STATUSES:
        return asked
    return "pending" if pending else "all"
