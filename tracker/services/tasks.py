"""Creating and managing tasks."""
from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..i18n import lazy_gettext as _l
from ..i18n import lazy_month_name
from ..i18n import lazy_ngettext
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import aliased

from ..extensions import db
from ..fields import one_line
from ..formatting import hours
from ..models import (
    HOLDING,
    Assignment,
    AssignmentStatus,
    Category,
    Finding,
    Member,
    ResourceItem,
    Task,
    TaskStatus,
)
from .. import throttle
from ..permissions import manages_community, manages_task
from ..timeutil import local_date, local_to_utc, to_local, utcnow
from . import PermissionDenied, ServiceError, collect, refuse_all, required_reason
from . import shown as shown_module
from .activity_lock import lock_activity
from .audit import record
from .claims import held_active, merged_into, promote_waiting
from .summary_notes import Closed, closed_to
from .task_needs import give_back_needs_of, lock_needs_of, need_move_refusal

MAX_SLOTS = 500
TITLE_MAX = PLACE_MAX = BENEFICIARY_MAX = 120
DESCRIPTION_MAX = 2000
REASON_MAX = 500
MAX_DURATION = timedelta(hours=24)  # one activity; longer work is several tasks
START_WINDOW = timedelta(days=366)  # a start more than a year away is a typo
REPEAT_WINDOW = timedelta(days=365)  # a weekly series covers one year at most
MAX_SERIES = 53  # weekly starts within REPEAT_WINDOW, the first included


@dataclass
class TaskDetails:
    """The editable part of a task; times are local wall-clock (Asia/Shanghai)."""

    title: str
    place: str
    starts_local: datetime
    ends_local: datetime
    slots: int
    beneficiary: str | None = None
    description: str | None = None


@dataclass
class TaskData(TaskDetails):
    """What a liaison types in to create a task (or a weekly series)."""

    leader: Member | None = None
    repeat_until: date | None = None


def new_checkin_token() -> str:
    return secrets.token_urlsafe(24)


def weekly_starts(first: datetime, until: date | None) -> list[datetime]:
    """The first start and one a week later while on or before ``until``."""
    starts = [first]
    if until is None:
        return starts
    if until <= first.date():
        raise ServiceError(_l("重复截止日期须晚于首次活动日期。"), field="repeat_until")
    if until - first.date() > REPEAT_WINDOW:
        raise ServiceError(_l("每周重复最长一年，截止日期请设在开始后一年之内。"),
                           field="repeat_until")
    while len(starts) < MAX_SERIES:
        nxt = starts[-1] + timedelta(weeks=1)
        if nxt.date() > until:
            break
        starts.append(nxt)
    return starts


def check_start_window(starts_local: datetime) -> None:
    """A start more than about a year before or after today is refused as a typo."""
    now_local = to_local(utcnow()).replace(tzinfo=None)
    if abs(starts_local - now_local) > START_WINDOW:
        raise ServiceError(_l("开始时间须在今天前后一年之内，请检查年份。"), field="starts_at")


def check_times(starts_local: datetime, ends_local: datetime) -> None:
    if ends_local <= starts_local:
        raise ServiceError(_l("结束时间必须晚于开始时间。"), field="ends_at")
    if ends_local - starts_local > MAX_DURATION:
        raise ServiceError(_l("一次活动不能超过24小时；持续多天的工作请分成多个任务。"),
                           field="ends_at")


def detail_problems(data: TaskDetails) -> list[tuple[str, object]]:
    """Every rule of ``_check_details`` the details break, as (form field, message)."""
    found: list[tuple[str, object]] = []
    for name, value, limit in (("title", data.title, TITLE_MAX), ("place", data.place, PLACE_MAX)):
        if not (value or "").strip():
            found.append((name, _l("此项必填。")))
        elif len(value.strip()) > limit:
            found.append((name, _l("不能超过%(max)d个字。", max=limit)))
    if len((data.beneficiary or "").strip()) > BENEFICIARY_MAX:
        found.append(("beneficiary", _l("不能超过%(max)d个字。", max=BENEFICIARY_MAX)))
    if len((data.description or "").strip()) > DESCRIPTION_MAX:
        found.append(("description", _l("不能超过%(max)d个字。", max=DESCRIPTION_MAX)))
    if data.starts_local is not None and data.ends_local is not None:  # (the form's)
        collect(found, check_times, data.starts_local, data.ends_local)
    if isinstance(data.slots, bool) or not isinstance(data.slots, int) \
            or not 1 <= data.slots <= MAX_SLOTS:
        found.append(("slots", _l("名额须为1到%(max)d之间的整数。", max=MAX_SLOTS)))
    return found


