"""Admin pages: units, communities, zones, categories, resource checklist, members.

Every route is admin-only. Each section has a list, a create form, an edit form
and a 停用 / 重新启用 button; the shared flow lives in ``crud.py``.
"""
from __future__ import annotations

import dataclasses
import functools

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from ..i18n import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..formatting import hours
from ..named_page import NamedFirst, ask_first, said_afresh
from ..services.reopened import THEN_ADD, THEN_CORRECT, THEN_EDIT
from ..services.then_pages import THEN_CONFIRM_SAVE, THEN_COPY, THEN_REACTIVATE
from ..paging import page_number
from ..models import (Category, Community, Member, MemberMerge, ResourceItem, Role, RollPeriod,
                      TargetMeasure, Unit, Zone)
from ..permissions import admin_required
from ..reach import reach_of
from ..reports.part_names import Printed
from ..templating import ROLE
from ..timeutil import local_today
from ..year_checklist import checklist_due
from ..security import record_id_or_none
from ..services import ServiceError, problems_of
from ..services import directory as d
from ..services import item_named, merge, roll
from ..services.shown import StaleEdit
from ..view_support import named_aware, refuse_keys, returning, run_service
from . import queries as q
from .told import foreseen_names, month_list, reworded_apart, tell_foreseen, year_list
from .crud import (Entity, create_view, deactivate_question, edit_form, edit_view, render_page,
                   save_form, toggle_view)
from .forms import (
    CategoryForm,
    CommunityForm,
    ItemCopyForm,
    ItemFilterForm,
    MemberFilterForm,
    MergeForm,
    MergePickForm,
    MemberForm,
    SECTION,
    ResourceItemForm,
    RollCorrectionForm,
    UnitForm,
    roll_kept_note,
    ZoneFilterForm,
    community_rows,
    ZoneForm,
)

bp = Blueprint("admin", __name__)

UNITS = Entity("unit", "units", Unit, UnitForm, d.create_unit, d.update_unit,
               title=_l("单位"), heading=_l("单位"))
COMMUNITIES = Entity("community", "communities", Community, CommunityForm,
                     d.create_community, d.update_community,
                     title=_l("社区"), heading=_l("社区"))
ZONES = Entity("zone", "zones", Zone, ZoneForm, d.create_zone, d.update_zone,
               title=_l("责任区"), heading=_l("责任区"), frozen=d.zone_frozen_fields,
               frozen_note=_l("该责任区已用于资源清单，所属社区不能修改。"))
CATEGORIES = Entity("category", "categories", Category, CategoryForm,
                    d.create_category, d.update_category,
                    title=_l("类别"), heading=_l("类别"), frozen=d.category_frozen_fields,
                    frozen_note=_l("编码创建后不能修改；内置类别和已用于资源清单的类别，"
                                   "板块和计量单位也不能修改。"))
ITEMS = Entity("item", "items", ResourceItem, ResourceItemForm,
               d.create_resource_item, d.update_resource_item,
               title=_l("资源清单项目"), heading=_l("资源清单"), frozen=d.item_frozen_on_page,
               loads=lambda: [d.item_tasks_load(), d.item_line_load()],
               frozen_note=_l("该项目已有任务，单位、社区、责任区、类别和年度不能修改。"))


def _member_page(record: Member, form=None, *,
                 roll_form: RollCorrectionForm | None = None) -> dict:
    """The member page beyond its form: the latest change of the roll history as it is
    now, whose date 更正日期 corrects, and the 更正日期 form — empty, naming that change;
    or the one posted (``roll_form``), with what was typed and still naming the change
    the admin's page showed: a date typed for a change another admin's has replaced
    meanwhile is refused again until the page is read again, never applied to the
    change now shown (as the member form keeps its ``roll_shown``).

    ``stale`` is None here: a member form refused over another's change says why
    (``_stale_fields``) from the refusal itself, which only ``member_edit`` holds."""
    change = roll.last_change(record)
    if roll_form is None:
        roll_form = RollCorrectionForm(formdata=None)
        roll_form.change.data = roll.shown_key(change)
    # the page's own read holds the merge row and the kept account (``_member_for_page``);
    # a page after a post reads them lazily, as ``merge.merged_into`` does
    row = record.merge
    merged_into = row.into if row is not None else None
    return {"roll_change": change, "roll_form": roll_form,
            "roll_units": {p.unit_id: p.unit.name for p in record.roll_periods},
            "stale": None, "merged_into": merged_into,
            "deactivate_question": deactivate_question(record)}


