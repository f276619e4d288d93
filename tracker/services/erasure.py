"""What an erasure (删除个人信息, PIPL Art. 47) reaches besides the resident's record:
the free text that names them — the tasks that served them (``residents.
_forget_in_tasks``: title, 地点, description, 服务对象, the report's 情况说明 and 退回
reason), the messages written about those tasks (消息, SMS, e-mail), the 补录 requests
for them (description, note, 拒绝 reason), the other residents' 备注 of their community,
the 存在问题 and 下步打算 people wrote for any month or year (``SummaryNote``,
``YearNote``), and the signed 月报 and 年度总结 copies naming them: those of the months
and years the tasks and those notes fall in (``periods_of``), and every other copy whose
text holds them (``copies_of``) — one signed before its words were rewritten at a 重新打开,
or before an activity's date was corrected into another month.

The person is found by *terms*: the name, the address (and the address without its
community's name, as a 地点 is often typed), the phone. A text naming one of them
loses it to the neutral marker 「（服务对象信息已删除）」, the same the tasks' titles
get; a whole value the erasure replaced (a title, a 地点, a 情况说明) is replaced by its
new value wherever it was copied (a message's body, a 月报's cell), so the copies read as
the live text does.

A signed 月报 copy (``SummaryCopy``) or 年度总结 copy (``YearCopy``), in force or
re-opened, is the document the bureau signed: its figures stay as signed, byte for
byte, but a name in its text must not outlive the erasure. Its page, .csv, .docx and
.xlsx are redacted in place, in the erasure's transaction (no rendering again:
tomorrow's code and data would change the figures), and the copy records when
(``redacted_at``); its page says 「已按删除个人信息的要求脱敏」, and the audit trail has
a ``redact_copy`` row naming the resident by id only. A task whose text lost them has a
``FORGOTTEN`` row of its own: the fields rewritten, the resident by id, no words.
"""
from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from datetime import date

from markupsafe import escape as html_escape
from sqlalchemy import Boolean, LargeBinary, Text, and_, literal, or_, select, tuple_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import undefer
from sqlalchemy.sql.functions import FunctionElement

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..models import (
    BackfillRequest,
    KeptDocument,
    Member,
    Outbox,
    Resident,
    SummaryCopy,
    SummaryNote,
    Task,
    YearCopy,
    YearNote,
)
from ..timeutil import utcnow
from . import ServiceError
from .audit import record

MARK = "（服务对象信息已删除）"
# the audit action of a task whose text an erasure rewrote: not ``update``, which is a
# liaison's edit that 任务时间地点有变 tells the members of (``reminders.moves``); the
# calendar counts it (``calendar_revision``), or a copy imported earlier keeps the name
FORGOTTEN = "forget_resident"
MIN_TERM = 2  # one character would match too much, and no real name is that short
MIN_ADDRESS = 4  # 「3栋」, 「12号」: a piece of an address, not one

Swaps = list[tuple[str, str]]  # (old whole value, its new value: "" when blanked)


def xml_escape(text: str) -> str:
    """Text as an XML text node holds it (what lxml writes for .docx and .xlsx)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def terms_of(name: str, address: str | None, phone: str | None, community: str) -> list[str]:
    """What names the person in free text, longest first: the name, the address, the
    address without its community's name in front, the phone. An address of fewer than
    ``MIN_ADDRESS`` characters (「12号」) or that is no more than the community's name
    would match other people's text: it is not a term."""
    found = {name} if len(name) >= MIN_TERM else set()
    places = {address or ""}
    if address and address.startswith(community):
        places.add(address[len(community):].strip())
    found |= {p for p in places if len(p) >= MIN_ADDRESS and p not in community}
    if phone and len(phone) >= MIN_ADDRESS:
        found.add(phone)
    return sorted(found, key=len, reverse=True)


def longer_names(terms: list[str], resident_id: int | None = None) -> list[str]:
    """Other people's names that hold a term (erasing 李明 must leave 李明华 whole): the
    members' names and the other residents' (not yet erased), longer than the term they
    hold. The exact namesake is not told apart (a name is all the text gives)."""
    if not terms:
        return []
    people = set(db.session.scalars(select(Member.name)))
    people |= set(db.session.scalars(select(Resident.name).where(
        Resident.id != (resident_id or 0), Resident.erased_at.is_(None))))
    return sorted({p for p in people if p and any(t in p and t != p for t in terms)},
                  key=len, reverse=True)


