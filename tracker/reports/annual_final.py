"""The finalised 年度总结 is the document that was signed, as a month's is
(``final``): at 定稿 the year's document is rendered once more and kept (``YearCopy``:
page, .csv, .docx, .xlsx, by ``final.keep_document``) with the communities it covers;
then the page and every download serve that copy, and the live figures are compared
with it (``final.changes``). Who may finalise and re-open, and when, is
``services.year_notes``.
"""
from __future__ import annotations

from datetime import date

from ..extensions import db
from ..models import Community, Member, SummaryScope, Unit, YearCopy, YearNote, year_copy_community
from ..permissions import managed_community_ids
from ..services import year_notes
from .annual import build_annual
from .annual_document import AnnualSummary
from .final import keep_document


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
    managed = None if reader is None else managed_community_ids(reader)
    return year_notes.current_year_copy(summary.note, managed)
