"""A finding has one photo (docs/design.md: 现场照片, "on a finding (one)"); a new one
replaces it (``photos.set_finding_photo``). Two uploads of a finding's photo at once —
the leader double-tapping 上传 on a slow WeChat connection, or the leader and the
liaison — read the photo there was before either had stored one: each stored its own
and took off only the old one, so the finding held two live photos, and which one its
page showed was up to the database (photo55).

The upload now holds the finding's row before it reads its photo: the second waits for
the first to commit, then reads the first's photo and replaces it. One live photo, the
one stored last; the first's image files go with it.

Two processes in a forced order (``tests.races.race_in_order``): the first holds its
transaction open until the second is seen (on PostgreSQL, by the server) waiting for a
lock the first holds. On SQLite the writers take turns (BEGIN IMMEDIATE): it held there
before the lock too.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import BACKENDS

pytestmark = pytest.mark.slow

MODULE = __name__


def _upload(ids, who: str):
    from flask import current_app

    from tests.onsite import samples
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.models.findings import Finding
    from tracker.services.photos import set_finding_photo

    current_app.config["UPLOAD_FOLDER"] = ids["uploads"]
    set_finding_photo(db.session.get(Finding, ids["finding"]),
                      db.session.get(Member, ids[who]), samples.small_png())


def _leader_uploads(ids):
    _upload(ids, "leader")


def _liaison_uploads(ids):
    _upload(ids, "liaison")


def _world(url, uploads: Path, *, had_photo: bool):
    from flask import current_app

    from tests import factories as f
    from tests.onsite import samples
    from tracker.extensions import db
    from tracker.models import SURVEY_CODE, FindingKind, FindingStatus, Role
    from tracker.models.findings import Finding
    from tracker.services.photos import set_finding_photo
    from tracker.timeutil import utcnow

    with race_world(url) as (app, unit, item, _member):
        current_app.config["UPLOAD_FOLDER"] = str(uploads)
        leader = f.member(unit, name="组长")
        liaison = f.member(unit, Role.liaison, name="联络员乙", communities=[item.community])
        survey = f.item(unit, item.community, SURVEY_CODE, year=utcnow().year)
        task = f.task(survey, liaison, leader=leader, title="设施摸排",
                      starts_at=(utcnow() - timedelta(hours=3)).replace(microsecond=0))
        finding = Finding(task_id=task.id, unit_id=unit.id, community_id=task.community_id,
                          found_on=task.service_date, kind=FindingKind.sewer,
                          place="3号楼下水道", status=FindingStatus.found,
                          created_by_id=leader.id, active=True)
        db.session.add(finding)
        db.session.flush()
        old = set_finding_photo(finding, leader, samples.small_png()) if had_photo else None
        db.session.commit()
        return app, dict(finding=finding.id, leader=leader.id, liaison=liaison.id,
                         task=task.id, uploads=str(uploads), old=old.id if old else None)


def _live_photos(app, ids) -> list[tuple[int, int, str]]:
    """The finding's live photos: (id, uploader, stored name), by id."""
    from tracker.extensions import db
    from tracker.models import Photo

    with app.app_context():
        rows = db.session.execute(
            select(Photo.id, Photo.uploaded_by_id, Photo.stored_name)
            .where(Photo.finding_id == ids["finding"], Photo.active.is_(True))
            .order_by(Photo.id)).all()
        db.session.remove()
        db.engine.dispose()
        return [tuple(row) for row in rows]


