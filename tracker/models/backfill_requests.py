"""补录申请: a member's 「我参加了但没有记录」, waiting in the liaison's queue.

A request moves 待处理 → 已采纳 (the participation was added to a task — by 采纳, or by
another way that puts the member on it as done, ``services.answered_requests`` —, or a 补录
made from it), 已拒绝 (with a reason) or 已撤回 (the member took it back). It keeps
what it produced — the participation, or the task a 补录 wrote — so the member's
list can link to the record. An adopted request whose activity is voided (作废) is
待处理 again, naming the voided activity, for the liaison to adopt again.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Enum, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import now_default
from .types import UTCDateTime


class RequestStatus(str, enum.Enum):
    pending = "pending"  # 待处理
    adopted = "adopted"  # 已采纳
    declined = "declined"  # 已拒绝
    withdrawn = "withdrawn"  # 已撤回


class BackfillRequest(db.Model):
    __table_args__ = (
        CheckConstraint("minutes > 0 AND minutes <= 1440", name="minutes_range"),
        # the liaison's queue: a community's pending requests, oldest first
        Index("ix_backfill_request_queue", "community_id", "status", "created_at"),
        # a member's own list, and the one-open-request-per-task check
        Index("ix_backfill_request_member", "member_id", "status", "task_id"),
        # the admin's 工作台 (every community): the pending ones, counted from this index
        Index("ix_backfill_request_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    # The task the member says they took part in; None: an activity the app never had.
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"))
    service_date: Mapped[date] = mapped_column(Date)  # local date of the activity
    description: Mapped[str | None] = mapped_column(Text)
    minutes: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[RequestStatus] = mapped_column(
        Enum(RequestStatus, native_enum=False, length=16, validate_strings=True),
        default=RequestStatus.pending)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    # What 采纳 produced: the participation added to the task, or the task a 补录 wrote.
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignment.id"))
    result_task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"))
    # The activity it was adopted into, voided (作废) since: the request is pending
    # again, in the liaison's queue, to be adopted into what really happened or
    # declined (``backfill_requests.reopen_requests_of``).
    voided_task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)

    member: Mapped["Member"] = relationship(foreign_keys=[member_id])  # noqa: F821
    community: Mapped["Community"] = relationship()  # noqa: F821
    task: Mapped["Task | None"] = relationship(foreign_keys=[task_id])  # noqa: F821
    result_task: Mapped["Task | None"] = relationship(foreign_keys=[result_task_id])  # noqa: F821
    voided_task: Mapped["Task | None"] = relationship(foreign_keys=[voided_task_id])  # noqa: F821

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.pending

    @property
    def activity_day(self) -> date:
        """The day 采纳 and the 补录 form ask 补录's rules on: the named activity's (or the
        voided one's it was adopted into) as it is now — its times may have been
        corrected since she asked, and the form is filled with them
        (``BackfillForm.fill_from_request``) —, else the day she asked about."""
        task = self.task or self.voided_task
        return task.service_date if task is not None else self.service_date