def _stale_fields(form, refusal: d.MemberFormRefused) -> dict:
    """Why the posted member form ``form`` was refused over another's change, from the
    merge that refused it (``refusal.merge``, decided once by ``directory.update_member``
    under the member's lock — not made again here, where another admin may have saved
    since): ``conflicts``, a line a field another changed since the page was read and
    the form changes otherwise (as the page showed it and as it was then, in the form's
    order), with — when the form changes the roll history over another's change of it —
    another's 单位 / 计入参与统计 and, last, the roll history: every conflict at once;
    ``kept``, the same for another's changes the form left as the page showed them
    (they stay when it is saved).

    The form is re-shown with what was typed and still the old page's keys — posted
    again, it is refused again, never saved over a change its admin has not seen — and
    the page links to the page read again, where the current values are shown."""
    merge = refusal.merge
    order = {name: i for i, name in enumerate(d.SHOWN_FIELDS)}
    conflicts = [_change_line(form, c) for c in sorted(
        merge.conflicts + merge.roll_changes, key=lambda c: order[c.field])]
    if merge.roll_stale or refusal.message == roll.STALE:
        conflicts.append(_("在册记录：已有新的变动，见下方“在册记录”。"))
    return {"conflicts": conflicts, "kept": [_change_line(form, c) for c in merge.kept]}


def _label(form, name: str) -> str:
    return form[name].label.text if name in form else name


def _change_line(form, c: d.ShownChange) -> str:
    """A field another changed: as the page showed it and as it is now."""
    return q.shown_change_line(_label(form, c.field), c, _("打开页面时"))


MEMBERS = Entity("member", "members", Member, MemberForm, d.create_member, d.update_member,
                 title=_l("党员干部"), heading=_l("党员干部"),
                 note=_l("新账号没有密码：党员通过邀请链接激活账号并设置自己的密码。"),
                 template="admin/member_form.html", context=_member_page)


def _page_number() -> int:
    # clamped as every list's (``paging.MAX_PAGE``): a list read with its total in one
    # statement offsets by the page asked before it knows the last one (review48b #1)
    return page_number()


def _int_arg(value) -> int | None:
    """A filter's id or year as the query string sent it, or None (empty, text, ² …)."""
    return record_id_or_none((value or "").strip())


def _list(template: str, entity: Entity, query, paged=q.Page, **context):
    page = paged(query, _page_number(), current_app.config["ADMIN_PAGE_SIZE"])
    return render_template(template, entity=entity, page=page, **context)


@bp.get("/")
@admin_required
def index():
    counts = q.section_counts(db.session)  # read once: the setup's steps count them too
    return render_template("admin/index.html", counts=counts,
                           setup=q.setup_progress(db.session, counts))


@bp.get("/setup")
@admin_required
def setup():
    """开始使用: what a new installation still needs, in order, each step a link."""
    return render_template("admin/setup.html", progress=q.setup_progress(db.session))


# --- 单位 -------------------------------------------------------------------------------

@bp.get("/units")
@admin_required
def units():
    return _list("admin/units.html", UNITS, q.units_query())


@bp.route("/units/new", methods=["GET", "POST"])
@admin_required
def unit_new():
    return create_view(UNITS)


@bp.route("/units/<int:record_id>/edit", methods=["GET", "POST"])
@admin_required
def unit_edit(record_id: int):
    return edit_view(UNITS, record_id)


@bp.post("/units/<int:record_id>/active")
@admin_required
def unit_toggle(record_id: int):
    return toggle_view(UNITS, record_id)


# --- 社区 -------------------------------------------------------------------------------

@bp.get("/communities")
@admin_required
def communities():
    return _list("admin/communities.html", COMMUNITIES, q.communities_query())


@bp.route("/communities/new", methods=["GET", "POST"])
@admin_required
def community_new():
    return create_view(COMMUNITIES)


@bp.route("/communities/<int:record_id>/edit", methods=["GET", "POST"])
@admin_required
def community_edit(record_id: int):
    return edit_view(COMMUNITIES, record_id)


@bp.post("/communities/<int:record_id>/active")
@admin_required
def community_toggle(record_id: int):
    return toggle_view(COMMUNITIES, record_id)


# --- 责任区 -----------------------------------------------------------------------------

@bp.get("/zones")
@admin_required
def zones():
    filters = ZoneFilterForm()
    query = q.zones_query(_int_arg(filters.community.data))
    return _list("admin/zones.html", ZONES, query, filters=filters)


@bp.route("/zones/new", methods=["GET", "POST"])
@admin_required
def zone_new():
    return create_view(ZONES)


@bp.route("/zones/<int:record_id>/edit", methods=["GET", "POST"])
@admin_required
def zone_edit(record_id: int):
    return edit_view(ZONES, record_id)


@bp.post("/zones/<int:record_id>/active")
@admin_required
def zone_toggle(record_id: int):
    return toggle_view(ZONES, record_id)


# --- 类别 -------------------------------------------------------------------------------

@bp.get("/categories")
@admin_required
def categories():
    return _list("admin/categories.html", CATEGORIES, q.categories_query(), SECTION=SECTION)


@bp.route("/categories/new", methods=["GET", "POST"])
@admin_required
def category_new():
    return create_view(CATEGORIES)


@bp.route("/categories/<int:record_id>/edit", methods=["GET", "POST"])
@admin_required
def category_edit(record_id: int):
    return edit_view(CATEGORIES, record_id)


@bp.post("/categories/<int:record_id>/active")
@admin_required
def category_toggle(record_id: int):
    return toggle_view(CATEGORIES, record_id)


# --- 资源清单 ---------------------------------------------------------------------------

