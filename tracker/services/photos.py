"""现场照片: optional photos on a task's report (a few) and on a finding (one).

Photos are never required (docs/design.md, invariant 6): one good group photo is enough,
and the cap keeps the report from turning into a screenshot album.
"""
from __future__ import annotations

import json
import logging
import os
import re
import secrets
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from ..i18n import lazy_gettext as _l
from sqlalchemy import event, func, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql.selectable import ScalarSelect

from ..extensions import db
from ..images import ImageRejected, process_image
from ..models import HOLDING, Assignment, Member, Need, Photo, Task, TaskStatus
from ..models.findings import Finding
from ..permissions import may_report
from ..sql_json import json_rows
from ..timeutil import utcnow
from . import PermissionDenied, ServiceError
from .audit import record
from .checkin import window_opens

MAX_PHOTOS_PER_TASK = 9
_NAME = re.compile(r"^[0-9a-f]{32}$")
_FILE = re.compile(r"^([0-9a-f]{32})(?:_t)?\.jpg$")  # an image and its thumbnail
log = logging.getLogger(__name__)

# Every column that holds the name of an image written by ``store_image``: a report's or
# a finding's photo, a 微心愿's completion photo. The backup keeps exactly the files these
# name (tracker/ops/backup.py); a new owner of a stored image is added here. A removed
# photo's row keeps its name (its history), but not its image: its files are deleted
# (``remove_photo``), so only a live photo owns one.
IMAGE_OWNERS = (Photo.stored_name, Need.fulfil_photo)


def stored_image_names(conn: Connection) -> set[str]:
    """The name of every stored image any record holds, as ``conn`` sees the database
    (a backup's snapshot or copy). An owner the database's schema does not have yet (an
    older release's backup) holds none."""
    inspector = inspect(conn)
    tables = set(inspector.get_table_names())
    names: set[str] = set()
    for column in IMAGE_OWNERS:
        table = column.property.parent.local_table.name
        if table not in tables or column.key not in {c["name"] for c in inspector.get_columns(table)}:
            continue
        live = [Photo.active.is_(True)] if column is Photo.stored_name else []
        names.update(conn.scalars(select(column).where(column.is_not(None), *live)))
    return names


# --- files written in a transaction that did not commit ----------------------------------
# ``store_image`` writes at once, before its row is committed: when the transaction ends
# without a commit (a refusal's rollback, a COMMIT the database did not take — a restart,
# a failover, a constraint checked at commit), the files go too, so no photo stays on disk
# that no record names (never shown, never backed up, never erased). A crash between the
# write and the commit leaves them: ``sweep_uploads`` (flask sweep-uploads) removes those.

_WRITTEN = "uncommitted_image_files"


# The other way round, a file whose record lets go of it (an erasure blanking a 微心愿's
# photo) goes only when that change commits: a refused or rolled-back erasure keeps the
# record and its photo together (``remove_image_on_commit``).
_RELEASED = "released_image_files"