@pytest.mark.parametrize("had_photo", [False, True], ids=["first-photo", "replacing"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_two_uploads_of_a_findings_photo_at_once_leave_one(backend, had_photo, tmp_path):
    uploads = tmp_path / "uploads"
    with race_database(backend, tmp_path, "findingphoto") as url:
        app, ids = _world(url, uploads, had_photo=had_photo)
        got = race_in_order(MODULE, url, ids, "_leader_uploads", "_liaison_uploads")
        # one live photo: the one stored last, the liaison's, replacing the leader's
        live = _live_photos(app, ids)
        assert [uploader for _id, uploader, _name in live] == [ids["liaison"]]
        # only its image and thumbnail are left on disk: the replaced ones' files went
        assert sorted(p.name for p in (uploads / "photos").iterdir()) == sorted(
            [f"{live[0][2]}.jpg", f"{live[0][2]}_t.jpg"])
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_leader_uploads"]["ok"] and got["_liaison_uploads"]["ok"]
        assert got["_liaison_uploads"]["waited"] is (
            True if backend == "postgresql" else None)


# --- flask mend-finding-photos beside an upload or a 删除 --------------------------------
# The command (``photo_duplicates.mend_finding``) holds the finding's row before it reads
# its photos, as the upload and a 删除 of the finding's photo (``remove_photo``) do:
# whichever comes second reads what the first left, so no photo is retired (and audited)
# twice, nor named as kept when it was taken off.

def _mends(ids):
    from flask import current_app

    from tracker.services.photo_duplicates import mend_finding

    current_app.config["UPLOAD_FOLDER"] = ids["uploads"]
    mend_finding(ids["finding"], "operator")


def _leader_removes_the_shown(ids):
    from flask import current_app

    from tracker.extensions import db
    from tracker.models import Member, Photo
    from tracker.services.photos import remove_photo

    current_app.config["UPLOAD_FOLDER"] = ids["uploads"]
    remove_photo(db.session.get(Photo, ids["newer"]), db.session.get(Member, ids["leader"]))
    db.session.flush()  # its UPDATEs in the database, uncommitted, as at its COMMIT


def _left_with_two(app, ids) -> None:
    """Two live photos of the finding, as a race before photo55 left them: rows written
    directly, each one's files on disk; ``ids`` gets them as "older" and "newer"."""
    import secrets

    from tracker.extensions import db
    from tracker.models import Photo
    from tracker.services.photos import image_path

    with app.app_context():
        photos = []
        for _ in range(2):
            name = secrets.token_hex(16)
            for thumb in (False, True):
                image_path(name, thumb).parent.mkdir(parents=True, exist_ok=True)
                image_path(name, thumb).write_bytes(b"jpeg")
            photos.append(Photo(task_id=ids["task"], finding_id=ids["finding"],
                                stored_name=name, width=1200, height=1600, size_bytes=4,
                                uploaded_by_id=ids["liaison"]))
        db.session.add_all(photos)
        db.session.commit()
        ids["older"], ids["newer"] = (photo.id for photo in photos)
        db.session.remove()
        db.engine.dispose()


def _photo_audit(app) -> list[tuple[str, int, dict]]:
    from tracker.extensions import db
    from tracker.models import AuditEvent

    with app.app_context():
        rows = db.session.execute(
            select(AuditEvent.action, AuditEvent.entity_id, AuditEvent.detail)
            .where(AuditEvent.action.in_(["add_photo", "remove_photo"]))
            .order_by(AuditEvent.id)).all()
        db.session.remove()
        db.engine.dispose()
        return [tuple(row) for row in rows]


@pytest.mark.parametrize("mend_first", [False, True], ids=["mend-second", "mend-first"])
@pytest.mark.parametrize("other", ["_leader_uploads", "_leader_removes_the_shown"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_mending_a_finding_beside_an_upload_or_removal_retires_each_photo_once(
        backend, other, mend_first, tmp_path):
    uploads = tmp_path / "uploads"
    with race_database(backend, tmp_path, "findingmend") as url:
        app, ids = _world(url, uploads, had_photo=False)
        _left_with_two(app, ids)
        older, newer = ids["older"], ids["newer"]
        order = ("_mends", other) if mend_first else (other, "_mends")
        got = race_in_order(MODULE, url, ids, *order)
        live = _live_photos(app, ids)
        audit = _photo_audit(app)
        mended = [(entity, detail["kept"]) for action, entity, detail in audit
                  if action == "remove_photo" and detail.get("via") == "mend-finding-photos"]
        [(action, entity, detail)] = [row for row in audit
                                      if row[2].get("via") != "mend-finding-photos"]
        if other == "_leader_uploads":
            # one live photo, the upload's, replacing the newer (and the older unless mended)
            assert [uploader for _id, uploader, _name in live] == [ids["leader"]]
            assert (action, detail["replaces"]) == ("add_photo", newer)
        else:
            # the shown photo taken off, and the older with it unless mended
            assert live == []
            assert (action, entity) == ("remove_photo", newer)
        # the command, first, retired the older, keeping the newer; second, it found one
        # live photo or none, and retired nothing — never a photo the other took off
        assert mended == ([(older, newer)] if mend_first else [])
        assert detail.get("also") == (None if mend_first else [older])
        assert sorted(p.name for p in (uploads / "photos").iterdir()) == sorted(
            f"{name}{end}" for _id, _uploader, name in live for end in (".jpg", "_t.jpg"))
        assert [e for o in got.values() for e in o["errors"]] == []
        assert all(outcome["ok"] for outcome in got.values())
        assert got[order[1]]["waited"] is (True if backend == "postgresql" else None)


# --- an upload beside a 删除 of the finding's photo --------------------------------------
# The leader taps 删除 under the finding's photo while the liaison uploads a new one (or
# the leader's own double tap of 上传 is still going through). Both take the finding's row
# before they read its live photos (``photos.hold_finding``), so the second reads what the
# first left: an upload after the 删除 replaces nothing; a 删除 after the upload finds the
# photo it was asked for already replaced and says so (「该照片已删除。」), never taking
# off — or auditing — a photo the upload retired. Either way the finding ends with one
# live photo, the upload's, and only its files on disk.

def _leader_removes_the_old(ids):
    from flask import current_app

    from tracker.extensions import db
    from tracker.models import Member, Photo
    from tracker.services.photos import remove_photo

    current_app.config["UPLOAD_FOLDER"] = ids["uploads"]
    remove_photo(db.session.get(Photo, ids["shown"]), db.session.get(Member, ids["leader"]))
    db.session.flush()  # its UPDATEs in the database, uncommitted, as at its COMMIT


@pytest.mark.parametrize("remove_first", [False, True], ids=["upload-first", "remove-first"])
@pytest.mark.parametrize("before", ["one", "two"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_an_upload_beside_a_removal_of_the_findings_photo(backend, before, remove_first,
                                                          tmp_path):
    """``before``: the finding shows one photo, or (a race before photo55 left it) two
    live ones, the newer shown; the 删除 is of the one shown."""
    uploads = tmp_path / "uploads"
    with race_database(backend, tmp_path, "findingremove") as url:
        app, ids = _world(url, uploads, had_photo=before == "one")
        if before == "two":
            _left_with_two(app, ids)
        ids["shown"] = ids["old"] if before == "one" else ids["newer"]
        others = [] if before == "one" else [ids["older"]]  # live beside the shown one
        order = (("_leader_removes_the_old", "_liaison_uploads") if remove_first
                 else ("_liaison_uploads", "_leader_removes_the_old"))
        got = race_in_order(MODULE, url, ids, *order)
        live = _live_photos(app, ids)
        audit = _photo_audit(app)
        # one live photo, the upload's, whichever came first
        assert [uploader for _id, uploader, _name in live] == [ids["liaison"]]
        [(_action, upload, _detail)] = [row for row in audit if row[0] == "add_photo"
                                        and row[1] == live[0][0]]
        removed = [(entity, detail.get("also")) for action, entity, detail in audit
                   if action == "remove_photo"]
        added = [(detail["replaces"], detail.get("also")) for action, entity, detail in audit
                 if action == "add_photo" and entity == upload]
        if remove_first:
            # the 删除 took off the shown photo (and any other live one); the upload,
            # waiting behind it, found none left to replace
            assert got["_leader_removes_the_old"]["ok"] and got["_liaison_uploads"]["ok"]
            assert removed == [(ids["shown"], others or None)]
            assert added == [(None, None)]
        else:
            # the upload replaced the shown photo (and any other live one); the 删除,
            # waiting behind it, found its photo gone: refused, nothing taken off twice
            assert got["_liaison_uploads"]["ok"]
            assert got["_leader_removes_the_old"]["refused"] == "该照片已删除。"
            assert removed == []
            assert added == [(ids["shown"], others or None)]
        # only the upload's image and thumbnail are left on disk
        assert sorted(p.name for p in (uploads / "photos").iterdir()) == sorted(
            [f"{live[0][2]}.jpg", f"{live[0][2]}_t.jpg"])
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got[order[1]]["waited"] is (True if backend == "postgresql" else None)