@bp.get("/items")
@admin_required
def items(copy_form: ItemCopyForm | None = None, communities: list | None = None):
    """``copy_form``: the 「从上一年度复制」 form posted and sent back, with the
    ``communities`` it was built with (``community_rows``)."""
    # the communities read once for both forms, the page and its count one statement
    # (docs/design.md, "Budgets": at most 6 a page; count48 counted 8)
    if communities is None:
        communities = community_rows()
    filters = ItemFilterForm(communities=communities)
    community, year = _int_arg(filters.community.data), _int_arg(filters.year.data)
    query = q.items_query(community, year)
    if copy_form is None:
        # a year (and community) looked at with nothing in it is the one to copy into:
        # the progress page's 「从上一年度复制」 link lands here with both
        copy_form = ItemCopyForm(**({"year": year} if year else {}),
                                 community=str(community) if community else "",
                                 communities=communities)
    return _list("admin/items.html", ITEMS, query, filters=filters,
                 copy_form=copy_form,
                 checklist_due=checklist_due(reach_of(current_user), local_today()))


@bp.post("/items/copy")
@admin_required
def items_copy():
    """「从上一年度复制」: the year before's active lines into the chosen year; a refusal
    is shown on the list page, with what was chosen kept."""
    # read once: the form's choices, and the list page's filter when it is sent back
    communities = community_rows()
    form = ItemCopyForm(communities=communities)
    if returning():  # the naming page's 返回: the list, the choice kept, nothing copied
        return items(copy_form=form, communities=communities)
    chosen = dict(unit_id=_int_arg(form.unit.data), community_id=_int_arg(form.community.data))

    def ask(named, since):
        return ask_first(named, title=_("从上一年度复制"), submit=_("确认复制"),
                         action=_("从上一年度复制资源清单"), explain=str(COPY_EXPLAIN),
                         back=url_for(".items"), since=since)

    # the items it makes are printed by their year's 年度总结, a budget by its 月报 too:
    # the signed ones named first (review46 #2), compared by the copy under its locks
    first = NamedFirst(lambda lock: item_named.copy_named(current_user, form.year.data,
                                                         **chosen, lock=lock), ask,
                       then=THEN_COPY)
    done = None
    if form.validate_on_submit():
        if (asked := first.answer()) is not None:
            return asked
        done = run_service(form, first.comparing(d.copy_items_from_previous_year),
                           current_user, form.year.data, **chosen)
        if not done and (asked := first.since()) is not None:
            return asked
    if not done:
        return items(copy_form=form, communities=communities)
    result = done.value
    if result.copied:
        flash(_("已从%(old)d年度复制%(n)d条资源清单项目到%(new)d年度（目标照上年填写，可逐条修改）；"
                "%(skipped)d条在%(new)d年度已有，未复制。", old=result.from_year, new=result.to_year,
                n=result.copied, skipped=result.skipped), "success")
        _flash_moved(result.to_year, result.moved)
    else:
        flash(ngettext("上一年度的%(n)d条项目在%(new)d年度都已有，没有需要复制的。",
                       "上一年度的%(n)d条项目在%(new)d年度都已有，没有需要复制的。",
                       result.skipped,
                n=result.skipped, new=result.to_year), "info")
    return redirect(url_for("admin.items", year=result.to_year))


def _flash_moved(year: int, moved: int) -> None:
    """What a new item of ``year`` took over (``tasks.move_onto_year_items``): the tasks
    recorded before it existed, on another year's item of its line."""
    if moved:
        flash(ngettext("%(year)d年此前记在其他年度项目下的%(n)d个任务已改记到新项目，计入%(year)d年度的"
                       "资源清单完成情况。",
                       "%(year)d年此前记在其他年度项目下的%(n)d个任务已改记到新项目，计入%(year)d年度的"
                       "资源清单完成情况。", moved, year=year, n=moved), "success")


@bp.route("/items/new", methods=["GET", "POST"])
@admin_required
def item_new():
    """As ``create_view``, with a second flash saying how many tasks the new item took
    over."""
    form = ITEMS.form()
    if request.method == "GET":
        form.start_from(request.args)  # a task's note names the line and year it lacks

    def ask(named, since):
        # what the service would refuse is said on the form, never asked (review46 #4)
        if d.item_problems(None, form.to_data()):
            return None
        return ask_first(named, title=_("添加资源清单项目"), submit=_("确认保存"),
                         action=_("添加资源清单项目"), explain=str(_item_explain(form.to_data())),
                         back=url_for(".items"), since=since)

    # a new item is printed by its year's 年度总结, a budget by its 月报 too: the signed
    # ones named first (review46 #2), compared by the service after its refusals
    first = NamedFirst(lambda lock: item_named.new_items_named(current_user, [form.to_data()],
                                                              lock=lock), ask,
                       then=THEN_CONFIRM_SAVE)
    done = None
    if not returning() and form.validate_on_submit():  # 返回: the form as typed
        if (asked := first.answer()) is not None:
            return asked
        # a signed document's refusal answered by ``since`` (``since_off``): the page
        # again or, the item refused by then (another admin's same item), that refusal
        done = run_service(form, first.comparing(d.add_resource_item), current_user,
                           form.to_data(), since_off=True)
        if not done and (asked := first.since(form, lambda: problems_of(
                d.item_refusal(None, form.to_data())))) is not None:
            return asked
    if not done:
        return render_page(ITEMS, form, None, [])
    added = done.value
    flash(_("已添加%(kind)s：%(name)s", kind=ITEMS.title, name=added.item), "success")
    _flash_moved(added.item.year, added.moved)
    return redirect(url_for(ITEMS.list_endpoint))


