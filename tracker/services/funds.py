"""Co-building funds (共建活动经费): entries and reversing entries.

A ledger is one unit × one community × one year. Whoever manages the community
(its liaison, or an admin) keeps it. Its budget is not kept here: it is the money
target of the unit's 共建活动经费 resource item in that community and year, set by
an admin on the resource checklist (one budget, one place to enter it). Entries are never edited or deleted: a
mistake is put right by 冲销, a negative entry on the same date that points at
the entry it cancels; an entry is reversed at most once (a unique key on
``reverses_id`` holds that even against two clicks at once). A month whose 月报
is 已定稿 — or whose year's 年度总结 is — takes entries and reversals dated in it, or
in an earlier month of its year (its 年度累计 counts them: ``entry_places``), from an
admin only, as its 补录 does; a reversal's purpose is stored in Chinese, the language of the ledger's
documents, whatever the language of the keeper's pages.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from flask_babel import gettext
from ..i18n import force_locale
from ..i18n import lazy_gettext as _l
from ..i18n import lazy_month_name
from sqlalchemy import Date, Integer, and_, literal, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, contains_eager, joinedload

from ..extensions import db
from ..i18n import DEFAULT as LEDGER_LOCALE
from ..models import (
    FUNDING_CODE,
    Category,
    Community,
    FundEntry,
    Member,
    ResourceItem,
    Task,
    TargetMeasure,
    TaskStatus,
    Unit,
)
from ..money import MAX_FEN
from ..permissions import manages_community
from ..reach import ALL, Reach
from ..rollups.batch import Plan, plan, run
from ..timeutil import EARLIEST_DAY, local_today
from . import PermissionDenied, ServiceError, refuse_all
from .audit import record
from .summary_notes import Closed, Naming, final_naming_places, lock_scope, may_change_final

PURPOSE_MAX = 200
FIRST_YEAR = EARLIEST_DAY.year


def require_keeper(actor: Member, community_id: int) -> None:
    """Only an admin or the community's liaison keeps its ledgers."""
    if not manages_community(actor, community_id):
        raise PermissionDenied(_l("无权管理该社区的共建活动经费。"))


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= local_today().year + 1:
        raise ServiceError(_l("年度不正确。"), field="year")


def entry_places(key, unit_id, community_id, day, year: int):
    """A select of the places (``summary_notes.final_naming_places``') whose signed
    documents a fund entry dated ``day`` (in ``year``) in the unit's ledger in the
    community changes — 登记支出, or its 冲销, dated as the entry it cancels: the 月报
    of the day's month and of every later month of the year, each of which counts the
    year to its end (年度累计, 预算使用率, the 附表“共建活动经费”:
    ``rollups.funds.year_to_date``) — the unit's (whole, or in the community) and the
    community's own, whose 附表 has the unit's row (walk45 #1) —, and the year's 年度总结. The one rule of
    which signed documents a fund date changes: an admin's naming (``entry_signed``,
    ``reversal_signed``, ``reversals_named_first``), a keeper's refusal
    (``check_month_open``, ``entry_problems``, ``ledger_closed``) and the locks they
    take all ask it. ``key``, ``unit_id``, ``community_id``, ``day``: values, or
    ``FundEntry``'s columns for every entry of a ledger at once (the caller's WHERE)."""
    def value(given, kind):  # a value (an id, a date), else a column
        return literal(given, kind) if isinstance(given, (int, date)) else given

    return select(value(key, Integer()).label("key"),
                  value(unit_id, Integer()).label("unit_id"),
                  value(community_id, Integer()).label("community_id"),
                  value(day, Date()).label("day"),
                  literal(date(year, 12, 31), Date()).label("through"))


_KEY = 0  # one entry's date: one key (a ledger's entries are keyed by their ids)


def entry_documents(unit_id: int, community_id: int, day: date, *,
                    lock: bool = False) -> Naming | None:
    """The 已定稿 月报 and 年度总结 a fund entry dated ``day`` in the unit's ledger in
    the community changes (``entry_places``), whoever makes it; None when none is.
    ``lock``: asked by the write itself — the unit's row, then the community's,
    ``FOR SHARE`` first (``final_naming_places``', ``closed_to``'s order), so a 定稿 of
    any of them either committed before the answer or waits for the write."""
    return final_naming_places(entry_places(_KEY, unit_id, community_id, day, day.year)
                               .subquery(), lock=lock).get(_KEY)


