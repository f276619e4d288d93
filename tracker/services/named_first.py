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

from collections.abc import Callable
from datetime import date

from sqlalchemy import Date, Integer, literal, select, union_all

from ..models import Member
from ..rollups.stays import unit_then
from . import ServiceError
from .roll import named_key
from .summary_notes import Naming, final_naming_places, may_change_final

_KEY = 0  # one change: one key


def _place(unit_id: int, community_id: int, day: date):
    return select(literal(_KEY, Integer()).label("key"), literal(unit_id, Integer()).label("unit_id"),
                  literal(community_id, Integer()).label("community_id"),
                  literal(day, Date()).label("day"))


def day_signed(actor: Member, unit_id: int, community_id: int,
               day: date | None) -> Naming | None:
    """The 已定稿 月报 and 年度总结 a change of the unit's work in the community dated
    ``day`` changes — a fund entry (登记支出) or its 冲销 (``funds.reversal_signed``), a
    finding's 移交 or 整改 (the places ``funds.check_month_open`` and
    ``findings._check_month_open`` refuse a liaison by), an approved visit's 服务对象
    (``services.residents.task_residents_signed``); None for anyone but an admin, or when none."""
    if day is None or not may_change_final(actor):
        return None
    return final_naming_places(_place(unit_id, community_id, day).subquery()).get(_KEY) or None


def work_signed(actor: Member, unit_id: int, community_id: int, day: date | None,
                member_ids) -> Naming | None:
    """The 已定稿 月报 and 年度总结 that hours recorded on ``day`` for the unit's
    activity in the community change: the activity's, and each member's of
    ``member_ids`` in their unit of that day (``stays.unit_then``) — the places 补录
    and 添加遗漏的参加人员 refuse a liaison by ("Whichever unit's month it is":
    ``summary_notes.closed_member_units``); None for anyone but an admin, or when none."""
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
    return final_naming_places(union_all(*parts).subquery()).get(_KEY) or None


class NamedSince(ServiceError):
    """A change refused, nothing written: the 已定稿 月报 and 年度总结 it would change are
    not those its page named (``keep_named``) — a month signed, or reopened, since the
    page was read. The view answers with the page naming them afresh, typed fields kept."""


def keep_named(promised: str | None, named: Callable[[], Naming | None], words) -> None:
    """Refuse (``NamedSince``, ``words``) a change whose page named other signed
    documents than ``named()`` — what the change would name now, read only when a key
    was posted (a statement) —: ``promised`` is the
    ``roll.named_key`` the page posted back ("" when it named nothing). None: the post
    carried no key (not from a page of the app), and is not asked — as today.
    Called by the service after its own locks (通过, 冲销, 服务对象), so it compares what
    the write will change; the one compare of 作废's and 撤销审核's ``named`` too, once
    they are folded in (their views compare ``VoidForm.named`` / ``ReopenForm.named``)."""
    if promised is not None and promised != named_key(named()):
        raise NamedSince(words)
