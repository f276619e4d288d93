"""Progress pages: 社区共建进展, "双创"进展, 参与情况 (不漏一人), 摸排问题.

Every figure comes from ``tracker.rollups``; views only pick the scope. Liaisons
see their communities (and their own unit's coverage, whole or in their communities), admins everything, members
only their own status. A record outside the actor's reach answers 404.
"""
from __future__ import annotations

from functools import partial
from typing import Callable, NamedTuple

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from ..charts import bar_chart, trend_chart
from ..extensions import db
from ..i18n import month_name
from ..models import (Community, Finding, FindingKind, FindingStatus, Member, Role,
                      SummaryScope, Task)
from ..natural import sort_key as natural_key
from ..permissions import (
    managed_community_ids,
    manages_community,
    seen_unit_ids,
    staff_required,
)
from ..rollups import Scope
from ..rollups.batch import run
from ..rollups.cache import cached
from ..rollups.coverage import coverage as unit_coverage
from ..rollups.started import earlier_work_missing
from ..rollups.member_status import member_status
from ..rollups.figures import pending_of, per_unit
from ..reports.narrative import members_off_roll
from ..reports.queries import (
    communities_of,
    unit_month_communities_value,
    unit_year_communities_value,
)
from ..security import record_id, record_id_or_none, safe_next
from ..services import findings as finding_service
from ..services import name_problems, problems_of, summary_notes, year_notes
from ..timeutil import local_today
from ..named_page import NamedFirst, ask_first
from ..services.reopened import Then
from ..services.then_pages import THEN_FIX, THEN_HAND_OVER
from ..services.named_first import day_signed
from ..view_support import returning, run_service
from . import queries as q
from .forms import (
    FINDING_KIND,
    FINDING_STATUS,
    CoverageForm,
    DeactivateFindingForm,
    FindingFilterForm,
    FindingForm,
    FixForm,
    HandOverForm,
    PeriodForm,
)
from .periods import (Period, month_period, previous_month, quarter_period, so_far_note,
                      year_period)

bp = Blueprint("progress", __name__)

ALL = "all"
SORT_KEYS = ("name", "ads", "stairs", "found", "handed_over", "fixed", "handed_over_in",
             "fixed_in", "person_times", "members", "minutes")


@bp.record_once
def _register_labels(state) -> None:
    state.app.jinja_env.globals.update(
        FINDING_KIND=FINDING_KIND, FINDING_STATUS=FINDING_STATUS,
        period_so_far=lambda period: so_far_note(period, local_today()),
        # the pages' 参与党员 with those on no roll (社区共建进展, “双创”进展, the
        # 工作台's card: ``progress/_period.html``'s ``off_roll_note``)
        members_off_roll=members_off_roll,
    )


def _actor() -> Member:
    return current_user._get_current_object()


def _reachable_communities(actor: Member) -> list[tuple[int, str]]:
    return q.reachable_communities(managed_community_ids(actor))


def _in_reach(actor: Member, community_id: int) -> bool:
    """Whether the community is one the actor may see figures of: in their reach,
    whether it is still in use or not (an admin: any community)."""
    ids = managed_community_ids(actor)
    if ids is not None:
        return community_id in ids
    if record_id_or_none(community_id) is None:  # past the database's INTEGER
        return False
    return db.session.get(Community, community_id) is not None


def _community_choices(communities) -> list[tuple[str, str]]:
    choices = [(str(cid), name) for cid, name in communities]
    if communities:
        choices.insert(0, (ALL, _("全部社区")))
    return choices


