"""服务对象: the register of 困难群众 and 空巢老人, under PIPL rules.

Who sees a resident's record: the liaison of the resident's community, admins, and
the members paired with the resident (结对党员) — nobody else, not even the leader of
a task that served them (they see the name only, on the task's page). Every view of
a full record leaves an AuditEvent. Audit details never carry personal data: field
names, not values. A resident that a task refers to is archived, never deleted.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..formatting import REPEATED
from ..i18n import lazy_gettext as _l
from ..i18n import lazy_month_name
from sqlalchemy import case, exists, literal, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..names import namesakes_of
from ..models import (
    Category,
    Community,
    Member,
    Need,
    NeedStatus,
    Photo,
    Resident,
    ResidentCategory,
    ReportStatus,
    ResourceItem,
    Task,
    TaskReport,
    Unit,
    resident_member,
    task_resident,
)
from ..participation import tasks_changed
from ..permissions import managed_community_ids, manages_community, may_report
from ..phones import RESIDENT_PHONE_RE, normalise_contact
from ..reference import VISIT_KINDS
from ..search import matches
from ..security import key_ids
from ..timeutil import EARLIEST_DAY, iso_local, local_today, utcnow
from . import PermissionDenied, ServiceError, collect, refuse_all
from . import erasure, purging
from . import shown as shown_module
from .activity_lock import lock_activity
from .audit import record
from .claims import held_active, merged_into
from .photos import erase_photos, remove_image_on_commit
from . import summary_notes
from .named_first import day_signed
from .reopened import THEN_EDIT, THEN_SAVE
from .roll import keep_named
from .summary_notes import closed_to
from .task_needs import series_of

# ``reference.VISIT_KINDS``: the one kind of resident each visit category serves
VISIT_CATEGORIES = tuple(VISIT_KINDS)
# A save naming a resident of another kind (a crafted post: the page offers none).
OTHER_KIND = {
    ResidentCategory.elderly: _l("走访慰问类任务只能选择空巢老人作为服务对象。"),
    ResidentCategory.needy: _l("结对帮扶类任务只能选择困难群众作为服务对象。"),
}
# As stored (``phones``): 11 ASCII digits for a mobile, 区号-号码 (0571-88888888) for a landline.
PHONE_RE = RESIDENT_PHONE_RE
# The earliest consent date taken: the register is recent; an older date is a typo.
CONSENT_EARLIEST = EARLIEST_DAY
CONSENT_TOO_EARLY = _l("同意日期不能早于2000年1月1日，请检查。")  # the form's field says it too
EDITABLE = ("name", "category", "address", "phone", "notes", "consent_date", "consent_method")


@dataclass
class ResidentData:
    community_id: int | None
    name: str
    category: ResidentCategory | None
    address: str
    phone: str | None
    notes: str | None
    consent_date: date | None
    consent_method: str
    paired_ids: set[int] = field(default_factory=set)


# --- who may see what ---------------------------------------------------------------

def may_manage(member: Member, resident: Resident) -> bool:
    return manages_community(member, resident.community_id)


def is_paired(member: Member, resident: Resident) -> bool:
    if "paired_members" not in sa_inspect(resident).unloaded:
        # read with the record this request (the register's pages load them with it)
        return any(m.id == member.id for m in resident.paired_members)
    return db.session.scalar(
        select(resident_member.c.member_id).where(
            resident_member.c.resident_id == resident.id,
            resident_member.c.member_id == member.id)
    ) is not None


def may_view(member: Member, resident: Resident) -> bool:
    """The community's liaison, admins, and the paired members while the resident is
    active: archiving ends the pairing's access (the person moved, died, withdrew)."""
    return may_manage(member, resident) or (resident.active and is_paired(member, resident))


def visible_residents_query(member: Member, *, community_id: int | None = None,
                            category: ResidentCategory | None = None,
                            archived: bool = False, search: str | None = None):
    """Residents a member may see in a list: managed communities, or own pairings.
    The archived list is the managers' only: a pairing gives access to active residents.
    ``search``: those whose name contains it (the member directory's rule, a literal
    part of the name: ``search.matches``)."""
    query = select(Resident).where(Resident.active.is_(not archived))
    managed = managed_community_ids(member)
    if managed is None:
        pass
    elif archived:
        query = query.where(Resident.community_id.in_(managed or [-1]))
    elif managed:
        query = query.where(
            Resident.community_id.in_(managed)
            | exists().where(resident_member.c.resident_id == Resident.id,
                             resident_member.c.member_id == member.id))
    else:
        query = query.where(exists().where(resident_member.c.resident_id == Resident.id,
                                           resident_member.c.member_id == member.id))
    if community_id is not None:
        query = query.where(Resident.community_id == community_id)
    if category is not None:
        query = query.where(Resident.category == category)
    if search:
        # An erased record's name is the placeholder ERASED_NAME: its old name is gone,
        # and no search finds it by the placeholder either (as no search finds an
        # erased member's phone by its mark).
        query = query.where(matches(search, Resident.name), Resident.erased_at.is_(None))
    # communities in their natural order (as every list of them), people in pinyin order
    community = select(Community.sort_key).where(Community.id == Resident.community_id) \
        .scalar_subquery()
    return query.order_by(community, Resident.community_id, Resident.name_key, Resident.id)


def pairing_candidates(community_id: int):
    """Members who may be paired in a community: active members of the units that
    have a resource checklist item there (the units working with that community)."""
    units = select(ResourceItem.unit_id).where(ResourceItem.community_id == community_id)
    return select(Member).where(Member.active.is_(True), Member.unit_id.in_(units)) \
        .order_by(Member.name_key, Member.id)


def pairing_candidate_list(community_id: int, keep=()) -> tuple[list[Member], dict]:
    """The pairing candidates as the register form lists them, each with their unit,
    then the members of ``keep`` (ids: paired already, no longer candidates — an edit
    keeps them listed), and {member id: her namesakes in her unit} (``names.
    namesakes_of``, read with her row: the 结对党员 picker's labels ask no statement of
    their own, ``names.choice_names``' ``read``, as the 补录 form's list, post53)."""
    candidate = pairing_candidates(community_id).whereclause
    kept = [member_id for member_id in keep]
    later = case((candidate, 0), else_=1)
    rows = db.session.execute(
        select(Member, namesakes_of(Member.id, Member.unit_id))
        .where(or_(candidate, Member.id.in_(kept)) if kept else candidate)
        .order_by(later, Member.name_key, Member.id)
        .options(selectinload(Member.unit))).all()
    return [row[0] for row in rows], {row[0].id: row[1] for row in rows}


