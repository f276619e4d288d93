"""The create / edit / 停用 flow shared by every admin section.

Each section is described once by an ``Entity``; the explicit view functions in
``routes.py`` call ``create_view``, ``edit_view`` and ``toggle_view`` with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..extensions import db
from ..models import Member
from ..security import safe_next
from ..services.directory import offered_on_page, set_active
from ..services import name_problems
from ..services.claims import deactivate_ends
from ..view_support import (confirmed, returning, run_service, stale_aware, stale_page,
                            state_refusal)
from .forms import ActiveForm, AdminForm


@dataclass(frozen=True)
class Entity:
    key: str  # endpoint stem: "unit" → admin.units, admin.unit_new, admin.unit_edit, admin.unit_toggle
    list_key: str  # "units"
    model: type
    form: type[AdminForm]
    create: Callable  # service(actor, data) -> record
    update: Callable  # service(record, actor, data) -> None
    title: object  # what one record is called, e.g. 资源清单项目
    heading: object  # the list page's heading, e.g. 资源清单
    frozen: Callable = lambda record: ()  # fields fixed on this record: shown, not editable
    note: object = None  # a line shown above the form
    frozen_note: object = None  # why some fields are fixed
    template: str = "admin/form.html"
    # more of a record's page than its form (the member page's 更正日期), by record
    # and the form shown (the one posted, on a refusal)
    context: Callable = lambda record, form: {}
    # options of the record's read on its edit page (columns its page asks of it, read
    # with it: a checklist item's tasks, ``directory.item_tasks_load``)
    loads: Callable = lambda: ()

    @property
    def list_endpoint(self) -> str:
        return f"admin.{self.list_key}"


def _field_text(field) -> str:
    """What a field currently shows, as text (the chosen option's label for a select)."""
    choices = getattr(field, "choices", None)
    if choices is not None:
        for value, label, selected, *_ in field.iter_choices():
            if selected:
                return str(label)
        return ""
    return "" if field.data is None else str(field.data)


def save_form(entity: Entity, form, record, fixed, change, done_message,
              context: Callable[[], dict] = dict, first=None,
              landing: Callable[[object], str] | None = None):
    """Validate, run ``change`` (a service call) in one transaction, then go back to the
    list with ``done_message`` (None when it flashed its own). Not saved: the page
    again, with ``context()`` over ``entity.context``'s (what the view learnt from the
    refusal). ``first``: a ``named_page.NamedFirst`` of the change — the signed
    documents it changes named on its page before it is saved, compared by the change's
    service after its refusals, under its locks, the months' share locks last
    (``NamedFirst.compare``); its 返回 (``returning``) shows the form again as posted,
    nothing saved. ``landing(record)``: where the save leads instead of the list (a new
    member's own page: the admin finds the row she added, walk56)."""
    # the naming page's 返回 (``returning``) is not validated: the form as typed, nothing
    # saved
    if not (first is not None and returning()) and form.validate_on_submit():
        if first is not None and (asked := first.answer()) is not None:
            return asked
        # ``first``'s change compares what its page named itself, in its service under
        # its own locks (given ``named``: ``NamedFirst.compare``), its refusal kept —
        # answered by ``since``: the page again or, its pre-check refusing by then
        # (``first.problems``: another admin's change since the service's rollback),
        # that refusal on the form (``since_off``)
        done = run_service(form, first.aware(change) if first is not None else change,
                           form.to_data(),
                           since_off=first is not None and first.problems is not None)
        if done:
            record = done.value or record
            message = done_message(record)  # None: the view flashed its own, in its order
            if message:
                flash(message, "success")
            return redirect(landing(record) if landing is not None
                            else url_for(entity.list_endpoint))
        if first is not None and (asked := first.since(form)) is not None:
            return asked
    elif request.method == "POST" and hasattr(form, "service_problems"):
        # what the service would refuse of the fields the form let pass: one submit
        # names every mistake
        name_problems(form, form.service_problems(current_user))
    return render_page(entity, form, record, fixed, **context())


def render_page(entity: Entity, form, record, fixed, **context):
    """A record's form page; ``context`` replaces parts of ``entity.context``'s."""
    extra = entity.context(record, form) if record is not None else {}
    return render_template(entity.template, entity=entity, form=form, record=record,
                           fixed=fixed, **(extra | context))


def create_view(entity: Entity):
    return save_form(entity, entity.form(), None, [],
                 lambda data: entity.create(current_user, data),
                 lambda record: _("已添加%(kind)s：%(name)s", kind=entity.title, name=record))


def edit_form(entity: Entity, record, **kwargs):
    """The record's edit form, and (label, value) of the fields this record no longer
    lets change (shown, not editable). ``formdata=None``: as stored, whatever was posted."""
    # read once for the page: its key (``shown``), the fields it shows fixed and its
    # checks (``form.frozen``: ``directory.item_problems``)
    frozen = tuple(entity.frozen(record))
    form = entity.form(obj=record, record=record, frozen=frozen,
                       **entity.form.initial(record, frozen), **kwargs)
    # posted from a page that still offered the field (its ``shown`` key lists it: the
    # zone was not yet in the checklist, the item had no task when it was read): it
    # stays, and the service refuses a change of it under the field — never dropped
    # while the save says 已保存. A field the page showed fixed stays fixed.
    offered = set()
    if request.method == "POST" and kwargs.get("formdata", request.form) is not None \
            and "shown" in form:
        offered = offered_on_page(request.form.get("shown")) & set(request.form)
    fixed = []
    for name in frozen:
        if name in form and name not in offered:
            fixed.append((form[name].label.text, _field_text(form[name])))
            del form[name]
    return form, fixed


def edit_view(entity: Entity, record_id: int, named_first: Callable | None = None):
    """A record's edit form. Its page posts the fields as it showed them (``shown``):
    the service merges the post with the record under its row lock, keeping another
    admin's change of a field the page left alone (the flash names them) and refusing
    the save where both changed a field (the page shown again with what was typed and
    the other's value, ``_stale.html``). ``named_first(record, form, refused)``: the
    save's ``NamedFirst`` (``save_form``), for a record whose change a signed document
    counts, and the ``named`` its ``entity.update`` is given to compare, under its locks,
    what the page named with what the merged save changes (review46 #1); ``refused``,
    for its pre-check to add a refusal over another's change it reads after the
    service's (``shown.StaleEdit``: the page names the fields, as for the service's)."""
    record = db.session.get(entity.model, record_id, options=[*entity.loads()]) or abort(404)
    form, fixed = edit_form(entity, record)
    kept: list[str] = []
    refused: list = []
    first, named = (named_first(record, form, refused) if named_first is not None
                    else (None, None))

    def update(data) -> None:
        compared = {"named": named} if named is not None else {}
        kept.extend(stale_aware(refused, entity.update)(
            record, current_user, data, shown=form.shown.data, **compared) or ())

    def saved(record) -> str:
        if not kept:
            return _("已保存%(kind)s：%(name)s", kind=entity.title, name=record)
        return _("已保存%(kind)s：%(name)s。同时保留了他人在您打开页面之后所做的修改：%(fields)s。",
                 kind=entity.title, name=record,
                 fields=_("、").join(str(form[name].label.text) if name in form else name
                                    for name in kept))

    return save_form(entity, form, record, fixed, update, saved,
                     context=lambda: {"stale": stale_page(form, refused)},
                     first=first)


def deactivate_effects(member: Member) -> str:
    """What 停用 of ``member`` will do, naming only what will happen (walk11 #3): the
    places held, if any; the 候补名单 left, by task; the sign-out. The one wording of
    the confirmation page (``_confirm_deactivate``) and of the member page's in-page
    question (``deactivate_question``, review40 #4). One statement."""
    places, waiting = deactivate_ends(member)
    effects = []
    if places:
        effects.append(ngettext(
            "其认领的%(n)d个未开始任务的名额立即释放，如有候补，候补名单上的第一位自动转正并收到通知；",
            "其认领的%(n)d个未开始任务的名额立即释放，如有候补，候补名单上的第一位自动转正并收到通知；",
            places, n=places))
    if waiting:
        effects.append(_("其退出%(tasks)s的候补名单；",
                         tasks=_("、").join(_("“%(title)s”", title=t) for t in waiting)))
    effects.append(_("其在所有设备上的登录退出，日历订阅地址失效。"))
    # the last sentence joined as the language joins sentences, never by a space of the
    # effects' own msgstr (then55)
    return _("%(sentence)s%(next)s", sentence=_("停用后：%(effects)s", effects="".join(effects)),
             next=_("重新启用不会恢复以上任何一项。"))


def deactivate_question(member: Member) -> str | None:
    """The member page's 停用 button's in-page question (``data-confirm``, asked by
    confirm.js, which then posts it confirmed): the confirmation page's words, so a
    browser with scripts says what one without does. None for a member switched off.
    The list's buttons carry none — naming each row's places and 候补名单 would cost two
    statements a row —: their 停用 is asked by the confirmation page, scripts or not."""
    if not member.active:
        return None
    return _("确定停用%(name)s吗？%(effects)s", name=member, effects=deactivate_effects(member))


def _confirm_deactivate(member: Member, back: str):
    """停用 of a member, asked once (walk10 D3): its effects cannot be taken back by
    重新启用, so the question names them before anything is done — only those that will
    happen (``deactivate_effects``)."""
    return render_template(
        "confirm.html", title=_("停用党员账号"), subject=str(member), submit=_("确认停用"),
        action=request.full_path.rstrip("?"), hidden={"active": "0"}, back=back,
        explain=deactivate_effects(member))


def toggle_view(entity: Entity, record_id: int, then: Callable | None = None,
                named_first: Callable | None = None):
    """POST active=0 (停用) or active=1 (重新启用); back to where the button was.
    ``then(record, result)``: the section's own word after a change (``set_active``'s
    result: the activities a checklist item switched back on took over).
    ``named_first(record, active, back)``: the change's ``NamedFirst`` or None — the
    signed documents it changes named on its page first, compared by ``set_active``
    under its locks (``named``); the page's 返回 goes back, nothing done."""
    record = db.get_or_404(entity.model, record_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    active = form.active.data == "1"
    target = safe_next(request.args.get("next"), url_for(entity.list_endpoint))
    if isinstance(record, Member) and record.active and not active and not confirmed():
        return _confirm_deactivate(record, target)
    first = named_first(record, active, target) if named_first is not None else None
    if first is not None:
        if returning():
            return redirect(target)
        if (asked := first.answer()) is not None:
            return asked
    # with ``first``, the refusal is held on the form: its page is named afresh
    # (``first.since``), any other refusal flashed as before
    done = run_service(form if first is not None else None,
                       first.comparing(set_active) if first is not None else set_active,
                       record, current_user, active)
    if not done and first is not None:
        if (asked := first.since()) is not None:
            return asked
        if (refusal := state_refusal(form)) is not None:
            flash(str(refusal), "error")
    if done:
        if active:
            flash(_("已重新启用：%(name)s", name=record), "success")
        elif isinstance(record, Member):
            flash(_("已停用：%(name)s。其在所有设备上的登录已退出，日历订阅地址已失效。",
                    name=record), "success")
        else:
            flash(_("已停用：%(name)s", name=record), "success")
        if then is not None:
            then(record, done.value)
    return redirect(target)
