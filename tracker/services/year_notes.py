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

from datetime import date, datetime

from sqlalchemy import or_, select

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
from ..timeutil import local_today
from . import PermissionDenied, ServiceError
from .summary_notes import (
    current_copy,
    find_words,
    locked_words,
    may_see_in_part,
    outside_of,
    reach_community_ids,
    refuse_unseen,
    sign,
    signed_community_ids,
    unsign,
    write_words,
)

YEAR_STALE = _l("年度总结内容在您打开页面后有变化，请核对后再定稿。")


def find_year_note(scope: SummaryScope, year: int) -> YearNote | None:
    return find_words(YearNote, scope, year=year)


def _locked_note(actor: Member, scope: SummaryScope, year: int) -> YearNote:
    return locked_words(actor, scope, YearNote, _l("无权修改该年度总结。"), year=year)


def save_year_notes(actor: Member, scope: SummaryScope, year: int, problems: str | None,
                    plans: str | None, *, shown_words: str | None = None) -> list[str]:
    """Keep the year's 存在问题 and 下步打算 (empty: left out of the document).

    As ``summary_notes.save_notes`` (``write_words``): merged with the words stored now,
    read under the summary's lock; a field both this page and another changed
    differently refuses the save whole (``shown.StaleEdit``), nothing written. Returns
    the fields whose change by another was kept."""
    note = _locked_note(actor, scope, year)
    if note.final:
        raise ServiceError(_l("该年度总结已定稿，不能再修改；如需修改，请管理员重新打开。"))
    return write_words(actor, note, problems, plans, shown_words, "save_year_notes",
                       scope=scope.key, year=year)


def year_outside(actor: Member, scope: SummaryScope, year: int,
                 today: date | None = None) -> list[Community]:
    """The communities of a unit's year that ``actor`` does not manage: those of each
    month begun as the 月报 reaches them (``summary_notes.reach_community_ids``: its live
    ones and those of its signed document) and, once the year is 已定稿, those its signed
    document covers — in one statement. None for an admin, for a community's summary, or
    for a liaison who sees the whole unit's year (``summary_notes.may_see_in_part``, the
    月报's guard).

    The liaison's own communities are ``actor.communities``: on a page they came with
    the session lookup (``sessions._live_lookup``), so they cost no statement here; read
    afresh after a commit expired them, or outside a request (session 35)."""
    if not may_see_in_part(actor, scope):
        return []
    communities = db.session.scalars(select(Community).where(year_reach(scope, year, today))
                                     .order_by(Community.sort_key, Community.id))
    return outside_of(actor, communities)


def year_reach(scope: SummaryScope, year: int, today: date | None = None):
    """The communities of a unit's year, as a condition on ``Community.id``: those of
    each month begun as the 月报 reaches them (``summary_notes.reach_community_ids``)
    and those the year's signed document covers. ``year_outside`` asks it;
    ``reports.queries.unit_year_communities_value`` reads it as a value of another
    statement (参与情况's 我联系的全部社区 of a year)."""
    today = today or local_today()
    last = 12 if year < today.year else today.month
    signed = signed_community_ids(scope, year, note=YearNote, copy=YearCopy,
                                  covers=year_copy_community)
    return or_(Community.id.in_(reach_community_ids(scope.unit_id, year, 1, through=last)),
               Community.id.in_(signed))


def finalize_year(actor: Member, scope: SummaryScope, year: int, today: date | None = None,
                  *, shown_words: str | None = None,
                  signed_at: datetime | None = None) -> YearNote:
    """已定稿: the year's words are final (the 落款 carries this date), as
    ``summary_notes.finalize`` marks a month: whoever may write them, once the year is
    over, from the whole unit's view only, the words the page showed
    (``shown_words``). ``reports.annual_final.finalize_year`` calls this and keeps the
    document. ``signed_at``: the moment of the signature when it is not now — the demo
    signs its last year as an office does, in January (``demo.seed_demo``)."""
    note = _locked_note(actor, scope, year)
    if note.final:
        raise ServiceError(_l("该年度总结已定稿。"))
    refuse_unseen(note, shown_words, YEAR_STALE)
    today = today or local_today()
    if year >= today.year:
        raise ServiceError(_l("年度结束后（次年1月1日起）才能定稿。"))
    missing = year_outside(actor, scope, year, today)
    if missing:
        raise ServiceError(_l(
            "本单位本年度还在%(names)s开展了工作，你负责的社区不包括这些社区，不能为全单位定稿；"
            "请单位管理员定稿。", names="、".join(c.name for c in missing)))
    return sign(actor, note, "finalize_year_summary", at=signed_at, scope=scope.key, year=year)


def current_year_copy(note: YearNote | None, managed: set[int] | None = None, *,
                      shown: bool = False) -> YearCopy | None:
    """``summary_notes.current_copy`` of a year: the document kept when ``note``'s year
    was finalised."""
    return current_copy(note, managed, YearCopy, year_copy_community, shown=shown)


def reopen_year(actor: Member, scope: SummaryScope, year: int) -> YearNote:
    """重新打开 (撤销定稿) so the words can be corrected: an admin only, as a month's 重新打开. The
    copy kept at 定稿 stays, marked re-opened."""
    if actor.role != Role.admin:
        raise PermissionDenied(_l("只有单位管理员可以重新打开已定稿的年度总结。"))
    note = _locked_note(actor, scope, year)
    if not note.final:
        raise ServiceError(_l("该年度总结尚未定稿。"))
    return unsign(actor, note, "reopen_year_summary", YearCopy, year_copy_community,
                  scope=scope.key, year=year)