def entry_signed(actor: Member, unit_id: int, community_id: int, day: date | None, *,
                 lock: bool = False) -> Naming | None:
    """For an admin, whom no 定稿 refuses: the 已定稿 月报 and 年度总结 登记支出 dated
    ``day`` changes (``entry_documents``), named on the confirmation page before it is
    written (figures42 #1) — the signed later months of the year too, whose 年度累计 it
    changes (walk45 #1); None for anyone else (refused instead: ``check_month_open``),
    or when none. ``lock``: ``entry_documents``'."""
    if day is None or not may_change_final(actor):
        return None
    return entry_documents(unit_id, community_id, day, lock=lock)


@dataclass(frozen=True)
class Budget:
    """One ledger's budget as a checklist item sets it (``rollups.funds.budgets``: the
    money target of the unit's 共建活动经费 item in the community that year — 停用 or
    not: a switched-off item still counts in its year, ``rollups.scope.item_conditions``)."""

    unit_id: int
    community_id: int
    year: int
    fen: int


def _money_target(values, measure) -> tuple[int, Budget] | None:
    """(the category id, the budget) a checklist item with ``values`` (an item, or its
    values as posted: ``directory.ResourceItemData``) counted in ``measure`` sets when
    its category is 共建活动经费, or None: not counted in money, or a target of 0 (no
    budget: ``budgeted_pairs``). Values as posted are taken as they come: anything not
    an id or a whole number sets none (the item's own checks refuse it)."""
    numbers = (values.unit_id, values.community_id, values.year, values.category_id,
               values.target)
    if any(isinstance(v, bool) or not isinstance(v, int) for v in numbers):
        return None
    if measure != TargetMeasure.money or values.target <= 0:
        return None
    return values.category_id, Budget(values.unit_id, values.community_id, values.year,
                                      values.target)


def item_budgets(item: ResourceItem, data) -> tuple[Budget | None, Budget | None]:
    """The budget ``item`` sets, and the one it sets edited to ``data`` (its values as
    posted, ``directory.ResourceItemData``; no measure posted: the item's): each None
    where it sets none (``_money_target``, or a category not 共建活动经费). The
    categories' codes are read in one statement — the two sides of an edit usually
    share one category —, none when neither side is counted in money."""
    sides = [_money_target(values, values.target_measure or item.target_measure)
             for values in (item, data)]
    funding = _funding({side[0] for side in sides if side is not None})
    before, after = (side[1] if side is not None and side[0] in funding else None
                     for side in sides)
    return before, after


def _funding(category_ids: set[int]) -> set[int]:
    """Which of ``category_ids`` are 共建活动经费: from the session's memory when it holds
    them all (the item form's own category, ``ResourceItemForm``), else one statement."""
    held = [db.session.identity_map.get(db.session.identity_key(Category, cid))
            for cid in category_ids]
    if all(held):
        return {c.id for c in held if c.code == FUNDING_CODE}
    return set(db.session.scalars(
        select(Category.id).where(Category.id.in_(category_ids),
                                  Category.code == FUNDING_CODE))) if category_ids else set()


def new_budgets(items: list) -> list[Budget]:
    """The budgets new items (their values: ``directory.ResourceItemData`` as posted, or
    a copy's) set (``_money_target`` of a 共建活动经费 category): the categories' codes in
    one statement, none when no item is counted in money."""
    sides = [_money_target(values, values.target_measure) for values in items]
    funding = _funding({side[0] for side in sides if side is not None})
    return [side[1] for side in sides if side is not None and side[0] in funding]


