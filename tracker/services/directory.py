"""The admin's reference data: units, communities, zones, categories, the resource
checklist and members.

Every function takes the acting admin, validates what it is given (the forms do
too, but a service must hold on its own), writes an AuditEvent and flushes.
Records are never deleted here: anything that may have history is deactivated.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from ..i18n import lazy_gettext as _l
from ..i18n import lazy_ngettext
from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, with_expression

from ..extensions import db
from ..models import (
    Category,
    Community,
    Member,
    ResourceItem,
    Role,
    Section,
    TargetMeasure,
    Task,
    Unit,
    Zone,
)
from ..key_locks import hold_keys
from ..money import MAX_FEN, fen_to_input, format_yuan
from ..names import person_name
from ..phones import MOBILE_RE, normalise_phone
from ..privacy import ERASED_PHONE_MARK, mask_phone
from ..reference import CATEGORIES
from ..security import key_ids, record_id_or_none
from ..timeutil import EARLIEST_DAY, local_today
from . import PermissionDenied, ServiceError, collect, refuse_all, required_reason
from . import roll
from . import shown as shown_module
from .audit import actor_first
from .claims import places_held, release_places
from .invitations import STAFF_ROLES
from .link_revoking import revoke_links
from .audit import record as audit
from .member_retention import number_given, refuse_if_erased
from .merge import merged_into
from .notify import stop_calendar
from .reopened import THEN_CORRECT, THEN_EDIT
from . import summary_notes
from .summary_notes import printed_of, reprinted
from .sessions import end_other_sessions
from .tasks import lock_categories, lock_lines, lock_year_work, move_onto_year_items

PHONE_RE = MOBILE_RE  # ASCII digits only (``phones``): \d would take ١٣٩…
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
YEAR_MIN, YEAR_MAX = EARLIEST_DAY.year, 2100
TARGET_MAX = 100_000_000
REFERENCE_CODES = frozenset(code for code, *_ in CATEGORIES)

# Task copies these from its resource item, so they are fixed once tasks exist; the
# target's measure is chosen with the category and kept with it.
ITEM_FROZEN = ("unit_id", "community_id", "zone_id", "category_id", "year", "target_measure")
ACTIVITY_UNITS = ("场", "次")
BENEFICIARY_UNITS = ("人次", "户", "人")
# Hours are never a category's figure: 服务时长 is the members' confirmed minutes.
HOUR_UNITS = frozenset({"小时", "时", "h", "hr", "hour", "hours", "分钟", "分", "工时"})
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")  # a Chinese character: 完成数量's unit needs one

MSG_REQUIRED = _l("此项必填。")
MSG_CHOOSE = _l("请从列表中选择。")
MSG_INACTIVE = _l("所选项目已停用，请选择其他项目。")


# --- what an admin types in ---------------------------------------------------------

@dataclass
class UnitData:
    name: str


@dataclass
class CommunityData:
    name: str


@dataclass
class ZoneData:
    community_id: int | None
    name: str
    unit_id: int | None


@dataclass
class CategoryData:
    code: str
    name: str
    section: Section | None
    activity_unit: str | None = "次"  # 场 / 次; None: no activities
    quantity_unit: str | None = None  # 完成数量's unit (处, 个 …); None: none
    beneficiary_unit: str | None = None  # 人次 / 户 / 人; None: none


@dataclass
class ResourceItemData:
    unit_id: int | None
    community_id: int | None
    category_id: int | None
    year: int | None
    target: int | None  # in ``target_measure``: fen when it is money
    zone_id: int | None = None
    description: str | None = None
    target_measure: TargetMeasure | None = None  # None: the category's default


@dataclass
class MemberData:
    name: str
    phone: str
    unit_id: int | None
    role: Role | None
    branch: str | None = None
    community_ids: list[int] = field(default_factory=list)
    on_roll: bool | None = None  # 计入参与统计; None: the role's default (members yes)
    # 自何日起: the day a new member joins the roll, or a change of 单位 / 计入参与统计
    # takes effect; None: today (a new member while no work is recorded: since always)
    roll_from: date | None = None
    # the latest change of the roll history the edit page showed (``roll.shown_key``):
    # a move or switch is refused when another admin's change committed since; None
    # (not from a page: the import, scripts) checks nothing
    roll_shown: str | None = None
    # the form's fields as the edit page showed them (``member_shown_key``): the post is
    # merged with another's change of them committed since (``merge_member_form``),
    # refused when both changed one field otherwise; None (not from a page) checks nothing
    shown: str | None = None
    # the 已定稿 months and years the page named before the save (``roll.corrected_key``;
    # "" when it named none): refused when the roll change touches others
    # (``_keep_promise``, ``SignedUnconfirmed``); None (the import, scripts) checks nothing
    promised: str | None = None


# --- shared checks --------------------------------------------------------------------

def _require_admin(actor: Member) -> None:
    if actor is None or not actor.is_admin or not actor.active:
        raise PermissionDenied(_l("只有单位管理员可以管理基础数据。"))


def _text(value: str | None, field_name: str, max_len: int, *, required: bool = True) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise ServiceError(MSG_REQUIRED, field=field_name)
        return None
    if len(value) > max_len:
        raise ServiceError(_l("不能超过%(max)d个字。", max=max_len), field=field_name)
    return value


def _ref(model, record_id: int | None, field_name: str, current_id: int | None = None, *,
         fresh: bool = False):
    """The referenced record; it must be active unless it is the one already linked.
    ``fresh``: read from the database even when the session holds it (a form's choices
    held for its page's checks: ``forms.ResourceItemForm``) — a save checks the row as
    it is now, not as its page read it."""
    obj = db.session.get(model, record_id, populate_existing=fresh) if record_id else None
    if obj is None:
        raise ServiceError(MSG_CHOOSE, field=field_name)
    if not obj.active and obj.id != current_id:
        raise ServiceError(MSG_INACTIVE, field=field_name)
    return obj


def _int_in(value, field_name: str, low: int, high: int, message) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError(_l("请输入整数。"), field=field_name)
    if not low <= value <= high:
        raise ServiceError(message, field=field_name)
    return value


def _taken(stmt) -> bool:
    return db.session.scalar(stmt.limit(1)) is not None


def _flush(field_name: str | None = None, message=None) -> None:
    """Flush; a unique constraint that a concurrent request beat us to is a form error."""
    if message is None:
        db.session.flush()
        return
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise ServiceError(message, field=field_name) from exc


def _apply(obj, values: dict) -> dict:
    """Set attributes; return {name: [old, new]} for those that changed."""
    changes = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
            setattr(obj, name, new)
    return changes


def _plain(value):
    return value.value if hasattr(value, "value") else value


def _insert(actor: Member, model, values: dict, field_name: str | None = None, taken=None):
    """Add an active record built from checked ``values`` and audit it."""
    obj = model(active=True, **values)
    db.session.add(obj)
    _flush(field_name, taken)
    audit(actor, "create", obj, **values)
    return obj


def _change(obj, actor: Member, values: dict, field_name: str | None = None, taken=None) -> None:
    """Apply checked ``values``; audit what changed (nothing changed: no row). The
    actor's row is key-shared before the change is written (``audit.actor_first``): a
    new name or code is under a unique index, and its row is then held ``FOR UPDATE``."""
    if any(getattr(obj, name) != new for name, new in values.items()):
        actor_first(actor)
    changes = _apply(obj, values)
    if changes:
        _flush(field_name, taken)
        audit(actor, "update", obj, **changes)


def set_active(obj, actor: Member, active: bool, *,
               named: Callable[[], None] | None = None) -> int:
    """停用 / 重新启用 any managed record. An admin cannot switch themselves off. A
    member 停用 loses their calendar feed address (``notify.stop_calendar``, audited
    with the reason ``deactivated``) and, in the same transaction, their places on tasks
    not started and their 候补 (``claims.release_places``: the waitlist moves up as for a
    withdrawal); 重新启用 claims nothing back. Returns how many activities a checklist
    item switched back on took over (``move_onto_year_items``), or how many places a
    member switched off gave back, else 0. ``named``: a checklist item's 重新启用, its
    naming page's comparison (``named_page.NamedFirst.compare``: the 年度总结 of the
    work it takes over, ``item_named.reactivate_named``), made under the line's lock (the
    item read again there: itemyear47), its category's (``tasks.lock_categories``,
    reactivate47) and that of the tasks it takes over, the months' share locks last
    (review46c #2, review47b #2)."""
    _require_admin(actor)
    if isinstance(obj, ResourceItem) and active:
        lock_lines([obj.id])  # an activity put on its line meanwhile: ``item_of_year``
        # read again once held: another admin's 重新启用 of it committed while this one
        # waited is a repeated click (nothing to do, nothing to name), not a switch that
        # now takes over nothing its page named (itemyear47)
        db.session.refresh(obj)
        # its category: the other items of it in the year's documents' scopes, which say
        # where its work is printed (``item_named.work_places``), as they are committed
        lock_categories([obj])
        # then the activities it takes over: an approval (or 撤销审核) of one either
        # committed, and is compared (``named``), or waits for the switch (review47b #2)
        lock_year_work([obj])
    if isinstance(obj, Member) and obj.id == actor.id and not active:
        raise ServiceError(_l("不能停用自己的账号。"))
    if isinstance(obj, Member) and not active:
        _lock_with_places(obj, actor)  # its places go back (``claims.release_places``)
    elif isinstance(obj, Member):
        roll.lock_member(obj, actor)  # another admin's change of the roll, committed meanwhile
    if isinstance(obj, Category) and active:
        # its row held and read again first: a rename under way commits, and the name
        # ``_active_namesake`` holds below is the one it is switched on with
        db.session.execute(select(Category.id).where(Category.id == obj.id)
                           .with_for_update(key_share=True))
        db.session.refresh(obj)
    if obj.active == active:
        return 0  # a repeated click changes nothing
    if named is not None:
        named()
    if isinstance(obj, Unit) and not active:
        _refuse_unit_with_members(obj)
    if isinstance(obj, Category) and active and _active_namesake(obj.name, obj):
        raise ServiceError(_l("已有启用的同名类别“%(name)s”：请先修改其中一个的名称，再重新启用。",
                              name=obj.name))
    if isinstance(obj, Member) and active:
        # first: a merged account is never switched back on, its phone erased (the
        # retention rule, merged long ago) or not — a new phone would not help
        if merged_into(obj) is not None:  # its work is on the account kept (merge.py)
            raise ServiceError(_l("该账号已合并到其他账号，不能重新启用。"))
        refuse_if_erased(obj)  # 停用 past the retention period: a new phone first
    obj.active = active
    if isinstance(obj, Member):
        # off the roll from today, or on it again from today: the months before keep
        # what they had (a return is a new stay, the months away stay without them)
        roll.settle(obj, local_today())
        if not active:
            _sign_out(obj, actor)
    db.session.flush()
    audit(actor, "reactivate" if active else "deactivate", obj)
    if isinstance(obj, Member) and not active:
        # after the member is off: a promotion skips them (``promote_waiting``)
        return release_places(obj, actor)
    if isinstance(obj, ResourceItem) and active:
        # switched off, it was given none of its year's activities (``item_of_year``)
        return move_onto_year_items(actor, [obj])
    return 0


def _refuse_unit_with_members(unit: Unit) -> None:
    """A unit is switched off only once nobody active belongs to it: its members are on
    its roll, so its 月报 and 参与情况 still count them — a unit no list offers would
    hold a roll nobody can reach or sign (walk8 #11). They are moved to another unit
    (or switched off) on the member form first. Counted under no lock: a member moved
    onto the unit as it is switched off stays reachable (``progress.queries.coverage_pickers``
    keeps a retired unit with a roll)."""
    count = db.session.scalar(select(func.count(Member.id)).where(
        Member.unit_id == unit.id, Member.active.is_(True)))
    if count:
        raise ServiceError(lazy_ngettext(
            "%(unit)s还有%(n)d名在用的人员（党员干部、管理员或联络员），不能停用。请先在“党员干部”"
            "中逐一编辑，把他们的单位改为其他单位（或停用其账号），再停用该单位。",
            "%(unit)s还有%(n)d名在用的人员（党员干部、管理员或联络员），不能停用。请先在“党员干部”"
            "中逐一编辑，把他们的单位改为其他单位（或停用其账号），再停用该单位。",
            count, unit=unit.name, n=count))


def _lock_with_places(member: Member, actor: Member) -> None:
    """停用's locks in the house order (docs/design.md): the rows of the tasks whose
    places the member gives back (``claims.places_held``), in id order, then the
    member's (``roll.lock_member``). A claim committing while this waits for the
    member's row (it held it shared) adds a task not locked; locking it now, after the
    member, would break the order — so, as ``merge._lock_all`` does, the locks are taken
    in a savepoint, rolled back when the tasks grew meanwhile, and taken again."""
    locked: set[int] = set()
    while True:
        savepoint = db.session.begin_nested()
        locked = places_held(member) | locked
        if locked:  # one statement: PostgreSQL sorts before it locks, so in id order
            db.session.execute(select(Task.id).where(Task.id.in_(locked)).order_by(Task.id)
                               .with_for_update(key_share=True)).all()
        roll.lock_member(member, actor)
        if places_held(member) <= locked:
            savepoint.commit()
            return
        savepoint.rollback()


def _sign_out(member: Member, actor: Member) -> None:
    """停用 ends the member's login everywhere at once, as 退出所有设备 does: every
    session row is ended now (not at each device's next request), and the calendar feed
    address stops with them (``notify.stop_calendar``). A 重新启用 member logs in again
    and makes a new feed address on 日历订阅."""
    stop_calendar(member, actor, "deactivated")
    end_other_sessions(member, actor, "deactivated")
    # no link for them is used, and none they made for others (``link_revoking.revoke_links``)
    revoke_links(actor, "deactivated", of=[member], made_by=[member])


# --- what an edit page showed (``shown``) ---------------------------------------------

# A reference record's edit form refused over another admin's change made since its page
# was read (``shown.check``), by the record's kind: what the refused page says first.
STALE = {
    Unit: _l("该单位已被他人修改，请核对后重新保存。"),
    Community: _l("该社区已被他人修改，请核对后重新保存。"),
    Zone: _l("该责任区已被他人修改，请核对后重新保存。"),
    Category: _l("该类别已被他人修改，请核对后重新保存。"),
    ResourceItem: _l("该资源清单项目已被他人修改，请核对后重新保存。"),
}


def _shown_text(value: str | None) -> str | None:
    """A text field as the merge compares it: trimmed, empty as None (the form posts "",
    the record stores None)."""
    return (value or "").strip() or None


def _item_target(source) -> str | None:
    """The item's target as its form shows it: yuan for money, else the whole number —
    a number means nothing without its measure, and the page names it in the form's terms."""
    if source.target is None:
        return None
    if _plain(source.target_measure) == TargetMeasure.money.value:
        return fen_to_input(source.target)
    return str(source.target)


def _named_shown(source) -> dict:
    return {"name": _shown_text(source.name)}


def _zone_shown(source) -> dict:
    return {"community_id": source.community_id, "name": _shown_text(source.name),
            "unit_id": source.unit_id}


def _category_shown(source) -> dict:
    return {"code": _shown_text(source.code), "name": _shown_text(source.name),
            "section": _plain(source.section) if source.section is not None else None,
            **{name: _shown_text(getattr(source, name)) for name in COUNTING}}


def _item_shown(source) -> dict:
    # the category and the target's measure are one choice on the form ("5:money")
    return {"unit_id": source.unit_id, "community_id": source.community_id,
            "zone_id": source.zone_id or None,
            "category_id": f"{source.category_id}:{_plain(source.target_measure)}",
            "year": source.year, "target": _item_target(source),
            "description": _shown_text(source.description)}


# each record's edit form's fields, as stored (the record) or as posted (its data
# class, whose fields carry the record's names), in the plain values of its ``shown``
_SHOWN_OF = {Unit: _named_shown, Community: _named_shown, Zone: _zone_shown,
             Category: _category_shown, ResourceItem: _item_shown}
# a field of ``_SHOWN_OF`` that is more than one attribute of the record
_SHOWN_ATTRS = {ResourceItem: {"category_id": ("category_id", "target_measure")}}


def reference_frozen_fields(record) -> tuple[str, ...]:
    """The fields ``record``'s edit form no longer lets change (shown, not editable)."""
    frozen = {Zone: zone_frozen_fields, Category: category_frozen_fields,
              ResourceItem: item_frozen_fields}.get(type(record))
    return frozen(record) if frozen is not None else ()


def reference_shown_key(record, frozen: tuple[str, ...] | None = None) -> str:
    """A unit's, community's, zone's, category's or checklist item's edit page's hidden
    ``shown``: its form's fields as the page showed them — the ones it let change (a
    field fixed on the record, ``reference_frozen_fields``, is posted as stored and
    never conflicts). So the key also says which fields the page offered: one fixed
    since (the zone put into the checklist meanwhile) and changed on the page is
    refused by the service, not dropped (``crud.edit_form``). ``frozen``: the fixed
    fields as the page read them for its form (``crud.edit_form``), not asked again."""
    if frozen is None:
        frozen = reference_frozen_fields(record)
    return shown_module.shown_key({name: value for name, value in
                                   _SHOWN_OF[type(record)](record).items()
                                   if name not in frozen})


def offered_on_page(shown: str | None) -> set[str]:
    """The fields the edit page that posted ``shown`` let change."""
    return set(shown_module.shown_then(shown))


def _merge_shown(record, actor: Member, data, shown: str | None) -> tuple[object, list[str]]:
    """Lock ``record``'s row, read it again, and merge the post ``data`` with it
    (``shown.check``): a field the post left as its page (``shown``) showed it takes
    what is stored now — another admin's change made since stays —; a field both
    changed otherwise refuses the save (``STALE``), nothing written. Returns ``data``
    with those fields taken from the record, and their names (the form's).

    The lock: the actor's key share first (``audit.actor_first``: a member before
    their unit, the house order for a rename), then the record's row ``FOR NO KEY
    UPDATE``, so two saves take turns and the second merges with what the first
    committed, never with what both pages read. SQLite's writers take turns anyway."""
    actor_first(actor)
    model = type(record)
    db.session.execute(select(model.id).where(model.id == record.id)
                       .with_for_update(key_share=True))
    db.session.refresh(record)
    if shown is None:  # not from a page: nothing to merge
        return data, []
    values = _SHOWN_OF[model]
    if model is ResourceItem and data.target_measure is None:
        data = dataclasses.replace(data, target_measure=record.target_measure)
    keep = shown_module.check(STALE[model], shown, values(record), values(data)).keep
    attrs = _SHOWN_ATTRS.get(model, {})
    return dataclasses.replace(data, **{attr: getattr(record, attr) for name in keep
                                        for attr in attrs.get(name, (name,))}), list(keep)


# --- units and communities ------------------------------------------------------------

def _named(model, actor: Member, obj, name: str | None, message):
    _require_admin(actor)
    name = _text(name, "name", 80)
    query = select(model.id).where(model.name == name)
    if obj is not None:
        query = query.where(model.id != obj.id)
    if _taken(query):
        raise ServiceError(message, field="name")
    if obj is None:
        return _insert(actor, model, {"name": name}, "name", message)
    _change(obj, actor, {"name": name}, "name", message)
    return obj


UNIT_TAKEN = _l("已有同名的单位。")
COMMUNITY_TAKEN = _l("已有同名的社区。")


def create_unit(actor: Member, data: UnitData) -> Unit:
    return _named(Unit, actor, None, data.name, UNIT_TAKEN)


def update_unit(unit: Unit, actor: Member, data: UnitData, *,
                shown: str | None = None) -> list[str]:
    """Rename a unit; posted from its edit page (``shown``: its ``reference_shown_key``),
    merged with another admin's change made since (``_merge_shown``). Returns the
    fields where another's change was kept."""
    _require_admin(actor)
    data, kept = _merge_shown(unit, actor, data, shown)
    _named(Unit, actor, unit, data.name, UNIT_TAKEN)
    return kept


def create_community(actor: Member, data: CommunityData) -> Community:
    return _named(Community, actor, None, data.name, COMMUNITY_TAKEN)


def update_community(community: Community, actor: Member, data: CommunityData, *,
                     shown: str | None = None) -> list[str]:
    """As ``update_unit``, for a community."""
    _require_admin(actor)
    data, kept = _merge_shown(community, actor, data, shown)
    _named(Community, actor, community, data.name, COMMUNITY_TAKEN)
    return kept


# --- responsibility zones -------------------------------------------------------------

ZONE_TAKEN = _l("该社区已有同名的责任区。")


def zone_frozen_fields(zone: Zone | None) -> tuple[str, ...]:
    """A zone used by the resource checklist stays in its community."""
    if zone is None or zone.id is None:
        return ()
    used = _taken(select(ResourceItem.id).where(ResourceItem.zone_id == zone.id))
    return ("community_id",) if used else ()


def _zone_values(data: ZoneData, zone: Zone | None) -> dict:
    if zone is not None and "community_id" in zone_frozen_fields(zone) \
            and data.community_id != zone.community_id:
        raise ServiceError(_l("该责任区已用于资源清单，不能改到其他社区。"), field="community_id")
    community = _ref(Community, data.community_id, "community_id",
                     zone.community_id if zone else None)
    name = _text(data.name, "name", 80)
    unit = _ref(Unit, data.unit_id, "unit_id", zone.unit_id if zone else None)
    query = select(Zone.id).where(Zone.community_id == community.id, Zone.name == name)
    if zone is not None:
        query = query.where(Zone.id != zone.id)
    if _taken(query):
        raise ServiceError(ZONE_TAKEN, field="name")
    return {"community_id": community.id, "name": name, "unit_id": unit.id}


def create_zone(actor: Member, data: ZoneData) -> Zone:
    _require_admin(actor)
    return _insert(actor, Zone, _zone_values(data, None), "name", ZONE_TAKEN)


def update_zone(zone: Zone, actor: Member, data: ZoneData, *,
                shown: str | None = None) -> list[str]:
    """As ``update_unit``, for a zone."""
    _require_admin(actor)
    data, kept = _merge_shown(zone, actor, data, shown)
    _change(zone, actor, _zone_values(data, zone), "name", ZONE_TAKEN)
    return kept


# --- categories -----------------------------------------------------------------------

CODE_TAKEN = _l("该类别编码已存在。")


COUNTING = ("activity_unit", "quantity_unit", "beneficiary_unit")


def category_frozen_fields(category: Category | None) -> tuple[str, ...]:
    """The code never changes; section and how the category counts are fixed for the
    reference categories and for any category the resource checklist already uses
    (its figures and targets are in those units)."""
    if category is None or category.id is None:
        return ()
    if category.code in REFERENCE_CODES or _taken(
        select(ResourceItem.id).where(ResourceItem.category_id == category.id)
    ):
        return ("code", "section", *COUNTING)
    return ("code",)


def _hold_category_whole(category: Category) -> None:
    """Lock the category's row ``FOR UPDATE`` before its section or units are changed:
    the lock waits for a checklist item being added to it (its insert key-shares the
    row) and holds the next one back until this commits, so whether the checklist uses
    it (``category_frozen_fields``, read next) is never read before an item committed
    meanwhile. Without it an item added at the same moment was written with a target in
    a measure the category then no longer had, and the units froze one item too late.
    The item's side (``_item_category``) holds the row too (``tasks.lock_categories``)
    and reads it again."""
    db.session.execute(select(Category.id).where(Category.id == category.id)
                       .with_for_update())


def _item_category(category_id, current_id, line=None) -> Category:
    """The item's category (``_ref``); ``line`` (a save's: its unit, community and zone
    ids): the line's items held (``tasks.lock_lines``), then the category's row
    (``tasks.lock_categories``: every checklist change of the category takes turns,
    reactivate47) and read again: an edit of its units under way
    (``_hold_category_whole``) commits first, and the target's measure is checked
    against the units it left; one that comes later sees this item and is refused.
    None: a page's read-only check (``item_problems``). PostgreSQL; SQLite's writers
    take turns anyway."""
    category = _ref(Category, category_id, "category_id", current_id)
    if line is None:
        return category
    line = SimpleNamespace(**line, category_id=category.id)
    lock_lines(item_ids=[line.item_id] if line.item_id is not None else (), line=line)
    # an edit's category before too: the scopes it leaves (``tasks.lock_categories``)
    lock_categories([line, SimpleNamespace(category_id=current_id)])
    db.session.refresh(category)
    return category


def _category_values(data: CategoryData) -> dict:
    name = _text(data.name, "name", 80)
    if not isinstance(data.section, Section):
        raise ServiceError(MSG_CHOOSE, field="section")
    activity = (data.activity_unit or "").strip() or None
    if activity is not None and activity not in ACTIVITY_UNITS:
        raise ServiceError(MSG_CHOOSE, field="activity_unit")
    beneficiary = (data.beneficiary_unit or "").strip() or None
    if beneficiary is not None and beneficiary not in BENEFICIARY_UNITS:
        raise ServiceError(MSG_CHOOSE, field="beneficiary_unit")
    quantity = _text(data.quantity_unit, "quantity_unit", 8, required=False)
    if quantity is not None and quantity.lower() in HOUR_UNITS:
        raise ServiceError(_l("服务时长按党员确认的时长统计，不能作为完成数量的单位。"),
                           field="quantity_unit")
    if quantity is not None and not HAN.search(quantity):
        # printed as typed in the Chinese 月报 (「完成12棵」): an English UI must not put
        # 「完成12trees」 into a signed document
        raise ServiceError(_l("完成数量的单位请写中文，如“%(example)s”：它原样写进月报。", example="棵"),
                           field="quantity_unit")
    if activity is None:
        raise ServiceError(_l("请选择活动的计量单位（场或次）。"), field="activity_unit")
    return {"name": name, "section": data.section, "activity_unit": activity,
            "quantity_unit": quantity, "beneficiary_unit": beneficiary}


CATEGORY_NAME_TAKEN = _l("已有启用的同名类别：请换一个名称；如原来的类别不再使用，请先将其停用。")


def _active_namesake(name: str, category: Category | None) -> bool:
    """Whether an active category other than ``category`` is named ``name``. Two active
    categories of one name cannot be told apart where a name is all there is — a 类别
    cell of the ledger import refuses its rows (``ledger_import._categories_by_name``),
    and a list or a choice shows them alike —; a category 停用 may share it (re-created
    under its old name: the active one is the name's). The name is held first
    (``key_locks.hold_keys``: no unique index can hold it, an inactive twin may share
    it), so two saves of one name take turns and the second sees the first's."""
    hold_keys([f"category-name:{name}"])
    query = select(Category.id).where(Category.name == name, Category.active.is_(True))
    if category is not None:
        query = query.where(Category.id != category.id)
    return _taken(query)


def create_category(actor: Member, data: CategoryData) -> Category:
    _require_admin(actor)
    code = (data.code or "").strip()
    if not code:
        raise ServiceError(MSG_REQUIRED, field="code")
    if not CODE_RE.match(code):
        raise ServiceError(_l("编码须以小写字母开头，只含小写字母、数字和下划线，2到40位。"),
                           field="code")
    if _taken(select(Category.id).where(Category.code == code)):
        raise ServiceError(CODE_TAKEN, field="code")
    values = _category_values(data)
    if _active_namesake(values["name"], None):
        raise ServiceError(CATEGORY_NAME_TAKEN, field="name")
    last = db.session.scalar(select(func.max(Category.sort_order))) or 0
    return _insert(actor, Category, {"code": code, "sort_order": last + 10, **values},
                   "code", CODE_TAKEN)


def update_category(category: Category, actor: Member, data: CategoryData, *,
                    shown: str | None = None) -> list[str]:
    """As ``update_unit``, for a category: its code never changes; in use, only its name."""
    _require_admin(actor)
    data, kept = _merge_shown(category, actor, data, shown)
    if (data.code or "").strip() != category.code:
        raise ServiceError(_l("类别编码创建后不能修改。"), field="code")
    if data.section != category.section or any(
            getattr(data, name) != getattr(category, name) for name in COUNTING):
        _hold_category_whole(category)
    frozen = category_frozen_fields(category)
    if "activity_unit" in frozen:  # in use: only the name may change
        values = {"name": _text(data.name, "name", 80), "section": data.section}
        changed = [name for name in COUNTING if getattr(data, name) != getattr(category, name)]
        if data.section != category.section or changed:
            raise ServiceError(_l("该类别已在使用，板块和计量单位不能修改。"),
                               field=changed[0] if changed else "section")
    else:
        values = _category_values(data)
    # a name kept as it was stays, even shared with another (made before this rule)
    if category.active and values["name"] != category.name \
            and _active_namesake(values["name"], category):
        raise ServiceError(CATEGORY_NAME_TAKEN, field="name")
    _change(category, actor, values)
    return kept


# --- resource checklist ---------------------------------------------------------------

ITEM_TAKEN = _l("该单位在此社区（责任区）已有该类别的同年度资源清单项目。")
ITEM_TAKEN_INACTIVE = _l("该单位在此社区（责任区）已有该类别的同年度资源清单项目（已停用，可在列表中重新启用）。")


def _item_tasks(item_id):
    """The tasks recorded on the item ``item_id`` (a value, or a column of an enclosing
    statement)."""
    return select(Task.id).where(Task.resource_item_id == item_id)


def item_has_tasks(item: ResourceItem | None) -> bool:
    if item is None or item.id is None:
        return False
    return _taken(_item_tasks(item.id))


def item_frozen_fields(item: ResourceItem | None) -> tuple[str, ...]:
    return ITEM_FROZEN if item_has_tasks(item) else ()


def item_tasks_load():
    """An option of an item's read: ``ResourceItem.has_tasks``, ``item_has_tasks`` as a
    column of the item's statement (its edit page's question: ``item_frozen_on_page``)."""
    return with_expression(ResourceItem.has_tasks, _item_tasks(ResourceItem.id).exists())


def _on_line(row, unit_id, community_id, zone_id, category_id, year) -> list:
    """WHERE conditions: ``row`` (``ResourceItem`` or an alias) is an item of the line
    (unit, community, zone, category, year) — given as values (a save's, None: no zone)
    or as another item's columns (``item_line_load``)."""
    if zone_id is None:
        zone = row.zone_id.is_(None)
    elif isinstance(zone_id, int):
        zone = row.zone_id == zone_id
    else:  # a column: the same zone, or both none
        zone = row.zone_id.is_not_distinct_from(zone_id)
    return [row.unit_id == unit_id, row.community_id == community_id, zone,
            row.category_id == category_id, row.year == year]


def item_line_load():
    """An option of an item's read: ``ResourceItem.line_taken``, whether another item
    holds the item's own line and if so whether it is active — ``_item_values``'
    line-taken check as a column of the item's statement (its edit page's: a post that
    keeps the line is answered from it, not a statement of its own)."""
    other = aliased(ResourceItem, name="line_other")
    return with_expression(ResourceItem.line_taken, func.coalesce(
        select(case((other.active, 2), else_=1))
        .where(*_on_line(other, ResourceItem.unit_id, ResourceItem.community_id,
                         ResourceItem.zone_id, ResourceItem.category_id, ResourceItem.year),
               other.id != ResourceItem.id)
        .limit(1).scalar_subquery(), 0))


def item_frozen_on_page(item: ResourceItem | None) -> tuple[str, ...]:
    """``item_frozen_fields`` as the edit page reads them: from the item's read when it
    asked (``item_tasks_load``), else asked. A save asks again, under its locks
    (``_item_values``), never from the page's read."""
    if item is not None and item.has_tasks is not None:
        return ITEM_FROZEN if item.has_tasks else ()
    return item_frozen_fields(item)


def _item_values(data: ResourceItemData, item: ResourceItem | None, *,
                 lock: bool = True, frozen: tuple[str, ...] | None = None) -> dict:
    """The item's checked values, or its refusal (``ServiceError``). ``lock`` False: a
    page's read-only check (``item_problems``), no line nor category held; ``frozen``
    then the fields the item fixed as the page read them (``item_frozen_fields``), not
    asked again — a save (``lock``) always asks, under its locks."""
    if item is not None and data.target_measure is None:
        data = dataclasses.replace(data, target_measure=item.target_measure)
    if item is not None:
        fixed = item_frozen_fields(item) if lock or frozen is None else frozen
        for name in fixed:
            if getattr(data, name) != getattr(item, name):
                raise ServiceError(
                    _l("该项目已有任务，单位、社区、责任区、类别和年度不能修改。"), field=name)
    def current(name):
        return getattr(item, name) if item is not None else None

    # a page's check (not ``lock``) takes the unit and community its form held, the save
    # reads them again
    unit = _ref(Unit, data.unit_id, "unit_id", current("unit_id"), fresh=lock)
    community = _ref(Community, data.community_id, "community_id", current("community_id"),
                     fresh=lock)
    zone = None
    if data.zone_id:
        zone = _ref(Zone, data.zone_id, "zone_id", current("zone_id"))
        if zone.community_id != community.id:
            raise ServiceError(_l("该责任区不属于所选社区。"), field="zone_id")
    # the line held before it is read (``lock``): a second admin's same item waits and
    # is refused below, and an activity being put on the line is moved by this one or
    # sees it; then the category (``_item_category``) — which alone holds a line with
    # no item yet, so two saves of a new line take turns too (tests/services/
    # test_item_line_race.py: one item per line is this check's, not the database's)
    line = dict(item_id=item.id if item is not None else None, unit_id=unit.id,
                community_id=community.id, zone_id=zone.id if zone else None)
    category = _item_category(data.category_id, current("category_id"),
                              line if lock else None)
    measure = data.target_measure or category.default_measure
    if measure not in category.measures:
        raise ServiceError(_l("“%(category)s”的年度目标不能按这种方式计。", category=category.name),
                           field="category_id")
    year = _int_in(data.year, "year", YEAR_MIN, YEAR_MAX,
                   _l("年度须在%(low)d到%(high)d之间。", low=YEAR_MIN, high=YEAR_MAX))
    if measure == TargetMeasure.money:
        target = _int_in(data.target, "target", 0, MAX_FEN,
                         _l("年度预算须在0到%(high)s元之间。", high=format_yuan(MAX_FEN)))
    else:
        target = _int_in(data.target, "target", 0, TARGET_MAX,
                         _l("年度目标须在0到%(high)d之间。", high=TARGET_MAX))
    if category.is_funds and measure == TargetMeasure.money and zone is not None:
        # the funds ledger is per unit and community: a budget has no zone
        raise ServiceError(_l("共建活动经费按社区记账，年度预算不分责任区。"), field="zone_id")
    description = _text(data.description, "description", 1000, required=False)
    values = {"unit_id": unit.id, "community_id": community.id,
              "zone_id": zone.id if zone else None, "category_id": category.id,
              "year": year, "target": target, "target_measure": measure,
              "description": description}
    place = (unit.id, community.id, zone.id if zone else None, category.id, year)
    if (not lock and item is not None and item.line_taken is not None
            and place == (item.unit_id, item.community_id, item.zone_id, item.category_id,
                         item.year)):
        # a page's check of a post that keeps the item's line: read with the item
        # (``item_line_load``), the same question; a save asks under its locks
        existing = (None, False, True)[item.line_taken]
    else:
        query = select(ResourceItem.active).where(*_on_line(ResourceItem, *place))
        if item is not None:
            query = query.where(ResourceItem.id != item.id)
        existing = db.session.scalar(query.limit(1))
    if existing is not None:
        raise ServiceError(ITEM_TAKEN if existing else ITEM_TAKEN_INACTIVE, field="category_id")
    return values


@dataclass(frozen=True)
class ItemAdded:
    """A new checklist item, and how many activities of its year it took over from
    another year's item of its line (``tasks.move_onto_year_items``)."""

    item: ResourceItem
    moved: int


def add_resource_item(actor: Member, data: ResourceItemData, *,
                      named: Callable[[], None] | None = None) -> ItemAdded:
    """A new checklist item. ``named``: the naming page's comparison
    (``named_page.NamedFirst.compare``: the 年度总结 that prints the item and, for a
    budget, its year's 月报, ``item_named.new_items_named``), made after the refusals,
    under the line's lock, the months' share locks last."""
    _require_admin(actor)
    values = _item_values(data, None)
    if named is not None:
        # the line's activities of the year held, as the comparison reads their reports
        lock_year_work([SimpleNamespace(**values)])
        named()
    item = _insert(actor, ResourceItem, values)
    return ItemAdded(item, move_onto_year_items(actor, [item]))


def merged_item_post(item: ResourceItem, data: ResourceItemData,
                     shown: str | None) -> ResourceItemData | None:
    """Read only, as the page read ``item``: the post ``data`` merged with what is stored
    as ``_merge_shown`` will merge it under the item's lock — a field the page left as it
    showed it takes the stored value (another admin's change since stays) —, or None
    when both changed a field (the save is refused as stale). What the save changes is
    this, not the post: the naming page names it (review46c #1)."""
    if shown is None:
        return data
    data, merged = _item_post_merge(item, data, shown)
    if merged.conflicts:
        return None
    attrs = _SHOWN_ATTRS[ResourceItem]
    return dataclasses.replace(data, **{attr: getattr(item, attr) for name in merged.keep
                                        for attr in attrs.get(name, (name,))})


def _item_post_merge(item: ResourceItem, data: ResourceItemData,
                     shown: str) -> tuple[ResourceItemData, shown_module.Merge]:
    """The post (its measure the item's when it names none) and its merge with the item
    as stored (``_merge_shown``'s, read only)."""
    if data.target_measure is None:
        data = dataclasses.replace(data, target_measure=item.target_measure)
    return data, shown_module.merge(shown, _item_shown(item), _item_shown(data))


def item_save_refusal(item: ResourceItem, data: ResourceItemData, shown: str | None, *,
                      frozen: tuple[str, ...] | None = None) -> ServiceError | None:
    """Read only, as ``item_problems`` reads an edit's post: the save's refusal itself —
    both changed a field since the page (``shown``), the ``StaleEdit`` ``_merge_shown``
    raises, its merge naming them; else ``item_refusal`` of the post as merged —, or
    None. For the edit page to say it when its naming page is declined by it once the
    save was refused for a month signed since (``admin.routes._item_edit_named``)."""
    merged = merged_item_post(item, data, shown)
    if merged is None:
        return shown_module.StaleEdit(STALE[ResourceItem], _item_post_merge(item, data, shown)[1])
    return item_refusal(item, merged, frozen=frozen)


def item_problems(item: ResourceItem | None, data: ResourceItemData | None, *,
                  frozen: tuple[str, ...] | None = None) -> bool:
    """Read only, as the page read ``item`` (None: a new one): whether the save of
    ``data`` would be refused — ``data`` a new item's values, or an edit's post as the
    save will merge it with the stored item (``merged_item_post``: None, a field another
    admin changed too since the page, is refused as stale) —, by any of
    ``_item_values``' refusals (``frozen``: the fields the item fixed, as the page read
    them). A naming page is not shown for a save the service refuses (review46 #4): the
    refusal is said on the form, in the service's words, and the service decides again
    under its locks."""
    return data is None or item_refusal(item, data, frozen=frozen) is not None


def item_refusal(item: ResourceItem | None, data: ResourceItemData, *,
                 frozen: tuple[str, ...] | None = None) -> ServiceError | None:
    """``item_problems``' read of ``data``: the refusal itself, in the service's words,
    or None — for a view to say on the form when its naming page is declined by it."""
    if item is not None:
        # the item's community loaded onto it (a page names the item by it): held there,
        # the check's own read of it (``_ref``) is answered from memory
        item.community  # noqa: B018
    try:
        _item_values(data, item, lock=False, frozen=frozen)
    except ServiceError as refused:
        return refused
    return None


def create_resource_item(actor: Member, data: ResourceItemData) -> ResourceItem:
    return add_resource_item(actor, data).item


@dataclass(frozen=True)
class ItemSaved:
    """A checklist item's edit: the fields where another admin's change was kept, and how
    many activities the item took over, moved onto another year or line."""

    kept: list[str]
    moved: int


def save_resource_item(item: ResourceItem, actor: Member, data: ResourceItemData, *,
                       shown: str | None = None,
                       named: Callable[[ResourceItemData], None] | None = None) -> ItemSaved:
    """As ``update_unit``, for a checklist item (its 年度目标 is the 经费 ledger's budget).
    An item without tasks moved onto another year or line is that line's item of that
    year from now on, as if added: it takes over the year's activities as an added one
    does. ``named(data)``: the naming page's comparison (``item_named.item_named`` of the
    values saved), made on the values as merged with another admin's change, after the
    refusals, under the item's lock, the months' share locks last (review46 #1)."""
    _require_admin(actor)
    # both lines held before the item's own row (``_merge_shown``), in one id order with
    # an item added or copied into either (``tasks.lock_lines``)
    lock_lines(item_ids=[item.id], line=_posted_line(data))
    data, kept = _merge_shown(item, actor, data, shown)
    before = (item.year, item.unit_id, item.community_id, item.zone_id, item.category_id)
    values = _item_values(data, item)
    if named is not None:
        # the activities of both lines' years held, as the comparison reads their reports
        # (the item's own, and those it takes over): ``tasks.lock_year_work``
        lock_year_work([item, SimpleNamespace(**values)])
        named(data)
    _change(item, actor, values)
    moved = 0
    if (item.year, item.unit_id, item.community_id, item.zone_id, item.category_id) != before:
        moved = move_onto_year_items(actor, [item])
    return ItemSaved(kept, moved)


def update_resource_item(item: ResourceItem, actor: Member, data: ResourceItemData, *,
                         shown: str | None = None) -> list[str]:
    """``save_resource_item``, returning what ``update_unit`` does: the fields kept."""
    return save_resource_item(item, actor, data, shown=shown).kept


def _posted_line(data: ResourceItemData) -> SimpleNamespace | None:
    """The line a post names, when its ids are ids (else the checks refuse it later)."""
    ids = [record_id_or_none(getattr(data, name))
           for name in ("unit_id", "community_id", "category_id")]
    zone = record_id_or_none(data.zone_id) if data.zone_id else None
    if None in ids or (data.zone_id and zone is None):
        return None
    return SimpleNamespace(unit_id=ids[0], community_id=ids[1], zone_id=zone, category_id=ids[2])


@dataclass(frozen=True)
class ItemsCopied:
    """What 「从上一年度复制」 did: items made in ``to_year``, lines skipped because
    ``to_year`` already has them (active or not)."""

    from_year: int
    to_year: int
    copied: int
    skipped: int
    moved: int = 0  # activities of ``to_year`` moved onto the new items


def copy_items_from_previous_year(actor: Member, to_year: int, *, unit_id: int | None = None,
                                  community_id: int | None = None,
                                  named: Callable[[], None] | None = None) -> ItemsCopied:
    """Start ``to_year``'s checklist from the year before's, in one transaction: each
    active item of ``to_year - 1`` (of one unit and/or one community, or all) whose
    unit, community, zone and category are still in use becomes the same line of
    ``to_year`` — unit, community, zone, category, measure, with its target and note
    copied (the admin edits them after) — unless ``to_year`` already has that line.
    Each new item is audited (``create``, with the item it was copied from), and takes
    over the activities of ``to_year`` recorded on another year's item of its line
    before it existed (``tasks.move_onto_year_items``). ``named``: the naming page's
    comparison (``item_named.copy_named``: the 年度总结 and, for a budget, the 月报 of
    ``to_year`` the new items change), made after the refusals, once the lines are held,
    the months' share locks last."""
    _require_admin(actor)
    sources = _copy_sources(to_year, unit_id, community_id)
    # every item of the lines held before ``to_year``'s are read: an activity being put on
    # one of them waits, then reads the new item (``tasks.item_of_year``), or committed
    # first and is moved below; a second copy waits, then skips what this one made
    lock_lines([source.id for source in sources])
    copies = _copies(sources, to_year)
    # their categories, as every checklist change holds them (``tasks.lock_categories``)
    lock_categories(sources)
    if named is not None:
        # the activities the copies take over held, as the comparison reads their reports
        lock_year_work([SimpleNamespace(**copy) for copy in copies])
        named()
    created = []
    for copy in copies:
        values = {name: value for name, value in copy.items() if name != "copied_from"}
        item = ResourceItem(active=True, **values)
        db.session.add(item)
        db.session.flush()
        audit(actor, "create", item, copied_from=copy["copied_from"], **values)
        created.append(item)
    moved = move_onto_year_items(actor, created)
    return ItemsCopied(to_year - 1, to_year, len(created), len(sources) - len(created), moved)


def _copy_sources(to_year: int, unit_id: int | None, community_id: int | None) -> list:
    """The items 「从上一年度复制」 copies into ``to_year`` from the year before (of one unit
    and/or community, or all), or its refusal."""
    if isinstance(to_year, bool) or not isinstance(to_year, int) \
            or not YEAR_MIN < to_year <= YEAR_MAX:
        raise ServiceError(_l("年度须在%(low)d到%(high)d之间。", low=YEAR_MIN + 1, high=YEAR_MAX),
                           field="year")
    from_year = to_year - 1
    zone_ok = or_(ResourceItem.zone_id.is_(None),
                  ResourceItem.zone_id.in_(select(Zone.id).where(Zone.active.is_(True))))
    query = (
        select(ResourceItem)
        .join(Unit, Unit.id == ResourceItem.unit_id)
        .join(Community, Community.id == ResourceItem.community_id)
        .join(Category, Category.id == ResourceItem.category_id)
        .where(ResourceItem.year == from_year, ResourceItem.active.is_(True),
               Unit.active.is_(True), Community.active.is_(True), Category.active.is_(True),
               zone_ok)
        .order_by(ResourceItem.id))
    if unit_id is not None:
        query = query.where(ResourceItem.unit_id == unit_id)
    if community_id is not None:
        query = query.where(ResourceItem.community_id == community_id)
    sources = list(db.session.scalars(query))
    if not sources:
        raise ServiceError(_l("%(year)d年度没有可复制的资源清单项目：只复制在用的项目，"
                              "且其单位、社区和类别仍在用（已停用的项目可先重新启用）。",
                              year=from_year))
    return sources


def _copies(sources: list, to_year: int) -> list[dict]:
    """The new items' values (with ``copied_from``, for the audit): each source's line of
    ``to_year`` that ``to_year`` does not have yet (active or not)."""
    existing = set(db.session.execute(
        select(ResourceItem.unit_id, ResourceItem.community_id, ResourceItem.zone_id,
               ResourceItem.category_id).where(ResourceItem.year == to_year)).tuples())
    copies = []
    for source in sources:
        line = (source.unit_id, source.community_id, source.zone_id, source.category_id)
        if line in existing:
            continue
        existing.add(line)
        copies.append({"unit_id": source.unit_id, "community_id": source.community_id,
                       "zone_id": source.zone_id, "category_id": source.category_id,
                       "year": to_year, "target": source.target,
                       "target_measure": source.target_measure,
                       "description": source.description, "copied_from": source.id})
    return copies


def items_to_copy(to_year: int, *, unit_id: int | None = None,
                  community_id: int | None = None) -> list[SimpleNamespace]:
    """Read only: the items 「从上一年度复制」 would make (their values), for its naming page
    (``item_named.copy_named``); a copy it refuses makes none."""
    try:
        sources = _copy_sources(to_year, unit_id, community_id)
    except ServiceError:
        return []
    return [SimpleNamespace(**values) for values in _copies(sources, to_year)]


# --- members --------------------------------------------------------------------------

PHONE_TAKEN = _l("该手机号已被其他党员使用。")


def member_problems(data: MemberData, member: Member | None,
                    actor: Member | None = None) -> list[tuple[str, object]]:
    """Every field of the member form the rules refuse, as (form field, message) in the
    form's order: a 手机号 already used is named with a 社区联络员 given no community
    and a 生效日期 in the future, not one per submit. ``actor``, the admin posting: an
    admin taking their own 管理员 role away is named with the rest, as
    ``update_member`` names it first."""
    data = _phone_read(data)
    if member is not None:  # an erased 手机号 left empty stays erased: not "required"
        data = _erased_phone_kept(member, data, None)
    found: list[tuple[str, object]] = []
    if member is not None and actor is not None:
        _own_admin_problem(member, actor, data, found)
    values = _member_values(data, member, found)
    if member is None:
        if data.roll_from is not None and data.roll_from > local_today():
            found.append((roll.FIELD, _l("生效日期不能晚于今天。")))
        elif data.roll_from is not None:
            collect(found, roll.check_floor, data.roll_from)
    else:
        _roll_day_problem(member, data, values, found)
    return found


def _own_admin_problem(member: Member, actor: Member, data: MemberData,
                       found: list[tuple[str, object]]) -> None:
    """An admin may not take their own 管理员 role away (no admin might be left)."""
    if member.id == actor.id and data.role != Role.admin:
        found.append(("role", _l("不能取消自己的管理员角色。")))


def _roll_day_problem(member: Member, data: MemberData, values: dict,
                      found: list[tuple[str, object]]) -> None:
    """The 生效日期 typed for a post that moves the member's roll (单位 or 计入参与统计),
    checked as ``update_member`` checks it (``roll.check_day``), nothing applied."""
    if data.roll_from is None or values["unit_id"] is None:
        return
    wanted = roll.roll_unit(member.active, values.get("on_roll", member.on_roll),
                            values["unit_id"])
    if roll.differs(member, wanted):
        collect(found, roll.check_day, member, data.roll_from)


def _member_values(data: MemberData, member: Member | None,
                   found: list[tuple[str, object]] | None = None) -> dict:
    """The member's values from ``data``. Refused: every field at once, raised — or,
    given ``found``, appended to it (the values then hold None where refused)."""
    problems: list[tuple[str, object]] = [] if found is None else found

    def take(rule, *args):
        try:
            return rule(*args)
        except ServiceError as refused:
            problems.append((refused.field, refused.message))
            return None

    name = take(_text, person_name(data.name), "name", 40)  # 「王　芳」 is 王芳
    phone = (data.phone or "").strip()
    if not phone:
        problems.append(("phone", MSG_REQUIRED))
    elif not (member is not None and member.phone_erased and phone == member.phone) \
            and not PHONE_RE.match(phone):
        # (erased, and left so, ``_erased_phone_kept``: no number to check)
        problems.append(("phone", _l("请输入11位手机号。")))
    else:
        query = select(Member.id).where(Member.phone == phone)
        if member is not None:
            query = query.where(Member.id != member.id)
        if _taken(query):
            problems.append(("phone", PHONE_TAKEN))
    unit = take(_ref, Unit, data.unit_id, "unit_id", member.unit_id if member else None)
    branch = take(lambda: _text(data.branch, "branch", 80, required=False))
    if not isinstance(data.role, Role):
        problems.append(("role", MSG_CHOOSE))
    communities = []
    if data.role == Role.liaison:
        current = {c.id for c in member.communities} if member else set()
        wanted = list(dict.fromkeys(data.community_ids or []))
        for community_id in wanted:
            community = take(_ref, Community, community_id, "community_ids",
                             community_id if community_id in current else None)
            if community is None:
                break  # one message for the field
            communities.append(community)
        if not wanted:
            problems.append(("community_ids", _l("社区联络员至少要负责一个社区。")))
    if found is None:
        refuse_all(problems)
    values = {"name": name, "phone": phone, "unit_id": unit.id if unit else None,
              "branch": branch, "role": data.role, "communities": communities}
    if data.on_roll is not None:
        values["on_roll"] = bool(data.on_roll)
    elif member is None:
        values["on_roll"] = Member.on_roll_by_default(data.role)
    return values


def _community_change(member: Member, communities: list[Community]) -> dict:
    before = sorted(c.id for c in member.communities)
    after = sorted(c.id for c in communities)
    if before == after:
        return {}
    member.communities = communities
    return {"community_ids": [before, after]}


def _masked(changes: dict) -> dict:
    """Audit rows keep phone numbers masked (personal data)."""
    if "phone" in changes:
        changes["phone"] = [mask_phone(p) if p else p for p in changes["phone"]]
    return changes


def _phone_read(data: MemberData) -> MemberData:
    """``data`` with its 手机号 as stored (``phones.normalise_phone``: 「+86 139 0000
    1001」 and full-width digits are 13900001001), whoever calls; an erased number's
    placeholder (``privacy.erased_phone``) is left as it is, being no number."""
    phone = (data.phone or "").strip()
    if not phone or phone.startswith(ERASED_PHONE_MARK):
        return data
    return dataclasses.replace(data, phone=normalise_phone(phone))


@dataclass(frozen=True)
class MemberAdded:
    """A member added (``add_member``), and the 已定稿 months and years their joining the
    roll may change (``roll.Corrected``; None: none dated) — found by the rule the page
    named them by before the save (``_keep_promise``), for the message after it."""

    member: Member
    signed: roll.Corrected | None


def create_member(actor: Member, data: MemberData) -> Member:
    """``add_member``'s member."""
    return add_member(actor, data).member


def add_member(actor: Member, data: MemberData) -> MemberAdded:
    """A new account with no password: the member activates it via an invitation link."""
    _require_admin(actor)
    data = _phone_read(data)
    # One added now joins the roll on 自何日起 (today by default): not missing from
    # months before they came; the first roll, before any work, since always.
    refuse_all(member_problems(data, None))
    values = _member_values(data, None)
    communities = values.pop("communities")
    day = data.roll_from if data.roll_from is not None else roll.join_day()
    member = Member(password_hash=None, active=True, **values)
    member.communities = communities
    signed = _keep_promise(roll.pending_change(None, roll.wanted_unit(member), day),
                           data.promised, actor)
    roll.start(member, day)
    db.session.add(member)
    _flush("phone", PHONE_TAKEN)
    audit(actor, "create", member, role=member.role, unit_id=member.unit_id,
          community_ids=[c.id for c in communities], on_roll=member.on_roll,
          roll_from=_roll_since(member))
    return MemberAdded(member, signed)


def _roll_since(member: Member) -> str | None:
    current = roll.open_period(member)
    return current.since.isoformat() if current is not None and current.since else None


# The member form's fields as stored, in the order the form shows them: what an edit
# page read (``member_shown_key``) and what a post from it is checked against.
SHOWN_FIELDS = ("name", "phone", "unit_id", "branch", "role", "community_ids", "on_roll")
MEMBER_STALE = _l("该党员的信息已被他人修改，请刷新后重试。")


_SHOWN_VALUES = {
    "name": lambda m: m.name, "phone": lambda m: m.phone, "unit_id": lambda m: m.unit_id,
    "branch": lambda m: m.branch or None, "role": lambda m: _plain(m.role),
    "community_ids": lambda m: sorted(c.id for c in m.communities),
    "on_roll": lambda m: bool(m.on_roll),
    # beyond the form: the member import's preview (``member_import.PREVIEW_FIELDS``)
    "active": lambda m: bool(m.active),
    "roll": lambda m: roll.shown_key(roll.last_change(m)),
}


def shown_values(member: Member, fields: tuple[str, ...] = SHOWN_FIELDS) -> dict:
    """The member form's fields as stored (``SHOWN_FIELDS``), in plain values. Only
    what the form shows and writes: a password set or changed (the member's own, an
    invitation's), a login or 停用 is none of them. ``fields``: another page's (the
    member import's preview adds 停用 and the roll history's latest change)."""
    return {name: _SHOWN_VALUES[name](member) for name in fields}


def member_shown_key(member: Member, fields: tuple[str, ...] = SHOWN_FIELDS) -> str:
    """What the edit page posts to say what its form showed: the fields' stored values
    (they are on the page already), so a refusal can say what changed since — as JSON
    in URL-safe base64, a plain token in the page's hidden field. ``fields``: as in
    ``shown_values``."""
    return shown_module.shown_key(shown_values(member, fields))


# a field of the member form changed since the page was read (the shared helper's)
ShownChange = shown_module.ShownChange
# the fields as the page showed them (its ``member_shown_key``); {} when unreadable
_shown_then = shown_module.shown_then


# the most ids a page's ``shown`` says one select showed: a member's communities, of a
# county's few dozen; a longer list is of no page of ours (and its ids are asked of the
# database for the form's choices, one parameter each)
SHOWN_IDS_MAX = 1000


def shown_ids(shown: str | None, name: str) -> list[int]:
    """The record ids (``unit_id``, ``community_ids``) the page's key ``shown`` says
    its form showed; [] when it says none, or nothing readable — an id past the
    database's INTEGER, anything but ids, more than ``SHOWN_IDS_MAX``: a key of no page,
    whose ids would be a 500 at the form's look-up (``security.key_ids``, sec47 #5)."""
    value = _shown_then(shown).get(name)
    return key_ids(value if isinstance(value, list) else [value], SHOWN_IDS_MAX) or []


def erased_when_shown(shown: str | None) -> bool:
    """The page's key ``shown`` says its form showed an erased 手机号 (shown as none)."""
    phone = _shown_then(shown).get("phone")
    return isinstance(phone, str) and phone.startswith(ERASED_PHONE_MARK)


def changed_since_shown(member: Member, shown: str | None,
                        fields: tuple[str, ...] = SHOWN_FIELDS) -> list[ShownChange]:
    """The member form's fields whose stored value is not what the page showed
    (``shown``, its ``member_shown_key``), in the form's order; [] when none or when
    ``shown`` is None (not from a page). An unreadable key is a page of nothing: every
    field is listed. ``fields``: as in ``shown_values``."""
    if shown is None:
        return []
    then, now = _shown_then(shown), shown_values(member, fields)
    return [ShownChange(name, then.get(name), now[name], name in then) for name in fields
            if name not in then or then[name] != now[name]]


def _posted_values(data: MemberData, now: dict) -> dict:
    """What the form posted, in ``shown_values``' terms. 负责的社区 are the ones the
    post would give the member: none unless the role posted is 社区联络员; 计入参与统计
    not posted (None) is left as stored."""
    role = _plain(data.role) if isinstance(data.role, Role) else data.role
    return {"name": person_name(data.name), "phone": (data.phone or "").strip(),
            "unit_id": data.unit_id, "branch": (data.branch or "").strip() or None,
            "role": role,
            "community_ids": sorted(set(data.community_ids or []))
            if role == Role.liaison.value else [],
            "on_roll": now["on_roll"] if data.on_roll is None else bool(data.on_roll)}


# the fields whose change moves the member's roll (``roll.settle``), dated 自何日起
ROLL_FIELDS = ("unit_id", "on_roll")


@dataclass(frozen=True)
class MemberMerge:
    """A member form posted from a page, merged field by field with what is stored now
    (``merge_member_form``): ``data`` what to save; ``conflicts`` the fields another
    changed since the page was read and this post changes otherwise; ``kept`` the
    fields another changed that this post left as the page showed them (theirs stays).
    ``roll_stale``: the post changes the roll history over another's change of it made
    since (``roll.STALE``), with ``roll_changes`` the 单位 / 计入参与统计 another changed
    meanwhile — part of that conflict, so not among ``kept``."""

    data: MemberData
    conflicts: list[ShownChange]
    kept: list[ShownChange]
    roll_stale: bool = False
    roll_changes: list[ShownChange] = dataclasses.field(default_factory=list)

    @property
    def refused(self) -> str | None:
        """Why the post is refused (the field conflicts first), or None."""
        if self.conflicts:
            return MEMBER_STALE
        return roll.STALE if self.roll_stale else None


class MemberFormRefused(ServiceError):
    """A member form refused over another's change made since its page was read
    (``MEMBER_STALE`` or ``roll.STALE``), carrying the ``merge`` that refused it —
    decided once, under the member's lock: what the refused page names (the conflicts,
    another's 单位 / 计入参与统计 on the roll, the changes that would be kept) is what
    refused the post, not a merge made again later against a member another admin may
    have changed once more."""

    def __init__(self, message, merge: MemberMerge):
        super().__init__(message)
        self.merge = merge


def _roll_stale(member: Member, data: MemberData, then: dict, now: dict, posted: dict,
                keep: dict) -> bool:
    """Would the post (``posted``, in ``shown_values``' terms), merged (``keep``: the
    fields it left as shown, another's change kept), change the roll history over
    another's change of it made since the page was read (its ``roll_shown`` is not the
    latest change now)? It does when it moves the roll (``roll.settle`` would change
    the stays), and when it changes 单位 or 计入参与统计 itself, dated (自何日起), to
    what another's change has made it meanwhile on another day: the same move, but not
    on the date this admin typed (on that very day it is the same change: nothing to
    decide; no date typed: nothing to decide either) — and when it changes them, dated,
    to anything else: another's change may have taken the member off the roll, where a
    move is a plain field and its 自何日起 would be dropped unsaid (a dated change is
    never saved without its date). Called under ``roll.lock_member``."""
    if data.roll_shown is None:
        return False
    change = roll.last_change(member)
    if data.roll_shown == roll.shown_key(change):
        return False
    saved = posted | keep
    if roll.differs(member, roll.roll_unit(member.active, saved["on_roll"], saved["unit_id"])):
        return True
    if data.roll_from is None:
        return False
    typed = [name for name in ROLL_FIELDS if name in then and posted[name] != then[name]]
    same_change = change is not None and change.day == data.roll_from and all(
        posted[name] == now[name] for name in typed)
    return bool(typed) and not same_change


def merge_member_form(member: Member, data: MemberData,
                      then: dict | None = None) -> MemberMerge:
    """The three-way merge of a member form posted from a page (``data.shown``: the
    fields as the page showed them) with the member as stored now, field by field:

    - posted as the page showed it (its admin did not touch it): what is stored now
      stays — another's change made since is kept (``kept``);
    - posted otherwise, stored still as shown: the posted value is written;
    - posted as stored: nothing to decide;
    - posted otherwise, and another changed it to something else since (or the key does
      not say what the page showed): a conflict — the post is refused whole.

    负责的社区 compare as the set the post would give (none unless 社区联络员): a
    demotion over communities another admin changed meanwhile is a conflict. The roll
    history is decided with the fields, so one refusal names every conflict: a post
    that changes the roll over another's change of it since its page (``roll_shown``;
    ``_roll_stale``) is refused too, and another's 单位 / 计入参与统计 is then part of
    that conflict, not kept. Not from a page (``shown`` None: scripts): the post as it
    is, nothing checked. ``then``: ``data.shown`` decoded already (``_shown_then``),
    when the caller has it."""
    if data.shown is None:
        return MemberMerge(data, [], [])
    if then is None:
        then = _shown_then(data.shown)
    now = shown_values(member)
    posted = _posted_values(data, now)
    fields = shown_module.merge_then(then, now, posted)  # SHOWN_FIELDS, in order
    conflicts, kept, keep = fields.conflicts, fields.kept, dict(fields.keep)
    roll_changes, roll_stale = [], _roll_stale(member, data, then, now, posted, keep)
    if roll_stale:
        roll_changes = [ShownChange(name, then[name], now[name]) for name in ROLL_FIELDS
                        if name in then and now[name] != then[name]
                        and all(c.field != name for c in conflicts)]
        kept = [c for c in kept if c.field not in ROLL_FIELDS]
    if "role" in keep:
        keep["role"] = Role(keep["role"])
    return MemberMerge(dataclasses.replace(data, **keep), conflicts, kept, roll_stale,
                       roll_changes)


def _phone_written(member: Member, data: MemberData, then: dict | None) -> bool:
    """Might the post write a new 手机号 (compared with the member as read before the
    lock)? Not when it posts the 手机号 its page showed (``then``: the fields as the page
    showed them, None when not from a page): that one is never written (the stored one
    stays, whoever changed it)."""
    phone = (data.phone or "").strip()
    if phone == member.phone:
        return False
    return then is None or then.get("phone", object()) != phone


def _erased_phone_kept(member: Member, data: MemberData, then: dict | None) -> MemberData:
    """An erased 手机号 (``privacy.erased_phone``: 停用 past the retention period) is
    shown as none; posted empty, it stays erased — the name, unit and 党支部 are
    corrected without inventing a number. ``data`` then posts the placeholder the page
    showed (``then``; the member's own when not from a page), so the merge takes the
    phone as left alone: another admin's new number given since is kept. A number
    typed is written as usual; 重新启用 asks for one (``refuse_if_erased``)."""
    if (data.phone or "").strip():
        return data
    if then is None:
        return dataclasses.replace(data, phone=member.phone) if member.phone_erased else data
    shown = then.get("phone")
    if isinstance(shown, str) and shown.startswith(ERASED_PHONE_MARK):
        return dataclasses.replace(data, phone=shown)
    return data


@dataclass(frozen=True)
class MemberSaved:
    """The member form saved (``save_member``): the fields (``SHOWN_FIELDS`` names, in
    the form's order) whose change by another was kept, and the 已定稿 months and years
    the save may change (``roll.Corrected``; None: none) — found under the member's lock
    by the rule the page named them by before the save (``_keep_promise``: the roll
    change's), and those that may print a 姓名 or 党支部 it made other
    (``roll.with_naming``) —, for the message after it (``admin.told.tell_foreseen``)."""

    kept: list[str]
    signed: roll.Corrected | None


def update_member(member: Member, actor: Member, data: MemberData) -> list[str]:
    """``save_member``'s fields kept."""
    return save_member(member, actor, data).kept


def save_member(member: Member, actor: Member, data: MemberData) -> MemberSaved:
    """The member form. Posted from a page (``data.shown``), it is merged field by field
    with the member as stored now (``merge_member_form``): what its admin changed is
    written, what they left as the page showed it keeps another's change made since;
    it is refused whole (``MEMBER_STALE``, nothing written) when another changed a field
    since the page was read to something other than what this post changes it to, or
    (``roll.STALE``) when it changes the roll history over another's change of it —
    both as ``MemberFormRefused``, carrying the merge that refused it. Returns the fields
    whose change by another was kept so, for the page to say, and the signed months and
    years it may change (``MemberSaved``)."""
    _require_admin(actor)
    # before anything is read or checked: the member as the last change committed
    # left them (another admin's post waits here for this one, then is merged with
    # what it wrote) — the day against the stays as they are now, the form against the
    # fields as they are now, not as the page that posted saw them; with the actor, in
    # id order, the member FOR UPDATE when their 手机号 may change (``roll.lock_member``)
    then = None if data.shown is None else _shown_then(data.shown)
    data = _erased_phone_kept(member, _phone_read(data), then)
    merge = _lock_for_form(member, actor, data, then)
    if merge.refused:  # the fields and the roll history decided together
        raise MemberFormRefused(merge.refused, merge)
    data = merge.data
    found = []
    _own_admin_problem(member, actor, data, found)
    values = _member_values(data, member, found)
    if found:  # refused anyway: its 生效日期 is named too (``settle``'s check below)
        _roll_day_problem(member, data, values, found)
    refuse_all(found)
    communities = values.pop("communities")
    role_before = member.role
    printed = printed_of(member)  # what signed documents print of them, before
    changes = _apply(member, values)
    changes.update(_community_change(member, communities))
    if "phone" in changes:
        number_given(member)  # the mask of an erased number goes with it
    if "role" in changes or "unit_id" in changes or "phone" in changes:
        # a link made for them before was made for someone they no longer are: a
        # liaison's link for a member made 管理员 would sign its maker in as the admin;
        # a 手机号 corrected (a typo, a number handed on) means the link may be in the
        # hands of whoever had the old number, and would set this account's password
        revoke_links(actor, "member_edit", of=[member])
    if "role" in changes and role_before in STAFF_ROLES and member.role != Role.admin:
        revoke_links(actor, "member_edit", made_by=[member])  # those they made under the role they had
    signed = None  # the signed months and years the roll change may change
    if roll.changes_roll(member):
        if data.roll_shown is not None:
            # the unit and 计入参与统计 posted were chosen against the history the
            # page showed: not applied over a move that committed since (from a page
            # ``merge_member_form`` has refused it already; a script posts no ``shown``)
            try:
                roll.check_shown(member, data.roll_shown)
            except ServiceError as refusal:
                raise MemberFormRefused(refusal.message, merge) from refusal
        # a move or 计入参与统计 changed: dated, so the months before keep their roll
        day = data.roll_from or local_today()
        roll.check_day(member, day)
        # the unit she was in, moved with the roll: her work on no roll moves with it
        was = changes["unit_id"][0] if "unit_id" in changes else member.unit_id
        signed = _keep_promise(roll.pending_change(member, roll.wanted_unit(member), day,
                                                   (was, member.unit_id)),
                               data.promised, actor)
        roll.settle(member, day)
        changes["roll_from"] = day.isoformat()
    elif "unit_id" in changes:
        # moved on no roll (a liaison, 计入参与统计 否, 停用): no roll changes, yet all her
        # work on no roll counts for the unit she is in now and moves with her (unroll53)
        signed = _keep_promise(roll.off_roll_move(member, roll.wanted_unit(member),
                                                  (changes["unit_id"][0], member.unit_id)),
                               data.promised, actor)
    if changes:
        _flush("phone", PHONE_TAKEN)
        audit(actor, "update", member, **_masked(changes))
    # a 姓名, 党支部 or a namesake's phone made other: what signed 台账, 未参与名单 and
    # namesakes' labels print of them (``summary_notes.reprinted``; never asked before
    # the save: no confirm step for a name)
    renamed = [member] if reprinted(printed, member) else []
    return MemberSaved([c.field for c in merge.kept],
                       roll.with_naming(signed, renamed, local_today()))


def _lock_for_form(member: Member, actor: Member, data: MemberData,
                   then: dict | None) -> MemberMerge:
    """The member form's locks, then its merge (``merge_member_form``). A new 手机号
    holds her row ``FOR UPDATE`` (``roll.lock_member``'s ``key``), which blocks the key
    share her own writes take (an audit row naming her, ``finalized_by``). A move then
    share-locks its units (``roll.signed_after(lock=True)``); waiting there for one
    whose 月报 she is signing or saving (``lock_scope``, then a write naming her) closed
    a circle — PostgreSQL's deadlock, a 500 (deadlock53). Nor may the units be taken
    before her: her rename of her unit takes her key share first (``actor_first``). So
    with a new 手机号 the units a move may ask about (``roll.moving_units``) are
    share-locked at once or not at all (``share_scopes_now``): one held, the save lets
    go of her (a savepoint rolled back), waits for it holding nothing, and starts again."""
    key = _phone_written(member, data, then)
    while True:
        savepoint = db.session.begin_nested() if key else None
        roll.lock_member(member, actor, key=key)
        merge = merge_member_form(member, data, then)
        if savepoint is None:  # her row FOR NO KEY UPDATE: her own writes pass it
            return merge
        moved = (merge.data.unit_id, merge.data.on_roll) != (member.unit_id, member.on_roll)
        units = roll.moving_units(member, merge.data.unit_id) if moved else set()
        if summary_notes.share_scopes_now(units):
            savepoint.commit()
            return merge
        savepoint.rollback()
        summary_notes.wait_for_scopes(units)


FORM_PROMISE_STALE = _l("打开页面之后，这次保存涉及的已定稿月报或年度总结有了变化，请查看上方的说明后再确认保存。")
# the same, on the form of a member being added, whose button is 确认添加 (afresh52)
FORM_ADD_PROMISE_STALE = _l("打开页面之后，这次添加涉及的已定稿月报或年度总结有了变化，请查看上方的说明后再确认添加。")
FORM_CONFIRM = _l("请核对表单上方的说明，确认后再保存。")


class SignedUnconfirmed(ServiceError):
    """A member form's change of the roll that touches 已定稿 months or years the page
    did not name before the save (``_keep_promise``), carrying what it touches —
    ``signed`` (``roll.Corrected``) and its ``key`` (``roll.corrected_key``) — for the
    page to name them, decided once, under the member's lock: posted again with ``key``
    (its admin confirming), the save is made."""

    def __init__(self, message, signed: roll.Corrected, key: str, *, changed: bool = False,
                 change: roll.Change | None = None, promised: str | None = None):
        super().__init__(message, field=roll.FIELD)
        # ``changed``: named afresh because what the page named changed since (a month
        # signed or re-opened since), which the page's notice says (``message``)
        self.signed, self.key, self.changed = signed, key, changed
        # the roll change asked about and the key the page posted: for the page to name
        # what it changes afresh after the rollback (``roll.signed_after`` read again,
        # ``admin.routes._signed_named``), not ``signed``, found under the lock (since51)
        self.change, self.promised = change, promised


def _keep_promise(change: roll.Change | None, promised: str | None,
                  actor: Member) -> roll.Corrected | None:
    """Refuse a member form's roll ``change`` that touches 已定稿 months or years
    (``roll.signed_after``: those of its units from its day's month to today, and those
    of the needs it moves, ``roll.moved_needs``) other than
    the page named before the save (``promised``, their ``roll.corrected_key``; "" for
    none): named for the first time, named afresh for another date typed, or changed
    since the page (one was 定稿 since, another admin's change moved what this one
    changes) — as 更正日期's ``promised``. A change touching nothing signed is never
    refused; ``promised`` None (the import, scripts) asks nothing. Returns what it
    touches (None: no change), found so under the member's lock: what the message after
    the save tells of, the set the page named and its admin confirmed. ``actor``: the
    admin saving, who posted the key (``roll.said_since``).

    Confirmed for the same day against a naming that is not the one now, it is never
    saved silently, even when nothing signed is left (what the page named was re-opened,
    撤销定稿, since: key ""): the page comes back with the words of ``roll.said_since``
    — which documents were re-opened, and that the save now changes nothing signed —
    and offers the plain 保存 (its ``key``, ""), what was typed kept (docs/design.md,
    "Refused in a 已定稿 month"; memberlock44 Open). Another date typed names afresh:
    with nothing signed for it, there is nothing to confirm and it is saved."""
    if change is None:
        return None
    # under the member's lock, and the share locks of the units her work on no roll
    # moves between (``roll.signed_after``'s ``lock``): a 定稿 committed is named
    signed = roll.signed_after(change, local_today(), lock=True)
    if promised is None:
        return signed
    key = roll.change_key(signed, change)
    if roll.same_corrected(promised, key):
        return signed
    # the same day, or both of no day (a move on no roll, ``roll.off_roll_move``)
    same_day = bool(promised) and roll.promised_day(promised) == roll.key_day(change)
    if same_day:  # what the page named changed since: said so, by what became of it
        # the save's words, 确认保存 / 保存 (the view says them afresh, an add's in 添加's)
        raise SignedUnconfirmed(roll.said_since(roll.promised_named(promised), signed,
                                                FORM_PROMISE_STALE, actor=actor,
                                                then=THEN_EDIT),
                                signed, key, changed=True, change=change, promised=promised)
    if key:  # named for the first time, or afresh for another date typed
        raise SignedUnconfirmed(FORM_CONFIRM, signed, key, change=change, promised=promised)
    return signed


ROLL_REASON_MAX = 200

# 更正日期's page named other signed documents than the correction changes now
ROLL_NAMED_SINCE = _l("打开页面之后，这次更正涉及的已定稿月报或年度总结有了变化，请查看下方的说明后再确认更正。")


def foresee_roll_correction(member: Member, day: date | None) -> roll.Corrected | None:
    """What 更正日期 of the member's latest change to ``day`` would change of what was
    signed (``roll.Corrected``), read only, for the page to name before the correction
    is made; None when there is nothing to correct or ``day`` is refused (the correction
    then says why)."""
    change = roll.last_change(member)
    if change is None or day is None:
        return None
    try:
        roll.check_correction(change, day)
    except ServiceError:
        return None
    months = roll.corrected_months(member, change, day)
    return roll.Corrected(months, roll.corrected_years(member, change, day, months))


def correct_roll_date(member: Member, actor: Member, day: date | None,
                      reason: str | None, *, shown: str | None,
                      promised: str | None = None) -> roll.Corrected:
    """更正日期: the latest change of the member's roll history (``roll.last_change``)
    took effect on ``day``, not on the day recorded — a move, or 计入参与统计, 停用 or
    重新启用 dated wrongly. The days between the two dates count in the other stay;
    months and years already 已定稿 keep their signed document, and those whose official
    figures the correction changes (``roll.corrected_months``, ``roll.corrected_years``:
    named before the change is made) now differ from it: returned (``roll.Corrected``),
    for the page to say so, with every signed year between the dates its message
    compares too (``asked_years``: ``roll.candidate_years``). Audited with both dates,
    the reason, and those months and years. ``shown``: the change the page named (``roll.shown_key``): refused
    when the latest change is now another (another admin's move, 停用 or correction
    committed since the page was read), never applied to a change the admin did not see.
    ``promised``: the signed months and years the page named (``roll.corrected_key``):
    refused when the correction now changes others (one was 定稿 since)."""
    _require_admin(actor)
    roll.lock_member(member, actor)  # the latest change as it is now, not as the page saw it
    change = roll.last_change(member)
    if change is not None or shown:  # (a change named that is gone since: another's too)
        roll.check_shown(member, shown)
    if change is None:
        raise ServiceError(_l("该党员的在册记录没有可更正的日期。"))
    if day is None:
        raise ServiceError(_l("请填写更正后的日期。"), field=roll.CORRECTION_FIELD)
    roll.check_correction(change, day)
    reason = required_reason(reason, _l("请填写更正的原因。"), ROLL_REASON_MAX)
    months = roll.corrected_months(member, change, day)
    final = roll.Corrected(months, roll.corrected_years(member, change, day, months))
    if promised is not None and not roll.same_corrected(promised, roll.corrected_key(final, day)):
        # the page's own words when its block names all it named before (one signed
        # since); else what was re-opened since (``roll.said_since``): the block may be
        # gone. The key's day is the page's, its documents ``named_key``'s. A
        # ``NamedSince``: the page says it again of what it names afresh after the
        # rollback (``admin.routes.member_roll_date``, since51)
        raise roll.NamedSince(final, ROLL_NAMED_SINCE, roll.promised_named(promised), actor,
                              then=THEN_CORRECT)
    roll.move_change(member, change, day)
    db.session.flush()
    # the years the message after it compares too, beyond those named: read here, under
    # the member's lock, as what was named (renamebound), not by the page after the commit
    final = dataclasses.replace(final, asked_years=roll.candidate_years(change, day))
    audit(actor, "correct_roll_date", member, before=change.day.isoformat(),
          after=day.isoformat(), reason=reason, left_unit_id=change.left_unit_id,
          joined_unit_id=change.joined_unit_id,
          final_months=[[m.unit_id, m.year, m.month] for m in final.months],
          final_years=[[y.unit_id, y.community_id, y.year] for y in final.years])
    return final
