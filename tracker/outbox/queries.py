"""Read-only views of the outbox for the admin's channel status page, and the
communities whose work-group robot a liaison or admin may set."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from ..extensions import db
from ..models import (WEBHOOK_CHANNELS, Channel, Community, CommunityWebhook, Member, Outbox,
                      OutboxStatus)
from ..paging import paged_with_total, paginate_prepared
from ..permissions import managed_community_ids
from ..reminders.reasons import failure_words
from ..rollups.batch import Plan, plan, run_together


@dataclass(frozen=True)
class ChannelStatus:
    channel: Channel
    last_success: datetime | None
    last_failure: datetime | None  # the time of the last failed try (not of its claim)
    last_error: str | None  # in the reader's language where the job knows why
    pending: int
    failed: int
    not_sent: int = 0  # skipped (the recipient's choice) or obsolete: not failures

    @property
    def recovered(self) -> bool:
        """The last error is history: a message went out on this channel after it."""
        return bool(self.last_failure and self.last_success
                    and self.last_success > self.last_failure)


def channel_status_plan() -> Plan:
    """Per channel: last success, last error (dated by the failed try, worded by that try
    even if its row was set aside since: ``reasons.failure_words``), pending, failed and
    not-sent counts (two statements, run as one: ``rollups.batch``)."""
    figures = (
        select(Outbox.channel,
               func.max(case((Outbox.status == OutboxStatus.sent, Outbox.sent_at))).label("ok"),
               func.max(Outbox.failed_at).label("bad"),
               func.count(case((Outbox.status.in_((OutboxStatus.pending, OutboxStatus.sending)),
                                1))).label("pending"),
               func.count(case((Outbox.status == OutboxStatus.failed, 1))).label("failed"),
               func.count(case((Outbox.status.in_((OutboxStatus.skipped, OutboxStatus.obsolete)),
                                1))).label("not_sent"))
        .group_by(Outbox.channel))
    latest = (select(Outbox.channel, func.max(Outbox.failed_at).label("at"))
              .where(Outbox.failed_at.is_not(None)).group_by(Outbox.channel).subquery())
    errors = (select(Outbox.channel, Outbox.reason, Outbox.last_error, Outbox.status)
              .join(latest, and_(latest.c.channel == Outbox.channel,
                                 latest.c.at == Outbox.failed_at)))

    def shape(figure_rows, error_rows):
        rows = {row[0]: row for row in figure_rows}
        latest_errors = {channel: failure_words(reason, error, status)
                         for channel, reason, error, status in error_rows}
        result = []
        for channel in Channel:
            _c, ok, bad, pending, failed, not_sent = rows.get(channel, (channel, None, None,
                                                                        0, 0, 0))
            result.append(ChannelStatus(channel, ok, bad, latest_errors.get(channel),
                                        pending, failed, not_sent))
        return result

    return plan(figures, errors, shape=shape)


def robots_on_plan() -> Plan:
    """Per work-group channel (企业微信, 钉钉), how many communities have a robot on:
    those the job sends to (``job``: an active ``CommunityWebhook``). The status page
    says so rather than 「已开通」, which read as "the groups get reminders" on an
    installation where no community had set one (walk47 #5)."""
    def shape(rows):
        found = dict(rows)
        return {channel: found.get(channel, 0) for channel in WEBHOOK_CHANNELS}

    return plan(select(CommunityWebhook.channel, func.count())
                .where(CommunityWebhook.active.is_(True)).group_by(CommunityWebhook.channel),
                shape=shape)


def status_figures() -> tuple[list[ChannelStatus], dict[Channel, int]]:
    """The status page's channels (``channel_status_plan``) and robots
    (``robots_on_plan``) in one statement (pagesa48's Open: the page within 6)."""
    return run_together(channel_status_plan(), robots_on_plan())


def failed_page(page: int, per_page: int):
    """The failed messages, newest first, each row carrying their total (one statement,
    not a page and a COUNT: the status page within the design's 6)."""
    stmt = (select(Outbox).where(Outbox.status == OutboxStatus.failed)
            .options(joinedload(Outbox.member), joinedload(Outbox.community))
            .order_by(Outbox.id.desc()))
    return paginate_prepared(paged_with_total(stmt), {}, lambda row: row[0], page, per_page)


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


@dataclass(frozen=True)
class RobotDelivery:
    """A work group's latest robot message that was tried: sent, or failed (``retrying``
    while tries are left, else given up) with the robot's words (masked when kept)."""

    status: OutboxStatus
    at: datetime
    error: str | None
    retrying: bool


def robot_deliveries(community_ids) -> dict[int, RobotDelivery]:
    """Each community's latest tried robot message (one statement): what its liaison
    needs to know whether the work group hears anything."""
    ids = sorted(community_ids)
    if not ids:
        return {}
    tried = func.coalesce(Outbox.sent_at, Outbox.failed_at)
    ranked = (select(Outbox.community_id, Outbox.status, tried.label("at"), Outbox.reason,
                     Outbox.last_error,
                     func.row_number().over(partition_by=Outbox.community_id,
                                            order_by=(tried.desc(), Outbox.id.desc()))
                     .label("n"))
              .where(Outbox.member_id.is_(None), Outbox.community_id.in_(ids),
                     Outbox.channel.in_(WEBHOOK_CHANNELS), tried.is_not(None))
              .subquery())
    return {row.community_id: RobotDelivery(
                row.status, row.at,
                None if row.status == OutboxStatus.sent
                else failure_words(row.reason, row.last_error, row.status),
                row.status == OutboxStatus.pending)
            for row in db.session.execute(select(ranked).where(ranked.c.n == 1))}


def _given_up(communities: list) -> list:
    """Conditions on ``Outbox``, joined with the community's ``CommunityWebhook``: a work
    group's message the job gave up on (``failed``: every retry spent, handed over with
    no answer, or a robot stored under another SECRET_KEY), its robot still in use on
    that channel, no message sent to that group since, and no 发送测试消息 the robot (as
    saved now) took since — the group hears nothing until someone fixes the robot.
    ``communities``: conditions on ``Outbox.community_id`` (the reader's reach). Read
    through indexes only (``ix_outbox_status_next``, ``ix_outbox_member_channel``)."""
    later = aliased(Outbox)
    return [Outbox.member_id.is_(None), Outbox.channel.in_(WEBHOOK_CHANNELS),
            Outbox.status == OutboxStatus.failed, *communities,
            CommunityWebhook.active.is_(True), CommunityWebhook.channel == Outbox.channel,
            or_(CommunityWebhook.tested_ok_at.is_(None),
                CommunityWebhook.tested_ok_at <= Outbox.failed_at),
            ~select(later.id).where(later.member_id.is_(None), later.channel.in_(WEBHOOK_CHANNELS),
                                    later.status == OutboxStatus.sent,
                                    later.community_id == Outbox.community_id,
                                    later.sent_at > Outbox.failed_at).exists()]


def _with_robot(statement):
    return statement.join(CommunityWebhook, CommunityWebhook.community_id == Outbox.community_id)


def given_up_count(communities: list):
    """How many work groups of the reach hear nothing (``_given_up``): a scalar
    subquery, read in the 工作台's counts statement, so the page asks for the groups
    themselves (``given_up_robots``) only when there are some."""
    return _with_robot(select(func.count(func.distinct(Outbox.community_id)))
                       .select_from(Outbox)).where(*_given_up(communities)).scalar_subquery()


@dataclass(frozen=True)
class GivenUpRobot:
    community: Community
    channel: Channel
    at: datetime  # the latest failed try


def given_up_robots(communities: list) -> list[GivenUpRobot]:
    """The work groups of the reach that hear nothing, in the communities' order (one
    statement)."""
    rows = db.session.execute(
        _with_robot(select(Community, Outbox.channel, func.max(Outbox.failed_at))
                    .select_from(Outbox))
        .join(Community, Community.id == Outbox.community_id)
        .where(*_given_up(communities))
        .group_by(Community.id, Outbox.channel)
        .order_by(Community.sort_key, Community.id)).all()
    return [GivenUpRobot(community, channel, at) for community, channel, at in rows]


def load_community(community_id: int) -> Community | None:
    return db.session.get(Community, community_id)


def load_webhook(community_id: int) -> CommunityWebhook | None:
    return db.session.get(CommunityWebhook, community_id)
