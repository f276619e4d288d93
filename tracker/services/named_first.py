"""What an admin's change dated in a 已定稿 month changes, named before it is done.

A signed month's figures are changed by an admin only (``summary_notes.closed_to``
refuses anyone else); before an admin's change the 已定稿 月报 and 年度总结 it will
change are named on a confirmation page, as before 通过, 冲销, 作废 and 撤销审核
(``reviews.approval_signed``, ``funds.reversal_signed``, ``voiding.void_signed``). These
are the changes the same rule refuses a liaison that had no naming of their own
(figures42 #1): 登记支出, 补录, 添加遗漏的参加人员 and a finding's 移交 / 整改 — each
asked of the places it is refused by, through the one rule of
``summary_notes.final_naming_places`` (one statement)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, literal, select, union_all

from ..i18n import lazy_gettext as _l
from ..models import Member
from ..rollups.stays import unit_then
from . import ServiceError
from .roll import named_key
from .summary_notes import Naming, final_naming_places, may_change_final

_KEY = 0  # one change: one key

NAMED_SINCE = _l("打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，未作任何更改。"
                 "请查看上方的说明后再确认。")


class NamedSince(ServiceError):
    """An admin's change confirmed on a page that named other 已定稿 月报 and 年度总结
    than it changes now — a month signed (or re-opened) since the page was read —,
    found under the change's locks; ``naming`` (a ``summary_notes.Naming``, or None) is
    what it changes now, for the confirmation page to name afresh. Nothing is done."""

    def __init__(self, naming: Naming | None, message=NAMED_SINCE):
        super().__init__(message)
        self.naming = naming


def keep_named(naming: Naming | None, promised: str | None) -> None:
    """Refuse (``NamedSince``) a change whose page named other signed documents
    (``promised``: its ``roll.named_key``) than ``naming``, asked by the change under
    its locks (``final_naming_places(lock=True)``); ``promised`` None — a post from no
    page of ours, a script — asks nothing, as before the key."""
    if promised is not None and named_key(naming) != promised:
        raise NamedSince(naming)


def _place(unit_id: int, community_id: int, day: date):
    return select(literal(_KEY, Integer()).label("key"), literal(unit_id, Integer()).label("unit_id"),
                  literal(community_id, Integer()).label("community_id"),
                  literal(day, Date()).label("day"))


def day_signed(actor: Member, unit_id: int, community_id: int,
               day: date | None, *, lock: bool = False) -> Naming | None:
    """The 已定稿 月报 and 年度总结 a change of the unit's work in the community dated
    ``day`` changes — a fund entry (登记支出) or its 冲销 (``funds.reversal_signed``), a
    finding's 移交 or 整改 (the places ``funds.check_month_open`` and
    ``findings._check_month_open`` refuse a liaison by), an approved visit's 服务对象
    (``services.residents.task_residents_signed``); None for anyone but an admin, or when none.
    ``lock``: asked by the change under its own locks (``final_naming_places``')."""
    if day is None or not may_change_final(actor):
        return None
    return final_naming_places(_place(unit_id, community_id, day).subquery(),
                               lock=lock).get(_KEY) or None


def work_signed(actor: Member, unit_id: int, community_id: int, day: date | None,
                member_ids, *, lock: bool = False) -> Naming | None:
    """The 已定稿 月报 and 年度总结 that hours recorded on ``day`` for the unit's
    activity in the community change: the activity's, and each member's of
    ``member_ids`` in their unit of that day (``stays.unit_then``) — the places 补录
    and 添加遗漏的参加人员 refuse a liaison by ("Whichever unit's month it is":
    ``summary_notes.closed_member_units``); None for anyone but an admin, or when none.
    ``lock`` as ``day_signed``'s."""
    if day is None or not may_change_final(actor):
        return None
    ids = sorted({m for m in member_ids if m is not None})
    parts = [_place(unit_id, community_id, day)]
    if ids:
        parts.append(select(literal(_KEY, Integer()).label("key"),
                            unit_then(Member.id, literal(day, Date()), Member.unit_id)
                            .label("unit_id"),
                            literal(community_id, Integer()).label("community_id"),
                            literal(day, Date()).label("day")).where(Member.id.in_(ids)))
    return final_naming_places(union_all(*parts).subquery(), lock=lock).get(_KEY) or None
