"""Reads of 补录申请: the member's choices and list, the liaison's queue."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from ..extensions import db
from ..models import (
    Assignment,
    AuditEvent,
    AssignmentStatus,
    BackfillRequest,
    Community,
    Member,
    ReportStatus,
    RequestStatus,
    ResourceItem,
    RollPeriod,
    Task,
    TaskReport,
    TaskStatus,
    Unit,
    Zone,
)
from ..names import namesakes_of
from ..reach import Reach, reach_of
from ..rollups.batch import Plan, constant, plan, run
from ..services.backfill import nameable, units_working_in
from ..services.overlap import held_elsewhere
from ..services.backfill_requests import place_elsewhere, request_unit, taken_elsewhere
from ..services.request_window import window_start
from ..timeutil import utcnow

# The select offers the most recent tasks only: at county scale 60 of them (three months
# of a unit's two communities) made the form's first load over the design's budget
# (docs/design.md, "Budgets"), and a long select is hard to scan on a phone. An earlier
# activity is found by its date (``day``, the form's 查找), or named by ?task= from its page.
TASK_CHOICES = 20


def working_communities(member) -> list[Community]:
    """The communities the member may ask about (补录's rule, ``backfill.nameable``), by
    name: those a unit works in (a checklist item there or one of its zones) that the
    member was in on a day of the request window — a stay of theirs then, or the unit
    they are in now. A member moved since still finds the communities of the unit they
    left (the activities of the days before the move)."""
    start = window_start()
    units = select(RollPeriod.unit_id).where(
        RollPeriod.member_id == member.id,
        or_(RollPeriod.until.is_(None), RollPeriod.until > start)).union(
        select(Member.unit_id).where(Member.id == member.id))
    ids = select(ResourceItem.community_id).where(ResourceItem.unit_id.in_(units)).union(
        select(Zone.community_id).where(Zone.unit_id.in_(units)))
    return list(db.session.scalars(
        select(Community).where(Community.id.in_(ids)).order_by(Community.name)))


def _requestable(member, community_ids, *, elsewhere_too: bool = False):
    """The select of ``requestable_tasks`` (all of them, unordered). ``elsewhere_too``:
    with the tasks at hours where the member holds a place on another activity
    (``overlap.held_elsewhere``), which the list leaves out."""
    on_it = (select(Assignment.task_id)
             .outerjoin(TaskReport, TaskReport.task_id == Assignment.task_id)
             .where(Assignment.member_id == member.id,
                    Assignment.status != AssignmentStatus.withdrawn,
                    or_(Assignment.status == AssignmentStatus.done,
                        TaskReport.status.is_(None),
                        TaskReport.status != ReportStatus.approved)))
    # 补录's rule, on each task's day: the member's unit then works in its community
    named = exists(select(Member.id).where(
        Member.id == member.id,
        *nameable(units_working_in(Task.community_id), Task.service_date)))
    requestable = select(Task).where(
        Task.community_id.in_(list(community_ids)), Task.status != TaskStatus.cancelled,
        Task.ends_at <= utcnow(),
        Task.service_date >= window_start(),
        Task.id.not_in(on_it), named)
    return requestable if elsewhere_too else requestable.where(~held_elsewhere(member.id))


def requestable_tasks(member, community_ids, *, day=None, include=None) -> list[Task]:
    """Ended, not cancelled tasks of these communities within the request window, of a
    day the member's unit worked in the task's community (``backfill.nameable``), that
    the member is not on (or is on but not counted once the report is approved:
    ``is_requestable``'s rule) and at hours where they hold no place on another
    activity (``overlap.held_elsewhere``: 采纳 would refuse them, review38bfix), latest
    first: the most recent ``TASK_CHOICES``, or those of ``day``; and the task
    ``include`` (the one asked for by ?task= or posted) if it is one of them."""
    if not community_ids:
        return []
    requestable = _requestable(member, community_ids).options(selectinload(Task.community))
    listed = requestable if day is None else requestable.where(Task.service_date == day)
    tasks = list(db.session.scalars(
        listed.order_by(Task.starts_at.desc(), Task.id.desc()).limit(TASK_CHOICES)))
    if include is not None and all(task.id != include for task in tasks):
        tasks += db.session.scalars(requestable.where(Task.id == include))
        tasks.sort(key=lambda task: (task.starts_at, task.id), reverse=True)
    return tasks


def left_out_for_overlap(member, community_ids, task_id):
    """Why the task ``task_id`` (asked for by its page's 我参加了但没有记录) is not
    offered, when ``requestable_tasks`` leaves it out only because the member holds a
    place on another activity at its hours — naming that activity
    (``backfill_requests.place_elsewhere``), for the page to say instead of quietly
    showing no task; else None."""
    if not community_ids or task_id is None:
        return None
    asked = db.session.scalar(_requestable(member, community_ids, elsewhere_too=True)
                              .where(Task.id == task_id, held_elsewhere(member.id)))
    other = None if asked is None else place_elsewhere(asked, member)
    return None if other is None else taken_elsewhere(asked, other)


def my_requests(member_id: int) -> list[BackfillRequest]:
    return list(db.session.scalars(
        select(BackfillRequest).where(BackfillRequest.member_id == member_id)
        .options(selectinload(BackfillRequest.task), selectinload(BackfillRequest.community),
                 # an adopted request whose activity was voided since says so
                 selectinload(BackfillRequest.result_task),
                 selectinload(BackfillRequest.voided_task))
        .order_by(BackfillRequest.created_at.desc(), BackfillRequest.id.desc())))


def pending_count_column(reach: Reach):
    """How many requests wait in the reach's communities, as a scalar subquery (the
    工作台 reads it with its other counts)."""
    return (select(func.count(BackfillRequest.id))
            .where(BackfillRequest.status == RequestStatus.pending,
                   *reach.conditions(BackfillRequest.community_id))
            .scalar_subquery())


def pending_count(actor) -> int:
    return db.session.scalar(select(pending_count_column(reach_of(actor))))


def _queued(reach: Reach, request=BackfillRequest) -> list:
    """WHERE conditions on ``request`` (``BackfillRequest`` or an alias of it): the
    requests the queue of a reader of ``reach`` lists — pending, in the reader's
    communities (admins: all)."""
    return [request.status == RequestStatus.pending, *reach.conditions(request.community_id)]


def pending_queue(actor) -> list[tuple[BackfillRequest, Unit]]:
    """Pending requests in the actor's communities (admins: all), oldest first, each with
    its member's unit on the request's day (``backfill_requests.request_unit``): the unit
    补录 counts the work for, and the one its rule asks of (``backfill.nameable``) — not
    the unit the member is in now, which a move since may have made one that works
    nowhere here. One statement for the queue: each request's member, community, task
    with its report (whether it is approved: 采纳's 已定稿 question,
    ``admin_only_adoptions``) and voided activity joined, not read one statement each
    (the page within the design's 6, pagesb49)."""
    task = joinedload(BackfillRequest.task)
    return list(db.session.execute(
        select(BackfillRequest, Unit).join(Unit, Unit.id == request_unit())
        .where(*_queued(reach_of(actor)))
        .options(joinedload(BackfillRequest.member), task.joinedload(Task.report),
                 joinedload(BackfillRequest.community),
                 joinedload(BackfillRequest.voided_task))
        .order_by(BackfillRequest.created_at, BackfillRequest.id)).tuples())


def load_request(request_id: int) -> BackfillRequest | None:
    """The request, with the activity it names and the one voided since, if any: the
    day the 补录 form is filled with and asks its rules on (``activity_day``) and whether
    that activity is gone, read with it, not one statement after (pagesb49); and her
    who asked, whom the form names over its fields whether or not she is listed (a
    查找 that does not find her, post53)."""
    return db.session.scalar(
        select(BackfillRequest).where(BackfillRequest.id == request_id)
        .options(joinedload(BackfillRequest.task), joinedload(BackfillRequest.voided_task),
                 joinedload(BackfillRequest.member)))


def load_adoption(request_id: int, reader) -> tuple[BackfillRequest, Unit, str | None] | None:
    """The request 采纳 acts on, with all its page and flash read of it, in one statement
    (design.md: at most 6 a page): its task with the report (approved or not), community,
    category and zone (the naming page's task line), its member, the member's unit of the
    request's day (``pending_queue``'s, ``request_unit``) and her namesakes there as the
    queue of ``reader`` counts them (``names.namesakes_of`` with the queue's requesters of
    that unit, ``_queue_group``; for ``names.listed_among``: named as the queue names
    her, a namesake switched off or moved since included, review45 #1)."""
    task = joinedload(BackfillRequest.task)
    found = db.session.execute(
        select(BackfillRequest, Unit, namesakes_of(BackfillRequest.member_id, Unit.id,
                                                   _queue_group(reach_of(reader), Unit.id)))
        .join(Unit, Unit.id == request_unit())
        .where(BackfillRequest.id == request_id)
        .options(task.joinedload(Task.report), task.joinedload(Task.community),
                 task.joinedload(Task.category), task.joinedload(Task.zone),
                 joinedload(BackfillRequest.member))).tuples().first()
    return found


def _queue_group(reach: Reach, unit_id):
    """SQL: the members the queue of a reader of ``reach`` lists with ``unit_id`` (a
    column: the unit of a request's day) — the requesters of the requests it lists
    (``_queued``) whose unit of the day it is (``request_unit``): the group the queue
    tells its namesakes apart in (``names.labels_with_unit``)."""
    other = aliased(BackfillRequest)
    return (select(other.member_id)
            .where(*_queued(reach, other),
                   request_unit(other.member_id, other.service_date) == unit_id)
            .correlate_except(other))


def decided_by(row: BackfillRequest) -> Member | None:
    """Who decided a request (采纳 or 拒绝): the decline page of a decided one names them."""
    return None if row.decided_by_id is None else db.session.get(Member, row.decided_by_id)


class Ending(NamedTuple):
    """A task's 作废 or 取消 as ``gone_notice`` tells it: what, why (its ``detail``),
    when, and by whom (the actor's name, None when none is recorded)."""

    action: str
    detail: dict | None
    created_at: datetime
    actor_name: str | None


def ending_events(tasks) -> dict[int, Ending]:
    """``ending_events_plan``'s answer, its statement run alone (the 补录 form's)."""
    return run(ending_events_plan(tasks))


def ending_events_plan(tasks) -> Plan:
    """The 作废 or 取消 event (who, when, why) of each of these tasks that has one, the
    latest, with its actor's name: the queue card and the 补录 form tell the liaison why
    the activity a request named did not happen. Plain rows, a ``Plan``: the queue runs
    it in the statement of its ``applicant_refusals_plan`` (pagesb50: a voided activity's
    request cost the queue a statement more); none when no task is gone."""
    ids = {task.id for task in tasks if task is not None}
    if not ids:
        return constant({})
    actor = aliased(Member, name="ending_actor")
    return plan(
        select(AuditEvent.entity_id, AuditEvent.action, AuditEvent.detail,
               AuditEvent.created_at, actor.name)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .where(AuditEvent.entity_type == Task.__tablename__, AuditEvent.entity_id.in_(ids),
               AuditEvent.action.in_(("void", "cancel")))
        .order_by(AuditEvent.id),
        # by the event's order: a task's latest is the one kept
        shape=lambda rows: {task_id: Ending(*rest) for task_id, *rest in rows})
