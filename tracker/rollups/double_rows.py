"""The rows of the "双创" view (``double``): a zone's (or community's) figures, an
admin's own "双创" category's figures in it, and the view they make up."""
from __future__ import annotations

from dataclasses import dataclass, field, fields

from .figures import Pending


@dataclass
class OtherWork:
    """An admin's own "双创" category's figures in a row of the view: its 完成数量 —
    its activities when it has no unit for one (``OtherCategory.unit``) — official,
    pending and in the year to date, and the year's target in that measure."""

    done: int = 0
    pending: int = 0
    year: int = 0
    target: int = 0

    def add(self, other: "OtherWork") -> None:
        self.done += other.done
        self.pending += other.pending
        self.year += other.year
        self.target += other.target


@dataclass(frozen=True)
class OtherCategory:
    """A "双创" category other than the three with columns of their own, as the view
    names its figures: in its 完成数量's unit (辆), or — without one — in activities
    (次)."""

    id: int
    name: str
    unit: str | None
    by_quantity: bool  # False: counted in activities


@dataclass
class DoubleRow:
    """One zone (or community) of the "双创" view. Period figures are official
    unless named pending; ``*_year`` is the year to date up to the period's end."""

    key: int | None
    name: str
    community_name: str = ""
    # a 「未分责任区」 row's community (``key`` None): a view by zone has one such row per
    # community with work on no zone; None on a zone's or a community's row
    community_id: int | None = None
    ads: int = 0
    ads_pending: int = 0
    ads_year: int = 0
    ads_target: int = 0
    stairs: int = 0
    stairs_pending: int = 0
    stairs_year: int = 0
    stairs_target: int = 0
    found: int = 0
    handed_over: int = 0
    fixed: int = 0
    # the period's steps with findings of any period: handed over / fixed on a day of
    # it (the 月报's 本月移交 / 本月整改, ``findings.moves_plan``); set by the view
    # that asks for them (``with_moves``), 0 otherwise
    handed_over_in: int = 0
    fixed_in: int = 0
    found_pending: int = 0  # findings of surveys 待审核
    found_year: int = 0
    survey_target: int = 0
    activities: int = 0
    person_times: int = 0
    members: int = 0
    minutes: int = 0
    pending_activities: int = 0  # reports 待审核
    pending_person_times: int = 0
    pending_minutes: int = 0
    # an admin's own "双创" categories' work: {category id: OtherWork}
    others: dict = field(default_factory=dict)

    @property
    def place(self) -> tuple:
        """What tells the row apart in its view: (zone or community, the community of
        work on no zone) — ``double.zone_place``."""
        return (self.key, self.community_id)

    def other(self, category_id: int) -> OtherWork:
        """The row's figures of that category (zeros when it has none)."""
        return self.others.get(category_id) or OtherWork()

    @property
    def has_work(self) -> bool:
        """Work or findings of the period's own on the row (not steps of findings of
        other periods): what makes it a row of the 月报's 附表“责任区进展”, and — the
        「未分责任区」 row — what section 三 counts as work on no 责任区."""
        return bool(self.ads or self.stairs or self.found or self.activities
                    or self.person_times or any(o.done for o in self.others.values()))


# The figures of a row that add up across rows (distinct members do not; ``others``
# adds up per category).
ADDITIVE = tuple(f.name for f in fields(DoubleRow)
                 if f.name not in ("key", "name", "community_name", "community_id", "members",
                                   "others"))


@dataclass(frozen=True)
class DoubleView:
    by: str  # "zone" or "community"
    year: int
    rows: list
    total: DoubleRow
    pending: Pending  # what the "双创" reports 待审核 would add
    # an admin's own "双创" categories with figures in the view (work or a target), in
    # category order: a column each, beside the three fixed ones
    others: tuple = ()
    # a view by zone: the scope's communities' ids in their order, which its
    # 「未分责任区」 rows follow (``unzoned_last``)
    communities: tuple = ()


def unzoned_last(rows: list[DoubleRow], communities: tuple = ()) -> list[DoubleRow]:
    """``rows`` in their order with the rows of work on no zone (``key=None``,
    「未分责任区」, one per community) last, in the order of ``communities`` (ids) — one
    added for a finding's step alone goes in its community's place, not after the
    others (words53): the “双创”进展 page and the 月报's 附表“责任区进展”, which the page
    says it matches, list it in the same place (figures52 #3)."""
    at = {community_id: i for i, community_id in enumerate(communities)}
    # stable: the zones keep their order
    return sorted(rows, key=lambda r: (r.key is None,
                                       at.get(r.community_id, len(at)) if r.key is None else 0))


def with_moves(view: DoubleView, moves) -> DoubleView:
    """``view`` with the period's steps (``findings.FindingMoves``) in its rows and
    total: per zone, or per community for a view by community. A zone (community)
    the view does not list — switched off since — gets a row of its own, as the 月报's
    附表“责任区进展” gives it one; the total is the steps' own."""
    if view.by == "zone":
        steps = {z.place: (z.handed_over, z.fixed) for z in moves.by_zone}
        names = {z.place: (z.name, z.community_name) for z in moves.by_zone}
    else:
        steps = {(key, None): (handed, fixed) for key, handed, fixed in moves.by_community}
        names = {}
    rows = {r.place: r for r in view.rows}
    for place, (handed, fixed) in steps.items():
        if place not in rows:
            name, community_name = names.get(place, ("", ""))
            rows[place] = DoubleRow(place[0], name, community_name, community_id=place[1])
            view.rows.append(rows[place])
        rows[place].handed_over_in, rows[place].fixed_in = handed, fixed
    view.total.handed_over_in, view.total.fixed_in = moves.handed_over, moves.fixed
    # a zone added above goes before 未分责任区
    view.rows[:] = unzoned_last(view.rows, view.communities)
    return view
