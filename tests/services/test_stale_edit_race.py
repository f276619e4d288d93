"""Two saves of the same 月报 words, 需求 or 服务对象 at once, each from a page read before
either saved — in separate processes (two gunicorn workers, two connections) on
PostgreSQL (review "forms", session 28, #1 and #2). SQLite's writers take turns anyway,
so these run only with TEST_DATABASE_URL.

The rule: the second save is merged with the record as the first left it, never as both
pages read it. Two changes of different fields both land; two changes of one field to
different values get one save and one refusal that writes nothing. The merge and the
first's write cannot interleave with the second's: each service takes the record's row
lock (the month's ``lock_scope``, the need's or the resident's row) before it reads what
it merges, so the second waits and reads what the first committed. Each order is forced,
not hoped for (``tests.races.race_in_order``).
"""
from __future__ import annotations

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
REFUSAL = {"notes": "存在问题和下步打算已被他人修改，请核对后重新保存。",
           "need": "该需求已被他人修改，请核对后重新保存。",
           "resident": "该服务对象的信息已被他人修改，请核对后重新保存。"}


def _world(url):
    """Two admins; the community's month with no words yet, a need and a resident.
    ``shown``: what both admins' pages showed, read before either saved."""
    from tests import factories as f
    from tests.needs.support import need
    from tests.residents.support import resident
    from tracker.extensions import db
    from tracker.models import Community, Role
    from tracker.services import needs, residents, summary_notes

    with race_world(url) as (app, unit, item, liaison):
        admin, admin2 = (f.member(unit, Role.admin, name=n) for n in ("管理员甲", "管理员乙"))
        community = db.session.get(Community, item.community_id)
        wish, person = need(community, liaison), resident(community, liaison)
        db.session.commit()
        return app, dict(admin=admin.id, admin2=admin2.id, community=community.id,
                         need=wish.id, resident=person.id,
                         shown={"notes": summary_notes.notes_shown_key(None),
                                "need": needs.need_shown_key(wish),
                                "resident": residents.resident_shown_key(person)})


def _notes(ids, admin, **typed):
    from tracker.extensions import db
    from tracker.models import Member, SummaryScope
    from tracker.services.summary_notes import save_notes

    words = {"problems": None, "plans": None} | typed
    save_notes(db.session.get(Member, ids[admin]), SummaryScope(community_id=ids["community"]),
               2022, 10, words["problems"], words["plans"], shown_words=ids["shown"]["notes"])


def _need(ids, admin, **typed):
    from tracker.extensions import db
    from tracker.models import Member, Need
    from tracker.services.needs import EDITABLE, NeedData, update_need

    wish = db.session.get(Need, ids["need"])
    data = NeedData(community_id=wish.community_id,
                    **{name: getattr(wish, name) for name in EDITABLE} | typed)
    update_need(wish, db.session.get(Member, ids[admin]), data, shown=ids["shown"]["need"])


def _resident(ids, admin, **typed):
    from tracker.extensions import db
    from tracker.models import Member, Resident
    from tracker.services.residents import EDITABLE, ResidentData, update_resident

    person = db.session.get(Resident, ids["resident"])
    data = ResidentData(community_id=person.community_id,
                        **{name: getattr(person, name) for name in EDITABLE} | typed)
    update_resident(person, db.session.get(Member, ids[admin]), data,
                    shown=ids["shown"]["resident"])


# (first: 管理员甲 changes field A; second: 管理员乙 changes A otherwise; other: 乙 changes B)
def notes_a(ids):
    _notes(ids, "admin", problems="甲：井盖破损待修")


def notes_a_otherwise(ids):
    _notes(ids, "admin2", problems="乙：本月无问题")


def notes_b(ids):
    _notes(ids, "admin2", plans="乙：12月完成修补")


def need_a(ids):
    _need(ids, "admin", description="甲：需要300度")


def need_a_otherwise(ids):
    _need(ids, "admin2", description="乙：需要200度")


def need_b(ids):
    _need(ids, "admin2", title="乙：修理轮椅（加急）")


def resident_a(ids):
    _resident(ids, "admin", phone="13912345678")


def resident_a_otherwise(ids):
    _resident(ids, "admin2", phone="13900001111")


def resident_b(ids):
    _resident(ids, "admin2", notes="乙：上门前先电话联系")


def _state(app, ids, kind) -> tuple:
    from tracker.extensions import db
    from tracker.models import Need, Resident, SummaryNote

    with app.app_context():
        if kind == "notes":
            note = db.session.scalar(db.select(SummaryNote).where(
                SummaryNote.community_id == ids["community"]))
            state = (note.problems, note.plans)
        elif kind == "need":
            wish = db.session.get(Need, ids["need"])
            state = (wish.description, wish.title)
        else:
            person = db.session.get(Resident, ids["resident"])
            state = (person.phone, person.notes)
        db.session.remove()
        db.engine.dispose()
        return state


@pytest.mark.parametrize("kind, b_value", [
    ("notes", "乙：12月完成修补"), ("need", "乙：修理轮椅（加急）"), ("resident", "乙：上门前先电话联系")])
def test_two_saves_of_different_fields_both_land(tmp_path, kind, b_value):
    with race_database("postgresql", tmp_path, "stalemerge" + kind) as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, f"{kind}_a", f"{kind}_b")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got[f"{kind}_a"]["ok"] is True and got[f"{kind}_b"]["waited"] is True
        assert got[f"{kind}_b"]["ok"] is True, got[f"{kind}_b"]["refused"]
        a_value = {"notes": "甲：井盖破损待修", "need": "甲：需要300度", "resident": "13912345678"}
        assert _state(app, ids, kind) == (a_value[kind], b_value)


@pytest.mark.parametrize("kind", ["notes", "need", "resident"])
def test_two_saves_of_one_field_save_once(tmp_path, kind):
    with race_database("postgresql", tmp_path, "stalerefused" + kind) as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, f"{kind}_a", f"{kind}_a_otherwise")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got[f"{kind}_a"]["ok"] is True and got[f"{kind}_a_otherwise"]["waited"] is True
        assert got[f"{kind}_a_otherwise"]["refused"] == REFUSAL[kind]
        a_value = {"notes": "甲：井盖破损待修", "need": "甲：需要300度", "resident": "13912345678"}
        assert _state(app, ids, kind)[0] == a_value[kind]