def _period_form(actor: Member, opening=None):
    """The period form with the actor's communities: by default all of a liaison's
    together (their work, wherever it was), the first one for an admin (whose "all"
    is the whole county) — or, given ``opening`` (the communities' ids, in order →
    the one to open on, or None), the one it names, asked only when the page is opened
    without a community."""
    communities = _reachable_communities(actor)
    default = ""
    if communities:
        together = actor.role == Role.liaison and len(communities) > 1
        default = ALL if together else str(communities[0][0])
        if not together and opening is not None and "community" not in request.args:
            default = str(opening([cid for cid, _n in communities]) or communities[0][0])
    form = PeriodForm(communities=_community_choices(communities), community=default)
    if not communities:
        return form, communities, None, None
    asked = request.args.get("community", type=record_id)  # None for 全部社区 or no id
    if asked is not None and not _in_reach(actor, asked):
        # A real community the actor does not manage: as if it did not exist.
        abort(404)
    if not form.validate():
        return form, communities, None, None
    if form.community.data == ALL:
        # a liaison's 全部社区 is their reach, switched off or not: last year's figures
        # do not shrink when a community is switched off this January
        ids = managed_community_ids(actor)
        selected = None if ids is None else tuple(sorted(ids))
        name = _("全部社区")
    else:
        cid = int(form.community.data)
        selected = (cid,)
        name = dict(communities)[cid]
    return form, communities, form.result, (selected, name)


def quick_periods(period: Period | None) -> list[tuple[str, dict, bool]]:
    """Tabs for the usual choices: this month, last month, this quarter, this year, last year."""
    today = local_today()
    last_y, last_m = previous_month(today)
    quarter = (today.month - 1) // 3 + 1
    choices = [
        (_("本月"), {"period": "month", "month": f"{today.year}-{today.month:02d}"},
         month_period(today.year, today.month)),
        (_("上月"), {"period": "month", "month": f"{last_y}-{last_m:02d}"},
         month_period(last_y, last_m)),
        (_("本季度"), {"period": "quarter", "year": str(today.year), "quarter": str(quarter)},
         quarter_period(today.year, quarter)),
        (_("本年"), {"period": "year", "year": str(today.year)}, year_period(today.year)),
        # in January the year to sum up is last year's, and 本年 is a few days old
        (_("上年"), {"period": "year", "year": str(today.year - 1)}, year_period(today.year - 1)),
    ]
    return [
        (label, params, period is not None
         and (period.date_from, period.date_to) == (p.date_from, p.date_to))
        for label, params, p in choices
    ]


@bp.get("/")
@login_required
def index():
    if current_user.role == Role.member:
        return redirect(url_for(".mine"))
    return render_template("progress/index.html")


@bp.get("/community")
@staff_required
def community():
    form, communities, period, selection = _period_form(_actor())
    context = dict(form=form, communities=communities, period=period,
                   quick=quick_periods(period))
    if period is not None:
        ids, name = selection
        scope = Scope(date_from=period.date_from, date_to=period.date_to, community_ids=ids)
        single = ids is not None and len(ids) == 1
        today = local_today()
        # every figure of the page in one statement (rollups.batch), once per state
        # of the data (rollups.cache)
        figures, figures_key = cached(
            "progress.community", (scope, period.year, today),
            lambda: run(q.community_view_plan(scope, period.year, today)))
        (months, overall, by_category, items, funds, findings, needs, item_needs, start,
         off_roll) = figures
        context.update(
            # the figures' section is kept under the figures' own key (the data's state
            # included) and what else it shows: rendered again only when they change
            figures_key=figures_key and (figures_key, name, period, current_user.is_admin),
            name=name,
            single=single,
            community_id=ids[0] if single else None,
            overall=overall,
            # of 参与党员, those on no roll: said in the 月报's words, as 参与情况
            # counts none of them (walk55: 19 here, 18 there, with no word why)
            off_roll=off_roll,
            by_category=by_category,
            pending=pending_of(by_category),
            beneficiaries=per_unit(by_category, "people_served"),
            activities=per_unit(by_category, "activities"),
            items=items if single else None,
            item_totals=None if single else items,
            funds=funds,
            findings=findings.official,
            needs=needs,
            item_needs=item_needs,
            # the year's work before the app was first used is not in it yet: point to 补录
            earlier_work_missing=earlier_work_missing(period.year, start, today),
            months=months,
            trend=partial(_trend, months),
            # a period (a trend) with no activity, approved or waiting, says so in one
            # line as the 月报 does, not with an empty chart and rows of zeros
            no_activity=not any(r.official.activities or r.pending.activities
                                for r in by_category),
            no_trend=not any(m.activities or m.pending_activities for m in months),
        )
    return render_template("progress/community.html", **context)


