"""Read-only lists of 需求清单 / 微心愿: the board everyone sees, a member's own claims,
and the choices of the posting form. Each list is one SELECT (plus a COUNT when paged)
with its many-to-one neighbours joined in."""
from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy import cast, func, literal, null, select, union_all
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (
    LIVE_NEEDS,
    Category,
    Community,
    Need,
    NeedStatus,
    Resident,
    ResourceItem,
    Zone,
)
from ..paging import paginate
from ..services.residents import not_erased

# The board's tabs: what is still to be done first.
STATUSES = ("open", "tasked", "claimed", "overdue", "fulfilled", "closed")


def _loads():
    return (joinedload(Need.community), joinedload(Need.zone), joinedload(Need.category),
            joinedload(Need.claimed_by), joinedload(Need.claimed_unit))


def board_page(status: str, community_id: int | None, today: date, page: int | None,
               per_page: int):
    """Needs of every active community in one state (``overdue``: wanted-by date passed
    and not done), the most urgent first."""
    stmt = select(Need).join(Community, Community.id == Need.community_id) \
        .where(Community.active.is_(True)).options(*_loads())
    if status == "overdue":
        stmt = stmt.where(Need.status.in_(LIVE_NEEDS), Need.wanted_by < today)
    else:
        stmt = stmt.where(Need.status == NeedStatus(status))
    if community_id is not None:
        stmt = stmt.where(Need.community_id == community_id)
    if status in ("fulfilled", "closed"):
        stmt = stmt.order_by(Need.updated_at.desc(), Need.id.desc())
    else:
        stmt = stmt.order_by(Need.wanted_by, Need.id)
    return paginate(stmt, page, per_page)


def my_claims(member_id: int) -> list[Need]:
    """我认领的需求: what the member holds now, then what they did (latest first)."""
    stmt = select(Need).where(Need.claimed_by_id == member_id,
                              Need.status.in_((NeedStatus.claimed, NeedStatus.fulfilled))) \
        .options(*_loads()).order_by(Need.status, Need.wanted_by.desc(), Need.id.desc())
    return list(db.session.scalars(stmt))


def load_need(need_id: int) -> Need | None:
    """The need with what its page shows, in one statement — its checklist item named as
    every picker names it (``ResourceItem.with_unit``: year, community, zone, category,
    unit), read with it, not one lazy read after another (the page's budget, 需求 5)."""
    item = joinedload(Need.resource_item)
    return db.session.scalar(select(Need).where(Need.id == need_id).options(
        *_loads(), joinedload(Need.resident),
        item.joinedload(ResourceItem.category), item.joinedload(ResourceItem.unit),
        item.joinedload(ResourceItem.community), item.joinedload(ResourceItem.zone)))


def active_communities() -> list[Community]:
    return list(db.session.scalars(select(Community).where(Community.active.is_(True))
                                   .order_by(Community.sort_key, Community.id)))


class Choice(NamedTuple):
    """One entry of a short list of the posting form: a zone, a resident or a category
    (its 数量单位, ``quantity_unit``, named beside it)."""

    id: int
    name: str
    quantity_unit: str | None = None


ZONES, RESIDENTS, CATEGORIES = 0, 1, 2


def _short_lists(community_id: int):
    """The community's zones and registered residents and the categories, each in its
    own order, as one statement of plain rows: three lists, one round trip (the form
    within the design's 6 statements a page)."""
    unit = Category.quantity_unit

    def ranked(kind: int, model, where, *order, quantity=None):
        return select(literal(kind).label("kind"), model.id, model.name,
                      (cast(null(), unit.type) if quantity is None else quantity).label("unit"),
                      func.row_number().over(order_by=order).label("place")).where(*where)

    both = union_all(
        ranked(ZONES, Zone, (Zone.community_id == community_id, Zone.active.is_(True)),
               Zone.sort_key, Zone.id),
        ranked(RESIDENTS, Resident, (Resident.community_id == community_id,
                                     Resident.active.is_(True), not_erased()),
               Resident.name_key, Resident.id),
        ranked(CATEGORIES, Category, (Category.active.is_(True),),
               Category.sort_order, Category.id, quantity=unit),
    ).subquery()
    return (select(both.c.kind, both.c.id, both.c.name, both.c.unit)
            .order_by(both.c.kind, both.c.place))


def form_choices(community_id: int) -> dict:
    """The posting form's lists for one community: categories, its zones, its registered
    residents, its checklist items."""
    lists: tuple[list, list, list] = ([], [], [])
    for kind, id_, name, quantity_unit in db.session.execute(_short_lists(community_id)):
        lists[kind].append(Choice(id_, name, quantity_unit))
    items = db.session.scalars(select(ResourceItem).where(
        ResourceItem.community_id == community_id, ResourceItem.active.is_(True))
        # named as every picker names an item (``ResourceItem.with_unit``): read with it
        .options(joinedload(ResourceItem.category), joinedload(ResourceItem.unit),
                 joinedload(ResourceItem.community), joinedload(ResourceItem.zone))
        .order_by(ResourceItem.year.desc(), ResourceItem.id))
    return {"categories": lists[CATEGORIES], "zones": lists[ZONES],
            "residents": lists[RESIDENTS], "items": list(items)}


def task_item_for(need: Need, items: list[ResourceItem]) -> int | None:
    """The checklist item a task made from ``need`` is most likely of: the one the need
    names if tasks can be made from it (it is among ``items``), else the only item of
    its community and category (None: the liaison picks)."""
    if any(i.id == need.resource_item_id for i in items):
        return need.resource_item_id
    same = [i.id for i in items
            if i.community_id == need.community_id and i.category_id == need.category_id]
    return same[0] if len(same) == 1 else None


def item_without_tasks(need: Need, items: list[ResourceItem]) -> ResourceItem | None:
    """The checklist item ``need`` names when no task can be made from it (it is not
    among ``items``: 停用 since the need was posted, or an item of money such as
    共建活动经费, which counts funds, not activities) — the 转为任务 form says why it is
    not chosen."""
    if need.resource_item is None or any(i.id == need.resource_item_id for i in items):
        return None
    return need.resource_item