# --- the register -------------------------------------------------------------------

def resident_problems(data: ResidentData) -> list[tuple[str, object]]:
    """Every field of the register form the rules refuse, as (form field, message) in
    the form's order: an empty 姓名 is named with a 同意日期 in the future, not on the
    next submit. Strips ``data``'s text fields (``phone`` as stored)."""
    data.name = (data.name or "").strip()
    data.address = (data.address or "").strip()
    data.phone = normalise_contact(data.phone) or None
    data.notes = (data.notes or "").strip() or None
    data.consent_method = (data.consent_method or "").strip()
    found: list[tuple[str, object]] = []
    if not data.name:
        found.append(("name", _l("请填写姓名。")))
    elif len(data.name) > 40:
        found.append(("name", _l("姓名不能超过40个字。")))
    if data.category is None:
        found.append(("category", _l("请选择类别。")))
    if not data.address:
        found.append(("address", _l("请填写住址。")))
    elif len(data.address) > 120:
        found.append(("address", _l("住址不能超过120个字。")))
    if data.phone is not None and not PHONE_RE.match(data.phone):
        found.append(("phone", _l("请输入11位手机号或带区号的固定电话。")))
    if data.notes is not None and len(data.notes) > 2000:
        found.append(("notes", _l("备注不能超过2000个字。")))
    if data.consent_date is None:
        found.append(("consent_date", _l("请填写本人同意登记的日期。")))
    elif data.consent_date > local_today():
        found.append(("consent_date", _l("同意日期不能晚于今天。")))
    elif data.consent_date < CONSENT_EARLIEST:
        found.append(("consent_date", CONSENT_TOO_EARLY))
    if not data.consent_method:
        found.append(("consent_method", _l("请填写取得同意的方式。")))
    elif len(data.consent_method) > 80:
        found.append(("consent_method", _l("同意方式不能超过80个字。")))
    return found


def _clean(data: ResidentData, community_id: int) -> ResidentData:
    """``data`` stripped, or every refused field at once — the 结对党员 too, when
    another field is refused (a pairing refused alone is found later, under the
    record's locks)."""
    found = resident_problems(data)
    if found:
        _hold_paired(data.paired_ids)
        collect(found, _paired_members, community_id, data.paired_ids)
    refuse_all(found)
    return data


def _hold_paired(ids) -> None:
    """The members a pairing names, share-locked in id order to the commit
    (``claims.held_active``), before their pairings are read or written. A pairing is the
    person's, and 合并账号 moves it to the account kept while it holds the duplicate's
    row: a pairing written for the duplicate without this lock (its insert's key-share is
    let through) stayed on the account merged away; one removed while the merge moved it
    found no row to delete. A write that waited reads the pairings, and who is active,
    as the merge left them."""
    held_active(ids)


def _paired_members(community_id: int, ids: set[int]) -> list[Member]:
    """The members to pair, each active under the lock ``_hold_paired`` took."""
    if not ids:
        return []
    members = list(db.session.scalars(
        pairing_candidates(community_id).where(Member.id.in_(ids))))
    if len(members) != len(ids):
        for gone in db.session.scalars(select(Member).where(
                Member.id.in_(ids - {m.id for m in members}), Member.active.is_(False))
                .order_by(Member.name_key, Member.id)):
            into = merged_into(gone)
            if into is not None:
                raise ServiceError(_l("%(name)s 的账号已合并至%(into)s（%(phone)s），请改为与%(into)s结对。",
                                      name=gone.name, into=into.name, phone=into.masked_phone),
                                   field="paired_ids")
            raise ServiceError(_l("%(name)s 的账号已停用，不能结对。", name=gone.name),
                               field="paired_ids")
        raise ServiceError(_l("结对党员须是在该社区共建单位的在册党员。"), field="paired_ids")
    return members


def create_resident(actor: Member, data: ResidentData) -> Resident:
    if data.community_id is None:
        raise ServiceError(_l("请选择社区。"), field="community_id")
    if not manages_community(actor, data.community_id):
        raise PermissionDenied(_l("无权在该社区登记服务对象。"))
    data = _clean(data, data.community_id)
    _hold_paired(data.paired_ids)
    resident = Resident(community_id=data.community_id, created_by_id=actor.id, active=True)
    for name in EDITABLE:
        setattr(resident, name, getattr(data, name))
    resident.paired_members = _paired_members(data.community_id, data.paired_ids)
    db.session.add(resident)
    db.session.flush()
    record(actor, "create", resident, paired=sorted(m.id for m in resident.paired_members))
    return resident


RESIDENT_STALE = _l("该服务对象的信息已被他人修改，请核对后重新保存。")


def _plain(value):
    if isinstance(value, ResidentCategory):
        return value.value
    return value.isoformat() if isinstance(value, date) else value


def resident_shown_values(resident: Resident) -> dict:
    """The register form's fields as stored, in plain values (the form's names): what
    its edit page showed (``resident_shown_key``) and what a post is merged with."""
    return {**{name: _plain(getattr(resident, name)) for name in EDITABLE},
            "paired_ids": sorted(m.id for m in resident.paired_members)}


def resident_shown_key(resident: Resident) -> str:
    """The edit page's hidden ``shown``: its fields as it showed them."""
    return shown_module.shown_key(resident_shown_values(resident))


