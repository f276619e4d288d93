"""Commands for whoever runs the server: ``create-admin``, ``backup``, ``restore``,
``sweep-uploads``, ``mend-finding-photos``."""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app, url_for
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from ..phones import normalise_phone
from ..services import ServiceError, unit_of_work
from ..services.installation import FirstAdmin, check_may_create, create_first_admin
from ..services.invitations import LIFETIME, issue_links
from ..services.passwords import check_password_strength
from ..services.photo_duplicates import mend_all, preview
from ..services.photos import sweep_uploads
from .backup import BackupError, backup, restore
from .files import CallerPath, file_error, os_user
from .schema import head_revisions, known_revisions


def public_url(path: str) -> str | None:
    """``path`` on the site's public address, or None when the address is not known
    (no PUBLIC_URL): a shell has no request to take the host from."""
    base = current_app.config.get("PUBLIC_URL")  # without its "/" (config._address)
    return base + path if base else None


def _ask_password(phone: str) -> str:
    """Typed twice without echo; a weak one is refused right after the first entry and
    asked again (not after both, ending the command)."""
    while True:
        password = click.prompt(_("密码"), hide_input=True)
        problem = check_password_strength(password, phone=normalise_phone(phone))
        if problem is not None:
            click.echo(str(problem), err=True)
            continue
        if click.prompt(_("再次输入密码"), hide_input=True) == password:
            return password
        click.echo(_("两次输入的密码不一致，请重新输入。"), err=True)


@click.command("create-admin")
@click.option("--phone", required=True, help="The admin's mobile number (11 digits): the login.")
@click.option("--name", required=True, help="The admin's name.")
@click.option("--unit", "unit_name", required=True,
              help="The admin's unit, e.g. 县商务局 (created when there is none of that name).")
@click.option("--invite", is_flag=True,
              help="Print an invitation link instead of asking for a password.")
@click.option("--force", is_flag=True,
              help="Create another admin although one exists (audited).")
@with_appcontext
def create_admin_command(phone, name, unit_name, invite, force):
    """Create the first admin (单位管理员) of an empty installation, and their unit."""
    try:
        check_may_create(phone, force=force)
        password = None if invite else _ask_password(phone)
        with unit_of_work():
            admin = create_first_admin(FirstAdmin(phone, name, unit_name), password,
                                       force=force, by=os_user())
            links = issue_links(admin, [admin]) if invite else []
            summary = _("已创建单位管理员：%(name)s（%(phone)s），单位：%(unit)s。",
                        name=admin.name, phone=admin.phone, unit=admin.unit.name)
    except ServiceError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(summary)
    for link in links:
        with current_app.test_request_context():  # a path needs no host
            path = url_for("invites.accept", token=link.token)
        url = public_url(path)
        if url is None:
            click.echo(_("未设置 PUBLIC_URL。请在浏览器中打开本系统的网址，后接以下路径（%(days)s天内有效，只能使用一次）：",
                         days=LIFETIME.days))
            click.echo(path)
        else:
            click.echo(_("激活链接（%(days)s天内有效，只能使用一次）：", days=LIFETIME.days))
            click.echo(url)


