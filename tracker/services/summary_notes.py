"""存在问题 and 下步打算 of a monthly summary, and marking the month 已定稿.

The words are written on the 月报 page by whoever may read that summary (an admin,
or the liaison whose communities it covers) and kept per summary and month. Once
the month is marked 已定稿 they can no longer change; an admin may re-open it.
Saving, finalising and re-opening are each audited.

A unit's month is finalised from the whole unit's view only: a liaison whose
communities do not include every community the unit worked in that month
(``unit_month_communities``) sees a part of it and may not sign the whole. The
document kept at 定稿 (``SummaryCopy``, made by ``reports.final``) is marked
re-opened here, and kept as history. Once the month is signed, a liaison sees it whole
only if they also manage every community the signed document covers
(``reach_community_ids``): what the document holds was fixed at 定稿, whatever the
month's data becomes afterwards.

The 年度总结's words (``YearNote``, ``services.year_notes``) are kept as a month's are
(``SummaryWords``), so the functions that find, lock, write, sign and re-open a
summary's words, and find its copy in force, take the note's model (and the kept
copy's, with its communities, as ``copy_within`` does) and serve the year too; what
stays each summary's own is its period, its messages and its audit actions.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import NamedTuple

from ..i18n import lazy, lazy_month_name
from ..i18n import lazy_gettext as _l
from sqlalchemy import (Integer, and_, cast, exists, extract, false, func, literal_column,
                        bindparam, not_, null, or_, select, true, union, union_all)
from sqlalchemy.orm import aliased, joinedload, undefer, with_expression
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import BindParameter

from ..extensions import db
from ..models import (
    Assignment,
    Community,
    FundEntry,
    KeptDocument,
    Member,
    RollPeriod,
    Need,
    Role,
    SummaryCopy,
    SummaryNote,
    SummaryScope,
    SummaryWords,
    Task,
    TaskReport,
    TaskStatus,
    Unit,
    YearCopy,
    YearNote,
    summary_copy_community,
    year_copy_community,
)
from ..permissions import managed_community_ids, manages_every_community, may_see_unit
from ..rollups.funds import budgets
from ..rollups.batch import Plan, built_once, constant, gather, given, plan, run
from ..rollups.needs import counts_for
from ..rollups.scope import Scope
from ..rollups.stays import BoundDay, stay_at_end, took_part_in_period, unit_then
from ..timeutil import local_today, month_bounds, utcnow
from . import PermissionDenied, ServiceError, shown
from .audit import record

NOTE_MAX = 2000


def may_write(actor: Member, scope: SummaryScope) -> bool:
    """An admin any summary; a liaison the summaries of a community they manage and
    their own unit's (the unit's words, whichever part of its figures they see)."""
    if actor.role == Role.admin:
        return True
    if actor.role != Role.liaison:
        return False
    if scope.unit_id is not None and not may_see_unit(actor, scope.unit_id):
        return False
    return scope.community_id is None or scope.community_id in (
        managed_community_ids(actor) or set())


def find_note(scope: SummaryScope, year: int, month: int) -> SummaryNote | None:
    return find_words(SummaryNote, scope, year=year, month=month)


def find_words(model: type[SummaryWords], scope: SummaryScope, **period) -> SummaryWords | None:
    """The words of ``scope``'s summary for ``period`` (a ``SummaryNote``'s year and
    month, a ``YearNote``'s year), None when none were written."""
    # who finalised it comes along: the page names them (issue 14: no statement more
    # while the page renders)
    return db.session.scalar(select(model).filter_by(scope_key=scope.key, **period)
                             .options(joinedload(model.finalized_by)))


def lock_scope(unit_id: int | None, community_id: int | None, *, shared: bool) -> None:
    """The row lock that makes 定稿 and the checks of a signed month take turns.

    A summary's words and its 定稿 (``_note``) lock the row of the summary's unit (a
    community's summary: the community's) ``FOR NO KEY UPDATE``; ``closed_to`` locks the
    unit's row and then the community's ``FOR SHARE`` before it asks whether the month
    is 已定稿. On PostgreSQL a liaison's write into a month (通过, 补录, 经费, 移交 …)
    therefore either commits before 定稿 reads the month — and is in the signed
    document — or waits for 定稿 to commit and is refused; two 定稿 or two saves of the
    words wait for each other and the second reads what the first left. Unit first,
    then community, always; the exclusive side locks one row only, so no deadlock.
    SQLite's writers take turns anyway; it ignores the clause.

    Exclusive is NO KEY UPDATE, not FOR UPDATE: it conflicts with FOR SHARE and with
    itself all the same, but not with the key-share lock PostgreSQL takes on the unit
    when another transaction writes a row naming it — an admin's change of a member's
    roll writing a stay in the unit, while holding that member's row, which the saver's
    own audit row then waited on: a deadlock. (The shared side stays FOR SHARE: FOR KEY
    SHARE would not wait for the exclusive one.)"""
    mode = {"read": True} if shared else {"key_share": True}  # FOR SHARE, FOR NO KEY UPDATE
    if unit_id is not None:
        db.session.execute(select(Unit.id).where(Unit.id == unit_id)
                           .with_for_update(**mode))
    if community_id is not None and (shared or unit_id is None):
        db.session.execute(select(Community.id).where(Community.id == community_id)
                           .with_for_update(**mode))


def _note(actor: Member, scope: SummaryScope, year: int, month: int) -> SummaryNote:
    return locked_words(actor, scope, SummaryNote, _l("无权修改该月报。"),
                        year=year, month=month)


def locked_words(actor: Member, scope: SummaryScope, model: type[SummaryWords], refused,
                 **period) -> SummaryWords:
    """The words of ``scope``'s summary for ``period`` (as ``find_words``) under the
    summary's lock (``lock_scope``), made when there are none; ``refused`` (a
    ``PermissionDenied``) to whoever may not write them."""
    if not may_write(actor, scope):
        raise PermissionDenied(refused)
    lock_scope(scope.unit_id, scope.community_id, shared=False)
    # read again under the lock: another 定稿 or save may have committed meanwhile
    note = db.session.scalar(select(model).filter_by(scope_key=scope.key, **period)
                             .execution_options(populate_existing=True))
    if note is None:
        note = model(scope_key=scope.key, unit_id=scope.unit_id,
                     community_id=scope.community_id, **period)
        db.session.add(note)
    return note


def note_text(value: str | None, field: str) -> str | None:
    """People's words as kept: lines right-trimmed, the whole trimmed, None when empty;
    refused over ``NOTE_MAX`` (the 月报's and the 年度总结's alike)."""
    text = "\n".join(line.rstrip() for line in (value or "").strip().splitlines())
    if len(text) > NOTE_MAX:
        raise ServiceError(_l("不能超过%(n)s个字。", n=NOTE_MAX), field=field)
    return text or None


NOTES_STALE = _l("存在问题和下步打算已被他人修改，请核对后重新保存。")
FINAL_STALE = _l("月报内容在您打开页面后有变化，请核对后再定稿。")


def note_words(note: SummaryWords | None) -> dict:
    """The summary's words as stored, as its page shows them (None: not written)."""
    return {"problems": note.problems if note else None,
            "plans": note.plans if note else None}


def notes_shown_key(note: SummaryWords | None) -> str:
    """What the 月报 and 年度总结 pages post with their notes form and their 定稿
    button: the words as they showed them (``shown.shown_key``)."""
    return shown.shown_key(note_words(note))


def save_notes(actor: Member, scope: SummaryScope, year: int, month: int,
               problems: str | None, plans: str | None, *,
               shown_words: str | None = None) -> list[str]:
    """Keep the month's 存在问题 and 下步打算 (empty: left out of the summary).

    Posted from a page (``shown_words``: its ``notes_shown_key``), merged with the words
    as stored now, read under the month's lock (``shown.merge``): one the page left as
    shown keeps another's words written since; one both changed differently refuses
    the save whole (``shown.StaleEdit``), nothing written — two people (an admin and
    the liaison) may write the same month's words, and the later save from an older
    page must not silently replace the other's. Returns the fields whose change by
    another was kept."""
    note = _note(actor, scope, year, month)
    if note.final:
        raise ServiceError(_l("该月报已定稿，不能再修改；如需修改，请管理员重新打开。"))
    return write_words(actor, note, problems, plans, shown_words, "save_summary_notes",
                       scope=scope.key, year=year, month=month)


def write_words(actor: Member, note: SummaryWords, problems: str | None, plans: str | None,
                shown_words: str | None, action: str, **audit) -> list[str]:
    """Keep ``note``'s words (a month's or a year's, read under its lock and not
    final): merged with those stored now (``shown.check``: a field both this page and
    another changed differently refuses the save whole, nothing written), audited as
    ``action`` with ``audit``. Returns the fields whose change by another was kept."""
    before = note_words(note)
    posted = {"problems": note_text(problems, "problems"), "plans": note_text(plans, "plans")}
    merged = shown.check(NOTES_STALE, shown_words, before, posted)
    posted |= merged.keep
    note.problems, note.plans = posted["problems"], posted["plans"]
    note.updated_at, note.updated_by_id = utcnow(), actor.id
    db.session.flush()
    # which texts changed, not the texts: they may name a resident, and the trail only
    # grows (the note itself is kept, and the signed copy of the month or year)
    record(actor, action, note, **audit,
           fields=[name for name, old in before.items() if getattr(note, name) != old])
    return [c.field for c in merged.kept]


def sign_as_typed(save, sign, note: SummaryWords | None, problems: str | None,
                  plans: str | None, shown_words: str | None):
    """定稿 posted with the notes form's words as typed (the button is that form's, so a
    signer loses nothing typed and not yet saved, walk10 D12). Nothing typed (the words
    the page showed, or none posted: an older page's bare button) or the words stored:
    ``sign(shown_words)``, the
    page's key checked under the lock as ever. Other words: ``save()`` keeps them first,
    merged as a 保存 is, then ``sign(None)`` in the same transaction — what is signed is
    what was just written under the lock. A merge that kept another's words the signer
    never read saves and signs nothing more: returns those fields (a list), the page
    read again shows them. Else returns the signed note."""
    typed = {"problems": note_text(problems, "problems"), "plans": note_text(plans, "plans")}
    if typed_nothing(problems, plans, shown_words) or typed == note_words(note):
        return sign(shown_words)
    kept = save()
    return kept if kept else sign(None)


