"""The photo a liaison may keep when confirming a need fulfilled (issue 11: "confirms it
fulfilled, with an optional photo and note"): stored like report photos (shrunk,
EXIF-free, random name), shown to the need's liaison and whoever claimed it — it may
show a resident — and a file that is not a photo changes nothing."""
from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from tests import factories as f
from tests.needs.support import need
from tests.onsite import samples
from tracker.extensions import db
from tracker.models import Need, NeedStatus


def _files(app) -> list:
    return sorted((Path(app.config["UPLOAD_FOLDER"]) / "photos").glob("*"))


def _claimed(world):
    wish = need(world.community, world.liaison, status=NeedStatus.claimed,
                claimer=world.member)
    db.session.commit()
    return wish


def _fulfil(client, wish, upload, note="轮椅已修好"):
    return client.post(f"/needs/{wish.id}/fulfil", content_type="multipart/form-data",
                       data={"note": note, "photo": (io.BytesIO(upload), "done.jpg")})


def test_a_photo_kept_with_the_fulfilment_is_seen_by_the_liaison_and_the_claimer(
        app, client, login, world):
    wish = _claimed(world)
    login(world.liaison)
    response = _fulfil(client, wish, samples.phone_jpeg(800, 600))
    assert response.status_code == 302
    done = db.session.get(Need, wish.id)
    assert done.status == NeedStatus.fulfilled and done.fulfil_photo
    assert len(_files(app)) == 2  # the photo and its thumbnail
    page = client.get(f"/needs/{wish.id}").get_data(as_text=True)
    assert f"/needs/{wish.id}/photo/thumb" in page
    for who in (world.liaison, world.member):
        login(who)
        for size in ("full", "thumb"):
            shown = client.get(f"/needs/{wish.id}/photo/{size}")
            assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
            assert shown.headers["Cache-Control"] == "no-store"  # it may show a resident
            assert shown.headers["X-Content-Type-Options"] == "nosniff"
            # the phone's GPS (a resident's home) and every other tag are gone
            kept = Image.open(io.BytesIO(shown.data))
            assert not kept.getexif() and "exif" not in kept.info
    # anyone else signed in sees the need, not its photo: refused, not "no such photo"
    login(f.member(world.unit, name="旁人"))
    assert client.get(f"/needs/{wish.id}/photo/full").status_code == 403
    assert f"/needs/{wish.id}/photo/" not in client.get(f"/needs/{wish.id}").get_data(
        as_text=True)


def test_a_file_that_is_not_a_photo_changes_nothing_and_says_why(app, client, login, world):
    wish = _claimed(world)
    login(world.liaison)
    response = _fulfil(client, wish, samples.html())
    assert response.status_code == 200
    assert db.session.get(Need, wish.id).status == NeedStatus.claimed
    assert _files(app) == []
    assert "轮椅已修好" in response.get_data(as_text=True)  # what was typed is kept


def test_without_a_photo_the_fulfilment_is_as_before(client, login, world):
    wish = _claimed(world)
    login(world.liaison)
    assert client.post(f"/needs/{wish.id}/fulfil", data={"note": ""}).status_code == 302
    done = db.session.get(Need, wish.id)
    assert done.status == NeedStatus.fulfilled and done.fulfil_photo is None
    assert client.get(f"/needs/{wish.id}/photo/full").status_code == 404
