"""Read-only queries behind the admin lists and the index counts."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, NamedTuple

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import case, func, literal_column, or_, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from .choices import merge_keep_choices
from ..models import (
    Category,
    Community,
    Member,
    Need,
    NeedStatus,
    ReportStatus,
    ResourceItem,
    Role,
    Task,
    TaskReport,
    TaskStatus,
    Unit,
    Zone,
    liaison_community,
    phone_spelt_oddly,
)
from ..paging import paged_with_total, paginate_prepared
from ..phones import normalise_phone
from ..privacy import mask_phone, phone_held
from ..search import matches, phone_matches
from ..security import key_id, key_ids
from ..services.directory import SHOWN_IDS_MAX
from ..sql_hints import constants_written_out
from ..sql_json import json_rows_in_order, rows_of
from ..timeutil import local_today


def _count(model, *where):
    return select(func.count()).select_from(model).where(*where).scalar_subquery()


def section_counts(session) -> dict:
    """Active records per section (one statement), plus a few useful extras."""
    year = local_today().year
    row = session.execute(
        select(
            _count(Unit, Unit.active).label("units"),
            _count(Community, Community.active).label("communities"),
            _count(Zone, Zone.active).label("zones"),
            _count(Category, Category.active).label("categories"),
            _count(ResourceItem, ResourceItem.active, ResourceItem.year == year).label("items"),
            # 党员干部, on 管理 and 开始使用 alike: the people an admin sets up, liaisons
            # and members, not the admins themselves (a fresh install said 「1 党员干部」
            # on one page and 「现有 0 条」 on the other).
            _count(Member, Member.active, Member.role != Role.admin).label("people"),
            _count(Member, Member.active, Member.role != Role.admin,
                   Member.password_hash.is_(None)).label("people_not_activated"),
            # 开始使用's offer to copy last year's checklist (``setup_progress``)
            _count(ResourceItem, ResourceItem.active, ResourceItem.year == year - 1)
            .label("items_last_year"),
        )
    ).one()
    return {**row._asdict(), "year": year}


def _status(query, model, status: str | None):
    if status == "active":
        return query.where(model.active.is_(True))
    if status == "inactive":
        return query.where(model.active.is_(False))
    return query


class MergeAccounts(NamedTuple):
    """``merge_accounts``' answer: the accounts by id, and 保留的账号's choices."""

    accounts: dict[int, Member]
    kept: list


def merge_accounts(drop_id: int, keep_id: int | None) -> MergeAccounts:
    """合并账号's two accounts by id, in one statement, with what its page reads of
    them: the unit, and the stays on the roll (``merge.preview``; docs/design.md,
    "Budgets"), joined: two accounts' few stays cost no statement of their own. The
    form's choices of the account to keep (``choices.merge_keep_choices``, the dropped
    account's unit's) ride on it as a column: one JSON text (``sql_json``), not a row
    each (as accounts, each would bring its stays)."""
    read, order = merge_keep_choices(drop_id)
    kept = json_rows_in_order(read, *order).scalar_subquery()
    rows = db.session.execute(
        select(Member, kept.label("kept"))
        .where(Member.id.in_([i for i in (drop_id, keep_id) if i is not None]))
        .options(joinedload(Member.unit), joinedload(Member.roll_periods))).unique().all()
    return MergeAccounts({member.id: member for member, _kept in rows},
                         rows_of(rows[0].kept) if rows else [])


def units_query():
    members = (select(Member.unit_id, func.count().label("n")).where(Member.active)
               .group_by(Member.unit_id).subquery())
    return (select(Unit, func.coalesce(members.c.n, 0))
            .outerjoin(members, members.c.unit_id == Unit.id)
            .order_by(Unit.active.desc(), Unit.sort_key, Unit.id))


def communities_query():
    zones = (select(Zone.community_id, func.count().label("n")).where(Zone.active)
             .group_by(Zone.community_id).subquery())
    return (select(Community, func.coalesce(zones.c.n, 0))
            .outerjoin(zones, zones.c.community_id == Community.id)
            .order_by(Community.active.desc(), Community.sort_key, Community.id))


def zones_query(community_id: int | None):
    query = (select(Zone).join(Zone.community)
             .options(joinedload(Zone.community), joinedload(Zone.unit))
             .order_by(Community.sort_key, Zone.active.desc(), Zone.sort_key, Zone.id))
    if community_id:
        query = query.where(Zone.community_id == community_id)
    return query


def categories_query():
    return select(Category).order_by(Category.active.desc(), Category.sort_order, Category.id)


def items_query(community_id: int | None, year: int | None):
    has_tasks = select(Task.id).where(Task.resource_item_id == ResourceItem.id).exists()
    query = (select(ResourceItem, has_tasks)
             .join(ResourceItem.community).join(ResourceItem.unit).join(ResourceItem.category)
             .options(joinedload(ResourceItem.unit), joinedload(ResourceItem.community),
                      joinedload(ResourceItem.zone), joinedload(ResourceItem.category))
             .order_by(ResourceItem.year.desc(), ResourceItem.active.desc(), Community.sort_key,
                       Unit.sort_key, Category.sort_order, ResourceItem.id))
    if community_id:
        query = query.where(ResourceItem.community_id == community_id)
    if year:
        query = query.where(ResourceItem.year == year)
    return query


def members_query(q: str | None, role: str | None, status: str | None):
    query = (select(Member).options(joinedload(Member.unit), selectinload(Member.communities))
             .order_by(Member.active.desc(), Member.name_key, Member.id))
    if q:
        query = query.where(or_(matches(q, Member.name), phone_matches(q, Member.phone)))
    if role in {r.value for r in Role}:
        query = query.where(Member.role == Role(role))
    return _status(query, Member, status)


@dataclass(frozen=True)
class SharedPhone:
    """One number held by several active members: ``number`` as ``phones`` reads each
    member's stored spelling, ``members`` in name order."""

    number: str
    members: tuple

    @property
    def masked(self) -> str:
        return mask_phone(self.number)


