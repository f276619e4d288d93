"""存在问题 and 下步打算 of a 年度总结 (annual summary).

Written on the 年度总结 page by whoever may write the same unit's or community's 月报
words (``summary_notes.may_write``), kept per summary and year (``YearNote``), shown in
the year's document under their headings (left out with them when empty). The year has
no 定稿: its words may be changed as long as the page is there, and its 落款 is today.
A save from an older page is merged with the words stored since, as the 月报's are
(``shown.check``), under the same row lock (``summary_notes.lock_scope``).
"""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..models import Member, SummaryScope, YearNote
from ..timeutil import utcnow
from . import PermissionDenied, shown
from .audit import record
from .summary_notes import NOTES_STALE, lock_scope, may_write, note_text, note_words


def find_year_note(scope: SummaryScope, year: int) -> YearNote | None:
    return db.session.scalar(select(YearNote).where(
        YearNote.scope_key == scope.key, YearNote.year == year))


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
