"""认领 a need under concurrency: members in separate processes (as separate gunicorn
workers) claim the same needs at the same moment. Each need ends claimed by exactly
one of them — the one its claim event names — every other claim is refused with "该需求
已被认领。", and nothing fails: no double claim, no "database is locked".

SQLite runs on a real file (WAL + BEGIN IMMEDIATE); PostgreSQL runs too when
TEST_DATABASE_URL is set.
"""
from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import select

from tests.races import act_in_turn, race_database, race_world, run_racers
from tests.scratch_db import BACKENDS

NEEDS = 5
CLAIMERS = 6  # processes, one member each; the odd ones claim for their unit

pytestmark = pytest.mark.slow


def _claim(member_id: int, for_unit: bool, need_id: int) -> None:
    from tracker.extensions import db
    from tracker.models import Member, Need
    from tracker.services.needs import claim_need

    claim_need(db.session.get(Need, need_id), db.session.get(Member, member_id),
               for_unit=for_unit)


def _racer(url: str, member_id: int, for_unit: bool, need_ids: list[int], barrier,
           results) -> None:
    results.put(act_in_turn(url, barrier, need_ids, partial(_claim, member_id, for_unit),
                            refusal="该需求已被认领。"))


def _build_world(url: str):
    from tests import factories as f
    from tests.needs.support import need
    from tracker.extensions import db

    with race_world(url) as (app, unit, item, liaison):
        needs = [need(item.community, liaison, title=f"微心愿{i}") for i in range(NEEDS)]
        members = [f.member(unit) for _ in range(CLAIMERS)]
        db.session.commit()
        ids = ([n.id for n in needs], [m.id for m in members])
    return app, ids


@pytest.mark.parametrize("backend", BACKENDS)
def test_each_need_is_claimed_by_exactly_one(backend, tmp_path):
    from tracker.extensions import db
    from tracker.models import AuditEvent, Need, NeedStatus

    with race_database(backend, tmp_path, "needrace") as url:
        app, (need_ids, member_ids) = _build_world(url)
        # each process claims the needs in its own order, so they meet on every need
        jobs = [(url, member_id, i % 2 == 1, need_ids[i % NEEDS:] + need_ids[:i % NEEDS])
                for i, member_id in enumerate(member_ids)]

        outcomes = run_racers(_racer, jobs)

        assert [e for o in outcomes for e in o["errors"]] == []
        assert sum(o["ok"] for o in outcomes) == NEEDS
        assert sum(o["refused"] for o in outcomes) == NEEDS * (CLAIMERS - 1)
        with app.app_context():
            needs = list(db.session.scalars(select(Need).order_by(Need.id)))
            assert {n.status for n in needs} == {NeedStatus.claimed}
            claims = {e.entity_id: e.actor_id for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "need_claim"))}
            # one claim event per need, naming the member the need is held by
            assert claims == {n.id: n.claimed_by_id for n in needs}
            db.session.remove()
            db.engine.dispose()