@bp.get("/double")
@staff_required
def double():
    # opened on a community that has zones: the first by name may have none yet (the
    # admin has just added zones to others), and its page would be all zeros
    form, communities, period, selection = _period_form(_actor(), q.first_with_zones)
    sort = request.args.get("sort", "name")
    if sort not in SORT_KEYS:
        sort = "name"
    descending = request.args.get("dir") == "desc"
    context = dict(form=form, communities=communities, period=period, sort=sort,
                   descending=descending, quick=quick_periods(period))
    if period is not None:
        ids, name = selection
        by = "zone" if ids is not None and len(ids) == 1 else "community"
        scope = Scope(date_from=period.date_from, date_to=period.date_to, community_ids=ids)
        (view, off_roll), view_key = cached("progress.double", (scope, by, local_today()),
                                            lambda: run(q.double_view_plan(scope, by)))
        rows = sorted(view.rows, key=lambda r: _sort_key(r, sort), reverse=descending)
        context.update(
            # kept like 社区共建进展's section; the sorting links carry the whole query
            figures_key=view_key and (view_key, name, period, sort, descending,
                                      request.query_string),
            name=name,
            view=view,
            # of its 参与党员 (the “双创” work's), those on no roll, as 社区共建进展 says
            off_roll=off_roll,
            rows=rows,
            charts=partial(_double_charts, view, period),
        )
    return render_template("progress/double.html", **context)


# The charts are drawn by the template inside the figures' kept section, so only when
# that section is rendered: on a reload with nothing changed, drawing the county's 200
# bars twice was half the “双创” view's CPU for SVG nobody would see.


def _trend(months) -> Markup:
    return trend_chart(
        [(month_name(m.start.year, m.start.month, "abbr"), m.person_times) for m in months],
        pending=[m.pending_person_times for m in months],
        title=_("每月参与人次（%(a)s—%(b)s）", a=months[0].start.strftime("%Y-%m"),
                b=months[-1].start.strftime("%Y-%m")),
    )


def _double_charts(view, period) -> tuple[Markup, Markup]:
    """清除牛皮癣 and 粉刷楼道 per row of the view, as bar charts."""
    return (bar_chart([(r.name or _("未分责任区"), r.ads) for r in view.rows],
                      title=_("%(p)s 清除牛皮癣（处）", p=period.label)),
            bar_chart([(r.name or _("未分责任区"), r.stairs) for r in view.rows],
                      title=_("%(p)s 粉刷楼道（个）", p=period.label)))


def _sort_key(row, sort: str):
    # 「未分责任区」 (no community name either) after the zones, where the 月报's 附表
    # “责任区进展” lists it (``unzoned_last``), not first for its empty name
    place = (row.key is None, natural_key(row.community_name),
             natural_key(row.name) if row.name else "\uffff")
    if sort == "name":
        return place
    return (getattr(row, sort), *place)


MINE = "mine"  # the coverage picker's value for a liaison's communities together
NOT_READ = object()  # the month's communities were not read with the pickers


class Part(NamedTuple):
    """What the 参与情况 page counts: ``ids`` the communities (``community_ids`` of
    ``coverage_plan``; None: the whole unit), ``places`` their names (None: the whole
    unit), ``document`` the document of the period whose 参与情况 it is ("month": the
    月报, "year": the 年度总结; None: a quarter or a range, which have none), and
    ``whole_mine`` when 我联系的全部社区 is the whole unit (the liaison's document is)."""

    ids: tuple[int, ...] | None
    places: list[str] | None
    document: str | None = None
    whole_mine: bool = False


def _document(period: Period) -> str | None:
    """The document whose 参与情况 a period's figures are: a month's 月报, a year's
    年度总结; a quarter or a range of days has no document of its own."""
    return period.kind if period.kind in ("month", "year") else None