def update_resident(resident: Resident, actor: Member, data: ResidentData, *,
                    shown: str | None = None, named: str | None = None) -> None:
    """The register form, saved. Under the record's row lock, re-read: posted from the
    edit page (``shown``: its ``resident_shown_key``), the post is merged with the
    record as stored now (``shown.check``) — a field it left as its page showed it keeps
    another's change made since (a family's new phone stays), one both changed
    otherwise refuses the save (``RESIDENT_STALE``), nothing written. ``data.category``
    None (no 类别 posted) keeps the kind as stored.

    ``named``: the ``roll.named_key`` of the signed documents the form named before a
    change of her kind (``kind_change_signed``; "" for none — a post from the form that
    named nothing): when they are others now — a month signed, or re-opened, since the
    page was read —, nothing is written (``roll.NamedSince``) and the form names them
    afresh. Compared under her row lock and the months' share locks, so a 定稿 either
    committed before, and is named, or waits for this save and signs it. None: not
    asked (a post from no page of the app's)."""
    if not may_manage(actor, resident):
        raise PermissionDenied(_l("无权操作。"))
    _hold_visits_of_kind_change(resident, data)
    db.session.execute(select(Resident.id).where(Resident.id == resident.id)
                       .with_for_update(key_share=True))
    # the resident before its members (the house order); those paired now and those
    # posted, so what is read next is what a merge of one of them left
    _hold_paired(set(db.session.scalars(select(resident_member.c.member_id).where(
        resident_member.c.resident_id == resident.id))) | set(data.paired_ids or ()))
    db.session.expire(resident)  # the record and its pairings as committed now
    refuse_erased(resident)
    if data.category is None:
        # no 类别 posted: the edit page held it (``kind_change_closed``; a disabled
        # select posts nothing) — the kind stays as stored now, the other fields save
        data.category = resident.category
    data = _clean(data, resident.community_id)
    posted = {**{name: _plain(getattr(data, name)) for name in EDITABLE},
              "paired_ids": sorted(data.paired_ids)}
    keep = shown_module.check(RESIDENT_STALE, shown, resident_shown_values(resident),
                              posted).keep
    for name in EDITABLE:
        if name in keep:
            setattr(data, name, getattr(resident, name))  # another's change, left as shown
    if "paired_ids" in keep:
        data.paired_ids = set(keep["paired_ids"])
    changed = [name for name in EDITABLE if getattr(resident, name) != getattr(data, name)]
    if "category" in changed:
        _refuse_kind_change_closed(resident, actor)
        keep_named(named, lambda: _kind_naming(actor, resident, lock=True), actor=actor,
                   then=THEN_EDIT)
    for name in changed:
        setattr(resident, name, getattr(data, name))
    before = {m.id for m in resident.paired_members}
    resident.paired_members = _paired_members(resident.community_id, data.paired_ids)
    after = {m.id for m in resident.paired_members}
    # Which fields changed, never their values: the audit trail holds no personal data.
    record(actor, "update", resident, fields=changed,
           paired_added=sorted(after - before), paired_removed=sorted(before - after))


def _hold_visits_of_kind_change(resident: Resident, data: ResidentData) -> None:
    """A post changing the resident's kind (``Resident.category``) moves the kept
    households of every task naming her: the flush hook refreshes them
    (``participation._kind_changed_task_ids``), taking their rows' locks. Those rows are
    taken here first, in id order, before hers and her members': the activity before
    anything of it, as 通过 (the activity, then the members it counts) and an erasure
    (its visits, then the record) take them. Taken at the flush, after her paired
    members' share locks, a 通过 of a visit naming her — holding the visit, waiting for
    a member checked in on it whom this edit holds — and this edit, waiting for that
    visit, deadlocked (tests/rollups/test_served_race.py). The kind as committed now,
    not as loaded: a kind another changed since is what the merge keeps. A post naming
    the same kind locks nothing of its visits."""
    stored = db.session.scalar(select(Resident.category).where(Resident.id == resident.id))
    if data.category is None or data.category == stored:
        return
    db.session.execute(
        select(Task.id).where(Task.id.in_(select(task_resident.c.task_id).where(
            task_resident.c.resident_id == resident.id)))
        .order_by(Task.id).with_for_update(key_share=True))


def _served_visits(resident_id: int):
    """A select of the approved visits naming the resident (走访慰问, 结对帮扶), whose
    households / people served her kind moves: each counts only the 服务对象 of the kind
    its category serves (``rollups.served``, ``ServedCount``), so a change of her kind
    changes their month's 「3户（6户次）」 as a change of their 服务对象 does
    (``set_task_residents``). As (key, unit_id, community_id, day) rows, the shape
    ``summary_notes.final_naming_places`` reads, keyed by the resident."""
    return (select(literal(resident_id).label("key"), Task.unit_id.label("unit_id"),
                   Task.community_id.label("community_id"), Task.service_date.label("day"),
                   Task.id.label("task_id"))
            .join(task_resident, task_resident.c.task_id == Task.id)
            .join(TaskReport, TaskReport.task_id == Task.id)
            .join(Category, Category.id == Task.category_id)
            .where(task_resident.c.resident_id == resident_id,
                   TaskReport.status == ReportStatus.approved,
                   Category.code.in_(VISIT_CATEGORIES)))


def _refuse_kind_change_closed(resident: Resident, actor: Member) -> None:
    """A liaison's change of a resident's kind (空巢老人 ↔ 困难群众) is refused when an
    approved visit naming her is in a 已定稿 month (or year), as a change of that
    visit's 服务对象 is (``set_task_residents``; docs/design.md "Refused in a 已定稿
    month"): it changes the same figure. Asked under the resident's row lock, so a
    naming committed before it is seen (``set_task_residents`` share-locks the
    residents it adds), and under ``closed_to``'s scope locks, so a 定稿 takes turns
    with it (``kind_change_closed``). An admin is asked nothing here: the register form
    names the signed documents first (``kind_change_signed``)."""
    words = kind_change_closed(actor, resident)
    if words is not None:
        raise ServiceError(words, field="category")


def kind_change_closed(actor: Member, resident: Resident, *, lock: bool = True):
    """The words refusing ``actor`` a change of the resident's kind — the earliest
    approved visit naming her (``_served_visits``) whose month (or year) is 已定稿, its
    month, unit and title — or None when no signed month holds it, or for an admin (no
    statement). One rule for the save (``_refuse_kind_change_closed``, ``lock``: each
    place's ``closed_to`` scope locks, shared, before the question) and for the edit
    page, which holds the 类别 field with these words beside it instead of offering a
    change it would refuse (``lock=False``; docs/design.md: "a page that would offer a
    refused action says so instead"). The question itself is one statement, however
    many visits name her."""
    if summary_notes.may_change_final(actor):
        return None
    visits = _served_visits(resident.id).subquery()
    if lock:
        for unit_id, community_id in db.session.execute(
                select(visits.c.unit_id, visits.c.community_id).distinct()
                .order_by(visits.c.unit_id, visits.c.community_id)).tuples():
            summary_notes.lock_scope(unit_id, community_id, shared=True)
    # the month's 定稿 named first, as ``closed_day`` names it (its words are the nearer)
    by_month = summary_notes.final_day(Task.unit_id, Task.community_id, Task.service_date)
    by_year = summary_notes.final_year_day(Task.unit_id, Task.community_id, Task.service_date)
    found = db.session.execute(
        select(Task.title, Task.service_date, Unit.name, by_month, by_year)
        .join(Unit, Unit.id == Task.unit_id)
        .where(Task.id.in_(select(visits.c.task_id)), or_(by_month, by_year))
        .order_by(Task.service_date, Task.id).limit(1)).first()
    if found is None:
        return None
    title, day, unit, month_signed, year_signed = found
    return summary_notes.Closed(day, by_year=not month_signed,
                                and_year=bool(month_signed and year_signed)).say(
        _l("%(month)s的月报已定稿，该服务对象是其中%(unit)s已审核活动“%(task)s”的服务对象，"
           "更改其类别须由单位管理员操作",
           month=lazy_month_name(day.year, day.month), unit=unit, task=title),
        _l("%(year)s年度总结已定稿，该服务对象是其中%(unit)s已审核活动“%(task)s”的服务对象，"
           "更改其类别须由单位管理员操作",
           year=day.year, unit=unit, task=title))


