"""The finalised 年度总结 is the document that was signed, as a month's is
(``final``): at 定稿 the year's document is rendered once more and kept (``YearCopy``:
page, .csv, .docx, .xlsx, by ``final.keep_document``) with the communities it covers;
then the page and every download serve that copy, and the live figures are compared
with it (``final.changes``). Who may finalise and re-open, and when, is
``services.year_notes``. An erasure redacts a kept copy's text as a month's
(``services.erasure.redact_copies``, ``redacted_at``); the page and the 定稿记录 say so.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Community, Member, SummaryScope, Unit, YearCopy, YearNote, year_copy_community
from ..services import year_notes
from ..services.summary_notes import copy_within
from .annual import build_annual
from .annual_document import AnnualSummary
from .final import SignedCopy, keep_document, reader_reach


def finalize_year(actor: Member, scope: SummaryScope, year: int, today: date | None = None,
                  *, shown_words: str | None = None) -> YearNote:
    """Mark the year 已定稿 (``year_notes.finalize_year``: who may, when; the words the
    page showed) and keep the whole year's document as it now reads, in every format."""
    note = year_notes.finalize_year(actor, scope, year, today, shown_words=shown_words)
    unit = db.session.get(Unit, scope.unit_id) if scope.unit_id is not None else None
    community = (db.session.get(Community, scope.community_id)
                 if scope.community_id is not None else None)
    document = build_annual(year, unit=unit, community=community, today=today)
    keep_document(YearCopy, year_copy_community, note, document, actor,
                  year_notes.covered_ids(scope, year))
    return note


def signed_year_copy(summary: AnnualSummary, reader: Member | None = None) -> YearCopy | None:
    """The kept document to serve for ``summary``: its year is 已定稿 and ``reader``
    (None: every community) manages every community the document covers; else None,
    and the reader is shown the live figures."""
    if not summary.final:
        return None
    return year_notes.current_year_copy(summary.note, reader_reach(reader))


def history(scope: SummaryScope, year: int, reader: Member) -> list[SignedCopy]:
    """Every document kept for the year's 年度总结 that ``reader`` may read, oldest first
    and numbered among all of the year's: the page's 定稿记录, as the 月报's
    (``final.history_plan``)."""
    signer, reopener = aliased(Member), aliased(Member)
    rows = db.session.execute(
        select(YearCopy.id, YearCopy.finalized_at, signer.name, YearCopy.reopened_at,
               reopener.name, YearCopy.redacted_at,
               copy_within(reader_reach(reader), YearCopy, year_copy_community))
        .join(YearNote, YearNote.id == YearCopy.note_id)
        .outerjoin(signer, signer.id == YearCopy.finalized_by_id)
        .outerjoin(reopener, reopener.id == YearCopy.reopened_by_id)
        .where(YearNote.scope_key == scope.key, YearNote.year == year)
        .order_by(YearCopy.finalized_at, YearCopy.id)).all()
    return [SignedCopy(number, copy_id, at, by or "", reopened, reopened_by or "", redacted)
            for number, (copy_id, at, by, reopened, reopened_by, redacted, readable)
            in enumerate(rows, 1) if readable]


def kept_year_copy(scope: SummaryScope, year: int, copy_id: int,
                   reader: Member) -> tuple[YearCopy, int] | None:
    """The document ``copy_id`` kept at a 定稿 of this year's 年度总结 (in force or
    re-opened since) and which 定稿 of the year it was, or None when it is not one of
    this year's or covers a community ``reader`` does not manage."""
    for signed in history(scope, year, reader):
        if signed.id == copy_id:
            return db.session.get(YearCopy, copy_id), signed.number
    return None
