"""What an admin's change dated in a 已定稿 month changes, named before it is done.

A signed month's figures are changed by an admin only (``summary_notes.closed_to``
refuses anyone else); before an admin's change the 已定稿 月报 and 年度总结 it will
change are named on a confirmation page, as before 通过, 冲销, 作废 and 撤销审核
(``reviews.approval_signed``, ``funds.reversal_signed``, ``voiding.void_signed``). These
are the changes the same rule refuses a liaison that had no naming of their own
(figures42 #1): 登记支出 (``funds.entry_signed``), 补录 — one by one, or many from the
台账 (the ledger import's preview and 确认导入, ``import_places_signed``) —,
添加遗漏的参加人员 and a finding's
移交 / 整改 — each asked of the places it is refused by, through the one rule of
``summary_notes.final_naming_places`` (one statement)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import (Boolean, Date, Integer, column, false, func, literal, select, union_all,
                        values)

from ..extensions import db
from ..models import AssignmentStatus, Member, Task
from ..rollups.stays import unit_then
from .reviews import approval_places
from .summary_notes import Naming, final_naming_places, may_change_final, roll_end_parts

_KEY = 0  # one change: one key


def _place(unit_id: int, community_id: int, day: date):
    return select(literal(_KEY, Integer()).label("key"), literal(unit_id, Integer()).label("unit_id"),
                  literal(community_id, Integer()).label("community_id"),
                  literal(day, Date()).label("day"))


def day_signed(actor: Member, unit_id: int, community_id: int,
               day: date | None, *, lock: bool = False) -> Naming | None:
    """The 已定稿 月报 and 年度总结 a change of the unit's work in the community dated
    ``day`` changes — those of the day's month and year: a finding's 移交 or 整改 (the
    places ``findings._check_month_open`` refuses a liaison by), an approved visit's 服务对象
    (``services.residents.task_residents_signed``). Not a fund entry nor its 冲销, which
    every later 月报 of the year counts too (``funds.entry_signed``, walk45 #1); None for
    anyone but an admin, or when none.
    ``lock``: asked by the change under its own locks (``final_naming_places``')."""
    if day is None or not may_change_final(actor):
        return None
    return final_naming_places(_place(unit_id, community_id, day).subquery(),
                               lock=lock).get(_KEY) or None


def work_signed(actor: Member, unit_id: int, community_id: int, day: date | None,
                member_ids, *, lock: bool = False) -> Naming | None:
    """The 已定稿 月报 and 年度总结 that hours recorded on ``day`` for the unit's
    activity in the community change: the activity's, and each member's of
    ``member_ids`` in their unit of that day (``stays.unit_then``), and in the units
    whose roll of the month's or the year's end holds them when its 参与情况 changes
    (``summary_notes.roll_end_parts``, naming50) — the places 补录 and 添加遗漏的参加人员
    refuse a liaison by ("Whichever unit's month it is":
    ``summary_notes.closed_member_units``); None for anyone but an admin, or when none.
    ``lock`` as ``day_signed``'s."""
    if day is None or not may_change_final(actor):
        return None
    ids = sorted({m for m in member_ids if m is not None})
    key, community = (literal(_KEY, Integer()).label("key"),
                      literal(community_id, Integer()).label("community_id"))
    no = (false().label("year_only"), false().label("month_only"), false().label("part_only"))
    parts = [_place(unit_id, community_id, day).add_columns(*no)]
    if ids:
        of_day = unit_then(Member.id, literal(day, Date()), Member.unit_id)
        parts.append(select(key, of_day.label("unit_id"), community,
                            literal(day, Date()).label("day"), *no).where(Member.id.in_(ids)))
        # and the units whose roll of the month's (year's) end holds them, when their
        # 参与情况 changes (``summary_notes.roll_end_parts``, naming50): the rule a
        # liaison's 补录 is refused by (``closed_member_units``)
        for by_month in (True, False):
            stay, roll = roll_end_parts(Member.id, day, community_id, unit_id, of_day, (),
                                        by_month)
            parts.append(select(key, stay.unit_id, community, literal(day, Date()),
                                *roll.columns)
                         .select_from(Member).join(stay, roll.joined)
                         .where(Member.id.in_(ids), *roll.where))
    return final_naming_places(union_all(*parts).subquery(), lock=lock).get(_KEY) or None


def counted_places(task_ids) -> list[tuple]:
    """The months — (unit id, community id, year, month, year only, month only, part
    only) — whose 月报 and 年度总结 count the approved activities ``task_ids`` (a ledger
    import's, recorded): each one's own unit on its day and each participant's unit of
    the day — the places ``work_signed`` names for one 补录 —, and a participant's unit
    on the roll of the month's or the year's end whose 参与情况 they change (its month
    alone, or its year alone, maybe its part alone: 1 for so; naming50), read as
    ``reviews.approval_places`` gives them of what an approved activity counts (the
    confirmed). A month, not a day: the naming asks no more of it, and a file of a
    thousand activities comes to a few dozen. One statement."""
    if not task_ids:
        return []
    places = approval_places(task_ids, (AssignmentStatus.done,)).subquery()
    rows = db.session.execute(
        select(func.coalesce(places.c.unit_id, Task.unit_id), Task.community_id, places.c.day,
               places.c.year_only, places.c.month_only, places.c.part_only)
        .join(Task, Task.id == places.c.task_id).where(places.c.day.is_not(None)).distinct())
    return sorted({(unit_id, community_id, day.year, day.month, int(bool(year_only)),
                    int(bool(month_only)), int(bool(part_only)))
                   for unit_id, community_id, day, year_only, month_only, part_only in rows})


def import_places_signed(actor: Member, places, *, lock: bool = False) -> Naming | None:
    """The 已定稿 月报 and 年度总结 that work on ``places`` (``counted_places``: a ledger
    import's, kept with its rows) changes, as one ``Naming`` for the whole file — named
    on its preview before 确认导入 and asked again by the import itself
    (``ledger_import.import_ledger``'s ``promised``). One statement, whatever the
    file's rows: the places ride in it as a table of values. None for anyone but an
    admin — a liaison's rows there are refused instead —, or when none.
    ``lock``: asked by the import under its own locks, after what it recorded — the
    months' units then communities ``FOR SHARE`` last (``final_naming_places``'), so a
    定稿 either committed before the answer and is named, or waits for the import and
    signs it; the preview passes False."""
    if not places or not may_change_final(actor):
        return None
    # a place kept before naming50 has no flags: a place of month and year, all of it
    rows = [(_KEY, unit_id, community_id, date(year, month, 1), bool(year_only),
             bool(month_only), bool(part_only))
            for unit_id, community_id, year, month, year_only, month_only, part_only
            in sorted({(*p, 0, 0, 0)[:7] for p in places})]
    # a common table (not a derived table: SQLite takes no column names on one)
    table = values(column("key", Integer), column("unit_id", Integer),
                   column("community_id", Integer), column("day", Date),
                   column("year_only", Boolean), column("month_only", Boolean),
                   column("part_only", Boolean),
                   name="import_places").data(rows).cte("import_places")
    return final_naming_places(table, lock=lock).get(_KEY) or None
