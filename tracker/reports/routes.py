"""月报 (monthly summary) in HTML/.docx/.xlsx/.csv, and 服务记录 (service records).

Who sees which summary:
- admins: any unit's or community's summary;
- liaisons: the summary of any community they manage (every unit's work there,
  with the same exports), and their own unit's summary limited to the communities
  they manage (its 参与情况 is their unit's, as on the coverage page);
- members: no summaries (403); they have their own service record.
A unit, community or member outside the actor's reach answers 404. Whoever may read
a summary writes its 存在问题 and 下步打算 and marks the month 已定稿 (a unit's month
from the whole unit's view only); an admin may re-open it.

A liaison who manages every community the unit's month touches sees the whole unit
(no 统计范围: the same document as an admin's); one who does not sees their part,
titled with its communities. A 已定稿 month is served as it was kept at 定稿
(``final.py``); ``current=1`` asks for the live document, titled 当前数据. Every
document kept at a 定稿 of the month — in force, or re-opened since — is listed on
the page (定稿记录) and downloadable as signed, by an admin or a liaison who manages
every community it covers (fixed at 定稿); a liaison who manages only some of a
signed month's communities sees their part of the unit, live.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup
from flask_login import current_user, login_required

from ..downloads import offer_download
from ..errors import bad_request
from ..extensions import db
from ..models import Community, Member, Role, SummaryScope, Unit
from ..paging import paginate
from ..permissions import manages_community, may_see_unit, seen_unit_ids, staff_required
from ..reach import reach_of
from ..rollups.scope import year_range
from ..rollups.batch import constant, run_together
from ..security import record_id
from ..services import summary_notes, year_notes
from ..services.summary_notes import may_write
from ..timeutil import local_today, month_bounds
from ..services.shown import StaleEdit
from ..view_support import confirmed, returning, run_service, stale_aware, stale_page
from . import annual_final, final
from .csv_export import render_csv
from .exports import render_docx, render_participations_xlsx, render_record_xlsx, render_xlsx
from .annual import annual_plan, build_annual
from .forms import (
    FUTURE_MONTH,
    FUTURE_YEAR,
    AnnualForm,
    AnnualNotesForm,
    ConfirmForm,
    MonthlyForm,
    NotesForm,
    default_year,
    is_future,
    is_future_year,
    parse_month,
    parse_year,
)
from .records import record_member, service_record, visible_members
from .queries import (
    active_units_plan,
    communities_of,
    communities_plan,
    unit_month_communities_value,
)
from .summary import build_summary, summary_plan
from .part_names import printed
from .tables import cell_text

bp = Blueprint("reports", __name__)
bp.add_app_template_global(cell_text, "cell_text")
bp.add_app_template_global(printed, "printed")

FORMATS = {
    "docx": (render_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (render_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (render_csv, "text/csv"),  # Werkzeug adds "; charset=utf-8" to text/*
}
XLSX = FORMATS["xlsx"][1]


@dataclass
class Selection:
    unit: Unit | None
    community: Community | None
    community_ids: tuple[int, ...] | None  # a liaison's part of their unit
    outside: list[Community] = field(default_factory=list)  # the unit's month beyond it

    @property
    def scope(self) -> SummaryScope:
        return SummaryScope(self.unit.id if self.unit else None,
                            self.community.id if self.community else None,
                            self.community_ids)

    def query(self, month: str | None) -> dict:
        """The query string that asks for this summary again."""
        values = {"unit": self.unit.id if self.unit else None,
                  "community": self.community.id if self.community else None, "month": month}
        return {k: v for k, v in values.items() if v}


def default_month() -> str:
    """Last month: a summary is written once the month is over."""
    today = local_today()
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    return f"{year}-{month:02d}"


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    if not raw:
        return None
    try:
        return record_id(raw)
    except ValueError:
        abort(404)


def _selection(month: tuple[int, int] | None = None, *, year: int | None = None) -> Selection:
    """The unit and/or community asked for, within the actor's reach (else 404). A
    liaison's unit is narrowed to their communities when ``month`` of the unit
    reaches beyond them (``summary_notes.outside_reach``) — or, asked for a ``year``,
    when a month of it or the year's signed document does (``year_notes.year_outside``:
    every month begun at once, one statement) — else it is the whole unit.
    Without either it is narrowed; the 月报 page finds out with the month's words
    whether the liaison covers the whole unit after all, and then widens it before its
    batch (``final.words_and_signed_copy``)."""
    actor = current_user
    unit_id, community_id = _int_arg("unit"), _int_arg("community")
    community = None
    if community_id is not None:
        community = db.session.get(Community, community_id)
        if community is None or not manages_community(actor, community.id):
            abort(404)
    unit = None
    if unit_id is not None:
        unit = db.session.get(Unit, unit_id)
        if unit is None or not may_see_unit(actor, unit.id):
            abort(404)
    elif community is None:
        unit = actor.unit
    ids, outside = None, None
    if unit is not None and community is None and actor.role != Role.admin:
        if month is not None:
            outside = summary_notes.outside_reach(actor, SummaryScope(unit.id), *month)
        elif year is not None:
            outside = year_notes.year_outside(actor, SummaryScope(unit.id), year)
        ids = None if outside == [] else reach_of(actor).community_ids
    return Selection(unit, community, ids, outside or [])


def _summary(selection: Selection, year: int, month: int):
    return build_summary(year, month, unit=selection.unit, community=selection.community,
                         community_ids=selection.community_ids)


def _month_arg() -> tuple[int, int]:
    """The month asked for (400 when it is none; a month to come has no 月报 yet: 400
    saying so, as the page's picker does)."""
    parsed = parse_month(request.args.get("month"))
    if parsed is None:
        abort(400)
    if is_future(*parsed):
        abort(make_response(bad_request(str(FUTURE_MONTH))))
    return parsed


def _current() -> bool:
    """``current=1``: the live document of a 已定稿 month instead of the kept one."""
    return request.args.get("current") == "1"


@bp.get("/")
@staff_required
def monthly():
    return _monthly_page(_selection())


def _monthly_page(selection: Selection, notes_form: NotesForm | None = None,
                  stale: list[str] | None = None):
    args = request.args.to_dict()
    args.setdefault("month", default_month())
    form = MonthlyForm(data={
        "unit": str(selection.unit.id) if selection.unit else "",
        "community": str(selection.community.id) if selection.community else "",
        "month": args["month"],
    })
    reach = reach_of(current_user)
    # the pickers' lists and the whole summary in one statement (issue 14); the form
    # checks only the month, so it is validated before its choices are known
    summary = history = constant(None)
    month, kept = None, None  # the pickers add what was switched off since but worked that month
    if form.validate():
        year, number = parse_month(form.month.data)
        month = month_bounds(year, number)
        # a liaison's unit: all of it, or a part? Learnt with the month's words and the
        # document kept at its 定稿 for this reader (one statement), so the batch asks
        # for the one it is: a part's never runs the whole unit's 参与情况 (partpage43)
        part = selection.community_ids is not None
        note, kept, touched = final.words_and_signed_copy(
            selection.scope, year, number, current_user,
            also=unit_month_communities_value(selection.unit.id, year, number) if part
            else None)
        if part:
            selection.outside = summary_notes.outside_of(current_user, communities_of(touched))
            if not selection.outside:
                selection.community_ids = None  # the whole unit: the admin's document
        history = final.history_plan(selection.scope, year, number, current_user)
        summary = summary_plan(year, number, unit=selection.unit, community=selection.community,
                               community_ids=selection.community_ids, note=note)
    units, communities, summary, history = run_together(
        active_units_plan(month) if seen_unit_ids(current_user) is None
        else constant([current_user.unit]),
        communities_plan(reach, month), summary, history)
    form.unit.choices = [("", "—")] + [(str(u.id), u.name) for u in units]
    form.community.choices = [("", "—")] + [(str(c.id), c.name) for c in communities]
    writable = summary is not None and may_write(current_user, selection.scope)
    if summary is not None and notes_form is None and writable and not summary.final:
        note = summary.note
        notes_form = NotesForm(formdata=None, problems=note.problems if note else "",
                               plans=note.plans if note else "",
                               shown=summary_notes.notes_shown_key(note))
    # a 已定稿 month: the kept document, and what differs in the live one
    signed = kept if summary is not None and summary.final else None  # final.signed_copy's
    changes, waiting = final.compare(signed, summary) if signed is not None else ([], False)
    reworded = signed is not None and final.reworded(signed)
    if summary is not None and summary.final and (signed is None or _current()):
        final.mark_current(summary)
    if signed is not None and _current():
        signed = None
    if summary is None:
        history = []
    return render_template(
        "reports/monthly.html", form=form, summary=summary, query=selection.query(form.month.data),
        fund=summary.funds if summary and signed is None else None, notes_form=notes_form,
        writable=writable, communities=communities, signed=signed, changes=changes,
        waiting=waiting, reworded=reworded, stale=stale,
        current=_current(), outside=selection.outside, history=history,
        annual_due=local_today().month in (12, 1),  # the 年度总结 is handed up then
        month_over=summary is not None and (summary.year, summary.month) < (
            local_today().year, local_today().month),
    )


@bp.get("/monthly.<any(docx, xlsx, csv):fmt>")
@staff_required
def monthly_export(fmt: str):
    month = _month_arg()
    selection = _selection(month)
    summary = _summary(selection, *month)
    signed = final.signed_copy(summary, current_user) if not _current() else None
    if signed is not None:  # 已定稿: the document as it was signed
        return _kept_download(signed, fmt, f"{signed.title}.{fmt}")
    if summary.final:
        final.mark_current(summary)
    return _document_download(summary, fmt)


def _kept_download(copy, fmt: str, filename: str):
    """A document kept at a 定稿 (a month's or a year's) in ``fmt``, as it was signed."""
    # its page: our template's escaped output, kept at 定稿
    return offer_download(
        lambda: send_file(io.BytesIO(final.copy_bytes(copy, fmt)), mimetype=FORMATS[fmt][1],
                          as_attachment=True, download_name=filename),
        filename=filename, preview="reports/_signed_document.html",
        page=Markup(copy.page))  # nosec B704


def _document_download(summary, fmt: str):
    """A document (月报 or 年度总结) in ``fmt``, offered as the house offers downloads."""
    render, mimetype = FORMATS[fmt]
    return offer_download(
        lambda: send_file(io.BytesIO(render(summary)), mimetype=mimetype, as_attachment=True,
                          download_name=summary.filename(fmt)),
        filename=summary.filename(fmt), preview="reports/_document.html", summary=summary)


@bp.get("/signed/<int:copy_id>.<any(docx, xlsx, csv):fmt>")
@staff_required
def signed_export(copy_id: int, fmt: str):
    """One document of the month's 定稿记录 as it was signed (the one in force or one
    re-opened since): for an admin or a liaison who manages every community it covers
    (fixed at 定稿, whatever the month's data is now)."""
    month = _month_arg()
    selection = _selection()
    kept = final.kept_copy(selection.scope, *month, copy_id, current_user)
    if kept is None:
        abort(404)
    copy, number = kept
    return _kept_download(copy, fmt, final.copy_filename(copy, number, fmt))


@bp.get("/participations.xlsx")
@staff_required
def participations_export():
    """The month's participations with members' phone numbers, as bulk 补录 reads them
    back: for whoever may read the summary, and not part of the 月报 handed up."""
    # the month too, as ``monthly.<fmt>``: a liaison whose communities hold all the
    # unit's work reads the whole unit's 月报, and its 参与明细 is titled as that one
    # (figures50 #3), not as their part
    month = _month_arg()
    selection = _selection(month)
    summary = _summary(selection, *month)
    filename = f"{summary.title}参与明细.xlsx"  # the file is Chinese, as the 月报 is
    return offer_download(
        lambda: send_file(io.BytesIO(render_participations_xlsx(summary)), mimetype=XLSX,
                          as_attachment=True, download_name=filename),
        filename=filename, preview="reports/_participations.html", summary=summary)


# --- 年度总结 ---------------------------------------------------------------------------


@bp.get("/annual")
@staff_required
def annual():
    """The year's summary, for whoever may read the 月报 of the same unit or community
    (the same ``_selection``: a liaison's unit is their communities' part of it, unless
    they manage every community of its year)."""
    year = parse_year(request.args.get("year", str(default_year())))
    return _annual_page(_selection(year=year if year is not None
                                   and not is_future_year(year) else None))


def _annual_page(selection: Selection, notes_form: AnnualNotesForm | None = None,
                 stale: list[str] | None = None):
    args = request.args.to_dict()
    args.setdefault("year", str(default_year()))
    form = AnnualForm(data={
        "unit": str(selection.unit.id) if selection.unit else "",
        "community": str(selection.community.id) if selection.community else "",
        "year": args["year"],
    })
    summary, history, period, kept = constant(None), constant([]), None, None
    if form.validate():
        year = parse_year(form.year.data)
        period = year_range(year)
        # people's words before the batch, in one statement: the year's, the document
        # kept at its 定稿 for this reader, and (not for a liaison's part) its signed months
        words = final.year_words(selection.scope, year, reader=current_user,
                                 months=selection.community_ids is None)
        kept = words.kept
        summary = annual_plan(year, unit=selection.unit, community=selection.community,
                              community_ids=selection.community_ids, words=words)
        # 定稿记录: a year with no words has never been signed (a copy belongs to its
        # note), so it asks for none
        if words.note is not None:
            history = annual_final.history_plan(selection.scope, year, current_user)
    units, communities, summary, history = run_together(
        active_units_plan(period) if seen_unit_ids(current_user) is None
        else constant([current_user.unit]),
        communities_plan(reach_of(current_user), period), summary, history)
    form.unit.choices = [("", "—")] + [(str(u.id), u.name) for u in units]
    form.community.choices = [("", "—")] + [(str(c.id), c.name) for c in communities]
    query = _annual_query(selection, form.year.data)
    # the year's words, written by whoever may write the 月报's, until the year is 已定稿
    writable = summary is not None and may_write(current_user, selection.scope)
    if writable and notes_form is None and not summary.final:
        note = summary.note
        notes_form = AnnualNotesForm(formdata=None, problems=note.problems if note else "",
                                     plans=note.plans if note else "",
                                     shown=summary_notes.notes_shown_key(note))
    # a 已定稿 year: the kept document, and what differs in the live one (as the 月报's)
    signed = kept if summary is not None and summary.final else None  # signed_year_copy's
    changes = final.changes(signed, summary) if signed is not None else []
    reworded = signed is not None and final.reworded(signed)
    if summary is not None and summary.final and (signed is None or _current()):
        final.mark_current(summary)
    if signed is not None and _current():
        signed = None
    return render_template(
        "reports/annual.html", history=history, form=form, summary=summary, query=query,
        monthly_query={k: v for k, v in query.items() if k != "year"},
        writable=writable, notes_form=notes_form, stale=stale, signed=signed,
        changes=changes, reworded=reworded, current=_current(), outside=selection.outside,
        year_over=summary is not None and summary.year < local_today().year)


def _annual_query(selection: Selection, year) -> dict:
    """The query string that asks for this 年度总结 again."""
    values = {"unit": selection.unit.id if selection.unit else None,
              "community": selection.community.id if selection.community else None,
              "year": year}
    return {k: v for k, v in values.items() if v}


def _year_of_document() -> int:
    """The year asked for (400 when it is none; a year to come has no summary yet)."""
    year = parse_year(request.args.get("year"))
    if year is None:
        abort(400)
    if is_future_year(year):
        abort(make_response(bad_request(str(FUTURE_YEAR))))
    return year


@bp.get("/annual.<any(docx, xlsx, csv):fmt>")
@staff_required
def annual_export(fmt: str):
    year = _year_of_document()
    selection = _selection(year=year)
    summary = build_annual(year, unit=selection.unit, community=selection.community,
                           community_ids=selection.community_ids)
    signed = annual_final.signed_year_copy(summary, current_user) if not _current() else None
    if signed is not None:  # 已定稿: the document as it was signed
        return _kept_download(signed, fmt, f"{signed.title}.{fmt}")
    if summary.final:
        final.mark_current(summary)
    return _document_download(summary, fmt)  # the 月报's exporters: any ``document.Document``


@bp.get("/annual/signed/<int:copy_id>.<any(docx, xlsx, csv):fmt>")
@staff_required
def annual_signed_export(copy_id: int, fmt: str):
    """One document of the year's 定稿记录 as it was signed (in force or re-opened
    since): for an admin or a liaison who manages every community it covers."""
    year = _year_of_document()
    kept = annual_final.kept_year_copy(_selection(year=year).scope, year, copy_id,
                                       current_user)
    if kept is None:
        abort(404)
    copy, number = kept
    return _kept_download(copy, fmt, final.copy_filename(copy, number, fmt))


@bp.post("/annual/notes")
@staff_required
def save_annual_notes():
    year = _year_of_document()
    selection = _selection(year=year)
    form = AnnualNotesForm()
    refused: list[StaleEdit] = []
    done = form.validate_on_submit() and run_service(
        form, stale_aware(refused, year_notes.save_year_notes), current_user,
        selection.scope, year, form.problems.data, form.plans.data,
        shown_words=form.shown.data)
    if done:
        if done.value:  # another's words kept where this page left them as shown
            flash(_("已保存存在问题和下步打算。同时保留了他人在您打开页面之后所做的修改：%(fields)s。",
                    fields=_("、").join(str(form[name].label.text) for name in done.value)),
                  "success")
        else:
            flash(_("已保存存在问题和下步打算。"), "success")
        return redirect(url_for(".annual", **_annual_query(selection, year)))
    # refused, or too long: what was typed stays, another's words named next to it
    return _annual_page(selection, notes_form=form, stale=stale_page(form, refused))


def _mark_year(service, done: str, form: ConfirmForm | None = None, **kwargs):
    """The year's 定稿 or 重新打开: a one-button POST, then back to the 年度总结."""
    year = _year_of_document()
    selection = _selection(year=year)
    if (form or ConfirmForm()).validate_on_submit() and run_service(
            None, service, current_user, selection.scope, year, **kwargs):
        flash(done, "success")
    return redirect(url_for(".annual", **_annual_query(selection, year)))


@bp.post("/annual/finalize")
@staff_required
def finalize_annual():
    """The year's 定稿, asked once and losing nothing typed, as the 月报's (``finalize``)."""
    year = _year_of_document()
    selection = _selection(year=year)
    form = AnnualNotesForm()
    if returning() or not form.validate_on_submit():  # 返回: the words back, nothing done
        return _annual_page(selection, notes_form=form)
    typed = _typed(form)
    query = _annual_query(selection, year)
    if not confirmed():
        if not may_write(current_user, selection.scope):
            abort(403)  # the service's answer: no question for one who may not sign
        return _confirm_final(
            form, typed, year_notes.find_year_note(selection.scope, year),
            title=_("定稿本年度总结"),
            subject=_("%(who)s%(year)d年度总结", who=_whose(selection), year=year),
            explain=_("定稿后存在问题和下步打算不能再修改，落款日期为定稿日期（%(today)s）；"
                      "下面的内容随定稿写入年度总结。如需修改，须管理员重新打开本年度总结。",
                      today=local_today().isoformat()),
            action=url_for(".finalize_annual", **query),
            save=url_for(".save_annual_notes", **query), back=url_for(".annual", **query))
    refused: list[StaleEdit] = []
    done = run_service(form, stale_aware(refused, annual_final.finalize_year_as_typed),
                       current_user, selection.scope, year, *typed,
                       shown_words=form.shown.data)
    if done or (not refused and summary_notes.typed_nothing(*typed, form.shown.data)):
        _said_final(done, form, _("本年度总结已定稿。"))
        return redirect(url_for(".annual", **query))
    return _annual_page(selection, notes_form=form, stale=stale_page(form, refused))


@bp.post("/annual/reopen")
@staff_required
def reopen_annual():
    return _mark_year(year_notes.reopen_year, _("已重新打开本年度总结，可以修改。"))


# --- 存在问题, 下步打算, 已定稿 ----------------------------------------------------------

def _back(selection: Selection):
    return redirect(url_for(".monthly", **selection.query(request.args.get("month"))))


@bp.post("/notes")
@staff_required
def save_notes():
    year, month = _month_arg()
    selection = _selection((year, month))
    form = NotesForm()
    refused: list[StaleEdit] = []
    done = form.validate_on_submit() and run_service(
        form, stale_aware(refused, summary_notes.save_notes), current_user, selection.scope,
        year, month, form.problems.data, form.plans.data, shown_words=form.shown.data)
    if done:
        if done.value:  # another's words kept where this page left them as shown
            flash(_("已保存存在问题和下步打算。同时保留了他人在您打开页面之后所做的修改：%(fields)s。",
                    fields=_("、").join(str(form[name].label.text) for name in done.value)),
                  "success")
        else:
            flash(_("已保存存在问题和下步打算。"), "success")
        return _back(selection)
    # refused over another's words: what was typed stays, theirs are named next to it
    return _monthly_page(selection, notes_form=form, stale=stale_page(form, refused))


def _mark(service, done: str, form: ConfirmForm | None = None, **kwargs):
    """定稿 or 重新打开: a one-button POST, then back to the summary."""
    year, month = _month_arg()
    selection = _selection((year, month))
    if (form or ConfirmForm()).validate_on_submit() and run_service(
            None, service, current_user, selection.scope, year, month, **kwargs):
        flash(done, "success")
    return _back(selection)


@bp.post("/finalize")
@staff_required
def finalize():
    """定稿, asked once and losing nothing typed: the button belongs to the notes form, so
    its post carries the words as typed; unconfirmed, the confirmation page shows them
    (to sign, or only to save); confirmed, they are saved with the signature
    (``final.finalize_as_typed``). Refused: the 月报 again, the words as typed."""
    year, month = _month_arg()
    selection = _selection((year, month))
    form = NotesForm()
    if returning() or not form.validate_on_submit():  # 返回: the words back, nothing done
        return _monthly_page(selection, notes_form=form)
    typed = _typed(form)
    if not confirmed():
        if not may_write(current_user, selection.scope):
            abort(403)  # the service's answer: no question for one who may not sign
        return _confirm_final(
            form, typed, summary_notes.find_note(selection.scope, year, month),
            title=_("定稿本月月报"),
            subject=_("%(who)s%(year)d年%(month)d月月报", who=_whose(selection), year=year,
                      month=month),
            explain=_("定稿后存在问题和下步打算不能再修改，落款日期为定稿日期（%(today)s）；"
                      "下面的内容随定稿写入月报。如需修改，须管理员重新打开本月月报。",
                      today=local_today().isoformat()),
            action=url_for(".finalize", **selection.query(request.args.get("month"))),
            save=url_for(".save_notes", **selection.query(request.args.get("month"))),
            back=url_for(".monthly", **selection.query(request.args.get("month"))))
    refused: list[StaleEdit] = []
    done = run_service(form, stale_aware(refused, final.finalize_as_typed), current_user,
                       selection.scope, year, month, *typed, shown_words=form.shown.data)
    if done or (not refused and summary_notes.typed_nothing(*typed, form.shown.data)):
        _said_final(done, form, _("本月月报已定稿。"))
        return _back(selection)  # signed, or nothing typed: the page read again
    return _monthly_page(selection, notes_form=form, stale=stale_page(form, refused))


def _said_final(done, form, signed: str) -> None:
    """What a 定稿 post says on the page read again: signed; or the words saved and not
    signed, another's change kept beside them (``sign_as_typed``'s list); or refused."""
    if done and isinstance(done.value, list):
        flash(_("已保存存在问题和下步打算，但未定稿：他人在您打开页面之后修改了%(fields)s，"
                "请核对后再定稿。",
                fields=_("、").join(str(form[name].label.text) for name in done.value)),
              "error")
    elif done:
        flash(signed, "success")
    else:
        for error in form.form_errors:
            flash(str(error), "error")


def _whose(selection: Selection) -> str:
    """Whose document a 定稿 signs, as the naming pages name it (``admin.told``): the
    unit's, the community's own, or the unit's in that community — a liaison seeing part
    of her unit signs the unit's (``summary_notes.may_write``), so the page must say
    which (walk45 #5)."""
    if selection.unit is not None and selection.community is not None:
        return _("%(unit)s在%(community)s", unit=selection.unit.name,
                 community=selection.community.name)
    return (selection.unit or selection.community).name


def _typed(form) -> tuple[str | None, str | None]:
    """The words a 定稿 post carries (None, None: an older page's bare button)."""
    if "problems" not in request.form and "plans" not in request.form:
        return None, None
    return form.problems.data, form.plans.data


def _confirm_final(form, typed, note, **page):
    """The confirmation page of a 定稿: the words to be signed in the notes form's own
    fields (``note``'s as stored, when the post carried none), a second button that only
    saves them (``also``) and a way back that brings them back to the form (``keeps``)."""
    if typed == (None, None):
        words = summary_notes.note_words(note)
        form.problems.data, form.plans.data = words["problems"] or "", words["plans"] or ""
    return render_template(
        "confirm.html", form=form, submit=_("确认定稿"), keeps=True,
        also={"action": page.pop("save"), "label": _("只保存，暂不定稿")}, **page)


@bp.post("/reopen")
@staff_required
def reopen():
    return _mark(summary_notes.reopen, _("已重新打开本月月报，可以修改。"))


# --- 服务记录 ---------------------------------------------------------------------------

@bp.get("/records")
@login_required
def records():
    if current_user.role == Role.member:
        return redirect(url_for(".record", member_id=current_user.id))
    search = request.args.get("q", "")[:40]
    page = paginate(visible_members(current_user, search), None,
                    current_app.config["RECORDS_PAGE_SIZE"])
    return render_template("reports/records.html", page=page, search=search)


def _record_member(member_id: int) -> Member:
    member = record_member(current_user, member_id)
    if member is None:
        abort(404)
    return member


def _year_arg() -> int:
    year = request.args.get("year", type=int)
    this_year = local_today().year
    return year if year and 2000 <= year <= this_year else this_year


@bp.get("/records/<int:member_id>")
@login_required
def record(member_id: int):
    member = _record_member(member_id)
    return render_template("reports/record.html",
                           record=service_record(member, _year_arg(), current_user))


@bp.get("/records/<int:member_id>.xlsx")
@login_required
def record_xlsx(member_id: int):
    member = _record_member(member_id)
    record = service_record(member, _year_arg(), current_user)
    filename = f"{member.name}{record.year}年服务记录.xlsx"
    return offer_download(
        lambda: send_file(io.BytesIO(render_record_xlsx(record)), mimetype=XLSX,
                          as_attachment=True, download_name=filename),
        filename=filename, preview="reports/_record_table.html", record=record)