@event.listens_for(Session, "after_commit")
def _keep_committed_files(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    for path in session.info.pop(_RELEASED, ()):
        with suppress(OSError):
            path.unlink(missing_ok=True)


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted_files(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return  # a savepoint: the transaction around it decides
    session.info.pop(_RELEASED, None)  # not committed: the record still names them
    for path in session.info.pop(_WRITTEN, ()):
        with suppress(OSError):
            path.unlink(missing_ok=True)


def sweep_uploads(older_than_hours: float = 24) -> list[str]:
    """Remove the image files under uploads/photos that no record names and that are
    older than ``older_than_hours`` (a younger one may belong to a transaction still
    running); returns the names of the files removed."""
    folder = _folder()
    if not folder.is_dir():
        return []
    names = stored_image_names(db.session.connection())
    db.session.rollback()  # no transaction stays open while the folder is walked
    cutoff = time.time() - older_than_hours * 3600
    removed = []
    for path in sorted(folder.iterdir()):
        match = _FILE.match(path.name)
        if match is None or match.group(1) in names or not path.is_file():
            continue
        with suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path.name)
    return removed


def may_view_photos(member: Member, task: Task, *, holding: bool | None = None) -> bool:
    """Who may see a task's report photos: its participants, leader, liaison, admins.
    ``holding``: whether ``member`` holds a place on the task, as a page that read her
    row already knows it (None: asked here)."""
    if may_report(member, task):
        return True
    if holding is not None:
        return holding
    return db.session.scalar(
        select(Assignment.id).where(Assignment.task_id == task.id,
                                    Assignment.member_id == member.id,
                                    Assignment.status.in_(HOLDING))
    ) is not None


def may_add_photos(member: Member, task: Task) -> bool:
    return may_report(member, task)


def _report_photo(task_id):
    """A live photo of the report of the task ``task_id`` (a value or a column); finding
    photos are shown with their finding."""
    return (Photo.task_id == task_id, Photo.active.is_(True), Photo.finding_id.is_(None))


def has_report_photo(task_id):
    """Whether the task ``task_id`` (a value or a column) has a live report photo, as
    an EXISTS of the enclosing statement (``Task.has_report_photo``): ``task_photos``
    asked only whether it holds any."""
    return select(Photo.id).where(*_report_photo(task_id)).exists()


def report_photo_count(task_id):
    """How many live report photos the task ``task_id`` (a column of the enclosing
    statement) has, as one value of that statement (``Task.report_photos``)."""
    return select(func.count(Photo.id)).where(*_report_photo(task_id)).scalar_subquery()


def holds_report_photo(task: Task) -> bool:
    """Whether ``task``'s report has a live photo: as read with the task
    (``Task.has_report_photo``), else asked — the EXISTS alone, not the rows."""
    if task.has_report_photo is not None:
        return task.has_report_photo
    return bool(db.session.scalar(select(has_report_photo(task.id))))


def task_photos(task: Task) -> list[Photo]:
    """The report's live photos, in the order they were added."""
    return list(db.session.scalars(
        select(Photo).where(*_report_photo(task.id)).order_by(Photo.id)
    ))


@dataclass(frozen=True)
class ShownPhoto:
    """A report photo as its thumbnail is shown: its id (``report_photo_ids``)."""

    id: int


def report_photo_ids(task_id) -> ScalarSelect:
    """``task_photos`` of the task ``task_id`` (a column of the enclosing statement) as
    one value of that statement (``sql_json``): a report's page reads its photos with
    the report, not in a statement of their own. ``shown_photos`` reads it."""
    return select(json_rows(Photo.id)).where(*_report_photo(task_id)).scalar_subquery()


def shown_photos(value: str | None) -> list[ShownPhoto]:
    """The photos of a ``report_photo_ids`` value, in the order they were added (by id,
    as ``task_photos``; the aggregate keeps no order)."""
    # SQLite's aggregate of no rows is ``[]``, PostgreSQL's NULL
    return [ShownPhoto(photo_id) for photo_id in sorted(row[0] for row in json.loads(value or "[]"))]


def finding_photo(finding: Finding) -> Photo | None:
    """The finding's photo: its live one, the newest should a database hold more than
    one (two uploads at once could leave two before ``set_finding_photo`` held the
    finding, photo55) — the same one on every read, the one a replacement replaced last."""
    return db.session.scalar(
        select(Photo).where(Photo.finding_id == finding.id, Photo.active.is_(True))
        .order_by(Photo.id.desc()).limit(1)
    )


def photo_path(photo: Photo, thumb: bool = False) -> Path:
    return image_path(photo.stored_name, thumb)


def _folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "photos"


def _check_task_open_for_photos(task: Task) -> None:
    if task.status == TaskStatus.cancelled:
        raise ServiceError(_l("该任务已取消，不能上传照片。"))
    if utcnow() < window_opens(task):
        raise ServiceError(_l("活动开始后才能上传现场照片。"))
    if task.report_approved:
        raise ServiceError(_l("该任务的完成情况已审核通过，不能再修改照片。"))


def add_task_photo(task: Task, actor: Member, data: bytes) -> Photo:
    """Attach one photo to the task's report (the leader or the liaison)."""
    if not may_add_photos(actor, task):
        raise PermissionDenied(_l("只有组长或联络员可以上传现场照片。"))
    _check_task_open_for_photos(task)
    count = db.session.scalar(
        select(func.count()).select_from(Photo).where(
            Photo.task_id == task.id, Photo.active.is_(True), Photo.finding_id.is_(None))
    )
    if count >= MAX_PHOTOS_PER_TASK:
        raise ServiceError(
            _l("每个任务最多%(n)s张照片；一张合影就够了，不必多传。", n=MAX_PHOTOS_PER_TASK),
            field="photo",
        )
    photo = _store(task, actor, data, finding_id=None)
    record(actor, "add_photo", photo, task_id=task.id)
    return photo


def may_add_finding_photo(member: Member, finding: Finding) -> bool:
    return finding.created_by_id == member.id or may_report(member, finding.task)


def set_finding_photo(finding: Finding, actor: Member, data: bytes) -> Photo:
    """A finding has at most one photo; a new one replaces the old.

    The finding's row is held (``FOR NO KEY UPDATE``, as a 移交's or 删除's
    ``findings._hold_step`` takes it) and the finding read again before its photo is
    read: two uploads at once — a double tap on a slow connection, the leader and the
    liaison — both read the photo there was and each stored its own, two live photos
    (photo55). Now the second waits for the first to commit and replaces its photo; an
    upload behind a 删除 is refused. SQLite's writers take turns anyway."""
    if not may_add_finding_photo(actor, finding):
        raise PermissionDenied(_l("无权操作。"))
    hold_finding(finding.id)
    db.session.refresh(finding)
    if not finding.active:
        raise ServiceError(_l("该摸排问题已作废。"))
    # every live one: a database the race above left with two is mended by the next photo
    old = list(db.session.scalars(select(Photo).where(
        Photo.finding_id == finding.id, Photo.active.is_(True)).order_by(Photo.id)))
    photo = _store(finding.task, actor, data, finding_id=finding.id)
    for replaced in old:
        retire_replaced(replaced)
    extra = {"also": [p.id for p in old[:-1]]} if len(old) > 1 else {}
    record(actor, "add_photo", photo, task_id=finding.task_id, finding_id=finding.id,
           replaces=old[-1].id if old else None, **extra)
    return photo


def hold_finding(finding_id: int) -> None:
    """Hold the finding's row (``FOR NO KEY UPDATE``) before its live photos are read:
    what a photo's upload (``set_finding_photo``), its 删除 (``remove_photo``) and
    ``flask mend-finding-photos`` (``photo_duplicates``) take, so none reads photos
    another is taking off."""
    db.session.execute(select(Finding.id).where(Finding.id == finding_id)
                       .with_for_update(key_share=True))


def retire_replaced(photo: Photo) -> None:
    """A finding's photo replaced by a newer one: hidden (its row kept, as history) and
    its image and thumbnail deleted once this commits (as ``remove_photo``)."""
    photo.active = False
    remove_image_on_commit(photo.stored_name)


def may_remove_photo(actor: Member, photo: Photo) -> bool:
    """Who may take a photo off: whoever may report the task, or who uploaded it (the
    view asks it before its confirmation page, so no one else is asked)."""
    return may_report(actor, photo.task) or photo.uploaded_by_id == actor.id


def remove_photo(photo: Photo, actor: Member) -> None:
    """Take a photo off the report: the row stays (who took it, when, who removed it:
    history), its image and thumbnail are deleted once this commits — a removed photo
    may show a person who asked for it to go, and a hidden file is still held."""
    task = photo.task
    if not may_remove_photo(actor, photo):
        raise PermissionDenied(_l("无权操作。"))
    if photo.finding_id is not None:
        # the finding's photos are read under its row, as an upload reads them: one
        # that replaced or retired this photo meanwhile is waited for and seen
        hold_finding(photo.finding_id)
        db.session.refresh(photo)
    if not photo.active:
        raise ServiceError(_l("该照片已删除。"))
    if photo.finding_id is None and task.report_approved:
        raise ServiceError(_l("该任务的完成情况已审核通过，不能再修改照片。"))
    taken = [photo]
    if photo.finding_id is not None:
        # the finding's one photo: another live one (two uploads raced before
        # ``set_finding_photo`` held the finding, photo55) — most likely the same
        # picture, double-tapped — goes too, not shown in its place
        taken += db.session.scalars(select(Photo).where(
            Photo.finding_id == photo.finding_id, Photo.active.is_(True),
            Photo.id != photo.id).order_by(Photo.id))
    for each in taken:
        each.active = False
        remove_image_on_commit(each.stored_name)
    extra = {"also": [p.id for p in taken[1:]]} if len(taken) > 1 else {}
    record(actor, "remove_photo", photo, task_id=task.id, **extra)


def erase_photos(tasks, actor: Member | None, resident_id: int) -> list[Photo]:
    """An erasure's (PIPL Art. 47) reach into the report photos of ``tasks`` (those that
    served the person alone): every photo of them, findings' excepted (a survey's
    pictures of a drain), is removed with its files once the erasure commits — already
    removed ones' files too. Returns the photos it took off."""
    ids = [task.id for task in tasks]
    if not ids:
        return []
    taken = []
    for photo in db.session.scalars(select(Photo).where(
            Photo.task_id.in_(ids), Photo.finding_id.is_(None)).order_by(Photo.id)):
        remove_image_on_commit(photo.stored_name)
        if photo.active:
            photo.active = False
            taken.append(photo)
            record(actor, "remove_photo", photo, task_id=photo.task_id,
                   erasure_of=resident_id)
    return taken


def store_image(data: bytes, field: str = "photo"):
    """Check and shrink an uploaded photo (``images.process_image``) and write it and
    its thumbnail under a new random name; returns (name, processed). Nothing is
    written for a refused image, and the files are removed again when the session's
    transaction ends without a commit."""
    try:
        processed = process_image(data)
    except ImageRejected as rejected:
        raise ServiceError(rejected.message, field=field) from None
    folder = _folder()
    name = secrets.token_hex(16)
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path, content in ((image_path(name), processed.full),
                              (image_path(name, thumb=True), processed.thumb)):
            with open(path, "xb") as out:  # "x": a name is never reused
                written.append(path)
                out.write(content)
        # taken back with the transaction if it does not commit (see _WRITTEN)
        db.session.info.setdefault(_WRITTEN, []).extend(written)
    except BaseException as error:
        for path in written:
            with suppress(OSError):
                path.unlink(missing_ok=True)
        if not isinstance(error, OSError):
            raise
        # A folder the app may not write (its owner or mode changed, a read-only mount, a
        # full disk): the operator learns it from the log, the user keeps the form.
        log.error("a photo could not be stored in %s: %s", folder, error)
        raise ServiceError(_l("照片暂时无法保存，请稍后再试或联系管理员。"), field=field) from None
    return name, processed


def upload_folder_state() -> str:
    """Whether ``store_image`` can write: "ok"; "not writable" when the photos folder,
    or the nearest folder above it that exists (it is made at the first upload), is
    not a folder the app may write in; "full" when its file system has less room left
    for the app than two of the largest uploads (MAX_UPLOAD_MB)."""
    path = _folder()
    while not path.exists() and path.parent != path:
        path = path.parent
    if not (path.is_dir() and os.access(path, os.W_OK | os.X_OK)):
        return "not writable"
    try:
        room = os.statvfs(path)
    except OSError:
        return "not writable"
    if room.f_bavail * room.f_frsize < 2 * current_app.config["MAX_CONTENT_LENGTH"]:
        return "full"
    return "ok"


def image_path(name: str, thumb: bool = False) -> Path:
    if not _NAME.match(name or ""):  # never build a path from anything else
        raise ValueError("bad stored name")
    return _folder() / f"{name}{'_t.jpg' if thumb else '.jpg'}"


def remove_image(name: str) -> None:
    for path in (image_path(name), image_path(name, thumb=True)):
        path.unlink(missing_ok=True)


def remove_image_on_commit(name: str) -> None:
    """Remove an image and its thumbnail once the transaction that lets go of it
    commits; if it does not, they stay with the record that still names them."""
    db.session.info.setdefault(_RELEASED, []).extend(
        (image_path(name), image_path(name, thumb=True)))


def _store(task: Task, actor: Member, data: bytes, *, finding_id: int | None) -> Photo:
    name, processed = store_image(data)
    photo = Photo(task_id=task.id, finding_id=finding_id, stored_name=name,
                  width=processed.width, height=processed.height,
                  size_bytes=len(processed.full), uploaded_by_id=actor.id)
    try:
        db.session.add(photo)
        db.session.flush()
    except BaseException:
        remove_image(name)
        raise
    return photo