def typed_nothing(problems: str | None, plans: str | None, shown_words: str | None) -> bool:
    """Whether a 定稿 post carries the words its page showed (nothing typed there):
    refused, it loses nothing when the page is read again."""
    then = shown.shown_then(shown_words)
    return (problems is None and plans is None) or (
        note_text(problems, "problems") == then.get("problems")
        and note_text(plans, "plans") == then.get("plans"))


def unit_month_community_ids(unit_id: int, year: int, month: int,
                             through: int | None = None):
    """The communities whose figures a unit's 月报 of the month holds, as a select of
    ids: where its activities of the month took place (any not cancelled, reported or
    not), where its fund entries of the year to the month's end were made or its
    budgets are, and where the needs that are its (``rollups.needs.need_unit``, the
    rule its figures count them by) were posted or fulfilled that month. A view of the unit that leaves one of them out is
    a part of the unit; one that holds them all has every figure of the whole.

    ``through``: the months ``month`` to ``through`` of the year at once — the union of
    each month's, as one select (the 年度总结 asks it of every month begun: ``year_notes.year_outside``). Each
    month's conditions are a range of dates, or the year to the month's end, so the
    union is the same conditions over the months' whole range."""
    date_from = month_bounds(year, month)[0]
    date_to = month_bounds(year, through or month)[1]
    last = date_to - timedelta(days=1)
    budgeted = budgets(Scope(unit_id=unit_id), year).subquery()
    ids = select(Task.community_id).where(
        Task.unit_id == unit_id, Task.service_date.between(date_from, last),
        Task.status != TaskStatus.cancelled).union(
        select(FundEntry.community_id).where(
            FundEntry.unit_id == unit_id, FundEntry.entry_date >= date(year, 1, 1),
            FundEntry.entry_date < date_to),
        select(budgeted.c.community_id),
        select(Need.community_id).where(
            or_(Need.posted_on.between(date_from, last),
                Need.fulfilled_on.between(date_from, last)),
            counts_for(unit_id))).subquery()
    return select(ids.c.community_id)


def signed_community_ids(scope: SummaryScope, year: int, month: int | None = None,
                         through: int | None = None, note=SummaryNote, copy=SummaryCopy,
                         covers=summary_copy_community):
    """The communities the month's signed document in force covers (fixed at its 定稿,
    ``summary_copy_community``), as a select of ids: none when the month is not
    已定稿 or was finalised before documents were kept. ``through``: those of the
    months ``month`` to ``through`` at once. A year's (``note`` ``YearNote``, its
    ``copy`` ``YearCopy`` and ``covers`` ``year_copy_community``) has no month."""
    months = ([] if month is None else [note.month == month] if through is None
              else [note.month.between(month, through)])
    return (select(covers.c.community_id)
            .join(copy, copy.id == covers.c.copy_id)
            .join(note, note.id == copy.note_id)
            .where(note.scope_key == scope.key, note.year == year, *months,
                   note.finalized_at.is_not(None), copy.reopened_at.is_(None)))


def reach_community_ids(unit_id: int, year: int, month: int, through: int | None = None):
    """The communities a liaison must manage to see a unit's month whole, as a select of
    ids: those its figures touch now (``unit_month_community_ids``) and, once it is
    已定稿, those its signed document covers. A liaison who lacks one sees a part of the
    unit, live; after a void they still do not see a signed document that holds a
    community beyond them, and a 补录 elsewhere does not widen their live view.
    ``through``: every month ``month`` to ``through`` at once (their union)."""
    return unit_month_community_ids(unit_id, year, month, through).union(
        signed_community_ids(SummaryScope(unit_id), year, month, through))


def unit_month_communities(unit_id: int, year: int, month: int) -> list[Community]:
    """``reach_community_ids`` as communities, in natural order."""
    return list(db.session.scalars(
        select(Community).where(Community.id.in_(
            reach_community_ids(unit_id, year, month)))
        .order_by(Community.sort_key, Community.id)))


def outside_of(actor: Member, communities) -> list:
    """Those of ``communities`` (of a unit's month) that ``actor`` does not manage."""
    managed = managed_community_ids(actor)
    return [] if managed is None else [c for c in communities if c.id not in managed]


def may_see_in_part(actor: Member, scope: SummaryScope) -> bool:
    """Whether ``actor`` may be one who sees ``scope``'s summary in part: a liaison (or
    anyone whose reach is some communities) reading a unit's whole summary. An admin
    reaches every community, and a community's summary (or a unit's in one community)
    is that community's, whole to whoever may read it: nothing of theirs lies outside.
    The 月报's question (``outside_reach``) and the 年度总结's (``year_notes.year_outside``)
    ask it first."""
    return (not manages_every_community(actor) and scope.unit_id is not None
            and scope.community_id is None)


def outside_reach(actor: Member, scope: SummaryScope, year: int,
                  month: int) -> list[Community]:
    """The communities of a unit's month (``unit_month_communities``: its live ones and
    those of its signed document) that ``actor`` does not manage: none for an admin,
    for a community's summary, or for a liaison who sees the whole unit (the year's
    question, of every month at once: ``year_notes.year_outside``)."""
    if not may_see_in_part(actor, scope):
        return []
    return outside_of(actor, unit_month_communities(scope.unit_id, year, month))


def finalize(actor: Member, scope: SummaryScope, year: int, month: int,
             today: date | None = None, *, shown_words: str | None = None,
             signed_at: datetime | None = None) -> SummaryNote:
    """已定稿: the month's words are final (the 落款 carries this date). Only the
    whole unit's view may be finalised: a liaison who sees a part of the unit's month
    is refused. ``reports.final.finalize`` calls this and keeps the document.
    ``signed_at``: the moment of the signature when it is not now — the demo's last
    month, signed early in this one (``demo._summary_words``).

    Pressed on a page (``shown_words``: its ``notes_shown_key``), refused when the words
    stored now, under the month's lock, are not the ones that page showed
    (``FINAL_STALE``): the signer signs the words they read, never another's saved
    meanwhile. The page read again shows the words now."""
    note = _note(actor, scope, year, month)
    if note.final:
        raise ServiceError(_l("该月报已定稿。"))
    refuse_unseen(note, shown_words, FINAL_STALE)
    today = today or local_today()
    if (year, month) >= (today.year, today.month):
        raise ServiceError(_l("月份结束后才能定稿。"))
    missing = outside_reach(actor, scope, year, month)
    if missing:
        raise ServiceError(_l(
            "本单位本月还在%(names)s开展了工作，你负责的社区不包括这些社区，不能为全单位定稿；"
            "请单位管理员定稿。", names="、".join(c.name for c in missing)))
    return sign(actor, note, "finalize_summary", at=signed_at, scope=scope.key, year=year,
                month=month)


def refuse_unseen(note: SummaryWords, shown_words: str | None, stale) -> None:
    """Refuse (``stale``) a 定稿 pressed on a page (``shown_words``: its
    ``notes_shown_key``) that showed other words than those stored now, under the
    summary's lock: the signer signs the words they read, never another's saved
    meanwhile."""
    if shown_words is not None and shown.shown_then(shown_words) != note_words(note):
        raise ServiceError(stale)


def sign(actor: Member, note: SummaryWords, action: str, *, at: datetime | None = None,
         **audit) -> SummaryWords:
    """Mark ``note`` 已定稿 by ``actor`` now (``at``: then, the demo's signature of a
    year in January, ``demo.seed_demo``), once every check has passed; audited as
    ``action`` with ``audit``, the audit row dated as the signature."""
    note.finalized_at, note.finalized_by_id = at or utcnow(), actor.id
    db.session.flush()
    record(actor, action, note, **audit).created_at = note.finalized_at
    return note


def copy_within(managed: set[int] | None, copy=SummaryCopy, covers=summary_copy_community):
    """SQL: the kept document (a ``SummaryCopy``; a ``YearCopy`` with its ``covers``,
    ``year_copy_community``) covers no community outside ``managed`` (None: every
    community, an admin's reach)."""
    if managed is None:
        return true()
    return ~exists(select(covers.c.community_id).where(
        covers.c.copy_id == copy.id, covers.c.community_id.not_in(managed)))


def in_force(note_id, managed: set[int] | None, copy=SummaryCopy,
             covers=summary_copy_community):
    """SQL: ``copy`` is a document kept at a 定稿 of the note ``note_id`` (a value, or
    a note's id column joined to), not re-opened since, that a reader of ``managed``
    may be served (``copy_within``) — the one rule of which kept copy a page, a
    download or a 年度总结 serves (``current_copy``, ``final.words_and_signed_copy``,
    ``final.year_words``); the latest such copy is the one."""
    return and_(copy.note_id == note_id, copy.reopened_at.is_(None),
                copy_within(managed, copy, covers))


def current_copy(note: SummaryWords | None, managed: set[int] | None = None,
                 copy=SummaryCopy, covers=summary_copy_community, *,
                 shown: bool = False) -> KeptDocument | None:
    """The document kept when ``note``'s month was finalised (None when it is not
    final, or was finalised before documents were kept, or covers a community outside
    ``managed``: a reader's communities, None for all); a year's, with ``copy``
    ``YearCopy`` and its ``covers``. ``shown``: to be shown, whether an erasure redacted
    it comes along (the page says so); else it is not read, so that re-opening runs on
    a database of before that column (``KeptDocument.redacted_at``)."""
    if note is None or not note.final:
        return None
    statement = (select(copy).where(in_force(note.id, managed, copy, covers))
                 .order_by(copy.id.desc()).limit(1))
    if shown:
        statement = statement.options(undefer(copy.redacted_at))
    return db.session.scalar(statement)


def reopen(actor: Member, scope: SummaryScope, year: int, month: int) -> SummaryNote:
    """Undo 已定稿 so the words can be corrected: an admin only."""
    if actor.role != Role.admin:
        raise PermissionDenied(_l("只有单位管理员可以重新打开已定稿的月报。"))
    note = find_note(scope, year, month)
    if note is None or not note.final:
        raise ServiceError(_l("该月报尚未定稿。"))
    note = _note(actor, scope, year, month)  # under the lock, as 定稿 takes it
    if not note.final:
        raise ServiceError(_l("该月报尚未定稿。"))
    return unsign(actor, note, "reopen_summary", scope=scope.key, year=year, month=month)


