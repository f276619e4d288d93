"""The work itself: categories, the resource checklist, tasks, participation, reports.

Task copies unit, community, zone and category from its resource item when it is
created. The copy never changes (an item's dimensions are frozen once it has tasks)
and lets every rollup GROUP BY straight on the task table with plain indexes.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import and_, false, text
from sqlalchemy.ext.hybrid import hybrid_method, hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from ..extensions import db
from ..timeutil import now_default
from .types import UTCDateTime


def _enum(cls):
    return Enum(cls, native_enum=False, length=16, validate_strings=True)


class Section(str, enum.Enum):
    pairing = "pairing"  # 结对共建
    volunteer = "volunteer"  # 志愿服务
    double = "double"  # "双创"


# The category whose progress is money from the funds ledger, never a reported figure.
FUNDING_CODE = "cobuild_funding"
# The survey whose outcome is the findings register (摸排问题): its 完成数量 is the
# number of findings recorded on the task.
SURVEY_CODE = "facility_survey"


class TargetMeasure(str, enum.Enum):
    """What a resource item's yearly target counts (docs/design.md, "Categories")."""

    activities = "activities"  # approved activities, in the category's word (场 / 次)
    beneficiaries = "beneficiaries"  # 受益, in the category's beneficiary unit (人次, 户, 人)
    quantity = "quantity"  # 完成数量, in the category's unit (处, 个 …)
    money = "money"  # 元 (kept in fen): 共建活动经费, the target is the year's budget


def measure_unit(measure, activity_unit, beneficiary_unit, quantity_unit) -> str:
    """The unit a target of ``measure`` counts in, given a category's units."""
    return {TargetMeasure.activities: activity_unit,
            TargetMeasure.beneficiaries: beneficiary_unit,
            TargetMeasure.quantity: quantity_unit,
            TargetMeasure.money: "元"}[TargetMeasure(measure)] or ""


class Category(db.Model):
    """A kind of work, and how it counts — data, not code: the word an activity
    counts in, the unit of its 完成数量 and of its beneficiary figure (each may be
    absent). Hours are never a category's figure: 服务时长 is always the members'
    confirmed minutes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    section: Mapped[Section] = mapped_column(_enum(Section))
    activity_unit: Mapped[str | None] = mapped_column(String(4))  # 场, 次; None: no activities
    quantity_unit: Mapped[str | None] = mapped_column(String(8))  # 处, 个 …; None: no 完成数量
    beneficiary_unit: Mapped[str | None] = mapped_column(String(8))  # 人次, 户, 人; None
    sort_order: Mapped[int] = mapped_column(Integer, default=100)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def is_funds(self) -> bool:
        return self.code == FUNDING_CODE

    @property
    def is_survey(self) -> bool:
        return self.code == SURVEY_CODE

    @property
    def measures(self) -> list[TargetMeasure]:
        """The measures a yearly target of this category may count, in form order."""
        found = [TargetMeasure.activities if self.activity_unit else None,
                 TargetMeasure.beneficiaries if self.beneficiary_unit else None,
                 TargetMeasure.quantity if self.quantity_unit else None,
                 TargetMeasure.money if self.is_funds else None]
        return [m for m in found if m is not None]

    @property
    def default_measure(self) -> TargetMeasure:
        """What a target counts unless the admin picks otherwise: the category's own
        result (完成数量, else 受益, else money), else its activities."""
        for measure in (TargetMeasure.quantity, TargetMeasure.beneficiaries,
                        TargetMeasure.money, TargetMeasure.activities):
            if measure in self.measures:
                return measure
        return TargetMeasure.activities

    def unit_of(self, measure: TargetMeasure) -> str:
        return measure_unit(measure, self.activity_unit, self.beneficiary_unit,
                            self.quantity_unit)

    def __str__(self) -> str:
        return self.name


class ResourceItem(db.Model):
    """What a unit commits to a community (or one zone of it) for a year."""

    __table_args__ = (
        # the 工作台's counts ask, on every load, which unit × community pairs of last
        # year have no item of the year asked about (``year_checklist``): by index, not
        # a scan of every year's checklist
        Index("ix_resource_item_year_pair", "year", "unit_id", "community_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    year: Mapped[int] = mapped_column(Integer)
    # The yearly target, in ``target_measure`` (fen when it is money: for 共建活动经费
    # the target is the year's budget, the one place it is kept; money.MAX_FEN fits).
    target: Mapped[int] = mapped_column(Integer, default=0)
    target_measure: Mapped[TargetMeasure] = mapped_column(_enum(TargetMeasure))
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    unit: Mapped["Unit"] = relationship()  # noqa: F821
    community: Mapped["Community"] = relationship()  # noqa: F821
    zone: Mapped["Zone | None"] = relationship()  # noqa: F821
    category: Mapped[Category] = relationship()
    # whether any task is recorded on it (``directory.item_has_tasks``), read only by its
    # edit page, which asks for it with the item (``directory.item_tasks_load``; None
    # otherwise): the fields it fixes are known in no statement of their own
    has_tasks: Mapped[bool | None] = query_expression()
    # whether another item holds its line (unit, community, zone, category, year): 0 none,
    # 1 an inactive one, 2 an active one — the line-taken check of its edit page's post
    # when the post keeps the line, read with the item (``directory.item_line_load``;
    # None otherwise, and a save asks under its locks)
    line_taken: Mapped[int | None] = query_expression()

    def __str__(self) -> str:
        return f"{self.year} {self.within_year}"

    @property
    def within_year(self) -> str:
        """The item among its year's: community, zone and category, no year."""
        where = self.community.name + (f"·{self.zone.name}" if self.zone else "")
        return f"{where} {self.category.name}"

    @property
    def with_unit(self) -> str:
        """The item as a picker offers it — named as every page names it (``__str__``),
        the year first — with the unit that commits to it: 「2026 建设路社区·一区 牛皮癣清除
        （县商务局）」, last year's and this year's alike (walk55)."""
        return f"{self}（{self.unit.name}）"