@contextmanager
def _stopping_ends_cleanly():
    """SIGTERM (systemctl stop, a shutdown, systemd's TimeoutStartSec) and SIGHUP end the
    command as an exception does: Python's default for them ends the process at once,
    and the backup's work folder — a full copy of the database — would stay on disk.
    As SystemExit, its ``with`` blocks clean up and a pg_dump child is killed
    (``subprocess.run`` kills its child on any exception)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals are the main thread's (a test calling the command in a thread)
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@click.command("backup")
@click.option("-o", "--output", required=True,
              type=CallerPath(dir_okay=False, writable=True, path_type=Path),
              help="The archive to write, e.g. /var/backups/tracker/tracker-2026-11-30.tar.gz.")
@click.option("--snapshot", "pg_snapshot", metavar="ID",
              help="PostgreSQL only: dump the state of this exported snapshot "
                   "(SELECT pg_export_snapshot() in a session that stays open).")
@with_appcontext
def backup_command(output, pg_snapshot):
    """Write one archive: a consistent copy of the database and the uploads folder."""
    try:
        with _stopping_ends_cleanly():
            manifest = backup(output, pg_snapshot=pg_snapshot)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:  # the output's folder, or an upload the user may not read
        uploads = Path(current_app.config["UPLOAD_FOLDER"]).absolute()
        reading = bool(error.filename) and uploads in Path(error.filename).absolute().parents
        raise file_error(error, output, reading=reading) from None
    click.echo(_("已备份到 %(path)s：数据库（%(db)s，版本 %(rev)s）和 %(n)s 个上传文件。",
                 path=str(output), db=manifest["database"],
                 rev=", ".join(manifest["revision"]) or "-", n=len(manifest["files"])))
    if manifest["missing_files"]:
        click.echo(ngettext("警告：有 %(n)s 个照片文件在上传目录中找不到，未能备份。",
                            "警告：有 %(n)s 个照片文件在上传目录中找不到，未能备份。",
                            len(manifest["missing_files"]),
                     n=len(manifest["missing_files"])), err=True)


@click.command("restore")
@click.argument("archive", type=CallerPath(path_type=Path))
@with_appcontext
def restore_command(archive):
    """Restore a backup archive into an empty database and an empty uploads folder."""
    try:  # "does not exist" and "cannot be read" are different fixes (copy / chown)
        with open(archive, "rb"):
            pass
    except OSError as error:
        raise file_error(error, archive, reading=True) from None
    try:
        manifest = restore(archive)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:  # the uploads folder or the database file cannot be written
        raise file_error(error, current_app.config["UPLOAD_FOLDER"]) from None
    click.echo(_("已恢复 %(created)s 的备份（数据库版本 %(rev)s，%(n)s 个上传文件）。",
                 created=manifest["created_at"], rev=", ".join(manifest["revision"]) or "-",
                 n=len(manifest["files"])))
    revisions = set(manifest["revision"])
    if revisions != head_revisions():
        if revisions <= known_revisions():
            # the admin's command on the server (docs/deploy.md); flask's elsewhere
            click.echo(_("备份来自较早的版本：请运行 tracker-flask db upgrade"
                         "（开发环境：flask --app wsgi db upgrade）。"))
        else:
            click.echo(_("备份来自较新的版本（%(rev)s），与本程序（%(head)s）不符：请先换回"
                         "写出这份备份的版本，再恢复（见 docs/deploy.md 的 Rolling back an upgrade）。",
                         rev=", ".join(sorted(revisions)),
                         head=", ".join(sorted(head_revisions()))))


@click.command("sweep-uploads")
@with_appcontext
def sweep_uploads_command():
    """Remove the photo files no record names, older than a day (left by a server that
    stopped between writing a photo and committing its record). Run daily."""
    try:
        removed = sweep_uploads()
    except OSError as error:
        raise file_error(error, current_app.config["UPLOAD_FOLDER"]) from None
    click.echo(_("已删除 %(n)s 个没有记录的照片文件。", n=len(removed)))


@click.command("mend-finding-photos")
@click.option("--apply", is_flag=True,
              help="Retire the photos and delete their files (without it: only say what "
                   "would be done).")
@with_appcontext
def mend_finding_photos_command(apply):
    """Findings that two uploads at once (before session 55) left with more than one live
    photo: keep the newest, the one the page shows, and retire the others as a new photo
    retires the one it replaces, their files deleted once each finding's change commits.
    Without --apply it only says what it would do (a one-off, run by hand: look first)."""
    mended = []
    for each in mend_all(os_user()) if apply else preview():
        mended.append(each)
        # a list as the output's language joins one (", " in English)
        retired = _("、").join(str(photo_id) for photo_id in each.retired)
        if apply:
            click.echo(_("摸排问题 %(finding)s：保留照片 %(kept)s，已停用照片 %(retired)s，"
                         "其图片文件已删除。", finding=each.finding_id, kept=each.kept,
                         retired=retired))
        else:
            click.echo(_("摸排问题 %(finding)s：将保留照片 %(kept)s（页面显示的最新一张），"
                         "停用照片 %(retired)s 并删除其图片文件。", finding=each.finding_id,
                         kept=each.kept, retired=retired))
    photos = sum(len(each.retired) for each in mended)
    if not mended:
        click.echo(_("没有摸排问题同时有多张在用照片，无需处理。"))
    elif apply:
        click.echo(_("已处理 %(n)s 个摸排问题，停用了 %(photos)s 张较早的照片。",
                     n=len(mended), photos=photos))
    else:
        click.echo(_("试运行，未做任何更改：%(n)s 个摸排问题共有 %(photos)s 张较早的照片将被停用。"
                     "确认后加 --apply 再运行一次。", n=len(mended), photos=photos))