def _mine_document_value(actor: Member, every: bool):
    """For 我联系的全部社区 of a month or a year: the communities of the liaison's unit's
    period as a value the pickers' statement reads along — a month's as the 月报 page
    reads them (``unit_month_communities_value``), a year's as the 年度总结 asks them
    (``unit_year_communities_value``) —, so the page stays at its 4 statements; else
    None. The period is read from the query string here, before the page's form, which
    needs the pickers."""
    if every or request.args.get("community") != MINE:
        return None
    asked = PeriodForm()  # the period alone: no picker, no statement
    if not asked.validate() or asked.result.kind not in ("month", "year"):
        return None
    if asked.result.kind == "year":
        return unit_year_communities_value(actor.unit_id, asked.result.year)
    return unit_month_communities_value(actor.unit_id, asked.result.date_from.year,
                                        asked.result.date_from.month)


def _mine_outside(actor: Member, unit_id: int, period: Period, touched) -> list | None:
    """The communities of the unit's period beyond the liaison (their document of it is
    then a part), asked as that document asks it: ``summary_notes.outside_of`` the
    period's communities (``touched``, read with the pickers), after
    ``may_see_in_part`` — a month's as the 月报 page has them, a year's as the 年度总结
    (``year_notes.year_outside``); when they were not read with the pickers, the
    month's ``outside_reach`` or the year's ``year_outside`` reads them itself. None for
    a quarter or a range: no document."""
    if period.kind not in ("month", "year"):
        return None
    scope = SummaryScope(unit_id)
    if touched is NOT_READ or unit_id != actor.unit_id:
        if period.kind == "year":
            return year_notes.year_outside(actor, scope, period.year)
        return summary_notes.outside_reach(actor, scope, period.date_from.year,
                                           period.date_from.month)
    if not summary_notes.may_see_in_part(actor, scope):
        return []
    return summary_notes.outside_of(actor, communities_of(touched))


def _coverage_part(form: CoverageForm, communities, actor: Member, unit_id: int,
                   period: Period, touched=NOT_READ) -> Part:
    """The part of the unit the 参与情况 asked for is counted in, as the document of
    that part counts it: the whole unit (no community picked); one community (the
    unit's document in that community); or a liaison's communities together (``MINE``)
    — their part of the unit (``reach.reach_of``) when their 月报 / 年度总结 of the
    period is a part, the whole unit when it is the whole (the unit's own work lies
    wholly in their communities, review44b #1), and their part, with no document to
    agree with, for a quarter or a range."""
    picked = form.community.data
    if not picked:
        return Part(None, None, _document(period))
    if picked == MINE:
        outside = _mine_outside(actor, unit_id, period, touched)
        if outside == []:
            return Part(None, None, _document(period), whole_mine=True)
        # a liaison's picker lists every community of theirs, switched off or not: their
        # reach (``reach.reach_of``), read with the pickers, not again
        return Part(tuple(sorted(cid for cid, _n in communities)),
                    [name for _cid, name in communities], _document(period))
    cid = int(picked)
    return Part((cid,), [dict(communities)[cid]], _document(period))


