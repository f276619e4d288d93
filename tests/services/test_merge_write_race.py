"""Writes that name the account being merged away (B) — as 组长, as a resident's 结对党员,
or B's own 补录申请 — racing the merge (合并账号), in separate processes on PostgreSQL
(SQLite's writers take turns anyway).

The rule (docs/design.md, invariant 3's row locks): after the merge, nothing of the
person's work or identity is on B. Each of these writes share-locks B's row and reads
``active`` under it, as a claim does (``claims.hold_member``): after the merge it waits
for the merge's lock on B's row and is refused, naming the account kept where it can;
before the merge, the merge waits for it and moves what it wrote to A. Before, each
write's foreign-key check took only a key-share lock on B, which the merge's NO KEY
UPDATE let through, and the row committed onto B after the merge had read B's work.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
WRITES = ["_lead", "_create", "_pair", "_register", "_ask"]


def _world(url):
    """赵六's two accounts A and B of 县商务局, nothing done by either; an open task in
    two days with no 组长; a resident of the community paired with nobody. ``shown``:
    the merge's confirmation page read before the race; ``after``: the page as it reads
    once each write has named B (the write made and undone, to read the key)."""
    from tests import factories as f
    from tests.residents.support import resident
    from tracker.extensions import db
    from tracker.models import Member, Role
    from tracker.services import merge
    from tracker.services.residents import resident_shown_key

    with race_world(url) as (app, unit, item, liaison):
        liaison.role = Role.liaison
        liaison.communities.append(item.community)
        admin = f.member(unit, Role.admin, name="管理员甲")
        keep, drop = f.member(unit, name="赵六"), f.member(unit, name="赵六")
        task = f.task(item, liaison, starts_in=timedelta(days=2))
        person = resident(item.community, liaison)
        db.session.commit()
        ids = dict(admin=admin.id, liaison=liaison.id, keep=keep.id, drop=drop.id,
                   task=task.id, item=item.id, community=item.community_id,
                   resident=person.id, resident_shown=resident_shown_key(person),
                   keep_phone=keep.masked_phone, after={})
        pair = lambda: (db.session.get(Member, keep.id), db.session.get(Member, drop.id))  # noqa: E731
        ids["shown"] = merge.preview(*pair()).key()
        for write in WRITES:
            savepoint = db.session.begin_nested()
            globals()[write](ids)
            ids["after"][write] = merge.preview(*pair()).key()
            savepoint.rollback()
        db.session.rollback()
        return app, ids


def _merge(ids, shown=None):
    from tracker.extensions import db
    from tracker.models import Member
    from tracker.services import merge

    merge.merge_members(db.session.get(Member, ids["keep"]), db.session.get(Member, ids["drop"]),
                        db.session.get(Member, ids["admin"]), shown=shown or ids["shown"])


def _merge_after(write):
    """The admin confirms on a page read once ``write`` had named B."""
    return lambda ids: _merge(ids, ids["after"][write])


def _lead(ids):
    """The liaison makes B the open task's 组长 (the task page's 组长 form)."""
    from tracker.extensions import db
    from tracker.models import Member, Task
    from tracker.services.tasks import change_leader

    change_leader(db.session.get(Task, ids["task"]), db.session.get(Member, ids["drop"]),
                  db.session.get(Member, ids["liaison"]))


def _create(ids):
    """The liaison creates a task with B as its 组长."""
    from tracker.extensions import db
    from tracker.models import Member, ResourceItem
    from tracker.services.tasks import TaskData, create_tasks
    from tracker.timeutil import local_today

    day = local_today() + timedelta(days=3)
    starts = datetime(day.year, day.month, day.day, 9)
    create_tasks(db.session.get(Member, ids["liaison"]), db.session.get(ResourceItem, ids["item"]),
                 TaskData(title="楼道粉刷", place="5号楼", starts_local=starts,
                          ends_local=starts + timedelta(hours=2), slots=4,
                          leader=db.session.get(Member, ids["drop"])))


def _resident_data(person, paired):
    from tracker.services.residents import EDITABLE, ResidentData

    return ResidentData(community_id=person.community_id, paired_ids=set(paired),
                        **{name: getattr(person, name) for name in EDITABLE})


def _pair(ids):
    """The liaison pairs the resident with B (the register form, saved)."""
    from tracker.extensions import db
    from tracker.models import Member, Resident
    from tracker.services.residents import update_resident

    person = db.session.get(Resident, ids["resident"])
    update_resident(person, db.session.get(Member, ids["liaison"]),
                    _resident_data(person, [ids["drop"]]), shown=ids["resident_shown"])


def _register(ids):
    """The liaison registers a new resident paired with B."""
    from tracker.extensions import db
    from tracker.models import Member, Resident
    from tracker.services.residents import create_resident

    data = _resident_data(db.session.get(Resident, ids["resident"]), [ids["drop"]])
    data.name, data.phone = "钱奶奶", "13800000002"
    create_resident(db.session.get(Member, ids["liaison"]), data)


def _ask(ids):
    """B asks for a 补录 of yesterday's work (「我参加了但没有记录」)."""
    from tracker.extensions import db
    from tracker.models import Community, Member
    from tracker.services.backfill_requests import RequestData, ask_backfill
    from tracker.timeutil import local_today

    ask_backfill(db.session.get(Member, ids["drop"]), db.session.get(Community, ids["community"]),
                 RequestData(service_date=local_today() - timedelta(days=1), minutes=60,
                             description="帮社区搬运防汛物资"))