def _check_details(data: TaskDetails) -> None:
    """The rules every task obeys, whichever form (or script) sets them; every field
    they refuse at once."""
    refuse_all(detail_problems(data))


def check_item_takes_activities(item: ResourceItem) -> None:
    """Only an item whose category counts activities can have any: 共建活动经费 is
    money, kept in the funds ledger, and an activity on it would be counted in the
    月报's totals under a category no sentence of it describes."""
    if item.category.activity_unit is None:
        raise ServiceError(_l("“%(name)s”不按活动计，不能创建任务或补录活动。",
                              name=item.category.name), field="resource_item")


def item_of_year(item: ResourceItem, year: int) -> ResourceItem:
    """The checklist item an activity in ``year`` counts toward: ``item`` itself, or the
    same line of that year's checklist (unit, community, zone and category) when there
    is one. Checklist progress counts an item's activities in the item's year only, so a
    weekly series begun in December goes on under next year's item, and an activity
    recorded on last year's still-open item counts where it belongs. Without that year's
    item it stays on ``item`` until that item is added (``move_onto_year_items``).

    Another year's: ``item``'s row is held first (``hold_item``), so an item of ``year``
    being added to the line — copied, typed in, 重新启用 or edited onto it, each holding
    the line's items (``lock_lines``) — is either committed and read here, or added after
    this activity is, and moves it then: never read as missing and then added unseen."""
    if item.year == year:
        return item
    hold_item(item)
    found = db.session.scalar(
        select(ResourceItem).where(*same_line(item), ResourceItem.year == year,
                                   ResourceItem.active.is_(True))
        .order_by(ResourceItem.id).limit(1))
    return found or item


def hold_item(item: ResourceItem) -> None:
    """Lock ``item``'s row (``FOR NO KEY UPDATE``: the activity's own row, pointing at it,
    still takes its key share) for the rest of the transaction: an activity about to be
    put on it, or on another year's item of its line, waits for an item of its line being
    added, and the item's adder for the activity (``item_of_year``). One row only, so the
    activity's side never holds one item while waiting for another."""
    db.session.execute(select(ResourceItem.id).where(ResourceItem.id == item.id)
                       .with_for_update(key_share=True))


def lock_lines(item_ids=(), line=None) -> None:
    """Lock every item (any year, active or not) of the checklist lines of the items
    ``item_ids`` (ids or a select of them) and of ``line`` (anything with a line's four
    ids: ``same_line``), in one statement in id order, before an item of a line is added
    or changes year or line (and so takes over activities, ``move_onto_year_items``). An
    activity being put on one of them (``item_of_year``'s ``hold_item``) then either
    committed first, and is moved by the adder, or waits and reads the new item. Items
    before tasks, as every path that takes both does (``update_task``): no circle."""
    other = aliased(ResourceItem)
    of_items = (select(ResourceItem.id)
                .join(other, and_(other.unit_id == ResourceItem.unit_id,
                                  other.community_id == ResourceItem.community_id,
                                  other.zone_id.is_not_distinct_from(ResourceItem.zone_id),
                                  other.category_id == ResourceItem.category_id))
                .where(other.id.in_(item_ids)))
    wanted = [ResourceItem.id.in_(of_items)]
    if line is not None:
        wanted.append(and_(*same_line(line)))
    db.session.execute(select(ResourceItem.id).where(or_(*wanted))
                       .order_by(ResourceItem.id).with_for_update(key_share=True))


def move_onto_year_items(actor: Member, items) -> int:
    """Put each activity dated (service date, Beijing) in the year of one of ``items``
    that sits on another year's item of the same line onto that item; returns how many
    moved. Called when an item of a year comes into being (added, copied, 重新启用, or
    an item without tasks edited onto another year or line): ``item_of_year`` put them
    on another year's item only because this one did not exist, and checklist progress
    counts an item's activities of its own year, so left there they would count toward
    no year's. Approved ones and 补录 too: the checklist is no part of a signed 月报, and
    the kept counts (``CountedItemYear``) follow the task's item in the same flush — the
    year's 年度总结 counts the approved ones on the item, so a change that moves them names
    it first (``item_named``), their rows held (``lock_year_work``). An inactive item takes none, as
    ``item_of_year`` gives it none. Each move is audited."""
    moved = 0
    by_year: dict[int, dict[tuple, ResourceItem]] = {}
    for item in items:
        if item.active:
            by_year.setdefault(item.year, {})[_line_of(item)] = item
    for year, lines in sorted(by_year.items()):
        other_years = select(ResourceItem.id).where(ResourceItem.year != year)
        found = db.session.scalars(
            select(Task)
            .where(Task.service_date >= date(year, 1, 1), Task.service_date <= date(year, 12, 31),
                   Task.resource_item_id.in_(other_years),
                   Task.category_id.in_({line[3] for line in lines}),
                   Task.community_id.in_({line[1] for line in lines}))
            .order_by(Task.id))
        for task in found:
            item = lines.get(_line_of(task))
            if item is None:
                continue
            record(actor, "move_to_item", task, resource_item_id=[task.resource_item_id, item.id])
            task.resource_item = item
            moved += 1
    db.session.flush()
    return moved