def kind_change_signed(actor: Member, resident: Resident, category: ResidentCategory | None,
                       *, shown: str | None = None) -> summary_notes.Naming | None:
    """For an admin, whom no 定稿 refuses (``_refuse_kind_change_closed`` refuses the
    others): the 已定稿 月报 and 年度总结 that the register form's change of the
    resident's kind to ``category`` will change — those of the approved visits naming
    her (``_served_visits``) — named on the form before it is saved, as 冲销 and 作废
    name theirs (``summary_notes.final_naming_places``). Posted from the edit page
    (``shown``), a kind left as the page showed it is no change of this post's. None
    when it changes nothing signed, or for anyone else. Read only, no lock: a page's."""
    if not summary_notes.may_change_final(actor) or category is None \
            or category == resident.category:
        return None
    if shown is not None and shown_module.shown_then(shown).get("category") == category.value:
        return None
    return _kind_naming(actor, resident)


def _kind_naming(actor: Member, resident: Resident, *,
                 lock: bool = False) -> summary_notes.Naming | None:
    """The 已定稿 月报 and 年度总结 of the approved visits naming her (``_served_visits``)
    — what a change of her kind changes — for an admin; None when none, or for anyone
    else (no statement). ``lock``: asked by the save itself, under her row lock
    (``final_naming_places``' share locks: a 定稿 of one of them takes turns with it)."""
    if not summary_notes.may_change_final(actor):
        return None
    places = _served_visits(resident.id).subquery()
    return summary_notes.final_naming_places(places, lock=lock).get(resident.id)


def archive_resident(resident: Resident, actor: Member) -> None:
    """Retention: hidden from lists and pickers, kept for the history that names them."""
    if not may_manage(actor, resident):
        raise PermissionDenied(_l("无权操作。"))
    if not resident.active:
        raise ServiceError(_l("该服务对象已归档。"))
    resident.active = False
    resident.archived_at = utcnow()
    record(actor, "archive", resident)


def restore_resident(resident: Resident, actor: Member) -> None:
    if not may_manage(actor, resident):
        raise PermissionDenied(_l("无权操作。"))
    refuse_erased(resident)
    if resident.active:
        raise ServiceError(_l("该服务对象未归档。"))
    resident.active = True
    resident.archived_at = None
    record(actor, "restore", resident)


def has_history(resident: Resident) -> bool:
    """Something else refers to the resident: a task that served them, or a need
    (微心愿) posted for them. Such a record is archived, never deleted. Both asked in
    one statement (the record's page within the design's 6)."""
    served = exists().where(task_resident.c.resident_id == resident.id)
    wished = exists().where(Need.resident_id == resident.id)
    return bool(db.session.scalar(select(or_(served, wished))))


def delete_resident(resident: Resident, actor: Member) -> None:
    """Erase a record nobody's history refers to (e.g. registered by mistake, or the
    person withdrew consent before any visit). With history: archive instead."""
    if not may_manage(actor, resident):
        raise PermissionDenied(_l("无权操作。"))
    if has_history(resident):
        raise ServiceError(_l("该服务对象已有走访记录或关联的需求/微心愿，不能删除，只能归档。"))
    record(actor, "delete", resident)
    resident.paired_members = []
    db.session.flush()
    db.session.delete(resident)
    db.session.flush()


def record_view(resident: Resident, viewer: Member) -> None:
    """Every look at a full record is on the audit trail (PIPL)."""
    if not may_view(viewer, resident):
        raise PermissionDenied(_l("无权查看。"))
    refuse_erased(resident)
    record(viewer, "view", resident)


# --- tasks that served residents ----------------------------------------------------

def serves_residents(task: Task) -> bool:
    return category_serves_residents(task.category)


def category_serves_residents(category) -> bool:
    """走访慰问 and 结对帮扶: a task of the category serves registered residents."""
    return category.code in VISIT_CATEGORIES


def served_kind(task: Task) -> ResidentCategory | None:
    """The kind of resident the task's category serves (``VISIT_KINDS``)."""
    return VISIT_KINDS.get(task.category.code)


@dataclass(frozen=True)
class ServedCount:
    """A 走访慰问 / 结对帮扶 task's 受益 beside the 服务对象 it names, as the rule of
    ``rollups.served`` reads them: only when every activity of a sum names exactly as
    many (of the category's kind) as its 受益 are the households / people known
    (「6户（8户次）」); otherwise the sum is written 户次 / 人次 alone."""

    people_served: int | None  # the report's 受益; None: no report yet
    named: int  # the 服务对象 named of the kind the category serves
    unit: str  # 户 or 人

    @property
    def differs(self) -> bool:
        return self.people_served is not None and self.named != self.people_served


def served_count(task: Task, named: list[Resident]) -> ServedCount | None:
    """The task's ``ServedCount`` (``named``: its 服务对象, ``task_residents``), or None
    for a category whose 受益 is not counted in 户 or 人."""
    unit = task.category.beneficiary_unit
    if unit not in REPEATED:
        return None
    kind = served_kind(task)
    report = task.report
    return ServedCount(report.people_served if report is not None else None,
                       sum(1 for r in named if r.category == kind), unit)


def may_pick_residents(member: Member, task: Task) -> bool:
    return serves_residents(task) and may_report(member, task)


