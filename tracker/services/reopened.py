"""What a change refused over its page's naming says (``roll.NamedSince``) when the
page named signed documents that are signed no more: re-opened (撤销定稿) since it was read.

A page that names the 已定稿 月报 and 年度总结 a change alters posts back their key
(``roll.named_key``); the change compares it with what it would alter now and, another
set found, writes nothing and shows the page again naming them afresh. When the page
named only fewer documents than now (one signed since), the page's own words fit: the
block naming them is on the page, 「请查看…说明」. When a document it named was re-opened,
that block may be gone, or name others: the words say which documents are no longer
signed, and, when nothing signed is left, that the change is now an ordinary one, to be
made again knowingly (docs/design.md, "Refused in a 已定稿 month": nothing is done that
the user did not confirm). A document also leaves the key when the change no longer
alters it, still signed (a participant's unit of the day corrected since): it is asked
whether each is signed still, and one signed still is said to be no longer changed by
this change, never 「已撤销定稿」 (review44b #2). One place chooses these words for every page
(``words_since``); the key is parsed here, as ``named_key`` writes it."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import Integer, and_, cast, literal, null, or_, select, true, union_all

from ..extensions import db
from ..i18n import lazy
from ..i18n import lazy_gettext as _l
from ..models import Community, Member, SummaryNote, Unit, YearNote
from ..security import key_id, key_ids
from .summary_notes import may_change_final

# ``roll.named_key``'s parts: a unit's month, a community's own month, a year of a scope
_UNIT_MONTH = re.compile(r"(\d+)-(\d+)-(\d+)(?:@([\d.]+))?")
_COMMUNITY_MONTH = re.compile(r"c(\d+)-(\d+)-(\d+)")
_YEAR = re.compile(r"y((?:unit:\d+)?/?(?:community:\d+)?)-(\d+)")
_SCOPE = re.compile(r"(?:unit:(\d+))?/?(?:community:(\d+))?")

# The most a page's key is read by. A page names the documents of one change: an
# activity's day, per unit it counts for (its own, each participant's of the day), the
# unit's month and two years, and its community's month and year; a fund entry the
# months to the year's end; a roll change or 更正日期 the months of two units from its
# day; 从上一年度复制, the largest, one year's 年度总结 of each unit, community and unit
# in a community with items — a few dozen documents, a few hundred for a county's
# whole checklist. A key of more parts than MAX_NAMED_PARTS, or longer than
# MAX_NAMED_LENGTH characters (the longest part, a year of a unit in a community, is
# under 50), is of no page: none of it is read, before any statement — its size would
# be the statements' (one condition per part, an id per number: SQLite's expression
# depth of 1000, PostgreSQL's 65,535 parameters, seconds of work; sec47 #1). Only the
# words of a refusal read the key: the compare itself (``roll.same_named``) is of its
# text, so a longer key a page did write still confirms, and is refused, should its
# documents change, in the page's own words, naming them afresh.
MAX_NAMED_PARTS = 500
MAX_NAMED_LENGTH = 50 * MAX_NAMED_PARTS


def key_parts(key: str | None) -> list[str]:
    """The documents of a ``named_key``, one part each."""
    return [part for part in (key or "").split(",") if part]


def gone(promised: str | None, now: str) -> list[str]:
    """The parts of the key a page posted (``promised``) that the key of now (``now``)
    no longer has, in its order: each a document re-opened since the page was read, or
    one still signed that the change no longer alters (a participant's unit of that day
    corrected since, a date moved out of its month: review44b #2) — ``reopened_names`` asks
    which."""
    kept = {_bare(part) for part in key_parts(now)}
    return [part for part in key_parts(promised) if _bare(part) not in kept]


def _bare(part: str) -> str:
    """A part by the document it names, without the scope it was found by."""
    return part.partition("@")[0]


@dataclass(frozen=True)
class Gone:
    """``gone``'s documents by what became of them, as a page names them: ``reopened``,
    no longer signed (撤销定稿); ``kept``, signed still, but no longer changed by this
    change. Only the first may be said to be 「已撤销定稿」 (docs/design.md, "Refused in a
    已定稿 month": what the page says is what happened)."""

    reopened: list = field(default_factory=list)
    kept: list = field(default_factory=list)


def _parsed(parts: list[str]) -> list[tuple]:
    """``named_key``'s parts as (kind, unit id, community id, year, month, scope); a
    part of no key of ours is left out — one of another shape, or a number that is no
    id the database holds (``security.key_id``: an id, year or month past its INTEGER,
    sec47 #2) —, and every part of a key longer than a page writes (``MAX_NAMED_PARTS``).
    ``scope``: a unit's month's communities (its whole 月报 and its 月报 in each), () for
    any of the unit's 月报 that month."""
    if len(parts) > MAX_NAMED_PARTS or sum(map(len, parts)) > MAX_NAMED_LENGTH:
        return []
    parsed = []
    for part in parts:
        if match := _UNIT_MONTH.fullmatch(part):
            numbers = _ids(match[1], match[2], match[3])
            scope = key_ids(match[4].split("."), MAX_NAMED_PARTS) if match[4] else []
            if numbers is not None and scope is not None:
                parsed.append(("unit", numbers[0], None, *numbers[1:], tuple(scope)))
        elif match := _COMMUNITY_MONTH.fullmatch(part):
            if (numbers := _ids(match[1], match[2], match[3])) is not None:
                parsed.append(("community", None, *numbers, ()))
        elif (match := _YEAR.fullmatch(part)) and (scope := _SCOPE.fullmatch(match[1])):
            unit, community = scope.groups()
            numbers = _ids(*(text for text in (unit, community) if text), match[2])
            if numbers is not None and (unit or community):
                unit_id = numbers.pop(0) if unit else None
                community_id = numbers.pop(0) if community else None
                parsed.append(("year", unit_id, community_id, numbers[0], None, ()))
    return parsed


def _ids(*texts: str) -> list[int] | None:
    """A part's numbers, each an id the database holds (``security.key_id``), or None."""
    numbers = [key_id(text) for text in texts]
    return None if None in numbers else numbers


def _still_signed(parsed: list[tuple]) -> set[tuple]:
    """Those of ``parsed`` whose document is 已定稿 now, read in one statement: a unit's
    month by the 月报 the page named it for — the unit's whole or the unit's in a
    community of its ``scope`` (as ``final_naming_places`` found it); with no scope, any
    of the unit's (as ``summary_notes.final_unit_months`` finds it) — never the unit's
    月报 in another community the change does not touch (review44c #2); a community's own
    month; a year of its exact scope (``summary_notes.final_years``)."""
    months, years = [], []
    for kind, unit_id, community_id, year, month, scope in parsed:
        if kind == "unit":
            within = (or_(SummaryNote.community_id.is_(None),
                          SummaryNote.community_id.in_(scope)) if scope else true())
            months.append(and_(SummaryNote.unit_id == unit_id, SummaryNote.year == year,
                               SummaryNote.month == month, within))
        elif kind == "community":
            months.append(and_(SummaryNote.unit_id.is_(None),
                               SummaryNote.community_id == community_id,
                               SummaryNote.year == year, SummaryNote.month == month))
        else:
            years.append(and_(_is(YearNote.unit_id, unit_id),
                              _is(YearNote.community_id, community_id), YearNote.year == year))
    selects = []
    if months:
        selects.append(select(literal("m"), SummaryNote.unit_id, SummaryNote.community_id,
                              SummaryNote.year, SummaryNote.month)
                       .where(SummaryNote.finalized_at.is_not(None), or_(*months)))
    if years:
        selects.append(select(literal("y"), YearNote.unit_id, YearNote.community_id,
                              YearNote.year, cast(null(), Integer))
                       .where(YearNote.finalized_at.is_not(None), or_(*years)))
    if not selects:
        return set()
    notes = set()
    stmt = selects[0] if len(selects) == 1 else union_all(*selects)
    for note, unit_id, community_id, year, month in db.session.execute(stmt):
        notes.add((note, unit_id, community_id, year, month))
    return {part for part in parsed if _signed(part, notes)}


def _signed(part: tuple, notes: set[tuple]) -> bool:
    """``part`` is one of the final ``notes`` (``_still_signed``'s rows)."""
    kind, unit_id, community_id, year, month, scope = part
    if kind == "year":
        return ("y", unit_id, community_id, year, None) in notes
    if kind == "community":
        return ("m", None, community_id, year, month) in notes
    return any(note == "m" and u == unit_id and (y, m) == (year, month)
               and (not scope or c is None or c in scope)
               for note, u, c, y, m in notes)


def _is(column, value):
    return column.is_(None) if value is None else column == value


def reopened_names(parts: list[str]) -> Gone:
    """``gone``'s documents as a page names them (a unit's or community's month 「…2026年
    10月」, a year 「…2026年」), by the names they bear now, split by whether they are
    signed still (``Gone``); a part naming no unit or community there is (not written by
    a page of ours) is left out. One statement per kind of name and one asking which are
    signed, asked only when something is gone."""
    parsed = _parsed(parts)
    units = _names(Unit, {p[1] for p in parsed if p[1] is not None})
    communities = _names(Community, {p[2] for p in parsed if p[2] is not None})
    signed = _still_signed(parsed) if parsed else set()
    found = Gone()
    for part in parsed:
        kind, unit_id, community_id, year, month, _scope = part
        unit, community = units.get(unit_id), communities.get(community_id)
        name = None
        if kind != "year":
            if (named := unit if kind == "unit" else community) is not None:
                name = _l("%(unit)s%(year)d年%(month)d月", unit=named, year=year, month=month)
        elif (unit_id is None or unit is not None) and (community_id is None
                                                        or community is not None):
            name = (_l("%(unit)s在%(community)s%(year)d年", unit=unit,
                       community=community, year=year)
                    if unit is not None and community is not None
                    else _l("%(unit)s%(year)d年", unit=unit or community, year=year))
        if name is not None:
            (found.kept if part in signed else found.reopened).append(name)
    return found


def _names(model, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())


class Then(NamedTuple):
    """A page's words after its change was refused for what its page named, each ending
    on the button the page then shows, in its verb or by its name (「…请查看后再点击
    “确认作废”。」, ``confirming``, then55): a page's words never send the user to a button
    it does not have (since51's Open, afresh52). Whole sentences, one msgid per verb — a
    translator gets each sentence whole, never a verb spliced into one; a button named is
    its own msgid, in quotes.

    The block names others now (``words_since``), by what became of the documents gone
    from its key: ``reopened`` only, ``kept`` only, ``both``. ``same``: the fresh read
    names exactly what the page named — a month signed under the service's locks and
    re-opened after its rollback —: nothing on the page changed, so not 「…有了变化…请查看…」
    over an identical list (stale53). Nothing signed is left — the plain form asked again,
    its own button under it —: ``none`` (nothing said re-opened: a page that named nothing,
    or whose key cannot be read), ``reopened_none``, ``kept_none``, ``both_none``.
    ``more``: only more is signed now, the block naming all the page named and more — a
    「确认…」 page's own sentence, naming its button (``confirming``, small56); None for a
    page whose callers pass their own (保存's, 通过's, 确认导入's, the member form's)."""

    reopened: Callable
    kept: Callable
    both: Callable
    same: object
    none: object
    reopened_none: Callable
    kept_none: Callable
    both_none: Callable
    more: object = None


def confirming(button, same, none, reopened_none, kept_none, both_none) -> Then:
    """The words of a page whose naming's button is 「确认…」, built whole: the sentences
    naming others now send the user to the block above that button and to the button by
    its name, ``button`` (its msgid, as the page draws it: 「…见本页的说明，请查看后再点击
    “确认作废”。」, then55 — one sentence per case for every page, the button in quotes as
    the member form's 「…点击“%(button)s”保存。」, not 14 pages × 3); the page's own
    ``same`` and, nothing signed left, ``none`` and the rest, each naming the button in
    its verb (``then_pages``: 「…如仍要作废，请再次点击“确认作废”。」, then53; the member
    form's and 更正日期's below). No page's words are a generic base's (「…请再次确认。」,
    「…如仍要进行，请再次提交。」 over a page with no 提交: then55). Only more signed now
    (``more``), the page's own sentence names the button too: 「…请查看上方的说明后再点击
    “确认作废”。」, not 「…后再确认。」 (small56)."""
    return Then(
        lambda names, kept: _l(
            "打开页面之后，%(names)s已撤销定稿，未作任何更改。这次操作现在涉及的已定稿月报或"
            "年度总结见本页的说明，请查看后再点击“%(button)s”。", names=names, button=button),
        lambda names, kept: _l(
            "打开页面之后，这次操作已不再改变%(kept)s（仍为已定稿），未作任何更改。"
            "这次操作现在涉及的已定稿月报或年度总结见本页的说明，请查看后再点击“%(button)s”。",
            kept=kept, button=button),
        lambda names, kept: _l(
            "打开页面之后，%(names)s已撤销定稿，这次操作也不再改变%(kept)s（仍为已定稿），"
            "未作任何更改。这次操作现在涉及的已定稿月报或年度总结见本页的说明，"
            "请查看后再点击“%(button)s”。", names=names, kept=kept, button=button),
        same, none, reopened_none, kept_none, both_none,
        _l("打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，未作任何更改。"
           "请查看上方的说明后再点击“%(button)s”。", button=button))


# the 服务对象 page, whose naming stands above its one 保存 (``RESIDENTS_NAMED_SINCE``:
# 「…请查看上方的说明后再保存。」); the list again and nothing signed left, 保存 (then54)
THEN_SAVE = Then(
    lambda names, kept: _l(
        "打开页面之后，%(names)s已撤销定稿，未作任何更改。这次操作现在涉及的已定稿月报或"
        "年度总结见本页的说明，请查看后再保存。", names=names),
    lambda names, kept: _l(
        "打开页面之后，这次操作已不再改变%(kept)s（仍为已定稿），未作任何更改。"
        "这次操作现在涉及的已定稿月报或年度总结见本页的说明，请查看后再保存。", kept=kept),
    lambda names, kept: _l(
        "打开页面之后，%(names)s已撤销定稿，这次操作也不再改变%(kept)s（仍为已定稿），"
        "未作任何更改。这次操作现在涉及的已定稿月报或年度总结见本页的说明，请查看后再保存。",
        names=names, kept=kept),
    _l("打开页面之后，这次操作涉及的已定稿月报或年度总结曾有变化，现在仍是本页说明所列的这些。"
       "未作任何更改；如仍要保存，请再次点击“保存”。"),
    _l("打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，现在不会改变已定稿的月报"
       "或年度总结。未作任何更改；如仍要保存，请再次点击“保存”。"),
    lambda names, kept: _l(
        "打开页面之后，%(names)s已撤销定稿，这次操作现在不会改变已定稿的月报或年度总结。"
        "未作任何更改；如仍要保存，请再次点击“保存”。", names=names),
    lambda names, kept: _l(
        "打开页面之后，这次操作已不再改变%(kept)s（仍为已定稿），现在不会改变已定稿的月报"
        "或年度总结。未作任何更改；如仍要保存，请再次点击“保存”。", kept=kept),
    lambda names, kept: _l(
        "打开页面之后，%(names)s已撤销定稿，这次操作也不再改变%(kept)s（仍为已定稿），"
        "现在不会改变已定稿的月报或年度总结。未作任何更改；如仍要保存，请再次点击“保存”。",
        names=names, kept=kept))

# the report's page, whose naming stands in its 审核 above 通过 and 退回
# (``APPROVAL_NAMED_SINCE``: 「…请查看现在的说明后再审核。」); the list again and nothing
# signed left, 通过: only 通过 names and is refused for what it named (退回 changes no
# signed document), so the re-ask is of the 通过 pressed, not of a choice (then54)
THEN_REVIEW = Then(
    lambda names, kept: _l(
        "打开页面之后，%(names)s已撤销定稿，未作任何更改。这次操作现在涉及的已定稿月报或"
        "年度总结见本页的说明，请查看后再审核。", names=names),
    lambda names, kept: _l(
        "打开页面之后，这次操作已不再改变%(kept)s（仍为已定稿），未作任何更改。"
        "这次操作现在涉及的已定稿月报或年度总结见本页的说明，请查看后再审核。", kept=kept),
    lambda names, kept: _l(
        "打开页面之后，%(names)s已撤销定稿，这次操作也不再改变%(kept)s（仍为已定稿），"
        "未作任何更改。这次操作现在涉及的已定稿月报或年度总结见本页的说明，请查看后再审核。",
        names=names, kept=kept),
    _l("打开页面之后，这次操作涉及的已定稿月报或年度总结曾有变化，现在仍是本页说明所列的这些。"
       "未作任何更改；如仍要通过，请再次点击“通过”。"),
    _l("打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，现在不会改变已定稿的月报"
       "或年度总结。未作任何更改；如仍要通过，请再次点击“通过”。"),
    lambda names, kept: _l(
        "打开页面之后，%(names)s已撤销定稿，这次操作现在不会改变已定稿的月报或年度总结。"
        "未作任何更改；如仍要通过，请再次点击“通过”。", names=names),
    lambda names, kept: _l(
        "打开页面之后，这次操作已不再改变%(kept)s（仍为已定稿），现在不会改变已定稿的月报"
        "或年度总结。未作任何更改；如仍要通过，请再次点击“通过”。", kept=kept),
    lambda names, kept: _l(
        "打开页面之后，%(names)s已撤销定稿，这次操作也不再改变%(kept)s（仍为已定稿），"
        "现在不会改变已定稿的月报或年度总结。未作任何更改；如仍要通过，请再次点击“通过”。",
        names=names, kept=kept))

# the member form adding a member: its naming page's button is 确认添加, the plain form's
# (nothing signed left) 添加
THEN_ADD = confirming(
    button=_l("确认添加"),
    same=_l("打开页面之后，这次操作涉及的已定稿月报或年度总结曾有变化，"
            "现在仍是本页说明所列的这些。未作任何更改；如仍要添加，请再次点击“确认添加”。"),
    none=_l("打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，现在不会改变已定稿的月报"
            "或年度总结。未作任何更改；如仍要添加，请再次点击“添加”。"),
    reopened_none=lambda names, kept: _l(
        "打开页面之后，%(names)s已撤销定稿，这次操作现在不会改变已定稿的月报或年度总结。"
        "未作任何更改；如仍要添加，请再次点击“添加”。", names=names),
    kept_none=lambda names, kept: _l(
        "打开页面之后，这次操作已不再改变%(kept)s（仍为已定稿），现在不会改变已定稿的月报"
        "或年度总结。未作任何更改；如仍要添加，请再次点击“添加”。", kept=kept),
    both_none=lambda names, kept: _l(
        "打开页面之后，%(names)s已撤销定稿，这次操作也不再改变%(kept)s（仍为已定稿），"
        "现在不会改变已定稿的月报或年度总结。未作任何更改；如仍要添加，请再次点击“添加”。",
        names=names, kept=kept))

# the member form saving a member, and 服务对象's kind form: 确认保存, the plain form's 保存
THEN_EDIT = confirming(
    button=_l("确认保存"),
    same=_l("打开页面之后，这次操作涉及的已定稿月报或年度总结曾有变化，"
            "现在仍是本页说明所列的这些。未作任何更改；如仍要保存，请再次点击“确认保存”。"),
    none=THEN_SAVE.none, reopened_none=THEN_SAVE.reopened_none,
    kept_none=THEN_SAVE.kept_none, both_none=THEN_SAVE.both_none)

# 更正日期: its naming's button 确认更正, the plain form's 更正日期
THEN_CORRECT = confirming(
    button=_l("确认更正"),
    same=_l("打开页面之后，这次操作涉及的已定稿月报或年度总结曾有变化，"
            "现在仍是本页说明所列的这些。未作任何更改；如仍要更正，请再次点击“确认更正”。"),
    none=_l("打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，现在不会改变已定稿的月报"
            "或年度总结。未作任何更改；如仍要更正，请再次点击“更正日期”。"),
    reopened_none=lambda names, kept: _l(
        "打开页面之后，%(names)s已撤销定稿，这次操作现在不会改变已定稿的月报或年度总结。"
        "未作任何更改；如仍要更正，请再次点击“更正日期”。", names=names),
    kept_none=lambda names, kept: _l(
        "打开页面之后，这次操作已不再改变%(kept)s（仍为已定稿），现在不会改变已定稿的月报"
        "或年度总结。未作任何更改；如仍要更正，请再次点击“更正日期”。", kept=kept),
    both_none=lambda names, kept: _l(
        "打开页面之后，%(names)s已撤销定稿，这次操作也不再改变%(kept)s（仍为已定稿），"
        "现在不会改变已定稿的月报或年度总结。未作任何更改；如仍要更正，请再次点击“更正日期”。",
        names=names, kept=kept))

# the member import's and the ledger import's preview, confirmed by 确认导入 whatever it
# names: its list again, the same as the preview showed; the list again and nothing
# signed left, 确认导入 (then54)
THEN_IMPORT = Then(
    lambda names, kept: _l(
        "预览之后，%(names)s已撤销定稿，未导入任何数据。这次导入现在涉及的已定稿月报或"
        "年度总结见预览中重新列出的月报和年度总结，请核对后再确认导入。", names=names),
    lambda names, kept: _l(
        "预览之后，这次导入已不再改变%(kept)s（仍为已定稿），未导入任何数据。这次导入现在"
        "涉及的已定稿月报或年度总结见预览中重新列出的月报和年度总结，请核对后再确认导入。",
        kept=kept),
    lambda names, kept: _l(
        "预览之后，%(names)s已撤销定稿，这次导入也不再改变%(kept)s（仍为已定稿），未导入"
        "任何数据。这次导入现在涉及的已定稿月报或年度总结见预览中重新列出的月报和年度总结，"
        "请核对后再确认导入。", names=names, kept=kept),
    _l("预览之后，这次导入涉及的已定稿月报或年度总结曾有变化，现在仍是预览中所列的这些。"
       "未导入任何数据；如仍要导入，请再次点击“确认导入”。"),
    _l("预览之后，这次导入涉及的已定稿月报或年度总结有了变化，现在不会改变已定稿的月报"
       "或年度总结。未导入任何数据；如仍要导入，请再次点击“确认导入”。"),
    lambda names, kept: _l(
        "预览之后，%(names)s已撤销定稿，这次导入现在不会改变已定稿的月报或年度总结。"
        "未导入任何数据；如仍要导入，请再次点击“确认导入”。", names=names),
    lambda names, kept: _l(
        "预览之后，这次导入已不再改变%(kept)s（仍为已定稿），现在不会改变已定稿的月报"
        "或年度总结。未导入任何数据；如仍要导入，请再次点击“确认导入”。", kept=kept),
    lambda names, kept: _l(
        "预览之后，%(names)s已撤销定稿，这次导入也不再改变%(kept)s（仍为已定稿），"
        "现在不会改变已定稿的月报或年度总结。未导入任何数据；如仍要导入，请再次点击“确认导入”。",
        names=names, kept=kept))


def words_since(since, named_now: bool, words, then: Then, *, same: bool = False):
    """What the page named afresh says first. ``since``: what is gone from the page's key
    (``reopened_since``, a ``Gone``; a bare list: names re-opened; None: none gone —
    only signed since); ``named_now``: whether the change names any signed document now
    (the page's block); ``words``: the page's own sentence, for a page whose block names
    them all (None: its ``then.more``, a 「确认…」 page's naming its button); ``then``: the page's words, ending on its button (no default: every page
    names its own, then54 — there is no generic 「…请再次提交。」, then55); ``same``: the
    key of now names exactly what the page named (``then.same``). Re-opened documents are
    said to be 「已撤销定稿」, those still signed to be no longer changed by this change."""
    if words is None:
        words = then.more
        if words is None:  # a page's own sentence, never a generic one (then55)
            raise TypeError(f"no words of its own for {then!r:.60}")
    if isinstance(since, list):
        since = Gone(reopened=since)
    if since is None or (not since.reopened and not since.kept):
        # nothing gone from the page's key: its own sentence points at the block — unless
        # the block lists exactly what the page listed (signed under the service's locks,
        # re-opened after its rollback: nothing to look at anew, stale53); a page that
        # named nothing and names nothing now has no block to point at (review50 #1:
        # 通过, 作废, 撤销审核, as ``NamedFirst.since`` says it)
        if not named_now:
            return then.none
        return then.same if same else words
    names, kept = _joined(since.reopened), _joined(since.kept)
    if named_now:  # others are named on the page now
        if not since.kept:
            return then.reopened(names, kept)
        if not since.reopened:
            return then.kept(names, kept)
        return then.both(names, kept)
    # nothing signed is left to change: an ordinary change now, made again knowingly
    if not since.kept:
        return then.reopened_none(names, kept)
    if not since.reopened:
        return then.kept_none(names, kept)
    return then.both_none(names, kept)


def _joined(names: list):
    return lazy(lambda: str(_l("、")).join(str(name) for name in names))


def reopened_since(promised: str | None, now: str, reader: Member) -> Gone | None:
    """What of the page's key (``promised``) the key of now does not name
    (``reopened_names``: re-opened, or signed still and no longer changed), None when
    nothing is gone. ``reader``: who posted it. Only an admin's pages name signed
    documents — for anyone else a 已定稿 month refuses the change (``closed_to``) and
    every naming is None —, so a key naming some from anyone else is of no page of
    ours: none of it is read, and the words name nothing — never a unit's or
    community's name, nor whether its month is signed, asked by an id of the post
    (sec47 #3)."""
    parts = gone(promised, now)
    if not parts:
        return None
    return reopened_names(parts if may_change_final(reader) else [])
