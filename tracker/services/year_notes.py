"""存在问题 and 下步打算 of a 年度总结 (annual summary).

Written on the 年度总结 page by whoever may write the same unit's or community's 月报
words (``summary_notes.may_write``), kept per summary and year (``YearNote``), shown in
the year's document under their headings (left out with them when empty). A save from
an older page is merged with the words stored since, as the 月报's are
(``shown.check``), under the same row lock (``summary_notes.lock_scope``).

The year is marked 已定稿 as a month is (``finalize_year``, the 月报's rule with the
year for the month): by whoever may write its words, once the year is over (from 1
January of the next year, Beijing date), from the whole unit's view only, signing the
words the page showed; then its words are refused until an admin re-opens it
(``reopen_year``). No month of the year need be 已定稿 first: a month's 定稿 asks
nothing of a shorter period either, and the year's document already names the signed
months whose figures moved since (``reports.annual``). ``reports.annual_final`` keeps
the document at 定稿 (``YearCopy``). Finalising and re-opening are audited.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, undefer

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..models import (
    Community,
    Member,
    Role,
    SummaryScope,
    YearCopy,
    YearNote,
    year_copy_community,
)
from ..permissions import managed_community_ids
from ..timeutil import local_today, utcnow
from . import PermissionDenied, ServiceError, shown
from .audit import record
from .summary_notes import (
    NOTES_STALE,
    copy_within,
    lock_scope,
    may_write,
    note_text,
    note_words,
    outside_of,
    reach_community_ids,
    unit_month_community_ids,
)

YEAR_STALE = _l("年度总结内容在您打开页面后有变化，请核对后再定稿。")


def find_year_note(scope: SummaryScope, year: int) -> YearNote | None:
    # who finalised it comes along: the page names them
    return db.session.scalar(select(YearNote).where(
        YearNote.scope_key == scope.key, YearNote.year == year)
        .options(joinedload(YearNote.finalized_by)))


def _locked_note(actor: Member, scope: SummaryScope, year: int) -> YearNote:
    """The year's note read again under the summary's lock (another save or 定稿 may
    have committed meanwhile), made when there is none."""
    if not may_write(actor, scope):
        raise PermissionDenied(_l("无权修改该年度总结。"))
    lock_scope(scope.unit_id, scope.community_id, shared=False)
    note = db.session.scalar(select(YearNote).where(
        YearNote.scope_key == scope.key, YearNote.year == year)
        .execution_options(populate_existing=True))
    if note is None:
        note = YearNote(scope_key=scope.key, unit_id=scope.unit_id,
                        community_id=scope.community_id, year=year)
        db.session.add(note)
    return note


def year_notes_shown_key(note: YearNote | None) -> str:
    """What the 年度总结 page posts with its notes form: the words as it showed them."""
    return shown.shown_key(note_words(note))


def save_year_notes(actor: Member, scope: SummaryScope, year: int, problems: str | None,
                    plans: str | None, *, shown_words: str | None = None) -> list[str]:
    """Keep the year's 存在问题 and 下步打算 (empty: left out of the document).

    As ``summary_notes.save_notes``: merged with the words stored now, read under the
    summary's lock; a field both this page and another changed differently refuses the
    save whole (``shown.StaleEdit``), nothing written. Returns the fields whose change by
    another was kept."""
    note = _locked_note(actor, scope, year)
    if note.final:
        raise ServiceError(_l("该年度总结已定稿，不能再修改；如需修改，请管理员重新打开。"))
    before = note_words(note)
    posted = {"problems": note_text(problems, "problems"), "plans": note_text(plans, "plans")}
    merged = shown.check(NOTES_STALE, shown_words, before, posted)
    posted |= merged.keep
    note.problems, note.plans = posted["problems"], posted["plans"]
    note.updated_at, note.updated_by_id = utcnow(), actor.id
    db.session.flush()
    # which texts changed, not the texts (as the 月报's: they may name a resident)
    record(actor, "save_year_notes", note, scope=scope.key, year=year,
           fields=[name for name, old in before.items() if getattr(note, name) != old])
    return [c.field for c in merged.kept]


def year_copy_communities(scope: SummaryScope, year: int):
    """The communities the year's signed document in force covers (fixed at its 定稿),
    as a select of ids: none when the year is not 已定稿."""
    return (select(year_copy_community.c.community_id)
            .join(YearCopy, YearCopy.id == year_copy_community.c.copy_id)
            .join(YearNote, YearNote.id == YearCopy.note_id)
            .where(YearNote.scope_key == scope.key, YearNote.year == year,
                   YearNote.finalized_at.is_not(None), YearCopy.reopened_at.is_(None)))


def year_outside(actor: Member, scope: SummaryScope, year: int,
                 today: date | None = None) -> list[Community]:
    """The communities of a unit's year that ``actor`` does not manage: those of each
    month begun as the 月报 reaches them (``summary_notes.reach_community_ids``: its live
    ones and those of its signed document) and, once the year is 已定稿, those its signed
    document covers — in one statement. None for an admin, for a community's summary, or
    for a liaison who sees the whole unit's year."""
    if managed_community_ids(actor) is None or scope.unit_id is None or (
            scope.community_id is not None):
        return []
    today = today or local_today()
    last = 12 if year < today.year else today.month
    reached = [Community.id.in_(reach_community_ids(scope.unit_id, year, 1, through=last)),
               Community.id.in_(year_copy_communities(scope, year))]
    return outside_of(actor, db.session.scalars(
        select(Community).where(or_(*reached)).order_by(Community.sort_key, Community.id)))


