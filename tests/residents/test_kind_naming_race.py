"""review42 #2: a change of a resident's kind (空巢老人 → 困难群众) and a 服务对象 save naming
her on an approved 慰问“空巢”老人 visit at once, in separate processes (two gunicorn
workers) on PostgreSQL. The kept households (``CountedServed``, migration 0068) must
equal a rebuild from the live rows whichever commits first: their docstring says they
are "moved in the same transaction by every write that changes them".

Before the fix neither write waited for the other: the kind change's flush refreshed the
tasks naming her (none yet committed), the save read her kind as 空巢老人 and kept the
row, and the county's 「慰问“空巢”老人 N人」 counted a 困难群众. Now ``set_task_residents``
share-locks the residents it may add after the activity and before reading their kind:
it waits for the kind change in flight and is refused (she is no longer of the kind the
visit serves); the other way round the kind change waits for her row and then refreshes
the visit the save named. Each order is forced (``tests.races.race_in_order``). SQLite's
writers take turns anyway: run with TEST_DATABASE_URL.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.races import race_database, race_in_order, race_world
from tests.scratch_db import PG_URL

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns anyway")]

MODULE = __name__
OTHER_KIND = "走访慰问类任务只能选择空巢老人作为服务对象。"


def _world(url):
    """An approved 慰问“空巢”老人 visit (受益 1) naming nobody, and 赵奶奶, a 空巢老人 of its
    community, as the review built them."""
    from tests import factories as f
    from tests.residents.support import resident
    from tracker.extensions import db
    from tracker.models import Role

    with race_world(url) as (app, unit, item, _x):
        community = item.community
        liaison = f.member(unit, role=Role.liaison, name="联络员林", communities=[community])
        leader = f.member(unit, name="王组长")
        visits = f.item(unit, community, "elderly_visit")
        task = f.task(visits, liaison, leader=leader, starts_in=-timedelta(days=1),
                      title="慰问空巢老人")
        db.session.commit()
        f.reported(task, leader, approved=True, people_served=1)
        elder = resident(community, liaison)
        db.session.commit()
        return app, {"liaison": liaison.id, "task": task.id, "elder": elder.id}


def change_kind(ids):
    """The liaison edits 赵奶奶: 空巢老人 → 困难群众 (flushed: the counted rows' hook runs)."""
    from tracker.extensions import db
    from tracker.models import Member, Resident, ResidentCategory
    from tracker.services.residents import ResidentData, update_resident

    r = db.session.get(Resident, ids["elder"])
    update_resident(r, db.session.get(Member, ids["liaison"]), ResidentData(
        community_id=r.community_id, name=r.name, category=ResidentCategory.needy,
        address=r.address, phone=r.phone, notes=r.notes, consent_date=r.consent_date,
        consent_method=r.consent_method, paired_ids=set()))
    db.session.flush()


def name_her(ids):
    """The 服务对象 page's save names her on the approved visit."""
    from tracker.extensions import db
    from tracker.models import Member, Task
    from tracker.services.residents import set_task_residents

    set_task_residents(db.session.get(Task, ids["task"]),
                       db.session.get(Member, ids["liaison"]), {ids["elder"]})
    db.session.flush()


def _kept_and_rebuilt(app):
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import CountedServed
    from tracker.participation import _everything, _served_rows

    with app.app_context():
        kept = sorted(tuple(r) for r in db.session.execute(
            select(CountedServed.task_id, CountedServed.resident_id)))
        rebuilt = sorted((r[0], r[1]) for r in db.session.execute(_served_rows(_everything)))
        db.session.remove()
        db.engine.dispose()
    return kept, rebuilt


def test_a_naming_behind_a_kind_change_waits_and_reads_the_new_kind(tmp_path):
    with race_database("postgresql", tmp_path, "kindfirst") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "change_kind", "name_her")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["change_kind"]["ok"] is True and got["name_her"]["waited"] is True
        assert got["name_her"]["refused"] == OTHER_KIND
        kept, rebuilt = _kept_and_rebuilt(app)
        assert kept == rebuilt == []


def test_a_kind_change_behind_a_naming_refreshes_the_visit_it_named(tmp_path):
    with race_database("postgresql", tmp_path, "namefirst") as url:
        app, ids = _world(url)
        got = race_in_order(MODULE, url, ids, "name_her", "change_kind")
        assert [e for o in got.values() for e in o["errors"]] == []
        assert got["name_her"]["ok"] is True and got["change_kind"]["ok"] is True
        assert got["change_kind"]["waited"] is True
        kept, rebuilt = _kept_and_rebuilt(app)
        assert kept == rebuilt == []