def budget_documents(before: Budget | None, after: Budget | None, *,
                     lock: bool = False) -> Naming | None:
    """The 已定稿 月报 and 年度总结 a change of a ledger's budget from ``before`` to
    ``after`` changes (an admin's edit of a 共建活动经费 item's 年度目标, or of its
    year, unit or community, which moves the budget to another ledger): the
    budget is read by every 月报 of its year (预算使用率, the 附表“共建活动经费”), so it is
    ``entry_places``' rule for a change dated 1 January — every month of the year, the
    unit's and the community's own, and the year's 年度总结 —, of the ledger it leaves
    and the one it comes to. None when the budget is the same, or nothing is signed.
    ``lock``: ``entry_documents``'."""
    places = budget_places(before, after)
    if not places:
        return None
    return final_naming_places(union_all(*places).subquery(), lock=lock).get(_KEY)


def budget_places(before: Budget | None, after: Budget | None) -> list:
    """``entry_places`` of a change of a ledger's budget from ``before`` to ``after``:
    1 January of each ledger's year, the one it leaves and the one it comes to (none
    when the budget is the same) — for ``budget_documents`` and, with a checklist change's
    other places, ``item_named.documents``."""
    if before == after:
        return []
    return [entry_places(_KEY, b.unit_id, b.community_id, date(b.year, 1, 1), b.year)
            for b in dict.fromkeys(b for b in (before, after) if b is not None)]


def entry_closed(actor: Member, unit_id: int, community_id: int, day: date, *,
                 lock: bool = True):
    """The refusal of an entry or a 冲销 dated ``day`` to ``actor``, or None: a signed
    document it changes (``entry_documents``) is changed by an admin only, as a signed
    month's 补录 is (``summary_notes.closed_to``'s rule); no statement for an admin.
    ``lock``: a write path's — the unit's row, then the community's, ``FOR SHARE``
    (``summary_notes.lock_scope``, as ``closed_to`` takes them: the rows and order of
    ``entry_documents``' own) —; a page that only shows what is offered, or a form its
    own validators refused, passes False."""
    if may_change_final(actor):
        return None
    if lock:
        lock_scope(unit_id, community_id, shared=True)
    naming = entry_documents(unit_id, community_id, day)
    return closed_words(naming, day) if naming else None


def check_month_open(actor: Member, unit_id: int, community_id: int, day: date, *,
                     field: str | None = None) -> None:
    """A 已定稿 month's figures are changed by an admin only, as its 补录 is: an entry
    (or a reversal) dated ``day`` would change the finalised 月报's funds — of its month
    and of every later signed month of its year, whose 年度累计 counts it — or, the
    year being 已定稿, the 年度总结's (``entry_closed``)."""
    refusal = entry_closed(actor, unit_id, community_id, day)
    if refusal is not None:
        raise ServiceError(refusal, field=field)


def closed_words(naming: Naming, day: date, *, whole_year: bool = False):
    """The refusal of an entry or a reversal dated ``day`` whose signed documents are
    ``naming`` (``entry_documents``'): the service's, and the ledger's sentence instead
    of a form that would be refused. The earliest signed month named — the day's own
    first, its words the nearer —, else the year; and what an admin would re-open to let
    her do it herself, said by ``Closed.say`` (one wording for every refusal): every
    signed document the entry is in — the day's own month alone (and its year) in
    「该月」's words, a later month's 年度累计 counting it too by name, as re-opening the
    day's own would not do. ``whole_year``: the ledger's 登记支出, closed on every day of
    the year (its December's documents: ``ledger_closed``), its months always named."""
    months = sorted({(m.year, m.month) for m in naming.months})
    closed = Closed.signed(day, months, year_signed=bool(naming.years), named=whole_year)
    if not months:
        return closed.say(None, _l(
            "%(year)s年度总结已定稿，登记或冲销该年的经费须由单位管理员操作", year=day.year))
    signed = lazy_month_name(*months[0])
    if whole_year:
        refusal = _l("%(signed)s的月报已定稿，其年度累计含%(year)s年全年的经费，登记或冲销"
                     "%(year)s年的经费须由单位管理员操作", signed=signed, year=day.year)
    elif months[0] == (day.year, day.month):
        refusal = _l("%(month)s的月报已定稿，登记或冲销该月的经费须由单位管理员操作",
                     month=signed)
    else:
        refusal = _l("%(signed)s的月报已定稿，其年度累计含%(month)s的经费，登记或冲销"
                     "%(month)s的经费须由单位管理员操作", signed=signed,
                     month=lazy_month_name(day.year, day.month))
    return closed.say(refusal, None)