class TaskStatus(str, enum.Enum):
    open = "open"
    closed = "closed"
    cancelled = "cancelled"


class Task(db.Model):
    __table_args__ = (
        CheckConstraint("taken >= 0 AND taken <= slots", name="taken_within_slots"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # open-task list: WHERE status='open' AND starts_at > now ORDER BY starts_at
        Index("ix_task_status_starts", "status", "starts_at"),
        # rollups: filter by community/unit and a range of local service dates
        Index("ix_task_community_date", "community_id", "service_date", "category_id", "zone_id"),
        Index("ix_task_unit_date", "unit_id", "service_date"),
        # rollups over every community (admin, county): a range of service dates,
        # read in date order; this and the community index above carry the columns
        # the rollups group by, so they are read alone (see docs/performance.md)
        Index("ix_task_service_date", "service_date", "category_id", "community_id", "zone_id"),
        # 我的任务's badge and 我的待办: the tasks a member leads that have started
        # (``owed.to_report``, ``to_correct``), a range of one leader's tasks
        Index("ix_task_leader_starts", "leader_id", "starts_at"),
        # 已结束未提交 and 逾期事项 (``owed.ended_unreported``, ``owed.stale``): only the
        # tasks that owe a report carry ``report_owed_at``, so these indexes hold just
        # them and "owes one and has ended" is a range, however long the history
        Index("ix_task_report_owed", "report_owed_at",
              sqlite_where=text("report_owed_at IS NOT NULL"),
              postgresql_where=text("report_owed_at IS NOT NULL")),
        Index("ix_task_community_report_owed", "community_id", "report_owed_at",
              sqlite_where=text("report_owed_at IS NOT NULL"),
              postgresql_where=text("report_owed_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_item_id: Mapped[int] = mapped_column(ForeignKey("resource_item.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    title: Mapped[str] = mapped_column(String(120))
    beneficiary: Mapped[str | None] = mapped_column(String(120))  # 服务对象
    place: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    service_date: Mapped[date] = mapped_column(Date)  # local (Asia/Shanghai) date of starts_at
    slots: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    status: Mapped[TaskStatus] = mapped_column(_enum(TaskStatus), default=TaskStatus.open)
    checkin_token: Mapped[str] = mapped_column(String(64), unique=True)
    series_id: Mapped[str | None] = mapped_column(String(32), index=True)
    # 补录: recorded after the fact in one form (services/backfill.py), not claimed,
    # checked in and reported as it happened; the 来源 every record shows follows it.
    backfilled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)
    # The task's end while it owes a report (not cancelled; no report, or a returned
    # one), else NULL. Derived, never set by hand: ``tracker/report_owed.py`` keeps it.
    report_owed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, deferred=True)

    resource_item: Mapped[ResourceItem] = relationship()
    unit: Mapped["Unit"] = relationship()  # noqa: F821
    community: Mapped["Community"] = relationship()  # noqa: F821
    zone: Mapped["Zone | None"] = relationship()  # noqa: F821
    category: Mapped[Category] = relationship()
    leader: Mapped["Member | None"] = relationship(foreign_keys=[leader_id])  # noqa: F821
    report: Mapped["TaskReport | None"] = relationship(back_populates="task", uselist=False)
    # its 组长 and those they are told apart from (``names.namesakes_of``), read only by
    # a list that asks for it with its rows (``with_expression``; None otherwise): a
    # card names the 组长 as the task's page does, in no statement of its own
    leader_namesakes: Mapped[str | None] = query_expression()
    # whether its report has a live photo (``photos.has_report_photo``), read only by a
    # page that asks for it with the task (None otherwise): the task's page decides its
    # 现场照片 link in no statement of its own (count48 #4)
    has_report_photo: Mapped[bool | None] = query_expression()
    # how many live photos its report has (``photos.report_photo_count``), read only by
    # a list that asks for it with its rows (None otherwise): 待审核's cards say it in no
    # statement of their own (walk55)
    report_photos: Mapped[int | None] = query_expression()
    # its 加入日历 event's SEQUENCE and LAST-MODIFIED (``calendar_revision``), read only
    # with the task by the .ics file and the feed (None otherwise): counted from its
    # audit trail in the statement that reads it, none of its own per event
    calendar_sequence: Mapped[int | None] = query_expression()
    calendar_modified: Mapped[datetime | None] = query_expression()
    # whether a 月报 (``month_signed``) or a 年度总结 (``year_signed``) its day counts in
    # is 已定稿 (``summary_notes.closed_day``'s question), read only by a page that asks
    # it with the task (``summary_notes.signed_day_loads``; None otherwise): the
    # 工作台's task page says what 定稿 refuses a liaison in no statement of its own
    month_signed: Mapped[bool | None] = query_expression()
    year_signed: Mapped[bool | None] = query_expression()
    # the needs it works on (``task_needs.needs_of``) as (id, title) JSON rows, read only
    # by a page that asks for them with the task (``task_needs.needs_load``; None
    # otherwise): the 工作台's task page names them in no statement of their own
    needs_named: Mapped[str | None] = query_expression()
    # its 候补名单 (``tasks.queries.waitlist``) as (entry id, member id, joined, name)
    # JSON rows in the line's order, read only by a page that asks for it with the task
    # (``tasks.queries.waiting_load``; None otherwise): the 工作台's task page lists it in
    # no statement of its own
    waiting_named: Mapped[str | None] = query_expression()
    # those its page names and the unit's active members of their names — its holders,
    # those waiting, its 组长 and its report's submitter, each flagged as one of them —
    # as (id, name, branch, phone, flag) JSON rows, read only by a page that asks for
    # them with the task (``tasks.queries.people_named_load``; None otherwise): the
    # 工作台's task page tells namesakes apart in no statement of its own (pages51)
    people_named: Mapped[str | None] = query_expression()
    assignments: Mapped[list["Assignment"]] = relationship(
        back_populates="task", order_by="Assignment.id"
    )

    @property
    def slots_left(self) -> int:
        return self.slots - self.taken

    @property
    def report_approved(self) -> bool:
        """Its report is approved: its figures are official, and final until an admin's
        撤销审核."""
        return self.report is not None and self.report.status == ReportStatus.approved

    @hybrid_method
    def open_and_ended(self, now: datetime) -> bool:
        """Open, and its end has passed by ``now`` (a task ending at ``now`` has ended;
        UTC, as stored). The liaison's pages badge it 「已结束」 and the task list's 状态
        filter lists it under 已结束, not 进行中, while its status stays open (claims not
        closed, no report approved; review "walk", #5). The one statement of that rule,
        for the badge (``templating.task_status_label``, on a loaded task) and the
        filter (``manage/queries._status_shown``, in SQL); ``now`` is the caller's, so a
        page, or a test, fixes the instant."""
        return self.status == TaskStatus.open and self.ends_at <= now

    @open_and_ended.inplace.expression
    @classmethod
    def _open_and_ended_expression(cls, now: datetime):
        return and_(cls.status == TaskStatus.open, cls.ends_at <= now)

    @property
    def slots_state(self) -> str:
        """"full", "few" or "": 剩余名额 is coloured only as a warning worth reading —
        full, or few left (at most 2, or at most a fifth of the slots), never while every
        slot is still free."""
        left = self.slots_left
        if left <= 0:
            return "full"
        if left < self.slots and (left <= 2 or left * 5 <= self.slots):
            return "few"
        return ""

    def __str__(self) -> str:
        return self.title


class AssignmentStatus(str, enum.Enum):
    claimed = "claimed"
    assigned = "assigned"
    checked_in = "checked_in"
    done = "done"  # hours confirmed
    absent = "absent"
    withdrawn = "withdrawn"


class HoursOrigin(str, enum.Enum):
    """Where a participation's hours (``Assignment.minutes``) came from: who stated them
    (docs/design.md, 确认参与, 通过's 按签到计入, 补录 and 添加遗漏的参加人员, 改正服务时长).
    A member's 服务记录 says it on each row (``sources.HOURS_ORIGIN_LABELS``)."""

    confirmed = "confirmed"  # 本人确认: her own 确认参与 (or 修改服务时长)
    checkin = "checkin"  # 按签到计入: checked in, counted at the activity's length at 通过
    recorded = "recorded"  # 联络员补录: typed by staff — 补录, 添加遗漏的参加人员, 补录申请's 采纳
    corrected = "corrected"  # 联络员改正: 改正服务时长 changed them


# A participation holding a slot: everything except withdrawn.
HOLDING = (
    AssignmentStatus.claimed,
    AssignmentStatus.assigned,
    AssignmentStatus.checked_in,
    AssignmentStatus.done,
    AssignmentStatus.absent,
)


class Assignment(db.Model):
    """One member's participation in one task."""

    __table_args__ = (
        UniqueConstraint("task_id", "member_id"),
        # 我的任务, and coverage (参与率): a member's done participations, their
        # tasks and minutes, read from the index alone (task_id, minutes: rollups)
        Index("ix_assignment_member_status", "member_id", "status", "task_id", "minutes"),
        CheckConstraint("minutes IS NULL OR (minutes > 0 AND minutes <= 1440)", name="minutes_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    status: Mapped[AssignmentStatus] = mapped_column(_enum(AssignmentStatus))
    # Hours are kept as whole minutes (never float); the UI offers 0.5 h steps.
    minutes: Mapped[int | None] = mapped_column(Integer)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    # who stated ``minutes`` (set with them by every path that writes them, cleared with
    # them); None with no hours, or on a row from before 0069 that the audit trail could
    # not tell (the 服务记录 says 不详)
    hours_origin: Mapped[HoursOrigin | None] = mapped_column(_enum(HoursOrigin))

    task: Mapped[Task] = relationship(back_populates="assignments")
    member: Mapped["Member"] = relationship(foreign_keys=[member_id])  # noqa: F821

    @hybrid_property
    def assigned_place(self) -> bool:
        """The place was put there by a liaison (指派), not claimed by the member: she
        leaves it (退出任务), she does not withdraw a claim (取消认领). The one rule of
        that word — her pages, her reminders (in SQL) and ``claims.withdraw``'s refusals
        (withdraw47). Read from who assigned it, not from the status ``assigned``: the
        place stays hers from 指派 once she has checked in, and after she has left
        (``_join`` clears it for a claim; ``reviews`` restores 已指派 by it)."""
        return self.assigned_by_id is not None

    @assigned_place.inplace.expression
    @classmethod
    def _assigned_place_expression(cls):
        return cls.assigned_by_id.is_not(None)


class ReportStatus(str, enum.Enum):
    submitted = "submitted"  # 待审核
    approved = "approved"  # 已通过
    returned = "returned"  # 已退回
    # 已作废: the activity did not happen, and was taken off every figure with its task
    # (``services.voiding``); final. Never counted: the derived rows hold only
    # ``participation.COUNTED_REPORTS``.
    voided = "voided"


class TaskReport(db.Model):
    """The result of a task, reported once by its leader or liaison and reviewed once."""

    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_nonneg"),
        CheckConstraint("people_served >= 0", name="people_nonneg"),
        Index("ix_task_report_status", "status"),
        # the review queue (待审核), oldest first: the 工作台's first five without a sort
        Index("ix_task_report_queue", "status", "submitted_at", "id"),
        # rollups: a task's report status and figures without reading the row
        Index("ix_task_report_task_figures", "task_id", "status", "quantity", "people_served"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), unique=True)
    quantity: Mapped[int] = mapped_column(Integer)
    people_served: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text)
    status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus))
    return_reason: Mapped[str | None] = mapped_column(Text)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    task: Mapped[Task] = relationship(back_populates="report")
    submitted_by: Mapped["Member"] = relationship(foreign_keys=[submitted_by_id])  # noqa: F821
    reviewed_by: Mapped["Member | None"] = relationship(foreign_keys=[reviewed_by_id])  # noqa: F821
    # the submitter and those they are told apart from, as ``Task.leader_namesakes``
    submitter_namesakes: Mapped[str | None] = query_expression()


