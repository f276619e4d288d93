"""`flask --app wsgi monthly-report --unit 县商务局 --month 2022-10 --format docx -o report.docx`
and `flask --app wsgi annual-report --unit 县商务局 --year 2022 --format docx -o report.docx`.

A 已定稿 month or year is written as it was kept at 定稿 (``final.py``,
``annual_final.py``); otherwise the live document, titled 当前数据 when its 定稿 has
no copy this reader may be given (as the page and the downloads do)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app, render_template
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Community, Unit
from ..ops.files import CallerPath, file_error, from_caller
from . import annual_final, final
from .annual import build_annual
from .csv_export import render_csv
from .exports import render_docx, render_xlsx
from .forms import (
    BAD_MONTH,
    BAD_YEAR,
    FUTURE_MONTH,
    FUTURE_YEAR,
    is_future,
    is_future_year,
    parse_month,
    parse_year,
)
from .summary import build_summary


def _html(summary) -> bytes:
    with current_app.test_request_context():
        return render_template("reports/standalone.html", summary=summary).encode("utf-8")


RENDERERS = {"docx": render_docx, "xlsx": render_xlsx, "csv": render_csv, "html": _html}


def _named(model, name: str):
    record = db.session.scalar(select(model).where(model.name == name.strip()))
    if record is None:
        raise click.BadParameter(_("“%(name)s”不存在。", name=name))
    return record


def _document_command(name: str, period):
    """A command writing a document: both take whose document, the period (``period``,
    a click option), its format and where to write it, and refuse them in the same words."""
    def decorate(callback):
        for option in reversed((
            click.option("--unit", "unit_name", help="Unit name, e.g. 县商务局."),
            click.option("--community", "community_name",
                         help="Community name, e.g. 解放路社区."),
            period,
            click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)),
                         default="docx", show_default=True),
            click.option("-o", "--output", type=CallerPath(dir_okay=False, path_type=Path),
                         help="File to write (default: the summary's title in this folder; "
                              "- for stdout)."),
        )):
            callback = option(callback)
        return click.command(name)(with_appcontext(callback))
    return decorate


def _require_subject(unit_name, community_name) -> None:
    if not unit_name and not community_name:
        raise click.UsageError(_("请指定 --unit 或 --community。"))


def _subjects(unit_name, community_name) -> tuple[Unit | None, Community | None]:
    return (_named(Unit, unit_name) if unit_name else None,
            _named(Community, community_name) if community_name else None)


def _write(document, signed, fmt: str, output) -> None:
    """Write the kept copy ``signed`` when there is one (the document as it was signed),
    else the live ``document`` — titled 当前数据 when it is 已定稿 all the same."""
    if signed is not None:
        with current_app.test_request_context():
            data = final.copy_bytes(signed, fmt)
        filename = f"{signed.title}.{fmt}"
    else:
        if document.final:
            final.mark_current(document)
        data, filename = RENDERERS[fmt](document), document.filename(fmt)
    if str(output) == "-":
        sys.stdout.buffer.write(data)
        return
    path = output or from_caller(filename)
    try:
        path.write_bytes(data)
    except OSError as error:
        raise file_error(error, path) from None
    click.echo(_("已生成：%(path)s", path=str(path)))


@_document_command("monthly-report", click.option("--month", required=True,
                                                   help="The month, YYYY-MM."))
def monthly_report_command(unit_name, community_name, month, fmt, output):
    """Write a unit's or a community's monthly summary (月报) as docx, xlsx, csv or html."""
    _require_subject(unit_name, community_name)
    parsed = parse_month(month)
    if parsed is None:
        raise click.BadParameter(str(BAD_MONTH), param_hint="--month")
    if is_future(*parsed):  # as the page and the downloads refuse it
        raise click.BadParameter(str(FUTURE_MONTH), param_hint="--month")
    unit, community = _subjects(unit_name, community_name)
    summary = build_summary(*parsed, unit=unit, community=community)
    _write(summary, final.signed_copy(summary), fmt, output)


@_document_command("annual-report", click.option("--year", required=True,
                                                  help="The year, YYYY."))
def annual_report_command(unit_name, community_name, year, fmt, output):
    """Write a unit's or a community's annual summary (年度总结) as docx, xlsx, csv or html."""
    _require_subject(unit_name, community_name)
    parsed = parse_year(year)
    if parsed is None:
        raise click.BadParameter(str(BAD_YEAR), param_hint="--year")
    if is_future_year(parsed):  # as the page and the downloads refuse it
        raise click.BadParameter(str(FUTURE_YEAR), param_hint="--year")
    unit, community = _subjects(unit_name, community_name)
    summary = build_annual(parsed, unit=unit, community=community)
    _write(summary, annual_final.signed_year_copy(summary), fmt, output)