def _ledger_places(unit_id: int, community_id: int, year: int):
    """``entry_places`` of every entry of the ledger's year, keyed by entry id."""
    return entry_places(FundEntry.id, FundEntry.unit_id, FundEntry.community_id,
                        FundEntry.entry_date, year).where(
        FundEntry.unit_id == unit_id, FundEntry.community_id == community_id,
        FundEntry.entry_date >= date(year, 1, 1), FundEntry.entry_date < date(year + 1, 1, 1))


def ledger_closed(actor: Member, unit_id: int, community_id: int, year: int,
                  entries) -> tuple[dict, object | None]:
    """What the ledger says instead of a form ``check_month_open`` would refuse
    (``closed_words``), as 工作台 says it instead of 通过: by entry id, for the entries
    of ``entries`` (``ledger_entries``' rows) whose date a signed document counts
    (``entry_places``); and for 登记支出, when every day of the year is closed — the
    year's 年度总结, or its December's 月报, counting every day of it, is signed (None:
    some day is open, and the service answers for the date typed). One statement
    (``final_naming_places`` of the entries' places and the year's last day), no lock:
    the service asks again under it; none for an admin."""
    if may_change_final(actor):
        return {}, None
    last = date(year, 12, 31)
    # the form's place: 0, no entry's id
    found = final_naming_places(union_all(
        _ledger_places(unit_id, community_id, year),
        entry_places(_KEY, unit_id, community_id, last, year)).subquery())
    refusals = {entry.id: closed_words(found[entry.id], entry.entry_date)
                for entry, _reversed_by in entries if entry.id in found}
    form = found.get(_KEY)
    return refusals, (closed_words(form, last, whole_year=True) if form else None)


def reversal_purpose(purpose: str, reason: str) -> str:
    """The stored purpose of a 冲销. The ledger and its exports are Chinese documents,
    so the text is Chinese whatever language the keeper's pages are shown in."""
    with force_locale(LEDGER_LOCALE):
        if reason:
            return gettext("冲销：%(purpose)s（%(reason)s）", purpose=purpose, reason=reason)
        return gettext("冲销：%(purpose)s", purpose=purpose)


def entry_problems(actor: Member, unit: Unit, community: Community, year: int, *,
                   entry_date: date | None, amount_fen: int | None, purpose: str | None,
                   task: Task | None = None, lock: bool = True) -> list[tuple[str, object]]:
    """Every field of an entry the rules refuse, as (form field, message) in the form's
    order: a date in another year is named with a wrong 用途 or 关联任务, not on the
    next submit. A field left None (the form could not read it) is not checked.
    ``lock=False``: the read-only check of a form its own validators refused, which
    must not make a 定稿 wait (``closed_to``'s); the service checks again, locked."""
    found: list[tuple[str, object]] = []
    if entry_date is not None:
        # one message for the date: a date of another year is not also checked
        # against today or its month
        if entry_date.year != year:
            found.append(("entry_date", _l("日期须在%(year)s年内。", year=year)))
        elif entry_date > local_today():
            found.append(("entry_date", _l("日期不能晚于今天。")))
        elif closed := entry_closed(actor, unit.id, community.id, entry_date, lock=lock):
            found.append(("entry_date", closed))
    if amount_fen is not None and not 0 < amount_fen <= MAX_FEN:
        found.append(("amount", _l("金额必须大于0。")))
    if purpose is not None:
        purpose = purpose.strip()
        if not purpose:
            found.append(("purpose", _l("请填写用途。")))
        elif len(purpose) > PURPOSE_MAX:
            found.append(("purpose", _l("用途不能超过%(n)s个字。", n=PURPOSE_MAX)))
    if task is not None and (task.unit_id != unit.id or task.community_id != community.id):
        found.append(("task_id", _l("所选任务不属于该单位和社区。")))
    elif task is not None and task.status == TaskStatus.cancelled:
        # money counts from this ledger, not from tasks: pointing it at an activity that
        # did not take place (cancelled or voided) would tell the reader it paid for one
        found.append(("task_id", _l("所选任务已取消或作废，不能关联。")))
    return found


