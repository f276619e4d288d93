"""Login sessions kept on the server, and the counters behind login throttling.

A ``LoginSession`` is what the Flask session cookie and the remember-me cookie name:
a random token whose SHA-256 alone is stored. A request is logged in only while its
row is live (not ended, within the idle timeout and the absolute lifetime), so a
logout, "退出所有设备" or a new password really ends a session on the server, and a
cookie replayed afterwards is worth nothing.

``ThrottleHit`` rows are failed attempts (a wrong password, an unknown invitation
link …) by key, when the throttle counts in the database: every worker and every app
server sharing the database sees the same counts.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import now_default
from .types import UTCDateTime


class LoginSession(db.Model):
    __table_args__ = (Index("ix_login_session_member_ended", "member_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)
    # Written at most every few minutes (SESSION_TOUCH_MINUTES), never on every request.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)
    device: Mapped[str] = mapped_column(String(80), default="")
    remembered: Mapped[bool] = mapped_column(Boolean, default=False)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # logout | logout_all | ended_by_member | password_changed | password_reset |
    # idle | expired | deactivated
    end_reason: Mapped[str | None] = mapped_column(String(20))

    member: Mapped["Member"] = relationship()  # noqa: F821


class ThrottleHit(db.Model):
    __table_args__ = (Index("ix_throttle_hit_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)


class SubmissionToken(db.Model):
    """A form's one-time submission token, kept once the change it came with committed.

    Written in the same transaction as that change (``tracker.services.unit_of_work``),
    so a retried send of the same form finds it and is not applied twice, whichever
    worker answers. ``location`` is where the first send was sent on, so the retry
    lands there too. Rows older than a day are purged.
    """

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default, index=True)
    location: Mapped[str | None] = mapped_column(String(500))