for _write in WRITES:  # the racers are looked up by name in this module
    globals()[f"_merge_after{_write}"] = _merge_after(_write)


def _where(app, ids) -> dict:
    """Who holds what the writes name: B's and A's 组长 places, pairings, 补录申请."""
    from tracker.extensions import db
    from tracker.models import BackfillRequest, Member, Task, resident_member

    def count(stmt):
        return db.session.scalar(select(func.count()).select_from(stmt.subquery()))

    with app.app_context():
        found = {}
        for who in ("drop", "keep"):
            member_id = ids[who]
            found[who] = dict(
                leads=count(select(Task.id).where(Task.leader_id == member_id)),
                paired=count(select(resident_member.c.resident_id)
                             .where(resident_member.c.member_id == member_id)),
                requests=count(select(BackfillRequest.id)
                               .where(BackfillRequest.member_id == member_id)))
        found["drop_active"] = db.session.get(Member, ids["drop"]).active
        db.session.remove()
        db.engine.dispose()
        return found


NOTHING = dict(leads=0, paired=0, requests=0)
# what the write gives the person, whichever account holds it after the race
GIVES = {"_lead": dict(leads=1, paired=0, requests=0),
         "_create": dict(leads=1, paired=0, requests=0),
         "_pair": dict(leads=0, paired=1, requests=0),
         "_register": dict(leads=0, paired=1, requests=0),
         "_ask": dict(leads=0, paired=0, requests=1)}


def _refusal(write, ids) -> str:
    """The refusal a write reads after the merge: a liaison naming B is told which account
    to choose instead (A, by its masked phone); B asking for itself, that it is off."""
    if write in ("_lead", "_create"):
        return f"赵六 的账号已合并至赵六（{ids['keep_phone']}），不能再担任组长；请改选赵六。"
    if write in ("_pair", "_register"):
        return f"赵六 的账号已合并至赵六（{ids['keep_phone']}），请改为与赵六结对。"
    return "该党员账号已停用。"


@pytest.mark.parametrize("write", WRITES)
def test_a_write_naming_b_after_the_merge_waits_and_is_refused(tmp_path, write):
    """The merge first: the write waits for the merge's lock on B's row, then reads B
    merged and is refused. Nothing is on B, nor on A (the write did not happen)."""
    with race_database("postgresql", tmp_path, "mergewrite") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "_merge", write)
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["_merge"]["ok"] is True
        assert got[write]["refused"] == _refusal(write, ids)
        assert _where(app, ids) == dict(drop=NOTHING, keep=NOTHING, drop_active=False)


@pytest.mark.parametrize("write", WRITES)
def test_a_merge_after_a_write_naming_b_waits_and_moves_it_to_a(tmp_path, write):
    """The write first, the merge confirmed on a page that showed it: the merge waits for
    the write's share lock on B's row, then reads what it wrote and moves it to A."""
    with race_database("postgresql", tmp_path, "mergewrite") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, write, f"_merge_after{write}")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got[write]["ok"] is True
        assert got[f"_merge_after{write}"]["ok"] is True
        assert _where(app, ids) == dict(drop=NOTHING, keep=GIVES[write], drop_active=False)
