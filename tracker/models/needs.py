"""需求清单 / 微心愿: what a community needs, posted by its liaison for members to take.

The resource checklist is what a unit offers; a need is what the community asks for
— a 需求 (help with a clean-up, a talk) or a resident's 微心愿 (a pair of reading
glasses, a wheelchair repair). It moves 待认领 → 已认领 → 已完成, or is closed with a
reason; a claim given back returns it to 待认领. One claimer at a time: a member, or
a member on behalf of their unit (``claimed_unit_id``).

The liaison may instead turn it into a task (转为任务), or a weekly series of tasks:
an open need is then 已转任务 — the tasks' people do it, nobody claims it — and it is
已完成 when the report of any task of the series is approved (a need claimed before
keeps its claimer and is done the same way). Only when every task of it is cancelled
is the need given back: 已转任务 returns to 待认领, and any need loses the task, so it
can be turned into a task again (services/task_needs.py).
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import local_today, now_default
from .types import UTCDateTime


class NeedKind(str, enum.Enum):
    need = "need"  # 需求
    wish = "wish"  # 微心愿


class NeedStatus(str, enum.Enum):
    open = "open"  # 待认领
    tasked = "tasked"  # 已转任务: its task (``task_id``) does it; nobody claims it
    claimed = "claimed"  # 已认领
    fulfilled = "fulfilled"  # 已完成
    closed = "closed"  # 已关闭


CLAIMER_RULE = ("(status <> 'claimed' OR claimed_by_id IS NOT NULL)"
                " AND (status NOT IN ('open', 'tasked') OR claimed_by_id IS NULL)"
                " AND (status <> 'tasked' OR task_id IS NOT NULL)"
                " AND (status <> 'fulfilled' OR claimed_by_id IS NOT NULL"
                " OR task_id IS NOT NULL)")


# still to be done
LIVE_NEEDS = (NeedStatus.open, NeedStatus.tasked, NeedStatus.claimed)


class Need(db.Model):
    __table_args__ = (
        # a claimed need has its claimer; an open or tasked one has none; a tasked one
        # has its task; a fulfilled one was claimed or done by its task
        CheckConstraint(CLAIMER_RULE, name="claimer"),
        CheckConstraint("people IS NULL OR people > 0", name="people_positive"),
        CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity_positive"),
        # a community's needs by state (the list, the counts)
        Index("ix_need_community_status", "community_id", "status", "wanted_by"),
        # 我认领的需求
        Index("ix_need_claimed_by", "claimed_by_id", "status"),
        # the counts of a period: posted and fulfilled by local date
        Index("ix_need_posted_on", "posted_on", "community_id"),
        Index("ix_need_fulfilled_on", "fulfilled_on", "community_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NeedKind] = mapped_column(
        Enum(NeedKind, native_enum=False, length=16, validate_strings=True))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"))
    # The resident a 微心愿 is for (personal data: shown by the register's rules).
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    # The checklist item the need draws on (结对帮扶 …), of the same community.
    resource_item_id: Mapped[int | None] = mapped_column(ForeignKey("resource_item.id"),
                                                         index=True)
    # The task made from the need (转为任务), if any: the first of a weekly series (the
    # next one not cancelled once it is; the one that did it once fulfilled), and every
    # task of its ``series_id`` is the need's too. The tasks' pages link back.
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"), index=True)
    wanted_by: Mapped[date] = mapped_column(Date)  # local date; overdue after it, unless done
    people: Mapped[int | None] = mapped_column(Integer)  # how many people it takes
    quantity: Mapped[int | None] = mapped_column(Integer)  # in the category's quantity unit
    status: Mapped[NeedStatus] = mapped_column(
        Enum(NeedStatus, native_enum=False, length=16, validate_strings=True),
        default=NeedStatus.open)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    # Set when the member claimed for their unit as a whole (以单位名义认领).
    claimed_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fulfilled_on: Mapped[date | None] = mapped_column(Date)  # local date, what periods count
    fulfilled_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    fulfil_note: Mapped[str | None] = mapped_column(Text)
    # one photo of the need done (optional); the files are named as in services/photos
    fulfil_photo: Mapped[str | None] = mapped_column(String(40))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    close_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)
    posted_on: Mapped[date] = mapped_column(Date, default=local_today)  # local date, for periods
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default, onupdate=now_default)

    category: Mapped["Category"] = relationship()  # noqa: F821
    community: Mapped["Community"] = relationship()  # noqa: F821
    zone: Mapped["Zone | None"] = relationship()  # noqa: F821
    resident: Mapped["Resident | None"] = relationship()  # noqa: F821
    resource_item: Mapped["ResourceItem | None"] = relationship()  # noqa: F821
    # ``Task.needs``: the needs a task was made from (a backref, so work.py need not
    # know about needs).
    task: Mapped["Task | None"] = relationship(backref="needs")  # noqa: F821
    claimed_by: Mapped["Member | None"] = relationship(foreign_keys=[claimed_by_id])  # noqa: F821
    claimed_unit: Mapped["Unit | None"] = relationship()  # noqa: F821
    created_by: Mapped["Member"] = relationship(foreign_keys=[created_by_id])  # noqa: F821

    @property
    def is_live(self) -> bool:
        """Still to be done: open, tasked or claimed."""
        return self.status in LIVE_NEEDS

    def is_overdue(self, today: date) -> bool:
        return self.is_live and self.wanted_by < today

    def __str__(self) -> str:
        return self.title
