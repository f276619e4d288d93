"""Units and their members (who log in)."""
from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import (Boolean, Column, Date, Enum, ForeignKey, Index, String, Table, and_, case,
                        func, not_, text)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..name_order import KEY_MAX, name_key
from ..privacy import ERASED_PHONE_MARK, mask_phone, phone_held
from ..timeutil import now_default
from .places import NaturallyNamed
from .types import UTCDateTime


class Role(str, enum.Enum):
    member = "member"
    liaison = "liaison"
    admin = "admin"


liaison_community = Table(
    "liaison_community",
    db.metadata,
    Column("member_id", ForeignKey("member.id"), primary_key=True),
    Column("community_id", ForeignKey("community.id"), primary_key=True),
)


class Unit(NaturallyNamed, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    members: Mapped[list["Member"]] = relationship(back_populates="unit")

    def __str__(self) -> str:
        return self.name


def default_on_roll(context) -> bool:
    """The column default: ``Member.on_roll_by_default`` for a row inserted without it."""
    return Member.on_roll_by_default(context.get_current_parameters().get("role"))


def _default_name_key(context) -> str:
    # for rows inserted without the ORM (bulk loads): the key of the inserted name
    return name_key(context.get_current_parameters().get("name"))


class Member(UserMixin, db.Model):
    __table_args__ = (
        # namesakes on a unit's roll (tracker/names.py): the 月报 ledger counts, for each
        # participant, the unit's active members of that name and 党支部 — an index seek
        Index("ix_member_unit_name", "unit_id", "name", "branch"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    # The name in pinyin order (tracker/name_order.py): every list of people orders by
    # it, the same on SQLite and PostgreSQL. It follows the name by itself.
    name_key: Mapped[str] = mapped_column(String(KEY_MAX), default=_default_name_key,
                                          server_default="")
    phone: Mapped[str] = mapped_column(String(11), unique=True)
    # The phone as lists mask it (138****0001), kept when the retention period erases
    # the number (``member_retention.erase_contact``): what told this member apart from
    # a namesake in the 月报 and 年度总结 signed before (names.py), no contact data —
    # the middle four digits are gone, and the audit trail and the signed copies keep
    # as much. Read only while ``phone`` is the placeholder (``namesake_phone``): so it
    # is deferred, loaded for an erased member alone (and an application on a database
    # of an older revision, as the migration tests serve one, still reads members).
    phone_mask: Mapped[str | None] = mapped_column(String(11), deferred=True)
    # Nullable: an account made by an admin or import has no password until the
    # member sets one through an invitation link; there is no default password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    branch: Mapped[str | None] = mapped_column(String(80))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16), default=Role.member
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # 计入参与统计: the member counts in participation — on their unit's roll (在册),
    # the denominator of 参与率 and the 未参与名单 — while the account is active.
    # Admin and liaison accounts are off it unless they also volunteer; an admin may
    # change it on the member form or by import. *When* they were on which unit's
    # roll is ``RollPeriod`` (services/roll.py keeps the two in step): the figures
    # read only that.
    on_roll: Mapped[bool] = mapped_column(Boolean, default=default_on_roll)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)

    unit: Mapped[Unit] = relationship(back_populates="members")
    communities: Mapped[list["Community"]] = relationship(  # noqa: F821
        secondary=liaison_community, order_by="Community.sort_key"
    )
    roll_periods: Mapped[list["RollPeriod"]] = relationship(
        back_populates="member", order_by="RollPeriod.id", cascade="all, delete-orphan")
    # 已合并至 (``MemberMerge``), never loaded unless asked: the member page reads it with
    # the member, in one statement (``admin.routes._member_for_page``)
    merge: Mapped["MemberMerge | None"] = relationship(
        primaryjoin="MemberMerge.member_id == Member.id", viewonly=True, uselist=False)

    # The token of the login session this request runs in (``tracker/services/sessions.py``);
    # set by the login and by the user loader, never stored on the member.
    session_token = None

    @validates("name")
    def _keep_name_key(self, _key, name):
        self.name_key = name_key(name)
        return name

    def set_password(self, password: str) -> None:
        """Hash with the current parameters; the policy is ``services/passwords.py``'s."""
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie: the token of
        a server-side login session, which ends on logout, timeout or a new password."""
        if not self.session_token:
            raise RuntimeError("log in through tracker.services.sessions.begin_session")
        return self.session_token

    # The same row is the same member (UserMixin would compare session tokens).
    __hash__ = object.__hash__

    def __eq__(self, other):
        if isinstance(other, Member):
            return self is other or (self.id is not None and self.id == other.id)
        return NotImplemented

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    @property
    def roll_history(self) -> list["RollPeriod"]:
        """The member's stays on a roll, oldest first (the admin's member page)."""
        return sorted(self.roll_periods,
                      key=lambda p: (p.since is not None, p.since or date.min, p.id or 0))

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin

    @property
    def is_liaison(self) -> bool:
        return self.role == Role.liaison

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @hybrid_property
    def namesake_phone(self) -> str | None:
        """What tells this member apart from a namesake by phone (names.py): the number
        held, or once erased the mask kept of it (``phone_mask``) — so the retention
        job's erasure changes no name a signed 月报 printed."""
        return phone_held(self.phone) or self.phone_mask

    @namesake_phone.inplace.expression
    @classmethod
    def _namesake_phone_expression(cls):
        return case((cls.phone.startswith(ERASED_PHONE_MARK), cls.phone_mask), else_=cls.phone)

    @property
    def phone_erased(self) -> bool:
        """停用 past the retention period: the phone was erased (``privacy.erased_phone``)."""
        return phone_held(self.phone) is None

    @staticmethod
    def on_roll_by_default(role) -> bool:
        """计入参与统计 when nobody chose: yes for a member, no for an account created as
        an admin or a liaison. The one rule for every way of creating an account: the
        member form and the import set it before the insert (the roll's first stay is
        opened from it then), the column default for a row inserted without them."""
        return role in (Role.member, Role.member.value)

    def __str__(self) -> str:
        return self.name


def phone_spelt_oddly():
    """SQL: an active member whose stored number is not 11 ASCII digits starting with 1,
    as every way in stores one now (``phones.MOBILE_RE``): those are the members who may
    share a number with another one spelt plainly (``admin.queries.shared_phones``).
    Written with ltrim() and length(), which read the same on SQLite and PostgreSQL (they
    share no regex syntax); ltrim() rather than ten replace()s: a quarter of the cost.

    It is also the WHERE of the partial index ``ix_member_phone_unplain``, which holds
    only such members — none in the usual case —, so the member directory asks on every
    load without scanning every member. SQLite uses a partial index only for a query
    whose terms are the index's as written, constants included (a bound parameter never
    matches): the query writes its constants out (``sql_hints.constants_written_out``)
    as the index's DDL does."""
    return and_(Member.active.is_(True), not_(and_(
        func.length(Member.phone) == 11, Member.phone.like("1%"),
        func.ltrim(Member.phone, "0123456789") == "")))


# (id, phone): what the directory reads of them; PostgreSQL answers from the index alone
Index("ix_member_phone_unplain", Member.id, Member.phone,
      sqlite_where=phone_spelt_oddly(), postgresql_where=phone_spelt_oddly())


class RollPeriod(db.Model):
    """A stay of a member on a unit's roll (在册): from ``since`` (a local date; None:
    as far back as the records go) up to ``until`` (the first day off it again; None:
    still on it). A member is on unit U's roll on day D when one of their periods in U
    has since <= D < until; their periods never overlap, and at most one is open.

    Written only by ``services/roll.py`` (member form, 停用/启用, member import, and
    更正日期 of the latest change on the member page);
    read by ``rollups/coverage.py``: a past month keeps its roll — with the unit each
    member had then — whoever moves, leaves, returns or joins later (invariant 2).
    """

    __table_args__ = (
        # at most one open stay per member: the one their current unit's roll has
        Index("uq_roll_period_open", "member_id", unique=True,
              sqlite_where=text("until IS NULL"), postgresql_where=text("until IS NULL")),
        Index("ix_roll_period_member", "member_id", "since", "until", "unit_id"),
        Index("ix_roll_period_unit", "unit_id", "since", "until", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    since: Mapped[date | None] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)

    member: Mapped[Member] = relationship(back_populates="roll_periods")
    unit: Mapped[Unit] = relationship()

    @property
    def last_day(self) -> date | None:
        """The last day on the roll (``until`` is the first day off it); None: still on it."""
        return None if self.until is None else self.until - timedelta(days=1)


class MemberMerge(db.Model):
    """合并账号 (services/merge.py): the duplicate account ``member_id`` (B) was merged into
    ``into_id`` (A) — switched off for good, marked 已合并至A. One row per duplicate (the
    key): a second merge of it is refused, on PostgreSQL too. A table of its own rather
    than a column of ``member``: every page reads members, none of them this."""

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    into_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)
    merged_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    # the kept account, as the merged one's member page names it (read with it there)
    into: Mapped[Member] = relationship(foreign_keys=[into_id], viewonly=True)