def unsign(actor: Member, note: SummaryWords, action: str, copy=SummaryCopy,
           covers=summary_copy_community, **audit) -> SummaryWords:
    """Undo ``note``'s 已定稿 (read under its lock, final); its copies (``copy``,
    ``covers``: a year's ``YearCopy``, ``year_copy_community``) are kept as history,
    marked re-opened. Audited as ``action`` with ``audit`` and the copy that was in
    force."""
    in_force = current_copy(note, None, copy, covers)
    # every copy still current is kept as history (what was signed stays on record):
    # a note not final has none, whatever copies an older release left current
    now = utcnow()
    for kept in db.session.scalars(select(copy).where(
            copy.note_id == note.id, copy.reopened_at.is_(None))).all():
        kept.reopened_at, kept.reopened_by_id = now, actor.id
    note.finalized_at = note.finalized_by_id = None
    db.session.flush()
    record(actor, action, note, **audit, copy=in_force.id if in_force is not None else None)
    return note


def _final_notes_of(task_unit_id, community_id, year, month=None, note=SummaryNote,
                    own=True, through=None, part_only=False) -> list:
    """The conditions on ``note`` of a 已定稿 月报 that an activity of the unit in the
    community, in that month, counts in: the unit's, the community's or the unit's in
    this community. ``note`` ``YearNote`` (no ``month``): of a 已定稿 年度总结 of the year,
    by the same scopes. The arguments are values, or columns and expressions of a
    statement that asks it of many activities at once (``final_day``). ``own`` (a value
    or a column): false for a change the community's own document does not count —
    whose a need is (``task_needs.void_need_places``) —, the unit's two only.
    ``through`` (a month of the same year, value or column): the 月报 of every month
    from ``month`` to it — a change each later 月报 of the year counts, as 年度累计
    counts a fund entry (``funds.entry_places``). ``part_only`` (a value or a column):
    true for a change printed by the unit's part in the community alone, neither its
    whole nor the community's own (``item_named.work_places``: a category's clause
    that says whose in the part only, scope48)."""
    period = [note.year == year]
    if month is not None:
        period.append(note.month == month if through is None
                      else note.month.between(month, through))
    whole = note.community_id.is_(None)
    community = and_(note.unit_id.is_(None), note.community_id == community_id)
    if own is not True:
        community = and_(own, community)
    if part_only is not False:
        whole, community = and_(not_(part_only), whole), and_(not_(part_only), community)
    return [*period, note.finalized_at.is_not(None),
            or_(and_(note.unit_id == task_unit_id,
                     or_(whole, note.community_id == community_id)),
                community)]


def final_day(unit_id, community_id, day, own=True, part_only=False):
    """SQL: a 月报 of the month of ``day`` that an activity counts in is 已定稿 (the
    unit's, the community's or the unit's in this community: ``_final_notes_of``, whose
    ``own`` and ``part_only`` it passes on), for columns of a statement (a unit, a
    community, a date each row) — a page that shows what is offered on many activities
    asks it of them all in one statement."""
    return exists(select(SummaryNote.id).where(*_final_notes_of(
        unit_id, community_id, cast(extract("year", day), Integer),
        cast(extract("month", day), Integer), own=own, part_only=part_only)))


def final_year_day(unit_id, community_id, day, own=True, part_only=False):
    """SQL: a 年度总结 of the year of ``day`` that an activity counts in is 已定稿, by
    ``final_day``'s scopes (re-opened, it is not)."""
    return exists(select(YearNote.id).where(*_final_notes_of(
        unit_id, community_id, cast(extract("year", day), Integer), note=YearNote, own=own,
        part_only=part_only)))


def day_signed(unit_id, community_id, day) -> tuple:
    """SQL columns (by the month, by the year): ``closed_day``'s question of ``day``
    (``final_day``, ``final_year_day``), for a read that carries the days of many
    places and answers ``first_closed`` of them all (``signed_places``)."""
    return (final_day(unit_id, community_id, day).label(None),
            final_year_day(unit_id, community_id, day).label(None))


def signed_places(rows) -> dict:
    """``first_closed``'s ``signed`` from rows of (community id, day, by the month, by
    the year) read with ``day_signed``: its answer of each community's month."""
    return {(community_id, day.year, day.month): (bool(by_month), bool(by_year))
            for community_id, day, by_month, by_year in rows if day is not None}


def may_change_final(actor: Member) -> bool:
    """A finalised month's figures are changed by an admin only: no 已定稿 月报 (nor
    年度总结) closes a month to them (``closed_to``)."""
    return actor.role == Role.admin


@dataclass(frozen=True)
class FinalMonth:
    """A 已定稿 month of a unit's 月报s. ``scope``: the communities of the change's work
    whose 月报 of the unit (the unit's whole, or the unit's in that community) it was found
    by (``final_naming_places``), so that one that leaves a page's key is asked of exactly
    those (``reopened``, review44c #2); () for any of the unit's that month
    (``final_unit_months``). Not part of its identity: one name, one document to a page."""

    unit_id: int
    unit_name: str
    year: int
    month: int
    scope: tuple = field(default=(), compare=False)

    @property
    def name(self) -> str:
        return self.unit_name


@dataclass(frozen=True)
class FinalCommunityMonth:
    """A 已定稿 month of a community's own 月报 (every unit's work there)."""

    community_id: int
    name: str
    year: int
    month: int


def final_unit_months(unit_ids, first_day: date, last_day: date) -> list[FinalMonth]:
    """The 已定稿 months of these units' 月报 (the whole unit's, or the unit's in one
    community) from the month of ``first_day`` to that of ``last_day``: those whose
    signed document a change of their roll or figures on those days no longer matches."""
    return final_documents(unit_months=(unit_ids, first_day, last_day)).unit_months


def final_community_months(places) -> list[FinalCommunityMonth]:
    """The 已定稿 months of the communities' own 月报 among ``places`` — (community id,
    day) pairs of work whose counting changes — by date, then community. A community's
    月报 counts every unit's work there and no roll: a change of who did the work on
    those days (合并账号) changes its distinct people, not its unit's roll."""
    return final_documents(community_months=places).community_months


class FinalDocuments(NamedTuple):
    """What ``final_documents`` found: ``final_unit_months``', ``final_community_months``'
    and ``final_years``' answers."""

    unit_months: list
    community_months: list
    years: list


# ``final_documents``' columns, the same in each of its reads so that they are one
# statement: what a kind does not have is a typed NULL (PostgreSQL types a UNION's
# columns by its first branch)
_NO_ID, _NO_NAME = cast(null(), Integer), cast(null(), Unit.name.type)
# which of the three reads a row is of (its ``kind`` column)
_UNIT_MONTH, _COMMUNITY_MONTH, _YEAR = 0, 1, 2


def _kind(kind: int):
    return literal_column(str(kind)).label("kind")


def _unit_months_read(unit_ids, first_day: date, last_day: date):
    """``final_unit_months``' read (a select of ``final_documents``' columns) and its
    filter of the rows, or None when nothing is asked."""
    if not unit_ids or last_day < first_day:
        return None
    first, last = (first_day.year, first_day.month), (last_day.year, last_day.month)
    read = (select(_kind(_UNIT_MONTH), SummaryNote.unit_id,
                   _NO_ID.label("community_id"), Unit.name.label("unit_name"),
                   _NO_NAME.label("community_name"), SummaryNote.year, SummaryNote.month,
                   Unit.sort_key.label("unit_key"), _NO_NAME.label("community_key"))
            .join(Unit, Unit.id == SummaryNote.unit_id)
            .where(SummaryNote.unit_id.in_(list(unit_ids)),
                   SummaryNote.finalized_at.is_not(None),
                   SummaryNote.year >= first[0], SummaryNote.year <= last[0])
            .distinct())  # the unit's whole and its parts: one month
    return read, lambda row: first <= (row.year, row.month) <= last


def _community_months_read(places):
    """``final_community_months``' read and filter, or None (``_unit_months_read``)."""
    wanted = {(community_id, day.year, day.month) for community_id, day in places}
    if not wanted:
        return None
    read = (select(_kind(_COMMUNITY_MONTH), _NO_ID.label("unit_id"),
                   SummaryNote.community_id, _NO_NAME.label("unit_name"),
                   Community.name.label("community_name"), SummaryNote.year, SummaryNote.month,
                   _NO_NAME.label("unit_key"), Community.sort_key.label("community_key"))
            .join(Community, Community.id == SummaryNote.community_id)
            .where(SummaryNote.unit_id.is_(None), SummaryNote.finalized_at.is_not(None),
                   SummaryNote.community_id.in_(sorted({c for c, _y, _m in wanted})),
                   SummaryNote.year.in_(sorted({y for _c, y, _m in wanted}))))
    return read, lambda row: (row.community_id, row.year, row.month) in wanted


def _years_read(unit_ids, community_ids, years):
    """``final_years``' read and filter, or None (``_unit_months_read``)."""
    unit_ids, community_ids, years = set(unit_ids), set(community_ids), set(years)
    if not years or not (unit_ids or community_ids):
        return None
    read = (select(_kind(_YEAR), YearNote.unit_id, YearNote.community_id,
                   Unit.name.label("unit_name"), Community.name.label("community_name"),
                   YearNote.year, _NO_ID.label("month"), Unit.sort_key.label("unit_key"),
                   Community.sort_key.label("community_key"))
            .outerjoin(Unit, Unit.id == YearNote.unit_id)
            .outerjoin(Community, Community.id == YearNote.community_id)
            .where(YearNote.finalized_at.is_not(None), YearNote.year.in_(sorted(years)),
                   or_(YearNote.unit_id.in_(sorted(unit_ids)),
                       and_(YearNote.unit_id.is_(None),
                            YearNote.community_id.in_(sorted(community_ids))))))
    return read, lambda row: True


