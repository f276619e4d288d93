"""Erasure (PIPL Art. 47) and the 现场照片 of the visits that served the person (review37
F4): the photos of a visit that served them alone — them, their home, their door — go
with their files; a visit of several residents keeps its photos, and the Art. 45 export
names every photo held on the tasks that served them. Once every resident of a visit is
erased, nobody's record is left to keep its photos for: the last erasure takes them
(review38 #2)."""
from __future__ import annotations

from datetime import timedelta

from tests import factories as f
from tests.onsite import samples
from tests.residents.support import resident as make_resident
from tests.residents.support import visit_task
from tracker.extensions import db
from tracker.models import Photo, task_resident
from tracker.services.photos import add_task_photo, photo_path


def _visit_with_photos(world, *people, title):
    task = f.task(visit_task(world).resource_item, world.liaison, leader=world.leader,
                  title=title, starts_in=-timedelta(hours=1))
    for person in people:
        db.session.execute(task_resident.insert().values(task_id=task.id, resident_id=person.id))
    db.session.commit()
    photos = [add_task_photo(task, world.leader, samples.phone_jpeg(400, 300)) for _ in range(2)]
    db.session.commit()
    return task, photos


def test_erasure_removes_the_photos_of_the_visits_that_served_them_alone(client, login,
                                                                        world):
    wang = make_resident(world.community, world.liaison, name="王秀英", phone="13900001111")
    li = make_resident(world.community, world.liaison, name="李大爷", phone="13900002222")
    _alone, theirs = _visit_with_photos(world, wang, title="走访王秀英")
    _shared, shared = _visit_with_photos(world, wang, li, title="走访两户")
    login(world.admin)
    held = client.post(f"/residents/{wang.id}/export").get_json()
    listed = {(p["photo_id"], p["served_them_alone"]) for p in held["photos_on_these_tasks"]}
    assert listed == {(p.id, True) for p in theirs} | {(p.id, False) for p in shared}

    assert client.post(f"/residents/{wang.id}/erase", data={"confirm": "y"}).status_code == 302
    db.session.expire_all()
    for photo in theirs:
        assert db.session.get(Photo, photo.id).active is False
        assert not photo_path(photo).is_file() and not photo_path(photo, thumb=True).is_file()
        login(world.leader)
        assert client.get(f"/onsite/photos/{photo.id}").status_code == 404
    for photo in shared:  # the other resident's visit keeps its record
        assert db.session.get(Photo, photo.id).active is True and photo_path(photo).is_file()


def test_the_last_of_a_visits_residents_to_be_erased_takes_its_photos(client, login, world):
    """An elderly couple visited together, erased one after the other (both asked, or
    both purged by the retention run): the first erasure keeps the visit's photos (she
    is still held), the second finds nobody left whose record they could be kept for —
    the photos and their files go; the export of the one left says so beforehand."""
    wang = make_resident(world.community, world.liaison, name="王秀英", phone="13900001111")
    li = make_resident(world.community, world.liaison, name="李大爷", phone="13900002222")
    _shared, shared = _visit_with_photos(world, wang, li, title="走访两户")
    login(world.admin)
    assert client.post(f"/residents/{li.id}/erase", data={"confirm": "y"}).status_code == 302
    db.session.expire_all()
    for photo in shared:  # 王秀英's record is still held: the visit keeps its photos
        assert db.session.get(Photo, photo.id).active is True and photo_path(photo).is_file()

    held = client.post(f"/residents/{wang.id}/export").get_json()
    listed = {(p["photo_id"], p["served_them_alone"]) for p in held["photos_on_these_tasks"]}
    assert listed == {(p.id, True) for p in shared}  # nobody else is held on it now

    assert client.post(f"/residents/{wang.id}/erase", data={"confirm": "y"}).status_code == 302
    db.session.expire_all()
    for photo in shared:
        assert db.session.get(Photo, photo.id).active is False
        assert not photo_path(photo).is_file() and not photo_path(photo, thumb=True).is_file()
        login(world.leader)
        assert client.get(f"/onsite/photos/{photo.id}").status_code == 404
