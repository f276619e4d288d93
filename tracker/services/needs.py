"""需求清单 / 微心愿: posting a community's needs, claiming, releasing, fulfilling, closing.

A need is claimed by one conditional UPDATE (``status = 'open'``), as a slot is: of
two members (or units) claiming at the same moment exactly one wins, on SQLite
(BEGIN IMMEDIATE) and PostgreSQL (the row lock) alike; the loser is told who was
faster. Every change writes an AuditEvent; audit details never carry a resident's
personal data (ids, not names).

转为任务 hands an open need to the task (已转任务), or to a weekly series of tasks:
nobody claims it, and it is done when the report of any task of it is approved, or
given back when every task of it is cancelled (``task_needs``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..i18n import lazy_gettext as _l
from sqlalchemy import select, update

from ..extensions import db
from ..fields import one_line
from ..models import (
    Category,
    Member,
    Need,
    NeedKind,
    NeedStatus,
    Resident,
    ResourceItem,
    Task,
    Zone,
)
from ..permissions import manages_community
from ..timeutil import local_date, local_today, utcnow
from . import PermissionDenied, ServiceError, ServiceErrors, required_reason
from . import shown as shown_module
from .audit import record
from .claims import hold_member
from .photos import store_image
from .residents import ERASED_REFUSED, may_view
from .task_needs import series_approved
from .tasks import TaskData, create_tasks

TITLE_MAX = 120
TEXT_MAX = 2000
PEOPLE_MAX = 500
QUANTITY_MAX = 100_000
EDITABLE = ("kind", "title", "description", "category_id", "zone_id", "resident_id",
            "resource_item_id", "wanted_by", "people", "quantity")


@dataclass
class NeedData:
    community_id: int
    kind: NeedKind | None
    title: str
    description: str | None
    category_id: int | None
    zone_id: int | None
    resident_id: int | None
    resource_item_id: int | None
    wanted_by: date | None
    people: int | None
    quantity: int | None


# --- who may do what ------------------------------------------------------------------

def may_manage(member: Member, need: Need) -> bool:
    """The community's liaison and admins post, edit, fulfil and close."""
    return manages_community(member, need.community_id)


def may_see_resident(member: Member, need: Need) -> bool:
    """The resident a need names is shown by the register's rules (the community's
    liaison, admins, the paired members); everyone else sees only that there is one."""
    return need.resident is not None and may_view(member, need.resident)


def may_release(member: Member, need: Need) -> bool:
    return need.claimed_by_id == member.id or may_manage(member, need)


# --- posting and editing ----------------------------------------------------------------

NO_UNIT = _l("该类别没有数量单位，请不填数量，或填写需要的人数。")


def need_problems(data: NeedData, *,
                  saved_wanted_by: date | None = None) -> list[tuple[str, object]]:
    """Every field the rules refuse, as (form field, message) in the form's order: a past
    需要完成的日期 is named with a wrong 需要人数, not on the next submit (walk 2,
    defect 4). Strips ``data``'s title and description."""
    data.title = one_line(data.title or "").strip()  # a title is one line (review37 F1)
    data.description = (data.description or "").strip() or None
    found: list[tuple[str, object]] = []
    if data.kind is None:
        found.append(("kind", _l("请选择类型。")))
    if not data.title:
        found.append(("title", _l("请填写标题。")))
    elif len(data.title) > TITLE_MAX:
        found.append(("title", _l("不能超过%(max)d个字。", max=TITLE_MAX)))
    if data.description and len(data.description) > TEXT_MAX:
        found.append(("description", _l("不能超过%(max)d个字。", max=TEXT_MAX)))
    category = db.session.get(Category, data.category_id) if data.category_id else None
    if category is None or not category.active:
        category = None
        found.append(("category", _l("请选择类别。")))
    if data.zone_id is not None:
        zone = db.session.get(Zone, data.zone_id)
        if zone is None or zone.community_id != data.community_id or not zone.active:
            found.append(("zone", _l("请选择本社区的责任区。")))
    if data.resident_id is not None:
        resident = db.session.get(Resident, data.resident_id)
        if resident is None or resident.community_id != data.community_id:
            found.append(("resident", _l("请选择本社区登记的服务对象。")))
        elif resident.erased_at is not None:  # the one guard's words (refuse_erased)
            found.append(("resident", ERASED_REFUSED))
        elif not resident.active:
            found.append(("resident", _l("请选择本社区登记的服务对象。")))
    if data.resource_item_id is not None:
        item = db.session.get(ResourceItem, data.resource_item_id)
        if item is None or item.community_id != data.community_id or not item.active:
            found.append(("resource_item", _l("请选择本社区的资源清单项目。")))
    if data.wanted_by is None:
        found.append(("wanted_by", _l("请填写需要完成的日期。")))
    elif data.wanted_by != saved_wanted_by and data.wanted_by < local_today():
        found.append(("wanted_by", _l("需要完成的日期不能早于今天。")))
    if data.people is not None and not 1 <= data.people <= PEOPLE_MAX:
        found.append(("people", _l("请输入%(low)s到%(high)s之间的整数。", low=1,
                                   high=PEOPLE_MAX)))
    if data.quantity is not None:
        if category is not None and not category.quantity_unit:
            found.append(("quantity", NO_UNIT))
        elif not 1 <= data.quantity <= QUANTITY_MAX:
            found.append(("quantity", _l("请输入%(low)s到%(high)s之间的整数。", low=1,
                                         high=QUANTITY_MAX)))
    return found