def odd_phones_query():
    """The active members whose stored number is not spelt plainly (``shared_phones``'
    first statement), read from the partial index that holds only them, whose WHERE
    is this one written out (``models.people.phone_spelt_oddly``)."""
    return constants_written_out(select(Member.id, Member.phone).where(phone_spelt_oddly()))


def shared_phones(session) -> list[SharedPhone]:
    """The numbers that several active members hold, each spelt another way (two
    members cannot store one spelling: the column is unique). Migration 0051 left such
    members' numbers as they were and named them only in its log; the member directory
    shows them so an admin can correct them on the member form.

    One of any two such members stores a spelling other than the plain one, so those
    are asked for first (one statement, nothing in the usual case); the members who
    hold their numbers plainly, a second."""
    odd = session.execute(odd_phones_query()).all()
    numbers = {normalise_phone(phone) for _id, phone in odd if phone_held(phone)}
    numbers.discard("")
    if not numbers:
        return []
    holders = session.scalars(
        select(Member).options(joinedload(Member.unit), selectinload(Member.communities))
        .where(Member.active.is_(True),
               or_(Member.id.in_([member_id for member_id, _phone in odd]),
                   Member.phone.in_(sorted(numbers))))
        .order_by(Member.name_key, Member.id)).all()
    groups: dict[str, list[Member]] = {}
    for member in holders:
        if phone_held(member.phone):
            groups.setdefault(normalise_phone(member.phone), []).append(member)
    return [SharedPhone(number, tuple(members)) for number, members in sorted(groups.items())
            if len(members) > 1]


def _item(row):
    """A page's row as ``Page`` lists it: the entity of a one-column row, else the tuple."""
    return row if len(row) > 1 else row[0]


class Page:
    """One page of rows (entities or tuples), with what the ``pager`` macro needs.

    Each row of the page carries the list's total: one statement for the page and its
    count, read as every such list is (``paging.paged_with_total``: a page past the end
    is the last one, read again only then), never a COUNT before the page (docs/design.md,
    "Budgets"; pagesb48 did it for 资源清单, the other lists followed)."""

    def __init__(self, query, page: int, per_page: int):
        found = paginate_prepared(paged_with_total(query), {}, _item, page, per_page)
        self.total, self.page, self.items = found.total, found.page, found.items
        self.pages = max(1, found.pages)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


class MemberPage(Page):
    """党员干部's page: its rows are every account, whatever the role, so beside the
    total it counts how many of the list's rows are 单位管理员 (``admins``) — 开始使用
    and 管理's card count the people an admin sets up, not the admins (roll56), and the
    list says how its 「共31条」 differs (small57). Read as a second window column of
    the page's one statement, on the same rows as the total: no statement more."""

    def __init__(self, query, page: int, per_page: int):
        admins = func.count(case((Member.role == Role.admin, 1))).over()
        super().__init__(query.add_columns(admins), page, per_page)
        self.admins = self.items[0][1] if self.items else 0
        self.items = [member for member, _admins in self.items]

    @property
    def mixed(self) -> bool:
        """Admins among others on the list: the total is said with how many are."""
        return 0 < self.admins < self.total


