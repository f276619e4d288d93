"""The finalised 月报 is the document that was signed.

At 定稿 (``finalize``) the whole summary is rendered once more and kept
(``SummaryCopy``): the page's document section, the .csv, the .docx and the .xlsx.
For a 已定稿 month the page and every download serve that copy, whatever happened
since — a report returned or approved, a finding handed over or fixed, a fund entry or
a 冲销 in an earlier month, a roll change, a checklist item switched off, a community
renamed. The live figures are still computed: when their document differs from the
kept one, ``changes`` names the parts that differ, so the page can say
「定稿后数据有变化」 and offer the live document (当前数据) — titled and dated so that
nobody takes it for the signed one — and an admin can re-open the month and finalise
it again. What waits for review is left out of that comparison (``official``): it is
told apart from the official figures, so a report merely submitted (or returned
before approval) after 定稿 is no change of the signed month. A copy rendered by an earlier release that worded the 月报 otherwise
(``wording.WORDING_VERSION``, kept with the copy) differs from the live document in
its wording even where no figure changed: for it the page says that the wording
changed with a system update since 定稿, and names the parts that differ as possibly
differing in wording only, not as 数据有变化 (``reworded``).

Why the rendered files and not a serialisation of the figures: the copy must stay
byte for byte what was handed up, while the figures, the wording (``narrative``), the
layouts (``docx_export``, ``xlsx_export``) and the names they print may all change
afterwards; a serialisation would be rendered again by tomorrow's code. The .csv is
the whole document as plain text, so it is also what the live document is compared
with.

One change is made to a kept document: an erasure (删除个人信息) takes the person's
name, address and phone out of its text, in place — every figure stays as signed — and
records when (``redacted_at``; ``services.erasure.redact_copies``); the page says so.

Who may read a kept document depends on the communities it covers, fixed at 定稿
(``summary_copy_community``: for a unit's month every community the month touched
then): an admin, or a liaison who manages every one of them — on the page, in the
定稿记录 and as a download. A liaison who manages only some sees the live part of the
unit, whatever the month's data becomes after 定稿 (a void does not hand them a copy
holding another community's work; a 补录 elsewhere does not take away the copy they
could read).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from flask import current_app, has_request_context, render_template
from ..i18n import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import Integer, and_, insert, literal, select
from sqlalchemy.orm import aliased, defer, joinedload, undefer

from ..extensions import db
from ..formatting import inside_quotes, pending_sentence_pattern
from ..models import (
    Community,
    KeptDocument,
    Member,
    SummaryCopy,
    SummaryNote,
    SummaryScope,
    Unit,
    YearCopy,
    YearNote,
    summary_copy_community,
    year_copy_community,
)
from ..permissions import managed_community_ids
from ..rollups.batch import Plan, built_once, plan, run
from ..services import summary_notes
from ..services.summary_notes import copy_within, current_copy, in_force
from ..timeutil import local_today
from .annual_text import unmarked
from .csv_export import render_csv
from .exports import render_docx, render_xlsx
from .summary import MonthlySummary, build_summary
from .tables import DOCUMENT_LOCALE, pending_remark
from .wording import MONTH_UNCHANGED_IN, WORDING_VERSION, YEAR_UNCHANGED_IN, written_as

# ``year_words`` asked for no kept document (None is a reader: the county's, every community)
NO_READER = object()

# a numbered section's heading at the start of a paragraph: 二、组织党员志愿服务。 — the
# heading with its number, and what the section is (its heading without the number)
HEADING = re.compile(r"^'?(?P<heading>[一二三四五六七八九十]+、(?P<name>[^。]*))。")
# a reference to a 附表 by its number in the text (「名单见附表4」), and the text's list of
# the 附表 that gives each number its title (「附表：1. 本月活动台账  2. …」)
TABLE_REFERENCE = re.compile(r"附表(\d+)")
APPENDIX = re.compile(r"(\d+)\. (.+?)(?=\s+\d+\. |$)")


def finalize(actor: Member, scope: SummaryScope, year: int, month: int,
             today: date | None = None, *, shown_words: str | None = None,
             signed_at: datetime | None = None) -> SummaryNote:
    """Mark the month 已定稿 (``summary_notes.finalize``: who may, when; the words the
    page showed, ``shown_words``; ``signed_at``, a signature dated other than now: the
    demo's) and keep the whole summary as it now reads, in every format."""
    note = summary_notes.finalize(actor, scope, year, month, today=today,
                                  shown_words=shown_words, signed_at=signed_at)
    keep(note, build_summary(year, month, **places(scope)), actor)
    return note


def finalize_as_typed(actor: Member, scope: SummaryScope, year: int, month: int,
                      problems: str | None, plans: str | None, *,
                      shown_words: str | None = None, today: date | None = None):
    """``finalize`` with the 存在问题 and 下步打算 its confirmation posted: saved first
    when they are not the words stored, one transaction (``summary_notes.sign_as_typed``:
    the signed note, or the fields whose change by another the save kept, unsigned)."""
    return summary_notes.sign_as_typed(
        lambda: summary_notes.save_notes(actor, scope, year, month, problems, plans,
                                         shown_words=shown_words),
        lambda key: finalize(actor, scope, year, month, today, shown_words=key),
        summary_notes.find_note(scope, year, month), problems, plans, shown_words)


def places(scope: SummaryScope) -> dict:
    """The unit and the community a summary is about, as its builder takes them."""
    return {"unit": db.session.get(Unit, scope.unit_id) if scope.unit_id is not None else None,
            "community": (db.session.get(Community, scope.community_id)
                          if scope.community_id is not None else None)}


def keep(note: SummaryNote, summary: MonthlySummary, actor: Member) -> SummaryCopy:
    return keep_document(SummaryCopy, summary_copy_community, note, summary, actor,
                         covered(SummaryScope(note.unit_id, note.community_id),
                                 note.year, note.month))


def keep_document(kind: type[KeptDocument], covers, note, document, actor: Member,
                  communities) -> KeptDocument:
    """Keep ``document`` (a 月报, or a 年度总结: ``kind`` ``YearCopy``) as signed for
    ``note``, in every format, with the communities it covers (``communities``, a select
    of ids, written to ``covers``): who may read it depends on them."""
    copy = kind(note_id=note.id, finalized_at=note.finalized_at,
                finalized_by_id=actor.id, title=document.title[:255],
                page=str(page_html(document)), csv=render_csv(document),
                docx=render_docx(document), xlsx=render_xlsx(document),
                wording_version=WORDING_VERSION)
    db.session.add(copy)
    db.session.flush()
    ids = communities.subquery()
    db.session.execute(insert(covers).from_select(
        ["copy_id", "community_id"], select(literal(copy.id, Integer), ids.c[0])))
    return copy


def covered(scope: SummaryScope, year: int, month: int, through: int | None = None):
    """The communities the document kept for ``scope``'s month covers, as a select of
    ids: a community's summary (or a unit's in one community) that community; a unit's
    month every community it touches (``summary_notes.unit_month_community_ids``).
    ``through``: of the months ``month`` to ``through`` — a year's, 1 to 12."""
    if scope.community_id is not None:
        return select(Community.id).where(Community.id == scope.community_id)
    return summary_notes.unit_month_community_ids(scope.unit_id, year, month, through)


def page_html(summary) -> Markup:
    """The page's document section (title block, text, 落款, 附表), in the document's
    language whoever renders it."""
    def render() -> str:
        with force_locale(DOCUMENT_LOCALE):
            return render_template("reports/_document.html", summary=summary)

    # a template's output, escaped by Jinja
    if has_request_context():
        return Markup(render())  # nosec B704
    with current_app.test_request_context():  # ``flask seed-demo`` finalises a month
        return Markup(render())  # nosec B704


def signed_copy(summary, reader: Member | None = None,
                current=current_copy) -> KeptDocument | None:
    """The kept document to serve for ``summary`` (a 月报; a 年度总结 with ``current``
    ``year_notes.current_year_copy``): it is 已定稿 and ``reader`` (None: the command
    line, every community) manages every community the document covers; else None,
    and the reader is shown the live figures."""
    if not summary.final:
        return None
    return current(summary.note, reader_reach(reader), shown=True)


def words_and_signed_copy(scope: SummaryScope, year: int, month: int, reader: Member | None,
                          also=None) -> tuple[SummaryNote | None, KeptDocument | None, object]:
    """The words of ``scope``'s month (``summary_notes.find_note``'s, who finalised them
    along) and, when it is 已定稿, the document ``signed_copy`` serves ``reader`` (the
    latest in force, shown; None when it covers a community beyond the reader) — in one
    statement, before the 月报 page's batch: the copy read after it put the page of a
    liaison over its budget of 6 (session 34). ``also``: one more value (a scalar
    subquery) read in the same statement and given third, None without it — the
    communities of the unit's month, whether a liaison sees the whole unit, learnt
    before the batch so that a part's batch asks nothing of the whole (partpage43).

    The note and its copies hang off one constant row by outer joins, so ``also`` comes
    in a month without words too."""
    served = and_(SummaryNote.finalized_at.is_not(None),
                  in_force(SummaryNote.id, reader_reach(reader)))
    one = select(literal(1, Integer).label("one")).subquery("one")
    row = db.session.execute(
        select(SummaryNote, SummaryCopy, *([] if also is None else [also])).select_from(one)
        .outerjoin(SummaryNote, and_(SummaryNote.scope_key == scope.key,
                                     SummaryNote.year == year, SummaryNote.month == month))
        .outerjoin(SummaryCopy, served)
        .options(joinedload(SummaryNote.finalized_by), undefer(SummaryCopy.redacted_at))
        # a note has no copy in the row, or only copies: the latest first
        .order_by(SummaryCopy.id.desc()).limit(1)).one()
    return row[0], row[1], None if also is None else row[2]


class YearWords(NamedTuple):
    """What the 年度总结 reads of people's words before its batch (``year_words``)."""

    note: YearNote | None  # the year's 存在问题 and 下步打算, who finalised them along
    kept: YearCopy | None  # the document kept at its 定稿 that the reader may be served
    months: dict[int, tuple[SummaryNote, SummaryCopy]]  # its 已定稿 months, their copies


def year_words(scope: SummaryScope, year: int, *, months: bool,
               reader: Member | None | object = NO_READER) -> YearWords:
    """The words of ``scope``'s year (``year_notes.find_year_note``'s); with ``reader``,
    when the year is 已定稿, the document ``annual_final.signed_year_copy`` serves them
    (the latest in force, shown; None when it covers a community beyond them; None is
    the county's reader, every community); with ``months``, its 已定稿 months, each with
    the document kept at its 定稿 in force (``current_copy``'s, whoever reads: the
    年度总结 compares its months with them, and says the same to every reader of the
    year). In one statement: all of them are read before the 年度总结's batch, and a
    statement each put a liaison's page over its budget of 6 (session 34).

    They hang off one constant row by outer joins, so a year without words still gives
    its signed months: a row per signed month, the year's words and kept document
    repeated on each (one entity each), or one row without a month."""
    one = select(literal(1, Integer).label("one")).subquery("one")
    stmt = (select(YearNote).select_from(one)
            .outerjoin(YearNote, and_(YearNote.scope_key == scope.key, YearNote.year == year))
            .options(joinedload(YearNote.finalized_by)))
    if reader is not NO_READER:
        stmt = (stmt.add_columns(YearCopy)
                .outerjoin(YearCopy, and_(
                    YearNote.finalized_at.is_not(None),
                    in_force(YearNote.id, reader_reach(reader), YearCopy, year_copy_community)))
                .options(undefer(YearCopy.redacted_at)).order_by(YearCopy.id))
    if months:
        stmt = (stmt.add_columns(SummaryNote, SummaryCopy)
                .outerjoin(SummaryNote, and_(SummaryNote.scope_key == scope.key,
                                             SummaryNote.year == year,
                                             SummaryNote.finalized_at.is_not(None)))
                .outerjoin(SummaryCopy, and_(SummaryCopy.note_id == SummaryNote.id,
                                             SummaryCopy.reopened_at.is_(None)))
                .options(defer(SummaryCopy.page)).order_by(SummaryNote.month, SummaryCopy.id))
    rows = db.session.execute(stmt).all()
    note = rows[0].YearNote if rows else None
    kept = [row.YearCopy for row in rows if reader is not NO_READER and row.YearCopy is not None]
    # the latest copy of a month, as current_copy; a month without one in force has none
    signed = {row.SummaryNote.month: (row.SummaryNote, row.SummaryCopy) for row in rows
              if months and row.SummaryCopy is not None}
    return YearWords(note, max(kept, key=lambda c: c.id) if kept else None, signed)


def reader_reach(reader: Member | None) -> set[int] | None:
    """The communities ``reader`` manages (None: every community; no reader is the
    county's view)."""
    return None if reader is None else managed_community_ids(reader)


def copy_bytes(copy: KeptDocument, fmt: str) -> bytes:
    if fmt == "html":  # the page kept at 定稿: our template's escaped output
        return render_template("reports/standalone.html", title=copy.title,
                               page=Markup(copy.page)).encode("utf-8")  # nosec B704
    return getattr(copy, fmt)


@dataclass(frozen=True)
class SignedCopy:
    """One document kept at a 定稿 of a month (the 定稿记录): which 定稿 of the month
    it was, when and by whom it was signed, and when and by whom the month was
    re-opened after it (None: the copy in force)."""

    number: int
    id: int
    finalized_at: datetime
    finalized_by: str
    reopened_at: datetime | None
    reopened_by: str
    redacted_at: datetime | None = None  # an erasure took a person out of its text


def history_plan(scope: SummaryScope, year: int, month: int, reader: Member) -> Plan:
    """Every document kept for the month's 月报 (``scope``'s words: a unit's, a
    community's, a unit's in one community) that ``reader`` may read, oldest first and
    numbered among all of the month's: the page's 定稿记录, in its batch (one statement
    with its figures). Built once per summary, month and reach (``batch.built_once``),
    as the 年度总结's: the page's batch is then the same statement on every request,
    which PostgreSQL plans once per connection (``batch.fetch``)."""
    managed = reader_reach(reader)
    return built_once(
        ("month copies", scope.key, year, month,
         None if managed is None else tuple(sorted(managed))),
        lambda: copies_plan(SummaryNote, SummaryCopy, summary_copy_community, scope, reader,
                            year=year, month=month))


def copies_plan(note, copy, covers, scope: SummaryScope, reader: Member, **period) -> Plan:
    """Every document kept (``copy``, its communities in ``covers``) for ``scope``'s
    summary of ``period`` (``note``: a month's ``SummaryNote``, a year's ``YearNote``)
    that ``reader`` may read, oldest first and numbered among all of the period's: a
    page's 定稿记录."""
    signer, reopener = aliased(Member), aliased(Member)
    return plan(
        select(copy.id, copy.finalized_at, signer.name, copy.reopened_at,
               reopener.name, copy.redacted_at, copy_within(reader_reach(reader), copy, covers))
        .join(note, note.id == copy.note_id)
        .outerjoin(signer, signer.id == copy.finalized_by_id)
        .outerjoin(reopener, reopener.id == copy.reopened_by_id)
        .where(note.scope_key == scope.key,
               *(getattr(note, name) == value for name, value in period.items()))
        .order_by(copy.finalized_at, copy.id),
        shape=lambda rows: [SignedCopy(number, copy_id, at, by or "", reopened, reopened_by or "",
                                       redacted)
                            for number, (copy_id, at, by, reopened, reopened_by, redacted,
                                         readable)
                            in enumerate(rows, 1) if readable])


def kept_copy(scope: SummaryScope, year: int, month: int, copy_id: int,
              reader: Member) -> tuple[SummaryCopy, int] | None:
    """The document ``copy_id`` kept at a 定稿 of this month's 月报 (in force or
    re-opened since) and which 定稿 of the month it was (1, 2, …, as the 定稿记录
    numbers them), or None when it is not one of this month's or covers a community
    ``reader`` does not manage."""
    return kept_of(copies_plan(SummaryNote, SummaryCopy, summary_copy_community, scope,
                               reader, year=year, month=month), SummaryCopy, copy_id)


def kept_of(copies: Plan, copy, copy_id: int) -> tuple[KeptDocument, int] | None:
    """``copy_id`` among ``copies`` (``copies_plan``: those a reader may read, numbered),
    and its number; None when it is not one of them."""
    for signed in run(copies):
        if signed.id == copy_id:
            return db.session.get(copy, copy_id), signed.number
    return None


def copy_filename(copy: KeptDocument, number: int, fmt: str) -> str:
    """A kept document's name in the 定稿记录: its title and which 定稿 of the month it
    was, by which the copies of one month differ (the file is Chinese, as the 月报 is)."""
    return f"{copy.title}（第{number}次定稿）.{fmt}"


def mark_current(summary, today: date | None = None) -> None:
    """The live document of a 已定稿 month (or year: any ``document.Document``): its
    title (and so its file name) says it is the current data, not the signed document,
    and it is dated today."""
    day = today or local_today()
    with force_locale(DOCUMENT_LOCALE):
        summary.title = _("%(title)s（当前数据，非定稿）", title=summary.title)
        summary.signed_on = _("%(y)s年%(m)s月%(d)s日", y=day.year, m=day.month, d=day.day)


class Comparison(NamedTuple):
    """A kept document against the live one (``compare``)."""

    parts: list[str]  # what differs, as ``changes`` names it
    waiting: bool  # nothing but what waits for review differs: told, not as a change


def compare(copy: KeptDocument, summary) -> Comparison:
    """``changes``, and whether what waits for review is all that differs (a report
    submitted, or returned before approval, since 定稿): the page tells that apart.
    A 年度总结's marks of its months changed since their own 定稿 are no data of the
    year: left out of both before anything is compared (``annual_text.unmarked``)."""
    kept, live = _read(copy.csv), _read(render_csv(summary))
    if isinstance(copy, YearCopy):
        kept, live = unmarked(*kept), unmarked(*live)
    parts = _parts(official(*kept), official(*live))
    return Comparison(parts, not parts and kept != live)


def changes(copy: KeptDocument, summary) -> list[str]:
    """The parts of the live document that differ from the kept one, in the
    document's order: 标题, a numbered section's heading, 正文, 附表“…”. Empty when
    the live document says what was signed.

    What waits for review is left out of both (``official``): it is told apart from
    the official figures, never in them, so a report submitted after 定稿 — or returned
    before anyone approved it — changes no figure that was signed; its approval, or
    an approved one taken back (撤销审核), does. So is, of a 年度总结, what marks the
    months whose 月报 changed since their own 定稿 (``compare``)."""
    return compare(copy, summary).parts


class Told(NamedTuple):
    """What the 月报 pages of signed months say after an admin's change (``told_changed``)."""

    changed: list  # 「定稿后数据有变化」
    reworded: list  # signed in an earlier wording: the page says the wording changed


def _copies_in_force(month) -> list[tuple[KeptDocument, SummaryNote]]:
    """The signed documents in force of a 已定稿 month — ``summary_notes.FinalMonth``
    (a unit's: its whole 月报 and its 月报 in one community) or ``FinalCommunityMonth``
    (a community's own) —, each with the note it was kept for. A month finalised
    before documents were kept has none (served live: no notice)."""
    community_id = getattr(month, "community_id", None)
    where = ([SummaryNote.unit_id == month.unit_id] if community_id is None else
             [SummaryNote.unit_id.is_(None), SummaryNote.community_id == community_id])
    notes = db.session.scalars(select(SummaryNote).where(
        *where, SummaryNote.year == month.year, SummaryNote.month == month.month,
        SummaryNote.finalized_at.is_not(None)).order_by(SummaryNote.id)).all()
    return [(copy, note) for note in notes for copy in [current_copy(note)] if copy is not None]


def reworded_months(months) -> list:
    """Of these 已定稿 months, those whose every signed document in force was rendered
    in an earlier wording of the 月报 (``reworded``): their page says that the wording
    changed since 定稿 — whatever the data — and never 「定稿后数据有变化」, so an
    admin's change is not promised that notice there."""
    return [month for month in months if signed_reworded(
        [copy.wording_version for copy, _note in _copies_in_force(month)])]


def signed_reworded(wordings, *, year: bool = False) -> bool:
    """Whether a 已定稿 month (or, ``year``, 年度总结) whose signed documents in force
    were rendered in ``wordings`` (their ``wording_version``; none: signed before
    documents were kept, served live) says that its wording changed since 定稿 and
    never 「定稿后数据有变化」: each of them is of an earlier wording (``reworded``).
    ``reworded_months``' rule, and the naming before an admin's 通过 and 冲销's, whose
    statement reads the versions with the signed notes
    (``summary_notes.final_naming_places``)."""
    return bool(wordings) and all(reworded_version(w, year=year) for w in wordings)


def told_changed(months) -> Told:
    """Of these 已定稿 months (as ``_copies_in_force``), those whose 月报 page now says
    「定稿后数据有变化」: a signed document in force, in today's wording, that the live
    one differs from (``changes``); and, apart, those signed in an earlier wording only
    (``reworded_months``), whose page cannot tell a change of data from one of words.
    What an admin's change of a signed month (更正日期, 合并账号) promises, asked of the
    page's own comparison once the change is made: the services name the months it may
    change, this those whose page tells it."""
    changed, rewritten = [], []
    for month in months:
        copies = _copies_in_force(month)
        if copies and all(reworded(copy) for copy, _note in copies):
            rewritten.append(month)
        elif any(not reworded(copy) and changes(copy, build_summary(
                note.year, note.month, **places(SummaryScope(note.unit_id, note.community_id))))
                for copy, note in copies):
            changed.append(month)
    return Told(changed, rewritten)


def _parts(kept, live) -> list[str]:
    """The parts of ``live`` that differ from ``kept``, each named once, in the kept
    document's order (then the parts only ``live`` has): the title, each numbered
    section, 正文 (the other lines of the text but its list of 附表, which is read as
    the tables it names: figures53 #1) and each 附表. A section is known by what it
    is — its heading without its number — and compared by its words without the
    number: a section added or removed renumbers those after it, which are no change
    of what they say (figures43 #1). It is named without its number too: the notice
    heads the kept copy, whose numbers are not the live document's once a section was
    added or removed, and named by either one's it pointed at another section of the
    copy below it (figures51 #2)."""
    old_text, old_tables = kept
    new_text, new_tables = live
    old, new = _text_parts(old_text), _text_parts(new_text)
    parts: list[str] = []
    for key in list(old) + [key for key in new if key not in old]:
        if (old.get(key) or (None, None))[1] != (new.get(key) or (None, None))[1]:
            parts.append(_only_in((old.get(key) or new[key])[0], key in old, key in new))
    for title in list(old_tables) + [t for t in new_tables if t not in old_tables]:
        if new_tables.get(title) != old_tables.get(title):
            parts.append(_only_in(_("附表“%(title)s”", title=inside_quotes(title.lstrip("'"))),
                                  title in old_tables, title in new_tables))
    return parts


def _only_in(label: str, kept: bool, live: bool) -> str:
    """A part named as only one document has it: the notice heads the kept copy, where
    a part only the live document has is not there to compare (a month signed empty,
    whose survey is approved afterwards: figures52 #2)."""
    if not kept:
        return _("%(part)s（当前数据新增）", part=label)
    if not live:
        return _("%(part)s（当前数据中已没有）", part=label)
    return label


# how the text's list of 附表 begins (``summary.appendix_line``), in the language the kept
# copies are written in (``DOCUMENT_LOCALE``)
_APPENDIX_WORD = "附表："


def _appendix(text: list[str]) -> str | None:
    """The text's list of 附表 (「附表：1. 本月活动台账  2. …」) without its word, or None
    when the document has no 附表: the last line of the text (``render_csv``)."""
    last = text[-1].lstrip("'") if len(text) > 1 else ""
    return last[len(_APPENDIX_WORD):] if last.startswith(_APPENDIX_WORD) else None


def _text_parts(text: list[str]) -> dict[object, tuple[str, tuple[str, ...]]]:
    """A document's text lines as its parts, in the order they first appear: each
    under its key — the title, a numbered section's heading without its number, 正文
    for every other line but the list of 附表 — with the label that names it and its
    words (a section's without its number)."""
    parts: dict[object, tuple[str, tuple[str, ...]]] = {}
    listed = _appendix(text)
    # a 附表 the text refers to is read as the table it is, not its number: a 附表 added
    # before it numbers it on, which is no change of what the section says — as a
    # section renumbered is none (review43b #1); pointing at another table is one
    titles = dict(APPENDIX.findall(listed)) if listed is not None else {}
    # the list of 附表 itself is read as the tables it names, and each of them is
    # compared as a 附表 of its own — named when it changed, came or went: a table that
    # came or went changes the list's numbers and titles, which is no sentence of the
    # 正文, so it alone does not name 正文 (figures53 #1)
    if listed is not None:
        text = text[:-1]

    def by_title(words: str) -> str:
        return TABLE_REFERENCE.sub(
            lambda m: f"附表“{titles[m.group(1)]}”" if m.group(1) in titles else m.group(0),
            words)

    def add(key, label, line):
        words = parts[key][1] if key in parts else ()
        parts[key] = (label, words + (line,))

    for index, line in enumerate(text):
        heading = HEADING.match(line)
        if index == 0:
            add("title", _("标题"), line)
        elif heading:  # a numbered section, named (without its number) in the notice
            add(("section", heading.group("name")),
                _("“%(heading)s”部分", heading=inside_quotes(heading.group("name"))),
                by_title(line[heading.start("name"):]))
        else:
            add("body", _("正文"), line)
    return parts


def official(text: list[str], tables: dict[str, list[list[str]]]
             ) -> tuple[list[str], dict[str, list[list[str]]]]:
    """A document read back (``_read``) without what waits for review: the pending
    sentence (「另有N份完成情况待审核（…），未计入以上数据。」) and the 备注
    「有活动待审核」 of the 未参与名单. They are recognised by their words, as written in
    the document's language — the kept copy holds nothing else to know them by; a copy
    kept by an earlier wording of them differs in wording anyway (``reworded``)."""
    with force_locale(DOCUMENT_LOCALE):
        remark, remark_header = pending_remark(), _("备注")
        pending = pending_sentence_pattern()  # once for every line of the document
        text = [line for line in text if pending.fullmatch(line) is None]
    kept = {}
    for title, rows in tables.items():
        column = rows[0].index(remark_header) if rows and remark_header in rows[0] else None
        if column is not None:
            rows = [rows[0]] + [[("" if n == column and cell == remark else cell)
                                 for n, cell in enumerate(row)] for row in rows[1:]]
        kept[title] = rows
    return text, kept


def reworded(copy: KeptDocument) -> bool:
    """Whether ``copy`` was rendered in another wording of its document (the 月报, or
    the 年度总结 for a ``YearCopy``) than this code's (kept by an earlier release): then
    what ``changes`` names may differ in wording only, and is not evidence that the data
    changed. A version that changed only the other document's words does not count."""
    return reworded_version(copy.wording_version, year=isinstance(copy, YearCopy))


def reworded_version(wording: int, *, year: bool = False) -> bool:
    """``reworded`` of a copy of the 月报 (or, ``year``, the 年度总结) rendered in
    ``wording``."""
    unchanged = YEAR_UNCHANGED_IN if year else MONTH_UNCHANGED_IN
    return written_as(wording, unchanged) != written_as(WORDING_VERSION, unchanged)


def _read(data: bytes) -> tuple[list[str], dict[str, list[list[str]]]]:
    """A .csv of ``render_csv`` read back: the text lines (before the first blank
    line), and each table's rows (headers first) under its title (the line after a
    blank one)."""
    text: list[str] = []
    tables: dict[str, list[list[str]]] = {}
    rows: list[list[str]] | None = None
    blank_seen = after_blank = False
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        if not row:
            blank_seen = after_blank = True
            continue
        if not blank_seen:
            text.append(row[0])
        elif after_blank:
            rows = tables.setdefault(row[0], [])
            after_blank = False
        elif rows is not None:
            rows.append(row)
    return text, tables