def _check(data: NeedData, *, saved_wanted_by: date | None = None) -> Category:
    found = need_problems(data, saved_wanted_by=saved_wanted_by)
    if found:
        raise ServiceErrors([ServiceError(message, field=name) for name, message in found])
    return db.session.get(Category, data.category_id)


def post_need(actor: Member, data: NeedData) -> Need:
    """The liaison (or an admin) publishes a need of a community in their reach."""
    if not manages_community(actor, data.community_id):
        raise PermissionDenied(_l("无权操作。"))
    _check(data)
    need = Need(community_id=data.community_id, created_by_id=actor.id,
                status=NeedStatus.open, **{name: getattr(data, name) for name in EDITABLE})
    db.session.add(need)
    db.session.flush()
    record(actor, "need_post", need, community_id=need.community_id, kind=need.kind)
    return need


NEED_STALE = _l("该需求已被他人修改，请核对后重新保存。")
# the edit form's field of each of ``EDITABLE`` (what a refused page names)
FORM_FIELDS = {"category_id": "category", "zone_id": "zone", "resident_id": "resident",
               "resource_item_id": "resource_item"}


def _plain(value):
    if isinstance(value, NeedKind):
        return value.value
    return value.isoformat() if isinstance(value, date) else value


def need_shown_values(need: Need) -> dict:
    """The edit form's fields as stored, in plain values, named as the form's fields:
    what its page showed (``need_shown_key``) and what a post is merged with."""
    return {FORM_FIELDS.get(name, name): _plain(getattr(need, name)) for name in EDITABLE}


def need_shown_key(need: Need) -> str:
    """The edit page's hidden ``shown``: its fields as it showed them."""
    return shown_module.shown_key(need_shown_values(need))


def update_need(need: Need, actor: Member, data: NeedData, *, shown: str | None = None) -> None:
    """Edit a need that is still to be done; the audit names the fields changed.

    Under the need's row lock, re-read: posted from the edit page (``shown``: its
    ``need_shown_key``), the post is merged with the need as stored now
    (``shown.check``) — a field it left as its page showed it keeps another's change
    made since (the other liaison's 说明), one both changed otherwise refuses the edit
    (``NEED_STALE``) — so two saves at once take turns and never silently undo each
    other."""
    if not may_manage(actor, need):
        raise PermissionDenied(_l("无权操作。"))
    db.session.execute(select(Need.id).where(Need.id == need.id)
                       .with_for_update(key_share=True))
    db.session.refresh(need)
    if not need.is_live:
        raise ServiceError(_l("已完成或已关闭的需求不能再修改。"))
    data.community_id = need.community_id
    data.title = one_line(data.title or "").strip()  # a title is one line (review37 F1)
    data.description = (data.description or "").strip() or None
    posted = {FORM_FIELDS.get(name, name): _plain(getattr(data, name)) for name in EDITABLE}
    keep = shown_module.check(NEED_STALE, shown, need_shown_values(need), posted).keep
    for name in EDITABLE:
        if FORM_FIELDS.get(name, name) in keep:
            setattr(data, name, getattr(need, name))  # another's change, left as shown
    _check(data, saved_wanted_by=need.wanted_by)
    changed = [name for name in EDITABLE if getattr(need, name) != getattr(data, name)]
    for name in changed:
        setattr(need, name, getattr(data, name))
    record(actor, "need_edit", need, fields=changed)


# --- claiming -----------------------------------------------------------------------------

def claim_need(need: Need, member: Member, *, for_unit: bool = False) -> None:
    """认领: the member takes the need, for themselves or for their unit as a whole.

    One conditional UPDATE decides: whoever's statement finds the need open wins.
    The member's row share-locked first (``claims.hold_member``; members before the
    rows of either, as a merge takes them): not claimed for an account merged away."""
    hold_member(member)
    now = utcnow()
    result = db.session.execute(
        update(Need)
        .where(Need.id == need.id, Need.status == NeedStatus.open)
        .values(status=NeedStatus.claimed, claimed_by_id=member.id, claimed_at=now,
                claimed_unit_id=member.unit_id if for_unit else None, updated_at=now),
        execution_options={"synchronize_session": False},
    )
    db.session.refresh(need)
    if result.rowcount != 1:
        if need.status == NeedStatus.claimed and need.claimed_by_id == member.id:
            raise ServiceError(_l("您已认领该需求。"))
        if need.status == NeedStatus.claimed:
            raise ServiceError(_l("该需求已被认领。"))
        if need.status == NeedStatus.tasked:
            raise ServiceError(_l("该需求已转为任务，由任务的参与人员完成，不能认领。"))
        raise ServiceError(_l("该需求已完成或已关闭，不能认领。"))
    record(member, "need_claim", need, for_unit=for_unit,
           unit_id=member.unit_id if for_unit else None)


