"""`flask --app wsgi monthly-report --unit 县商务局 --month 2022-10 --format docx -o report.docx`.

A 已定稿 month is written as it was kept at 定稿 (``final.py``)."""
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
from . import final
from .csv_export import render_csv
from .exports import render_docx, render_xlsx
from .forms import FUTURE_MONTH, is_future, parse_month
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


@click.command("monthly-report")
@click.option("--unit", "unit_name", help="Unit name, e.g. 县商务局.")
@click.option("--community", "community_name", help="Community name, e.g. 解放路社区.")
@click.option("--month", required=True, help="The month, YYYY-MM.")
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="docx",
              show_default=True)
@click.option("-o", "--output", type=CallerPath(dir_okay=False, path_type=Path),
              help="File to write (default: the summary's title in this folder; - for stdout).")
@with_appcontext
def monthly_report_command(unit_name, community_name, month, fmt, output):
    """Write a unit's or a community's monthly summary (月报) as docx, xlsx, csv or html."""
    if not unit_name and not community_name:
        raise click.UsageError(_("请指定 --unit 或 --community。"))
    parsed = parse_month(month)
    if parsed is None:
        raise click.BadParameter(_("月份格式不正确，请按“年-月”填写，如 2022-10。"),
                                 param_hint="--month")
    if is_future(*parsed):  # as the page and the downloads refuse it
        raise click.BadParameter(str(FUTURE_MONTH), param_hint="--month")
    unit = _named(Unit, unit_name) if unit_name else None
    community = _named(Community, community_name) if community_name else None
    summary = build_summary(*parsed, unit=unit, community=community)
    signed = final.signed_copy(summary)
    if signed is not None:  # 已定稿: the document as it was signed
        with current_app.test_request_context():
            data = final.copy_bytes(signed, fmt)
        filename = f"{signed.title}.{fmt}"
    else:
        if summary.final:
            final.mark_current(summary)
        data, filename = RENDERERS[fmt](summary), summary.filename(fmt)
    if str(output) == "-":
        sys.stdout.buffer.write(data)
        return
    path = output or from_caller(filename)
    try:
        path.write_bytes(data)
    except OSError as error:
        raise file_error(error, path) from None
    click.echo(_("已生成：%(path)s", path=str(path)))