class _CountedRow:
    """What a derived row copies: the report's status, and the task's local date and
    where it belongs — the columns every scope filters on (``rollups.Scope``)."""

    report_status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus))
    service_date: Mapped[date] = mapped_column(Date)
    unit_id: Mapped[int] = mapped_column(Integer)
    community_id: Mapped[int] = mapped_column(Integer)
    zone_id: Mapped[int | None] = mapped_column(Integer)
    category_id: Mapped[int] = mapped_column(Integer)


class CountedTask(_CountedRow, db.Model):
    """A task whose report is 待审核 or approved, with the report's figures and the
    totals of its done participations: the row every additive figure (activities,
    quantity, people served, 人次, hours) is summed from.

    Derived, never written by hand: ``tracker/participation.py`` refreshes a task's
    row whenever a flush touches its report, a done participation or its date, so
    it always matches task × report × assignment (the property test recounts from
    those). One narrow row per reported task, read from one index range, instead of
    a join per task and per participation — see docs/performance.md.
    """

    __table_args__ = (
        # every county-wide figure: one range of dates, read from the index alone
        Index("ix_counted_task_date", "service_date", "category_id", "community_id", "zone_id",
              "unit_id", "report_status", "quantity", "people_served", "person_times",
              "minutes"),
        # the same for one community (a liaison's views) and its zones
        Index("ix_counted_task_community", "community_id", "service_date", "category_id",
              "zone_id", "unit_id", "report_status", "quantity", "people_served",
              "person_times", "minutes"),
        # the same for one unit (its 月报 and progress pages): a unit's month is a
        # hundredth of the county's, which the date index would read through
        Index("ix_counted_task_unit", "unit_id", "service_date", "category_id",
              "community_id", "zone_id", "report_status", "quantity", "people_served",
              "person_times", "minutes"),
        # resource checklist progress: what each item's tasks achieved
        Index("ix_counted_task_item", "resource_item_id", "service_date", "report_status",
              "quantity"),
        # the visits of a sum of 受益 in 户 or 人 with the 服务对象 they name
        # (``rollups/served.py``): the county's year reads its two categories' rows, with
        # the task's key to join the named rows by, from the index alone (0067)
        Index("ix_counted_task_category", "category_id", "service_date", "report_status",
              "people_served", "task_id"),
    )

    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), primary_key=True)
    resource_item_id: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    people_served: Mapped[int] = mapped_column(Integer)
    person_times: Mapped[int] = mapped_column(Integer)  # done participations (人次)
    minutes: Mapped[int] = mapped_column(Integer)  # their confirmed minutes


