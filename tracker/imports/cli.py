"""`flask --app wsgi import-members FILE [--dry-run]`."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from ..admin.told import foreseen_messages, foreseen_names
from ..ops.files import CallerPath, file_error
from ..services import ServiceError, unit_of_work
from ..services import member_import as service


@click.command("import-members")
@click.argument("path", type=CallerPath(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and print what would change; write nothing.")
@click.option("--unit", default="", metavar="NAME",
              help="The unit of every row when the file has no 单位 column (a unit's own roster).")
@with_appcontext
def import_members_command(path: Path, dry_run: bool, unit: str):
    """Import members from an .xlsx or .csv file (all or nothing; matched by phone)."""
    try:  # missing or not readable by the command's user: said so, with the path
        content = path.read_bytes()
    except OSError as error:
        raise file_error(error, path, reading=True) from None
    try:
        preview = service.parse_rows(service.read_table(path.name, content), unit=unit.strip())
    except ServiceError as error:
        raise click.ClickException(str(error.message)) from None
    if preview.error_field == "unit":  # the upload form's field is --unit here
        raise click.ClickException(_("名单中没有“单位”列（表头在第%(line)d行）。请用 --unit 指定全部计入的单位，"
                                     "或在名单中加上单位列。", line=preview.header_line))
    for message in preview.file_errors:
        raise click.ClickException(message)
    notes = service.ignored_notes(preview.header_line, preview.skipped, preview.totals,
                                  preview.second_header_line, preview.repeated_headers,
                                  preview.repeated_titles, preview.footers)
    for note in filter(None, [service.unit_note(preview.chosen_unit, preview.unit_applied),
                              *notes]):
        click.echo(note)
    preview = service.check_rows(preview.rows)
    for row in preview.error_rows:
        click.echo(_("第%(line)d行：", line=row.line) + "；".join(row.errors), err=True)
    if not preview.ok:
        raise click.ClickException(
            ngettext("有%(n)d行存在错误，未导入任何数据。请修改后重新上传。",
                     "有%(n)d行存在错误，未导入任何数据。请修改后重新上传。",
                     len(preview.error_rows), n=len(preview.error_rows)))
    for row in preview.rows:  # a merged account's number (left out), a likely duplicate
        for note in row.notes:
            click.echo(_("第%(line)d行：", line=row.line) + note)
    if preview.without_liaison:
        click.echo(_("导入后以下社区将没有在用的社区联络员，请为其指定新的联络员：%(communities)s",
                     communities=_("、").join(name for _cid, name in preview.without_liaison)))
    # the signed 月报 and 年度总结 it may change, as the page's preview names them
    signed = foreseen_names(preview.signed)
    if signed.get("months"):
        click.echo(_("导入可能改变以下已定稿月报的当前数据：%(months)s。定稿文件仍是签署时的内容；"
                     "导入后数据与定稿时不同的，月报页面会提示“定稿后数据有变化”。", months=signed["months"]))
    if signed.get("years"):
        click.echo(_("导入可能改变以下已定稿年度总结的当前数据：%(years)s。定稿文件仍是签署时的内容；"
                     "导入后数据与定稿时不同的，年度总结页面会提示“定稿后数据有变化”。", years=signed["years"]))
    if signed.get("reworded"):
        click.echo(_("导入还可能改变以下已定稿文件的当前数据：%(names)s。这些定稿文件是系统更新前的写法，"
                     "页面提示的是“写法有变化”，不会另外提示数据有变化。", names=signed["reworded"]))
    if dry_run:
        click.echo(_("检查通过（未写入）：将新增%(created)d人，更新%(updated)d人，%(same)d人无变化。",
                     created=preview.count("create"), updated=preview.count("update"),
                     same=preview.count("same")))
        return
    # no ``shown``: the command checks and imports in one go, under the members' locks,
    # with no page between for the members to change behind (a --dry-run is a run of its
    # own; the run after it checks the file again against the members as they are then)
    with unit_of_work():
        result = service.import_members(None, preview.rows)
    click.echo(_("导入完成：新增%(created)d人，更新%(updated)d人，%(same)d人无变化。",
                 created=result.created, updated=result.updated, same=result.unchanged))
    if result.merged:
        click.echo(str(service.merged_left_out(result.merged)))
    # after the write, what the page's message says (the same rule and bound): the
    # signed documents the pages' own comparisons now find changed — the set printed
    # above could be stale by the write (a 定稿 between); this one was found under the
    # members' locks
    for message in foreseen_messages("导入", result.signed):
        click.echo(message)