def final_documents(*, unit_months=None, community_months=None, years=None) -> FinalDocuments:
    """``final_unit_months`` (``unit_months``: its arguments), ``final_community_months``
    (``community_months``: its places) and ``final_years`` (``years``: its arguments)
    asked in one statement — a page that names all three keeps its budget (合并账号's,
    docs/design.md, "Budgets") — each by its own rule (its ``_read``). Each kind in
    order: by date, then a unit's 月报 by the unit, a community's by the community, a
    year's units before the communities' own."""
    # by kind (the reads' ``kind`` column): the read and its filter of the rows
    asked = {kind: read for kind, read in (
        (_UNIT_MONTH, unit_months is not None and _unit_months_read(*unit_months)),
        (_COMMUNITY_MONTH, community_months is not None
         and _community_months_read(community_months)),
        (_YEAR, years is not None and _years_read(*years))) if read}
    found = FinalDocuments([], [], [])
    if not asked:
        return found
    rows = union_all(*(read for read, _keep in asked.values())).subquery()
    for row in db.session.execute(
            select(rows).order_by(rows.c.kind, rows.c.year, rows.c.month,
                                  rows.c.unit_id.is_(None), rows.c.unit_key, rows.c.unit_id,
                                  rows.c.community_key, rows.c.community_id)):
        if not asked[row.kind][1](row):
            continue
        if row.kind == _UNIT_MONTH:
            found.unit_months.append(FinalMonth(row.unit_id, row.unit_name, row.year, row.month))
        elif row.kind == _COMMUNITY_MONTH:
            found.community_months.append(FinalCommunityMonth(
                row.community_id, row.community_name, row.year, row.month))
        else:
            found.years.append(FinalYear(row.unit_id, row.community_id, row.unit_name,
                                         row.community_name, row.year))
    return found


def final_naming(member: Member, today: date) -> tuple[list, list]:
    """The 已定稿 months (``FinalMonth``, ``FinalCommunityMonth``) and 年度总结
    (``FinalYear``) whose documents may print this member's name or 党支部 — the
    candidates a change of them is asked about (``final.told_changed``,
    ``annual_final.told_changed_years`` say which pages now differ): the months of the
    units whose roll they were on, while on it (未参与名单, and the namesakes' labels of
    that roll); the months of the units and communities of the tasks they took part in,
    led or reviewed, in the task's month (台账: its 参与人员, 组长 and 审核人); and the
    years of those units and communities from the first of these days to today's. More than change, never less: a name is printed
    only where the member is on a roll or in a task."""
    return final_naming_many([member], today)