def _hide(text: str, keep: list[str], escape=str) -> tuple[str, list[str]]:
    """``text`` with every name of ``keep`` (as ``escape`` stores it) swapped for a
    placeholder no term can match; ``_show`` puts them back."""
    held: list[str] = []
    for name in keep:
        stored = str(escape(name))
        if stored in text:
            text = text.replace(stored, f"\ue000{len(held)}\ue001")
            held.append(stored)
    return text, held


def _show(text: str, held: list[str]) -> str:
    for index in reversed(range(len(held))):
        text = text.replace(f"\ue000{index}\ue001", held[index])
    return text


def names(text: str | None, terms: list[str], keep: list[str] = ()) -> bool:
    """Whether ``text`` names the person: a term in it, outside another person's longer
    name (``keep``)."""
    if not text:
        return False
    text = _hide(text, list(keep))[0]
    return any(term in text for term in terms)


def redact(text: str, swaps: Swaps, terms: list[str], *, escape=str,
           keep: list[str] = ()) -> str:
    """``text`` with each replaced value (a non-empty new one) in its new words, then
    every term as the marker — but never inside another person's longer name
    (``keep``: 李明华 stays whole when 李明 is erased). ``escape``: how the text stores
    them (HTML, XML)."""
    for old, new in _longest_first(swaps):
        if new:
            text = text.replace(str(escape(old)), str(escape(new)))
    text, held = _hide(text, list(keep), escape)
    for term in terms:
        text = text.replace(str(escape(term)), str(escape(MARK)))
    return _show(text, held)


def _longest_first(swaps: Swaps) -> Swaps:
    return sorted({(o, n) for o, n in swaps if o and o != n}, key=lambda s: len(s[0]),
                  reverse=True)


def _cells(text: str, swaps: Swaps, terms: list[str], escape, keep: list[str] = ()) -> str:
    """Markup (the page's HTML, a .docx's or .xlsx's XML): a cell or run holding a
    replaced value whole gets the new value — also an empty one — then ``redact``."""
    for old, new in _longest_first(swaps):
        text = text.replace(f">{escape(old)}<", f">{escape(new)}<")
    return redact(text, swaps, terms, escape=escape, keep=keep)


def _csv(data: bytes, swaps: Swaps, terms: list[str], keep: list[str] = ()) -> bytes:
    whole = dict(_longest_first(swaps))
    out = io.StringIO()
    writer = csv.writer(out)
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        writer.writerow([whole[cell] if cell in whole else redact(cell, swaps, terms, keep=keep)
                         for cell in row])
    return out.getvalue().encode("utf-8-sig")


_CHAR_REF = re.compile(r"&#(?:([0-9]+)|[xX]([0-9a-fA-F]+));")
_KEPT_AS_REF = set("&<>\"'")


def _unref(text: str) -> str:
    """XML text with its numeric character references (openpyxl writes 李 as
    ``&#26446;``) as the characters they stand for, so a term can be found; those for
    XML's own characters (& < > " '), control characters (a literal one would be
    normalised away) and what is no character stay references."""
    def char(match: re.Match) -> str:
        code = int(match[1]) if match[1] else int(match[2], 16)
        if code < 0x20 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
            return match[0]
        found = chr(code)
        return match[0] if found in _KEPT_AS_REF else found
    return _CHAR_REF.sub(char, text)


_LINE_BREAK = "(?:\n|&#10;|&#x[aA];)?"


def _unbroken(text: str, terms: list[str]) -> str:
    """XML text with every term broken over two lines made whole again, so it is found:
    the .xlsx's summary sheet breaks each paragraph into lines itself (a line break in
    the cell's text, ``xlsx_export.summary_lines``), and a name falling across one is
    still the name to a reader. The line break goes with the term it broke."""
    for term in terms:
        stored = xml_escape(term)
        text = re.sub(_LINE_BREAK.join(map(re.escape, stored)), lambda _m: stored, text)
    return text


