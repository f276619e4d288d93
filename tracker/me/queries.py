"""Read-only lists for the member's own pages: 消息 and the calendar feed."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import HOLDING, Assignment, Member, MemberNotify, Outbox, Task
from ..paging import paginate
from ..services.calendar_revision import calendar_loads

FEED_PAST = timedelta(days=90)
FEED_MAX = 500


def messages_page(member_id: int, page: int, per_page: int):
    """My in-app messages, newest first."""
    stmt = (select(Outbox).where(*Outbox.inbox_of(member_id))
            .order_by(Outbox.sent_at.desc(), Outbox.id.desc()))
    return paginate(stmt, page, per_page)


def load_message(message_id: int) -> Outbox | None:
    return db.session.get(Outbox, message_id)


def feed_owner(token_hash: str) -> MemberNotify | None:
    """Whose feed address this is — only an active member's: a 停用 member's tasks are
    not published to whoever holds the address."""
    return db.session.scalar(select(MemberNotify).join(Member, Member.id == MemberNotify.member_id)
                             .where(MemberNotify.calendar_token_hash == token_hash,
                                    Member.active.is_(True)))


def feed_tasks(member_id: int, now: datetime) -> list[Task]:
    """The tasks on my calendar: those I hold a slot in or lead, from 90 days ago on,
    each with its event's SEQUENCE and LAST-MODIFIED (in this one statement)."""
    mine = select(Assignment.task_id).where(Assignment.member_id == member_id,
                                            Assignment.status.in_(HOLDING))
    return list(db.session.scalars(
        select(Task)
        .where(or_(Task.id.in_(mine), Task.leader_id == member_id),
               Task.starts_at >= now - FEED_PAST)
        .options(joinedload(Task.community), joinedload(Task.zone), joinedload(Task.category),
                 *calendar_loads())
        .order_by(Task.starts_at, Task.id).limit(FEED_MAX)
        # a task already in the session gets the counted columns only when read afresh
        .execution_options(populate_existing=True)))