def task_residents(task: Task) -> list[Resident]:
    return list(db.session.scalars(
        select(Resident).join(task_resident, task_resident.c.resident_id == Resident.id)
        .where(task_resident.c.task_id == task.id).order_by(Resident.name_key, Resident.id)
    ))


def _paired_with(actor: Member):
    return exists().where(resident_member.c.resident_id == Resident.id,
                          resident_member.c.member_id == actor.id)


def pickable_residents(task: Task, actor: Member) -> list[Resident]:
    """The residents ``actor`` may name for the task, or take off it.

    Whoever manages the task's community chooses among its active residents, plus any
    already named (even archived); anyone else (a member leading the task) only among
    the residents paired with them, plus those of them already named — the roster
    of who in a community is poor or elderly and alone is the liaison's, not every
    leader's (docs/design.md invariant 5). The others the task names are
    ``fixed_residents``: the leader sees their names and cannot remove them."""
    named = select(task_resident.c.resident_id).where(task_resident.c.task_id == task.id)
    if manages_community(actor, task.community_id):
        offered = Resident.active.is_(True) | Resident.id.in_(named)
    else:
        offered = _paired_with(actor) & (Resident.active.is_(True) | Resident.id.in_(named))
    return list(db.session.scalars(
        select(Resident).where(Resident.community_id == task.community_id,
                               Resident.category == served_kind(task), offered,
                               not_erased())
        .order_by(Resident.category, Resident.name_key, Resident.id)
    ))


def fixed_residents(task: Task, actor: Member) -> list[Resident]:
    """The residents the task names that ``actor`` may not pick: for a leader who does
    not manage the community, those not paired with them (named by the liaison). The
    leader sees the name only, and a save of theirs keeps them; only a manager removes
    them."""
    if manages_community(actor, task.community_id):
        return []
    return list(db.session.scalars(
        select(Resident).join(task_resident, task_resident.c.resident_id == Resident.id)
        .where(task_resident.c.task_id == task.id, ~_paired_with(actor))
        .order_by(Resident.name_key, Resident.id)
    ))


def task_residents_shown_key(ids) -> str:
    """The 服务对象 page's hidden ``shown``: the residents its form showed ticked."""
    return shown_module.shown_key({"residents": sorted(ids)})


# ``NamedSince``'s words for 服务对象 (``set_task_residents``' ``named``)
RESIDENTS_NAMED_SINCE = _l("打开页面之后，保存服务对象会改变的已定稿月报或年度总结有了变化，未作任何更改。"
                           "请查看上方的说明后再保存。")


def set_task_residents(task: Task, actor: Member, resident_ids: set[int], *,
                       shown: str | None = None, named: str | None = None) -> None:
    """The leader or liaison names the residents a visit/assistance task served. A
    leader's choice touches only the residents paired with them: the others the task
    names stay (``fixed_residents``).

    Both may name them, each from a page of their own: posted from the page
    (``shown``: its ``task_residents_shown_key``), only what its user ticked or
    unticked there changes — a resident the other named since stays named, one the
    other took off stays off — under the activity's lock (``lock_activity``), so two
    saves take turns and the second reads what the first wrote. A resident is a
    choice of their own: two pages never conflict over one.

    ``named``: the ``roll.named_key`` of the signed documents the page named
    (``task_residents_signed``, "" for none): a change of an approved visit's 服务对象
    when they are others now — a month signed since — writes nothing
    (``roll.NamedSince``, confirm43 #1)."""
    if not may_report(actor, task):
        raise PermissionDenied(_l("只有组长或联络员可以填写服务对象。"))
    if not serves_residents(task):
        raise ServiceError(_l("只有走访慰问和结对帮扶类任务需要填写服务对象。"))
    lock_activity(task)
    current = {r.id for r in task_residents(task)}
    # the residents it may add, share-locked after the activity (the house's order) and
    # before their kind is read: a change of one's kind in flight (``update_resident``,
    # which holds her row) commits first, and its refresh of the counted rows sees no
    # naming of this save's, so this one reads the kind it committed — or this one
    # commits first and the kind change, waiting for her row, then sees the naming and
    # refreshes it (review42 #2). No cycle: a kind change takes, after her row, only
    # the rows of the tasks that name her already, never one that adds her.
    _hold_residents(resident_ids - current)
    fixed = {r.id for r in fixed_residents(task, actor)} | erased_named(task)
    allowed = {r.id for r in pickable_residents(task, actor)} | fixed
    for picked in db.session.scalars(select(Resident).where(
            Resident.id.in_(resident_ids - allowed)).order_by(Resident.id)):
        refuse_erased(picked, field="residents")
    if resident_ids - allowed:
        kind = served_kind(task)
        other = db.session.scalars(select(Resident.id).where(
            Resident.id.in_(resident_ids - allowed), Resident.category != kind)).first()
        if other is not None:  # a crafted post: the page offers only the category's kind
            raise ServiceError(OTHER_KIND[kind], field="residents")
        if not manages_community(actor, task.community_id):
            raise ServiceError(_l("只能选择与您结对的服务对象。"), field="residents")
        raise ServiceError(_l("所选服务对象不属于该任务的社区。"), field="residents")
    # a list of anything but ids is of no page of ours (sec47 #4): the post is read whole,
    # as with no key; only compared with the ids posted, so no bound on its length
    then = key_ids(shown_module.shown_then(shown).get("residents"), None) \
        if shown is not None else None
    if then is not None:  # from a page: what its user ticked and unticked there
        then = set(then)
        resident_ids = (current | (resident_ids - then)) - (then - resident_ids)
    resident_ids = resident_ids | fixed
    added, removed = resident_ids - current, current - resident_ids
    day = task.service_date
    closed = ((added or removed) and task.report_approved
              and closed_to(actor, task.unit_id, task.community_id, day))
    if closed:
        # an approved activity's 服务对象 are in its month's 月报 (「3户（6户次）」): in a
        # 已定稿 month (or year) an admin's to change, as the 组长 (``tasks.change_leader``)
        raise ServiceError(_residents_closed_words(closed, day), field="residents")
    if (added or removed) and task.report_approved:
        # under the months' share locks too, after the activity's and the residents'
        # (a liaison's ``closed_to`` above takes the same rows in that order): a 定稿
        # either committed before the comparison, and is named, or waits and signs it
        keep_named(named, lambda: task_residents_signed(actor, task, lock=True),
                   RESIDENTS_NAMED_SINCE, actor=actor, then=THEN_SAVE)
    if removed:
        db.session.execute(task_resident.delete().where(
            task_resident.c.task_id == task.id, task_resident.c.resident_id.in_(removed)))
    if added:
        db.session.execute(task_resident.insert(),
                           [{"task_id": task.id, "resident_id": rid} for rid in sorted(added)])
    db.session.flush()
    if added or removed:
        # Core statements the flush hook does not see: the kept households of an
        # approved activity's year (``CountedServed``) move in this transaction
        tasks_changed(db.session(), {task.id})
    record(actor, "set_residents", task, added=sorted(added), removed=sorted(removed))


