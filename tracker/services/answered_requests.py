"""A 补录申请 answered by the record itself: the member asked to be added to a task, and
is on it as done now — added on its page (添加遗漏的参加人员), or 指派 and confirmed by
themself — without the request being 采纳. Left pending, it could no longer be adopted
(「…已在该任务中。」) and only 拒绝 cleared it, telling the member 「未采纳」 of work that is on
record (review walk7, D7).

Kept apart from ``backfill_requests`` so that ``claims``, where a participation becomes
done, can call it: ``backfill_requests`` imports ``claims``.
"""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Assignment, BackfillRequest, Member, RequestStatus
from ..timeutil import utcnow
from .audit import record


def lock_requests_naming(task_id: int, member_id: int) -> list[BackfillRequest]:
    """The member's requests still pending that name the task, locked for the rest of
    the transaction, read afresh. In the house order (docs/design.md): after the task,
    before the member's row — a 合并账号 locks the duplicate's requests and then waits for
    its row, so a write that locked the member first and the request after deadlocked
    with it; 添加遗漏的参加人员 takes them before 补录's rule locks the member."""
    return list(db.session.scalars(
        select(BackfillRequest).where(
            BackfillRequest.member_id == member_id, BackfillRequest.task_id == task_id,
            BackfillRequest.status == RequestStatus.pending)
        .order_by(BackfillRequest.id).with_for_update(key_share=True)
        .execution_options(populate_existing=True)))


def adopt_answered_requests(assignment: Assignment, actor: Member, through: str) -> None:
    """``assignment`` is done: the member's requests still pending that name its task
    asked for exactly this, so they are 已采纳 — by ``actor``, now, with the
    participation as what 采纳 produced, audited as 采纳 is (``backfill_request_adopt``,
    ``through`` saying how the member got on the task) — and the member is told as of
    any adoption (the reminder job reads the decision). A request that names no task is
    left alone: it may be about another activity.

    The caller holds the activity's lock (``lock_activity``); the requests are locked
    after it (``lock_requests_naming``), 作废's order
    (``backfill_requests.reopen_requests_of``). 采纳 marks the request it decides
    before it adds the participation, so it finds none here."""
    for request in lock_requests_naming(assignment.task_id, assignment.member_id):
        request.status = RequestStatus.adopted
        request.decided_by_id = actor.id
        request.decided_at = utcnow()
        request.assignment_id = assignment.id
        request.result_task_id = assignment.task_id
        record(actor, "backfill_request_adopt", request, task_id=assignment.task_id,
               assignment_id=assignment.id, member_id=assignment.member_id,
               minutes=assignment.minutes, through=through)
