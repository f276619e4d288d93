"""The same send arriving at several workers at once (a double tap and a retry that
overtook the first): each process has its own app, engine and connections, as gunicorn
workers would, and all carry the same one-time submission token. The ledger gets one
entry — the rule: a send is applied once — and every other process is told it was
already submitted, never an error. On a real SQLite file and on PostgreSQL."""
from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import func, select

from tests.races import act_in_turn, race_database, race_world, run_racers
from tests.scratch_db import BACKENDS

PROCESSES = 4
TOKEN = "r" * 22

pytestmark = pytest.mark.slow


def _spend(keeper_id: int, unit_id: int, community_id: int, _item) -> None:
    from tracker.extensions import db
    from tracker.models import Community, Member, Unit
    from tracker.services.funds import add_entry
    from tracker.timeutil import local_today

    day = local_today()
    add_entry(db.session.get(Member, keeper_id), db.session.get(Unit, unit_id),
              db.session.get(Community, community_id), day.year,
              entry_date=day, amount_fen=120_000, purpose="购买清扫工具")


def _sender(url: str, ids: tuple, barrier, results) -> None:
    """Child process: the send, carrying the shared token, once."""
    from tracker.services import submissions

    submissions.begin(TOKEN)  # as tracker/resend.py does for a request carrying it
    results.put(act_in_turn(url, barrier, [None], partial(_spend, *ids)))


@pytest.mark.parametrize("backend", BACKENDS)
def test_one_send_racing_itself_is_applied_once(backend, tmp_path):
    from tests import factories as f
    from tracker.extensions import db
    from tracker.models import FundEntry, Role, SubmissionToken

    with race_database(backend, tmp_path, "race") as url:
        with race_world(url) as (app, unit, item, _liaison):
            keeper = f.member(unit, Role.admin, "管理员")
            db.session.commit()
            ids = (keeper.id, unit.id, item.community_id)

        outcomes = run_racers(_sender, [(url, ids)] * PROCESSES)

        errors = [e for o in outcomes for e in o["errors"]]
        assert sum(o["ok"] for o in outcomes) == 1
        assert len(errors) == PROCESSES - 1
        assert all(e.startswith("AlreadySubmitted") for e in errors), errors
        with app.app_context():
            assert db.session.scalar(select(func.count(FundEntry.id))) == 1
            assert db.session.get(SubmissionToken, TOKEN) is not None
            db.session.remove()
            db.engine.dispose()