@bp.get("/coverage")
@staff_required
def coverage():
    actor = _actor()
    every = seen_unit_ids(actor) is None
    # both pickers in one statement: the community one costs the page nothing
    also = _mine_document_value(actor, every)
    unit_rows, communities, touched = q.coverage_pickers(actor.id, actor.unit_id, every, also)
    if also is None:
        touched = NOT_READ
    units = [(str(uid), name) for uid, name in unit_rows]
    asked = request.args.get("unit", type=record_id)
    if asked is not None and str(asked) not in {u for u, _n in units}:
        abort(404)
    # A community outside the reader's reach (another liaison's, or none at all)
    # answers as if it did not exist (invariant 5), as on every progress page — its
    # figures are never counted, let alone shown. What is not an id at all is the
    # form's to refuse, on the page, with its message.
    community = request.args.get("community", type=record_id)
    if community is not None and community not in dict(communities):
        abort(404)
    choices = [("", _("不限社区（全单位）"))]
    if not every and len(communities) > 1:
        choices.append((MINE, _("我联系的全部社区")))
    choices += [(str(cid), name) for cid, name in communities]
    form = CoverageForm(units=units, communities=choices, unit=str(actor.unit_id),
                        community="")
    context = dict(form=form, period=None, quick=quick_periods(None))
    if form.validate():
        period = form.result
        context["quick"] = quick_periods(period)
        unit_id = int(form.unit.data)
        part = _coverage_part(form, communities, actor, unit_id, period, touched)
        context.update(
            period=period,
            unit_name=dict(units)[form.unit.data],
            places=part.places, document=part.document, whole_mine=part.whole_mine,
            # the same function, with the same communities, as the 月报 of that part
            # counts its 参与情况 with (reports.figures: coverage_plan)
            figures=unit_coverage(unit_id, period.date_from, period.date_to, part.ids),
        )
    return render_template("progress/coverage.html", **context)


@bp.get("/mine")
@login_required
def mine():
    today = local_today()
    month = month_period(today.year, today.month)
    year_from = today.replace(month=1, day=1)
    return render_template(
        "progress/mine.html",
        month=month,
        status=member_status(current_user.id, month.date_from, month.date_to),
        year_status=member_status(current_user.id, year_from, month.date_to),
        year=today.year,
    )


# --- 摸排问题 ----------------------------------------------------------------------


@bp.get("/findings")
@staff_required
def findings():
    """The register: every finding in reach, with its survey's review state, filtered
    by community, zone, kind, status, review state and month."""
    actor = _actor()
    communities = _reachable_communities(actor)
    managed = managed_community_ids(actor)
    reach = {cid for cid, _n in communities} if managed is None else managed
    community_id = request.args.get("community", type=record_id)
    # one the picker lists is in reach without asking (an admin's ``_in_reach`` reads
    # the community: count48, 7 statements); only another id is asked
    if community_id is not None and community_id not in reach \
            and not _in_reach(actor, community_id):
        abort(404)
    form = FindingFilterForm(community="", zone="", kind="", status="", review="", month="")
    form.community.choices = [("", _("全部社区"))] + [(str(c), n) for c, n in communities]
    # Zones to pick from: the chosen community's, or all of a few communities' (a
    # county has a thousand: pick a community first).
    # Each zone names its community (data-parent): in the browser the zone select
    # offers only the chosen community's (static/js/follow.js, the select's
    # data-follows); without the script, the server's drop below.
    zone_communities = [community_id] if community_id else (reach if len(reach) <= 5 else [])
    form.zone.choices = [("", _("全部责任区"))] + [
        (str(z), n if community_id else f"{c}·{n}", {"data-parent": str(cid)})
        for z, n, c, cid in q.zone_choices(zone_communities)]
    # A zone of another community than the one chosen (without the script the zone
    # select keeps its choice when only the community is changed): not this
    # community's, so the filter is dropped — and said — rather than the form refused.
    zone_dropped = bool(community_id and form.zone.data
                        and form.zone.data not in {v for v, *_n in form.zone.choices})
    if zone_dropped:
        form.zone.data = ""
    flt = q.FindingFilter(reach=None if managed_community_ids(actor) is None else reach)
    page = None
    if form.validate():
        flt.community_id = int(form.community.data) if form.community.data else None
        flt.zone_id = int(form.zone.data) if form.zone.data else None
        flt.kind = FindingKind(form.kind.data) if form.kind.data else None
        flt.status = form.status.data or None
        flt.review = form.review.data or None
        flt.month = form.month_range
        page = q.findings_page(flt, None, current_app.config["PAGE_SIZE"])
    # refused: no list at all — the register's whole total under the filters still
    # shown would read as their answer
    return render_template("progress/findings.html", form=form, page=page,
                           zone_dropped=zone_dropped)