def _hold_residents(ids) -> None:
    """These residents' rows share-locked (FOR SHARE) in id order to the commit: a
    change of their record (``update_resident``'s FOR NO KEY UPDATE) waits for it, and
    it for one in flight (PostgreSQL; SQLite's writers take turns anyway)."""
    if ids:
        db.session.execute(select(Resident.id).where(Resident.id.in_(sorted(ids)))
                           .order_by(Resident.id).with_for_update(read=True))


def task_residents_signed(actor: Member, task: Task, *,
                          lock: bool = False) -> summary_notes.Naming | None:
    """For an admin, on an approved visit: the 已定稿 月报 and 年度总结 a change of its
    服务对象 will change — its unit's (whole, and in its community) and its
    community's own, of its day (``summary_notes.final_naming_places``) — named on
    the 服务对象 page before 保存, as 通过 names theirs; None when none, or for anyone
    else (``set_task_residents`` refuses them in such a month: the page says so,
    ``task_residents_closed``). ``lock``: asked by the save itself, under its locks
    (``day_signed``'s)."""
    if not task.report_approved:
        return None
    return day_signed(actor, task.unit_id, task.community_id, task.service_date, lock=lock)


def task_residents_closed(actor: Member, task: Task):
    """The refusal ``set_task_residents`` would give ``actor`` for any change of an
    approved visit's 服务对象 in a 已定稿 month or year (its words), or None: what the
    page says instead of offering 保存 (docs/design.md: "a page that would offer a
    refused action says so instead"). No lock: a page's."""
    if not task.report_approved:
        return None
    closed = closed_to(actor, task.unit_id, task.community_id, task.service_date, lock=False)
    return _residents_closed_words(closed, task.service_date) if closed else None


def _residents_closed_words(closed, day: date):
    return closed.say(
        _l("%(month)s的月报已定稿，更改该月已审核活动的服务对象须由单位管理员"
           "操作",
           month=lazy_month_name(day.year, day.month)),
        _l("%(year)s年度总结已定稿，更改该年已审核活动的服务对象须由单位管理员"
           "操作", year=day.year))


def visit_history(resident: Resident, *, shown: bool = False) -> list[Task]:
    """The tasks that served this resident, newest first. ``shown``: as the record's
    page lists them, each with its category, 组长 and report in the same statement (no
    statement per visit)."""
    stmt = (select(Task).join(task_resident, task_resident.c.task_id == Task.id)
            .where(task_resident.c.resident_id == resident.id)
            .order_by(Task.starts_at.desc(), Task.id.desc()))
    if shown:
        stmt = stmt.options(joinedload(Task.category), joinedload(Task.leader),
                            joinedload(Task.report))
    return list(db.session.scalars(stmt))


# --- PIPL: what is held about one resident, erasure, retention ---------------------------

ERASED_NAME = "（已删除）"
ERASED_REFUSED = _l("该服务对象的个人信息已删除，记录只作历史保留，不能恢复、修改、查看或选用。")


def refuse_erased(resident: Resident, *, field: str | None = None) -> None:
    """The one guard of every service that changes, reveals or picks a resident: an
    erased record (``erased_at``) is read-only history. The erasure told the person
    「且无法恢复」: a 恢复, an edit typing a new name under the old consent date, a
    logged 查看, a pairing or a new 微心愿 or visit naming it would each go back on it."""
    if resident.erased_at is not None:
        raise ServiceError(ERASED_REFUSED, field=field)


def not_erased():
    """The pickers' condition: an erased resident is offered nowhere (``refuse_erased``)."""
    return Resident.erased_at.is_(None)


def erased_named(task: Task) -> set[int]:
    """The erased residents a task names: they stay named (the visit and its figures are
    history), and no page offers them, so a save keeps them as they are."""
    return set(db.session.scalars(
        select(Resident.id).join(task_resident, task_resident.c.resident_id == Resident.id)
        .where(task_resident.c.task_id == task.id, Resident.erased_at.is_not(None))))


def export_resident(resident: Resident, actor: Member) -> dict:
    """Everything held about one resident (PIPL Art. 45): the record, who is paired with
    them, the activities that served them, the needs (微心愿) posted for them, and who
    looked at or changed the record."""
    from ..models import AuditEvent

    if not actor.is_admin:
        raise PermissionDenied(_l("只有单位管理员可以导出个人信息。"))
    record(actor, "export", resident)
    db.session.flush()
    trail = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == Resident.__tablename__,
                                 AuditEvent.entity_id == resident.id)
        .order_by(AuditEvent.created_at, AuditEvent.id))
    needs = db.session.scalars(select(Need).where(Need.resident_id == resident.id)
                               .order_by(Need.posted_on, Need.id))
    return {
        "resident": {
            "id": resident.id, "community": resident.community.name, "name": resident.name,
            "category": resident.category.value, "address": resident.address,
            "phone": resident.phone, "notes": resident.notes,
            "consent_date": resident.consent_date.isoformat(),
            "consent_method": resident.consent_method, "active": resident.active,
            "archived_at": _iso(resident.archived_at), "erased_at": _iso(resident.erased_at),
            "created_at": _iso(resident.created_at),
        },
        "paired_members": [{"name": m.name, "unit": m.unit.name} for m in resident.paired_members],
        **_held_in_tasks(resident),
        "needs": [{"id": n.id, "kind": n.kind.value, "title": n.title,
                   "description": n.description, "status": n.status.value,
                   "posted_on": n.posted_on.isoformat(), "wanted_by": n.wanted_by.isoformat(),
                   "fulfilled_on": n.fulfilled_on.isoformat() if n.fulfilled_on else None,
                   "fulfil_note": n.fulfil_note, "fulfil_photo": bool(n.fulfil_photo),
                   "close_reason": n.close_reason} for n in needs],
        "access_and_changes": [{"action": e.action, "at": _iso(e.created_at),
                                "by": e.actor.name if e.actor else None} for e in trail],
        "exported_at": _iso(utcnow()),
    }