def lock_categories(lines) -> None:
    """Lock the category rows of ``lines`` (anything with a line's ``category_id``: an
    item, a new item's values) ``FOR NO KEY UPDATE``, in one statement in id order, after
    the lines' items (``lock_lines``) and before their tasks (``lock_year_work``): every
    checklist change — 新增, an edit, 从上一年度复制, 重新启用 — takes it. Whether an
    item's work shows in a signed 年度总结 depends on the other items of its category
    and year in the document's scope, a 年度目标 among them (``item_named.work_places``);
    rows not yet written cannot be locked, their category can: a change that reads that
    scope waits for another admin's change in the category that would alter it (a new
    item with a target, an edit of one), and reads it as committed — and is named on it
    — or holds it back until it commits (reactivate47). A task's key share of the row
    (its insert's foreign key) is not held back by it; an edit of the category's own
    units takes it first (``_merge_shown``), then ``FOR UPDATE``."""
    ids = sorted({line.category_id for line in lines
                  if isinstance(line.category_id, int) and not isinstance(line.category_id, bool)})
    if ids:
        db.session.execute(select(Category.id).where(Category.id.in_(ids))
                           .order_by(Category.id).with_for_update(key_share=True))


def lock_year_work(lines) -> None:
    """Lock the rows of every task dated (service date) in the year of one of ``lines``
    (anything with a ``year`` and a line's four ids: an item, a new item's values) on
    its line — the item's own and those on another year's item, which an item of the
    line and year coming into being takes over (``move_onto_year_items``) — in one
    statement, in id order, after the lines' items (``lock_lines``: items before tasks).
    Taken before a checklist change compares what its page named (``item_named``):
    every decision on an activity's report — 通过, 撤销审核, 作废 — holds its task's row
    first (``activity_lock.lock_activity``), so one either committed before, and the
    comparison reads its report as it left it, or waits for the change (review47b #2).
    Asked of each year's units, communities and categories, not line by line: a few more
    rows held (another zone's, or another unit's in a community of the set), but a
    statement as large as the years, not the lines — 从上一年度复制 of a county's
    checklist is a thousand lines, past SQLite's expression depth of 1000 as one
    condition each (review47d), as ``move_onto_year_items`` reads them."""
    by_year: dict[int, list] = {}
    for line in lines:
        if _ids(line):
            by_year.setdefault(line.year, []).append(line)
    each = [and_(Task.service_date >= date(year, 1, 1), Task.service_date <= date(year, 12, 31),
                 Task.unit_id.in_({line.unit_id for line in of_year}),
                 Task.community_id.in_({line.community_id for line in of_year}),
                 Task.category_id.in_({line.category_id for line in of_year}))
            for year, of_year in sorted(by_year.items())]
    if each:
        db.session.execute(select(Task.id).where(or_(*each)).order_by(Task.id)
                           .with_for_update(key_share=True))


def _ids(line) -> bool:
    """Whether ``line``'s year and four ids are ids (a post's may not be yet: the item's
    own checks refuse it)."""
    values = (line.year, line.unit_id, line.community_id, line.category_id)
    return (all(isinstance(v, int) and not isinstance(v, bool) for v in values)
            and (line.zone_id is None or isinstance(line.zone_id, int)))


def _line_of(record) -> tuple:
    """A checklist line as a key: what ``same_line`` compares, of an item or of a task
    (which copies its item's)."""
    return (record.unit_id, record.community_id, record.zone_id, record.category_id)


def same_line(item: ResourceItem) -> list:
    """WHERE conditions for the checklist items of ``item``'s line, every year's: the
    same unit, community, zone (or none) and category."""
    return [ResourceItem.unit_id == item.unit_id,
            ResourceItem.community_id == item.community_id,
            ResourceItem.zone_id.is_(None) if item.zone_id is None
            else ResourceItem.zone_id == item.zone_id,
            ResourceItem.category_id == item.category_id]


