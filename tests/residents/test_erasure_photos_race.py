"""Two residents of one visit erased at the same moment (review39 #6): an admin erases
one while the retention job (``purge-residents``, each resident in a transaction of its
own) erases the other. The last of a visit's residents to be erased takes its photos
(``residents.served_alone``, review38 #2); each erasure locks the visit's row before it
asks whether another resident of it is still held, so the second waits for the first
and sees her erased — the photos go. Without the lock each read the other as held, and
both kept the photos of two erased people's home for good (nothing looks again)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import BACKENDS

pytestmark = pytest.mark.slow

MODULE = __name__


def _erase(ids, key, admin: bool):
    from tracker.extensions import db
    from tracker.models import Member, Resident
    from tracker.services.residents import erase_resident

    actor = db.session.get(Member, ids["admin"]) if admin else None
    erase_resident(db.session.get(Resident, ids[key]), actor,
                   reason="request" if admin else "retention")


def _admin_erases_wang(ids):
    _erase(ids, "wang", admin=True)


def _retention_erases_li(ids):
    _erase(ids, "li", admin=False)


def _world(url):
    from tests import factories as f
    from tests.residents.support import resident
    from tracker.extensions import db
    from tracker.models import Photo, Role, task_resident

    with race_world(url) as (app, unit, _item, liaison):
        community = _item.community
        visit = f.task(f.item(unit, community, "elderly_visit"), liaison, leader=liaison,
                       starts_in=-timedelta(days=3), title="走访两户")
        wang = resident(community, liaison, name="王秀英", phone="13900001111")
        li = resident(community, liaison, name="李大爷", phone="13900002222")
        for person in (wang, li):
            db.session.execute(task_resident.insert().values(task_id=visit.id,
                                                             resident_id=person.id))
        # rows only: the erasure removes the files once it commits, those missing too
        photos = [Photo(task_id=visit.id, stored_name=f"{n:032x}", width=400, height=300,
                        size_bytes=1000, uploaded_by_id=liaison.id) for n in (1, 2)]
        db.session.add_all(photos)
        admin = f.member(unit, role=Role.admin, name="管理员")
        db.session.commit()
        return app, dict(wang=wang.id, li=li.id, admin=admin.id, task=visit.id)


def _live_photos(app, ids) -> int:
    from tracker.extensions import db
    from tracker.models import Photo

    with app.app_context():
        live = len(db.session.scalars(select(Photo.id).where(
            Photo.task_id == ids["task"], Photo.active.is_(True))).all())
        db.session.remove()
        db.engine.dispose()
        return live


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_residents_of_a_visit_erased_at_once_take_its_photos(backend, tmp_path):
    with race_database(backend, tmp_path, "erasephotos") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_admin_erases_wang", "_retention_erases_li")
        assert got["_admin_erases_wang"]["ok"] and got["_retention_erases_li"]["ok"]
        # both erased: nobody is left whose record the visit's photos could be kept for
        assert _live_photos(app, ids) == 0
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_retention_erases_li"]["waited"] is (
            True if backend == "postgresql" else None)