@dataclass(frozen=True)
class SetupStep:
    key: str  # units, communities, zones, items, members, liaisons
    count: int  # what exists now (active records; the checklist: this year's items)
    required: bool  # zones are needed only for “双创” work
    # items: the active communities with no line of this year a task can be created
    # from; liaisons: the active communities that have no liaison
    missing: tuple[str, ...] = ()
    # liaisons: active 社区联络员 who never set a password (they cannot log in)
    not_activated: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        return self.count > 0 and not self.missing and not self.not_activated


@dataclass(frozen=True)
class SetupProgress:
    steps: list[SetupStep]
    year: int
    not_activated: int  # members without a password yet
    previous_items: int = 0  # last year's active checklist items (to copy from)
    names_shown: ClassVar[int] = 20  # names listed in a step; the rest are counted

    @property
    def complete(self) -> bool:
        return all(step.done for step in self.steps if step.required)


def setup_progress(session, counts: dict | None = None) -> SetupProgress:
    """How far a new installation is set up, counted from the data: two statements,
    the section counts (``counts`` when the caller read them already: 管理 shows them
    too) and the names of what is missing (``_setup_missing``) — every admin's visit
    to / asks it (docs/design.md, "Budgets").

    The checklist step is done when every active community has a line of this year
    that a task can be created from (``manage.queries.active_items``: active, of a
    category that counts activities), the liaison step when every active community
    has an active liaison and every active liaison has activated the account: until
    then no liaison there can log in and create a task."""
    counts = counts if counts is not None else section_counts(session)
    year = counts["year"]
    without, without_items, not_activated = _setup_missing(session, year)
    steps = [SetupStep("units", counts["units"], True),
             SetupStep("communities", counts["communities"], True),
             SetupStep("zones", counts["zones"], False),
             SetupStep("items", counts["items"], True, tuple(without_items)),
             SetupStep("members", counts["people"], True),
             SetupStep("liaisons", counts["communities"] - len(without), True, tuple(without),
                       tuple(not_activated))]
    return SetupProgress(steps, year, counts["people_not_activated"], counts["items_last_year"])


_NO_LIAISON, _NO_ITEMS, _NOT_ACTIVATED = range(3)


def _setup_missing(session, year: int) -> tuple[list[str], list[str], list[str]]:
    """In one statement, by name in the lists' order: the active communities that no
    active 社区联络员 answers for; those with no active checklist line of ``year`` whose
    category counts activities (their liaison cannot create a task there); the active
    社区联络员 who have no password yet (they cannot log in)."""
    usable = (select(ResourceItem.id)
              .join(Category, Category.id == ResourceItem.category_id)
              .where(ResourceItem.community_id == Community.id, ResourceItem.year == year,
                     ResourceItem.active.is_(True), Category.activity_unit.is_not(None))
              .exists())
    # written out, not bound: the kind of each row, the same in every statement
    kind = lambda n: literal_column(str(n)).label("kind")  # noqa: E731
    communities = lambda n, missing: (  # noqa: E731
        select(kind(n), Community.name, Community.sort_key.label("key"), Community.id)
        .where(Community.active.is_(True), missing))
    rows = session.execute(union_all(
        communities(_NO_LIAISON, ~_has_active_liaison(Community.id)),
        communities(_NO_ITEMS, ~usable),
        select(kind(_NOT_ACTIVATED), Member.name, Member.name_key, Member.id)
        .where(Member.active.is_(True), Member.role == Role.liaison,
               Member.password_hash.is_(None)))
        .order_by("kind", "key", "id"))
    names: tuple[list[str], list[str], list[str]] = ([], [], [])
    for which, name, _key, _id in rows:
        names[which].append(name)
    return names


def community_names(community_ids: list[int]) -> list[str]:
    """The communities' names in the lists' order (a stale member form's note)."""
    if not community_ids:
        return []
    return list(db.session.scalars(select(Community.name)
                                   .where(Community.id.in_(community_ids))
                                   .order_by(Community.sort_key, Community.id)))


def unit_names(unit_ids) -> list[str]:
    """The names of the units ``unit_ids``, in that order, read in one statement: ""
    for None or a unit not found (a move on no roll's unit before and after the save,
    ``routes._off_roll_units``)."""
    wanted = {unit_id for unit_id in unit_ids if unit_id is not None}
    names = dict(db.session.execute(select(Unit.id, Unit.name)
                                    .where(Unit.id.in_(wanted))).all()) if wanted else {}
    return [names.get(unit_id, "") for unit_id in unit_ids]


def _has_active_liaison(community_id):
    """A condition: some active 社区联络员 answers for the community."""
    return (select(liaison_community.c.member_id)
            .join(Member, Member.id == liaison_community.c.member_id)
            .where(liaison_community.c.community_id == community_id,
                   Member.active.is_(True), Member.role == Role.liaison)
            .exists())