def off_checklist_note(tasks, viewer: Member) -> str | None:
    """What ``viewer`` is told when activities stay on a checklist item of another
    year (``item_of_year`` found none of theirs), or None. Checklist progress counts
    an item's activities of its own year only, so these count toward no year's
    资源清单 progress; every other figure (月报, 社区进展, 参与情况) counts them by date and
    category all the same. A warning, not a refusal: a series may be begun in December
    before next year's checklist exists (once the admin adds that year's item, or copies
    the checklist, they move onto it: ``move_onto_year_items``). The remedy is the
    admin's, so an admin is told to add the item, a liaison to ask for it."""
    off = [t for t in tasks if t.service_date.year != t.resource_item.year]
    if not off:
        return None
    item = off[0].resource_item
    # the item among its year's, the years said apart by the sentence itself
    names = dict(year=off[0].service_date.year, item_year=item.year, item=item.within_year)
    if viewer.is_admin:
        if len(tasks) == 1:
            return _l("该活动在%(year)d年，但%(year)d年的资源清单中没有“%(item)s”这一项目：它仍记在"
                      "%(item_year)d年的项目下，不计入任何一年的资源清单完成进度（月报和各项统计仍按"
                      "日期和类别计入）。如需计入，请在资源清单中添加%(year)d年的这一项目。", **names)
        return lazy_ngettext(
            "其中%(n)d个任务在%(year)d年，但%(year)d年的资源清单中没有“%(item)s”这一项目："
            "它们仍记在%(item_year)d年的项目下，不计入任何一年的资源清单完成进度（月报和各项"
            "统计仍按日期和类别计入）。如需计入，请在资源清单中添加%(year)d年的这一项目。",
            "其中%(n)d个任务在%(year)d年，但%(year)d年的资源清单中没有“%(item)s”这一项目："
            "它们仍记在%(item_year)d年的项目下，不计入任何一年的资源清单完成进度（月报和各项"
            "统计仍按日期和类别计入）。如需计入，请在资源清单中添加%(year)d年的这一项目。", len(off),
            n=len(off), **names)
    if len(tasks) == 1:
        return _l("该活动在%(year)d年，但%(year)d年的资源清单中没有“%(item)s”这一项目：它仍记在"
                  "%(item_year)d年的项目下，不计入任何一年的资源清单完成进度（月报和各项统计仍按"
                  "日期和类别计入）。如需计入，请联系单位管理员添加%(year)d年的这一项目。", **names)
    return lazy_ngettext("其中%(n)d个任务在%(year)d年，但%(year)d年的资源清单中没有“%(item)s”这一项目："
                         "它们仍记在%(item_year)d年的项目下，不计入任何一年的资源清单完成进度（月报和各项"
                         "统计仍按日期和类别计入）。如需计入，请联系单位管理员添加%(year)d年的这一项目。",
                         "其中%(n)d个任务在%(year)d年，但%(year)d年的资源清单中没有“%(item)s”这一项目："
                         "它们仍记在%(item_year)d年的项目下，不计入任何一年的资源清单完成进度（月报和各项"
                         "统计仍按日期和类别计入）。如需计入，请联系单位管理员添加%(year)d年的这一项目。", len(off),
              n=len(off), **names)


def missing_item(tasks) -> dict | None:
    """The item ``off_checklist_note`` tells of, as the new item form's query arguments
    (``ResourceItemForm.start_from``): the line of the first activity off the checklist
    — its item's unit, community, zone, category and measure — and that activity's year;
    None when every activity is on its own year's item."""
    off = [t for t in tasks if t.service_date.year != t.resource_item.year]
    if not off:
        return None
    item = off[0].resource_item
    args = {"unit": item.unit_id, "community": item.community_id,
            "category": f"{item.category_id}:{item.target_measure.value}",
            "year": off[0].service_date.year}
    return args | ({"zone": item.zone_id} if item.zone_id else {})


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _line(value: str | None) -> str:
    """A one-line field (任务名称, 地点, 服务对象) as stored, whichever way it came — the
    form, the ledger import, a need, a script: trimmed, any line break a space. A break
    in a title made its reminder e-mail's Subject refused (review37 F1)."""
    return one_line(value or "").strip()


def create_tasks(actor: Member, item: ResourceItem, data: TaskData) -> list[Task]:
    """Create a task (or a weekly series) from a resource checklist item."""
    if not manages_community(actor, item.community_id):
        raise PermissionDenied(_l("无权在该社区创建任务。"))
    if not item.active:
        raise ServiceError(_l("该资源清单项目已停用。"), field="resource_item")
    _check_details(data)
    check_start_window(data.starts_local)
    duration = data.ends_local - data.starts_local
    series_id = secrets.token_hex(8) if data.repeat_until else None
    check_item_takes_activities(item)
    tasks = []
    for start_local in weekly_starts(data.starts_local, data.repeat_until):
        starts_at = local_to_utc(start_local)
        counted_on = item_of_year(item, start_local.year)
        task = Task(
            resource_item_id=counted_on.id,
            unit_id=item.unit_id,
            community_id=item.community_id,
            zone_id=item.zone_id,
            category_id=item.category_id,
            title=_line(data.title),
            beneficiary=_line(data.beneficiary) or None,
            place=_line(data.place),
            description=_clean(data.description),
            starts_at=starts_at,
            ends_at=local_to_utc(start_local + duration),
            service_date=local_date(starts_at),
            slots=data.slots,
            taken=0,
            leader_id=data.leader.id if data.leader else None,
            status=TaskStatus.open,
            checkin_token=new_checkin_token(),
            series_id=series_id,
            created_by_id=actor.id,
        )
        db.session.add(task)
        tasks.append(task)
    hold_leader(data.leader)  # after the checklist items (``item_of_year``), the house order
    db.session.flush()
    for task in tasks:
        record(actor, "create", task, series_id=series_id)
    return tasks


