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
                         uploads=str(uploads), old=old.id if old else None)


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
