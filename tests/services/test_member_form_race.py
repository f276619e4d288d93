"""Two admins save one member's form at once, each from a page read before either
saved — in separate processes (two gunicorn workers, two connections) on PostgreSQL.
SQLite's writers take turns anyway, so these run only with TEST_DATABASE_URL.

The rule: the second post is merged with the first field by field, against the member
as the first left it — never as both read it. Both pages showed 联络员甲 as she was:
two changes of different fields (her name, her 手机号, a second community) both land,
whichever commits first; two changes of one field to different values (two names) get
one save and one refusal 「该党员的信息已被他人修改，请刷新后重试。」 that writes nothing.
The decision and the write of the first cannot interleave with the second's:
``update_member`` locks the member's row (``roll.lock_member``) before it reads the
fields it merges, and the second reads them again once the first has committed. One post
changes only her communities — only the link table's rows, not her own — so the lock,
not the row's write, is what orders them.

Each order is forced, not hoped for (``tests.races.race_in_order``).
"""
from __future__ import annotations

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
STALE = "该党员的信息已被他人修改，请刷新后重试。"


def _world(url):
    """联络员甲 answers for 解放路社区; 建设路社区 exists; two admins. ``shown``: what both
    admins' pages showed, read before either saved."""
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import Community, Member, Role
    from tracker.services import directory

    with race_world(url) as (app, unit, item, _member):
        admin, admin2 = (f.member(unit, Role.admin, name=n) for n in ("管理员甲", "管理员乙"))
        liaison = f.member(unit, Role.liaison, "联络员甲",
                           communities=[db.session.get(Community, item.community_id)])
        other = f.community("建设路社区")
        db.session.commit()
        shown = directory.member_shown_key(db.session.get(Member, liaison.id))
        return app, dict(admin=admin.id, admin2=admin2.id, liaison=liaison.id,
                         communities=[item.community_id, other.id], shown=shown)


def _form(ids, admin: str, **typed):
    """``admin`` saves the liaison's form as their page showed it, with ``typed``."""
    from tracker.extensions import db
    from tracker.models import Member, Role
    from tracker.services.directory import MemberData, update_member

    liaison = db.session.get(Member, ids["liaison"])
    liaison.communities  # noqa: B018 — read, as the form that posted did (its choices)
    values = dict(name=liaison.name, phone=liaison.phone, unit_id=liaison.unit_id,
                  role=Role.liaison, branch=liaison.branch, on_roll=liaison.on_roll,
                  community_ids=[ids["communities"][0]], shown=ids["shown"])
    update_member(liaison, db.session.get(Member, ids[admin]), MemberData(**(values | typed)))


def _rename(ids):
    """管理员甲 corrects her name."""
    _form(ids, "admin", name="联络员甲甲")


def _rename_otherwise(ids):
    """管理员乙 corrects her name to another."""
    _form(ids, "admin2", name="联络员甲乙")


def _new_phone(ids):
    """管理员甲 gives her a new 手机号 (her row taken FOR UPDATE, ``roll.lock_member``)."""
    _form(ids, "admin", phone="13900007777")


def _second_community(ids):
    """管理员乙 gives her 建设路社区 as well (only link rows are written)."""
    _form(ids, "admin2", community_ids=ids["communities"])


def _state(app, ids) -> tuple:
    from tracker.extensions import db
    from tracker.models import AuditEvent, Member

    with app.app_context():
        liaison = db.session.get(Member, ids["liaison"])
        state = (liaison.name, liaison.phone, sorted(c.id for c in liaison.communities),
                 sorted(db.session.scalars(db.select(AuditEvent.actor_id).where(
                     AuditEvent.action == "update", AuditEvent.entity_type == "member",
                     AuditEvent.entity_id == liaison.id))))
        db.session.remove()
        db.engine.dispose()
        return state


BOTH_LAND = [("_rename", "_second_community"), ("_second_community", "_rename"),
             ("_new_phone", "_second_community"), ("_second_community", "_new_phone")]


@pytest.mark.parametrize("first, second", BOTH_LAND, ids=["-".join(p) for p in BOTH_LAND])
def test_two_forms_changing_different_fields_both_land(tmp_path, first, second):
    with race_database("postgresql", tmp_path, "membermerge" + first + second) as url:
        app, ids = _world(url)
        phone = _state(app, ids)[1]
        got = race_in_order(MODULE, url, ids, first, second)
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got[first]["ok"] is True and got[second]["waited"] is True
        assert got[second]["ok"] is True, got[second]["refused"]
        changed = {"_rename": ("联络员甲甲", phone), "_new_phone": ("联络员甲", "13900007777")}
        name, phone = changed["_rename" if "_rename" in (first, second) else "_new_phone"]
        assert _state(app, ids) == (name, phone, sorted(ids["communities"]),
                                    sorted([ids["admin"], ids["admin2"]]))


@pytest.mark.parametrize("first, second", [("_rename", "_rename_otherwise"),
                                           ("_rename_otherwise", "_rename")])
def test_two_forms_changing_one_field_otherwise_save_once(tmp_path, first, second):
    with race_database("postgresql", tmp_path, "memberform" + first) as url:
        app, ids = _world(url)
        phone = _state(app, ids)[1]
        got = race_in_order(MODULE, url, ids, first, second)
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got[first]["ok"] is True and got[second]["waited"] is True
        assert got[second]["refused"] == STALE
        one = [ids["communities"][0]]
        if first == "_rename":
            assert _state(app, ids) == ("联络员甲甲", phone, one, [ids["admin"]])
        else:
            assert _state(app, ids) == ("联络员甲乙", phone, one, [ids["admin2"]])