def _require_manager(actor: Member, task: Task) -> None:
    if not manages_task(actor, task):
        raise PermissionDenied(_l("无权操作。"))


# A task's free text may name the people it serves (a visit's 慰问刘桂兰老人, her address
# as 地点): its edit's audit row names these fields, never their old or new text — the
# trail only grows, and must hold no personal data (privacy review, session 27, #3).
TEXT_FIELDS = frozenset({"title", "beneficiary", "place", "description"})
PLACE_TAG = "place_tag"


def place_tag(place: str | None) -> str:
    """A place as the trail may keep it: the keyed tag of its text (``throttle.key``,
    as a login's address is kept), never the text. Two tags are equal when the places
    are, so a place moved and moved back is told from one moved elsewhere (任务时间地点有变,
    ``reminders.moves``: a push never names a place she already knows as changed,
    leave51); without the app's secret key the tag tells nobody what the place was."""
    return throttle.key("place", place or "")


def edit_detail(changes: dict) -> dict:
    """The audit detail of a task edit: ``fields`` (the names of what changed),
    ``[old, new]`` of the rest — times, date, 名额, checklist line — and of the place
    its ``[old, new]`` tags (``place_tag``)."""
    detail = {"fields": sorted(changes),
              **{k: [_plain(v) for v in pair] for k, pair in changes.items()
                 if k not in TEXT_FIELDS}}
    if "place" in changes:
        detail[PLACE_TAG] = [place_tag(value) for value in changes["place"]]
    return detail


TASK_STALE = _l("该任务已被他人修改，请核对后重新保存。")


def _minute(value: datetime) -> str:
    """A local wall-clock time as the edit form shows it (to the minute), ISO text."""
    return value.replace(second=0, microsecond=0).isoformat()


def task_shown_values(task: Task) -> dict:
    """The edit form's fields as stored, in plain values (named as the form's fields):
    what its page showed (``task_shown_key``) and what a post is merged with."""
    return {"title": task.title, "beneficiary": task.beneficiary or None,
            "place": task.place, "description": task.description or None,
            "slots": task.slots,
            "starts_at": _minute(to_local(task.starts_at).replace(tzinfo=None)),
            "ends_at": _minute(to_local(task.ends_at).replace(tzinfo=None))}


def task_shown_key(task: Task) -> str:
    """The edit page's hidden ``shown``: its fields as it showed them."""
    return shown_module.shown_key(task_shown_values(task))


def _merged_details(task: Task, data: TaskDetails, shown: str | None) -> TaskDetails:
    """``data`` merged with the task as stored now (``shown.check``): a field the post
    left as its page showed it keeps another's change made since (a place moved by the
    other liaison stays moved); one both changed otherwise refuses the edit
    (``TASK_STALE``)."""
    posted = {"title": _line(data.title), "beneficiary": _line(data.beneficiary) or None,
              "place": _line(data.place), "description": _clean(data.description),
              "slots": data.slots,
              "starts_at": _minute(data.starts_local) if data.starts_local else None,
              "ends_at": _minute(data.ends_local) if data.ends_local else None}
    keep = shown_module.check(TASK_STALE, shown, task_shown_values(task), posted).keep
    names = {"starts_at": "starts_local", "ends_at": "ends_local"}
    values = {names.get(name, name): datetime.fromisoformat(value) if name in names else value
              for name, value in keep.items()}
    return dataclasses.replace(data, **values)