def _zip(data: bytes, swaps: Swaps, terms: list[str], keep: list[str] = ()) -> bytes:
    """An Office file (.docx, .xlsx) with the text of its XML parts redacted (a part
    that changes is written back in UTF-8, as it declares, with its numeric character
    references as characters: ``_unref``; a term broken over two lines found too:
    ``_unbroken``); every other part, and the order and compression of all, as they
    were. Unchanged: the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts, changed = [], False
    for info in source.infolist():
        part = source.read(info)
        if info.filename.endswith((".xml", ".rels")):
            text = _unbroken(_unref(part.decode("utf-8")), terms)
            redacted = _cells(text, swaps, terms, xml_escape, keep)
            if redacted != text:
                part, changed = redacted.encode("utf-8"), True
        parts.append((info, part))
    if not changed:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info, part in parts:
            target.writestr(info, part)
    return out.getvalue()


class _holds(FunctionElement):  # noqa: N801 — used like a SQL function
    """``text`` holds ``part``: ``instr`` on SQLite, ``position`` elsewhere — character
    for character in text, byte for byte in bytes (the .csv is kept as bytes: no
    decoding in the database, and no LIKE pattern to escape)."""

    type = Boolean()
    inherit_cache = True
    name = "holds"


@compiles(_holds)
def _position(element, compiler, **kw):
    text, part = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(position({part} IN {text}) > 0)"


@compiles(_holds, "sqlite")
def _instr(element, compiler, **kw):
    text, part = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(instr({text}, {part}) > 0)"


def _holding(model, terms: list[str]):
    """The copies whose page or .csv holds a term as each stores it: the page escaped
    as HTML, the .csv with a quote doubled, in UTF-8. A term holding a shorter one (the
    address holds itself without its community's name) is not asked: a text holding it
    holds the shorter one too, and each question reads every copy's text again."""
    found = []
    for term in [t for t in terms if not any(o != t and o in t for o in terms)]:
        found.append(_holds(model.page, literal(str(html_escape(term)), Text())))
        found.append(_holds(model.csv, literal(term.replace('"', '""').encode("utf-8"),
                                               LargeBinary())))
    return found


def copies_of(months: set[tuple[int, int]], years: set[int] = frozenset(),
              terms: list[str] = (), *, files: bool = False) -> list[KeptDocument]:
    """The signed 月报 copies, then the signed 年度总结 copies (in force or re-opened,
    any scope) that may name the person: those of ``months`` and ``years``
    (``periods_of``), and every other one whose page or .csv holds one of ``terms``
    (all of a copy's text is in its .csv, and its page shows it) — a copy keeps what
    was signed, so words rewritten after a 重新打开, or an activity whose date was
    corrected, take them out of the live month or year but not out of the copy. The
    database picks them (one statement per kind, reading every copy's page and .csv);
    ``names`` tells another's longer name apart. ``files``: with the .docx and .xlsx
    loaded in the same statement (the redaction reads them all)."""
    found: list[KeptDocument] = []
    for model, periods in ((SummaryCopy, months), (YearCopy, years)):
        conditions = _holding(model, list(terms))
        if periods and model is SummaryCopy:
            conditions.append(model.note_id.in_(select(SummaryNote.id).where(
                tuple_(SummaryNote.year, SummaryNote.month).in_(sorted(periods)))))
        elif periods:
            conditions.append(model.note_id.in_(select(YearNote.id).where(
                YearNote.year.in_(sorted(periods)))))
        if not conditions:
            continue
        statement = select(model).where(or_(*conditions)).order_by(model.id)
        if files:
            statement = statement.options(undefer(model.docx), undefer(model.xlsx))
        found += db.session.scalars(statement)
    return found


def copy_names(copy: KeptDocument, terms: list[str], keep: list[str] = ()) -> bool:
    """Whether the copy's text names the person (its .csv holds all of its text)."""
    return names(copy.csv.decode("utf-8-sig"), terms, keep) or names(copy.page, terms, keep)


def _read_as_shown(page: str, text: bytes, docx: bytes, xlsx: bytes) -> list[str]:
    """A copy's four formats as a reader sees them: the page's text, the csv, the
    .docx's paragraphs and table cells (python-docx), the .xlsx's cells (openpyxl),
    each cell's lines as one."""
    import docx as python_docx
    import openpyxl

    shown = [html.unescape(re.sub(r"<[^>]*>", "", page)), text.decode("utf-8-sig")]
    document = python_docx.Document(io.BytesIO(docx))
    shown += [p.text for p in document.paragraphs]
    shown += [cell.text for table in document.tables for row in table.rows
              for cell in row.cells]
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    # a cell's lines read as one text: the summary sheet breaks a paragraph itself
    shown += [str(cell.value).replace("\n", "") for sheet in book for row in sheet.iter_rows()
              for cell in row if cell.value is not None]
    return shown


def _not_redacted(copy: KeptDocument):
    """What the erasure says when ``copy`` would still name the person."""
    if isinstance(copy, YearCopy):
        return _l("已定稿的年度总结「%(title)s」中仍有该服务对象的信息，未能脱敏；"
                  "个人信息未删除，请联系系统管理员。", title=copy.title)
    return _l("已签发的月报「%(title)s」中仍有该服务对象的信息，未能脱敏；"
              "个人信息未删除，请联系系统管理员。", title=copy.title)


def redact_copies(months: set[tuple[int, int]], swaps: Swaps, terms: list[str],
                  actor: Member | None, resident_id: int, keep: list[str] = (),
                  years: set[int] = frozenset()) -> None:
    """Take the person out of the signed copies that name them (``copies_of``: those of
    ``months`` (月报) and ``years`` (年度总结), and any other whose text holds one of
    ``terms``): the text only (a number is never a term, and never
    replaced), recorded on the copy and on the audit trail (by the resident's id). A
    copy that, read as a reader would (each of its four formats), still names the
    person after that is not claimed redacted: the erasure stops (``ServiceError``),
    nothing written."""
    now = utcnow()
    for copy in copies_of(months, years, terms, files=True):
        page = _cells(copy.page, swaps, terms, html_escape, keep)
        text = _csv(copy.csv, swaps, terms, keep)
        docx, xlsx = _zip(copy.docx, swaps, terms, keep), _zip(copy.xlsx, swaps, terms, keep)
        if any(names(shown, terms, keep) for shown in _read_as_shown(page, text, docx, xlsx)):
            raise ServiceError(_not_redacted(copy))
        if (page, text, docx, xlsx) == (copy.page, copy.csv, copy.docx, copy.xlsx):
            continue  # it does not name them: as signed
        copy.page, copy.csv, copy.docx, copy.xlsx = page, text, docx, xlsx
        copy.redacted_at = now
        record(actor, "redact_copy", copy, resident_id=resident_id, reason="erasure")


def messages_about(tasks: list[Task], titles: list[str] | None = None) -> list[Outbox]:
    """The messages about these tasks, and the community messages of their communities
    (the work group's 待审核 digest names tasks by their titles) that name one of the
    tasks' ``titles`` (by default their titles now)."""
    if not tasks:
        return []
    titles = [t for t in (titles if titles is not None else [t.title for t in tasks]) if t]
    ids = sorted({t.id for t in tasks})
    found = db.session.scalars(select(Outbox).where(or_(
        Outbox.task_id.in_(ids),
        and_(Outbox.task_id.is_(None), Outbox.member_id.is_(None),
             Outbox.community_id.in_(sorted({t.community_id for t in tasks})))))
        .order_by(Outbox.id))
    return [m for m in found if m.task_id is not None
            or any(title in (m.subject or "") + "\n" + (m.body or "") for title in titles)]


def forget_in_messages(tasks: list[Task], swaps: Swaps, terms: list[str],
                       keep: list[str] = (), titles: list[str] | None = None) -> None:
    """The messages about these tasks (in-app 消息, SMS, e-mail, the work group's that
    name one of them by its title — ``titles``, as they were before the erasure; sent
    or still to be) read as the tasks now do; other people's names (``keep``) whole."""
    for message in messages_about(tasks, titles):
        # the facts a page words it from (``Outbox.facts``) as well as the words sent
        texts = (message.subject, message.body, *_texts_in(message.facts))
        if any(old in text for text in texts for old, _new in swaps if old) or \
                any(names(text, terms, keep) for text in texts):
            message.subject = redact(message.subject, swaps, terms, keep=keep)[:200]
            message.body = redact(message.body, swaps, terms, keep=keep)
            if message.facts is not None:
                message.facts = _redact_in(message.facts, swaps, terms, keep)


def _texts_in(value) -> list[str]:
    """Every string in a JSON value (a message's facts)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in _texts_in(item)]
    return []


def _redact_in(value, swaps: Swaps, terms: list[str], keep: list[str]):
    """A JSON value (a message's facts) with each string redacted (a new value: the
    column sees an assignment)."""
    if isinstance(value, str):
        return redact(value, swaps, terms, keep=keep)
    if isinstance(value, dict):
        return {key: _redact_in(item, swaps, terms, keep) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact_in(item, swaps, terms, keep) for item in value]
    return value


def requests_about(task_ids: set[int]) -> list[BackfillRequest]:
    if not task_ids:
        return []
    ids = sorted(task_ids)
    return list(db.session.scalars(select(BackfillRequest).where(or_(
        BackfillRequest.task_id.in_(ids), BackfillRequest.result_task_id.in_(ids)))
        .order_by(BackfillRequest.id)))


def forget_in_requests(task_ids: set[int], swaps: Swaps, terms: list[str],
                       keep: list[str] = ()) -> None:
    """The 补录 requests for these tasks: their description, note and 拒绝 reason lose
    the person."""
    for request in requests_about(task_ids):
        for field in ("description", "note", "decline_reason"):
            text = getattr(request, field)
            if names(text, terms, keep):
                setattr(request, field, redact(text, swaps, terms, keep=keep))


NOTE_FIELDS = ("problems", "plans")


def notes_naming(terms: list[str], keep: list[str] = ()) -> list[SummaryNote | YearNote]:
    """Every month's and year's 存在问题 / 下步打算 (any unit's or community's) whose words
    name the person. People write them about anyone (「走访赵奶奶时发现…」) in any month,
    not only the months of the tasks that served them, so all are looked through — the
    database picks those holding a term, ``names`` drops another's longer name."""
    if not terms:
        return []
    found: list[SummaryNote | YearNote] = []
    for model in (SummaryNote, YearNote):
        holding = or_(*[getattr(model, field).contains(term, autoescape=True)
                        for term in terms for field in NOTE_FIELDS])
        found += [note for note in db.session.scalars(select(model).where(holding)
                                                      .order_by(model.id))
                  if any(names(getattr(note, field), terms, keep) for field in NOTE_FIELDS)]
    return found


def forget_in_notes(swaps: Swaps, terms: list[str], actor: Member | None, resident_id: int,
                    keep: list[str] = ()) -> list[SummaryNote | YearNote]:
    """The month's and year's words lose the person as a signed copy's text does
    (``redact``, with the same swaps and terms), so a 已定稿 month's or year's words
    still read as its redacted copy (the caller redacts the copies of the notes'
    periods: ``periods_of``). The rest of the words stay; the audit row names the
    fields and the resident's id only. Returns the notes changed."""
    changed = notes_naming(terms, keep)
    for note in changed:
        fields = [field for field in NOTE_FIELDS if names(getattr(note, field), terms, keep)]
        for field in fields:
            setattr(note, field, redact(getattr(note, field), swaps, terms, keep=keep))
        record(actor, "redact_notes", note, resident_id=resident_id, fields=fields,
               reason="erasure")
    return changed


def forget_in_residents(resident: Resident, swaps: Swaps, terms: list[str],
                        keep: list[str] = ()) -> None:
    """The other residents' 备注 in the person's community (「与赵奶奶同住」) lose them."""
    if not terms:
        return
    others = db.session.scalars(select(Resident).where(
        Resident.community_id == resident.community_id, Resident.id != resident.id,
        or_(*[Resident.notes.contains(term, autoescape=True) for term in terms]))
        .order_by(Resident.id))
    for other in others:
        if names(other.notes, terms, keep):
            other.notes = redact(other.notes, swaps, terms, keep=keep)


def periods_of(days: list[date], notes: list[SummaryNote | YearNote]
               ) -> tuple[set[tuple[int, int]], set[int]]:
    """The months and the years whose signed copies may name the person, whatever
    their text holds (``copies_of`` adds those whose text holds them): those of the
    days of the tasks that served them, and of the words (``notes``) that named them. A
    month's words are told in its 月报 only, a year's in its 年度总结 only; a month's
    activities count in its year's too."""
    months = {(day.year, day.month) for day in days} | {
        (n.year, n.month) for n in notes if isinstance(n, SummaryNote)}
    return months, {year for year, _month in months} | {n.year for n in notes}