@bp.route("/items/<int:record_id>/edit", methods=["GET", "POST"])
@admin_required
def item_edit(record_id: int):
    """As ``edit_view``; an item moved onto another year or line says, as an added one
    does, how many tasks it took over."""
    saved: list[d.ItemSaved] = []

    def update(item, actor, data, *, shown=None, named=None) -> list[str]:
        saved.append(d.save_resource_item(item, actor, data, shown=shown, named=named))
        return saved[-1].kept

    response = edit_view(dataclasses.replace(ITEMS, update=update), record_id,
                         named_first=_item_edit_named)
    if saved:
        _flash_moved(db.session.get(ResourceItem, record_id).year, saved[-1].moved)
    return response


@bp.post("/items/<int:record_id>/active")
@admin_required
def item_toggle(record_id: int):
    """停用 / 重新启用; switched back on, the item says how many tasks it took over —
    named first when the signed 年度总结 of its year counts them (``_item_on_named``)."""
    return toggle_view(ITEMS, record_id, then=lambda item, moved: _flash_moved(item.year, moved),
                       named_first=_item_on_named)


def _item_on_named(item: ResourceItem, active: bool, back: str) -> NamedFirst | None:
    """重新启用's ``NamedFirst``: the item takes over the approved work of its year
    recorded on another year's item of its line, which the year's signed 年度总结 then
    counts on it (``item_named.reactivate_named``, review46c #2). 停用 changes nothing
    printed (a switched-off item still counts in its year): none."""
    if not active:
        return None

    def ask(named, since):
        # where the year's document prints the work taken over: an item with a 年度目标 is
        # a row of the 附表, one without only adds to its category's clause, where the
        # category has a target (``item_named.work_places``, review47b #1)
        if item.target:
            explain = _("重新启用后，%(year)d年此前记在其他年度同一项目（单位、社区、责任区和"
                        "类别相同）下的任务将改记到该项目，计入%(year)d年度年度总结的"
                        "“%(part)s”部分和附表。", year=item.year, part=Printed("checklist"))
        else:
            explain = _("重新启用后，%(year)d年此前记在其他年度同一项目（单位、社区、责任区和"
                        "类别相同）下的任务将改记到该项目。该项目没有年度目标，不列入附表；"
                        "这些任务计入%(year)d年度年度总结“%(part)s”部分该类别的完成情况。",
                        year=item.year, part=Printed("checklist"))
        return ask_first(named, title=_("重新启用资源清单项目"), submit=_("确认重新启用"),
                         action=_("重新启用"), subject=str(item), explain=explain,
                         back=back, since=since)

    return NamedFirst(lambda lock: item_named.reactivate_named(item, current_user, lock=lock),
                      ask, then=THEN_REACTIVATE)


# a 共建活动经费 item's money target is its ledger's budget, read by every 月报 of its year
# (预算使用率, the 附表“共建活动经费”) and the 年度总结; every item's place, category and
# target are printed by its year's 年度总结 (资源清单完成情况): a change of them names the
# signed ones first (``item_named``), as 登记支出 names those its date changes, and so
# does 重新启用 of an item taking over work of its year (``_item_on_named``); 停用
# changes none (a switched-off item still counts in its year)
BUDGET_EXPLAIN = _l("共建活动经费项目的年度目标是该单位在该社区当年的经费预算，当年各月月报的预算使用率和"
                    "附表“%(part)s”以及年度总结都按它计算。", part=Printed("funds"))
CHECKLIST_EXPLAIN = _l("资源清单项目的单位、社区、责任区、类别、年度和年度目标都写在该年度年度总结的"
                       "“%(part)s”部分和附表中。", part=Printed("checklist"))
COPY_EXPLAIN = _l("复制的项目写在该年度年度总结的“%(part)s”部分和附表中；其中共建活动经费项目的"
                  "年度目标是当年的经费预算，当年各月月报也按它计算。", part=Printed("checklist"))


# an item with no 年度目标 on either side is no row of the 附表: it is named only for the
# work its category's clause adds up (``item_named.work_places``, review47b #1)
UNTARGETED_EXPLAIN = _l("该项目没有年度目标，不列入附表；其任务计入该年度年度总结“%(part)s”部分"
                        "该类别的完成情况。", part=Printed("checklist"))


def _item_explain(*sides):
    """The naming page's explanation: a budget's (its months too) when either side is
    counted in money — only a 共建活动经费 item is —, an item's with no 年度目标 on any
    side (its work, in its category's clause), else the checklist's."""
    money = any(getattr(side, "target_measure", None) == TargetMeasure.money for side in sides)
    if money:
        return BUDGET_EXPLAIN
    targeted = any(getattr(side, "target", None) for side in sides)
    return CHECKLIST_EXPLAIN if targeted else UNTARGETED_EXPLAIN