def add_entry(actor: Member, unit: Unit, community: Community, year: int, *,
              entry_date: date, amount_fen: int, purpose: str,
              task: Task | None = None,
              named: Callable[[], None] | None = None) -> FundEntry:
    """Record money spent (a positive amount) in this ledger's year; every refused
    field at once (``entry_problems``).

    ``named``: the page's comparison of the signed documents it named with those the
    entry changes now (``named_page.NamedFirst.compare``, ``roll.keep_named``), called
    once every refusal has passed, under the months' share locks it takes last (after a
    liaison's ``closed_to``, the order of ``docs/design.md``'s locks): a refusal is said
    in its own words, never as a page named afresh (review44 #2), and a post that named
    nothing because the view read a refusal (no page shown) is named afresh, not
    written, should that refusal be gone by now (fundsnamed45)."""
    require_keeper(actor, community.id)
    check_year(year)
    refuse_all(entry_problems(actor, unit, community, year, entry_date=entry_date,
                              amount_fen=amount_fen, purpose=purpose or "", task=task))
    if named is not None:
        named()
    purpose = purpose.strip()
    entry = FundEntry(unit_id=unit.id, community_id=community.id, entry_date=entry_date,
                      amount_fen=amount_fen, purpose=purpose,
                      task_id=task.id if task else None, created_by_id=actor.id)
    db.session.add(entry)
    db.session.flush()
    record(actor, "add_fund_entry", entry, amount_fen=amount_fen, entry_date=entry_date,
           task_id=entry.task_id)
    return entry


# the one refusal of a second 冲销 of an entry: read before it, or met at its write
REVERSED = _l("该记录已冲销，不能重复冲销。")


def reversal_refusal(entry: FundEntry) -> ServiceError | None:
    """What refuses every 冲销 of ``entry``, whoever asks, for good (or None): a
    reversal is not itself reversed, an entry not spent is not, and an entry once
    (``reversal_of``: a reversal is never taken back). Read only: ``reverse_entry``
    asks it under the entry's row lock; the confirmation page, before it asks —
    such a post is refused at once, in these words, never asked or named again
    (``funds.routes.reverse``, adoptorder46)."""
    if entry.reverses_id is not None:
        return ServiceError(_l("冲销记录本身不能再冲销。"))
    if entry.amount_fen <= 0:
        return ServiceError(_l("该记录不能冲销。"))
    if reversal_of(entry) is not None:
        return ServiceError(REVERSED)
    return None


def reverse_entry(actor: Member, entry: FundEntry, reason: str, *,
                  named: Callable[[], None] | None = None) -> FundEntry:
    """冲销: a negative entry on the original's date, pointing at it; once only, with a
    reason (required, as 作废's: it cannot be taken back).

    The entry's row is held first (``FOR NO KEY UPDATE``: its id is not changed), so
    two 冲销 of it take turns and the second reads the first's reversal. ``named``: the
    page's comparison of the signed documents it named with those the 冲销 changes now
    (``named_page.NamedFirst.compare``, ``roll.keep_named``), called once every refusal
    has passed, under the months' share locks it takes last (after a liaison's
    ``closed_to``, docs/design.md's lock order): an entry reversed by another admin
    while a month was signed or re-opened is refused 「该记录已冲销…」 at once, never
    asked again first (review44 #2's shape; fundsnamed45's Open, adoptorder46)."""
    require_keeper(actor, entry.community_id)
    db.session.execute(select(FundEntry.id).where(FundEntry.id == entry.id)
                       .with_for_update(key_share=True))
    if (refusal := reversal_refusal(entry)) is not None:
        raise refusal
    reason = (reason or "").strip()
    if not reason:  # a money correction says why, as 作废 does (docs/design.md)
        raise ServiceError(_l("请填写冲销原因。"), field="reason")
    if len(reason) > 100:
        raise ServiceError(_l("冲销原因不能超过100个字。"), field="reason")
    # The reversal is dated on the original's date: that is the month it changes.
    check_month_open(actor, entry.unit_id, entry.community_id, entry.entry_date)
    if named is not None:
        named()
    purpose = reversal_purpose(entry.purpose, reason)
    reversal = FundEntry(unit_id=entry.unit_id, community_id=entry.community_id,
                         entry_date=entry.entry_date, amount_fen=-entry.amount_fen,
                         purpose=purpose[:PURPOSE_MAX], task_id=entry.task_id,
                         reverses_id=entry.id, created_by_id=actor.id)
    db.session.add(reversal)
    try:
        db.session.flush()
    except IntegrityError:
        # Someone else reversed it between our check and our write (SQLite, which
        # ignores the row lock; on PostgreSQL the lock has made us wait and read it).
        db.session.rollback()
        raise ServiceError(REVERSED) from None
    record(actor, "reverse_fund_entry", reversal, reverses_id=entry.id,
           amount_fen=reversal.amount_fen, reason=reason or None)
    return reversal


