"""Two admins save one member's form at once, each from a page read before either
saved — in separate processes (two gunicorn workers, two connections) on PostgreSQL.
SQLite's writers take turns anyway, so these run only with TEST_DATABASE_URL.

The rule: the form is not saved over a change of a field it shows that its admin did
not see. Both pages showed 联络员甲 as she was; whichever post commits second is
refused 「该党员的信息已被他人修改，请刷新后重试。」 and writes nothing: the check and
the write of the first cannot interleave (``update_member`` locks the member's row,
``roll.lock_member``, before it reads the fields it checks, and the second reads them
again once the first has committed). One post changes only her communities — only the
link table's rows, not her own — so the lock, not the row's write, is what orders them.

Each order is forced, not hoped for (``tests.races.race_in_order``).
"""
from __future__ import annotations

import pytest

from tests.races import race_in_order, race_world
from tests.scratch_db import PG_URL, fresh_database

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


def _second_community(ids):
    """管理员乙 gives her 建设路社区 as well (only link rows are written)."""
    _form(ids, "admin2", community_ids=ids["communities"])


def _state(app, ids) -> tuple:
    from tracker.extensions import db
    from tracker.models import AuditEvent, Member

    with app.app_context():
        liaison = db.session.get(Member, ids["liaison"])
        state = (liaison.name, sorted(c.id for c in liaison.communities),
                 sorted(db.session.scalars(db.select(AuditEvent.actor_id).where(
                     AuditEvent.action == "update", AuditEvent.entity_type == "member",
                     AuditEvent.entity_id == liaison.id))))
        db.session.remove()
        db.engine.dispose()
        return state


@pytest.mark.parametrize("first, second", [("_rename", "_second_community"),
                                           ("_second_community", "_rename")])
def test_of_two_forms_from_pages_read_before_either_the_second_is_refused(
        tmp_path, first, second):
    with fresh_database("postgresql", tmp_path, "memberform" + first) as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, first, second)
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got[first]["ok"] is True and got[second]["waited"] is True
        assert got[second]["refused"] == STALE
        one, both = [ids["communities"][0]], sorted(ids["communities"])
        if first == "_rename":
            assert _state(app, ids) == ("联络员甲甲", one, [ids["admin"]])
        else:
            assert _state(app, ids) == ("联络员甲", both, [ids["admin2"]])