def _item_edit_named(item: ResourceItem, form, refused: list):
    """The item's save named first when it changes what a signed document prints
    (``item_edit``): its ``NamedFirst``, and the service's ``named`` — given the values
    the save merged with another admin's change, it compares them, under the item's
    lock, the months' share locks last (review46 #1). ``refused``: ``edit_view``'s, for
    a refusal over another admin's change read by the pre-check after the service's."""
    merged: list = []  # the values the service saves, once it has merged them

    @functools.cache
    def page_merged():
        # the post merged with another admin's change since the page was read, as the
        # save will merge it (read only; None: both changed a field) — once a request,
        # for the naming and the check alike (tidy47)
        posted = form.to_data()
        return posted, d.merged_item_post(item, posted, form.shown.data)

    def changes():
        # what the save changes: as it merged it (under the item's lock), else as it will
        # — never the post alone (review46c #1); None: refused as stale
        return merged[-1] if merged else page_merged()[1]

    def naming(lock):
        # a post refused as stale names what it typed: the form says the refusal
        data = changes() or page_merged()[0]
        return item_named.item_named(item, current_user, data, lock=lock)

    @functools.cache
    def frozen_now():
        # once the save was refused for a document signed since (``since``): the fields
        # the item fixes asked afresh, one statement — a task made for it after the page
        # was read refuses a change of its place on the form at once, not after one more
        # naming page (since49's Open)
        return d.item_frozen_fields(item)

    def frozen():
        # the first ask: as the page read them (review46 #4)
        return frozen_now() if first.found else form.frozen

    def ask(named, since):
        # what the service would refuse is said on the form, never asked (review46 #4):
        # no page, the post held to naming nothing, and the service's refusal said
        data = changes()
        if d.item_problems(item, data, frozen=frozen()):
            return None
        explain = _item_explain(item, data)
        words = _("修改经费预算") if explain is BUDGET_EXPLAIN else _("修改资源清单项目")
        return ask_first(named, title=words, submit=_("确认保存"), action=words,
                         subject=str(item), explain=str(explain),
                         back=url_for(".item_edit", record_id=item.id), since=since)

    def problems() -> list:
        # the save refused for a month signed since, its pre-check refusing now — another
        # admin's change committed after the service's rollback (the same field changed,
        # the line taken) —: that refusal on the form, in the service's words, a stale
        # one naming the fields as the service's own does (``stale_page``), never the
        # page's 「…有了变化…」 (since48's Open)
        refusal = d.item_save_refusal(item, form.to_data(), form.shown.data,
                                      frozen=frozen())
        if isinstance(refusal, StaleEdit):
            refused.append(refusal)
            refuse_keys(form)
        return problems_of(refusal)

    first = NamedFirst(naming, ask, problems, then=THEN_CONFIRM_SAVE)

    def named(data) -> None:
        merged.append(data)
        try:
            first.compare()
        except roll.NamedSince:
            # refused, its merge rolled back with it: ``since``'s ask reads what the save
            # changes afresh, as the page does — another admin's change since included
            merged.clear()
            page_merged.cache_clear()
            raise

    return first, named


# --- 党员干部 ---------------------------------------------------------------------------

@bp.get("/members")
@admin_required
def members():
    filters = MemberFilterForm()
    shared = q.shared_phones(db.session)
    if filters.phones.data == "shared":
        return render_template("admin/members_shared_phones.html", entity=MEMBERS,
                               shared=shared)
    search = (filters.q.data or "")[:40] or None
    query = q.members_query(search, filters.role.data, filters.status.data)
    return _list("admin/members.html", MEMBERS, query, q.MemberPage, filters=filters,
                 shared=shared)


@bp.route("/members/new", methods=["GET", "POST"])
@admin_required
def member_new():
    """As ``create_view``; a member added from a day of a 已定稿 month is told as a
    change of that month's roll (``tell_foreseen`` of what the service found), in its
    own verb (添加), after the news of the save itself, as the member import tells its
    own. The news names what was added by its role (a 社区联络员 is no 党员干部), and the
    save leads to the new account's own page — where its 激活链接 is offered — not to
    a list of every account with no pointer to the new row (walk56)."""
    signed: list[roll.Corrected | None] = []  # what the service found (``MemberAdded``)

    def added(member: Member) -> None:
        flash(_("已添加%(kind)s：%(name)s", kind=ROLE[member.role], name=member), "success")
        tell_foreseen("添加", signed[0])

    form = MEMBERS.form()
    held: list[d.SignedUnconfirmed] = []

    def create(data) -> Member:
        try:
            done = d.add_member(current_user, _from_page(data))
        except d.SignedUnconfirmed as refusal:
            held.append(refusal)
            raise
        signed.append(done.signed)
        return done.member

    return save_form(MEMBERS, form, None, [], create, added,
                     context=lambda: _signed_named(form, held, d.FORM_ADD_PROMISE_STALE),
                     landing=lambda member: url_for(".member_edit", record_id=member.id))


