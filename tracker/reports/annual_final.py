"""The finalised 年度总结 is the document that was signed, as a month's is
(``final``): at 定稿 the year's document is rendered once more and kept (``YearCopy``:
page, .csv, .docx, .xlsx, by ``final.keep_document``) with the communities it covers;
then the page and every download serve that copy, and the live figures are compared
with it (``final.changes``). Who may finalise and re-open, and when, is
``services.year_notes``. An erasure redacts a kept copy's text as a month's
(``services.erasure.redact_copies``, ``redacted_at``); the page and the 定稿记录 say so.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Member, SummaryScope, YearCopy, YearNote, year_copy_community
from ..rollups.batch import Plan, built_once
from ..services import summary_notes, year_notes
from .annual import build_annual
from .annual_document import AnnualSummary
from .final import (
    changes,
    copies_plan,
    covered,
    keep_document,
    kept_of,
    places,
    reader_reach,
    reworded,
    signed_copy,
)


def finalize_year(actor: Member, scope: SummaryScope, year: int, today: date | None = None,
                  *, shown_words: str | None = None,
                  signed_at: datetime | None = None) -> YearNote:
    """Mark the year 已定稿 (``year_notes.finalize_year``: who may, when; the words the
    page showed; ``signed_at``, a signature dated other than now: the demo's) and keep
    the whole year's document as it now reads, in every format, its 落款 the day of the
    signature."""
    note = year_notes.finalize_year(actor, scope, year, today, shown_words=shown_words,
                                    signed_at=signed_at)
    document = build_annual(year, **places(scope), today=today)
    keep_document(YearCopy, year_copy_community, note, document, actor,
                  covered(scope, year, 1, through=12))
    return note


def finalize_year_as_typed(actor: Member, scope: SummaryScope, year: int,
                           problems: str | None, plans: str | None, *,
                           shown_words: str | None = None, today: date | None = None):
    """``finalize_year`` with the words its confirmation posted, as the 月报's
    (``final.finalize_as_typed``)."""
    return summary_notes.sign_as_typed(
        lambda: year_notes.save_year_notes(actor, scope, year, problems, plans,
                                           shown_words=shown_words),
        lambda key: finalize_year(actor, scope, year, today, shown_words=key),
        year_notes.find_year_note(scope, year), problems, plans, shown_words)


def signed_year_copy(summary: AnnualSummary, reader: Member | None = None) -> YearCopy | None:
    """``final.signed_copy`` of a year: the kept document to serve for ``summary``, or
    None and the reader is shown the live figures."""
    return signed_copy(summary, reader, year_notes.current_year_copy)


def history_plan(scope: SummaryScope, year: int, reader: Member) -> Plan:
    """Every document kept for the year's 年度总结 that ``reader`` may read, oldest first
    and numbered among all of the year's: the page's 定稿记录, as the 月报's
    (``final.copies_plan``), in the page's batch (session 34: a statement of its own put
    the page of a year with words over its budget of 6). Built once per summary, year
    and reach (``batch.built_once``), so the page's batch is still combined once."""
    managed = reader_reach(reader)
    return built_once(
        ("year copies", scope.key, year, None if managed is None else tuple(sorted(managed))),
        lambda: copies_plan(YearNote, YearCopy, year_copy_community, scope, reader, year=year))


def kept_year_copy(scope: SummaryScope, year: int, copy_id: int,
                   reader: Member) -> tuple[YearCopy, int] | None:
    """The document ``copy_id`` kept at a 定稿 of this year's 年度总结 (in force or
    re-opened since) and which 定稿 of the year it was, or None when it is not one of
    this year's or covers a community ``reader`` does not manage."""
    return kept_of(copies_plan(YearNote, YearCopy, year_copy_community, scope, reader,
                               year=year), YearCopy, copy_id)


def _current_copy(year: summary_notes.FinalYear) -> YearCopy | None:
    note = db.session.scalar(select(YearNote).where(
        YearNote.scope_key == year.scope.key, YearNote.year == year.year))
    return year_notes.current_year_copy(note)


def reworded_years(years) -> list[summary_notes.FinalYear]:
    """Of these 已定稿 years, those whose signed document in force was rendered in an
    earlier wording of the 年度总结 (``final.reworded``): their page says the wording
    changed since 定稿, never 「定稿后数据有变化」, so that notice is not promised for
    them (``final.reworded_months`` of a year)."""
    return [year for year in years
            if (copy := _current_copy(year)) is not None and reworded(copy)]


def told_changed_years(years) -> list[summary_notes.FinalYear]:
    """Of these 已定稿 years (``summary_notes.final_years``), those whose 年度总结 page now
    says 「定稿后数据有变化」: a signed document in force, in today's wording, that the live
    one differs from (``final.changes``, the page's own comparison) — ``final.told_changed``
    of a year. What an admin's change (更正日期, 合并账号) tells once it is made; a year
    signed in an earlier wording, whose page says its wording changed, is not named."""
    told = []
    for year in years:
        copy = _current_copy(year)
        if copy is not None and not reworded(copy) and changes(
                copy, build_annual(year.year, **places(year.scope))):
            told.append(year)
    return told
