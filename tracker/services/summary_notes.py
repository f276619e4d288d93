"""存在问题 and 下步打算 of a monthly summary, and marking the month 已定稿.

The words are written on the 月报 page by whoever may read that summary (an admin,
or the liaison whose communities it covers) and kept per summary and month. Once
the month is marked 已定稿 they can no longer change; an admin may re-open it.
Saving, finalising and re-opening are each audited.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Member, Role, SummaryNote, SummaryScope
from ..permissions import managed_community_ids
from ..timeutil import local_today, utcnow
from . import PermissionDenied, ServiceError
from .audit import record

NOTE_MAX = 2000


def may_write(actor: Member, scope: SummaryScope) -> bool:
    """An admin any summary; a liaison the summaries of a community they manage and
    their own unit's (the unit's words, whichever part of its figures they see)."""
    if actor.role == Role.admin:
        return True
    if actor.role != Role.liaison:
        return False
    if scope.unit_id is not None and scope.unit_id != actor.unit_id:
        return False
    return scope.community_id is None or scope.community_id in (
        managed_community_ids(actor) or set())


def find_note(scope: SummaryScope, year: int, month: int) -> SummaryNote | None:
    # who finalised it comes along: the 月报 page names them (issue 14: no statement
    # more while the page renders)
    return db.session.scalar(select(SummaryNote).where(
        SummaryNote.scope_key == scope.key, SummaryNote.year == year,
        SummaryNote.month == month).options(joinedload(SummaryNote.finalized_by)))


def _note(actor: Member, scope: SummaryScope, year: int, month: int) -> SummaryNote:
    if not may_write(actor, scope):
        raise PermissionDenied(_l("无权修改该月报。"))
    note = find_note(scope, year, month)
    if note is None:
        note = SummaryNote(scope_key=scope.key, unit_id=scope.unit_id,
                           community_id=scope.community_id, year=year, month=month)
        db.session.add(note)
    return note


def _text(value: str | None, field: str) -> str | None:
    text = "\n".join(line.rstrip() for line in (value or "").strip().splitlines())
    if len(text) > NOTE_MAX:
        raise ServiceError(_l("不能超过%(n)s个字。", n=NOTE_MAX), field=field)
    return text or None


def save_notes(actor: Member, scope: SummaryScope, year: int, month: int,
               problems: str | None, plans: str | None) -> SummaryNote:
    """Keep the month's 存在问题 and 下步打算 (empty: left out of the summary)."""
    note = _note(actor, scope, year, month)
    if note.final:
        raise ServiceError(_l("该月报已定稿，不能再修改；如需修改，请管理员重新打开。"))
    note.problems = _text(problems, "problems")
    note.plans = _text(plans, "plans")
    note.updated_at, note.updated_by_id = utcnow(), actor.id
    db.session.flush()
    record(actor, "save_summary_notes", note, scope=scope.key, year=year, month=month,
           problems=note.problems, plans=note.plans)
    return note


def finalize(actor: Member, scope: SummaryScope, year: int, month: int,
             today: date | None = None) -> SummaryNote:
    """已定稿: the month's words are final (the 落款 carries this date)."""
    note = _note(actor, scope, year, month)
    if note.final:
        raise ServiceError(_l("该月报已定稿。"))
    today = today or local_today()
    if (year, month) >= (today.year, today.month):
        raise ServiceError(_l("月份结束后才能定稿。"))
    note.finalized_at, note.finalized_by_id = utcnow(), actor.id
    db.session.flush()
    record(actor, "finalize_summary", note, scope=scope.key, year=year, month=month)
    return note


def reopen(actor: Member, scope: SummaryScope, year: int, month: int) -> SummaryNote:
    """Undo 已定稿 so the words can be corrected: an admin only."""
    if actor.role != Role.admin:
        raise PermissionDenied(_l("只有单位管理员可以重新打开已定稿的月报。"))
    note = find_note(scope, year, month)
    if note is None or not note.final:
        raise ServiceError(_l("该月报尚未定稿。"))
    note.finalized_at = note.finalized_by_id = None
    db.session.flush()
    record(actor, "reopen_summary", note, scope=scope.key, year=year, month=month)
    return note


def month_is_final(task_unit_id: int, community_id: int, year: int, month: int) -> bool:
    """Whether a 月报 this activity counts in is 已定稿: the unit's, the community's or
    the unit's in this community."""
    return db.session.scalar(
        select(SummaryNote.id).where(
            SummaryNote.year == year, SummaryNote.month == month,
            SummaryNote.finalized_at.is_not(None),
            or_(and_(SummaryNote.unit_id == task_unit_id,
                     or_(SummaryNote.community_id.is_(None),
                         SummaryNote.community_id == community_id)),
                and_(SummaryNote.unit_id.is_(None), SummaryNote.community_id == community_id)),
        ).limit(1)
    ) is not None


def closed_to(actor: Member, unit_id: int, community_id: int, day: date) -> bool:
    """Whether the month of ``day`` is closed to ``actor``: a 月报 it counts in is 已定稿
    and ``actor`` is not an admin. A finalised month's figures are changed by an admin
    only, however they would change (补录, an approval, the funds)."""
    return actor.role != Role.admin and month_is_final(unit_id, community_id,
                                                       day.year, day.month)