def _from_page(data: d.MemberData) -> d.MemberData:
    """The member form's data as a page posts it: ``promised`` "" when the page named
    nothing signed (None is a script's, which the service asks nothing of)."""
    return dataclasses.replace(data, promised=data.promised or "")


def _signed_named(form: MemberForm, held: list, words=d.FORM_PROMISE_STALE) -> dict:
    """The member form not saved: when its change of the roll touches 已定稿 months or
    years the page had not named (``directory.SignedUnconfirmed``, decided under the
    member's lock), the page names them — what was typed kept — and posts their key
    back as ``promised``: confirmed so, the save is made, as 更正日期's. A question,
    not a refusal: asked in the page's notice only, as 更正日期's confirmation is — no
    error on 自何日起 (nothing there to correct), so no error box nor 「错误：」 title; that
    what it names changed since the page named it is said in the notice too. Refused for
    another reason, the page names nothing and its next save decides afresh. ``words``:
    the page's own sentence for a month signed since, in its button's verb (确认保存, or
    a member being added 确认添加)."""
    if not held:
        form.promised.data = ""
        return {}
    asked = held[-1]
    if roll.FIELD in form:
        date_field = form[roll.FIELD]
        date_field.errors = [e for e in date_field.errors if e is not asked.message]
    signed, changed, moves = _signed_afresh(asked, words)
    form.promised.data = roll.change_key(signed, asked.change) \
        if asked.change is not None else asked.key
    return foreseen_names(signed, "form_") | {
        "form_changed": changed, "form_off_roll": _off_roll_units(asked.change, moves)}


def _off_roll_units(change: roll.Change | None, moves: frozenset[str]) -> dict | None:
    """The two units of a move on no roll (``roll.off_roll_move``) by name, for the
    notice's own words: it changes no roll, it moves her work on no roll (unroll53).
    ``moves``: what of hers moves — her participation, a 微心愿 she claimed alone, or
    both (review53 #2) —, read with the documents named (``roll.signed_and_moved``)."""
    if change is None or change.dated:
        return None
    was, now = q.unit_names(change.units_now)  # both in one statement
    return {"old": was, "new": now, "moves": moves}


def _signed_afresh(asked: d.SignedUnconfirmed, words):
    """What the member form's roll change touches of what was signed, read again after
    the service's rollback — not ``asked.signed``, found under the member's lock: a
    month signed there may be re-opened since (since51) —, the words said first, by
    the one rule of a naming page asked again (``named_page.said_afresh``): to a post
    from the page that named its key, what changed from it; to one asked for the first
    time, nothing, or, naming nothing now, why it is asked again —, and what of hers
    moves through her days on no roll, from the same read (``roll.signed_and_moved``)."""
    if asked.change is None:
        return asked.signed, asked.message if asked.changed else None, frozenset()
    signed, moves = roll.signed_and_moved(asked.change, local_today())
    # the plain form's button, should nothing signed be left: 添加, or 保存 (afresh52)
    then = THEN_ADD if words is d.FORM_ADD_PROMISE_STALE else THEN_EDIT
    return signed, said_afresh(roll.promised_named(asked.promised), signed,
                               words, shown=asked.changed, actor=current_user,
                               then=then), moves


def _member_for_page(record_id: int) -> Member:
    """The member with what the member page shows of her — her unit, her communities
    (a liaison's), her stays on the roll and their units, the account she was merged
    into if any — in one statement: the
    page's budget (docs/design.md, "Budgets": at most 6; count48 counted 11). Few rows:
    a liaison's communities times her stays."""
    member = db.session.get(Member, record_id, options=[
        joinedload(Member.unit), joinedload(Member.communities), joinedload(Member.merge).joinedload(MemberMerge.into),
        joinedload(Member.roll_periods).joinedload(RollPeriod.unit)])
    if member is None:
        abort(404)
    return member


@bp.route("/members/<int:record_id>/edit", methods=["GET", "POST"])
@admin_required
def member_edit(record_id: int):
    """The member form; saved over another admin's change of fields its admin left as
    the page showed them (``directory.save_member`` keeps those), the flash names them.
    Saved, the 已定稿 月报 and 年度总结 its change of the roll (a 自何日起 inside a signed
    month changes that month: a month's roll is its last day's) or of 姓名 / 党支部 (which
    signed 台账, 未参与名单 and namesakes' labels print) may change — as the service
    found them under the member's lock — are told as 更正日期 and 合并账号 tell theirs
    (``tell_foreseen``: compared by their pages, or past ``told.COMPARED_AT_MOST``
    named as what may have changed)."""
    record = _member_for_page(record_id)
    form, fixed = edit_form(MEMBERS, record)
    kept: list[str] = []
    signed: list[roll.Corrected | None] = []  # what the service found (``MemberSaved``)
    was = record.role

    def saved(member: Member) -> None:
        # the news of the save itself first, then what it implies (a role's roll kept,
        # the signed months it touches), as ``member_new`` and the member import tell theirs
        if not kept:
            flash(_("已保存%(kind)s：%(name)s", kind=MEMBERS.title, name=member), "success")
        else:
            flash(_("已保存%(kind)s：%(name)s。同时保留了他人在您打开页面之后所做的修改：%(fields)s。",
                    kind=MEMBERS.title, name=member,
                    fields=_("、").join(str(_label(form, name)) for name in kept)), "success")
        note = roll_kept_note(member.name, was, member.role, member.on_roll)
        if note:
            flash(note, "warning")
        tell_foreseen("修改", signed[0])

    refused: list[d.MemberFormRefused] = []

    held: list[d.SignedUnconfirmed] = []

    def update(data) -> None:
        try:
            done = d.save_member(record, current_user, _from_page(data))
        except d.MemberFormRefused as refusal:
            refused.append(refusal)  # the page names what refused it, nothing decided again
            raise
        except d.SignedUnconfirmed as refusal:
            held.append(refusal)  # the signed months and years it touches, named to confirm
            raise
        kept.extend(done.kept)
        signed.append(done.signed)

    return save_form(MEMBERS, form, record, fixed, update, saved,
                     context=lambda: _signed_named(form, held) | (
                         {"stale": _stale_fields(form, refused[0])} if refused else {}))