def _task_or_404(task_id: int) -> Task:
    task = q.task_with_places(task_id)
    if task is None or not task.category.is_survey:
        abort(404)
    if not finding_service.may_record_finding(current_user, task):
        abort(404)
    return task


@bp.route("/tasks/<int:task_id>/findings", methods=["GET", "POST"])
@login_required
def task_findings(task_id: int):
    """The survey's findings, and the form the leader records a new one with.
    ``?next=``: the page it was opened from — 提交完成's form, whose 「登记摸排问题」 leads
    here while the report is being filled —, a plain path of this site only
    (``security.safe_next``), kept through the form's post; its back link leads there,
    not to the task (walk56)."""
    task = _task_or_404(task_id)
    report_form = url_for("tasks.report", task_id=task.id)
    back = safe_next(request.args.get("next"), "") or None
    here = url_for(".task_findings", task_id=task.id, next=back)
    form = FindingForm()
    if form.validate_on_submit():
        data = finding_service.FindingData(
            kind=FindingKind(form.kind.data), place=form.place.data,
            description=form.description.data)
        if run_service(form, finding_service.record_finding, task, _actor(), data):
            flash(_("已登记摸排问题。"), "success")
            return redirect(here)
    items = q.findings_of_task(task.id)
    return render_template("progress/task_findings.html", task=task, form=form, items=items,
                           refusal=finding_service.finding_refusal(task), here=here,
                           back=back, back_to_report=back == report_form)


def _finding_or_404(finding_id: int) -> Finding:
    finding = q.finding_with_places(finding_id)
    if finding is None or not manages_community(current_user, finding.community_id):
        abort(404)
    return finding


def _finding_page(finding, hand_over=None, fix=None, remove=None, status=200):
    return render_template(
        "progress/finding.html", finding=finding, steps=q.finding_steps(finding.id),
        hand_over_form=hand_over or HandOverForm(formdata=None, handed_over_on=local_today().isoformat()),
        fix_form=fix or FixForm(formdata=None, fixed_on=local_today().isoformat()),
        remove_form=remove or DeactivateFindingForm(formdata=None),
        remove_refusal=finding_service.deactivate_refusal(finding) if finding.active else None,
    ), status


@bp.get("/findings/<int:finding_id>")
@staff_required
def finding(finding_id: int):
    return _finding_page(_finding_or_404(finding_id))


class _Asked(NamedTuple):
    """A finding's step named first when an admin dates it in a 已定稿 month: the
    confirmation page's title (the step's word in its sentence too), its button, the
    step's day as typed, and what it does (``%(date)s``, ``%(month)s``)."""
    title: str
    submit: str
    day: Callable
    explain: str
    then: Then  # the words asked again, ending on ``submit`` (``then_pages``)