def _held_in_tasks(resident: Resident) -> dict:
    """What an erasure of the resident would reach besides the record (Art. 45: the
    copy lists it): the tasks that served them with their free text, the 补录 requests
    and the messages about those tasks, the months' and years' 存在问题 / 下步打算 that
    name them, and the signed 月报 and 年度总结 copies that name them (``erasure.
    copies_of``: those of the tasks' and notes' months and years, and any other whose
    text holds them)."""
    tasks = visit_history(resident)
    ids = {t.id for t in tasks}
    alone = {t.id for t in served_alone(resident, tasks)}
    terms = erasure.terms_of(resident.name, resident.address, resident.phone,
                             resident.community.name)
    keep = erasure.longer_names(terms, resident.id)
    notes = erasure.notes_naming(terms, keep)
    months, years = erasure.periods_of([t.service_date for t in tasks], notes)
    return {
        "served_by_tasks": [{
            "title": t.title, "date": t.service_date.isoformat(),
            "community": t.community.name, "place": t.place, "beneficiary": t.beneficiary,
            "description": t.description,
            "report_note": t.report.note if t.report is not None else None,
        } for t in tasks],
        # the report photos held of those tasks (an erasure removes those of the tasks
        # that served them alone; the others stay for the admin to judge)
        "photos_on_these_tasks": [{
            "photo_id": p.id, "task": p.task.title, "date": p.task.service_date.isoformat(),
            "uploaded_at": _iso(p.created_at), "served_them_alone": p.task_id in alone,
        } for p in _task_photos(ids)],
        "backfill_requests": [{"task_id": r.task_id or r.result_task_id,
                               "description": r.description, "note": r.note}
                              for r in erasure.requests_about(ids)
                              if erasure.names(r.description, terms, keep)
                              or erasure.names(r.note, terms, keep)],
        "messages_about_these_tasks": [
            {"channel": m.channel.value, "subject": m.subject, "body": m.body,
             "created_at": _iso(m.created_at)}
            for m in erasure.messages_about(tasks)
            if erasure.names(m.subject, terms, keep) or erasure.names(m.body, terms, keep)],
        "summary_notes_naming_them": [
            {"scope": n.scope_key, "year": n.year, "month": getattr(n, "month", None),
             **{field: getattr(n, field) for field in erasure.NOTE_FIELDS
                if erasure.names(getattr(n, field), terms, keep)}}
            for n in notes],
        "signed_reports_naming_them": [
            {"title": c.title, "finalized_at": _iso(c.finalized_at)}
            for c in erasure.copies_of(months, years, terms)
            if erasure.copy_names(c, terms, keep)],
    }


# Times in Beijing time with the offset, as every page shows them (design: stored in
# UTC, shown in Asia/Shanghai); dates as they are.
_iso = iso_local


def erase_resident(resident: Resident, actor: Member | None, reason: str = "request") -> None:
    """Erase a resident's personal data (PIPL Art. 47): name, address, phone, notes and
    pairings go; the record stays, archived, so the activities that served the person —
    and every figure counted from them — are unchanged. The needs posted for them are
    closed and lose their text and photo (``forget_resident_in_needs``); the
    tasks that served them or were made from those needs lose the person (name,
    address, phone) from their title, description, 服务对象, 地点 and report's 情况说明
    and 退回 reason (``_forget_in_tasks``), and so do the 补录 requests and the messages
    about those tasks, the other residents' 备注 in their community, every month's and
    year's 存在问题 and 下步打算, and the signed 月报 and 年度总结 copies naming them (of the
    tasks' and those notes' months and years, and any other whose text holds them),
    whose figures stay as signed (``services.erasure``). ``actor`` None: the retention
    job."""
    if actor is not None and not actor.is_admin:
        raise PermissionDenied(_l("只有单位管理员可以删除个人信息。"))
    if resident.erased_at is not None:
        raise ServiceError(_l("该服务对象的个人信息已删除。"))
    terms = erasure.terms_of(resident.name, resident.address, resident.phone,
                             resident.community.name)
    keep = erasure.longer_names(terms, resident.id)  # 李明华 stays whole when 李明 goes
    visits = visit_history(resident)
    # the visits' rows first (the activity before anything of it, tasks in id order):
    # ``served_alone`` reads whether their other residents are still held, and an
    # erasure of one of them at the same moment must be seen — it waits here for this
    # one, or this one for it — or neither takes the photos, and nothing looks again
    _hold_tasks(visits)
    made_from_needs = forget_resident_in_needs(resident, actor)
    tasks = {t.id: t for t in [*visits, *made_from_needs]}
    # the report photos of the visits that served them alone show them, their home or
    # their door: removed with their files; a visit of several keeps its photos, named
    # in the export (``_held_in_tasks``) for the admin to judge
    erase_photos(served_alone(resident, tasks.values()), actor, resident.id)
    titles = [t.title for t in tasks.values()]  # as the messages name them
    swaps = _forget_in_tasks(terms, tasks, keep, actor, resident.id)
    erasure.forget_in_requests(set(tasks), swaps, terms, keep)
    erasure.forget_in_messages(list(tasks.values()), swaps, terms, keep, titles)
    erasure.forget_in_residents(resident, swaps, terms, keep)
    noted = erasure.forget_in_notes(swaps, terms, actor, resident.id, keep)
    # a month's or year's words and its signed copies lose the person alike, or the
    # 已定稿 month or year would read as changed since its 定稿; the copies of other
    # periods that still name them (signed before a 重新打开 or a correction) are found
    # by their text
    months, years = erasure.periods_of([t.service_date for t in tasks.values()], noted)
    erasure.redact_copies(months, swaps, terms, actor, resident.id, keep, years=years)
    now = utcnow()
    resident.name, resident.address, resident.phone, resident.notes = ERASED_NAME, "", None, None
    resident.consent_method = ""
    resident.paired_members = []
    resident.active = False
    resident.archived_at = resident.archived_at or now
    resident.erased_at = now
    record(actor, "erase", resident, reason=reason)


def _task_photos(task_ids) -> list:
    """The live report photos of these tasks (a finding's excepted), oldest first."""
    return list(db.session.scalars(select(Photo).where(
        Photo.task_id.in_(task_ids), Photo.active.is_(True), Photo.finding_id.is_(None))
        .order_by(Photo.task_id, Photo.id))) if task_ids else []