class CountedParticipation(_CountedRow, db.Model):
    """A ``done`` participation in a task whose report is 待审核 or approved: the row
    distinct members (参与党员) and a member's own figures are counted from.

    Derived like ``CountedTask`` and refreshed with it; it carries the task's local
    date and dimensions and the report's status, so a distinct count reads one
    index range instead of joining three tables per participation.
    """

    __table_args__ = (
        # every county-wide figure: one range of dates, read from the index alone
        Index("ix_counted_participation_date", "service_date", "category_id", "community_id",
              "zone_id", "unit_id", "report_status", "member_id"),
        # the same for one community (a liaison's views) and its zones
        Index("ix_counted_participation_community", "community_id", "service_date",
              "category_id", "zone_id", "unit_id", "report_status", "member_id"),
        # the same for one unit
        Index("ix_counted_participation_unit", "unit_id", "service_date", "category_id",
              "community_id", "zone_id", "report_status", "member_id"),
        # coverage (参与率, 未参与名单) and a member's own figures
        Index("ix_counted_participation_member", "member_id", "service_date", "report_status",
              "minutes"),
    )

    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    minutes: Mapped[int] = mapped_column(Integer)


class CountedMonth(db.Model):
    """The county's counted tasks of one local month, one category and one report
    status, added up: what a county-wide figure over whole months sums, a few hundred
    rows a year instead of every reported task (docs/performance.md, "Issue 14: the
    county-wide year from kept summaries").

    Derived like ``CountedTask`` and kept by ``tracker/participation.py`` in the same
    flush, by difference (what the refreshed tasks' rows added minus what they had
    added). Only scopes with no unit, community or zone filter read it: at a county's
    density a row per community and zone would be barely fewer than the tasks.
    """

    month: Mapped[int] = mapped_column(Integer, primary_key=True)  # year × 100 + month
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus), primary_key=True)
    activities: Mapped[int] = mapped_column(Integer)  # counted tasks
    quantity: Mapped[int] = mapped_column(Integer)
    people_served: Mapped[int] = mapped_column(Integer)
    person_times: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)