def reversal_signed(actor: Member, entry: FundEntry, *,
                    lock: bool = False) -> Naming | None:
    """For an admin, whom no 定稿 refuses (``check_month_open`` refuses the others): the
    已定稿 月报 and 年度总结 that 冲销 of ``entry`` will change — those its date, the
    reversal's, counts in (``entry_signed``: its month's and every later month's of the
    year, walk45 #1) — with the wording of their signed copies, named on the
    confirmation before it (review docread40 #5); None for anyone else. ``lock``:
    ``entry_signed``'s."""
    return entry_signed(actor, entry.unit_id, entry.community_id, entry.entry_date, lock=lock)


def reversals_named_first(actor: Member, unit_id: int, community_id: int,
                          year: int) -> set[int]:
    """The ids of the ledger's entries whose 冲销 by ``actor`` changes a 已定稿 月报 or
    年度总结 — the ones ``reversal_signed`` names on the confirmation page. For these the
    ledger asks no question of its own in the page (``data-confirm``): with scripts on,
    confirm.js would post ``confirmed`` and the naming page would never come (review41
    #1). Empty for anyone but an admin (a signed month refuses the others: ``ledger_closed``).
    One statement for the whole ledger, as ``reversal_signed``'s query for one entry."""
    if not may_change_final(actor):
        return set()
    return set(final_naming_places(_ledger_places(unit_id, community_id, year).subquery()))


def budget_items(unit_id: int, community_id: int, year: int) -> list[ResourceItem]:
    """The 共建活动经费 items whose money target is this ledger's budget (where an
    admin sets or changes it): the year's items, switched off or not — the budget of a
    year does not vanish when its items are retired (``rollups.scope.item_conditions``)."""
    return list(db.session.scalars(
        select(ResourceItem).join(Category, Category.id == ResourceItem.category_id)
        .where(ResourceItem.unit_id == unit_id, ResourceItem.community_id == community_id,
               ResourceItem.year == year, Category.code == FUNDING_CODE)
        # the page names each item by its zone and category (``str(item)``): the row
        # joined for the condition fills the one, the other joined too, no statement after
        .options(contains_eager(ResourceItem.category), joinedload(ResourceItem.zone))
        .order_by(ResourceItem.id)))


def reversal_of(entry: FundEntry) -> FundEntry | None:
    return db.session.scalar(select(FundEntry).where(FundEntry.reverses_id == entry.id))


# --- reading a ledger (listings, not figures: the figures come from rollups) ---

def ledger_entries(unit_id: int, community_id: int, year: int) -> list[tuple[FundEntry, int | None]]:
    """The year's entries, oldest first, each with the id of its reversal (if any)."""
    reversal = aliased(FundEntry)
    rows = db.session.execute(
        select(FundEntry, reversal.id)
        .outerjoin(reversal, reversal.reverses_id == FundEntry.id)
        .options(joinedload(FundEntry.created_by), joinedload(FundEntry.task))
        .where(FundEntry.unit_id == unit_id, FundEntry.community_id == community_id,
               FundEntry.entry_date >= date(year, 1, 1),
               FundEntry.entry_date < date(year + 1, 1, 1))
        .order_by(FundEntry.entry_date, FundEntry.id)
    ).all()
    return [(entry, reversed_by) for entry, reversed_by in rows]