def release_need(need: Need, actor: Member) -> None:
    """取消认领: the claimer (or the liaison) gives the need back before it is fulfilled;
    one turned into a task goes back to the task (已转任务), others to 待认领."""
    if not may_release(actor, need):
        raise PermissionDenied(_l("无权操作。"))
    if need.status != NeedStatus.claimed:
        raise ServiceError(_l("该需求当前没有被认领。"))
    released = need.claimed_by_id
    need.status = NeedStatus.tasked if need.task_id is not None else NeedStatus.open
    need.claimed_by_id = need.claimed_unit_id = need.claimed_at = None
    record(actor, "need_release", need, member_id=released)


# --- the liaison's closing word ---------------------------------------------------------

def may_view_fulfil_photo(member: Member, need: Need) -> bool:
    """The photo of a need done: its liaison (and admins), and whoever claimed it — the
    member, or the members of the unit that claimed it. It may show a resident."""
    if may_manage(member, need) or need.claimed_by_id == member.id:
        return True
    return need.claimed_unit_id is not None and member.unit_id == need.claimed_unit_id


def may_confirm(need: Need) -> bool:
    """确认完成 is offered: claimed, or a task it was turned into (one of its series) is
    approved."""
    return need.status == NeedStatus.claimed or (need.status == NeedStatus.tasked
                                                 and series_approved(need))


def fulfil_need(need: Need, actor: Member, note: str | None,
                photo: bytes | None = None) -> None:
    """The liaison confirms a need fulfilled (counted on the local date), with an
    optional note and photo: a claimed one, or one turned into a task once a report of
    its task (or series) is approved (which fulfils it by itself since 0025; older
    ones, and those whose series had a later task approved while only the first task
    counted, wait here)."""
    if not may_manage(actor, need):
        raise PermissionDenied(_l("无权操作。"))
    note = (note or "").strip() or None
    if note and len(note) > TEXT_MAX:
        raise ServiceError(_l("不能超过%(max)d个字。", max=TEXT_MAX), field="note")
    if need.status == NeedStatus.open:
        raise ServiceError(_l("该需求还没有人认领，认领后才能确认完成。"))
    if need.status == NeedStatus.tasked and not series_approved(need):
        raise ServiceError(_l("该需求已转为任务，任务的完成情况审核通过后才能确认完成。"))
    if need.status not in (NeedStatus.claimed, NeedStatus.tasked):
        raise ServiceError(_l("该需求已完成或已关闭。"))
    now = utcnow()
    need.status = NeedStatus.fulfilled
    need.fulfilled_at, need.fulfilled_on = now, local_date(now)
    need.fulfilled_by_id, need.fulfil_note = actor.id, note
    if photo:  # last: every refusal above leaves no file behind
        need.fulfil_photo, _processed = store_image(photo)
    record(actor, "need_fulfil", need, member_id=need.claimed_by_id,
           unit_id=need.claimed_unit_id, task_id=need.task_id, photo=bool(photo))


def close_need(need: Need, actor: Member, reason: str) -> None:
    """The liaison closes a need that will not be done (no longer needed, done another
    way), with the reason; a claimed one is closed with its claim kept on record."""
    if not may_manage(actor, need):
        raise PermissionDenied(_l("无权操作。"))
    reason = required_reason(reason, _l("请填写关闭原因。"), TEXT_MAX)
    if not need.is_live:
        raise ServiceError(_l("该需求已完成或已关闭。"))
    need.status = NeedStatus.closed
    need.closed_at, need.closed_by_id, need.close_reason = utcnow(), actor.id, reason
    record(actor, "need_close", need)


# --- 转为任务 ----------------------------------------------------------------------------

def create_task_from_need(actor: Member, need: Need, item: ResourceItem,
                          data: TaskData) -> list[Task]:
    """The liaison turns a need into a task (or a weekly series) of a checklist item of
    the need's community; the need names the first task, and every task of the series
    is the need's (``task_needs``). An open need becomes the task's (已转任务: nobody
    claims it any more); a claimed one keeps its claimer. Either is fulfilled when the
    report of a task of it is approved."""
    if not may_manage(actor, need):
        raise PermissionDenied(_l("无权操作。"))
    if need.task_id is not None:
        raise ServiceError(_l("该需求已转为任务。"))
    if not need.is_live:
        raise ServiceError(_l("该需求已完成或已关闭。"))
    if item.community_id != need.community_id:
        raise ServiceError(_l("请选择本社区的资源清单项目。"), field="resource_item")
    tasks = create_tasks(actor, item, data)
    need.task_id = tasks[0].id
    db.session.flush()
    # one conditional UPDATE, as a claim: a claim that won a moment earlier is kept
    db.session.execute(
        update(Need).where(Need.id == need.id, Need.status == NeedStatus.open)
        .values(status=NeedStatus.tasked, updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    db.session.refresh(need)
    record(actor, "need_to_task", need, task_id=tasks[0].id)
    return tasks