@bp.post("/members/<int:record_id>/roll-date")
@admin_required
def member_roll_date(record_id: int):
    """更正日期: the latest change of the member's roll history took effect on another
    day. Refused on the member page with what was typed. A correction that would move
    a signed month or 年度总结 (``directory.foresee_roll_correction``) is first shown on
    the member page with them named, and made when posted again with what was shown
    (``roll.corrected_key``). Done, the page names the 已定稿 months and 年度总结 whose
    page now says so (their signed documents stay as signed)."""
    member = db.get_or_404(Member, record_id)
    form = RollCorrectionForm()
    before = roll.last_change(member)
    done = None
    since: list = []
    promised = ""
    if form.validate_on_submit():
        # confirmed (the page named them), or nothing signed to name: the service checks
        # under the member's lock that what it changes is what the page named
        promised = form.promised.data or ""
        day = form.day.data
        if promised and roll.promised_day(promised) != (day.isoformat() if day else ""):
            promised = ""  # another date typed on the confirming page: named afresh
        # a page that showed another change than the latest goes to the service too,
        # which refuses it as stale: never asked to confirm a correction it cannot make
        if (promised or form.change.data != roll.shown_key(before)
                or not roll.corrected_key(d.foresee_roll_correction(member, day), day)):
            done = run_service(
                form, named_aware(since, d.correct_roll_date), member, current_user,
                form.day.data, form.reason.data, shown=form.change.data, promised=promised,
                since_off=True)
    if not done:
        # what the correction typed would change of what was signed, named before it is
        # made (for the change the page showed: another's since is refused anyway)
        foreseen = None
        if form.day.data is not None and form.change.data == roll.shown_key(
                roll.last_change(member)):
            foreseen = d.foresee_roll_correction(member, form.day.data)
        if since:
            _roll_said_afresh(form, promised, foreseen)
        form.promised.data = roll.corrected_key(foreseen, form.day.data)
        main, fixed = edit_form(MEMBERS, member, formdata=None)
        return render_page(MEMBERS, main, member, fixed, **_member_page(member, roll_form=form),
                           form_action=url_for("admin.member_edit", record_id=member.id),
                           **foreseen_names(foreseen, "roll_"))
    flash(_("已更正%(name)s的在册变动日期：%(before)s改为%(after)s。", name=member.name,
            before=before.day.isoformat(), after=form.day.data.isoformat()), "success")
    # the months and years the correction may change, found under the member's lock as
    # the page named them (``done.value``, audited); of the years, every signed one
    # between the dates is asked too, not only those foreseen (``asked_years``, found
    # under the same lock): the message is the year page's own comparison — past
    # ``told.COMPARED_AT_MOST`` all named, uncompared
    tell_foreseen("更正", done.value, done.value.asked_years)
    return redirect(url_for("admin.member_edit", record_id=member.id))


def _roll_said_afresh(form: RollCorrectionForm, promised: str, foreseen) -> None:
    """更正日期 refused for what its page named (``roll.NamedSince``): said of what the
    correction names now, ``foreseen`` afresh after the service's rollback — not what it
    found under its locks (a month signed there and re-opened since) —, by the one rule
    of a naming page asked again (``named_page.said_afresh``; since51): to a post from
    the page that named ``promised``, what changed from it; to one from the form naming
    nothing, the plain question as the first time, or, naming nothing now, why it is
    asked again."""
    # a page that named nothing posts "": the form's own, shown no naming
    said = said_afresh(roll.promised_named(promised), foreseen, d.ROLL_NAMED_SINCE,
                       shown=bool(promised), actor=current_user, then=THEN_CORRECT)
    if said:
        form.form_errors.append(said)


def _flash_released(member: Member, released: int) -> None:
    """停用 gave the member's places on tasks not started back (``set_active``)."""
    if not member.active and released:
        flash(ngettext("已释放%(n)d个未开始任务的名额。", "已释放%(n)d个未开始任务的名额。",
                       released, n=released), "info")


