"""The lists of the 激活链接 page: members in the actor's reach, by unit and status."""
from __future__ import annotations

from sqlalchemy import func

from ..extensions import db
from ..models import Member
from ..services.invitations import invitable_members_query

STATUSES = ("pending", "all")  # 未设置密码的党员, 全部党员（含重设密码）


def members_query(actor: Member, unit_id: int | None, status: str):
    query = invitable_members_query(actor)
    if unit_id is not None:
        query = query.where(Member.unit_id == unit_id)
    if status == "pending":
        query = query.where(Member.password_hash.is_(None))
    return query.order_by(Member.unit_id, Member.name_key, Member.id)


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
