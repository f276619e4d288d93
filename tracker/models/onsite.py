"""On-site photos (现场照片): optional pictures attached to a task's report or a finding.

Only the re-encoded JPEG and its thumbnail are kept, under generated names in
UPLOAD_FOLDER; the upload's own name, type and metadata are never stored.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import now_default
from .types import UTCDateTime


class Photo(db.Model):
    __table_args__ = (Index("ix_photo_task_active", "task_id", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"))
    # Set when the photo documents a finding (one live photo per finding); task_id is
    # then the finding's survey task, so the same people may see it.
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("finding.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(40), unique=True)  # random hex, no extension
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_default)
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # removed photos are hidden

    task: Mapped["Task"] = relationship()  # noqa: F821