def update_task(task: Task, actor: Member, data: TaskDetails, *,
                shown: str | None = None) -> dict:
    """Edit one task's details; returns {field: [old, new]} of what changed.

    Slots never drop below the slots already taken: the new count is written by one
    conditional UPDATE, so a claim racing this edit cannot over-book the task.
    Posted from the edit page (``shown``: its ``task_shown_key``), merged under the
    activity's lock with the task as stored now (``_merged_details``): a page read
    before another's edit does not put back what the other changed.
    """
    _require_manager(actor, task)
    # its item before the activity, the order of an item being added to its line (which
    # then moves the line's tasks): ``item_of_year`` below re-reads under that hold
    hold_item(task.resource_item)
    # under the activity's lock: an approval (or 作废) committed since the form was read
    # is seen here, and the edit refused, not written over it
    lock_activity(task)
    if task.status == TaskStatus.cancelled:
        raise ServiceError(_l("该任务已取消，不能修改。"))
    if task.report_approved:
        raise ServiceError(_l("该任务的完成情况已审核通过，不能修改。"))
    data = _merged_details(task, data, shown)
    refuse_all(detail_problems(data) + edit_problems(task, data))
    starts_at = _same_minute(task.starts_at, local_to_utc(data.starts_local))
    ends_at = _same_minute(task.ends_at, local_to_utc(data.ends_local))
    changes: dict = {}
    if data.slots != task.slots:
        result = db.session.execute(
            update(Task)
            .where(Task.id == task.id, Task.taken <= data.slots)
            .values(slots=data.slots),
            execution_options={"synchronize_session": False},
        )
        old = task.slots
        db.session.refresh(task, ["slots", "taken"])
        if result.rowcount != 1:
            raise ServiceError(
                _l("名额不能少于已认领的人数（%(n)d人）。", n=task.taken), field="slots"
            )
        changes["slots"] = [old, data.slots]
    values = {
        "title": _line(data.title),
        "beneficiary": _line(data.beneficiary) or None,
        "place": _line(data.place),
        "description": _clean(data.description),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "service_date": local_date(starts_at),
    }
    for name, new in values.items():
        old = getattr(task, name)
        if old != new:
            changes[name] = [old, new]
            setattr(task, name, new)
    if "service_date" in changes:
        _move_findings(task, values["service_date"])
    # the same rule as creation: the activity goes on its own year's line of the
    # checklist when there is one (a date moved across New Year, or an item added since)
    counted_on = item_of_year(task.resource_item, values["service_date"].year)
    if counted_on.id != task.resource_item_id:
        changes["resource_item_id"] = [task.resource_item_id, counted_on.id]
        task.resource_item = counted_on
    if changes:
        db.session.flush()
        record(actor, "update", task, **edit_detail(changes))
    if "slots" in changes:
        promote_waiting(task, actor)  # more slots: the waitlist gets them first
    return changes


def edit_problems(task: Task, data: TaskDetails) -> list[tuple[str, object]]:
    """What the edit form's changes break of what the task already holds, as (form
    field, message), beside ``detail_problems``: a 名额 below the places taken is named
    with an end the work already confirmed does not fit, not on the next submit. Times
    refused by ``detail_problems`` (or unread, None) are not checked further; the 名额's
    conditional UPDATE still decides under the lock."""
    found: list[tuple[str, object]] = []
    if isinstance(data.slots, int) and not isinstance(data.slots, bool) \
            and 1 <= data.slots < task.taken:
        found.append(("slots", _l("名额不能少于已认领的人数（%(n)d人）。", n=task.taken)))
    if data.starts_local is None or data.ends_local is None or not collect(
            [], check_times, data.starts_local, data.ends_local):  # (named by detail_problems)
        return found
    starts_at = _same_minute(task.starts_at, local_to_utc(data.starts_local))
    ends_at = _same_minute(task.ends_at, local_to_utc(data.ends_local))
    if starts_at != task.starts_at:
        collect(found, check_start_window, data.starts_local)
    if (starts_at, ends_at) != (task.starts_at, task.ends_at):
        collect(found, _check_done_work_fits, task, starts_at, ends_at)
    day = local_date(starts_at)
    if day != task.service_date:
        collect(found, _check_findings_move, task, day)
    return found


def _check_done_work_fits(task: Task, starts_at: datetime, ends_at: datetime) -> None:
    """Once someone has confirmed hours on a task, or its result is reported, the
    activity has happened: new times must still hold the work already counted on them
    (no end after now, no activity shorter than the longest confirmed 服务时长), or the
    approval would count hours that do not fit, or work in a month still to come."""
    longest = db.session.scalar(select(func.max(Assignment.minutes)).where(
        Assignment.task_id == task.id, Assignment.status == AssignmentStatus.done))
    if task.report is None and longest is None:
        return
    if ends_at > utcnow():
        raise ServiceError(_l("已有人确认服务时长或已提交完成情况，活动已经发生：结束时间不能晚于现在。"),
                           field="ends_at")
    if longest and (ends_at - starts_at) < timedelta(minutes=longest):
        raise ServiceError(_l("已有党员确认了%(h)s小时的服务时长，活动时长不能短于此。",
                              h=hours(longest)), field="ends_at")


