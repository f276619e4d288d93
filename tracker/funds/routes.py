"""共建活动经费: ledgers per unit × community × year, kept by the community's
liaison or an admin. A ledger or entry of a community out of the actor's reach answers
404, as an unknown one does (invariant 5): the answer does not tell that it exists."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..admin.told import signed_names
from ..extensions import db
from ..models import FundEntry, Task
from ..permissions import manages_community, staff_required
from ..reach import reach_of
from ..rollups import Scope
from ..rollups.batch import run_together
from ..rollups.funds import fund_figures_plan, fund_ledgers, ledgers_total
from ..security import record_id
from ..services import funds as service
from ..services import name_problems, problems_of
from ..timeutil import local_today
from ..formatting import yuan
from ..i18n import month_name
from ..named_page import KEY, NamedFirst, ask_first
from ..services.then_pages import THEN_ENTRY, THEN_REVERSE
from ..services.roll import named_key
from ..view_support import returning, run_service
from .forms import EntryForm, ReverseForm

bp = Blueprint("funds", __name__)

YEAR_MIN = service.FIRST_YEAR


def _year_arg() -> int:
    year = request.args.get("year", type=int)
    this_year = local_today().year
    return year if year and YEAR_MIN <= year <= this_year + 1 else this_year


@bp.get("/")
@staff_required
def index():
    year = _year_arg()
    unit_id = request.args.get("unit", type=record_id)
    community_id = request.args.get("community", type=record_id)
    if unit_id and community_id:
        return redirect(url_for(".ledger", unit_id=unit_id, community_id=community_id, year=year))
    reach = reach_of(current_user)
    ledgers = fund_ledgers(year, reach.ids)
    names = service.index_names(ledgers.keys(), reach)
    units, communities = names.units, names.communities
    ordered = sorted(ledgers.items(), key=lambda pair: (units[pair[0][0]].sort_key,
                                                        communities[pair[0][1]].sort_key))
    return render_template(
        "funds/index.html", year=year, ledgers=ordered, units=units, communities=communities,
        total=ledgers_total(list(ledgers.values())),
        over_count=sum(1 for fund in ledgers.values() if fund.over_budget),
        pick_units=names.pick_units, pick_communities=names.pick_communities,
        years=range(local_today().year + 1, YEAR_MIN - 1, -1),
    )


def _ledger_parts(unit_id: int, community_id: int, year: int):
    unit, community, budget = service.ledger_parts(unit_id, community_id, year)
    if (unit is None or community is None or not YEAR_MIN <= year <= local_today().year + 1
            or not manages_community(current_user, community.id)):
        abort(404)
    return unit, community, budget


def _render_ledger(unit, community, year, *, entry_form=None, reverse_form=None,
                   reverse_id=None, budget=None):
    """``budget``: the ledger's budget items as ``service.ledger_parts`` read them with
    its unit and community (None: read here)."""
    # the figures and the activities an entry may name: one statement
    figures, tasks = run_together(
        fund_figures_plan(Scope(date_from=date(year, 1, 1), date_to=date(year + 1, 1, 1),
                                unit_id=unit.id, community_ids=(community.id,)), year),
        service.linkable_tasks_plan(unit.id, community.id, year))
    if entry_form is None:
        entry_form = EntryForm(formdata=None, entry_date=min(local_today(), date(year, 12, 31)))
    entry_form.set_tasks(tasks)
    entries = service.ledger_entries(unit.id, community.id, year)
    # a signed month's (or year's) entries are an admin's to reverse: said instead of
    # a form that would be refused, as 工作台 says it instead of 通过
    closed, entry_closed = service.ledger_closed(current_user, unit.id, community.id, year,
                                                 entries)
    return render_template(
        "funds/ledger.html", unit=unit, community=community, year=year, fund=figures,
        entries=entries, closed=closed, entry_closed=entry_closed,
        named_first=service.reversals_named_first(current_user, unit.id, community.id, year),
        budget_items=(service.budget_items(unit.id, community.id, year) if budget is None
                      else budget), entry_form=entry_form,
        reverse_form=reverse_form or ReverseForm(formdata=None), reverse_id=reverse_id,
    )


def _changed(words: str, day: date) -> str:
    """A naming page's ``words`` on the month a fund entry dated ``day`` changes, and,
    before December, that every later 月报 of its year changes with it: each counts
    the year to its end (``service.entry_places``, walk45 #1)."""
    if day.month == 12:
        return words
    return _("%(words)s当年此后各月月报的年度累计和预算使用率也随之改变。", words=words)


@bp.get("/<int:unit_id>/<int:community_id>/<int:year>")
@staff_required
def ledger(unit_id: int, community_id: int, year: int):
    unit, community, budget = _ledger_parts(unit_id, community_id, year)
    return _render_ledger(unit, community, year, budget=budget)


@bp.post("/<int:unit_id>/<int:community_id>/<int:year>/entries")
@staff_required
def add_entry(unit_id: int, community_id: int, year: int):
    unit, community, _budget = _ledger_parts(unit_id, community_id, year)
    form = EntryForm()
    form.set_tasks(service.linkable_tasks(unit.id, community.id, year))

    def typed() -> dict:
        task = db.session.get(Task, form.task_id.data) if form.task_id.data else None
        return dict(entry_date=form.entry_date.data, amount_fen=form.amount.data,
                    purpose=form.purpose.data, task=task)

    def problems() -> list:
        # what the service would refuse of the fields (read only: no 定稿 waits for it)
        return service.entry_problems(current_user, unit, community, year, **typed(),
                                      lock=False)

    def ask(named, since):
        # what the service would refuse is said on the form first, never asked: no page,
        # so nothing named (``NamedFirst.answer`` holds the post to "", fundsnamed45)
        if problems():
            return None
        # an admin's entry dated in a 已定稿 month or year: the documents it changes,
        # named before it is written, as 冲销's are (figures42 #1)
        return ask_first(
            named, title=_("登记支出"), submit=_("确认登记"), action=_("登记支出"),
            subject=_("%(date)s %(amount)s元 %(purpose)s",
                      date=form.entry_date.data.isoformat(), amount=yuan(form.amount.data),
                      purpose=form.purpose.data),
            explain=_changed(_("这笔支出记在%(month)s，%(month)s的经费数字随之改变。",
                               month=month_name(form.entry_date.data.year,
                                                form.entry_date.data.month)),
                             form.entry_date.data),
            back=url_for(".ledger", unit_id=unit.id, community_id=community.id, year=year),
            since=since)

    first = NamedFirst(lambda lock: service.entry_signed(current_user, unit.id, community.id,
                                                         form.entry_date.data, lock=lock),
                       ask, then=THEN_ENTRY)
    if returning():  # the confirmation page's 返回: the ledger, the entry as typed
        return _render_ledger(unit, community, year, entry_form=form)
    if not form.validate_on_submit():
        # what the form refused, and what the service would refuse of the other fields
        name_problems(form, problems())
    elif (asked := first.answer()) is not None:
        return asked
    # compared by the service after its refusals (``comparing``): a post the pre-check
    # refused, held to naming nothing, is named afresh should that refusal be gone by
    # the service's locks, and a refusal is said in its own words — a signed month's
    # by ``since`` (``since_off``), the pre-check's when it declines the page again
    elif run_service(form, first.comparing(service.add_entry), current_user, unit, community,
                     year, **typed(), since_off=True):
        flash(_("支出已登记。"), "success")
        return redirect(url_for(".ledger", unit_id=unit.id, community_id=community.id, year=year))
    elif (asked := first.since(form, problems)) is not None:
        return asked
    return _render_ledger(unit, community, year, entry_form=form)


@bp.post("/entries/<int:entry_id>/reverse")
@staff_required
def reverse(entry_id: int):
    entry = db.session.get(FundEntry, entry_id)
    if entry is None or not manages_community(current_user, entry.community_id):
        abort(404)
    unit, community, year = entry.unit, entry.community, entry.entry_date.year
    form = ReverseForm()
    if returning():  # the confirmation page's 返回: the ledger, the reason as typed
        return _render_ledger(unit, community, year, reverse_form=form, reverse_id=entry.id)

    def ask(named, since):
        # an entry no 冲销 can take (reversed already, by another admin since the page
        # perhaps: for good) is refused at once in the service's words, never asked —
        # nor asked again for a month signed meanwhile (adoptorder46)
        if service.reversal_refusal(entry) is not None:
            return None
        # asked once, as 作废 (walk10 D10): a reversal cannot itself be reversed; the
        # reason's form on the page says a change since first (the only error it can have)
        form.form_errors[:] = [since] if since else []
        return render_template(
            "confirm.html", title=_("冲销支出"), form=form, submit=_("确认冲销"), keeps=True,
            subject=_("%(date)s %(amount)s元 %(purpose)s", date=entry.entry_date.isoformat(),
                      amount=yuan(entry.amount_fen), purpose=entry.purpose),
            action=request.path, back=url_for(".ledger", unit_id=unit.id,
                                              community_id=community.id, year=year),
            explain=_changed(_("冲销后在%(date)s记一笔 -%(amount)s 元，%(month)s的经费数字随之"
                               "改变；冲销不能撤回，冲销记录本身也不能再冲销。",
                               date=entry.entry_date.isoformat(),
                               amount=yuan(entry.amount_fen),  # the house's month: not "month 10"
                               month=month_name(entry.entry_date.year, entry.entry_date.month)),
                             entry.entry_date),
            # an admin's 冲销 in a 已定稿 month or year: the signed documents it changes,
            # posted back as named (``named_page.NamedFirst``)
            signed=signed_names(named), signed_action=_("冲销"),
            hidden={KEY: named_key(named)})

    first = NamedFirst(lambda lock: service.reversal_signed(current_user, entry, lock=lock), ask,
                       then=THEN_REVERSE)
    if form.validate_on_submit():
        if (asked := first.answer(always=True)) is not None:
            return asked
        # compared by the service after its refusals, under its locks (``comparing``);
        # a signed month's refusal answered by ``since`` (``since_off``): the page again,
        # or, an entry no 冲销 takes by then (another admin's since), that refusal
        if run_service(form, first.comparing(service.reverse_entry), current_user, entry,
                       form.reason.data, since_off=True):
            flash(_("已冲销。"), "success")
            return redirect(url_for(".ledger", unit_id=unit.id, community_id=community.id,
                                    year=year))
        if (asked := first.since(form, lambda: problems_of(service.reversal_refusal(entry)))
                ) is not None:
            return asked
    return _render_ledger(unit, community, year, reverse_form=form, reverse_id=entry.id)