def _hold_tasks(tasks) -> None:
    """The rows of ``tasks`` locked to the commit (FOR NO KEY UPDATE: no id changes),
    in id order, the house's order for several activities (PostgreSQL; SQLite's writers
    take turns anyway)."""
    ids = sorted(task.id for task in tasks)
    if ids:
        db.session.execute(select(Task.id).where(Task.id.in_(ids)).order_by(Task.id)
                           .with_for_update(key_share=True))


def served_alone(resident: Resident, tasks) -> list[Task]:
    """Those of ``tasks`` that served no other resident than ``resident``: no other whose
    data is still held. Erasure keeps a task's link to an erased resident (the history),
    but that person's record no longer holds anything the photos could be kept for, so
    the last of a visit's residents to be erased takes its photos (review38 #2). Read
    under the visits' row locks (``erase_resident``): two of a visit's residents erased
    at once take turns, and the second sees the first erased (review39 #6)."""
    ids = [task.id for task in tasks]
    shared = set(db.session.scalars(
        select(task_resident.c.task_id)
        .join(Resident, Resident.id == task_resident.c.resident_id)
        .where(task_resident.c.task_id.in_(ids), task_resident.c.resident_id != resident.id,
               Resident.erased_at.is_(None))))
    return [task for task in tasks if task.id not in shared]


def _forget_in_tasks(terms: list[str], tasks: dict[int, Task], keep: list[str] = (),
                     actor: Member | None = None, resident_id: int | None = None
                     ) -> erasure.Swaps:
    """Take a person (their name, address, phone: ``terms``) out of tasks' free text: a
    title naming them becomes 「<category>（服务对象信息已删除）」, a 地点 naming them
    「<community>（服务对象信息已删除）」 (the 社区 level), a description or 服务对象 naming
    them goes, and the report's 情况说明 keeps its words with the person replaced by
    「（服务对象信息已删除）」, as does its 退回 reason; another person's longer name
    (``keep``) is not theirs. Counts,
    dates and people are untouched. Each task rewritten gets an ``erasure.FORGOTTEN``
    audit row naming the fields (never their words: the trail keeps what it is given)
    and the resident by id — the calendar's SEQUENCE counts it, so an event imported
    before is replaced, not left naming them. Returns each value
    replaced and its new one, for the copies of it (messages, signed 月报)."""
    swaps: erasure.Swaps = []
    fields: dict[int, list[str]] = {}

    def change(task: Task, field: str, old: str, new: str | None) -> str | None:
        swaps.append((old, new or ""))
        fields.setdefault(task.id, []).append(field)
        return new

    for task in tasks.values():
        if erasure.names(task.title, terms, keep):
            task.title = change(task, "title", task.title,
                                f"{task.category.name}{erasure.MARK}")
        if erasure.names(task.place, terms, keep):
            task.place = change(task, "place", task.place,
                                f"{task.community.name}{erasure.MARK}")
        if erasure.names(task.description, terms, keep):
            task.description = change(task, "description", task.description, None)
        if erasure.names(task.beneficiary, terms, keep):
            task.beneficiary = change(task, "beneficiary", task.beneficiary, None)
    for task in tasks.values():  # the report's words, once every whole value is known
        report = task.report
        if report is not None and erasure.names(report.note, terms, keep):
            report.note = change(task, "report_note", report.note,
                                 erasure.redact(report.note, swaps, terms, keep=keep))
        if report is not None and erasure.names(report.return_reason, terms, keep):
            report.return_reason = change(task, "return_reason", report.return_reason,
                                          erasure.redact(report.return_reason, swaps,
                                                         terms, keep=keep))
    for task in tasks.values():
        if task.id in fields:
            record(actor, erasure.FORGOTTEN, task, fields=fields[task.id],
                   resident_id=resident_id)
    return swaps


# --- erasure reaches the needs posted for the resident ------------------------------------

ERASED_REASON = "服务对象信息已删除"
ERASED_TITLES = {"wish": "微心愿（服务对象信息已删除）", "need": "需求（服务对象信息已删除）"}


def forget_resident_in_needs(resident: Resident, actor: Member | None) -> list[Task]:
    """The needs posted for a resident whose data is erased lose what may name them:
    the title becomes a neutral one, the description, fulfil note and photo go (the
    photo's files too), and a need still to be done is closed with the reason
    「服务对象信息已删除」 (a closed one's reason is replaced by it). A fulfilled need
    stays fulfilled: every count is unchanged. ``actor`` None: the retention job.
    Returns the tasks made from these needs (a weekly series: all of it), for the
    caller to clean of the name."""
    needs = list(db.session.scalars(
        select(Need).where(Need.resident_id == resident.id).order_by(Need.id)))
    now = utcnow()
    tasks: dict[int, Task] = {}
    for need in needs:
        closed = need.is_live
        if closed:
            need.status = NeedStatus.closed
            need.closed_at, need.closed_by_id = now, actor.id if actor else None
        if need.status == NeedStatus.closed:
            need.close_reason = ERASED_REASON
        need.title = ERASED_TITLES[need.kind.value]
        need.description = need.fulfil_note = None
        if need.fulfil_photo:
            remove_image_on_commit(need.fulfil_photo)  # kept if the erasure is refused
            need.fulfil_photo = None
        if need.task is not None:
            tasks.update((task.id, task) for task in series_of(need.task))
        record(actor, "need_erase", need, resident_id=resident.id, closed=closed)
    return [tasks[key] for key in sorted(tasks)]


def expired_residents(retention_days: int, now=None) -> list[Resident]:
    """Archived residents past the retention period whose data is still held."""
    from datetime import timedelta

    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    return list(db.session.scalars(
        select(Resident).where(Resident.active.is_(False), Resident.erased_at.is_(None),
                               Resident.archived_at < cutoff).order_by(Resident.id)))


def purge_expired_residents(retention_days: int, now=None, *,
                            dry_run: bool = False) -> purging.Purge:
    """Erase every archived resident past the retention period, each in a transaction
    of their own (``services.purging``): one whose erasure is refused keeps all of
    their data and stops no other. Owns its transactions: call it outside one."""
    def erase(resident_id: int) -> None:
        erase_resident(db.session.get(Resident, resident_id), None, reason="retention")

    ids = [resident.id for resident in expired_residents(retention_days, now)]
    return purging.erase_each(ids, erase, dry_run=dry_run)