def _move_findings(task: Task, day: date) -> None:
    """A survey's findings were found on the survey's day, and count in its month: a
    corrected date moves them with it (else a month's text would count findings that
    its table puts in another month)."""
    _check_findings_move(task, day)
    for finding in db.session.scalars(select(Finding).where(Finding.task_id == task.id)):
        finding.found_on = day


def _check_findings_move(task: Task, day: date) -> None:
    """A finding already handed over on a day before ``day`` cannot have been found on it."""
    handed = db.session.scalar(select(func.min(Finding.handed_over_on)).where(
        Finding.task_id == task.id))
    if handed is not None and handed < day:
        raise ServiceError(_l("该任务登记的问题已于%(d)s移交，活动日期不能晚于移交日期。",
                              d=handed.isoformat()), field="starts_at")


def _same_minute(old: datetime, new: datetime) -> datetime:
    """Forms show minutes: a time typed back unchanged keeps its stored seconds."""
    return old if old.replace(second=0, microsecond=0) == new else new


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def leader_shown_key(task: Task) -> str:
    """The task page's 组长 form's hidden ``shown``: the leader it showed."""
    return shown_module.shown_key({"leader": task.leader_id})


def hold_leader(leader: Member | None) -> None:
    """The chosen 组长's row share-locked to the commit and ``active`` read under it
    (``claims.hold_member``): refused under the 组长 field when the account was switched
    off or merged meanwhile, naming the account kept. A task's 组长 is the person's work
    that 合并账号 moves to the account kept; the merge holds the duplicate's row until it
    commits, and a leader written without this lock (the insert's key-share is let
    through) committed onto the account merged away after the merge had read its tasks."""
    if leader is None or held_active([leader.id]):
        return
    into = merged_into(leader)
    if into is not None:
        raise ServiceError(_l("%(name)s 的账号已合并至%(into)s（%(phone)s），不能再担任组长；"
                              "请改选%(into)s。", name=leader.name, into=into.name,
                              phone=into.masked_phone), field="leader")
    raise ServiceError(_l("%(name)s 的账号已停用，不能担任组长，请另选组长。", name=leader.name),
                       field="leader")


def leader_closed_words(closed: Closed):
    """The refusal of a 组长's change on an approved activity whose day is ``closed_to``
    a liaison (``closed``): the service's, and the task page's notice instead of the
    组长 form (one sentence, its remedy ``Closed.say``'s)."""
    return closed.say(
        _l("%(month)s的月报已定稿，更换该月活动的组长须由单位管理员操作",
           month=lazy_month_name(closed.year, closed.month)),
        _l("%(year)s年度总结已定稿，更换该年活动的组长须由单位管理员操作", year=closed.year))


def change_leader(task: Task, leader: Member | None, actor: Member, *,
                  shown: str | None = None, refuse_stale: bool = False,
                  named: Callable[[], None] | None = None) -> None:
    """组长 of the task. An approved activity's leader is in its month's 月报 (the
    台账's 组长, the 参与明细's mark): in a 已定稿 month an admin's to change.

    The community's liaisons and the admins may all change it: posted from the task
    page (``shown``: its ``leader_shown_key``), a choice made on a page that showed
    another leader than the one stored now — another changed it since — is refused
    under the 组长 field, naming the leader now (``shown.StaleEdit``); a post that
    leaves the leader as its page showed it keeps the other's choice — but with
    ``refuse_stale`` (an approved activity's: its change is named before it, and the
    naming would name a change that does not happen, confirm43 #4) it is refused as
    well, naming the leader now.

    ``named``: the page's comparison of the signed documents it named with those the
    change names now (``named_page.NamedFirst.compare``, ``roll.keep_named``), raising
    to refuse — called here, under the activity's lock, whenever the change is of an
    approved activity's 组长: whether it is approved is read under that lock, so a 通过
    committed after the page's read is seen, and a 已定稿 month's 台账 is not changed
    by a page that named nothing (review44 #1)."""
    _require_manager(actor, task)
    lock_activity(task)  # the report's state the refusal reads is the committed one
    merge = shown_module.merge(shown, {"leader": task.leader_id},
                               {"leader": leader.id if leader is not None else None})
    if refuse_stale and merge.kept:  # the other's choice, refused rather than kept
        merge = dataclasses.replace(merge, keep={}, conflicts=merge.kept, kept=[])
    if merge.conflicts:
        message = (_l("您打开此页之后，组长已被他人改为%(name)s，请核对后重新保存。",
                      name=task.leader.name) if task.leader is not None
                   else _l("您打开此页之后，组长已被他人取消，请核对后重新保存。"))
        refusal = shown_module.StaleEdit(message, merge)
        refusal.field = "leader"  # under the 组长 select, the choice made kept
        raise refusal
    if merge.keep:
        return  # left as the page showed it: another's choice since stays
    if task.status == TaskStatus.cancelled:
        raise ServiceError(_l("该任务已取消。"))
    day = task.service_date
    closed = task.report_approved and closed_to(actor, task.unit_id, task.community_id, day)
    if closed:
        raise ServiceError(leader_closed_words(closed))
    if named is not None and task.report_approved and task.leader_id != (
            leader.id if leader is not None else None):
        named()  # the months' share locks, after the activity's (as 通过 takes them)
    hold_leader(leader)  # after the activity's lock (``lock_activity``), the house order
    task.leader_id = leader.id if leader else None
    task.leader = leader
    record(actor, "change_leader", task, leader_id=task.leader_id)