class _MemberYearRow:
    """One member with counted participations in a year under one report status, and
    how many."""

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus), primary_key=True)
    member_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participations: Mapped[int] = mapped_column(Integer)


class CountedMemberYear(_MemberYearRow, db.Model):
    """A member who has counted participations in a year under one report status, with
    how many: one row per member, so the county's distinct members (参与党员) of a year
    are a count of rows, not a ``COUNT(DISTINCT)`` over every participation. Kept by
    difference with ``CountedMonth``; a row whose count falls to zero is deleted."""


class CountedMemberCategoryYear(db.Model):
    """The same per category: the county's distinct members of a year in each category.
    The key puts the category before the status, so the page's per-category counts
    (official and pending side by side) are read in key order without a sort."""

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus), primary_key=True)
    member_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participations: Mapped[int] = mapped_column(Integer)


class CountedDoubleMemberYear(db.Model):
    """A member who has counted participations in the "双创" categories (the section's:
    牛皮癣清除, 楼道粉刷, 摸排 and an admin's own, ``reference.double_category_ids``)
    of one community in a year, under one
    report status: the “双创”进展 view's distinct members per community, and across
    communities, for the whole county's year."""

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus), primary_key=True)
    member_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    participations: Mapped[int] = mapped_column(Integer)


class CountedCategoryMemberTotal(db.Model):
    """How many rows ``CountedMemberCategoryYear`` holds per year, category and report
    status — the distinct members of each category in the county's year — kept with
    it: the hook adds one when a member's row appears and takes one when it is deleted,
    so the county-wide per-category count reads a few rows instead of one per member."""

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus), primary_key=True)
    members: Mapped[int] = mapped_column(Integer)


