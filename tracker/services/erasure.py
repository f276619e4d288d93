"""What an erasure (删除个人信息, PIPL Art. 47) reaches besides the resident's record:
the free text that names them — the tasks that served them (``residents.
_forget_in_tasks``), the messages written about those tasks (消息, SMS, e-mail), the 补录
requests for them, and the signed 月报 copies of the months they fall in.

The person is found by *terms*: the name, the address (and the address without its
community's name, as a 地点 is often typed), the phone. A text naming one of them
loses it to the neutral marker 「（服务对象信息已删除）」, the same the tasks' titles
get; a whole value the erasure replaced (a title, a 地点, a 情况说明) is replaced by its
new value wherever it was copied (a message's body, a 月报's cell), so the copies read as
the live text does.

A signed 月报 copy (``SummaryCopy``) is the document the bureau signed: its figures stay
as signed, byte for byte, but a name in its text must not outlive the erasure. Its
page, .csv, .docx and .xlsx are redacted in place, in the erasure's transaction (no
rendering again: tomorrow's code and data would change the figures), and the copy
records when (``redacted_at``); its page says 「已按删除个人信息的要求脱敏」, and the
audit trail has a ``redact_copy`` row naming the resident by id only.
"""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

from markupsafe import escape as html_escape
from sqlalchemy import and_, or_, select, tuple_

from ..extensions import db
from ..models import BackfillRequest, Member, Outbox, SummaryCopy, SummaryNote, Task
from ..timeutil import utcnow
from .audit import record

MARK = "（服务对象信息已删除）"
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


def names(text: str | None, terms: list[str]) -> bool:
    return bool(text) and any(term in text for term in terms)


def redact(text: str, swaps: Swaps, terms: list[str], *, escape=str) -> str:
    """``text`` with each replaced value (a non-empty new one) in its new words, then
    every term as the marker. ``escape``: how the text stores them (HTML, XML)."""
    for old, new in _longest_first(swaps):
        if new:
            text = text.replace(str(escape(old)), str(escape(new)))
    for term in terms:
        text = text.replace(str(escape(term)), str(escape(MARK)))
    return text


def _longest_first(swaps: Swaps) -> Swaps:
    return sorted({(o, n) for o, n in swaps if o and o != n}, key=lambda s: len(s[0]),
                  reverse=True)


def _cells(text: str, swaps: Swaps, terms: list[str], escape) -> str:
    """Markup (the page's HTML, a .docx's or .xlsx's XML): a cell or run holding a
    replaced value whole gets the new value — also an empty one — then ``redact``."""
    for old, new in _longest_first(swaps):
        text = text.replace(f">{escape(old)}<", f">{escape(new)}<")
    return redact(text, swaps, terms, escape=escape)


def _csv(data: bytes, swaps: Swaps, terms: list[str]) -> bytes:
    whole = dict(_longest_first(swaps))
    out = io.StringIO()
    writer = csv.writer(out)
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        writer.writerow([whole[cell] if cell in whole else redact(cell, swaps, terms)
                         for cell in row])
    return out.getvalue().encode("utf-8-sig")


def _zip(data: bytes, swaps: Swaps, terms: list[str]) -> bytes:
    """An Office file (.docx, .xlsx) with the text of its XML parts redacted; every
    other part, and the order and compression of all, as they were. Unchanged: the
    same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts, changed = [], False
    for info in source.infolist():
        part = source.read(info)
        if info.filename.endswith((".xml", ".rels")):
            text = part.decode("utf-8")
            redacted = _cells(text, swaps, terms, xml_escape)
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


def copies_of(months: set[tuple[int, int]]) -> list[SummaryCopy]:
    """Every signed 月报 copy (in force or re-opened) of these months, any scope."""
    if not months:
        return []
    return list(db.session.scalars(
        select(SummaryCopy).join(SummaryNote, SummaryNote.id == SummaryCopy.note_id)
        .where(tuple_(SummaryNote.year, SummaryNote.month).in_(sorted(months)))
        .order_by(SummaryCopy.id)))


def copy_names(copy: SummaryCopy, terms: list[str]) -> bool:
    """Whether the copy's text names the person (its .csv holds all of its text)."""
    return names(copy.csv.decode("utf-8-sig"), terms) or names(copy.page, terms)


def redact_copies(months: set[tuple[int, int]], swaps: Swaps, terms: list[str],
                  actor: Member | None, resident_id: int) -> None:
    """Take the person out of the signed copies of ``months`` that name them: the text
    only (a number is never a term, and never replaced), recorded on the copy and on
    the audit trail (by the resident's id)."""
    now = utcnow()
    for copy in copies_of(months):
        page = _cells(copy.page, swaps, terms, html_escape)
        text = _csv(copy.csv, swaps, terms)
        docx, xlsx = _zip(copy.docx, swaps, terms), _zip(copy.xlsx, swaps, terms)
        if (page, text, docx, xlsx) == (copy.page, copy.csv, copy.docx, copy.xlsx):
            continue  # it does not name them: as signed
        copy.page, copy.csv, copy.docx, copy.xlsx = page, text, docx, xlsx
        copy.redacted_at = now
        record(actor, "redact_copy", copy, resident_id=resident_id, reason="erasure")


def messages_about(tasks: list[Task]) -> list[Outbox]:
    """The messages about these tasks, and the community messages of their communities
    (the work group's 待审核 digest names tasks by their titles)."""
    if not tasks:
        return []
    return list(db.session.scalars(select(Outbox).where(or_(
        Outbox.task_id.in_(sorted({t.id for t in tasks})),
        and_(Outbox.task_id.is_(None), Outbox.member_id.is_(None),
             Outbox.community_id.in_(sorted({t.community_id for t in tasks})))))
        .order_by(Outbox.id)))


def forget_in_messages(tasks: list[Task], swaps: Swaps, terms: list[str]) -> None:
    """The messages about these tasks (in-app 消息, SMS, e-mail, the work group's; sent
    or still to be) read as the tasks now do."""
    for message in messages_about(tasks):
        texts = (message.subject, message.body)
        if any(old in text for text in texts for old, _new in swaps if old) or \
                any(names(text, terms) for text in texts):
            message.subject = redact(message.subject, swaps, terms)[:200]
            message.body = redact(message.body, swaps, terms)


def requests_about(task_ids: set[int]) -> list[BackfillRequest]:
    if not task_ids:
        return []
    ids = sorted(task_ids)
    return list(db.session.scalars(select(BackfillRequest).where(or_(
        BackfillRequest.task_id.in_(ids), BackfillRequest.result_task_id.in_(ids)))
        .order_by(BackfillRequest.id)))


def forget_in_requests(task_ids: set[int], swaps: Swaps, terms: list[str]) -> None:
    """The 补录 requests for these tasks: their description and note lose the person."""
    for request in requests_about(task_ids):
        if names(request.description, terms):
            request.description = redact(request.description, swaps, terms)
        if names(request.note, terms):
            request.note = redact(request.note, swaps, terms)


def months_of(days: list[date]) -> set[tuple[int, int]]:
    return {(day.year, day.month) for day in days}
