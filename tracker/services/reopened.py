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
the user did not confirm). One place chooses these words for every page
(``words_since``); the key is parsed here, as ``named_key`` writes it."""
from __future__ import annotations

import re

from sqlalchemy import select

from ..extensions import db
from ..i18n import lazy
from ..i18n import lazy_gettext as _l
from ..models import Community, Unit

# nothing signed is left, and what the page named cannot be told (a key of no page of ours)
CHANGED_NONE = _l("打开页面之后，这次操作涉及的已定稿月报或年度总结有了变化，现在不会改变已定稿的月报"
                  "或年度总结。未作任何更改；如仍要进行，请再次提交。")

# ``roll.named_key``'s parts: a unit's month, a community's own month, a year of a scope
_UNIT_MONTH = re.compile(r"(\d+)-(\d+)-(\d+)")
_COMMUNITY_MONTH = re.compile(r"c(\d+)-(\d+)-(\d+)")
_YEAR = re.compile(r"y((?:unit:\d+)?/?(?:community:\d+)?)-(\d+)")
_SCOPE = re.compile(r"(?:unit:(\d+))?/?(?:community:(\d+))?")


def key_parts(key: str | None) -> list[str]:
    """The documents of a ``named_key``, one part each."""
    return [part for part in (key or "").split(",") if part]


def gone(promised: str | None, now: str) -> list[str]:
    """The parts of the key a page posted (``promised``) that the key of now (``now``)
    no longer has: the documents re-opened since the page was read, in its order."""
    kept = set(key_parts(now))
    return [part for part in key_parts(promised) if part not in kept]


def reopened_names(parts: list[str]) -> list:
    """``gone``'s documents as a page names them (a unit's or community's month 「…2026年
    10月」, a year 「…2026年」), by the names they bear now; a part naming no unit or
    community there is (not written by a page of ours) is left out. One statement per
    kind of name, asked only when something is gone."""
    parsed = []
    for part in parts:
        if match := _UNIT_MONTH.fullmatch(part):
            parsed.append(("unit", int(match[1]), None, int(match[2]), int(match[3])))
        elif match := _COMMUNITY_MONTH.fullmatch(part):
            parsed.append(("community", None, int(match[1]), int(match[2]), int(match[3])))
        elif (match := _YEAR.fullmatch(part)) and (scope := _SCOPE.fullmatch(match[1])):
            unit_id, community_id = (int(x) if x else None for x in scope.groups())
            if unit_id is not None or community_id is not None:
                parsed.append(("year", unit_id, community_id, int(match[2]), None))
    units = _names(Unit, {p[1] for p in parsed if p[1] is not None})
    communities = _names(Community, {p[2] for p in parsed if p[2] is not None})
    names = []
    for kind, unit_id, community_id, year, month in parsed:
        unit, community = units.get(unit_id), communities.get(community_id)
        if kind != "year":
            name = unit if kind == "unit" else community
            if name is not None:
                names.append(_l("%(unit)s%(year)d年%(month)d月", unit=name, year=year,
                                month=month))
        elif (unit_id is None or unit is not None) and (community_id is None
                                                        or community is not None):
            names.append(_l("%(unit)s在%(community)s%(year)d年", unit=unit,
                            community=community, year=year)
                         if unit is not None and community is not None
                         else _l("%(unit)s%(year)d年", unit=unit or community, year=year))
    return names


def _names(model, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())


def words_since(names: list | None, named_now: bool, words):
    """What the page named afresh says first. ``names``: the documents re-opened since
    (``reopened_names``; None: none gone — only signed since); ``named_now``: whether
    the change names any signed document now (the page's block); ``words``: the page's
    own sentence, for a page whose block names them all."""
    if names is None or (not names and named_now):
        return words
    if not names:
        return CHANGED_NONE
    joined = lazy(lambda: str(_l("、")).join(str(name) for name in names))
    if named_now:  # others are named on the page now
        return _l("打开页面之后，%(names)s已撤销定稿，未作任何更改。这次操作现在涉及的已定稿月报或"
                  "年度总结见本页的说明，请查看后再确认。", names=joined)
    # nothing signed is left: the change is an ordinary one now, made again knowingly
    return _l("打开页面之后，%(names)s已撤销定稿，这次操作现在不会改变已定稿的月报或年度总结。"
              "未作任何更改；如仍要进行，请再次提交。", names=joined)


def reopened_since(promised: str | None, now: str) -> list | None:
    """The names of the documents the page's key (``promised``) named that the key of
    now does not (``reopened_names``), None when none is gone."""
    parts = gone(promised, now)
    return reopened_names(parts) if parts else None