def naming_tasks(members) -> dict[int, set[tuple]]:
    """The (unit, community, day) of the tasks each of ``members`` took part in, led or
    reviewed, by member id: where ``final_naming_many`` looks for what prints them. One
    statement per 500 members (read twice by a change under the months' share locks,
    ``share_naming``)."""
    ids = sorted(m.id for m in members if m.id is not None)
    tasks: dict[int, set[tuple]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        query = union_all(
            select(Task.leader_id, Task.unit_id, Task.community_id, Task.service_date)
            .where(Task.leader_id.in_(chunk)),
            select(Assignment.member_id, Task.unit_id, Task.community_id,
                   Task.service_date).join(Task, Task.id == Assignment.task_id)
            .where(Assignment.member_id.in_(chunk)),
            # the 台账 prints each activity's 审核人 (review39 #5)
            select(TaskReport.reviewed_by_id, Task.unit_id, Task.community_id,
                   Task.service_date).join(Task, Task.id == TaskReport.task_id)
            .where(TaskReport.reviewed_by_id.in_(chunk)))
        for member_id, *task in db.session.execute(query):
            tasks.setdefault(member_id, set()).add(tuple(task))
    return tasks


def share_naming(members, unit_ids=()) -> dict[int, set[tuple]]:
    """Share-lock (``share_scopes``) the rows of ``unit_ids`` and of every unit and
    community whose 已定稿 documents may print ``members`` (``naming_scopes``), and
    return their ``naming_tasks`` as read after those locks — what a change asking
    under the months' share locks names them by (the member import's 确认导入,
    ``roll.signed_by(lock=True)``). The tasks are read before the locks, to know which
    rows to lock, and again after them: a task naming one of them that another
    transaction committed meanwhile — while this one waited for a lock — is read,
    and its unit and community locked in turn, until a read finds no row unlocked
    (memberlock44 Open). So every task the naming is read from has its rows locked,
    and a 定稿 of its month either committed before the answer or waits for the change.
    A task committed after the last read is not named, as one written after the change.
    The rows a later round locks come after the first round's communities: every other
    taker of them (定稿, 撤销定稿, a 月报's words: ``lock_scope``) takes one row alone
    and waits for nothing this change holds, so no circle."""
    members = [m for m in members if m.id is not None]
    locked_units: set = set()
    locked_communities: set = set()
    units, again = set(unit_ids), False
    while True:
        tasks = naming_tasks(members) if members else {}
        more_units, communities = naming_scopes(members, tasks)
        units |= more_units
        new_units, new_communities = units - locked_units, communities - locked_communities
        if again and not new_units and not new_communities:
            return tasks
        share_scopes(new_units, new_communities)
        locked_units |= new_units
        locked_communities |= new_communities
        if not members:  # nothing read, nothing to read again
            return tasks
        again = True


def naming_scopes(members, tasks: dict[int, set[tuple]]) -> tuple[set[int], set[int]]:
    """The units and communities whose 已定稿 documents ``final_naming_many`` may name
    of ``members`` (``tasks``: their ``naming_tasks``): the units of their stays and
    tasks, the communities of their tasks — the rows a 定稿 of any of them locks
    (``lock_scope``), for a change asking under the months' share locks
    (``share_scopes``)."""
    units = {stay.unit_id for m in members if m.id is not None for stay in m.roll_periods}
    units |= {unit for own in tasks.values() for unit, _c, _d in own}
    communities = {c for own in tasks.values() for _u, c, _d in own if c is not None}
    return units, communities


def share_scopes(unit_ids, community_ids) -> None:
    """Lock the rows of these units, then these communities, ``FOR SHARE`` in id order —
    the side of ``lock_scope`` a change takes when it asks which 已定稿 documents of
    theirs it changes (``closed_to``'s order, units first), so a 定稿 of any of them
    either committed before the answer or waits for the change's commit. Taken last,
    after the change's own locks: 定稿 locks one such row alone and waits for nothing
    the change holds. Each of ``unit_ids`` / ``community_ids``: ids, or a select of
    them (``final_naming_places``' places).

    One statement (undostmts44; two before): each side a locked, ordered subquery, the
    two appended — PostgreSQL refuses a locking clause on a UNION's own branches, and
    runs an Append's branches one after the other, each locking as its sorted rows come
    (the lock above the sort), so the order is ``closed_member_units``' own and
    ``tests/services/test_lock_order.py`` holds it. Not folded into a naming's
    statement: read in the snapshot it took before waiting, a 定稿 committed while it
    waited would not be seen."""
    def ids(given):
        return given if isinstance(given, Select) else sorted(set(given) - {None})

    units = (select(Unit.id.label("id")).where(Unit.id.in_(ids(unit_ids)))
             .order_by(Unit.id).with_for_update(read=True, of=Unit).subquery())
    communities = (select(Community.id.label("id"))
                   .where(Community.id.in_(ids(community_ids)))
                   .order_by(Community.id).with_for_update(read=True, of=Community)
                   .subquery())
    db.session.execute(union_all(select(units.c.id), select(communities.c.id)))


def share_scopes_now(unit_ids) -> bool:
    """``share_scopes`` of these units without waiting: each row not held exclusively
    now (a 定稿 or a save of its words in flight, ``lock_scope``) is locked ``FOR
    SHARE``, id order, and the others skipped; True when none was. For a change holding
    a row that such a transaction's own writes need (the member form holding its member
    ``FOR UPDATE``, ``directory.save_member``): on False it lets go of what it holds and
    waits for the units first (``wait_for_scopes``), never for a unit while holding her
    (deadlock53). SQLite ignores the clause: every row comes back."""
    wanted = set(unit_ids) - {None}
    if not wanted:
        return True
    got = db.session.scalars(select(Unit.id).where(Unit.id.in_(sorted(wanted)))
                             .order_by(Unit.id)
                             .with_for_update(read=True, skip_locked=True)).all()
    return set(got) >= wanted


def wait_for_scopes(unit_ids) -> None:
    """Wait until no transaction holds these units' rows exclusively (``lock_scope``),
    holding nothing after: their share locks taken in a savepoint rolled back."""
    savepoint = db.session.begin_nested()
    share_scopes(unit_ids, ())
    savepoint.rollback()


def final_naming_many(members, today: date, tasks: dict[int, set[tuple]] | None = None
                      ) -> tuple[list, list]:
    """``final_naming`` of several members at once (the member import's 「更新 党支部 /
    姓名」 of many), each by its own stays and tasks, in a few statements whatever their
    number: the union of what each may print. ``tasks``: their ``naming_tasks`` when
    read already (a change that share-locked their ``naming_scopes`` first)."""
    members = [m for m in members if m.id is not None]
    if not members:
        return [], []
    if tasks is None:
        tasks = naming_tasks(members)
    always = None  # the first signed year, for a stay since always (asked once)
    if any(stay.since is None for m in members for stay in m.roll_periods):
        always = date(db.session.scalar(select(func.min(YearNote.year))) or today.year, 1, 1)
    # per member: the stays' (unit, first month, last month), the tasks' (unit, year,
    # month), the places its years are asked of and the first of its days
    stays, worked, scopes, firsts = {}, set(), {}, {}
    for member in members:
        first, units = today, set()
        for stay in member.roll_periods:
            last = min(stay.last_day or today, today)
            since = stay.since or date(1, 1, 1)
            if since <= last:
                stays.setdefault(stay.unit_id, []).append(
                    ((since.year, since.month), (last.year, last.month)))
            units.add(stay.unit_id)
            first = min(first, stay.since or always)
        own = tasks.get(member.id, set())
        worked |= {(unit, day.year, day.month) for unit, _c, day in own}
        units |= {unit for unit, _c, _d in own}
        first = min([first, *(day for _u, _c, day in own)])
        scopes[member.id] = units, {community for _u, community, _d in own}
        firsts[member.id] = first
    places = {(community, day) for own in tasks.values() for _u, community, day in own}
    low = min([today, *(d for own in tasks.values() for _u, _c, d in own),
               *(date(first[0], first[1], 1) for spans in stays.values() for first, _l in spans)])
    all_units = {u for units, _c in scopes.values() for u in units}
    all_communities = {c for _u, communities in scopes.values() for c in communities}
    # the three kinds asked in one statement, each by its own rule (``final_documents``)
    signed = final_documents(
        unit_months=({*stays, *(u for u, _y, _m in worked)}, low, today),
        community_months=places,
        years=(all_units, all_communities, range(min(firsts.values()).year, today.year + 1)))
    months = [m for m in signed.unit_months
              if (m.unit_id, m.year, m.month) in worked
              or any(first <= (m.year, m.month) <= last for first, last in stays.get(m.unit_id, ()))]
    months += signed.community_months
    years = [y for y in signed.years
             if any(year_of(y, units, communities) and y.year >= firsts[member_id].year
                    for member_id, (units, communities) in scopes.items())]
    return sorted(months, key=lambda m: (m.year, m.month)), years


class Naming(NamedTuple):
    """What ``final_naming_places`` finds for one key: the 已定稿 months
    (``FinalMonth``, ``FinalCommunityMonth``) and years (``FinalYear``) a change
    unsettles, and each one's ``wordings`` — the ``wording_version`` of every signed
    document in force it names (none: 定稿 before documents were kept), read in the
    same statement — which tell a page that will say 「写法有变化」 from one that will
    say 「定稿后数据有变化」 (``reports.final.signed_reworded``) at no statement's cost."""

    months: list
    years: list
    wordings: dict


def final_naming_places(places, *, lock: bool = False) -> dict[object, Naming]:
    """The 已定稿 月报 (``FinalMonth``, ``FinalCommunityMonth``) and 年度总结
    (``FinalYear``) that count a change of work on each of ``places`` — a subquery of
    (key, unit_id, community_id, day) rows, ``day`` None for none —, by key, as a
    ``Naming``: those of ``closed_day``'s scopes (the unit's whole, the unit's in the
    community, the community's own) of the day's month and year, each with the wording
    of its signed copies in force. What an admin, whom no 定稿 refuses, is told before
    a change that would unsettle them (通过, 冲销, 作废: review docread40 #5), as the
    member form names what it may change (``final_naming``). One statement for every
    key at once: a page keeps its budget. ``places`` may have an ``own`` column too
    (``_final_notes_of``'s: false, not the community's own), and a ``through`` one: a
    day of the same year, the 月报 of every month from the day's to its counting the
    change too (``funds.entry_places``: a fund entry is in each later month's 年度累计),
    and a ``year_only`` one: true for a change the 年度总结 of the day's year counts and
    no 月报 does — its months are not asked (``item_named``: a checklist item's place
    and target, printed by the year's document only), a ``month_only`` one: true for a
    change the 月报 of the day's month counts and the 年度总结 does not
    (``participants_on_roll``), and a ``part_only`` one: true for
    a change the unit's part in the community prints and neither its whole nor the
    community's own does (``item_named.work_places``, scope48).

    ``lock``: asked by the change itself, under its own lock, to compare with what its
    page named (``roll.keep_named``) — first every unit's and community's row of
    ``places`` ``FOR SHARE`` (``closed_member_units``' order: units in id order, then
    communities), as ``closed_to`` takes them before a liaison's write, so a 定稿 of any
    month or year they name either committed before the answer (and is named) or waits
    for the change's commit (and signs it). One statement more (``share_scopes``); a
    page passes False."""
    if lock:
        share_scopes(select(places.c.unit_id), select(places.c.community_id))
    year = cast(extract("year", places.c.day), Integer)
    month = cast(extract("month", places.c.day), Integer)
    own = places.c.own if "own" in places.c else True
    through = (cast(extract("month", places.c.through), Integer) if "through" in places.c
               else None)
    # a place of a year alone asks its 年度总结, none of its months; a place of a month
    # alone its 月报, not its year's (a participant on a unit's roll of the month's end
    # only, ``participants_on_roll``)
    months_asked = [not_(places.c.year_only)] if "year_only" in places.c else []
    years_asked = [not_(places.c.month_only)] if "month_only" in places.c else []
    # a place of the unit's part alone asks neither its whole nor the community's own
    part_only = places.c.part_only if "part_only" in places.c else False

    def named(note, copy, covers, *period):
        # the copy in force (at most one: ``uq_summary_copy_current``), its wording the
        # page's question of it (``reports.final.reworded``)
        return (select(places.c.key, places.c.community_id.label("place"), note.unit_id,
                       note.community_id, note.year,
                       *(period or [cast(null(), Integer)]),
                       copy.wording_version.label("wording"))
                .join(note, and_(*_final_notes_of(places.c.unit_id, places.c.community_id,
                                                  year, *([month] if period else []),
                                                  note=note, own=own,
                                                  through=through if period else None,
                                                  part_only=part_only)))
                .outerjoin(copy, in_force(note.id, None, copy, covers))
                .where(places.c.day.is_not(None), *(months_asked if period else years_asked)))

    rows = union(named(SummaryNote, SummaryCopy, summary_copy_community, SummaryNote.month),
                 named(YearNote, YearCopy, year_copy_community)).subquery()
    found: dict = {}
    scopes: dict = {}  # (key, FinalMonth) -> the places' communities it was found by
    for key, place, unit_id, community_id, y, m, wording, unit, community in db.session.execute(
            select(rows, Unit.name, Community.name)
            .outerjoin(Unit, Unit.id == rows.c.unit_id)
            .outerjoin(Community, Community.id == rows.c.community_id)
            .order_by(rows.c.key, rows.c.year, rows.c.month, rows.c.unit_id.is_(None),
                      Unit.sort_key, rows.c.unit_id, Community.sort_key, rows.c.community_id)
    ).tuples():
        months, years, wordings = found.setdefault(key, Naming([], [], {}))
        if m is None:
            document = FinalYear(unit_id, community_id, unit, community, y)
            years.append(document)
        else:
            document = FinalMonth(unit_id, unit, y, m) if unit_id is not None else \
                FinalCommunityMonth(community_id, community, y, m)
            if document not in months:  # the unit's whole and its part: one name
                months.append(document)
            if unit_id is not None:
                scopes.setdefault((key, document), set()).add(place)
        versions = wordings.setdefault(document, [])
        if wording is not None:
            versions.append(wording)
    for key, naming in found.items():
        # a place of no community asks the unit's whole 月报 only: 0, a community of none
        naming.months[:] = [replace(m, scope=tuple(sorted(scopes[key, m] - {None})) or (0,))
                            if (key, m) in scopes else m for m in naming.months]
    return found


def printed_of(member: Member) -> tuple:
    """What signed documents print of a member (names.py): 姓名, 党支部 and the phone
    that tells them apart from a namesake (its last four, or the mask kept of an erased
    one: ``Member.namesake_phone``). Read before a save, for ``reprinted``."""
    return member.name, member.branch, member.namesake_phone


def reprinted(before: tuple, member: Member) -> bool:
    """The save changed what signed documents may print of ``member`` (``before``: its
    ``printed_of`` then) — the months and years ``final_naming`` finds are to be asked.
    姓名 or 党支部; or the phone of one who has a namesake — another member of the
    name, anywhere: the documents whose people hold both (a 台账, a 未参与名单) label
    them by it, 「陈芳（尾号0063）」 (review40 #3). A phone without a namesake prints
    nowhere: no statement past the comparison of the values."""
    name, branch, phone = before
    if (name, branch) != (member.name, member.branch):
        return True
    return phone != member.namesake_phone and bool(db.session.scalar(select(exists().where(
        Member.name == member.name, Member.id != member.id))))


def year_of(year: FinalYear, units, communities) -> bool:
    """Is ``year`` one of these units' (whole, or in one community) or these communities'
    own (``final_years``' rule)?"""
    return year.unit_id in units if year.unit_id is not None else year.community_id in communities


@dataclass(frozen=True)
class FinalYear:
    """A 已定稿 年度总结 (``YearNote``): a unit's, a unit's in one community, or a
    community's own (``unit_id`` None)."""

    unit_id: int | None
    community_id: int | None
    unit_name: str | None
    community_name: str | None
    year: int

    @property
    def scope(self) -> SummaryScope:
        return SummaryScope(self.unit_id, self.community_id)


def final_years(unit_ids, community_ids, years) -> list[FinalYear]:
    """The 已定稿 年度总结 of these years: of these units (the whole unit's, or the unit's
    in one community) and these communities' own. What an admin's change of these
    units' rolls or these communities' work in those years may make differ from its
    signed document (``annual_final.told_changed_years`` asks which do)."""
    return final_documents(years=(unit_ids, community_ids, years)).years


@dataclass(frozen=True)
class Closed:
    """Why a day is closed to one who is not an admin (``closed_to``): the 月报 of its
    month is 已定稿, or else (``by_year``) the 年度总结 of its year; ``and_year``: the
    月报 is, and the 年度总结 of its year too. Each refusal is worded by its caller, once
    for each (``say``); what would open the day to her is worded here, once for all."""

    day: date
    by_year: bool = False
    # the month signed and its year too: re-opening the month alone leaves the day
    # closed by the year, so the refusal names both (walk45 #4)
    and_year: bool = False
    # the signed months to re-open, (year, month) in order, when they are not the day's
    # own alone: a later month's 年度累计 counts a fund entry too, so re-opening the
    # day's own month would still leave it closed (fundslater45; ``signed``)
    months: tuple[tuple[int, int], ...] = ()

    @classmethod
    def signed(cls, day: date, months, *, year_signed: bool = False,
               named: bool = False) -> Closed:
        """The ``Closed`` of a day whose signed documents are ``months`` ((year, month)
        pairs) and, ``year_signed``, its year's 年度总结: the year alone when no month is;
        the day's own month said as 「该月」 when it is the one month, unless ``named``
        (a refusal that does not name the day's month: the ledger's whole year)."""
        months = tuple(sorted(set(months)))
        if not months:
            return cls(day, by_year=True)
        if months == ((day.year, day.month),) and not named:
            months = ()
        return cls(day, and_year=year_signed, months=months)

    @property
    def year(self) -> int:
        return self.day.year

    @property
    def month(self) -> int:
        return self.day.month

    def say(self, month_words, year_words):
        """The caller's refusal — ``month_words`` naming the month, or ``year_words``
        naming the year when the year's 定稿 alone closes it, each 「…须由单位管理员操作」
        — and, in one wording for every refusal, what an admin would re-open to let her
        do it herself: the month's 月报, the 年度总结, or both when both are signed (the
        month's alone would leave the day closed by the year: walk45 #4); every signed
        month by name when ``months`` are carried (fundslater45)."""
        if self.by_year:
            return _l("%(refusal)s（或由单位管理员先重新打开该年度总结）。", refusal=year_words)
        if self.months:
            named = lazy(_month_list, self.months)
            if self.and_year:
                return _l("%(refusal)s（或由单位管理员先重新打开%(months)s的月报和%(year)d年度总结）。",
                          refusal=month_words, months=named, year=self.year)
            return _l("%(refusal)s（或由单位管理员先重新打开%(months)s的月报）。",
                      refusal=month_words, months=named)
        if self.and_year:
            return _l("%(refusal)s（或由单位管理员先重新打开该月的月报和%(year)d年度总结）。",
                      refusal=month_words, year=self.year)
        return _l("%(refusal)s（或由单位管理员先重新打开该月的月报）。", refusal=month_words)


def _month_list(months) -> str:
    """「2022年10月、2022年11月」: months named in the reader's language."""
    return str(_l("、")).join(str(lazy_month_name(*month)) for month in months)


def closed_to(actor: Member, unit_id: int, community_id: int, day: date, *,
              lock: bool = True) -> Closed | None:
    """Whether the month of ``day`` is closed to ``actor`` (a ``Closed``, else None): a
    月报 it counts in is 已定稿, or a 年度总结 of its year is, and ``actor`` is not an
    admin. A finalised month's figures are changed by an admin only, however they would
    change (补录, an approval, 作废, a finding's 移交 or 整改, the funds): a liaison is
    refused and told an admin must do it, or re-open the month. The year is finalised
    as a month is (docs/design.md): its 定稿 closes each of its months alike, by the
    same scopes (the unit's, the community's, the unit's in the community), so a
    liaison's change cannot unsettle a signed 年度总结 that only an admin can sign again.
    The month's own 定稿 is named first (its words are the nearer).

    A write path asks under ``lock_scope``'s shared lock (held to its commit), so a
    定稿 of that month or year (``locked_words`` takes the same rows) cannot sign between
    the answer and the write; a page that only shows what is offered passes
    ``lock=False``."""
    if may_change_final(actor):
        return None
    return closed_day(unit_id, community_id, day, lock=lock)


def closed_day(unit_id: int, community_id: int, day: date, *,
               lock: bool = True) -> Closed | None:
    """``closed_to`` for anyone but an admin: whether a 月报 (or 年度总结) counting
    ``day`` is 已定稿 — what only an admin may then change (the reminder job tells the
    admin of it, ``reminders.kinds``)."""
    return _closed_day(unit_id, community_id, day, lock=lock)[0]


def closed_day_whose(unit_id: int, community_id: int, day: date, *,
                     lock: bool = True) -> tuple[Closed | None, bool]:
    """``closed_day``, and whether a signed document closing it is the unit's own (its
    whole or in this community; else the community's own is: the one a refusal names,
    review41 #3) — in ``closed_day``'s one statement (notice47b #4)."""
    return _closed_day(unit_id, community_id, day, lock=lock, whose=True)


def closed_day_plan(unit_id: int, community_id: int, day: date) -> Plan:
    """``closed_day`` unlocked, as a ``rollups.batch`` plan: a page's ask read with its
    other reads (通过 refused, asked again after the rollback: ``reviews.approval_refusal``,
    post53)."""
    return gather(_closed_day_read(unit_id, community_id, day, whose=False),
                  shape=lambda found: found[0])


def closed_day_whose_plan(unit_id: int, community_id: int, day: date) -> Plan:
    """``closed_day_whose`` unlocked, as a ``rollups.batch`` plan: a page that only
    shows what is offered reads it with its other reads (the 补录 form over a 补录申请,
    ``backfill.backfill_closed_units_plan``, form52)."""
    return _closed_day_read(unit_id, community_id, day, whose=True)


def _closed_day(unit_id: int, community_id: int, day: date, *, lock: bool,
                whose: bool = False) -> tuple[Closed | None, bool]:
    if lock:
        lock_scope(unit_id, community_id, shared=True)
    if unit_id is None or community_id is None:  # a NULL is no bound value (IS NULL)
        return run(_closed_day_read(unit_id, community_id, day, whose=whose))
    # built once for every unit, community and day, their values bound (bound53: a
    # write asks it at every check of a month, ≈ 270 times a demo seeding)
    read = built_once(("closed day", whose), lambda: _closed_day_read(
        bindparam("unit_id", type_=Integer), bindparam("community_id", type_=Integer),
        BoundDay(), whose=whose))
    return run(given(read, {**BoundDay.params(day), "unit_id": unit_id,
                            "community_id": community_id},
                     shape=lambda rows: _closed_day_shape(day, rows)))


def _closed_day_read(unit_id, community_id, day, *, whose: bool) -> Plan:
    """``_closed_day``'s statement and its shape (its one row: the month's, the year's,
    whether either is the unit's own). The unit, community and day: values, or bound
    parameters (a ``BoundDay``), whose plan is given its shape when run."""
    def signed(own=True):
        return (exists(select(SummaryNote.id).where(*_final_notes_of(
                    unit_id, community_id, day.year, day.month, own=own))),
                exists(select(YearNote.id).where(*_final_notes_of(
                    unit_id, community_id, day.year, note=YearNote, own=own))))

    # the month's and the year's in one statement: a page asks it of each action it offers
    return plan(select(*signed(), or_(*signed(false())) if whose else false()),
                shape=lambda rows: _closed_day_shape(day, rows))


def _closed_day_shape(day: date, rows) -> tuple[Closed | None, bool]:
    (by_month, by_year, unit_own), = rows
    closed = _closed(day, by_month, by_year)
    return closed, bool(unit_own) if closed else False


def _closed(day: date, by_month, by_year) -> Closed | None:
    """``closed_day``'s answer from whether a 月报 and a 年度总结 counting ``day`` are
    已定稿 (the month named first: its words are the nearer)."""
    if by_month or by_year:
        return Closed(day, by_year=not by_month, and_year=bool(by_month and by_year))
    return None


def signed_day_loads() -> list:
    """Options of a task's read: ``Task.month_signed`` and ``year_signed``, whether a
    月报 or a 年度总结 its day counts in is 已定稿 — ``closed_day``'s question
    (``final_day``, ``final_year_day``: the same scopes) as columns of the task's
    statement, which ``closed_task_to`` answers from."""
    return [with_expression(Task.month_signed,
                            final_day(Task.unit_id, Task.community_id, Task.service_date)),
            with_expression(Task.year_signed,
                            final_year_day(Task.unit_id, Task.community_id, Task.service_date))]


def closed_task_to(actor: Member, task: Task, *, lock: bool = True) -> Closed | None:
    """``closed_to`` of ``task``'s day. A page (``lock=False``) whose task was read with
    ``signed_day_loads`` asks no statement; otherwise asked as ``closed_to``."""
    if may_change_final(actor):
        return None
    if not lock and task.month_signed is not None:
        return _closed(task.service_date, task.month_signed, task.year_signed)
    return closed_day(task.unit_id, task.community_id, task.service_date, lock=lock)


def first_closed(actor: Member, unit_id: int, places, *,
                 lock: bool = True, signed=None) -> Closed | None:
    """The earliest of ``places`` — (community id, day) pairs whose months a change
    touches — that is ``closed_to`` ``actor`` (its ``Closed``), or None when every
    month is open to them (one question per community and month). ``lock`` as
    ``closed_to``'s: a page that only shows what is offered passes False. ``signed``:
    a page's answers read with the places (``day_signed``), by (community id, year,
    month): those months are asked no statement (surveys51); a locked ask ignores them
    and asks under the lock."""
    if may_change_final(actor):
        return None
    known = {} if lock or signed is None else signed
    months: dict[tuple, date] = {}
    for community_id, day in sorted((p for p in places if p[1] is not None),
                                    key=lambda p: (p[1], p[0])):
        months.setdefault((community_id, day.year, day.month), day)
    for key, day in months.items():
        closed = (_closed(day, *known[key]) if key in known
                  else closed_to(actor, unit_id, key[0], day, lock=lock))
        if closed is not None:
            return closed
    return None


@dataclass(frozen=True)
class ClosedUnit:
    """A participant's unit whose 月报 (or 年度总结) counting their work on a day is
    已定稿 (``closed``), with the participants it counts (``names``): their 人次, hours
    and 未参与名单 are that unit's figures, whoever's activity it is (walk8 #11)."""

    closed: Closed
    unit_id: int | None
    unit_name: str
    # empty for the activity's own unit (its checklist item's: ``backfill_closed_words``),
    # whose 月报 counts every participant
    names: tuple[str, ...]
    # set when the signed document is the community's own 月报 (or 年度总结), not the
    # unit's: a need's 完成 counts in both (``closed_need_units``), and the refusal
    # names the one that is signed — its remedy, re-opening it, can then be done
    # (review41 #3)
    community_name: str | None = None


def unit_of_day_closed(unit_of_day, community_id: int, day: date, part_only=False):
    """SQL, (by the month, by the year): the 月报 of ``day``'s month, or the 年度总结 of
    its year, of a participant's unit of the day (``unit_of_day``, a column) is 已定稿 —
    the whole unit's or the unit's in this community (``_final_notes_of``), not the
    community's own: that one counts the activity wherever its people are from, and the
    activity's own question (``closed_to`` of its unit and community, which every caller
    asks) names it, as the community's; named as her unit's it said a document was signed
    that is not, and an admin found nothing of her unit's to re-open (adoptnotice47's
    Open). The rule of ``closed_member_units``, written once, for the page that lists
    whom 添加遗漏的参加人员 would refuse for it too
    (``manage.queries.participants_held_elsewhere``). ``part_only`` (a value or a
    column) as ``_final_notes_of``'s: the unit's part in the community alone."""
    return (exists(select(SummaryNote.id).where(
                *_final_notes_of(unit_of_day, community_id, day.year, day.month,
                                 own=false(), part_only=part_only))),
            exists(select(YearNote.id).where(
                *_final_notes_of(unit_of_day, community_id, day.year, note=YearNote,
                                 own=false(), part_only=part_only))))


def _units_then(member_ids, day, unit_id: int, community_id: int, other_than=()):
    """A subquery: each of ``member_ids`` (ids, or a select of them) with their unit on
    ``day`` (``stays.unit_then``), their name and their id — and, as more rows, the
    units whose roll of the month's or the year's end holds them (``roll_end_parts``),
    with the flags of ``participants_on_roll`` (``year_only``, ``month_only``,
    ``part_only``)."""
    ids = (member_ids if isinstance(member_ids, (Select, BindParameter))
           else sorted(set(member_ids)))
    of_day = unit_then(Member.id, day, Member.unit_id)
    parts = [select(Member.id, Member.name, of_day.label("unit_id"), false().label("year_only"),
                    false().label("month_only"), false().label("part_only"))
             .where(Member.id.in_(ids))]
    for by_month in (True, False):
        stay, roll = roll_end_parts(Member.id, day, community_id, unit_id, of_day, other_than,
                                    by_month)
        parts.append(select(Member.id, Member.name, stay.unit_id, *roll.columns)
                     .join(stay, roll.joined).where(Member.id.in_(ids), *roll.where))
    return union_all(*parts).subquery()


def closed_member_units(actor: Member, unit_id: int, community_id: int, day: date,
                        member_ids, *, lock: bool = True,
                        other_than=()) -> list[ClosedUnit]:
    """``closed_to`` of the participants' own units (``member_ids``: ids, or a
    ``TaskParticipants`` — an activity's, asked in the same statement): work written onto a day (done
    hours — 补录, 添加遗漏的参加人员, 通过) changes the 月报 of each participant's unit of
    that day (``stays.unit_then``) as well as the activity's (``unit_id``, the caller's
    to ask in its own words), so a 已定稿 month of any of them is an admin's to change
    (docs/design.md: a signed month's figures are changed by an admin only). Each such
    unit (not ``unit_id``) whose 月报 of the month, or 年度总结 of the year, is 已定稿
    — the whole unit's or the unit's in this community (``unit_of_day_closed``; the
    community's own is the activity's question, ``closed_to``) —, with
    the participants it counts; the month's own 定稿 named first. One statement for
    the set. ``lock`` as ``closed_to``'s: every unit's row — the activity's and the
    participants' — ``FOR SHARE`` in id order, then the community's (``lock_scope``'s
    order, units first: asked before ``closed_to``, whose own locks are then held
    already), so a 定稿 of any of them takes turns with the write.
    A participant on another unit's roll of the month's (year's) end is counted there
    too, by its 参与情况 (naming50: ``participants_on_roll``'s rule); ``other_than``:
    the activity's own id when it is approved already (作废), whose participation is
    the one taken out, not another."""
    if may_change_final(actor) or not member_ids:
        return []
    return _closed_member_units_bound(unit_id, community_id, day, member_ids, lock,
                                      other_than)


@dataclass(frozen=True)
class TaskParticipants:
    """``closed_member_units``' ``member_ids``: the members of the activity ``task_id``
    whose participation is in ``statuses``, asked in its own statement (what 通过
    counts, ``reviews.approval_refusal``; what 作废 takes out, ``voiding``)."""

    task_id: int
    statuses: tuple

    def select(self) -> Select:
        """The same members as a select: for ``closed_member_units_plan``, whose
        statement is batched with a page's other reads and takes no bound parameter."""
        return select(Assignment.member_id).where(Assignment.task_id == self.task_id,
                                                  Assignment.status.in_(self.statuses))


def _bound_member_units(of_task: bool, excluding: bool) -> tuple[Plan, Plan]:
    """(the lock's plan, the read's) of ``closed_member_units`` for a list of ids (or a
    ``TaskParticipants``), built once (``rollups.batch.built_once``) by the kind of
    ``member_ids`` and whether ``other_than`` is given (its condition is there or not),
    for every unit, community, day and list — their values bound parameters:
    ``BoundDay``'s, ``unit_id``, ``community_id``, ``ids`` (``of_task``: ``task_id``
    and ``statuses``) and, when ``excluding``, ``other_than``. Built anew, with
    SQLAlchemy's cache key of it, they cost ≈ 10 ms a write (issue 13: 182 writes, 2 of
    a demo seeding's 10 s of CPU)."""
    def people():
        day = BoundDay()
        unit_id = bindparam("unit_id", type_=Integer)
        community_id = bindparam("community_id", type_=Integer)
        ids = (select(Assignment.member_id).where(
                   Assignment.task_id == bindparam("task_id", type_=Integer),
                   Assignment.status.in_(bindparam("statuses", type_=Assignment.status.type,
                                                   expanding=True)))
               if of_task else bindparam("ids", type_=Integer, expanding=True))
        other_than = bindparam("other_than", type_=Integer, expanding=True)
        return (_units_then(ids, day, unit_id, community_id, other_than if excluding else ()),
                unit_id, community_id, day)

    def lock():
        units, unit_id = people()[:2]
        return plan(select(Unit.id).where(or_(Unit.id == unit_id,
                                              Unit.id.in_(select(units.c.unit_id))))
                    .order_by(Unit.id).with_for_update(read=True, of=Unit),
                    shape=lambda rows: None)

    kind = (of_task, excluding)
    return (built_once(("closed member units: lock", *kind), lock),
            built_once(("closed member units", *kind), lambda: _member_units_read(*people())))


def _closed_member_units_bound(unit_id: int, community_id: int, day: date, member_ids,
                               lock: bool, other_than) -> list[ClosedUnit]:
    """``closed_member_units`` of a list of ids or a ``TaskParticipants``: the same
    statements, built once, their values given."""
    excluding = bool(other_than)
    of_task = isinstance(member_ids, TaskParticipants)
    lock_plan, read = _bound_member_units(of_task, excluding)
    people = ({"task_id": member_ids.task_id, "statuses": list(member_ids.statuses)}
              if of_task else {"ids": sorted(set(member_ids))})
    values = {**BoundDay.params(day), "unit_id": unit_id, "community_id": community_id,
              **people,
              **({"other_than": sorted(set(other_than))} if excluding else {})}
    if lock:
        run(given(lock_plan, values))
        lock_scope(None, community_id, shared=True)
    # the shape built once holds the first call's day: this call's is given
    return run(given(read, values,
                     shape=lambda rows: fold_people((day, *row) for row in rows)))


def closed_member_units_plan(actor: Member, unit_id: int, community_id: int, day: date,
                             member_ids, *, other_than=()) -> Plan:
    """``closed_member_units`` unlocked, as a ``rollups.batch`` plan: a page that only
    shows what is offered reads it with its other reads, in one statement
    (``voiding.void_refusal``, pages51). ``member_ids``: ids, or a ``TaskParticipants``
    (asked as a select: the batch takes no bound parameter)."""
    if may_change_final(actor) or not member_ids:
        return constant([])
    if isinstance(member_ids, TaskParticipants):
        member_ids = member_ids.select()
    return _member_units_read(_units_then(member_ids, day, unit_id, community_id, other_than),
                              unit_id, community_id, day)


def _member_units_read(people, unit_id: int, community_id: int, day: date) -> Plan:
    """``closed_member_units``' read of ``people`` (``_units_then``) and its shape."""
    by_month, by_year = unit_of_day_closed(people.c.unit_id, community_id, day,
                                           people.c.part_only)
    by_month = and_(not_(people.c.year_only), by_month)
    by_year = and_(not_(people.c.month_only), by_year)
    return plan(select(people.c.name, people.c.id, Unit.id, Unit.name, by_month, by_year)
                .join(Unit, Unit.id == people.c.unit_id)
                .where(people.c.unit_id != unit_id, or_(by_month, by_year))
                .order_by(Unit.sort_key, Unit.id, people.c.id),
                shape=lambda rows: fold_people((day, *row) for row in rows))


def closed_need_units(actor: Member, places, *, lock: bool = True) -> list[ClosedUnit]:
    """``closed_member_units`` for needs: of ``places`` — a select of (need ``id``, its
    title ``name``, ``unit_id``, ``community_id``, ``day``, ``own``) rows, each a 月报 a
    change of the needs changes: the unit a need counts for (``rollups.needs.need_unit``:
    the unit it was claimed for, else its claimer's of the day — not always the
    activity's) and the month of ``day`` (``task_needs.void_need_places``: a 作废 takes
    a 完成 out of one month, maybe puts it in another, and may move a 本月发布 between
    units) —, those whose 月报 of that month, or 年度总结 of its year, is 已定稿: the
    unit's whole or the unit's in the need's community, or (``own``) the community's
    own. A liaison's change would unsettle a signed document (review40 #1, review40fix
    #1a, #1b). Each such document once — the unit's, else the community's own
    (``ClosedUnit.community_name``), the month's before the year's: the one named is
    the one signed (review41 #3) — with the needs' titles (``ClosedUnit.names``),
    earliest month first; one statement. ``lock`` as ``closed_member_units``': those
    units' rows ``FOR SHARE`` in id order, then the needs' communities'."""
    if may_change_final(actor):
        return []
    counted = places.subquery()
    if lock:
        db.session.execute(select(Unit.id).where(Unit.id.in_(select(counted.c.unit_id)))
                           .order_by(Unit.id).with_for_update(read=True, of=Unit))
        db.session.execute(select(Community.id)
                           .where(Community.id.in_(select(counted.c.community_id)))
                           .order_by(Community.id).with_for_update(read=True, of=Community))
    return run(_need_units_read(counted))


def closed_need_units_plan(actor: Member, places) -> Plan:
    """``closed_need_units`` unlocked, as a ``rollups.batch`` plan: a page that only
    shows what is offered reads it with its other reads, in one statement
    (``voiding.void_refusal``, pages51)."""
    return constant([]) if may_change_final(actor) else _need_units_read(places.subquery())


def _need_units_read(counted) -> Plan:
    """``closed_need_units``' read of ``counted`` (its ``places``) and its shape."""

    def signed(final, own):
        return final(counted.c.unit_id, counted.c.community_id, counted.c.day, own)

    # the unit's documents, and those the row counts in with the community's own
    unit_month, any_month = signed(final_day, false()), signed(final_day, counted.c.own)
    unit_year, any_year = signed(final_year_day, false()), signed(final_year_day,
                                                                   counted.c.own)
    return plan(select(counted.c.day, counted.c.name, counted.c.unit_id, Unit.name,
                       Community.name, any_year, unit_month, any_month, unit_year)
                .outerjoin(Unit, Unit.id == counted.c.unit_id)
                .join(Community, Community.id == counted.c.community_id)
                .where(counted.c.day.is_not(None), or_(any_month, any_year))
                .order_by(counted.c.day, Unit.sort_key, Unit.id, counted.c.id),
                shape=_need_units)


def _need_units(rows) -> list[ClosedUnit]:
    """``closed_need_units``' documents from its read's rows: each once, with its needs."""
    found: dict[tuple, ClosedUnit] = {}
    for day, name, unit, unit_name, community, year_too, *hits in rows:
        by_unit, by_year = _signed_of(*hits)
        # a signed year's months: one; the unit's and the community's: each its own
        key = (unit if by_unit else None, community, day.year, 0 if by_year else day.month)
        was = found.get(key)
        # a month named whose year is signed too (``closed_day``'s rule: a 年度总结 the
        # row counts in): re-opening the month alone would leave the need's change
        # closed by the year, so the refusal names both (walk45fix Open) — of any need
        # the document names
        and_year = not by_year and (bool(year_too) or bool(was and was.closed.and_year))
        if was is not None and name in was.names and and_year == was.closed.and_year:
            continue  # a need named once a month (its 完成 and 本月发布 both moving)
        names = (*(was.names if was else ()), *(() if was and name in was.names else (name,)))
        found[key] = ClosedUnit(Closed(was.closed.day if was else day, by_year=by_year,
                                       and_year=and_year),
                                unit, unit_name, names, None if by_unit else community)
    return list(found.values())


def _signed_of(unit_month: bool, any_month: bool, unit_year: bool) -> tuple[bool, bool]:
    """Which signed document ``closed_need_units`` names for a row: (the unit's, not the
    community's own; the year's, not the month's). A month before its year, as
    ``closed_day``; the unit's before the community's, as before review41 #3."""
    if unit_month:
        return True, False
    if any_month:
        return False, False
    return unit_year, True


def units_closed_words(found: list[ClosedUnit], action, *, needs: bool = False,
                       item_action=None):
    """The refusal of ``action`` (「补录该活动」, 「审核通过该活动」 …) for the participants'
    units ``closed_member_units`` found, every one at once (one sentence a unit, its
    participants named): 「王五所在单位（县财政局）2026年11月的月报已定稿，…须由单位管理员操作。」
    With ``needs`` the units ``closed_need_units`` found, each named by its needs'
    titles: 「需求“…”计入的单位（县财政局）2025年11月的月报已定稿，…」, or, when the signed
    document is the community's own, 「需求“…”计入的解放路社区2025年11月的月报已定稿，…」.
    A unit without names is the one whose checklist item the activity is recorded on
    (``backfill.backfill_closed_words``), its own actions ``item_action`` — (the
    month's, the year's): 「资源清单项目所属单位（县财政局）2026年11月的月报已定稿，补录该月的活动
    须由单位管理员操作…」, or, the community's own document signed, 「解放路社区2026年11月
    的月报已定稿，…」.
    Made when shown, in the reader's language (the refusal outlives its rollback)."""
    return lazy(_say_units, [(unit.closed, unit.unit_name, unit.names, unit.community_name)
                             for unit in found], action, needs, item_action or (action, action))


def _say_units(found, action, needs: bool = False, item_action=(None, None)) -> str:
    sentences = []
    for closed, unit_name, names, community in found:
        if not names and community is not None:
            # the community's own document is the signed one, not the item's unit's
            sentences.append(str(closed.say(
                _l("%(community)s%(month)s的月报已定稿，%(action)s须由单位管理员操作",
                   community=community, month=lazy_month_name(closed.year, closed.month),
                   action=item_action[0]),
                _l("%(community)s%(year)s年度总结已定稿，%(action)s须由单位管理员操作",
                   community=community, year=closed.year, action=item_action[1]))))
            continue
        if not names:
            # the item's unit: its 月报 counts the whole activity, whoever took part
            sentences.append(str(closed.say(
                _l("资源清单项目所属单位（%(unit)s）%(month)s的月报已定稿，%(action)s须由单位"
                   "管理员操作", unit=unit_name,
                   month=lazy_month_name(closed.year, closed.month), action=item_action[0]),
                _l("资源清单项目所属单位（%(unit)s）%(year)s年度总结已定稿，%(action)s须由单位"
                   "管理员操作", unit=unit_name, year=closed.year, action=item_action[1]))))
            continue
        if needs:
            what = str(_l("、")).join(str(_l("“%(title)s”", title=n)) for n in names)
        if needs and community is not None:
            # the community's own document is the signed one (review41 #3)
            sentences.append(str(closed.say(
                _l("需求%(needs)s计入的%(community)s%(month)s的月报已定稿，%(action)s须由单位"
                   "管理员操作", needs=what,
                   community=community, month=lazy_month_name(closed.year, closed.month),
                   action=action),
                _l("需求%(needs)s计入的%(community)s%(year)s年度总结已定稿，%(action)s须由单位"
                   "管理员操作", needs=what,
                   community=community, year=closed.year, action=action))))
            continue
        if needs:
            said = closed.say(
                _l("需求%(needs)s计入的单位（%(unit)s）%(month)s的月报已定稿，%(action)s须由单位"
                   "管理员操作", needs=what,
                   unit=unit_name, month=lazy_month_name(closed.year, closed.month),
                   action=action),
                _l("需求%(needs)s计入的单位（%(unit)s）%(year)s年度总结已定稿，%(action)s须由单位"
                   "管理员操作", needs=what,
                   unit=unit_name, year=closed.year, action=action))
            sentences.append(str(said))
            continue
        who = str(_l("、")).join(names)
        sentences.append(str(closed.say(
            _l("%(names)s所在单位（%(unit)s）%(month)s的月报已定稿，%(action)s须由单位管理员操作",
               names=who, unit=unit_name,
               month=lazy_month_name(closed.year, closed.month), action=action),
            _l("%(names)s所在单位（%(unit)s）%(year)s年度总结已定稿，%(action)s须由单位管理员操作",
               names=who, unit=unit_name,
               year=closed.year, action=action))))
    # a Chinese full stop needs no space after it, an English one does
    return "".join(s if s.endswith("。") or n == len(sentences) - 1 else s + " "
                   for n, s in enumerate(sentences))



class RollEnd(NamedTuple):
    """A roll place's parts (``roll_end_parts``): its join on the stay, its conditions
    and its flag columns (``year_only``, ``month_only``, ``part_only``)."""

    joined: object
    where: list
    columns: list


def roll_end_parts(member_id, day, community_id, unit_id, of_day, other_than, by_month: bool):
    """(a ``RollPeriod`` alias, ``RollEnd``): the unit whose roll of the last day of
    ``day``'s month (``by_month``) or year holds ``member_id`` — the roll its
    参与情况 (参与 count, 未参与名单) counts her in (``rollups.coverage``) — as a place
    of the work of an activity of ``unit_id`` in ``community_id`` on ``day`` when it
    is neither the activity's unit nor hers of the day (``of_day``: those are places
    of their own, which ask month and year), and only when the work changes that
    document: when she took part in no other approved activity of the period there
    (``stays.took_part_in_period``, ``other_than`` the activities in question) — in
    the community, else nothing of the unit's part changes; anywhere else in the
    period, ``part_only``: the whole unit's coverage has her already. Its month's
    place asks the month alone, its year's the year alone: each period has its own
    roll and its own other participations."""
    stay = aliased(RollPeriod)
    elsewhere = took_part_in_period(member_id, day, by_month, other_than)
    there = took_part_in_period(member_id, day, by_month, other_than, community_id)
    return stay, RollEnd(
        stay_at_end(stay, member_id, day, by_month),
        [stay.unit_id != unit_id, stay.unit_id != of_day, not_(there)],
        [(false() if by_month else true()).label("year_only"),
         (true() if by_month else false()).label("month_only"),
         elsewhere.label("part_only")])


def participants_on_roll(task_ids, statuses) -> list:
    """``participants_then``' other places, two selects of its columns: the unit whose
    roll of the month's end, and the one whose roll of the year's end, holds a
    participant (``roll_end_parts``) — its 参与情况 counts her there, whichever unit she
    was in on the activity's day (naming49: she moved units after it within the month,
    and her new unit's signed 月报 changed unnamed)."""
    ids = sorted(set(task_ids))
    of_day = unit_then(Member.id, Task.service_date, Member.unit_id)
    parts = []
    for by_month in (True, False):
        stay, roll = roll_end_parts(Member.id, Task.service_date, Task.community_id,
                                    Task.unit_id, of_day, ids, by_month)
        parts.append(select(Task.id.label("task_id"), Task.service_date.label("day"),
                            stay.unit_id.label("unit_id"), Member.name.label("name"),
                            Member.id.label("member_id"), *roll.columns)
                     .join(Assignment, Assignment.task_id == Task.id)
                     .join(Member, Member.id == Assignment.member_id)
                     .join(stay, roll.joined)
                     .where(Task.id.in_(ids), Assignment.status.in_(list(statuses)),
                            *roll.where))
    return parts


def fold_people(rows) -> list[ClosedUnit]:
    """``fold_units`` of rows (day, name, member id, unit id, unit name, by the month,
    by the year), a participant once a unit: her unit of the day and the rolls of the
    month's and the year's end may be one unit in two rows, each its own period."""
    merged: dict[tuple, tuple] = {}
    for day, name, member_id, unit, unit_name, month, year in rows:
        was = merged.get((unit, member_id))
        merged[unit, member_id] = (day, name, unit, unit_name,
                                   bool(month) or bool(was and was[4]),
                                   bool(year) or bool(was and was[5]))
    return fold_units(merged.values())


def participants_then(task_ids, statuses):
    """A select — (task id, the activity's day, unit id, name, member id, and
    ``participants_on_roll``'s flags, all false: a place of month and year, whole) — of
    the participants of these activities whose participation is in ``statuses`` (what an
    approval counts) and whose unit on its day (``stays.unit_then``) is not the
    activity's: the units whose 月报 the activity's hours also change
    (``closed_member_units``' question of many activities, for a statement that asks
    it of a page at once: ``reviews.admin_only_approvals``)."""
    unit = unit_then(Member.id, Task.service_date, Member.unit_id)
    return (select(Task.id.label("task_id"), Task.service_date.label("day"),
                   unit.label("unit_id"), Member.name.label("name"),
                   Member.id.label("member_id"), false().label("year_only"),
                   false().label("month_only"), false().label("part_only"))
            .join(Assignment, Assignment.task_id == Task.id)
            .join(Member, Member.id == Assignment.member_id)
            .where(Task.id.in_(sorted(set(task_ids))), Assignment.status.in_(list(statuses)),
                   unit != Task.unit_id))


def fold_units(rows) -> list[ClosedUnit]:
    """``ClosedUnit`` of each unit of ``rows`` — (day, name, unit id, unit name, closed by
    the month[, closed by the year too]), by unit — with its participants' names in
    order."""
    found: dict[int, ClosedUnit] = {}
    for day, name, unit, unit_name, month, *year in rows:
        was = found.get(unit)
        found[unit] = ClosedUnit(Closed(day, by_year=not month,
                                        and_year=bool(month and year and year[0])),
                                 unit, unit_name, (*(was.names if was else ()), name))
    return list(found.values())
