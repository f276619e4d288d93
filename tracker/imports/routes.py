"""Member import (admin) and bulk 补录 from the 台账 (liaison, admin): upload → preview
with row errors → import all or nothing.

The parsed rows stay on the server between the two steps, in a JSON file under
``UPLOAD_FOLDER/member-imports`` (instance/uploads by default; never served)
(``ledger-imports`` for 补录) named by a random token that only this session holds;
the cookie carries the token, never the rows. With a member import's rows, the file
keeps what its last previews showed of the file's members (``_keep_shown``): the
confirmation posts which preview it confirms and is checked against it.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import time
from pathlib import Path

from flask import (Blueprint, abort, current_app, flash, redirect, render_template,
                   send_file, session, url_for)
from flask_babel import gettext as _
from ..i18n import lazy_gettext as _l
from flask_login import current_user

from ..admin import queries as q
from ..admin.forms import MEMBER_LABELS
from ..admin.told import foreseen_names, signed_names, tell_foreseen
from ..downloads import offer_download
from ..permissions import admin_required, staff_required
from ..services import ServiceError, attach_error
from ..services import ledger_import
from ..services import member_import as service
from ..services.funds import active_units
from ..services.named_first import import_places_signed
from ..view_support import named_aware, run_service
from .forms import (
    ConfirmLedgerImportForm,
    ConfirmMemberImportForm,
    LedgerUploadForm,
    MemberUploadForm,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

bp = Blueprint("imports", __name__)

SESSION_KEY = "member_import"
LEDGER_KEY, LEDGER = "ledger_import", "ledger-imports"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
KEEP_SECONDS = 24 * 3600
PREVIEW_OK_ROWS = 100  # a preview lists every wrong row, and the first valid ones
PREVIEWS_KEPT = 3  # what the last few member previews showed (two tabs, a reload)


def _folder(kind: str = "member-imports") -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _store(filename: str, rows, kind: str = "member-imports", **extra) -> str:
    folder = _folder(kind)
    now = time.time()
    for old in folder.glob("*.json"):  # forget abandoned previews
        if now - old.stat().st_mtime > KEEP_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    payload = {"actor_id": current_user.id, "filename": filename,
               "rows": [row.raw() for row in rows], **extra}
    _save(token, payload, kind)
    return token


def _save(token: str, payload: dict, kind: str) -> None:
    """Written whole, then put in place: a preview read at the same moment reads the
    file before or after, never half of it."""
    path = _folder(kind) / f"{token}.json"
    part = path.with_name(f"{token}.{secrets.token_hex(4)}.part")
    part.write_text(json.dumps(payload, ensure_ascii=False), "utf-8")
    os.replace(part, path)


def _keep_shown(token: str, payload: dict, shown: dict) -> str:
    """Keep what a member preview showed of the file's members (``ImportPreview.shown``)
    with the rows, under its digest, which the page's confirmation posts: the import is
    checked against that page, not against a later one read in another tab."""
    digest = hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()[:32]
    kept = payload.get("shown", {})
    if digest not in kept or list(kept)[-1] != digest:
        kept.pop(digest, None)
        kept[digest] = shown
        payload["shown"] = dict(list(kept.items())[-PREVIEWS_KEPT:])
        _save(token, payload, "member-imports")
    return digest


# the key a 确认导入 refused for what its preview named posted (``ASKED_AGAIN``): kept
# with the rows for the preview read next, which says what changed of its own read
ASKED_AGAIN = "asked_again"


def _asked_again(token: str, payload: dict, kind: str) -> str | None:
    """The key 确认导入 posted, refused for what the preview named, taken from the stored
    upload (once: a reload of the preview says nothing more), or None. The preview's
    words are of what it names now, read after the import's rollback — not of what the
    import found under its locks and rolled back (stale52, as since51's)."""
    if ASKED_AGAIN not in payload:
        return None
    promised = payload.pop(ASKED_AGAIN)
    _save(token, payload, kind)
    return promised


def _say_asked_again(promised: str | None, words) -> None:
    """The words a preview read again says first (``member_import.said_afresh``), when
    a refused 确认导入 led here."""
    if promised is not None:
        flash(str(words()), "error")


def _load(token: str, kind: str = "member-imports", key: str = SESSION_KEY) -> dict:
    """The stored upload, only for the member (and session) that made it; else 404."""
    if not TOKEN_RE.match(token) or session.get(key) != token:
        abort(404)
    path = _folder(kind) / f"{token}.json"
    if not path.exists():
        abort(404)
    payload = json.loads(path.read_text("utf-8"))
    if payload.get("actor_id") != current_user.id:
        abort(404)
    return payload


# The rows of an upload that its reading left out (``member_import.ImportPreview``, the
# 台账's too), kept with its rows for the preview's notes.
LEFT_OUT = ("header_line", "second_header_line", "skipped", "totals", "repeated_headers",
            "repeated_titles", "footers")


def _left_out(preview) -> dict:
    return {key: getattr(preview, key) for key in LEFT_OUT}


def _ignored_notes(payload: dict) -> list[str]:
    """What a preview (member list or 台账) says of the rows the upload left out."""
    return service.ignored_notes(payload.get("header_line", 1), payload.get("skipped", []),
                                 payload.get("totals", []), payload.get("second_header_line"),
                                 payload.get("repeated_headers", []),
                                 payload.get("repeated_titles", []),
                                 payload.get("footers", []))


def _template_download(make, filename: str, headers, notes):
    """An empty import sheet; inside WeChat, its columns and notes on a page."""
    return offer_download(
        lambda: send_file(io.BytesIO(make()), mimetype=XLSX, as_attachment=True,
                          download_name=filename),
        filename=filename, preview="downloads/_template_preview.html", headers=headers,
        notes=notes)


@bp.get("/members/template.xlsx")
@admin_required
def member_template():
    return _template_download(
        lambda: service.template_xlsx([u.name for u in active_units()]), "党员导入模板.xlsx",
        service.TEMPLATE_HEADERS, service.TEMPLATE_NOTES)


@bp.route("/members", methods=["GET", "POST"])
@admin_required
def members():
    units = active_units()
    form = MemberUploadForm(units=units)
    file_errors = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            table = service.read_table(upload.filename or "", upload.read())
        except ServiceError as error:
            attach_error(form, error)
        else:
            preview = service.parse_rows(table, unit=form.chosen_unit(units))
            if preview.error_field:  # no 单位 column and no unit chosen: that field's
                for message in preview.file_errors:
                    attach_error(form, ServiceError(message, field=preview.error_field))
            else:
                file_errors = preview.file_errors
            if not preview.file_errors:
                # the rows carry the chosen unit: the confirmation imports them as shown
                token = _store(upload.filename or "", preview.rows, **_left_out(preview),
                               chosen_unit=preview.chosen_unit,
                               unit_applied=preview.unit_applied)
                session[SESSION_KEY] = token
                return redirect(url_for(".preview", token=token))
    return render_template("imports/members.html", form=form, file_errors=file_errors)


@bp.get("/members/<token>")
@admin_required
def preview(token: str):
    payload = _load(token)
    asked = _asked_again(token, payload, "member-imports")
    result = service.check_rows(service.rows_from_raw(payload["rows"]), current_user)
    if result.ok:  # else its wrong rows say why nothing can be imported now
        _say_asked_again(asked, lambda: service.said_afresh(asked, result.signed,
                                                            current_user))
    # the rows an import changes come first: a role or a unit moved is seen, not row 1,500
    ok = sorted((r for r in result.rows if not r.errors),
                key=lambda r: (r.action != "update" and not r.notes, r.line))[:PREVIEW_OK_ROWS]
    shown = result.error_rows + sorted(ok, key=lambda r: r.line)
    notes = _ignored_notes(payload)
    unit_note = service.unit_note(payload.get("chosen_unit", ""),
                                  payload.get("unit_applied", False))
    notes = [unit_note, *notes] if unit_note else notes
    bare = (q.communities_named_with_waiting(result.without_liaison)
            if result.without_liaison else "")
    form = ConfirmMemberImportForm(formdata=None)
    form.shown.data = _keep_shown(token, payload, result.shown)
    # the 已定稿 月报 and 年度总结 the import may change, named before 确认导入, which
    # posts their key back: the import finds them again, and asks again if they changed
    form.promised.data = result.promise
    # the list it digests, for the words should 确认导入 be refused (``asked_key``)
    form.listed.data = service.listed_key(result.signed)
    return render_template("imports/preview.html", token=token, preview=result, shown=shown,
                           merged_left_out=service.merged_left_out,
                           filename=payload["filename"], form=form,
                           ok_rows_cut=PREVIEW_OK_ROWS, notes=notes, bare=bare,
                           signed=foreseen_names(result.signed))


@bp.post("/members/<token>")
@admin_required
def confirm(token: str):
    """The import, checked against the preview the page showed (``shown``, the digest
    of what it showed; a post naming none is checked against the last preview read):
    refused whole when a member of the file changed since, on a page that says who and
    how and offers the preview read again (the file is kept); and refused whole when
    the 已定稿 月报 and 年度总结 it may change are not those the preview named
    (``promised``; "" for none), back on the preview, which names them afresh."""
    payload = _load(token)
    form = ConfirmMemberImportForm()
    if not form.validate_on_submit():
        abort(400)
    kept = payload.get("shown") or {}
    digest = form.shown.data or (list(kept)[-1] if kept else None)
    if digest and digest not in kept:  # its preview is no longer kept: many read since
        flash(_("该预览已过期，请查看重新预览的结果后再确认导入。"), "error")
        return redirect(url_for(".preview", token=token))
    changed, named = [], []

    def run(*args, **kwargs):
        try:
            return service.import_members(*args, **kwargs)
        except service.ChangedSincePreview as refused:
            changed.extend(refused.rows)
            raise

    # refused for what the preview named: the preview read again says so, of its read
    done = run_service(None, named_aware(named, run), current_user,
                       service.rows_from_raw(payload["rows"]),
                       shown=kept[digest] if digest else None,
                       promised=form.promised.data or "", since_off=True)
    if changed:
        return render_template("imports/changed.html", token=token, changed=changed,
                               lines=_changed_lines(changed), filename=payload["filename"])
    if not done:
        if named:
            _save(token, {**payload, ASKED_AGAIN: service.asked_key(
                form.promised.data or "", form.listed.data)}, "member-imports")
        return redirect(url_for(".preview", token=token))
    result = done.value
    (_folder() / f"{token}.json").unlink(missing_ok=True)
    session.pop(SESSION_KEY, None)
    flash(_("导入完成：新增%(created)d人，更新%(updated)d人，%(same)d人无变化。",
            created=result.created, updated=result.updated, same=result.unchanged), "success")
    if result.merged:
        flash(service.merged_left_out(result.merged), "info")
    if result.without_liaison:  # as when a liaison is switched off on the member form
        flash(_("以下社区已没有在用的社区联络员，请为其指定新的联络员：%(communities)s",
                communities=q.communities_named_with_waiting(result.without_liaison)), "info")
    # as after the member form: the signed months and years its 自何日起 changed, and
    # those that print a 姓名 or 党支部 it changed — the set the preview named and this
    # post confirmed; past ``COMPARED_AT_MOST`` named as "may have changed", uncompared
    # (a roster renaming most rows names every signed month of their units: compared
    # here, one rebuild each, a county's import passed the worker's timeout)
    tell_foreseen("导入", result.signed)
    return redirect(url_for(".members"))


def _changed_lines(changed) -> list[str]:
    """What changed of each refused row's member, a line each (as the member form's
    refused page says it: as the preview showed it and as it is now, each field named
    as the member form names it)."""
    labels = MEMBER_LABELS | {"active": _l("账号状态"), "roll": _l("在册记录的最近变动")}
    lines = []
    for row in changed:
        parts = [q.shown_change_line(str(labels.get(c.field, c.field)), c, _("预览时"))
                 for c in row.changes]
        if row.member is None and row.holder is not None:
            parts.append(_("预览时该手机号尚未登记，现已是“%(name)s”（%(unit)s）的手机号",
                           name=row.holder.name, unit=row.holder.unit.name))
        elif row.holder is not None:
            parts.append(_("该手机号现为“%(name)s”（%(unit)s）所用", name=row.holder.name,
                           unit=row.holder.unit.name))
        elif row.member is None or not parts:
            parts.append(_("预览时显示的党员信息已无法核对，请重新预览"))
        lines.append((row, parts))
    return lines


# --- bulk 补录 from the 台账's 「参与明细」 sheet ------------------------------------------------

def _checked(rows) -> list[dict]:
    return [{"errors": row.errors, "action": row.action, "voided": row.voided,
             "off_checklist": row.off_checklist} for row in rows]


def _ledger_rows(payload: dict):
    """The stored rows with what their last check found."""
    rows = ledger_import.rows_from_raw(payload["rows"])
    for row, checked in zip(rows, payload["checked"]):
        row.errors, row.action = checked["errors"], checked["action"]
        row.voided = checked.get("voided", "")
        row.off_checklist = checked.get("off_checklist", "")
    return rows


@bp.get("/ledger/template.xlsx")
@staff_required
def ledger_template():
    return _template_download(ledger_import.template_xlsx, "补录模板.xlsx",
                              ledger_import.HEADERS, ledger_import.TEMPLATE_NOTES)


@bp.route("/ledger", methods=["GET", "POST"])
@staff_required
def ledger():
    """Upload: the rows are read and checked (the check writes nothing), then kept
    with what it found for the preview."""
    form = LedgerUploadForm()
    file_errors = []
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        try:
            read = ledger_import.read_ledger(upload.filename or "", data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            file_errors = read.file_errors
            checked = not file_errors and run_service(form, ledger_import.check_ledger,
                                                      current_user, read.rows)
            if checked:
                # for an admin, the months its activities count in: the preview names
                # the signed 月报 and 年度总结 among them as it is read
                token = _store(upload.filename or "", read.rows, LEDGER,
                               checked=_checked(read.rows), places=checked.value.places,
                               sha256=ledger_import.file_digest(data), **_left_out(read))
                session[LEDGER_KEY] = token
                return redirect(url_for(".ledger_preview", token=token))
    return render_template("imports/ledger.html", form=form, file_errors=file_errors)


@bp.get("/ledger/<token>")
@staff_required
def ledger_preview(token: str):
    payload = _load(token, LEDGER, LEDGER_KEY)
    asked = _asked_again(token, payload, LEDGER)
    result = ledger_import.LedgerPreview(_ledger_rows(payload))
    # every row that is not imported says why: errors, then an activity 作废'd in the
    # system; then the rows recorded on another year's checklist item, which say so
    warned = result.off_checklist_rows
    shown = result.error_rows + result.voided_rows + warned + [
        r for r in result.rows if not r.errors and r.action != "voided"
        and not r.off_checklist][:PREVIEW_OK_ROWS]
    notes = _ignored_notes(payload)
    # an admin's rows dated in 已定稿 months: the signed 月报 and 年度总结 the import
    # changes, named before 确认导入 — one statement for the whole file —, which posts
    # back their key (the member import's): the import asks again, and comes back here
    # if they changed
    named = import_places_signed(current_user, payload.get("places") or []) \
        if result.ok else None
    if result.ok:  # a refused 确认导入: what changed, of this read (as the member import's)
        _say_asked_again(asked, lambda: service.said_afresh(asked, named, current_user))
    form = ConfirmLedgerImportForm(formdata=None)
    form.named.data = service.signed_promise(named)
    form.listed.data = service.listed_key(named)
    return render_template("imports/ledger_preview.html", token=token, preview=result,
                           shown=shown, filename=payload["filename"], form=form,
                           ok_rows_cut=PREVIEW_OK_ROWS, notes=notes,
                           signed=signed_names(named))


@bp.post("/ledger/<token>")
@staff_required
def ledger_confirm(token: str):
    """The import, all or nothing; refused whole, back on the preview, when a row is
    wrong today (the rows say why) or when the 已定稿 月报 and 年度总结 it changes are
    not those the preview named (``named``; "" for none: a month signed since), which
    the preview then names afresh."""
    payload = _load(token, LEDGER, LEDGER_KEY)
    form = ConfirmLedgerImportForm()
    if not form.validate_on_submit():
        abort(400)
    rows = ledger_import.rows_from_raw(payload["rows"])
    places = payload.get("places") or []
    named = []

    def run(*args, **kwargs):
        nonlocal places
        try:
            return ledger_import.import_ledger(*args, **kwargs)
        except ledger_import.SignedChangedSinceLedgerPreview as refused:
            places = refused.places  # the months it counts in: the preview names them afresh
            raise

    done = run_service(None, named_aware(named, run), current_user, rows,
                       filename=payload["filename"], sha256=payload.get("sha256"),
                       promised=form.named.data or "", since_off=True)
    if not done:  # the rows now say what is wrong today
        asked = {ASKED_AGAIN: service.asked_key(form.named.data or "", form.listed.data)} \
            if named else {}
        _save(token, {**payload, "checked": _checked(rows), "places": places, **asked}, LEDGER)
        return redirect(url_for(".ledger_preview", token=token))
    result = done.value
    (_folder(LEDGER) / f"{token}.json").unlink(missing_ok=True)
    session.pop(LEDGER_KEY, None)
    message = _("导入完成：补录活动%(n)d次、参与记录%(p)d条；%(s)d条已存在，已跳过。",
                n=result.activities, p=result.participations, s=result.skipped)
    if result.voided:
        # a sentence of its own, joined as the language joins sentences (words53's rule:
        # no msgstr starts with a space to be glued on)
        message = _("%(sentence)s%(next)s", sentence=message,
                    next=_("%(v)d条属于已作废的活动，未再次录入。", v=result.voided))
    flash(message, "success")
    return redirect(url_for(".ledger"))