def covered_ids(scope: SummaryScope, year: int):
    """The communities the year's document covers, kept with it at 定稿, as a select of
    ids: a community's summary (or a unit's in one community) that community; a unit's
    year every community one of its months touches
    (``summary_notes.unit_month_community_ids``)."""
    if scope.community_id is not None:
        return select(Community.id).where(Community.id == scope.community_id)
    return select(Community.id).where(
        Community.id.in_(unit_month_community_ids(scope.unit_id, year, 1, through=12)))


def finalize_year(actor: Member, scope: SummaryScope, year: int, today: date | None = None,
                  *, shown_words: str | None = None) -> YearNote:
    """已定稿: the year's words are final (the 落款 carries this date), as
    ``summary_notes.finalize`` marks a month: whoever may write them, once the year is
    over, from the whole unit's view only, the words the page showed
    (``shown_words``). ``reports.annual_final.finalize_year`` calls this and keeps the
    document."""
    note = _locked_note(actor, scope, year)
    if note.final:
        raise ServiceError(_l("该年度总结已定稿。"))
    if shown_words is not None and shown.shown_then(shown_words) != note_words(note):
        raise ServiceError(YEAR_STALE)
    today = today or local_today()
    if year >= today.year:
        raise ServiceError(_l("年度结束后（次年1月1日起）才能定稿。"))
    missing = year_outside(actor, scope, year, today)
    if missing:
        raise ServiceError(_l(
            "本单位本年度还在%(names)s开展了工作，你负责的社区不包括这些社区，不能为全单位定稿；"
            "请单位管理员定稿。", names="、".join(c.name for c in missing)))
    note.finalized_at, note.finalized_by_id = utcnow(), actor.id
    db.session.flush()
    record(actor, "finalize_year_summary", note, scope=scope.key, year=year)
    return note


def current_year_copy(note: YearNote | None, managed: set[int] | None = None) -> YearCopy | None:
    """The document kept when ``note``'s year was finalised (None when it is not final,
    or covers a community outside ``managed``: a reader's communities, None for all)."""
    if note is None or not note.final:
        return None
    # the page says whether an erasure redacted it: read with it, not a statement later
    return db.session.scalar(select(YearCopy).where(
        YearCopy.note_id == note.id, YearCopy.reopened_at.is_(None),
        copy_within(managed, YearCopy, year_copy_community))
        .options(undefer(YearCopy.redacted_at))
        .order_by(YearCopy.id.desc()).limit(1))


def reopen_year(actor: Member, scope: SummaryScope, year: int) -> YearNote:
    """重新打开 (撤销定稿) so the words can be corrected: an admin only, as a month's 重新打开. The
    copy kept at 定稿 stays, marked re-opened."""
    if actor.role != Role.admin:
        raise PermissionDenied(_l("只有单位管理员可以重新打开已定稿的年度总结。"))
    note = _locked_note(actor, scope, year)
    if not note.final:
        raise ServiceError(_l("该年度总结尚未定稿。"))
    copy = current_year_copy(note)
    now = utcnow()
    for kept in db.session.scalars(select(YearCopy).where(
            YearCopy.note_id == note.id, YearCopy.reopened_at.is_(None))).all():
        kept.reopened_at, kept.reopened_by_id = now, actor.id
    note.finalized_at = note.finalized_by_id = None
    db.session.flush()
    record(actor, "reopen_year_summary", note, scope=scope.key, year=year,
           copy=copy.id if copy is not None else None)
    return note
