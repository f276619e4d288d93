"""Findings a past race left with more than one live photo (`flask mend-finding-photos`).

A finding has one photo; a new one replaces it (``photos.set_finding_photo``). Before
the upload held the finding's row (photo55), two uploads at once could each store their
own and leave two live photos. The page shows the newest (``photos.finding_photo``) and
the finding's next photo or 删除 takes every live one off, but until then the older
ones' files stay on disk and in every backup (``photos.stored_image_names`` keeps each
live photo). This finds such findings and retires all but the newest, as a replacement
retires the photo it replaces: the page shows what it showed before.

No other owner of a photo has a "one live photo" rule with that history: a report holds
up to MAX_PHOTOS_PER_TASK live photos, every one shown (two uploads at the cap could
leave one more, not a hidden one), and a 微心愿's photo is one column, which cannot hold
two (a file a racing 确认完成 wrote and lost is named by no record: ``sweep_uploads``).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import Select, func, select

from ..extensions import db
from ..models import Photo
from . import unit_of_work
from .audit import record
from .photos import hold_finding, retire_replaced

COMMAND = "mend-finding-photos"


@dataclass(frozen=True)
class Mended:
    """A finding's live photos put back to one: the one kept (the newest, the one its
    page shows) and the older ones retired (in a dry run: to be retired)."""

    finding_id: int
    kept: int
    retired: tuple[int, ...]


def _extra() -> Select:
    """The findings holding more than one live photo."""
    return (select(Photo.finding_id)
            .where(Photo.active.is_(True), Photo.finding_id.is_not(None))
            .group_by(Photo.finding_id).having(func.count() > 1))


def _mended(finding_id: int, live_ids: list[int]) -> Mended | None:
    """``live_ids`` in ascending order: the newest stays (``finding_photo`` shows it)."""
    if len(live_ids) < 2:
        return None
    return Mended(finding_id, live_ids[-1], tuple(live_ids[:-1]))


def preview() -> list[Mended]:
    """What ``mend_all`` would do now, read in one statement; holds and changes nothing."""
    rows = db.session.execute(
        select(Photo.finding_id, Photo.id)
        .where(Photo.active.is_(True), Photo.finding_id.in_(_extra()))
        .order_by(Photo.finding_id, Photo.id)).all()
    db.session.rollback()  # a read: no transaction stays open
    found = (_mended(fid, [photo_id for _f, photo_id in group])
             for fid, group in groupby(rows, key=lambda row: row[0]))
    return [each for each in found if each is not None]


def mend_finding(finding_id: int, by: str | None) -> Mended | None:
    """In the caller's transaction: hold the finding's row as an upload and a 删除 of
    its photo do (``photos.hold_finding``) and read its live photos under that hold — an upload or
    删除 committed meanwhile may have mended it, and one in flight is waited for, so
    what is retired and audited is what this found, not a photo already taken off. The
    newest stays; each older one is retired as a replaced photo is (hidden, its files
    deleted once this commits: ``photos.retire_replaced``), with a ``remove_photo``
    audit row naming the photo kept and, there being no member, the system user who
    ran the command (``by``). None when one photo or none is live."""
    hold_finding(finding_id)
    live = list(db.session.scalars(select(Photo).where(
        Photo.finding_id == finding_id, Photo.active.is_(True)).order_by(Photo.id)))
    mended = _mended(finding_id, [photo.id for photo in live])
    if mended is None:
        return None
    for photo in live[:-1]:
        retire_replaced(photo)
        record(None, "remove_photo", photo, task_id=photo.task_id, finding_id=finding_id,
               kept=mended.kept, via=COMMAND, by=by)
    return mended


def mend_all(by: str | None) -> Iterator[Mended]:
    """Mend every finding found, each in a transaction of its own, yielding each once
    committed: it holds one finding's row for a moment, as an upload does, beside a
    running app, and a run ended halfway (the database gone) keeps what it committed,
    said as it went — the next run finds the rest. A finding's files go when its
    transaction commits, never before. Owns its transactions: call it outside one."""
    ids = list(db.session.scalars(_extra().order_by(Photo.finding_id)))
    db.session.rollback()
    for finding_id in ids:
        with unit_of_work(once=False):
            mended = mend_finding(finding_id, by)
        if mended is not None:
            yield mended
