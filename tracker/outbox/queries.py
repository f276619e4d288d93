"""Read-only views of the outbox for the admin's channel status page, and the
communities whose work-group robot a liaison or admin may set."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Channel, Community, CommunityWebhook, Member, Outbox, OutboxStatus
from ..paging import paginate
from ..permissions import managed_community_ids


@dataclass(frozen=True)
class ChannelStatus:
    channel: Channel
    last_success: datetime | None
    last_failure: datetime | None
    last_error: str | None
    pending: int
    failed: int


def channel_status() -> list[ChannelStatus]:
    """Per channel: last success, last error, pending and failed counts (two statements)."""
    rows = {row.channel: row for row in db.session.execute(
        select(Outbox.channel,
               func.max(case((Outbox.status == OutboxStatus.sent, Outbox.sent_at))).label("ok"),
               func.max(case((Outbox.last_error.is_not(None), Outbox.claimed_at))).label("bad"),
               func.count(case((Outbox.status.in_((OutboxStatus.pending, OutboxStatus.sending)),
                                1))).label("pending"),
               func.count(case((Outbox.status == OutboxStatus.failed, 1))).label("failed"))
        .group_by(Outbox.channel))}
    latest_errors = dict(db.session.execute(
        select(Outbox.channel, Outbox.last_error)
        .where(Outbox.id.in_(select(func.max(Outbox.id)).where(Outbox.last_error.is_not(None))
                             .group_by(Outbox.channel)))).all())
    result = []
    for channel in Channel:
        row = rows.get(channel)
        result.append(ChannelStatus(channel, row.ok if row else None, row.bad if row else None,
                                    latest_errors.get(channel), row.pending if row else 0,
                                    row.failed if row else 0))
    return result


def failed_page(page: int, per_page: int):
    stmt = (select(Outbox).where(Outbox.status == OutboxStatus.failed)
            .options(joinedload(Outbox.member), joinedload(Outbox.community))
            .order_by(Outbox.id.desc()))
    return paginate(stmt, page, per_page)


def load_message(message_id: int) -> Outbox | None:
    return db.session.get(Outbox, message_id)


def communities_for(actor: Member) -> list[tuple[Community, CommunityWebhook | None]]:
    ids = managed_community_ids(actor)
    stmt = (select(Community, CommunityWebhook)
            .outerjoin(CommunityWebhook, CommunityWebhook.community_id == Community.id)
            .where(Community.active.is_(True)).order_by(Community.sort_key, Community.id))
    if ids is not None:
        stmt = stmt.where(Community.id.in_(sorted(ids)))
    return [tuple(row) for row in db.session.execute(stmt).all()]


def load_community(community_id: int) -> Community | None:
    return db.session.get(Community, community_id)


def load_webhook(community_id: int) -> CommunityWebhook | None:
    return db.session.get(CommunityWebhook, community_id)