class CountedItemYear(db.Model):
    """What the counted tasks of one resource item did in one year (of their service
    dates) under one report status: the checklist's "done" of the whole county — one
    row per item and status instead of every reported task of the year (docs/
    performance.md, "Issue 14: the county-wide year, second round"). Kept by difference
    with ``CountedMonth``; only the county-wide checklist reads it, a community's or a
    unit's reads the counted tasks of its own items."""

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_item_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus), primary_key=True)
    activities: Mapped[int] = mapped_column(Integer)  # counted tasks
    quantity: Mapped[int] = mapped_column(Integer)
    people_served: Mapped[int] = mapped_column(Integer)


class CountedDoubleCommunityYear(db.Model):
    """The counted tasks of one community in one "双创" category (of the section:
    ``reference.double_category_ids``) in one year, under one report status, added up: the “双创”进展
    view's work per community for the whole county's year — a few rows per community
    instead of every "双创" task of the year. Kept by difference with ``CountedMonth``."""

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus), primary_key=True)
    activities: Mapped[int] = mapped_column(Integer)  # counted tasks
    quantity: Mapped[int] = mapped_column(Integer)
    person_times: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)


class CountedDoubleMemberAnyYear(_MemberYearRow, db.Model):
    """A member who has counted participations in the "双创" categories anywhere in the
    county in a year, under one report status: the view's distinct members across
    communities (one member of two communities counts once) as a count of rows."""