def _finding_action(finding_id: int, form, action, success: str, form_name: str,
                    problems=None, status=None, ask: _Asked | None = None):
    """``action(finding, form)``: the change — given ``named=`` (the naming page's
    comparison, ``NamedFirst.comparing``, for the service to make after its refusals
    under its locks) when ``ask`` names a signed month first. ``problems(finding, form)``: what the
    service would refuse of the form's fields,
    named beside the form's own refusals (one submit names every mistake).
    ``status``: the finding's state the form is offered in; a form posted from a page
    older than another's change of state goes to the service, whose refusal names the
    state — the field's own refusal would be on a form the page no longer draws.
    ``ask``: the step an admin's date in a signed month names first (figures42 #1)."""
    finding = _finding_or_404(finding_id)

    def moved_on():
        # the step the finding takes no more (deleted, or another's step since), in the
        # service's words
        return finding_service.step_refusal(finding, status) if status is not None else None

    stale = moved_on() is not None

    def refusals() -> list:
        # what the service would refuse: the finding's state first — read afresh once the
        # service rolled back (the rollback expired it): another admin's same 移交 (or
        # 整改) committed after that is said in its words, never asked a page again for a
        # step the finding no longer takes (since48's Open) — then the form's fields
        if (moved := moved_on()) is not None:
            return problems_of(moved)
        return problems(finding, form) if problems is not None else []

    def ask_step(named, since):
        # what the service would refuse is said in its words, never asked (review44 #2):
        # no page, so the post is held to naming nothing (``NamedFirst.answer``) and the
        # service compares after its refusals, under its locks — a refusal gone by then
        # names the documents afresh rather than change them unnamed (findingnamed45)
        if refusals():
            return None
        # an admin's step dated in a 已定稿 month or year: the documents it changes,
        # named before it is recorded, as 冲销's are (figures42 #1)
        day = ask.day(form)
        return ask_first(named, title=ask.title, submit=ask.submit, action=ask.title,
                         explain=ask.explain % {"date": day.isoformat(),
                                                "month": month_name(day.year, day.month)},
                         back=url_for(".finding", finding_id=finding.id), since=since)

    first = NamedFirst(lambda lock: day_signed(_actor(), finding.unit_id, finding.community_id,
                                               ask.day(form), lock=lock), ask_step,
                       then=ask.then) \
        if ask is not None else None
    if returning():  # the confirmation page's 返回: the form, as typed, nothing done
        return _finding_page(finding, **{form_name: form})
    if not stale and not form.validate_on_submit():
        if problems is not None and request.method == "POST":
            name_problems(form, problems(finding, form))
    # a stale form (the finding's state moved on) is the service's to refuse: asked
    # nothing, held to naming nothing all the same (``asks``)
    elif first is not None and (asked := first.answer(asks=not stale)) is not None:
        return asked
    # a signed month's refusal is answered by ``since`` (``since_off``): the naming page
    # again or, the pre-check refusing by then (another's change since), its refusal
    elif run_service(form, first.comparing(action) if first is not None else action,
                     finding, form, since_off=first is not None):
        flash(success, "success")
        return redirect(url_for(".finding", finding_id=finding.id))
    # (``ask_step`` declines only for ``refusals``: asked only then)
    elif first is not None and (asked := first.since(form, refusals)) is not None:
        return asked
    db.session.refresh(finding)
    return _finding_page(finding, **{form_name: form})


@bp.post("/findings/<int:finding_id>/hand-over")
@staff_required
def hand_over(finding_id: int):
    form = HandOverForm()
    return _finding_action(
        finding_id, form,
        lambda f, fm, named=None: finding_service.hand_over(
            f, _actor(), fm.handed_to.data, fm.handed_over_on.date, named=named),
        _("已登记移交。"), "hand_over",
        problems=lambda f, fm: finding_service.hand_over_problems(
            f, _actor(), fm.handed_to.data, fm.handed_over_on.date, lock=False),
        status=FindingStatus.found,
        ask=_Asked(_("登记移交"), _("确认登记移交"), lambda fm: fm.handed_over_on.date,
                   _("该问题记为%(date)s已移交，%(month)s的“双创”进展数字随之改变。"),
                   THEN_HAND_OVER))


@bp.post("/findings/<int:finding_id>/fix")
@staff_required
def fix(finding_id: int):
    form = FixForm()
    return _finding_action(
        finding_id, form,
        lambda f, fm, named=None: finding_service.mark_fixed(f, _actor(), fm.fixed_on.date,
                                                             named=named),
        _("已登记整改。"), "fix",
        problems=lambda f, fm: finding_service.fix_problems(f, _actor(), fm.fixed_on.date,
                                                            lock=False),
        status=FindingStatus.handed_over,
        ask=_Asked(_("登记整改"), _("确认登记整改"), lambda fm: fm.fixed_on.date,
                   _("该问题记为%(date)s已整改，%(month)s的“双创”进展数字随之改变。"),
                   THEN_FIX))


@bp.post("/findings/<int:finding_id>/deactivate")
@staff_required
def deactivate_finding(finding_id: int):
    form = DeactivateFindingForm()
    return _finding_action(
        finding_id, form,
        lambda f, fm: finding_service.deactivate(f, _actor(), fm.reason.data,
                                                 personal=fm.personal.data),
        _("已删除该摸排问题。"), "remove")