class LinkableTask(NamedTuple):
    """An activity an entry may point at, as the entry form offers it."""

    id: int
    service_date: date
    title: str


def linkable_tasks_plan(unit_id: int, community_id: int, year: int) -> Plan:
    """Tasks of this ledger's year an entry may point at (not cancelled), latest first,
    as plain rows: a plan, so the ledger's page reads them in the statement of its
    figures (``rollups.batch.run_together``: the page within the design's 6, pagesa48)."""
    return plan(
        select(Task.id, Task.service_date, Task.title)
        .where(Task.unit_id == unit_id, Task.community_id == community_id,
               Task.status != TaskStatus.cancelled,
               Task.service_date >= date(year, 1, 1), Task.service_date < date(year + 1, 1, 1))
        .order_by(Task.service_date.desc(), Task.id.desc()),
        shape=lambda rows: [LinkableTask(*row) for row in rows])


def linkable_tasks(unit_id: int, community_id: int, year: int) -> list[LinkableTask]:
    """``linkable_tasks_plan``'s tasks, read alone (the entry form's post)."""
    return run(linkable_tasks_plan(unit_id, community_id, year))


def ledger_parts(unit_id: int, community_id: int, year: int):
    """A ledger's unit, community and budget items (``budget_items``' rows, with their
    category and zone) in one statement: the unit and community a row of each by its
    key, the items outer-joined to them. (None, None, []) when either is unknown."""
    funding = and_(ResourceItem.unit_id == Unit.id, ResourceItem.community_id == Community.id,
                   ResourceItem.year == year, ResourceItem.category_id.in_(
                       select(Category.id).where(Category.code == FUNDING_CODE)))
    rows = db.session.execute(
        select(Unit, Community, ResourceItem).select_from(Unit)
        .join(Community, Community.id == community_id)
        .outerjoin(ResourceItem, funding).where(Unit.id == unit_id)
        .options(joinedload(ResourceItem.category), joinedload(ResourceItem.zone))
        .order_by(ResourceItem.id)).all()
    if not rows:
        return None, None, []
    return rows[0][0], rows[0][1], [item for _u, _c, item in rows if item is not None]


@dataclass(frozen=True)
class IndexNames:
    """What the ledgers' list names: the units and communities of its ledgers (by id),
    and its pickers' active units and active communities in reach, in their order."""

    units: dict[int, Unit]
    communities: dict[int, Community]
    pick_units: list[Unit]
    pick_communities: list[Community]


def index_names(keys, reach: Reach) -> IndexNames:
    """The units and communities of a list of (unit_id, community_id) ledger keys, and
    the pickers' lists, in two statements: each table read once, the rows a ledger
    names and the rows a picker offers together (a ledger's unit is most often an
    active one, read once for both)."""
    keys = list(keys)
    unit_ids = {u for u, _ in keys}
    community_ids = {c for _, c in keys}
    units = list(db.session.scalars(
        select(Unit).where(Unit.active.is_(True) | Unit.id.in_(unit_ids))
        .order_by(Unit.sort_key, Unit.id)))
    offered = and_(Community.active.is_(True), *reach.conditions(Community.id))
    communities = list(db.session.scalars(
        select(Community).where(offered | Community.id.in_(community_ids))
        .order_by(Community.sort_key, Community.id)))
    in_reach = set(reach.community_ids)
    return IndexNames(
        units={u.id: u for u in units if u.id in unit_ids},
        communities={c.id: c for c in communities if c.id in community_ids},
        pick_units=[u for u in units if u.active],
        # those the statement read as offered: active, and in reach
        pick_communities=[c for c in communities if c.active and (
            reach.kind == ALL or c.id in in_reach)])


def active_units() -> list[Unit]:
    return list(db.session.scalars(
        select(Unit).where(Unit.active.is_(True)).order_by(Unit.sort_key, Unit.id)))