def close_task(task: Task, actor: Member) -> None:
    """No more claims; participants and the report stay as they are."""
    _require_manager(actor, task)
    if task.status != TaskStatus.open:
        raise ServiceError(_l("该任务已关闭或已取消，不能再关闭。"))
    task.status = TaskStatus.closed
    record(actor, "close", task)


def has_recorded_work(task: Task, *, confirmed: int | None = None) -> bool:
    """A report (in any state) or a member's confirmed hours: the activity is on record,
    and 取消任务 no longer applies (作废 does, ``services.voiding``). ``confirmed``: how
    many participations are confirmed (done), as a page counted them in the
    participants it read (None: counted here — a service under the activity's lock)."""
    if task.report is not None:
        return True
    return _confirmed_count(task, confirmed) > 0


def _confirmed_count(task: Task, confirmed: int | None = None) -> int:
    if confirmed is not None:
        return confirmed
    return db.session.scalar(select(func.count(Assignment.id)).where(
        Assignment.task_id == task.id, Assignment.status == AssignmentStatus.done))


def confirmed_among(holders) -> int:
    """How many of a task's participations holding a place (``HOLDING``: every one not
    withdrawn, as its page reads them) are confirmed: ``has_recorded_work``'s
    ``confirmed``, counted from what the page holds, not asked again (count48 #2)."""
    return sum(1 for a in holders if a.status == AssignmentStatus.done)


def cancel_refusal(task: Task, actor: Member | None = None, *, lock: bool = True,
                   confirmed: int | None = None):
    """Why the task cannot be cancelled, or None when it can. One rule: an activity on
    record (``has_recorded_work``) is not cancelled — a cancelled task counts nowhere,
    so its report or its members' confirmed hours (they confirmed them, or a 补录申请
    was 采纳 into it) would silently stop counting. The message says which it holds.
    Asked for ``actor`` too: a need nobody claimed leaves the task's unit's posted
    month with it, which in a 已定稿 month or year is an admin's change, as for 作废
    (``task_needs.need_move_refusal``; ``lock`` as its: a page passes False, and
    ``confirmed`` as ``has_recorded_work``'s)."""
    if task.status == TaskStatus.cancelled:
        return _l("该任务已取消。")
    if task.report is None:
        confirmed = _confirmed_count(task, confirmed)  # asked once for the rule and the words
    if not has_recorded_work(task, confirmed=confirmed):
        if actor is None:
            return None
        return need_move_refusal(task, actor, _l("取消这个任务"), lock=lock)
    if task.report is not None:
        return _l("该任务已提交完成情况，不能取消。")
    return lazy_ngettext("已有%(n)d名党员在该任务中的服务时长已确认，取消任务会使这些时长不再计入，"
                         "因此不能取消。",
                         "已有%(n)d名党员在该任务中的服务时长已确认，取消任务会使这些时长不再计入，"
                         "因此不能取消。", confirmed, n=confirmed)


def cancel_task(task: Task, actor: Member, reason: str) -> None:
    """Call the task off, with a reason; members on it see it as 已取消 in 我的任务."""
    _require_manager(actor, task)
    # a 确认参与 or 提交完成情况 committed since the page was read is seen here: the
    # cancel is refused, never applied over recorded work
    lock_activity(task)
    if (refusal := cancel_refusal(task, actor)) is not None:
        raise ServiceError(refusal)
    reason = required_reason(reason, _l("请填写取消原因。"), REASON_MAX)
    lock_needs_of(task)  # before any write: see task_needs
    task.status = TaskStatus.cancelled
    record(actor, "cancel", task, reason=reason)
    give_back_needs_of(task, actor)  # a need made into this task can be done another way


def participants(task: Task) -> list[Assignment]:
    """Members holding a slot, in the order they joined."""
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.task_id == task.id, Assignment.status.in_(HOLDING))
            .order_by(Assignment.claimed_at, Assignment.id)
        )
    )
