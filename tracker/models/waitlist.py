"""候补: members waiting for a slot of a full task.

A place in the queue is (joined_at, id): leaving and joining again goes to the end.
One row per (task, member), reused when a member joins again, so the queue can never
hold a member twice. ``status`` moves waiting → promoted (a slot became theirs, by
the queue or by the liaison's hand) or waiting → left (they left, or took a slot
themselves); a promoted row is what the 候补转正 reminder is written from.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import now_default
from .types import UTCDateTime


class WaitStatus(str, enum.Enum):
    waiting = "waiting"
    promoted = "promoted"
    left = "left"


class WaitlistEntry(db.Model):
    __table_args__ = (
        UniqueConstraint("task_id", "member_id", name="uq_waitlist_task_member"),
        # the queue of one task, in order: WHERE task_id=? AND status='waiting'
        Index("ix_waitlist_task_queue", "task_id", "status", "joined_at", "id"),
        # 我的任务: a member's waiting places
        Index("ix_waitlist_member_status", "member_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    status: Mapped[WaitStatus] = mapped_column(
        Enum(WaitStatus, native_enum=False, length=16, validate_strings=True),
        default=WaitStatus.waiting)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who gave the slot by hand (a liaison); None when the queue did.
    promoted_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    task: Mapped["Task"] = relationship()  # noqa: F821
    member: Mapped["Member"] = relationship(foreign_keys=[member_id])  # noqa: F821

    @classmethod
    def queue(cls, task_id: int):
        """The task's waiting entries, first in line first."""
        return select(cls).where(*cls.waiting_on(task_id)).order_by(*cls.line_order())

    @classmethod
    def waiting_on(cls, task_id) -> list:
        """Conditions: an entry waiting on the task ``task_id`` (a value, or a column of
        an enclosing statement: ``tasks.queries.waiting_load``)."""
        return [cls.task_id == task_id, cls.status == WaitStatus.waiting]

    @classmethod
    def line_order(cls) -> tuple:
        """The line's order: first in line first."""
        return cls.joined_at, cls.id

    @classmethod
    def member_waiting(cls, task_id, member_id):
        """The member's entry in the task's line while she waits (values or columns): on
        a cancelled task, the line as it stood when it was called off (cancelled49), which
        shows her the task (``permissions.may_see_task``'s ``waits``)."""
        return select(cls.id).where(*cls.waiting_on(task_id), cls.member_id == member_id)



def waiting_before(a, b) -> list:
    """Conditions: ``a`` (columns of one entry) waits in line before ``b`` on the same task."""
    return [a.task_id == b.task_id, a.status == WaitStatus.waiting,
            (a.joined_at < b.joined_at) | ((a.joined_at == b.joined_at) & (a.id < b.id))]