class CountedServed(db.Model):
    """A 服务对象 an approved activity names, of the kind its category serves, when the
    category counts 受益 in 户 or 人 (``rollups/served.py``'s rule; ``VISIT_KINDS``):
    one row per activity and resident, with the activity's year and category.

    Derived like ``CountedTask`` and rewritten with it (``tracker/participation.py``),
    so its rows before and after a refresh say what the task added to the kept
    households of its year (``CountedServedYear``, ``CountedServedCategoryYear``).
    ``task_resident`` is written with Core statements the flush does not see: its one
    writer (``services.residents.set_task_residents``) asks for the refresh itself, and
    a resident whose kind changes has the tasks naming it refreshed by the flush hook."""

    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), primary_key=True)
    resident_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_date: Mapped[date] = mapped_column(Date)
    category_id: Mapped[int] = mapped_column(Integer)


class CountedServedYear(db.Model):
    """A 服务对象 named (of its kind) by the county's approved activities of one category
    in 户 or 人 in one year, with by how many: one row per resident, so the county's
    distinct households / people served of a year are a count of rows, kept in
    ``CountedServedTotal``."""

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activities: Mapped[int] = mapped_column(Integer)


class CountedServedTotal(db.Model):
    """How many rows ``CountedServedYear`` holds per year and category: the distinct
    服务对象 the county's approved activities of the category named in the year, kept
    as ``CountedCategoryMemberTotal`` is (one more when a resident's row appears, one
    less when it is deleted)."""

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    households: Mapped[int] = mapped_column(Integer)


class CountedServedCategoryYear(db.Model):
    """The county's approved activities of one category in 户 or 人 in one year, and how
    many of them do not name exactly as many 服务对象 (of the kind) as their 受益 (or
    have a 受益 of 0): with none such, ``CountedServedTotal`` is the households / people
    served, else the sum stays 户次 / 人次 (``rollups/served.py``)."""

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activities: Mapped[int] = mapped_column(Integer)
    others: Mapped[int] = mapped_column(Integer)