def communities_without_liaison(community_ids=None) -> list[tuple[int, str]]:
    """(id, name) of the active communities (of ``community_ids``; None: all) that no
    active 社区联络员 answers for: nobody there creates tasks or reviews reports."""
    query = (select(Community.id, Community.name)
             .where(Community.active.is_(True), ~_has_active_liaison(Community.id))
             .order_by(Community.sort_key, Community.id))
    if community_ids is not None:
        query = query.where(Community.id.in_(list(community_ids)))
    return [tuple(row) for row in db.session.execute(query)]


def reports_waiting(community_ids) -> dict[int, int]:
    """Reports 待审核 per community, for the communities given."""
    rows = db.session.execute(
        select(Task.community_id, func.count())
        .join(TaskReport, TaskReport.task_id == Task.id)
        .where(TaskReport.status == ReportStatus.submitted,
               Task.community_id.in_(list(community_ids)))
        .group_by(Task.community_id)).all()
    return {community_id: count for community_id, count in rows}


def communities_named_with_waiting(bare: list[tuple[int, str]]) -> str:
    """「建设路社区（3份完成情况待审核）、解放路社区」: the communities of ``bare``, each
    with the reports waiting there for a liaison who is no longer there."""
    waiting = reports_waiting([cid for cid, _name in bare])
    return _("、").join(ngettext("%(name)s（%(n)d份完成情况待审核）",
                                "%(name)s（%(n)d份完成情况待审核）",
                                waiting[cid], name=name, n=waiting[cid])
                       if waiting.get(cid) else name for cid, name in bare)


def tasks_left_leaderless(member_id: int, limit: int = 10) -> list[str]:
    """Titles of the open tasks ``member_id`` leads whose result is still to come (no
    report, or one returned): nobody reports them once that account is switched off."""
    return list(db.session.scalars(
        select(Task.title).outerjoin(TaskReport, TaskReport.task_id == Task.id)
        .where(Task.leader_id == member_id, Task.status == TaskStatus.open,
               or_(TaskReport.id.is_(None), TaskReport.status == ReportStatus.returned))
        .order_by(Task.starts_at, Task.id).limit(limit)))


def needs_left_claimed(member_id: int, limit: int = 10) -> list[str]:
    """The needs ``member_id`` holds claimed and not yet fulfilled — for themselves or
    as the contact of their unit's claim (以单位名义认领) — each as its title and
    community: once that account is switched off nobody answers for them, and the
    need's page still names them; its liaison gives the claim back (取消认领)."""
    return [_("%(title)s（%(community)s）", title=title, community=community)
            for title, community in db.session.execute(
                select(Need.title, Community.name).join(Community, Community.id == Need.community_id)
                .where(Need.claimed_by_id == member_id, Need.status == NeedStatus.claimed)
                .order_by(Need.wanted_by, Need.id).limit(limit))]


def shown_text(name: str, value) -> str:
    """A member's field as stored (``directory.shown_values``) as a page shows it: the
    member form's, and the member import's 停用 and latest roll change."""
    from ..templating import ROLE

    # a posted key's ids as a page writes them (``security.key_id``): one past the
    # database's INTEGER is named by no record, never asked of it (a 500, sec47 #5)
    if name == "unit_id":
        unit = db.session.get(Unit, found) if (found := key_id(value)) is not None else None
        return unit.name if unit is not None else str(value)
    if name == "role":
        try:
            return str(ROLE[Role(value)])
        except ValueError:
            return str(value)
    if name == "community_ids":
        ids = key_ids(value, SHOWN_IDS_MAX) or []
        return _("、").join(community_names(ids)) or _("（无）")
    if name == "on_roll":
        return _("计入") if value else _("不计入")
    if name == "active":
        return _("在用") if value else _("已停用")
    if name == "roll":  # ``roll.shown_key``: the day of the latest change first
        return str(value).split("|", 1)[0] if value else _("（无）")
    return _("（未填）") if value in (None, "") else str(value)


def shown_change_line(label: str, change, then: str) -> str:
    """One line of a refused page: a field ``change`` (``directory.ShownChange``) as the
    page showed it (``then``: 「打开页面时」, 「预览时」) and as it is now."""
    now = shown_text(change.field, change.now)
    if not change.known:
        return _("%(field)s：现为%(now)s", field=label, now=now)
    return _("%(field)s：%(then)s为%(shown)s，现为%(now)s", field=label, then=then,
             shown=shown_text(change.field, change.shown), now=now)