@bp.post("/members/<int:record_id>/active")
@admin_required
def member_toggle(record_id: int):
    member = db.session.get(Member, record_id)
    was_active = member is not None and member.active
    had_liaison = was_active and member.role == Role.liaison
    left = {c.id for c in member.communities} if had_liaison else set()
    response = toggle_view(MEMBERS, record_id, then=_flash_released)
    member = db.session.get(Member, record_id)
    # only after a 停用 that happened: a refused 重新启用 leaves her off, told nothing new
    if was_active and member is not None and not member.active:
        bare = q.communities_without_liaison(left) if left else []
        if bare:
            # nobody there creates tasks, reviews reports or hears of the waiting ones
            flash(_("以下社区已没有在用的社区联络员，请为其指定新的联络员：%(communities)s",
                    communities=q.communities_named_with_waiting(bare)), "info")
        # the liaisons' pages mark such a leader; the admin hears of it at once
        titles = q.tasks_left_leaderless(member.id)
        if titles:
            flash(_("%(name)s 是以下任务的组长，请联络员另选组长：%(tasks)s",
                    name=member.name, tasks=_("、").join(titles)), "info")
        # the need's page still names them as 认领人 (or its unit's 联系人)
        needs = q.needs_left_claimed(member.id)
        if needs:
            flash(_("%(name)s 认领（或作为单位认领的联系人）的以下需求尚未完成，"
                    "请社区联络员在需求页面取消认领，以便他人重新认领：%(needs)s",
                    name=member.name, needs=_("、").join(needs)), "info")
    return response


# --- 合并账号 ---------------------------------------------------------------------------

def _merge_page(drop: Member, keep: Member | None, form: MergeForm, kept: list | None = None,
                since: str | None = None):
    """The duplicate ``drop`` (B), the account to keep chosen or not, and — chosen — what
    would move, or why the two cannot be merged. ``form``: the confirmation, given the
    key of what this page shows (a refused post keeps its error and gets the new key);
    ``kept``: 保留的账号's choices when read with the accounts (``q.merge_accounts``);
    ``since``: the key a post refused for what its page showed posted back — the words
    said first are of this page's read, after the service's rollback
    (``merge.said_afresh``)."""
    preview = refusal = None
    if keep is not None:
        try:
            preview = merge.preview(keep, drop)
        except ServiceError as error:
            refusal = error.message
    if since is not None:
        form.form_errors.append(merge.said_afresh(since, preview, current_user))
    form.shown.data = preview.key() if preview is not None else ""
    pick = MergePickForm(drop, kept=kept)
    if keep is not None:
        pick.keep.data = str(keep.id)
    # a month or year signed in an earlier wording: its page says the wording changed,
    # not the data — named apart
    months, reworded, years, reworded_years = reworded_apart(
        preview.all_final_months if preview is not None else [],
        preview.years if preview is not None else [])
    return render_template("admin/member_merge.html", entity=MEMBERS, drop=drop, keep=keep,
                           pick=pick, preview=preview, refusal=refusal, form=form,
                           overlap_label=merge.overlap_label,
                           final_months=month_list(months), reworded_months=month_list(reworded),
                           final_years=year_list(years), reworded_years=year_list(reworded_years))


@bp.get("/members/<int:record_id>/merge")
@admin_required
def member_merge(record_id: int):
    """合并账号: pick the account to keep; the page shows what would move, nothing is
    written (the 手机号重复 page links here with both accounts chosen)."""
    keep_id = _int_arg(request.args.get("keep"))
    accounts, kept = q.merge_accounts(record_id, keep_id)
    if record_id not in accounts:
        abort(404)
    return _merge_page(accounts[record_id], accounts.get(keep_id), MergeForm(formdata=None),
                       kept)


@bp.post("/members/<int:record_id>/merge-into/<int:keep_id>")
@admin_required
def member_merge_confirm(record_id: int, keep_id: int):
    """合并账号 confirmed: all of it in one transaction, or refused on the same page."""
    drop = db.get_or_404(Member, record_id)
    keep = db.get_or_404(Member, keep_id)
    form = MergeForm()
    refused = []  # for what the page showed: said of the page read again (since51's rule)
    done = form.validate_on_submit() and run_service(
        form, named_aware(refused, merge.merge_members), keep, drop, current_user,
        shown=form.shown.data, since_off=True)
    if not done:
        return _merge_page(drop, keep, form, since=form.shown.data if refused else None)
    moved = done.value
    flash(_("已将%(drop)s（%(phone)s）合并到%(keep)s：%(count)s，服务时长%(hours)s小时。",
            drop=drop.name, phone=drop.masked_phone, keep=keep.name,
            count=ngettext("%(num)d条参与记录", "%(num)d条参与记录", moved.participations),
            hours=hours(moved.minutes)), "success")
    # as the 月报 and year pages now compare — the months and years found under the
    # accounts' locks as the confirmation page named them, and every signed year the
    # merge may touch (``final_years``) —; apart, the years foreseen signed in earlier
    # words; past ``told.COMPARED_AT_MOST`` all named, uncompared
    tell_foreseen("合并", roll.Corrected(moved.all_final_months, moved.years),
                  moved.final_years)
    return redirect(url_for("admin.member_edit", record_id=keep.id))
